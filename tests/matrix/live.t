#!/bin/bash
# live.t: datapath_live.t made to fit the kernel matrix (qemu's TCG runs
# 5-20x slower): install and remove alternate while 24 connections move
# 2 MiB each way, spread over 4 s each.  Wave 1 (8 connections) opens before
# the first install, wave 2 (one every 200 ms) during the cycles, wave 3
# after the last install; the last remove comes while wave 3 moves
# accelerated data, which must stay accelerated until it closes.  Every
# write is 64 KiB: a slow guest must not see runs of small writes, which
# move a socket back to the stack (bpf/sockaccel.h, SA_STREAK_MAX) and
# would make "stays accelerated" a matter of timing.  Every byte is
# checked; every program of every install must leave the kernel.
. "$(dirname "$0")/../kernel/datapath_lib.sh"
need_kernel
need_flow

BYTES=$((2 << 20))
CYCLES=4

live() {
	local B=$1 L=$2 cg ns pin out sout rc st i ok_cycles=0 tmp=$T_TMP/$2
	local added=0 redirected=0 ids=() id left="" before cmap
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	mkdir "$tmp"
	start_server live "$cg" "$ns" -p 7102 -n 24 -T 200
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7102 -b $BYTES -w 65536 -d 12 -t 100 -T 200 \
		-W 8 -W 8/200 -W "8@$tmp/gate" -O "$tmp/wave" >"$tmp/client.out" 2>"$tmp/client.err"
	local client=${T_PIDS[-1]}
	check "[$L] wave 1: 8 connections open before the first install" wait_file "$tmp/wave.1"
	collect() {
		st=$("$B" status --pin-dir "$pin" --json)
		added=$((added + $(counter "$st" sockets_added)))
		redirected=$((redirected + $(counter "$st" bytes_redirected)))
		ids+=("$(json_get "$st" sockaccel_ops)" "$(json_get "$st" sockaccel_msg)")
	}
	for i in $(seq $((5 * CYCLES))); do
		[ $i -gt $CYCLES ] && [ -e "$tmp/wave.2" ] && break
		"$B" install --cgroup "$cg" --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1 || break
		sleep 0.2
		collect
		"$B" remove --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1 || break
		ok_cycles=$((ok_cycles + 1))
	done
	lt $((CYCLES - 1)) $ok_cycles "[$L] install/remove cycles under traffic, each exits 0"
	[ "$ok_cycles" -lt $CYCLES ] && sed 's/^/# /' "$tmp/cycles.log" | tail -5
	check "[$L] wave 2: 8 connections opened during the cycles" test -e "$tmp/wave.2"

	"$B" install --cgroup "$cg" --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1
	touch "$tmp/gate"
	check "[$L] wave 3: 8 connections opened after the last install" wait_file "$tmp/wave.3"
	wave3_added() { [ "$(counter "$("$B" status --pin-dir "$pin" --json)" sockets_added)" = 16 ]; }
	check "[$L] wave 3 was accelerated: its 16 sockets are in the sockhash" eventually wave3_added
	sleep 1
	collect
	is "$("$B" remove --pin-dir "$pin" >>"$tmp/cycles.log" 2>&1; echo $?)" 0 \
		"[$L] final remove while wave 3 moves accelerated data"
	before=$(counter "$st" bytes_redirected)
	cmap=$(map_id "$st" counters)
	lt 0 "$before" "[$L] wave 3 data was redirected before the final remove"
	# Soon: once wave 3 has closed, its programs and this map are gone.
	sleep 0.5
	lt "$before" "$(counter_by_id "$cmap" 4)" \
		"[$L] after remove, connections already in the sockhash are still redirected (bytes_redirected grew)"

	wait "$client"; rc=$?
	out=$(cat "$tmp/client.out")
	[ -s "$tmp/client.err" ] && sed 's/^/# client: /' "$tmp/client.err" | head -5
	wait_server live
	sout=$(cat "$T_TMP/live.out")
	diag "[$L] client: $out"
	diag "[$L] over $((ok_cycles + 1)) installs: sockets_added $added, bytes_redirected $redirected"
	is "$rc" 0 "[$L] client exits 0"
	check_flow "[$L] client" "$out" 24 $BYTES
	check_flow "[$L] server" "$sout" 24 $BYTES
	lt 0 "$redirected" "[$L] data was redirected during the cycles"
	lt 0 $((2 * 24 * BYTES - redirected)) "[$L] data also went through the stack (connections older than an install)"
	for id in "${ids[@]}"; do
		eventually prog_gone "$id" || left="$left $id"
	done
	is "$left" "" "[$L] all ${#ids[@]} programs of the $((ok_cycles + 1)) installs are gone from the kernel"
}

for_each_binary live
done_testing
