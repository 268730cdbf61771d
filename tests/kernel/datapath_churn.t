#!/bin/bash
# datapath_churn.t: churn and capacity (issue 5, item 5), accelerated.
#  - 20,000 short connections (connect, one 100-byte request, its echo,
#    close), 16 at a time: every response intact, no stale sockhash entry
#    afterwards, every socket accelerated.
#  - A connection that takes the 4-tuple of a socket still open in TIME_WAIT
#    with unread data (net.ipv4.tcp_tw_reuse on loopback): both keep their
#    own bytes.  (Found by the churn run: the two shared a sockhash key, and
#    the new socket's insert dropped the old one's unread data.)
#  - A full sockhash (our object built with a 16-entry sockhash): new
#    connections work through the stack, no error reaches the application,
#    sockets_add_failed counts them; once sockets close, acceleration resumes.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow
[ -x "$TOOLS/tuple_reuse" ] || bail "$TOOLS/tuple_reuse is not built (run make test)"
SMALL=$BUILD/tests/small-sockhash
[ -f "$SMALL/sockaccel.bpf.o" ] || bail "$SMALL/sockaccel.bpf.o is not built (run make test)"

CONNS=20000
HDR=40

churn() {
	local B=$1 L=$2 cg ns pin out sout rc st t0
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	t0=$EPOCHREALTIME
	start_server churn "$cg" "$ns" -p 7005 -n $CONNS -T 120
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7005 -n $CONNS -c 16 -e -w 100 -b 100 \
		-t 10 -T 120); rc=$?
	wait_server churn
	sout=$(cat "$T_TMP/churn.out")
	diag "[$L] client: $out"
	diag "[$L] server: $sout"
	is "$rc" 0 "[$L] $CONNS short connections: client exits 0"
	check_flow "[$L] $CONNS request/response connections" "$out" $CONNS 100
	check_flow "[$L] server of $CONNS" "$sout" $CONNS 100
	st=$("$B" status --pin-dir "$pin" --json)
	diag "[$L] counters: $(sed 's/.*"counters"://' <<<"$st"); $(elapsed "$t0") s"
	is "$(json_get "$st" sockets)" 0 "[$L] no stale sockhash entry after $CONNS connections closed"
	is "$(counter "$st" sockets_added)/$(counter "$st" sockets_add_failed)" "$((2 * CONNS))/0" \
		"[$L] all $((2 * CONNS)) sockets were accelerated, none failed"
	check_accounted "[$L]" "$st" $((CONNS * (HDR + 200)))

	# The same 4-tuple, a new connection, the old socket unread in TIME_WAIT.
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/tuple_reuse" -p 7006 -P 7007); rc=$?
	is "$out" "reused=1 a=ok c=ok d=ok" \
		"[$L] 4-tuple reused while the old socket holds unread data: every socket reads only its own bytes"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(counter "$st" sockets_added)" "$((2 * CONNS + 4))" "[$L] both connections on that 4-tuple were accelerated"
	"$B" remove --pin-dir "$pin" >/dev/null
}

capacity() {
	local B=$1 L=$2 cg ns pin out over rc st full t0 hold=$((4 << 20)) obytes=$((64 << 10))
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$SMALL" >/dev/null ||
		bail "[$L] install --objects $SMALL failed"
	t0=$EPOCHREALTIME
	# While 8 connections (16 sockets) fill the sockhash, 50 more come and go.
	cat >"$T_TMP/overflow.sh" <<-EOF
		for i in \$(seq 50); do
			"$B" status --pin-dir "$pin" --json | grep -q '"sockets":16,' && break
			sleep 0.1
		done
		"$FLOW" client -a 127.0.0.1 -p 7009 -n 50 -c 10 -b $obytes -t 30 -T 60 >"$T_TMP/over.out" 2>&1
		"$B" status --pin-dir "$pin" --json >"$T_TMP/full.json"
	EOF
	rm -f "$T_TMP/over.out" "$T_TMP/full.json"
	start_server hold "$cg" "$ns" -p 7008 -n 8 -T 120
	start_server ovsrv "$cg" "$ns" -p 7009 -n 50 -T 120
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7008 -n 8 -b $hold -t 60 -T 120 \
		-B -x "sh $T_TMP/overflow.sh"); rc=$?
	wait_server hold
	wait_server ovsrv
	over=$(cat "$T_TMP/over.out")
	full=$(cat "$T_TMP/full.json")
	diag "[$L] holders: $out"
	diag "[$L] overflow: $over"
	diag "[$L] while full: $(sed 's/.*"sockets"://' <<<"$full")"
	is "$(json_get "$full" sockets)" 16 "[$L] the 16-entry sockhash was full"
	check_flow "[$L] 50 connections while the sockhash was full" "$over" 50 $obytes
	is "$(counter "$full" sockets_add_failed)" 100 "[$L] sockets_add_failed counts their 100 sockets"
	lt 100 "$(kv "$over" outsegs)" "[$L] their data went through TCP (OutSegs)"
	is "$rc" 0 "[$L] the 8 connections that filled the sockhash: client exits 0"
	check_flow "[$L] the 8 connections that filled the sockhash" "$out" 8 $hold
	st=$("$B" status --pin-dir "$pin" --json)
	check_redirected "[$L] and they were redirected" "$(counter "$st" bytes_redirected)" \
		"$(counter "$st" bytes_passed)" "$(counter "$st" sockets_moved_to_stack)" $((2 * 8 * hold + 8 * HDR))
	check_accounted "[$L] our sk_msg program saw only their bytes, none of the 50 that found the sockhash full:" \
		"$st" $((2 * 8 * hold + 8 * HDR))
	is "$(json_get "$st" sockets)" 0 "[$L] sockhash empty after all closed"

	# Room again: the next connection is accelerated.
	start_server again "$cg" "$ns" -p 7010 -n 1 -T 30
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7010 -b $obytes -T 30)
	wait_server again
	check_flow "[$L] a connection after the sockhash emptied" "$out" 1 $obytes
	is "$(counter "$("$B" status --pin-dir "$pin" --json)" sockets_added)" 18 \
		"[$L] it was accelerated (sockets_added 16 -> 18)"
	diag "[$L] capacity: $(elapsed "$t0") s"
	"$B" remove --pin-dir "$pin" >/dev/null
}

run() {
	churn "$1" "$2"
	capacity "$1" "$2 full sockhash"
}
for_each_binary run
diag "datapath_churn.t: $(elapsed) s"
done_testing
