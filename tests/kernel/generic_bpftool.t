#!/bin/bash
# generic_bpftool.t: sockaccel in bpftool's place (issue 11).  The load
# script of the public sockmap tutorials (two objects compiled apart, each
# declaring the sockhash: load the sockops one, find its map id in `prog
# show`, pin that map, load the sk_msg one reusing it by name, attach both)
# and its unload, run with sockaccel and then with Debian's bpftool: the
# traffic through the pair is accelerated and intact, both tools leave the
# same kernel state, and the unload leaves nothing.  Then what a person
# gets wrong: a double attach, a detach of what is not attached, an sk_msg
# program attached to a sockhash it does not use, a pinned map that does
# not fit.
. "$(dirname "$0")/../lib.sh"
need_kernel
. "$(dirname "$0")/generic_lib.sh"
MB16=$((16 << 20))

# The script, as the tutorials write it for bpftool; $1 is the tool.
load_script() {
	local T=$1 P=$2 CG=$3 id
	mkdir -p "$P" &&
	$T prog load "$OBJS/bt_ops.bpf.o" "$P/ops" &&
	id=$($T prog show pinned "$P/ops" | grep -o -E 'map_ids [0-9]+' | cut -d' ' -f2) &&
	$T map pin id "$id" "$P/sock_ops_map" &&
	$T prog load "$OBJS/bt_msg.bpf.o" "$P/msg" map name sock_ops_map pinned "$P/sock_ops_map" &&
	$T cgroup attach "$CG" sock_ops pinned "$P/ops" &&
	$T prog attach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map"
}
unload_script() {
	local T=$1 P=$2 CG=$3
	$T prog detach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map" &&
	$T cgroup detach "$CG" sock_ops pinned "$P/ops" &&
	rm -f "$P/ops" "$P/msg" "$P/sock_ops_map" && rmdir "$P"
}

# What the kernel holds after the script, read with bpftool (the observer
# for both tools): program and map types, which maps each program uses,
# what the cgroup runs.
state() {
	local P=$1 CG=$2 hash
	hash=$(map_field "$P/sock_ops_map" id)
	echo "ops $(prog_field "$P/ops" type) msg $(prog_field "$P/msg" type)"
	echo "map $(map_field "$P/sock_ops_map" type) key $(map_field "$P/sock_ops_map" bytes_key)" \
	     "value $(map_field "$P/sock_ops_map" bytes_value) max $(map_field "$P/sock_ops_map" max_entries)"
	echo "ops maps $(prog_map_ids "$P/ops" | sed "s/\\b$hash\\b/SHARED/g")"
	echo "msg maps $(prog_map_ids "$P/msg" | sed "s/\\b$hash\\b/SHARED/g")"
	echo "cgroup $(bpftool -j cgroup show "$CG" | grep -o '"attach_type":"[a-z_]*","attach_flags":"[a-z]*","name":"[a-z_]*"')"
}

xfer_accel() {	# xfer_accel LABEL CG NS
	local out rc
	out=$(in_cg_ns "$2" "$3" "$TOOLS/xfer" -4 -H -b $MB16 -s 6 -T 60); rc=$?
	diag "$1: ${out//$'\n'/ }"
	is "$rc" 0 "$1: 16 MiB each way, every byte intact and in order"
	is "$(field c2s_recv "$out")" "$(field c2s_sent "$out")" "$1: SHA-256 client->server matches"
	is "$(field s2c_recv "$out")" "$(field s2c_sent "$out")" "$1: SHA-256 server->client matches"
	lt "$(field outsegs "$out")" 50 "$1: data bypassed TCP (OutSegs)"
}

run() {	# run TOOL LABEL: prints the state to $T_TMP/state.LABEL
	local T=$1 L=$2 cg ns P out rc ops_id msg_id hash_id
	new_cgroup cg
	new_netns ns
	ip -n "$ns" link set lo mtu 1500
	new_pin_dir P
	out=$(load_script "$T" "$P" "$cg" 2>&1); rc=$?
	is "$rc" 0 "[$L] the tutorial load script runs: ${out//$'\n'/ }"
	state "$P" "$cg" >"$T_TMP/state.$L"
	ops_id=$(prog_field "$P/ops" id)
	msg_id=$(prog_field "$P/msg" id)
	hash_id=$(map_field "$P/sock_ops_map" id)
	is "$(prog_map_ids "$P/msg")" "$hash_id" "[$L] the sk_msg program uses the sockops object's sockhash"
	xfer_accel "[$L] the pair" "$cg" "$ns"
	out=$(unload_script "$T" "$P" "$cg" 2>&1); rc=$?
	is "$rc" 0 "[$L] the unload script runs: ${out//$'\n'/ }"
	is "$(cgroup_prog_ids "$cg")" "" "[$L] nothing attached to the cgroup"
	check "[$L] the programs are gone from the kernel" eventually prog_gone "$ops_id"
	check "[$L] ... both" eventually prog_gone "$msg_id"
	check "[$L] the sockhash is gone from the kernel" eventually map_gone "$hash_id"
}

mistakes() {
	local B=$1 L=$2 cg P out rc
	new_cgroup cg
	new_pin_dir P
	load_script "$B" "$P" "$cg" >/dev/null 2>&1
	out=$("$B" cgroup attach "$cg" sock_ops pinned "$P/ops" multi 2>&1); rc=$?
	is "$rc" 1 "[$L] a second cgroup attach fails"
	check "[$L] ... saying so: $out" grep -q "is already attached to $cg as sock_ops" <<<"$out"
	out=$("$B" prog attach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map" 2>&1); rc=$?
	is "$rc" 1 "[$L] a second prog attach fails"
	check "[$L] ... saying so: $out" grep -q "is already attached to pinned $P/sock_ops_map as msg_verdict" <<<"$out"
	unload_script "$B" "$P" "$cg" >/dev/null 2>&1
	mkdir -p "$P"
	"$B" prog load "$OBJS/bt_ops.bpf.o" "$P/ops" &&
		"$B" map pin id "$(prog_map_ids "$P/ops")" "$P/sock_ops_map" &&
		"$B" prog load "$OBJS/bt_msg.bpf.o" "$P/msg"; rc=$?
	is "$rc" 0 "[$L] the sk_msg object loaded without 'map name ... pinned'"
	out=$("$B" prog detach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map" 2>&1); rc=$?
	is "$rc" 1 "[$L] detaching what is not attached fails"
	check "[$L] ... saying so: $out" grep -q "is not attached to pinned $P/sock_ops_map as msg_verdict" <<<"$out"
	out=$("$B" prog attach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map" 2>&1); rc=$?
	is "$rc" 0 "[$L] attaching it to the other object's sockhash works"
	check "[$L] ... with a warning that it redirects into its own map: $out" \
		grep -q "warning: pinned $P/msg (bt_msg) does not use map pinned $P/sock_ops_map: it cannot redirect into it" <<<"$out"
	"$B" prog detach pinned "$P/msg" msg_verdict pinned "$P/sock_ops_map"
	out=$("$B" cgroup attach "$cg" sock_ops pinned "$P/msg" 2>&1); rc=$?
	is "$rc" 1 "[$L] an sk_msg program attached as sock_ops fails ($out)"
	out=$("$B" cgroup attach "$cg" nope pinned "$P/ops" 2>&1); rc=$?
	is "$rc" 2 "[$L] an unknown attach type is a usage error"
	check "[$L] ... that lists the attach types" grep -q "attach types for a cgroup: sock_ops ingress egress" <<<"$out"
	# A pinned map that does not fit: refused, naming the field.
	"$B" map create "$P/small" type sockhash key 16 value 4 entries 8 name small; rc=$?
	is "$rc" 0 "[$L] map create"
	is "$(map_field "$P/small" type)/$(map_field "$P/small" max_entries)" sockhash/8 "[$L] ... a sockhash of 8"
	out=$("$B" prog load "$OBJS/bt_msg.bpf.o" "$P/msg2" map idx 0 pinned "$P/small" 2>&1); rc=$?
	is "$rc" 1 "[$L] reusing it for sock_ops_map (1024 entries) fails"
	check "[$L] ... naming the field: $out" grep -q "max_entries 8, the object wants 1024" <<<"$out"
	check "[$L] ... and nothing is pinned" test ! -e "$P/msg2"
	rm -rf "$P"
}

show() {
	local B=$1 L=$2 P out a b
	new_pin_dir P
	mkdir -p "$P"
	"$B" prog loadall "$OBJS/btf_accel.bpf.o" "$P/progs" pinmaps "$P/maps" >/dev/null; rc=$?
	is "$rc" 0 "[$L] prog loadall ... pinmaps"
	is "$(ls "$P/progs" | tr '\n' ' ')" "btf_msg btf_ops " "[$L] ... pins every program as DIR/<name>"
	check "[$L] ... and every map in the pinmaps directory" test -e "$P/maps/sock_map"
	for kind in prog map; do
		f=$([ $kind = prog ] && echo progs/btf_ops || echo maps/sock_map)
		a=$("$B" -j $kind show pinned "$P/$f")
		b=$(bpftool -j $kind show pinned "$P/$f")
		for k in id type name; do
			is "$(json_get "$a" $k)" "$(json_get "$b" $k)" "[$L] $kind show -j: $k as bpftool says it"
		done
		a=$("$B" $kind show | grep -c '^[0-9]*: ')
		lt 0 "$a" "[$L] $kind show lists every $kind ($a)"
	done
	is "$("$B" prog show pinned "$P/progs/btf_ops" | head -1 | cut -d' ' -f1-4)" \
	   "$(bpftool prog show pinned "$P/progs/btf_ops" | head -1 | cut -d' ' -f1-4)" \
	   "[$L] prog show: bpftool's first line"
	out=$("$B" map dump pinned "$P/maps/btf_acce_data")
	is "$(tail -1 <<<"$out")" "Found 1 element" "[$L] map dump: the .data map has one element"
	is "$(head -1 <<<"$out" | cut -c1-24)" "$(bpftool map dump pinned "$P/maps/btf_acce_data" | head -1 | cut -c1-24)" \
		"[$L] map dump: the key as bpftool prints it"
	rm -rf "$P"
}

# `type TYPE` with bpftool's names: a section no table entry knows, and a
# tracing type; an unknown one is refused naming it.
types() {
	local B=$1 L=$2 P out rc
	new_pin_dir P
	mkdir -p "$P"
	out=$("$B" prog load "$OBJS/unknown_sec.bpf.o" "$P/x" type xdp 2>&1); rc=$?
	is "$rc" 0 "[$L] prog load ... type xdp: ${out//$'\n'/ }"
	is "$(prog_field "$P/x" type)" xdp "[$L] ... an XDP program"
	out=$("$B" prog load "$OBJS/unknown_sec.bpf.o" "$P/y" type classifier 2>&1); rc=$?
	is "$rc/$(prog_field "$P/y" type)" 0/sched_cls "[$L] ... type classifier: a sched_cls program"
	out=$("$B" prog load "$OBJS/unknown_sec.bpf.o" "$P/z" type nope 2>&1); rc=$?
	is "$rc" 1 "[$L] ... type nope fails"
	check "[$L] ... naming it: $out" grep -q "unknown program type 'nope'" <<<"$out"
	out=$("$B" prog load "$OBJS/bt_msg.bpf.o" "$P/w" map name sock_ops_map pinned "$P/x" 2>&1); rc=$?
	is "$rc" 1 "[$L] map name ... pinned FILE where FILE is a program: fails"
	check "[$L] ... saying so: $out" grep -q "pinned $P/x is not a map" <<<"$out"
	"$B" map create "$P/m" type hash key 4 value 4 entries 1 name m
	out=$("$B" prog load "$OBJS/bt_msg.bpf.o" "$P/w" map name no_such pinned "$P/m" 2>&1); rc=$?
	is "$rc" 2 "[$L] map name NAME that the object lacks: a usage error"
	check "[$L] ... naming it: $out" grep -q "no map named 'no_such'" <<<"$out"
	rm -rf "$P"
}

for_each_binary types
for_each_binary run
run bpftool bpftool
for b in $SA_BINS; do
	L=$(basename "$b")
	is "$(cat "$T_TMP/state.$L")" "$(cat "$T_TMP/state.bpftool")" "[$L] the kernel state is the one bpftool leaves"
done
diag "$(cat "$T_TMP/state.bpftool")"
for_each_binary mistakes
for_each_binary show
done_testing
