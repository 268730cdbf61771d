#!/bin/bash
# datapath_live.t: live install and remove (issue 5, item 2).  The load of
# datapath_load.t (64 connections, 8 MiB each way, mixed writes, sendfile,
# splice), each connection spread over 4 s, while `sockaccel install` and
# `sockaccel remove` alternate at least 20 times.  Connections open in three
# waves: 22 before the first install, 22 during the cycles (one every
# 200 ms; the cycles go on until all of them are open), 20 after the last
# install; the last remove comes while those move accelerated data, and they
# must stay accelerated until they close.  Alongside, 4,000 short echo
# connections (16 KiB, about one per millisecond) open and close across
# the cycles, so that handshakes straddle installs and removes (one end in
# the sockhash, the other not).  Then
# every program (and so every map) of every install must leave the kernel.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow

MIB8=$((8 << 20))
CYCLES=20
SHORT=4000

live() {
	local B=$1 L=$2 cg ns pin out sout rc st i ok_cycles=0 t0 tmp=$T_TMP/$2
	local added=0 redirected=0 passed=0 last_added ids=() id
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	mkdir "$tmp"
	t0=$EPOCHREALTIME
	start_server live "$cg" "$ns" -p 7002 -n 64 -T 120
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7002 -b $MIB8 -d 4 -t 30 -T 120 \
		-W 22 -W 22/200 -W "20@$tmp/gate" -O "$tmp/wave" \
		>"$tmp/client.out" 2>"$tmp/client.err"
	local client=${T_PIDS[-1]}
	start_server short "$cg" "$ns" -p 7012 -n $SHORT -T 120
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7012 -W $SHORT/1 -c 8 -e -b 16384 -t 30 -T 120 \
		>"$tmp/short.out" 2>"$tmp/short.err"
	local shortc=${T_PIDS[-1]}
	check "[$L] wave 1: 22 connections open (and moving data) before the first install" \
		wait_file "$tmp/wave.1"

	# Sum the counters of each install just before it goes away.
	collect() {
		st=$("$B" status --pin-dir "$pin" --json)
		added=$((added + $(counter "$st" sockets_added)))
		redirected=$((redirected + $(counter "$st" bytes_redirected)))
		passed=$((passed + $(counter "$st" bytes_passed)))
		ids+=("$(status_id "$st" sockaccel_ops)" "$(status_id "$st" sockaccel_msg)")
	}
	# At least CYCLES cycles, and on until every wave-2 connection is open.
	for i in $(seq $((3 * CYCLES))); do
		[ $i -gt $CYCLES ] && [ -e "$tmp/wave.2" ] && break
		"$B" install --cgroup "$cg" --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1 || break
		sleep 0.1
		collect
		"$B" remove --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1 || break
		ok_cycles=$((ok_cycles + 1))
		sleep 0.1
	done
	lt $((CYCLES - 1)) $ok_cycles "[$L] install/remove cycles under load, each exits 0"
	check "[$L] wave 2: 22 connections opened during the cycles" test -e "$tmp/wave.2"

	wait "$shortc"		# (bounded: 4,000 x 1 ms)
	wait_server short
	diag "[$L] short connections: $(cat "$tmp/short.out")"
	[ -s "$tmp/short.err" ] && sed 's/^/# short: /' "$tmp/short.err" | head -5
	check_flow "[$L] $SHORT short connections across the cycles" "$(cat "$tmp/short.out")" $SHORT 16384
	check_flow "[$L] server of the short connections" "$(cat "$T_TMP/short.out")" $SHORT 16384

	"$B" install --cgroup "$cg" --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1
	touch "$tmp/gate"
	check "[$L] wave 3: 20 connections opened after the last install" wait_file "$tmp/wave.3"
	wave3_added() {
		last_added=$(counter "$("$B" status --pin-dir "$pin" --json)" sockets_added)
		[ "$last_added" = 40 ]
	}
	eventually wave3_added
	is "$last_added" 40 "[$L] wave 3 was accelerated: its 40 sockets are in the sockhash"
	sleep 1		# wave 3 is moving data (each connection takes 4 s)
	collect
	is "$("$B" remove --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1; echo $?)" 0 \
		"[$L] final remove while wave 3 moves accelerated data"
	local before cmap
	before=$(counter "$st" bytes_redirected)
	cmap=$(map_id "$st" counters)
	lt 0 "$before" "[$L] wave 3 data was redirected before the final remove"
	sleep 1.5	# wave 3 still has 1.5 s to go
	lt "$before" "$(counter_by_id "$cmap" 4)" \
		"[$L] after remove, connections already in the sockhash are still redirected (bytes_redirected grew)"
	[ "$ok_cycles" -lt $CYCLES ] && sed 's/^/# /' "$tmp/cycles.log" | tail -5

	wait "$client"; rc=$?
	out=$(cat "$tmp/client.out")
	[ -s "$tmp/client.err" ] && sed 's/^/# client: /' "$tmp/client.err" | head -5
	wait_server live
	sout=$(cat "$T_TMP/live.out")
	diag "[$L] client: $out"
	diag "[$L] server: $sout"
	diag "[$L] over $((ok_cycles + 1)) installs: sockets_added $added, bytes_redirected $redirected, bytes_passed $passed; $(elapsed "$t0") s"
	is "$rc" 0 "[$L] client exits 0"
	check_flow "[$L] client" "$out" 64 $MIB8
	check_flow "[$L] server" "$sout" 64 $MIB8
	check_mix "[$L] client" "$out"
	lt 0 "$redirected" "[$L] data was redirected during the cycles"
	lt 0 $((2 * 64 * MIB8 - redirected)) "[$L] data also went through the stack (connections older than an install)"

	# Every install's programs (and so its maps) leave the kernel once the
	# sockets that used them have closed.
	local left=""
	for id in "${ids[@]}"; do
		eventually prog_gone "$id" || left="$left $id"
	done
	is "$left" "" "[$L] all ${#ids[@]} programs of the $((ok_cycles + 1)) installs are gone from the kernel"
}

for_each_binary live
diag "datapath_live.t: $(elapsed) s"
done_testing
