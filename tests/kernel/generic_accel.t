#!/bin/bash
# generic_accel.t: objects written for other loaders, loaded with the generic
# `load` and wired with `attach`, accelerate real traffic: the sockops/sk_msg
# pair with legacy 20-byte (samples/libbpf 0.x) and 28-byte (samples/bpf)
# map definitions and a "version" section, with iproute2's bpf_elf_map, and
# with BTF-defined maps, global data and subprograms (libbpf 1.x style).
# Then two objects that only share a sockhash pinned by name, loaded one
# after the other, and pins that do not fit, refused naming the field; and
# our own programs built with those map styles, through install --objects.
. "$(dirname "$0")/../lib.sh"
need_kernel

. "$(dirname "$0")/generic_lib.sh"
MB16=$((16 << 20))

# xfer_accel L WHAT CG NS: 16 MiB each way in CG and NS; checks it was intact
# and bypassed TCP.
xfer_accel() {
	local L=$1 what=$2 out rc
	out=$(in_cg_ns "$3" "$4" "$TOOLS/xfer" -4 -H -b $MB16 -s 6 -T 60); rc=$?
	diag "[$L] $what: ${out//$'\n'/ }"
	is "$rc" 0 "[$L] $what: 16 MiB each way, every byte intact and in order"
	is "$(field c2s_recv "$out")" "$(field c2s_sent "$out")" "[$L] $what: SHA-256 client->server matches"
	is "$(field s2c_recv "$out")" "$(field s2c_sent "$out")" "[$L] $what: SHA-256 server->client matches"
	lt "$(field outsegs "$out")" 50 "[$L] $what: data bypassed TCP (OutSegs)"
}

# One object holding both programs: load, attach, traffic, counters, detach, unload.
style() {
	local B=$1 L=$2 obj=$3 ops=$4 msg=$5 cg ns pin out rc ops_id msg_id hash_id
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin

	out=$("$B" load "$OBJS/$obj.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: load exits 0"
	check "[$L] $obj: load names the sockhash and its pin" \
		grep -qx "map sock_map (SOCKHASH) pinned $pin/sock_map" <<<"$out"
	check "[$L] $obj: load names each program and its pin" \
		grep -qx "program $ops (SOCK_OPS) pinned $pin/$ops" <<<"$out"
	is "$(prog_field "$pin/$ops" type)/$(prog_field "$pin/$msg" type)" "sock_ops/sk_msg" \
		"[$L] $obj: the kernel holds a sock_ops and an sk_msg program"
	is "$(map_field "$pin/sock_map" type)/$(map_field "$pin/sock_map" bytes_key)" "sockhash/16" \
		"[$L] $obj: the kernel holds the sockhash as defined"
	ops_id=$(prog_field "$pin/$ops" id)
	msg_id=$(prog_field "$pin/$msg" id)
	hash_id=$(map_field "$pin/sock_map" id)

	out=$("$B" prog attach pinned "$pin/$msg" msg_verdict pinned "$pin/sock_map" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: attach sk_msg to the sockhash (default msg_verdict): ${out//$'\n'/ }"
	out=$("$B" cgroup attach "$cg" sock_ops pinned "$pin/$ops" multi 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: attach sockops to the cgroup (default sock_ops): ${out//$'\n'/ }"
	is "$(cgroup_prog_ids "$cg")" "$ops_id " "[$L] $obj: the cgroup runs our sockops (BPF_PROG_QUERY)"

	xfer_accel "$L" "$obj" "$cg" "$ns"

	if [ "$obj" = btf_accel ]; then
		local bss=$pin/btf_acce_bss o=$OBJS/$obj.bpf.o
		is "$(map_u64 "$bss" 0 "$(sym_off "$o" socks_added)")" 12 \
			"[$L] $obj: .bss socks_added = 2 sockets x 6 (the .data initial value)"
		lt 0 "$(map_u64 "$bss" 0 "$(sym_off "$o" msgs_redirected)")" \
			"[$L] $obj: .bss msgs_redirected, counted by a global subprogram"
		is "$(map_u64 "$bss" 0 "$(sym_off "$o" bytes_redirected)")" $((2 * MB16)) \
			"[$L] $obj: .bss bytes_redirected = 32 MiB"
		is "$(map_u64 "$bss" 0 "$(sym_off "$o" redirect_failed)")" 0 "[$L] $obj: .bss redirect_failed = 0"
		is "$(bpftool -j map dump pinned "$pin/ports_seen" | grep -o '"key"' | wc -l)" 2 \
			"[$L] $obj: ports_seen has both local ports (a subprogram called by a subprogram)"
		is "$(map_field "$pin/btf_acce_rodata" frozen)/$(map_field "$pin/btf_acce_rodata" flags)" "1/128" \
			"[$L] $obj: .rodata map is frozen and BPF_F_RDONLY_PROG"
		is "$(map_u64 "$pin/btf_acce_rodata" 0 0)" \
		   $((2 << 8 * $(sym_off "$o" want_family) | 1 << 8 * $(sym_off "$o" redirect_flags))) \
			"[$L] $obj: .rodata holds redirect_flags=BPF_F_INGRESS, want_family=AF_INET"
		check "[$L] $obj: .rodata cannot be written from user space" \
			not bpftool map update pinned "$pin/btf_acce_rodata" key 0 0 0 0 value 0 0 0 0 0 0 0 0
		is "$(map_field "$pin/btf_acce_rodata_str1_1" frozen)" 1 "[$L] $obj: the string section map is frozen"
		# A second load into the same directory: the pinned sockhash fits,
		# the other pins exist; refused, and nothing of the first is lost.
		out=$("$B" load "$OBJS/$obj.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
		is "$rc" 1 "[$L] $obj: loading it again into the same directory fails"
		check "[$L] $obj: ... naming the pin in the way: ${out//$'\n'/ }" grep -q "ports_seen.*exists already" <<<"$out"
		is "$(ls "$pin" | wc -l)" 8 "[$L] $obj: ... and the first load's 8 pins stay"
	else
		is "$(map_u64 "$pin/stats" 0 0)" 2 "[$L] $obj: stats[0]: 2 sockets added"
		lt 0 "$(map_u64 "$pin/stats" 1 0)" "[$L] $obj: stats[1]: messages redirected"
		is "$(map_u64 "$pin/stats" 2 0)" $((2 * MB16)) "[$L] $obj: stats[2]: 32 MiB redirected"
	fi

	out=$("$B" cgroup detach "$cg" sock_ops pinned "$pin/$ops" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: detach sockops: ${out//$'\n'/ }"
	out=$("$B" prog detach pinned "$pin/$msg" msg_verdict pinned "$pin/sock_map" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: detach sk_msg: ${out//$'\n'/ }"
	is "$(cgroup_prog_ids "$cg")" "" "[$L] $obj: nothing attached to the cgroup any more"
	out=$("$B" prog detach pinned "$pin/$msg" msg_verdict pinned "$pin/sock_map" 2>&1); rc=$?
	is "$rc" 1 "[$L] $obj: detaching again fails: ${out//$'\n'/ }"
	out=$("$B" unload --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: unload: ${out//$'\n'/ }"
	check "[$L] $obj: unload removed the pin directory" test ! -e "$pin"
	check "[$L] $obj: the sockops program is gone from the kernel" eventually prog_gone "$ops_id"
	check "[$L] $obj: the sk_msg program is gone from the kernel" eventually prog_gone "$msg_id"
	check "[$L] $obj: the sockhash is gone from the kernel" eventually map_gone "$hash_id"
}

# A sockops-only and an sk_msg-only object that share one pinned sockhash.
split() {
	local B=$1 L=$2 cg ns pin out rc hash_id before
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir pin

	out=$("$B" load "$OBJS/split_ops.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] split_ops: load exits 0"
	check "[$L] split_ops: creates and pins shared_socks" \
		grep -qx "map shared_socks (SOCKHASH) pinned $pin/shared_socks" <<<"$out"
	out=$("$B" load "$OBJS/split_msg.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] split_msg: load into the same directory exits 0"
	check "[$L] split_msg: reuses the pinned shared_socks" \
		grep -qx "map shared_socks (SOCKHASH) reused $pin/shared_socks" <<<"$out"
	check "[$L] split_msg: its own .bss does not collide with split_ops' ($(ls "$pin" | tr '\n' ' '))" \
		test -e "$pin/split_op_bss" -a -e "$pin/split_ms_bss"
	hash_id=$(map_field "$pin/shared_socks" id)
	check "[$L] split_ops uses the shared sockhash (id $hash_id)" \
		grep -qw "$hash_id" <<<"$(prog_map_ids "$pin/split_ops")"
	check "[$L] split_msg uses the same sockhash" \
		grep -qw "$hash_id" <<<"$(prog_map_ids "$pin/split_msg")"

	# Pins that do not fit: refused with the field, nothing added.
	before=$(ls "$pin" | tr '\n' ' ')
	out=$("$B" load "$OBJS/split_msg_small.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] split_msg_small: refused"
	check "[$L] split_msg_small: the message names the map, the pin and max_entries: ${out//$'\n'/ }" grep -qF \
		"map 'shared_socks': pinned at $pin/shared_socks with max_entries 4096, the object wants 1024" <<<"$out"
	out=$("$B" load "$OBJS/split_msg_flags.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] split_msg_flags: refused"
	check "[$L] split_msg_flags: the message names map_flags: ${out//$'\n'/ }" grep -qF \
		"with map_flags 0, the object wants 4" <<<"$out"
	is "$(ls "$pin" | tr '\n' ' ')" "$before" "[$L] refused loads left the pins as they were"

	out=$("$B" prog attach pinned "$pin/split_msg" msg_verdict pinned "$pin/shared_socks" 2>&1); rc=$?
	is "$rc" 0 "[$L] attach split_msg to the shared sockhash: ${out//$'\n'/ }"
	out=$("$B" cgroup attach "$cg" sock_ops pinned "$pin/split_ops" multi 2>&1); rc=$?
	is "$rc" 0 "[$L] attach split_ops to the cgroup: ${out//$'\n'/ }"

	xfer_accel "$L" "split pair" "$cg" "$ns"
	is "$(map_u64 "$pin/split_op_bss" 0 0)" 2 "[$L] split_ops' .bss: 2 sockets added to the shared sockhash"
	is "$(map_u64 "$pin/split_ms_bss" 0 0)" $((2 * MB16)) "[$L] split_msg's .bss: 32 MiB redirected through it"

	"$B" cgroup detach "$cg" sock_ops pinned "$pin/split_ops" >/dev/null; rc=$?
	is "$rc" 0 "[$L] detach split_ops"
	"$B" prog detach pinned "$pin/split_msg" msg_verdict pinned "$pin/shared_socks" >/dev/null; rc=$?
	is "$rc" 0 "[$L] detach split_msg"
	out=$("$B" unload --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] unload both: ${out//$'\n'/ }"
	check "[$L] the shared sockhash is gone from the kernel" eventually map_gone "$hash_id"
}

# Pinning is the same whichever way the map was defined: an iproute2 object
# (PIN_GLOBAL_NS) and a libbpf one (LIBBPF_PIN_BY_NAME) share sock_map.
cross_style() {
	local B=$1 L=$2 pin out rc id
	new_pin_dir pin
	out=$("$B" load "$OBJS/elf_accel.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] cross-style: elf_accel loads"
	out=$("$B" load "$OBJS/btf_accel.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] cross-style: btf_accel loads into the same directory"
	check "[$L] cross-style: btf_accel reuses elf_accel's pinned sock_map" \
		grep -qx "map sock_map (SOCKHASH) reused $pin/sock_map" <<<"$out"
	id=$(map_field "$pin/sock_map" id)
	check "[$L] cross-style: accel_msg and btf_msg use the same sockhash (id $id)" \
		eval 'grep -qw "$id" <<<"$(prog_map_ids "$pin/accel_msg")" &&
		      grep -qw "$id" <<<"$(prog_map_ids "$pin/btf_msg")"'
	"$B" unload --pin-dir "$pin" >/dev/null
}

# Our own programs built with the two other map styles (bpf_elf_map, BTF)
# install from --objects and accelerate like the built-in ones.  On a kernel
# our programs do not fit (`probe` says so: Linux 5.10 in the kernel matrix,
# tests/boot/matrix.t), install refuses them before it changes anything.
own_styles() {
	local B=$1 L=$2 style cg ns pin out rc st
	if "$B" probe --json | grep -q '"install":false'; then
		new_cgroup cg
		new_pin_dir pin
		out=$("$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BUILD/tests/data/styles/btf" 2>&1); rc=$?
		is "$rc" 1 "[$L] this kernel lacks what our programs need: install --objects refuses: $out"
		check "[$L] ... naming the missing piece, and leaves no pin directory" \
			eval 'grep -q "^sockaccel: install: this kernel has no .*(Linux [0-9.]*); nothing was changed" <<<"$out" && [ ! -e "$pin" ]'
		return
	fi
	for style in elfmap btf; do
		new_cgroup cg
		new_netns ns
		ip -n "$ns" link set lo mtu 1500
		new_pin_dir pin
		out=$("$B" install --cgroup "$cg" --pin-dir "$pin" \
			--objects "$BUILD/tests/data/styles/$style" 2>&1); rc=$?
		is "$rc" 0 "[$L] sockaccel.bpf.o with $style maps: install --objects: ${out//$'\n'/ }"
		xfer_accel "$L" "sockaccel.bpf.o with $style maps" "$cg" "$ns"
		st=$("$B" status --pin-dir "$pin" --json)
		is "$(json_get "$st" sockets_added)" 2 "[$L] $style maps: status counts 2 sockets added"
		is "$(json_get "$st" bytes_redirected)" $((2 * MB16)) "[$L] $style maps: status counts 32 MiB redirected"
		out=$("$B" remove --cgroup "$cg" --pin-dir "$pin" 2>&1); rc=$?
		is "$rc" 0 "[$L] $style maps: remove: ${out//$'\n'/ }"
		check "[$L] $style maps: remove left no pin directory" test ! -e "$pin"
	done
}

# The same transfer with nothing attached crosses TCP: thousands of segments.
baseline() {
	local cg ns out rc
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -b $MB16 -s 6 -T 60); rc=$?
	diag "not accelerated: ${out//$'\n'/ }"
	is "$rc" 0 "not accelerated: 16 MiB each way intact"
	lt 1000 "$(field outsegs "$out")" "not accelerated: thousands of TCP segments (OutSegs)"
}

run() {
	style "$1" "$2" legacy_accel accel_ops accel_msg
	style "$1" "$2" legacy_samples_accel accel_ops accel_msg
	style "$1" "$2" elf_accel accel_ops accel_msg
	style "$1" "$2" btf_accel btf_ops btf_msg
	split "$1" "$2"
	cross_style "$1" "$2"
	own_styles "$1" "$2"
}

baseline
for_each_binary run
done_testing
