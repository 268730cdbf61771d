#!/bin/bash
# backpressure.t (issue 17): a reader that stops, or reads slower than its
# writer, must not let a redirect queue without bound.
#  - Plain TCP first, on this kernel: what a writer queues for a stalled
#    reader (both directions) and for a rate-limited one (20 MiB/s).
#  - The install of the backpressure build (install --objects
#    build/bpf/backpressure), by each binary (status shows the bound it
#    set: half of net.ipv4.tcp_wmem's max; its read link is pinned):
#    stalled reader, IPv4 and IPv6: the writer queues at most twice what
#    plain TCP queued, sees only EAGAIN (never ENOMEM), and once the reader
#    reads every byte arrives in order (SHA-256 on both ends, both ways);
#    rate-limited reader for 10 s: the largest (sent - read) stays within
#    twice plain TCP's, every byte intact.  A writer goes back to the
#    redirect once its reader read everything, so moves are counted, at
#    least one per writer, and bytes were redirected after a move.
#  - With config's bound at 0 (what an install sets on a kernel without the
#    tracepoint sock:sock_recv_length, before 6.3), nothing is moved: the
#    redirect is unbounded, as before.  On such a kernel only this part and
#    plain TCP's run.
#  - Replaced by the same build (install --replace), the maps and their
#    pins are kept; the checks above run on that install.
#  - The unread/readers maps are empty once the connections are closed
#    (nothing leaks); remove takes the tracepoint link with it.
#  - The built-in object has no backpressure: status shows bound 0 and
#    none of its pins.
. "$(dirname "$0")/../lib.sh"
need_kernel
BL=$TOOLS/backlog
BP=$BUILD/bpf/backpressure
for f in "$BL" "$BP/sockaccel.bpf.o"; do
	[ -e "$f" ] || bail "$f is not built (run make test)"
done
command -v bpftool >/dev/null || bail "bpftool is not installed (tests/deps.sh test)"

val() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Both directions' digests agree and nothing but EAGAIN was seen.
intact() {	# intact LABEL LINE DIRS
	local d
	check "$1: exit status 0 (every byte, in order)" test "$rc" = 0
	is "$(val "$2" errno)" 0 "$1: no error but EAGAIN (never ENOMEM)"
	is "$(val "$2" mismatches)" 0 "$1: no byte differs"
	for d in $3; do
		is "$(val "$2" "sha${d}_got")" "$(val "$2" "sha${d}_sent")" \
			"$1: direction $d, SHA-256 read = SHA-256 written"
	done
}

new_cgroup cg

# ---- plain TCP on this kernel ----
plain=$(in_cg "$cg" "$BL" stall -T 60); rc=$?
intact "plain stall" "$plain" "0 1"
prate=$(in_cg "$cg" "$BL" rate -d 4 -T 60); rc=$?
intact "plain rate" "$prate" 0
diag "plain TCP: stalled reader queued $(val "$plain" queued0) / $(val "$plain" queued1) bytes; rate-limited reader max $(val "$prate" maxq)"

# The bound an install sets: half of tcp_wmem's max, in KiB.
KIB=$(( $(awk '{ print $3 }' /proc/sys/net/ipv4/tcp_wmem) >> 11 ))

run_binary() {	# run_binary BIN LABEL
	local b=$1 L=$2 pin js tp=1 fam opt m m0 r0 d q p out read_id
	new_pin_dir pin
	"$b" install --cgroup "$cg" --pin-dir "$pin" --objects "$BP" >/dev/null || bail "[$L] install failed"
	# Replaced by the same build: every map is kept, its pins too (the
	# ones of unread and readers went, up to 0.9.0); what follows runs on it.
	out=$("$b" install --replace --cgroup "$cg" --pin-dir "$pin" --objects "$BP" 2>&1) ||
		bail "[$L] install --replace failed: $out"
	check "[$L] replaced by the same build: maps kept (no warning)" test -z "$(printf '%s' "$out" | grep warning)"
	check "[$L] replaced: unread, readers, $SA_PROG_READ pinned, status installed (exit 0)" \
		sh -c "ls '$pin/unread' '$pin/readers' '$pin/$SA_PROG_READ' >/dev/null && '$b' status --pin-dir '$pin' >/dev/null"
	counter() { json_get "$("$b" status --pin-dir "$pin" --json)" "$1"; }
	js=$("$b" status --pin-dir "$pin" --json)
	read_id=$(status_id "$js" sockaccel_read)
	if [ -e "$pin/read_link" ]; then
		is "$(json_get "$js" unread_max_kib)" "$KIB" "[$L] status: the bound is half of tcp_wmem's max ($KIB KiB)"
		check "[$L] status: the bound by name" \
			sh -c "'$b' status --pin-dir '$pin' | grep -q '^bound: *$KIB KiB'"
	else
		tp=0
		is "$(json_get "$js" unread_max_kib)" 0 "[$L] no tracepoint sock:sock_recv_length (Linux 6.3): no bound"
		diag "$(uname -r) has no sock:sock_recv_length: only the unbounded case"
	fi

	for fam in 4 6; do
		[ $tp = 1 ] || break
		opt=; [ $fam = 6 ] && opt=-6
		m0=$(counter sockets_moved_backpressure)
		r0=$(counter bytes_redirected)
		out=$(in_cg "$cg" "$BL" stall $opt -T 60); rc=$?
		intact "[$L] IPv$fam stall, accelerated" "$out" "0 1"
		for d in 0 1; do
			q=$(val "$out" queued$d)
			p=$(val "$plain" queued$d)
			check "[$L] IPv$fam stall: direction $d queued $q <= 2 x plain $p" test "$q" -le $((2 * p))
		done
		check "[$L] IPv$fam stall: redirected first ($(( $(counter bytes_redirected) - r0 )) bytes)" \
			test "$(counter bytes_redirected)" -gt "$r0"
		# Each writer moved at least once; one may come back once its
		# reader read everything (it sends on after the stall), and move again.
		m=$(( $(counter sockets_moved_backpressure) - m0 ))
		check "[$L] IPv$fam stall: both writers moved for backpressure ($m moves)" test "$m" -ge 2
	done

	if [ $tp = 1 ]; then
		m0=$(counter sockets_moved_backpressure)
		out=$(in_cg "$cg" "$BL" rate -d 10 -T 60); rc=$?
		intact "[$L] rate-limited reader, 10 s, accelerated" "$out" 0
		check "[$L] rate: max queue $(val "$out" maxq) <= 2 x plain $(val "$prate" maxq)" \
			test "$(val "$out" maxq)" -le $((2 * $(val "$prate" maxq)))
		m=$(( $(counter sockets_moved_backpressure) - m0 ))
		check "[$L] rate: the writer moved for backpressure ($m moves)" test "$m" -ge 1
	fi

	# With no bound set (what an install leaves on a kernel without the
	# tracepoint), nothing is moved: the redirect is unbounded, as before.
	# backlog stops itself at 16 MiB queued.
	bpftool map update pinned "$pin/config" key 0 0 0 0 value 0 0 0 0 0 0 0 0 ||
		bail "[$L] cannot clear the bound"
	m0=$(counter sockets_moved_backpressure)
	r0=$(counter bytes_redirected)
	out=$(in_cg "$cg" "$BL" stall -c $((16 << 20)) -T 60); rc=$?
	intact "[$L] no bound: stall" "$out" "0 1"
	check "[$L] no bound: the writer queued up to the tool's 16 MiB cap ($(val "$out" queued0))" \
		test "$(val "$out" queued0)" -ge $((16 << 20))
	r=$(( $(counter bytes_redirected) - r0 ))
	check "[$L] no bound: the queued bytes were redirected ($r bytes)" test "$r" -ge $((16 << 20))
	is "$(( $(counter sockets_moved_backpressure) - m0 ))" 0 "[$L] no bound: nothing moved"
	check "[$L] status: the counter by name" \
		sh -c "'$b' status --pin-dir '$pin' | grep -Eq '^  sockets_moved_backpressure +$(counter sockets_moved_backpressure)\$'"

	# Every connection is closed: their entries went with them.
	empty() { [ "$(bpftool -j map dump pinned "$pin/$1")" = "[]" ]; }
	check "[$L] unread is empty after the connections closed" eventually empty unread
	check "[$L] readers is empty after the connections closed" eventually empty readers
	"$b" remove --pin-dir "$pin" >/dev/null || bail "[$L] remove failed"
	nolink() { ! bpftool link show | grep -qw "prog $read_id"; }
	check "[$L] remove: no link of $SA_PROG_READ (id $read_id) is left" eventually nolink

	# The built-in object: no backpressure, none of its items.
	"$b" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	js=$("$b" status --pin-dir "$pin" --json)
	is "$(json_get "$js" unread_max_kib)/$(json_get "$js" state)" 0/installed \
		"[$L] built-in object: installed, bound 0 (no backpressure)"
	check "[$L] built-in object: no unread, readers, $SA_PROG_READ, read_link pins, none listed" \
		sh -c "! ls '$pin' | grep -Eq '^(unread|readers|$SA_PROG_READ|read_link)\$' &&
			! printf '%s' '$js' | grep -Eq '\"(unread|readers|$SA_PROG_READ|read_link)\"'"
	"$b" remove --pin-dir "$pin" >/dev/null || bail "[$L] remove failed"
}
SA_PROG_READ=sockaccel_read
for_each_binary run_binary
done_testing
