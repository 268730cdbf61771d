#!/bin/bash
# datapath_load.t: integrity under load (issue 5, item 1) and many clients
# on one server port (item 4), accelerated.
#  1. 64 connections at once, 8 MiB each way on each, writes of 1 B, 100 B,
#     1 KiB, 64 KiB and 1 MiB, sendfile() and splice(), both ends checking
#     every byte in order as they read and EOF right after the last one;
#     over IPv4 and over IPv6.
#  4. 200 connections at once to one server port; the server echoes, so
#     each client must get exactly its own stream back.
# First, a transfer with one flipped byte: proof that the check catches it.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow

MIB8=$((8 << 20))
HDR=40		# flow's header, sent before the data on each connection

# The checker itself: the server flips byte 5000 of what it sends.
selfcheck() {
	local cg ns out
	new_cgroup cg
	new_netns ns
	start_server bad "$cg" "$ns" -p 7000 -X 5000 -T 30
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7000 -b 100000 -T 30 2>/dev/null)
	wait_server bad >/dev/null
	is "$(kv "$out" mismatches)" 1 "flow catches one flipped byte (mismatches=1)"
	check "flow fails a connection with a flipped byte" test "$(kv "$out" ok)" = 0
}

# load LABEL BIN ADDR: 64 connections x 8 MiB each way, accelerated.
load() {
	local L=$1 B=$2 addr=$3 cg ns pin out sout rc st during t0
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	rm -f "$T_TMP/during.json"
	t0=$EPOCHREALTIME
	start_server load "$cg" "$ns" -a "$addr" -p 7001 -n 64 -T 120
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a "$addr" -p 7001 -n 64 -b $MIB8 -t 60 -T 120 \
		-B -x "$B status --pin-dir $pin --json > $T_TMP/during.json"); rc=$?
	wait_server load
	sout=$(cat "$T_TMP/load.out")
	diag "[$L] client: $out"
	diag "[$L] server: $sout"
	diag "[$L] $(elapsed "$t0") s"
	is "$rc" 0 "[$L] client exits 0"
	check_flow "[$L] client" "$out" 64 $MIB8
	check_flow "[$L] server" "$sout" 64 $MIB8
	check_mix "[$L] client" "$out"
	check_mix "[$L] server" "$sout"
	during=$(cat "$T_TMP/during.json")
	is "$(json_get "$during" sockets)" 128 "[$L] all 128 sockets were in the sockhash at once"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(counter "$st" sockets_added)" 128 "[$L] sockets_added = 128"
	check_accounted "[$L]" "$st" $((2 * 64 * MIB8 + 64 * HDR))
	lt $((64 * MIB8)) "$(counter "$st" bytes_redirected)" "[$L] most bytes bypassed TCP (bytes_redirected)"
	diag "[$L] redirected $(counter "$st" bytes_redirected) bytes in $(counter "$st" msgs_redirected) messages, passed $(counter "$st" bytes_passed) in $(counter "$st" msgs_passed)"
	is "$(json_get "$("$B" status --pin-dir "$pin" --json)" sockets)" 0 "[$L] sockhash empty after the connections closed"
	"$B" remove --pin-dir "$pin" >/dev/null
}

# many LABEL BIN: 200 clients, one server port, echo.
many() {
	local L=$1 B=$2 cg ns pin out sout rc st t0 bytes=$((256 << 10))
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	rm -f "$T_TMP/during.json"
	t0=$EPOCHREALTIME
	start_server many "$cg" "$ns" -p 7004 -n 200 -T 120
	out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7004 -n 200 -e -b $bytes -t 60 -T 120 \
		-B -x "$B status --pin-dir $pin --json > $T_TMP/during.json"); rc=$?
	wait_server many
	sout=$(cat "$T_TMP/many.out")
	diag "[$L] client: $out"
	diag "[$L] server: $sout"
	diag "[$L] $(elapsed "$t0") s"
	is "$rc" 0 "[$L] 200 clients on port 7004: client exits 0"
	check_flow "[$L] 200 clients, each its own stream echoed back" "$out" 200 $bytes
	check_flow "[$L] server of 200" "$sout" 200 $bytes
	is "$(json_get "$(cat "$T_TMP/during.json")" sockets)" 400 "[$L] 400 sockets in the sockhash at once"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(counter "$st" sockets_added)" 400 "[$L] sockets_added = 400"
	lt $((200 * bytes)) "$(counter "$st" bytes_redirected)" "[$L] most bytes bypassed TCP (bytes_redirected)"
	"$B" remove --pin-dir "$pin" >/dev/null
}

selfcheck
run() {
	load "$2 64x8MiB IPv4" "$1" 127.0.0.1
	load "$2 64x8MiB IPv6" "$1" ::1
	many "$2 200 clients" "$1"
}
for_each_binary run
diag "datapath_load.t: $(elapsed) s"
done_testing
