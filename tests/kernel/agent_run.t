#!/bin/bash
# agent_run.t: `sockaccel run`, the agent (issue 15).  SIGTERM leaves
# nothing behind; --keep leaves the install working and the next run adopts
# it (a connection made in between is accelerated); programs detached and
# pins deleted behind its back are put back; an install of other programs
# or maps (another version) is replaced, not adopted; the metrics endpoint
# answers with exposition text that Prometheus' own parser reads, and
# survives garbage and a client that sends nothing, without holding up the
# watch loop; --metrics refuses a non-loopback address unless
# --metrics-any; --cgroup auto picks the kubelet's cgroup under either
# driver, on a unified and on a hybrid layout; two agents on one install
# (a rolling update's surge) never fight; and its whole life under valgrind.
# The backpressure build's read_link deleted: repaired like the other pins
# (a writer moved to the stack comes back to the redirect after), and an
# agent starting on an install without it repairs it rather than adopt it.
. "$(dirname "$0")/../lib.sh"
need_kernel
BP=$BUILD/bpf/backpressure
[ -e "$BP/sockaccel.bpf.o" ] && [ -x "$TOOLS/comeback" ] || bail "$BP/sockaccel.bpf.o or $TOOLS/comeback is not built (run make test)"
PY=/usr/bin/python3	# Debian's, with python3-prometheus-client
$PY -c 'import prometheus_client' 2>/dev/null || bail "python3-prometheus-client missing (tests/deps.sh deploy)"
command -v curl >/dev/null || bail "curl missing (tests/deps.sh deploy)"
command -v valgrind >/dev/null || bail "valgrind missing (tests/deps.sh test)"

MB16=$((16 << 20))
PORT=$((20000 + $$ % 20000))

outsegs_of() { sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$1"; }
# count_is N FILE PATTERN: FILE has N lines matching (for eventually).
count_is() { [ "$(grep -c "$3" "$2")" = "$1" ]; }
metric() {	# metric PORT NAME: a sample's value, through the parser
	curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | $PY "$TOP/tests/tools/promcheck.py" |
		awk -v n="$2" '$1 == n { print $2 }'
}

agent() {
	local B=$1 L=$2 cg ns pin log pid port out rc st ops msg hash ops2 msg2 opt t0
	port=$((PORT + ${#T_PINS[@]}))
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin
	log=$T_TMP/agent-$L.log

	# ---- run, then SIGTERM: nothing left ----
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --metrics "127.0.0.1:$port" 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] run installs and says so" eventually grep -q "run: installed on cgroup $cg" "$log"
	check "[$L] run says where the metrics are" eventually grep -q "metrics on http://127.0.0.1:$port/metrics" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	ops=$(status_id "$st" sockaccel_ops); msg=$(status_id "$st" sockaccel_msg); hash=$(status_id "$st" sock_hash)
	is "$(cgroup_prog_ids "$cg")" "$ops " "[$L] sockops attached to the cgroup (BPF_PROG_QUERY)"
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -H -b $MB16); rc=$?
	is "$rc" 0 "[$L] traffic under the agent: 16 MiB each way intact"
	lt "$(outsegs_of "$out")" 50 "[$L] traffic under the agent bypassed TCP (OutSegs)"

	# The metrics, read by Prometheus' parser, agree with status.
	out=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | $PY "$TOP/tests/tools/promcheck.py" 2>&1); rc=$?
	is "$rc" 0 "[$L] /metrics parses as Prometheus text, every name sockaccel_, HELP and TYPE"
	[ "$rc" = 0 ] || diag "$out"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(awk '$1 == "sockaccel_bytes_redirected_total" { print $2 }' <<<"$out")" \
	   "$(json_get "$st" bytes_redirected)" "[$L] sockaccel_bytes_redirected_total = status' bytes_redirected"
	is "$(awk '$1 == "sockaccel_sockets_added_total" { print $2 }' <<<"$out")" 2 "[$L] sockaccel_sockets_added_total = 2"
	check "[$L] sockaccel_state{state=\"installed\"} 1" grep -qx 'sockaccel_state{state="installed"} 1' <<<"$out"
	check "[$L] sockaccel_info carries the version" grep -q '^sockaccel_info{version="[^"]*"} 1$' <<<"$out"
	check "[$L] sockaccel_sockets is there" grep -q '^sockaccel_sockets 0$' <<<"$out"
	out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/"); is "$out" 404 "[$L] GET / is 404"
	out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$port/metrics"); is "$out" 405 "[$L] POST is 405"

	kill -TERM "$pid"; wait "$pid"; rc=$?
	is "$rc" 0 "[$L] SIGTERM: run exits 0"
	check "[$L] SIGTERM: says it removed" grep -q "run: removed from cgroup $cg" "$log"
	check "[$L] SIGTERM: no pin directory left" test ! -e "$pin"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] SIGTERM: nothing attached to the cgroup (BPF_PROG_QUERY)"
	check "[$L] SIGTERM: sockops program gone from the kernel" eventually prog_gone "$ops"
	check "[$L] SIGTERM: sk_msg program gone from the kernel" eventually prog_gone "$msg"
	check "[$L] SIGTERM: sockhash gone from the kernel" eventually map_gone "$hash"

	# ---- --keep, traffic between two agents, the next run adopts ----
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --keep 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] --keep: installed" eventually grep -q "run: installed on cgroup $cg" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	ops=$(status_id "$st" sockaccel_ops); msg=$(status_id "$st" sockaccel_msg)
	kill -TERM "$pid"; wait "$pid"; rc=$?
	is "$rc" 0 "[$L] --keep: SIGTERM exits 0"
	check "[$L] --keep: says it kept the install" grep -q "kept the install on cgroup $cg (--keep)" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(json_get "$st" installed),$(json_get "$st" attached),$(json_get "$st" msg_attached)" true,true,true \
		"[$L] --keep: still installed and both programs attached with no agent running"
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -H -b $MB16); rc=$?
	is "$rc" 0 "[$L] between two agents: 16 MiB each way intact"
	lt "$(outsegs_of "$out")" 50 "[$L] between two agents: the connection was accelerated (OutSegs)"
	is "$(json_get "$("$B" status --pin-dir "$pin" --json)" sockets_added)" 2 "[$L] between two agents: both sockets added"
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --metrics "127.0.0.1:$port" 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] the next run adopts the install" eventually grep -q "run: adopted the install on cgroup $cg" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(status_id "$st" sockaccel_ops),$(status_id "$st" sockaccel_msg)" "$ops,$msg" \
		"[$L] adopted: the same programs, never reinstalled"
	check "[$L] adopted: no fault reported" eventually grep -q "metrics on" "$log"
	! grep -q "behind our back" "$log"; ok $? "[$L] adopted: nothing to repair"

	# ---- behind its back ----
	bpftool cgroup detach "$cg" sock_ops id "$ops"
	check "[$L] sockops detached with bpftool: the agent says so" \
		eventually grep -q "program sockaccel_ops is not attached to cgroup $cg (detached behind our back); reinstalling" "$log"
	check "[$L] ... and reinstalls" eventually count_is 1 "$log" "run: installed on cgroup $cg"
	ops2=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
	is "$(cgroup_prog_ids "$cg")" "$ops2 " "[$L] ... one sockops program attached again, a new one"
	"$B" prog detach pinned "$pin/sockaccel_msg" msg_verdict pinned "$pin/sock_hash" >/dev/null
	check "[$L] sk_msg detached with sockaccel detach: the agent says so and reinstalls" \
		eventually count_is 2 "$log" "run: installed on cgroup $cg"
	check "[$L] ... naming the sk_msg program" grep -q "program sockaccel_msg is not attached to map sock_hash" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(json_get "$st" installed),$(json_get "$st" attached),$(json_get "$st" msg_attached)" true,true,true \
		"[$L] ... installed, both attached"
	ops2=$(status_id "$st" sockaccel_ops)
	rm -rf "$pin"
	check "[$L] pins deleted: the agent says so and reinstalls" \
		eventually count_is 3 "$log" "run: installed on cgroup $cg"
	check "[$L] ... naming the pin" grep -q "pin $pin/.* is gone (deleted behind our back)" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(cgroup_prog_ids "$cg")" "$(status_id "$st" sockaccel_ops) " \
		"[$L] ... the orphaned sockops program was detached: only the new one is attached"
	check "[$L] ... and the orphan left the kernel" eventually prog_gone "$ops2"
	is "$(metric "$port" sockaccel_repairs_total)" 3 "[$L] sockaccel_repairs_total = 3"

	# ---- a hostile metrics client ----
	out=$($PY "$TOP/tests/tools/http_garbage.py" "$port" 300 2>&1); rc=$?
	is "$rc" 0 "[$L] 300 garbage requests: every one answered in HTTP or closed, never refused"
	diag "[$L] garbage: $(tr '\n' ';' <<<"$out")"
	check "[$L] garbage: malformed requests got 400" grep -q "HTTP/1.1 400" <<<"$out"
	check "[$L] the agent lives on" kill -0 "$pid"
	out=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | $PY "$TOP/tests/tools/promcheck.py" >/dev/null 2>&1); rc=$?
	is "$rc" 0 "[$L] after the garbage: /metrics still answers and parses"

	# A client that connects and sends nothing holds the one slot: the
	# watch loop goes on (a detach is repaired meanwhile) and the slot is
	# freed at the time limit (1 s), so curl gets its answer.
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	ops2=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
	bpftool cgroup detach "$cg" sock_ops id "$ops2"
	check "[$L] slow client connected: a detach is still repaired" \
		eventually count_is 4 "$log" "run: installed on cgroup $cg"
	t0=$(date +%s%N)
	out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/metrics")
	t0=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$out" 200 "[$L] slow client connected: curl is answered"
	lt "$t0" 2500 "[$L] ... within the slow client's time limit (ms)"
	check "[$L] the slow client was dropped" eval 'timeout 3 cat <&7 >/dev/null'
	exec 7<&-

	# The setsockopt program detached: repaired like the other two.
	opt=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_opt)
	bpftool cgroup detach "$cg" setsockopt id "$opt"
	check "[$L] setsockopt program detached with bpftool: the agent says so and reinstalls" \
		eventually count_is 5 "$log" "run: installed on cgroup $cg"
	check "[$L] ... naming it" grep -q "program sockaccel_opt is not attached to cgroup $cg (detached behind our back)" "$log"
	is "$(cgroup_prog_count "$cg")" 2 "[$L] ... sockops and setsockopt attached again, nothing else"

	kill -INT "$pid"; wait "$pid"; rc=$?
	is "$rc" 0 "[$L] SIGINT: run exits 0"
	check "[$L] SIGINT: no pin directory left" test ! -e "$pin"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] SIGINT: nothing attached to the cgroup"

	# ---- an install of other programs (another version) is replaced ----
	"$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BUILD/tests/small-sockhash" >/dev/null
	hash=$(status_id "$("$B" status --pin-dir "$pin" --json)" sock_hash)
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] an install with other maps (a 16-entry sockhash) is not adopted but replaced" \
		eventually grep -q "has other programs or maps than this sockaccel's; replacing it" "$log"
	check "[$L] ... then installed" eventually grep -q "run: installed on cgroup $cg" "$log"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(bpftool -j map show id "$(status_id "$st" sock_hash)" | grep -o '"max_entries":[0-9]*')" \
		'"max_entries":65536' "[$L] ... with this binary's sockhash"
	check "[$L] ... and the old one left the kernel" eventually map_gone "$hash"
	kill -TERM "$pid"; wait "$pid"
	check "[$L] ... removed on SIGTERM" test ! -e "$pin"

	# ---- --metrics outside loopback ----
	out=$("$B" run --cgroup "$cg" --pin-dir "$pin" --metrics "0.0.0.0:$port" 2>&1); rc=$?
	is "$rc" 1 "[$L] --metrics 0.0.0.0 without --metrics-any: refused (exit 1)"
	check "[$L] ... saying why and what to add: $out" grep -q "not a loopback address.*--metrics-any" <<<"$out"
	check "[$L] ... and installing nothing" test ! -e "$pin"
	# In the test's own network namespace, as in a pod.
	bg nsenter --net="/run/netns/$ns" "$B" run --cgroup "$cg" --pin-dir "$pin" \
		--metrics "0.0.0.0:$port" --metrics-any 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] --metrics 0.0.0.0 --metrics-any: serves" eventually grep -q "metrics on http://0.0.0.0:$port" "$log"
	out=$(nsenter --net="/run/netns/$ns" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/metrics")
	is "$out" 200 "[$L] ... and answers"
	kill -TERM "$pid"; wait "$pid"
	check "[$L] ... and removes on SIGTERM" test ! -e "$pin"
	out=$("$B" run --metrics "127.0.0.1:x" 2>&1); rc=$?
	is "$rc" 1 "[$L] --metrics 127.0.0.1:x: refused"
	out=$("$B" run --pin-dir "$pin" --keep --bogus 2>&1); rc=$?
	is "$rc" 2 "[$L] unknown option: usage error (2)"
}

# comeback CG PIN BIN: a writer to a reader that stops is moved to the stack
# for backpressure; the reader then reads everything, and the writer writes
# twice more (tests/tools/comeback).  Sets rc (0: every byte intact, in
# order, SHA-256 alike), cb_moved (moves for backpressure) and cb_back
# (messages redirected by the last write: 1 once it came back).
comeback() {
	local snaps=$T_TMP/comeback.json
	: >"$snaps"
	out=$(in_cg "$1" "$TOOLS/comeback" -n 2 -x "'$3' status --pin-dir '$2' --json >>'$snaps'"); rc=$?
	[ "$rc" = 0 ] || diag "comeback: $out"
	snap() { local v; v=$(json_get "$(sed -n "$1p" "$snaps")" "$2"); echo "${v:-0}"; }
	cb_moved=$(( $(snap 2 sockets_moved_backpressure) - $(snap 1 sockets_moved_backpressure) ))
	cb_back=$(( $(snap 4 msgs_redirected) - $(snap 3 msgs_redirected) ))
}

# The backpressure build's read link (tracepoint sock:sock_recv_length,
# Linux 6.3) deleted behind the agent's back: no read is counted any more,
# and a writer moved to the stack for backpressure would never come back.
agent_read_link() {
	local B=$1 L=$2 cg pin log pid st link out rc
	new_cgroup cg
	new_pin_dir pin
	log=$T_TMP/read-link-$L.log
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --objects "$BP" --keep 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] read_link: run installs the backpressure build" \
		eventually grep -q "run: installed on cgroup $cg" "$log"
	[ -e "$pin/read_link" ] || bail "[$L] no read_link: $(uname -r) lacks sock:sock_recv_length (Linux 6.3)?"
	rm "$pin/read_link"
	check "[$L] read_link deleted: the agent reinstalls" eventually count_is 2 "$log" "run: installed on cgroup $cg"
	check "[$L] ... naming the pin" grep -q "pin $pin/read_link is gone (deleted behind our back); reinstalling" "$log"
	st=$("$B" status --pin-dir "$pin" --json); rc=$?
	is "$rc/$(json_get "$st" state)" 0/installed "[$L] ... status: installed, exit 0"
	link=$(json_get "$st" read_link_id)
	check "[$L] ... read_link $link is sockaccel_read's link on sock_recv_length" \
		grep -q "\"id\":$link,\"type\":\"raw_tracepoint\",\"prog_id\":$(status_id "$st" sockaccel_read),\"tp_name\":\"sock_recv_length\"" \
		<<<"$(bpftool -j link show pinned "$pin/read_link")"
	comeback "$cg" "$pin" "$B"
	is "$rc" 0 "[$L] ... stalled, then resumed reader: every byte intact, in order (SHA-256)"
	check "[$L] ... the writer was moved for backpressure ($cb_moved)" test "$cb_moved" -ge 1
	is "$cb_back" 1 "[$L] ... and came back to the redirect once its reader read everything"
	kill -TERM "$pid"; wait "$pid"

	# Stopped with --keep; the link deleted while no agent runs: the next
	# one finds the install partial and repairs it, rather than adopt it.
	rm "$pin/read_link"
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --objects "$BP" 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] an agent starting on an install without its read_link repairs it" \
		eventually grep -q "run: cleaned up an incomplete install; installed on cgroup $cg" "$log"
	st=$("$B" status --pin-dir "$pin" --json); rc=$?
	is "$rc/$(json_get "$st" state)" 0/installed "[$L] ... status: installed, exit 0"
	check "[$L] ... with a read link" test "$(json_get "$st" read_link_id)" -gt 0
	kill -TERM "$pid"; wait "$pid"
	check "[$L] SIGTERM: no pin directory left" test ! -e "$pin"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] SIGTERM: nothing attached to the cgroup"
}

# A DaemonSet's rolling update (maxSurge): the new agent starts beside the
# old one on the same pins, adopts; the old one stops with --keep; a repair
# after that is the new one's, and nothing is fought over.
surge() {
	local B=$1 L=$2 cg pin log1 log2 pid1 pid2 st ops
	new_cgroup cg
	new_pin_dir pin
	log1=$T_TMP/surge1-$L.log
	log2=$T_TMP/surge2-$L.log
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --keep 2>"$log1"
	pid1=${T_PIDS[-1]}
	check "[$L] surge: the old agent installs" eventually grep -q "run: installed on cgroup $cg" "$log1"
	ops=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --keep 2>"$log2"
	pid2=${T_PIDS[-1]}
	check "[$L] surge: the new agent, beside it, adopts" eventually grep -q "run: adopted the install on cgroup $cg" "$log2"
	kill -TERM "$pid1"; wait "$pid1"
	check "[$L] surge: the old agent stops and keeps the install" grep -q "kept the install" "$log1"
	is "$(cgroup_prog_ids "$cg")" "$ops " "[$L] surge: the same program attached throughout"
	bpftool cgroup detach "$cg" sock_ops id "$ops"
	check "[$L] surge: the new agent repairs a detach" eventually count_is 1 "$log2" "run: installed on cgroup $cg"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(cgroup_prog_ids "$cg")" "$(status_id "$st" sockaccel_ops) " "[$L] surge: one sockops program attached, the new one"
	kill -TERM "$pid2"; wait "$pid2"
	"$B" remove --pin-dir "$pin" >/dev/null
	is "$(cgroup_prog_count "$cg")" 0 "[$L] surge: remove after the agents leaves nothing attached"
	check "[$L] surge: no pins" test ! -e "$pin"
}

# Both agents at once, the same pins, each --keep: a fault seen by both is
# repaired once (or twice), and they end holding one install, not two.
pair() {
	local B=$1 L=$2 cg pin log1 log2 pid1 pid2 ops st
	new_cgroup cg
	new_pin_dir pin
	log1=$T_TMP/pair1-$L.log
	log2=$T_TMP/pair2-$L.log
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" 2>"$log1"
	pid1=${T_PIDS[-1]}
	check "[$L] pair: the first agent installs" eventually grep -q "run: installed on cgroup $cg" "$log1"
	bg "$B" run --cgroup "$cg" --pin-dir "$pin" --keep 2>"$log2"
	pid2=${T_PIDS[-1]}
	check "[$L] pair: the second adopts" eventually grep -q "run: adopted the install" "$log2"
	for _ in 1 2 3; do
		ops=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
		bpftool cgroup detach "$cg" sock_ops id "$ops"
		sleep 2.5
	done
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(json_get "$st" installed),$(json_get "$st" attached),$(json_get "$st" msg_attached)" true,true,true \
		"[$L] pair: after three detaches, installed and attached"
	is "$(cgroup_prog_ids "$cg")" "$(status_id "$st" sockaccel_ops) " \
		"[$L] pair: exactly one sockops program attached, the pinned one"
	kill -TERM "$pid2"; wait "$pid2"
	kill -TERM "$pid1"; wait "$pid1"
	check "[$L] pair: the first agent (no --keep) removes on SIGTERM" grep -q "run: removed from cgroup" "$log1"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] pair: nothing attached at the end"
}

# The agent's whole life under valgrind: install, metrics requests good
# and bad, a repair, SIGTERM.  No memory error, no uninitialised byte
# passed to a system call, no leak (the dynamic binary; the static one has
# its own malloc), no descriptor left open at exit.
agent_valgrind() {
	local B=$1 L=$2 cg pin log port leak=full rc fds inherited ops
	case $B in *-static) leak=no ;; esac
	port=$((PORT + 100 + ${#T_PINS[@]}))
	new_cgroup cg
	new_pin_dir pin
	log=$T_TMP/vg-$L.log
	bg valgrind -q --error-exitcode=99 --suppressions="$TOP/tests/kernel/valgrind.supp" \
		--leak-check=$leak --show-leak-kinds=all --errors-for-leak-kinds=all --track-fds=yes \
		"$B" run --cgroup "$cg" --pin-dir "$pin" --metrics "127.0.0.1:$port" 2>"$log"
	pid=${T_PIDS[-1]}
	check "[$L] valgrind: run installs" eventually grep -q "metrics on" "$log"
	for _ in 1 2 3; do curl -s --max-time 5 "http://127.0.0.1:$port/metrics" >/dev/null; done
	curl -s -I --max-time 5 "http://127.0.0.1:$port/metrics" >/dev/null
	$PY "$TOP/tests/tools/http_garbage.py" "$port" 16 >/dev/null
	ops=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
	bpftool cgroup detach "$cg" sock_ops id "$ops"
	check "[$L] valgrind: a detach is repaired" eventually count_is 2 "$log" "run: installed on cgroup $cg"
	kill -TERM "$pid"; wait "$pid"; rc=$?
	fds=$(grep -c '^==[0-9]*== Open file descriptor' "$log")
	inherited=$(grep -c '<inherited from parent>' "$log")
	if [ "$rc" = 0 ] && [ "$fds" = "$inherited" ]; then
		ok 0 "[$L] valgrind: no error, no leak (leak check: $leak), no descriptor left open"
	else
		ok 1 "[$L] valgrind: no error, no leak, no descriptor left open (exit $rc)"
		grep -vE '^==[0-9]*== *$' "$log" | grep '^==' | head -30 | sed 's/^/#   /'
	fi
	check "[$L] valgrind: SIGTERM removed the install" test ! -e "$pin"
}

# --cgroup auto, in a mount namespace whose cgroup2 mount is a scratch
# cgroup: LAYOUT hybrid (cgroup2 at /sys/fs/cgroup/unified, as here) or
# unified (at /sys/fs/cgroup); DRIVER systemd (kubepods.slice), cgroupfs
# (kubepods) or none (the root).
auto_case() {
	local B=$1 L=$2 layout=$3 driver=$4 cg pin out mnt want
	new_cgroup cg
	new_pin_dir pin
	case $driver in
	systemd) mkdir "$cg/kubepods.slice"; want=kubepods.slice ;;
	cgroupfs) mkdir "$cg/kubepods"; want=kubepods ;;
	none) want= ;;
	esac
	if [ "$layout" = hybrid ]; then mnt=/sys/fs/cgroup/unified; else mnt=/sys/fs/cgroup; fi
	# The scratch cgroup is bound aside before the real hierarchy goes.
	mkdir -p "$T_TMP/cgsrc"
	out=$(unshare -m --propagation private sh -c "
		mount --bind '$cg' '$T_TMP/cgsrc' || exit 9
		umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup
		if [ $layout = hybrid ]; then
			mount -t tmpfs cgroup /sys/fs/cgroup && mkdir /sys/fs/cgroup/unified
		fi
		mount --move '$T_TMP/cgsrc' $mnt || exit 9
		'$B' install --cgroup auto --pin-dir '$pin' 2>&1 || exit 8
		bpftool -j cgroup show $mnt/$want
		'$B' remove --pin-dir '$pin' >/dev/null 2>&1 || exit 7
	"); rc=$?
	is "$rc" 0 "[$L] --cgroup auto, $layout layout, $driver driver: install and remove in a scratch mount namespace"
	check "[$L] ... chose $mnt${want:+/$want}: $(head -1 <<<"$out")" \
		grep -q "^sockaccel: install: --cgroup auto: $mnt${want:+/$want} (" <<<"$out"
	check "[$L] ... and attached there" grep -q '"name":"sockaccel_ops"' <<<"$out"
	check "[$L] ... nothing left" test ! -e "$pin"
}

auto() {
	local d
	for d in systemd cgroupfs none; do auto_case "$1" "$2" hybrid $d; done
	auto_case "$1" "$2" unified systemd
}

for_each_binary agent
for_each_binary agent_read_link
for_each_binary surge
for_each_binary pair
for_each_binary agent_valgrind
for_each_binary auto
done_testing
