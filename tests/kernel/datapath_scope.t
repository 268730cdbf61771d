#!/bin/bash
# datapath_scope.t: only what we should (issue 5, item 6).
#  - A socket outside the accelerated cgroup (server outside, then client
#    outside): our end is in the sockhash, the other is not; nothing is
#    redirected, every byte goes through TCP and arrives.
#  - Two test namespaces joined by a veth (10.199.1.1 <-> 10.199.1.2), both
#    ends in the accelerated cgroup: both ends are in the sockhash, under
#    their own namespace; nothing is redirected, the bytes cross the veth.
#  - `install --port 7301 --port 7302`: only connections with one of them at
#    either end (server port or client port) are accelerated; others pass
#    untouched; `status` shows the filter.
# Loopback MTU is 1500 in these namespaces, as between pods, so that bytes
# through TCP show as thousands of segments.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow

BYTES=$((4 << 20))
HDR=40

# xfer1 NAME SRV_CG SRV_NS CLI_CG CLI_NS ADDR PORT [CLIENT ARGS]: one
# connection, BYTES each way, mixed writes; sets $out (client line).
xfer1() {
	local name=$1 scg=$2 sns=$3 ccg=$4 cns=$5 addr=$6 port=$7
	shift 7
	start_server "$name" "$scg" "$sns" -a "$addr" -p "$port" -T 60
	out=$(in_cg_ns "$ccg" "$cns" "$FLOW" client -a "$addr" -p "$port" -b $BYTES -t 30 -T 60 "$@")
	wait_server "$name"
	sout=$(cat "$T_TMP/$name.out")
}

# Counter deltas: snap before, then delta NAME.
snap() { S0=$("$B" status --pin-dir "$pin" --json); }
delta() { echo $(($(counter "$("$B" status --pin-dir "$pin" --json)" "$1") - $(counter "$S0" "$1"))); }

# bytes_passed grew, by at most the bytes written (see check_accounted).
passed() {	# passed DESCRIPTION BYTES
	local d
	d=$(delta bytes_passed)
	check "$1 (bytes_passed +$d of $2)" test "$d" -gt 0 -a "$d" -le "$2"
}

outside() {
	local B=$1 L=$2 cg plain ns pin out sout
	new_cgroup cg
	new_cgroup plain
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"

	snap
	xfer1 out1 "$plain" "$ns" "$cg" "$ns" 127.0.0.1 7301
	diag "[$L] server outside: $out"
	check_flow "[$L] client in the cgroup, server outside" "$out" 1 $BYTES
	check_flow "[$L] server outside the cgroup" "$sout" 1 $BYTES
	is "$(delta sockets_added)" 1 "[$L] only the client's socket entered the sockhash"
	is "$(delta bytes_redirected)" 0 "[$L] nothing redirected to a socket outside the cgroup"
	passed "[$L] the client's bytes passed to TCP untouched" $((BYTES + HDR))
	lt 1000 "$(kv "$out" outsegs)" "[$L] through TCP (OutSegs)"

	snap
	xfer1 out2 "$cg" "$ns" "$plain" "$ns" 127.0.0.1 7302
	diag "[$L] client outside: $out"
	check_flow "[$L] client outside the cgroup, server in it" "$out" 1 $BYTES
	check_flow "[$L] server in the cgroup, client outside" "$sout" 1 $BYTES
	is "$(delta sockets_added)" 1 "[$L] only the server's socket entered the sockhash"
	is "$(delta bytes_redirected)" 0 "[$L] nothing redirected to a socket outside the cgroup"
	passed "[$L] the server's bytes passed to TCP untouched" $BYTES
	"$B" remove --pin-dir "$pin" >/dev/null
}

veth() {
	local B=$1 L=$2 cg nsA nsB pin out sout tx0 tx1
	new_cgroup cg
	new_netns nsA
	new_netns nsB
	new_pin_dir pin
	new_veth "$nsA" sa0 10.199.1.1/24 "$nsB" sa1 10.199.1.2/24
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	tx0=$(ip -n "$nsA" -j -s link show dev sa0 | grep -o '"tx":{"bytes":[0-9]*' | tr -dc 0-9)
	snap
	xfer1 veth "$cg" "$nsB" "$cg" "$nsA" 10.199.1.2 7303
	tx1=$(ip -n "$nsA" -j -s link show dev sa0 | grep -o '"tx":{"bytes":[0-9]*' | tr -dc 0-9)
	diag "[$L] over the veth: $out"
	check_flow "[$L] 10.199.1.1 -> 10.199.1.2 across a veth, both ends in the cgroup" "$out" 1 $BYTES
	check_flow "[$L] server behind the veth" "$sout" 1 $BYTES
	is "$(delta sockets_added)" 2 "[$L] both ends are in the sockhash (each under its own namespace)"
	is "$(delta bytes_redirected)" 0 "[$L] nothing redirected between namespaces"
	passed "[$L] every byte passed to TCP untouched" $((2 * BYTES + HDR))
	lt $BYTES $((tx1 - tx0)) "[$L] the bytes crossed the veth (sa0 tx bytes)"
	"$B" remove --pin-dir "$pin" >/dev/null
}

ports() {
	local B=$1 L=$2 cg ns pin out sout st
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" --port 7302 --port 7301 >/dev/null ||
		bail "[$L] install --port failed"
	st=$("$B" status --pin-dir "$pin")
	check "[$L] status shows the port filter" grep -qx 'ports: *7301 7302' <<<"$st"
	is "$(grep -o '"ports":[^a-z]*\]' <<<"$("$B" status --pin-dir "$pin" --json)")" '"ports":[7301,7302]' \
		"[$L] status --json shows the port filter"

	local port
	for port in 7301 7302; do
		snap
		xfer1 "p$port" "$cg" "$ns" "$cg" "$ns" 127.0.0.1 $port
		check_flow "[$L] server port $port" "$out" 1 $BYTES
		is "$(delta sockets_added)" 2 "[$L] server port $port: accelerated"
		check_redirected "[$L] server port $port" "$(delta bytes_redirected)" \
			"$(delta bytes_passed)" "$(delta sockets_moved_to_stack)" $((2 * BYTES + HDR))
	done
	snap
	xfer1 p7304c "$cg" "$ns" "$cg" "$ns" 127.0.0.1 7304 -A 127.0.0.1 -P 7301
	check_flow "[$L] client port 7301 to server port 7304" "$out" 1 $BYTES
	is "$(delta sockets_added)" 2 \
		"[$L] client port 7301 to server port 7304: accelerated (the port at either end counts)"
	check_redirected "[$L] client port 7301 to server port 7304" "$(delta bytes_redirected)" \
		"$(delta bytes_passed)" "$(delta sockets_moved_to_stack)" $((2 * BYTES + HDR))
	snap
	xfer1 p7304 "$cg" "$ns" "$cg" "$ns" 127.0.0.1 7304
	diag "[$L] port 7304: $out"
	check_flow "[$L] server port 7304, client port not filtered" "$out" 1 $BYTES
	is "$(delta sockets_not_accelerated)/$(delta sockets_added)" 2/0 \
		"[$L] port 7304: not accelerated (sockets_not_accelerated +2)"
	is "$(delta bytes_redirected)/$(delta bytes_passed)" 0/0 \
		"[$L] port 7304: our sk_msg program never saw its bytes"
	lt 1000 "$(kv "$out" outsegs)" "[$L] port 7304: through TCP (OutSegs)"
	"$B" remove --pin-dir "$pin" >/dev/null
}

run() {
	outside "$1" "$2 outside the cgroup"
	veth "$1" "$2 veth"
	ports "$1" "$2 --port"
}
for_each_binary run
diag "datapath_scope.t: $(elapsed) s"
done_testing
