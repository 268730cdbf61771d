#!/bin/bash
# generic_styles.t: objects in the styles issue 11 names, loaded with
# `prog loadall` and wired with `cgroup attach` / `prog attach`: maps of maps
# from BTF (__array(values, ...) with a static initial value) and from
# samples/bpf's and iproute2's legacy layouts, an unsized perf event array,
# iproute2's older 7-field bpf_elf_map, section names with suffixes mixing
# sk_skb and sk_msg; the sockops/sk_msg pairs carry accelerated traffic with
# every byte checked.  Then every attach type row not covered by
# generic_sections.t, attached and detached, and the tracing sections.
. "$(dirname "$0")/../lib.sh"
need_kernel
. "$(dirname "$0")/generic_lib.sh"
MB16=$((16 << 20))
NCPU=$(($(sed 's/.*[-,]//' /sys/devices/system/cpu/possible) + 1))

xfer_accel() {	# xfer_accel LABEL CG NS
	local out rc
	out=$(in_cg_ns "$2" "$3" "$TOOLS/xfer" -4 -H -b $MB16 -s 6 -T 60); rc=$?
	diag "$1: ${out//$'\n'/ }"
	is "$rc" 0 "$1: 16 MiB each way, every byte intact and in order"
	is "$(field c2s_recv "$out")/$(field s2c_recv "$out")" "$(field c2s_sent "$out")/$(field s2c_sent "$out")" \
		"$1: SHA-256 both ways match"
	lt "$(field outsegs "$out")" 50 "$1: data bypassed TCP (OutSegs)"
}

elements() { bpftool map dump pinned "$1" | sed -n 's/^Found \([0-9]*\) element.*/\1/p'; }

# What a load left, for comparing two tools: each pinned map, each program.
kstate() {
	local f
	for f in $(ls "$1/maps"); do
		echo "map $f $(map_field "$1/maps/$f" type) $(map_field "$1/maps/$f" bytes_key)" \
		     "$(map_field "$1/maps/$f" bytes_value) $(map_field "$1/maps/$f" max_entries)"
	done
	for f in $(ls "$1/progs"); do echo "prog $f $(prog_field "$1/progs/$f" type)"; done
}

pair() {	# pair B L OBJ
	local B=$1 L=$2 obj=$3 cg ns P out rc
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir P
	mkdir -p "$P"
	out=$("$B" prog loadall "$OBJS/$obj.bpf.o" "$P/progs" pinmaps "$P/maps" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: prog loadall ... pinmaps: ${out//$'\n'/ }"
	out=$("$B" cgroup attach "$cg" sock_ops pinned "$P/progs/mim_ops" multi 2>&1) &&
		out=$("$B" prog attach pinned "$P/progs/mim_msg" msg_verdict pinned "$P/maps/sock_map" 2>&1); rc=$?
	is "$rc" 0 "[$L] $obj: attach sockops and sk_msg: ${out//$'\n'/ }"
	is "$(map_field "$P/maps/outer" type)" array_of_maps "[$L] $obj: the kernel holds the map of maps"
	xfer_accel "[$L] $obj" "$cg" "$ns"
	lt $((MB16)) "$(map_u64 "$P/maps/$(ls "$P/maps" | grep bss)" 0 0)" "[$L] $obj: sk_msg redirected more than 16 MiB"
	case $obj in
	mim_btf)
		is "$(elements "$P/maps/outer")" 1 "[$L] $obj: outer holds its static initial value"
		is "$(map_u64 "$P/maps/counters_a" 0 0)" 2 "[$L] $obj: the sockops program counted 2 sockets through outer[1]"
		is "$(map_field "$P/maps/events" max_entries)" "$NCPU" "[$L] $obj: the perf event array has one entry per possible CPU ($NCPU)"
		check "[$L] $obj: the inner map template is not pinned" test ! -e "$P/maps/outer_inner"
		kstate "$P" >"$T_TMP/kstate.$L";;
	legacy_mim_iproute)
		is "$(elements "$P/maps/outer")" 1 "[$L] $obj: counters_a went into outer at its inner_idx"
		is "$(map_u64 "$P/maps/counters_a" 0 0)" 2 "[$L] $obj: the sockops program counted 2 sockets through outer[2]";;
	legacy_mim_samples)
		is "$(elements "$P/maps/outer")" 0 "[$L] $obj: outer starts empty (inner_map_idx is only its template)"
		is "$(map_field "$P/maps/inner_tmpl" type)" array "[$L] $obj: the template is a map of its own";;
	esac
	"$B" prog detach pinned "$P/progs/mim_msg" msg_verdict pinned "$P/maps/sock_map" &&
		"$B" cgroup detach "$cg" sock_ops pinned "$P/progs/mim_ops"; rc=$?
	is "$rc" 0 "[$L] $obj: detach both"
	rm -rf "$P"
}

old_iproute() {
	local B=$1 L=$2 cg ns P out rc
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir P
	out=$("$B" load "$OBJS/legacy_iproute_old.bpf.o" --pin-dir "$P" 2>&1); rc=$?
	is "$rc" 0 "[$L] legacy_iproute_old: load"
	"$B" cgroup attach "$cg" sock_ops pinned "$P/accel_ops" multi >/dev/null && "$B" prog attach pinned "$P/accel_msg" msg_verdict pinned "$P/sock_map" >/dev/null
	is "$?" 0 "[$L] legacy_iproute_old: attach"
	xfer_accel "[$L] legacy_iproute_old" "$cg" "$ns"
	is "$(map_u64 "$P/stats" 0 0)" 2 "[$L] legacy_iproute_old: stats[0]: 2 sockets added"
	"$B" cgroup detach "$cg" sock_ops pinned "$P/accel_ops" >/dev/null && "$B" prog detach pinned "$P/accel_msg" msg_verdict pinned "$P/sock_map" >/dev/null
	"$B" unload --pin-dir "$P" >/dev/null; rc=$?
	is "$rc" 0 "[$L] legacy_iproute_old: detach, unload"
}

parsed_intact() {	# as in generic_sections.t: a kernel stream-parser stall is reported
	local m e
	m=$(sed -n 's/.*mismatches=\([0-9]*\).*/\1/p' <<<"$2")
	is "${m:-none}" 0 "$1: no byte wrong"
	e=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$2")
	[ "${e:-1}" = 0 ] || diag "$1: not all bytes arrived (kernel stream-parser stall): ${2//$'\n'/ }"
}

suffixed() {
	local B=$1 L=$2 cg ns P out rc i
	new_cgroup cg
	new_netns ns
	new_pin_dir P
	mkdir -p "$P"
	out=$("$B" prog loadall "$OBJS/suffixed.bpf.o" "$P/progs" pinmaps "$P/maps" 2>&1); rc=$?
	is "$rc" 0 "[$L] suffixed: sk_skb1, sk_skb2, sk_msg1, sockops_x load: ${out//$'\n'/ }"
	is "$(for p in sfx_ops sfx_parser sfx_verdict sfx_msg; do prog_field "$P/progs/$p" type; done | tr '\n' ' ')" \
		"sock_ops sk_skb sk_skb sk_msg " "[$L] suffixed: as sock_ops, sk_skb, sk_skb, sk_msg"
	"$B" prog attach pinned "$P/progs/sfx_parser" stream_parser pinned "$P/maps/sock_map" &&
		"$B" prog attach pinned "$P/progs/sfx_verdict" stream_verdict pinned "$P/maps/sock_map" &&
		"$B" prog attach pinned "$P/progs/sfx_msg" msg_verdict pinned "$P/maps/sock_map" &&
		"$B" cgroup attach "$cg" sock_ops pinned "$P/progs/sfx_ops"; rc=$?
	is "$rc" 0 "[$L] suffixed: attach the parser, the verdict, sk_msg and sockops"
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -b 65536 -T 10 2>&1)
	parsed_intact "[$L] suffixed: TCP through all four" "$out"
	for i in 0 1 2 3; do
		lt 0 "$(map_u64 "$P/maps/suffixed_bss" 0 $((8 * i)))" "[$L] suffixed: hits[$i] (the program ran)"
	done
	"$B" cgroup detach "$cg" sock_ops pinned "$P/progs/sfx_ops" &&
		"$B" prog detach pinned "$P/progs/sfx_msg" msg_verdict pinned "$P/maps/sock_map" &&
		"$B" prog detach pinned "$P/progs/sfx_verdict" stream_verdict pinned "$P/maps/sock_map" &&
		"$B" prog detach pinned "$P/progs/sfx_parser" stream_parser pinned "$P/maps/sock_map"; rc=$?
	is "$rc" 0 "[$L] suffixed: detach all four"
	rm -rf "$P"
}

# program  attach type, for the rows generic_sections.t leaves out
ROWS="u_sock_create sock_create
u_sock_release sock_release
u_post_bind4 post_bind4
u_post_bind6 post_bind6
u_bind4 bind4
u_bind6 bind6
u_getpeername4 getpeername4
u_getpeername6 getpeername6
u_getsockname4 getsockname4
u_getsockname6 getsockname6
u_sysctl sysctl
u_device device"

rows() {
	local B=$1 L=$2 cg P out rc p at n=0
	new_cgroup cg
	new_pin_dir P
	mkdir -p "$P"
	out=$("$B" prog loadall "$OBJS/sectypes2.bpf.o" "$P/progs" pinmaps "$P/maps" 2>&1); rc=$?
	is "$rc" 0 "[$L] sectypes2: loads: ${out//$'\n'/ }"
	while read -r p at; do
		out=$("$B" cgroup attach "$cg" "$at" pinned "$P/progs/$p" multi 2>&1); rc=$?
		is "$rc" 0 "[$L] cgroup attach $at: ${out//$'\n'/ }"
		n=$((n + 1))
	done <<<"$ROWS"
	is "$("$B" cgroup show "$cg" | tail -n +2 | wc -l)" "$n" "[$L] cgroup show lists all $n"
	is "$(bpftool -j cgroup show "$cg" | grep -o '"id":' | wc -l)" "$n" "[$L] ... as bpftool does"
	while read -r p at; do
		"$B" cgroup detach "$cg" "$at" pinned "$P/progs/$p" || echo "detach $at failed"
	done <<<"$ROWS"
	is "$(bpftool -j cgroup show "$cg" | grep -o '"id":' | wc -l)" 0 "[$L] every one detached"
	"$B" prog attach pinned "$P/progs/u_skb_verdict" skb_verdict pinned "$P/maps/sec2_sockmap" &&
		"$B" prog detach pinned "$P/progs/u_skb_verdict" skb_verdict pinned "$P/maps/sec2_sockmap"; rc=$?
	is "$rc" 0 "[$L] prog attach and detach skb_verdict (sk_skb/verdict)"
	is "$(for p in u_kprobe u_kretprobe u_tracepoint u_tp u_raw_tracepoint u_raw_tp u_perf_event; do
		prog_field "$P/progs/$p" type; done | tr '\n' ' ')" \
		"kprobe kprobe tracepoint tracepoint raw_tracepoint raw_tracepoint perf_event " \
		"[$L] the tracing sections load as their types"
	rm -rf "$P"
}

for obj in mim_btf legacy_mim_samples legacy_mim_iproute; do
	for b in $SA_BINS; do pair "$b" "$(basename "$b")" $obj; done
done
# bpftool (libbpf 1.1) loads the BTF one the same way: the same kernel state.
pair bpftool bpftool mim_btf
for b in $SA_BINS; do
	is "$(cat "$T_TMP/kstate.$(basename "$b")")" "$(cat "$T_TMP/kstate.bpftool")" \
		"[$(basename "$b")] mim_btf: the maps and programs bpftool leaves"
done
diag "$(cat "$T_TMP/kstate.bpftool")"
for_each_binary old_iproute
for_each_binary suffixed
for_each_binary rows
done_testing
