#!/bin/bash
# core.t: install, traffic (IPv4, IPv6, dual-stack) with and without
# acceleration, status while connected, idempotent install, coexistence with
# another tool's sockops program, remove, traffic after remove.
. "$(dirname "$0")/../lib.sh"
need_kernel

MB16=$((16 << 20))

core() {
	local B=$1 L=$2 cg plain ns pin fpin out rc st ids ops_id msg_id hash_id
	new_cgroup cg
	new_cgroup plain
	new_netns ns
	# An Ethernet-sized MTU, as between pods over veth, so that a transfer
	# through the stack is thousands of segments, not hundreds of 64 KiB ones.
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin
	new_pin_dir fpin

	# Another tool's sockops program, attached first with bpftool.
	bpftool prog load "$BUILD/tests/data/foreign_sockops.bpf.o" "$fpin" type sockops ||
		bail "bpftool cannot load the foreign sockops program"
	bpftool cgroup attach "$cg" sock_ops pinned "$fpin" multi
	local foreign
	foreign=$(bpftool -j prog show pinned "$fpin" | sed 's/^{"id":\([0-9]*\).*/\1/')

	out=$("$B" install --cgroup "$cg" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] install exits 0"
	check "[$L] install says where: $out" grep -q "installed on cgroup $cg" <<<"$out"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(json_get "$st" installed)" true "[$L] status: installed"
	is "$(json_get "$st" attached)" true "[$L] status: sockops attached"
	ops_id=$(status_id "$st" sockaccel_ops)
	msg_id=$(status_id "$st" sockaccel_msg)
	hash_id=$(status_id "$st" sock_hash)
	ids=$(cgroup_prog_ids "$cg")
	is "$ids" "$(echo "$foreign $ops_id" | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
		"[$L] cgroup has the foreign program and ours (BPF_PROG_QUERY)"
	check "[$L] status lists the foreign program on the cgroup, by id and name" \
		grep -q "\"other_programs\":\[{\"id\":$foreign,\"name\":\"[a-z_]*\"}\]" <<<"$st"
	is "$(json_get "$st" state)" installed "[$L] status: state installed"

	for mode in 4 6 m; do
		out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -$mode -H -b $MB16 -s 7 \
			-x "$B status --pin-dir $pin --json > $T_TMP/connected.json"); rc=$?
		diag "[$L] -$mode accelerated: $out"
		is "$rc" 0 "[$L] -$mode: 16 MiB each way, every byte intact and in order"
		is "$(sed -n 's/.*c2s_sent=\([0-9a-f]*\).*/\1/p' <<<"$out")" \
		   "$(sed -n 's/.*c2s_recv=\([0-9a-f]*\).*/\1/p' <<<"$out")" "[$L] -$mode: SHA-256 client->server matches"
		is "$(sed -n 's/.*s2c_sent=\([0-9a-f]*\).*/\1/p' <<<"$out")" \
		   "$(sed -n 's/.*s2c_recv=\([0-9a-f]*\).*/\1/p' <<<"$out")" "[$L] -$mode: SHA-256 server->client matches"
		lt "$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")" 50 "[$L] -$mode: data bypassed TCP (OutSegs)"
		is "$(json_get "$(cat "$T_TMP/connected.json")" sockets)" 2 \
			"[$L] -$mode: status showed both sockets in the sockhash while connected"
	done
	st=$("$B" status --pin-dir "$pin" --json)
	lt $((6 * MB16 - 1)) "$(json_get "$st" bytes_redirected)" "[$L] bytes_redirected counts all 96 MiB"
	lt 0 "$(json_get "$st" msgs_redirected)" "[$L] msgs_redirected grew"
	is "$(json_get "$st" sockets_added)" 6 "[$L] sockets_added = 6"
	is "$(json_get "$st" sockets)" 0 "[$L] closed sockets left the sockhash"

	# The same transfer outside the accelerated cgroup crosses the stack.
	out=$(in_cg_ns "$plain" "$ns" "$TOOLS/xfer" -4 -b $MB16); rc=$?
	diag "[$L] plain: $out"
	is "$rc" 0 "[$L] not accelerated: data intact"
	lt 1000 "$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")" "[$L] not accelerated: thousands of segments"

	out=$("$B" install --cgroup "$cg" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] second install exits 0"
	check "[$L] second install changes nothing: $out" grep -q "nothing changed" <<<"$out"
	is "$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)" "$ops_id" \
		"[$L] second install kept the same program"

	out=$("$B" remove --cgroup "$cg" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] remove exits 0"
	check "[$L] remove leaves no pin directory" test ! -e "$pin"
	is "$(cgroup_prog_ids "$cg")" "$foreign " "[$L] only the foreign program is attached after remove"
	check "[$L] our sockops program is gone from the kernel" eventually prog_gone "$ops_id"
	check "[$L] our sk_msg program is gone from the kernel" eventually prog_gone "$msg_id"
	check "[$L] our sockhash is gone from the kernel" eventually map_gone "$hash_id"

	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -b $MB16); rc=$?
	is "$rc" 0 "[$L] traffic flows after remove, intact"
	lt 1000 "$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")" "[$L] after remove: through the stack again"

	out=$("$B" remove --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] remove when not installed exits 0"
	check "[$L] remove when not installed says so" grep -q "not installed" <<<"$out"
	bpftool cgroup detach "$cg" sock_ops pinned "$fpin"
}

for_each_binary core
done_testing
