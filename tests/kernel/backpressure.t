#!/bin/bash
# backpressure.t (issue 17): a reader that stops, or reads slower than its
# writer, must not let a redirect queue without bound.
#  - Plain TCP first, on this kernel: what a writer queues for a stalled
#    reader (both directions) and for a rate-limited one (20 MiB/s).
#  - The backpressure build of our programs (SA_BACKPRESSURE), loaded with
#    bpftool and pinned where `status` reads (the built-in loader cannot
#    attach its raw tracepoint program yet, see bpf/sockaccel.h):
#    stalled reader, IPv4 and IPv6: the writer queues at most twice what
#    plain TCP queued, sees only EAGAIN (never ENOMEM), and once the reader
#    reads every byte arrives in order (SHA-256 on both ends, both ways);
#    rate-limited reader for 10 s: the largest (sent - read) stays within
#    twice plain TCP's, every byte intact.
#  - With config's bound at 0 (what an install sets on a kernel without the
#    tracepoint sock:sock_recv_length, before 6.3), nothing is moved: the
#    redirect is unbounded, as with the shipped programs.  On such a kernel
#    only this part and plain TCP's run.
#  - The counters (both binaries' status): sockets were redirected first,
#    then moved for backpressure; the unread/readers maps are empty once
#    the connections are closed (nothing leaks).
. "$(dirname "$0")/../lib.sh"
need_kernel
BL=$TOOLS/backlog
OBJ=$BUILD/tests/data/backpressure/sockaccel.bpf.o
for f in "$BL" "$TOOLS/pin_link" "$OBJ"; do
	[ -e "$f" ] || bail "$f is not built (run make test)"
done
command -v bpftool >/dev/null || bail "bpftool is not installed (tests/deps.sh test)"

# The bound an install sets (bpf/sockaccel.h), as config's 4 bytes.
KIB=$(sed -n 's/^#define SA_UNREAD_MAX_KIB[[:space:]]*//p' "$TOP/bpf/sockaccel.h")
kib_bytes() { echo $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }

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
new_pin_dir pin

# ---- the backpressure build, by bpftool (the cgroup's sockets are not
# in its sockhash until sockops is attached, below) ----
bpftool prog loadall "$OBJ" "$pin" pinmaps "$pin" || bail "bpftool cannot load $OBJ"
# The tracepoint is Linux 6.3: before, an install sets no bound and the
# redirect stays unbounded, which the last part checks.
tp=1
"$TOOLS/pin_link" "$pin/sockaccel_read" "$pin/sockaccel_read_link" sock_recv_length || tp=0
[ $tp = 1 ] || diag "no tracepoint sock:sock_recv_length (Linux 6.3) on $(uname -r): only the unbounded case"

# ---- plain TCP on this kernel ----
plain=$(in_cg "$cg" "$BL" stall -T 60); rc=$?
intact "plain stall" "$plain" "0 1"
prate=$(in_cg "$cg" "$BL" rate -d 4 -T 60); rc=$?
intact "plain rate" "$prate" 0
diag "plain TCP: stalled reader queued $(val "$plain" queued0) / $(val "$plain" queued1) bytes; rate-limited reader max $(val "$prate" maxq)"

# config[0] = { port_filter 0, unread_max_kib SA_UNREAD_MAX_KIB }, as an
# install sets it once the tracepoint program is attached.
[ $tp = 0 ] || bpftool map update pinned "$pin/config" key 0 0 0 0 value 0 0 0 0 $(kib_bytes "$KIB") ||
	bail "cannot set the bound"
bpftool prog attach pinned "$pin/sockaccel_msg" msg_verdict pinned "$pin/sock_hash" &&
	bpftool cgroup attach "$cg" sock_ops pinned "$pin/sockaccel_ops" multi ||
	bail "cannot attach the backpressure build"

counter() { json_get "$("$1" status --pin-dir "$pin" --json)" "$2"; }
B=${SA_BINS%% *}

for fam in 4 6; do
	[ $tp = 1 ] || break
	opt=; [ $fam = 6 ] && opt=-6
	m0=$(counter "$B" sockets_moved_backpressure)
	r0=$(counter "$B" bytes_redirected)
	out=$(in_cg "$cg" "$BL" stall $opt -T 60); rc=$?
	intact "IPv$fam stall, accelerated" "$out" "0 1"
	for d in 0 1; do
		q=$(val "$out" queued$d)
		p=$(val "$plain" queued$d)
		check "IPv$fam stall: direction $d queued $q <= 2 x plain $p" test "$q" -le $((2 * p))
	done
	check "IPv$fam stall: redirected first ($(( $(counter "$B" bytes_redirected) - r0 )) bytes)" \
		test "$(counter "$B" bytes_redirected)" -gt "$r0"
	is "$(( $(counter "$B" sockets_moved_backpressure) - m0 ))" 2 \
		"IPv$fam stall: both writers moved for backpressure"
done

if [ $tp = 1 ]; then
	m0=$(counter "$B" sockets_moved_backpressure)
	out=$(in_cg "$cg" "$BL" rate -d 10 -T 60); rc=$?
	intact "rate-limited reader, 10 s, accelerated" "$out" 0
	check "rate: max queue $(val "$out" maxq) <= 2 x plain $(val "$prate" maxq)" \
		test "$(val "$out" maxq)" -le $((2 * $(val "$prate" maxq)))
	is "$(( $(counter "$B" sockets_moved_backpressure) - m0 ))" 1 "rate: the writer moved for backpressure"
fi

# With no bound set (what an install leaves on a kernel without the
# tracepoint), nothing is moved: the redirect is unbounded, as before.
# backlog stops itself at 16 MiB queued.
bpftool map update pinned "$pin/config" key 0 0 0 0 value 0 0 0 0 0 0 0 0
m0=$(counter "$B" sockets_moved_backpressure)
r0=$(counter "$B" bytes_redirected)
out=$(in_cg "$cg" "$BL" stall -c $((16 << 20)) -T 60); rc=$?
intact "no bound: stall" "$out" "0 1"
check "no bound: the writer queued up to the tool's 16 MiB cap ($(val "$out" queued0))" \
	test "$(val "$out" queued0)" -ge $((16 << 20))
r=$(( $(counter "$B" bytes_redirected) - r0 ))
check "no bound: the queued bytes were redirected ($r bytes)" test "$r" -ge $((16 << 20))
is "$(( $(counter "$B" sockets_moved_backpressure) - m0 ))" 0 "no bound: nothing moved"

# Both binaries read and name the new counter.
for b in $SA_BINS; do
	n=$(counter "$b" sockets_moved_backpressure)
	check "$(basename "$b") status --json: sockets_moved_backpressure = $n ($((5 * tp)) moves)" \
		test "$n" = $((5 * tp))
	check "$(basename "$b") status: the counter by name" \
		sh -c "'$b' status --pin-dir '$pin' | grep -Eq '^  sockets_moved_backpressure +$n\$'"
done

# Every connection is closed: their entries went with them.
empty() { [ "$(bpftool -j map dump pinned "$pin/$1")" = "[]" ]; }
check "unread is empty after the connections closed" eventually empty unread
check "readers is empty after the connections closed" eventually empty readers
done_testing
