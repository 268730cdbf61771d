#!/bin/bash
# core_relo.t (issue 12): CO-RE.  A sockops program reads the kernel's
# struct bpf_sock_ops and struct sock through local declarations in another
# order, with a field no kernel has, bitfields, an enum and a ___flavor
# suffix (tests/data/src/core_sockops.bpf.c); loaded by each binary it must
# record what user space knows about one connection: ports, family, socket
# type, the options the client set (socket fields far into struct sock and
# struct tcp_sock, whose offsets differ on each kernel of the kernel
# matrix), the ops that fired.  bpftool (libbpf)
# loads the same object as a peer and must record the same.  The variant
# that reads the missing field unguarded is refused, naming it; a hostile
# --btf file is refused without a crash; a kernel without BTF is named.
. "$(dirname "$0")/../lib.sh"
need_kernel

OBJ=$BUILD/tests/data/core_sockops.bpf.o
LIVE=$BUILD/tests/data/core-live/core_sockops.bpf.o
[ -f "$OBJ" ] && [ -f "$LIVE" ] && [ -x "$TOOLS/core_conn" ] || bail "CO-RE test objects not built (make test-build)"
FIELDS="ops_seen local_port remote_port family local_ip4 remote_ip4 sk_family sk_num sk_dport sk_type
	reuse reuseport net_refcnt stream no_such_type future_exists future_value ops_size sock_exists
	sock_id sock_local_id local_ip6_2 sk_mark sk_rcvbuf sk_protocol user_mss notsent_lowat
	veth_exists veth_headroom"
# The kernel's own answer for two of them, from its BTF (bpftool reads it):
# sizeof(struct bpf_sock_ops) and the id of struct sock.  One pass, and only
# for a build with CO-RE (seconds under the kernel matrix's TCG).
kernel_btf() {
	[ -n "${OPS_SIZE:-}" ] && return
	read -r OPS_SIZE SOCK_ID < <(bpftool btf dump file /sys/kernel/btf/vmlinux format raw |
		awk -v q="'" '$2 == "STRUCT" && $3 == q "bpf_sock_ops" q { sub(/size=/, "", $4); size = $4 }
			$2 == "STRUCT" && $3 == q "sock" q { id = substr($1, 2, length($1) - 2) }
			END { print size, id }')
	# struct veth_priv: in veth's module BTF (split on vmlinux's) where veth
	# is a loaded module, in vmlinux where it is built in, else nowhere.
	local f=/sys/kernel/btf/veth base=(-B /sys/kernel/btf/vmlinux)
	[ -e "$f" ] || { f=/sys/kernel/btf/vmlinux; base=(); }
	VETH_WHERE=$f
	VETH_OFF=$(bpftool btf dump "${base[@]}" file "$f" format raw |
		awk -v q="'" '$2 == "STRUCT" { s = ($3 == q "veth_priv" q) }
			s && $1 == q "requested_headroom" q { sub(/bits_offset=/, "", $3); print $3 / 8; exit }')
}

# The map's one value as "name=value" lines (u32s, little endian).
read_out() {	# read_out MAP_PIN
	local bytes i=0 f
	bytes=$(bpftool -j map lookup pinned "$1" key 0 0 0 0 | sed 's/.*"value":\[\([^]]*\)\].*/\1/' |
		tr -d '" ' | tr ',' ' ')
	set -- $bytes
	for f in $FIELDS; do
		printf '%s=%d\n' "$f" $(( $1 | $2 << 8 | $3 << 16 | $4 << 24 ))
		shift 4
	done
}

get() { sed -n "s/^$2=//p" <<<"$1"; }

# One connection in cgroup cg; checks what the program attached there saw.
check_values() {	# check_values LABEL CG MAP_PIN
	local L=$1 cg=$2 map=$3 ns conn cport sport v opt
	new_netns ns
	conn=$(in_cg_ns "$cg" "$ns" "$TOOLS/core_conn") || { ok 1 "[$L] core_conn: $conn"; return; }
	cport=$(sed -n 's/.*client_port=\([0-9]*\).*/\1/p' <<<"$conn")
	sport=$(sed -n 's/.*server_port=\([0-9]*\).*/\1/p' <<<"$conn")
	v=$(read_out "$map")
	diag "[$L] $conn; recorded: $(echo $v)"
	is "$(( $(get "$v" ops_seen) & 0x38 ))" $(( 0x38 )) "[$L] ops TCP_CONNECT, ACTIVE_ and PASSIVE_ESTABLISHED fired (op read at the kernel's offset)"
	is "$(get "$v" local_port)" "$cport" "[$L] bpf_sock_ops.local_port = the client's port"
	is "$(get "$v" remote_port)" "$sport" "[$L] bpf_sock_ops.remote_port = the server's port"
	is "$(get "$v" family)" 2 "[$L] bpf_sock_ops.family = AF_INET (a __u64 locally: the load became 4 bytes)"
	is "$(get "$v" local_ip4)" 16777343 "[$L] bpf_sock_ops.local_ip4 = 127.0.0.1"
	is "$(get "$v" remote_ip4)" 16777343 "[$L] bpf_sock_ops.remote_ip4 = 127.0.0.1"
	is "$(get "$v" sk_family)" 2 "[$L] sock.__sk_common.skc_family = AF_INET"
	is "$(get "$v" sk_num)" "$cport" "[$L] skc_num (inside anonymous union and struct) = the client's port"
	is "$(get "$v" sk_dport)" "$sport" "[$L] skc_dport = the server's port"
	is "$(get "$v" sk_type)" 1 "[$L] sock.sk_type = SOCK_STREAM"
	is "$(get "$v" reuse)" 1 "[$L] bitfield skc_reuse = 1 (SO_REUSEADDR)"
	is "$(get "$v" reuseport)" 1 "[$L] bitfield skc_reuseport = 1 (SO_REUSEPORT)"
	is "$(get "$v" net_refcnt)" 1 "[$L] bitfield skc_net_refcnt = 1 (a user socket)"
	is "$(get "$v" stream)" 1 "[$L] enum value SOCK_STREAM = 1 (the object said 99)"
	is "$(get "$v" no_such_type)" 0 "[$L] enum value SOCK_NO_SUCH_TYPE does not exist"
	is "$(get "$v" future_exists)" 0 "[$L] field future_field does not exist"
	is "$(get "$v" future_value)" 57005 "[$L] ... so its guarded read did not run (0xdead)"
	is "$(get "$v" ops_size)" "$OPS_SIZE" "[$L] type size of bpf_sock_ops = the kernel's ($OPS_SIZE)"
	is "$(get "$v" sock_exists)" 1 "[$L] type struct sock exists"
	is "$(get "$v" sock_id)" "$SOCK_ID" "[$L] type id target of struct sock = the kernel's ($SOCK_ID)"
	lt 0 "$(get "$v" sock_local_id)" "[$L] type id local of struct sock: the object's"
	# An IPv4 socket's IPv6 address is ::ffff:127.0.0.1 (word 2: 0000ffff) where
	# the kernel fills it in, 0 where it does not; libbpf's value is compared below.
	check "[$L] local_ip6[2], read by array index, is 0xffff0000 or 0: $(get "$v" local_ip6_2)" \
		grep -qx "4294901760\|0" <<<"$(get "$v" local_ip6_2)"
	opt() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$conn"; }
	is "$(get "$v" sk_mark)" "$(opt mark)" "[$L] sock.sk_mark = SO_MARK"
	is "$(get "$v" sk_rcvbuf)" "$(opt rcvbuf)" "[$L] sock.sk_rcvbuf = what getsockopt(SO_RCVBUF) says"
	is "$(get "$v" sk_protocol)" 6 "[$L] sock.sk_protocol = IPPROTO_TCP"
	is "$(get "$v" user_mss)" "$(opt mss)" "[$L] tcp_sock.rx_opt.user_mss (a named nested struct) = TCP_MAXSEG"
	is "$(get "$v" notsent_lowat)" "$(opt lowat)" "[$L] tcp_sock.notsent_lowat = TCP_NOTSENT_LOWAT"
	if [ -n "$VETH_OFF" ]; then
		is "$(get "$v" veth_exists)/$(get "$v" veth_headroom)" "1/$VETH_OFF" \
			"[$L] a module's type: struct veth_priv exists, requested_headroom at byte $VETH_OFF (as in $VETH_WHERE)"
	else
		is "$(get "$v" veth_exists)/$(get "$v" veth_headroom)" 0/0 \
			"[$L] struct veth_priv is in no BTF here (veth not loaded): does not exist, its guarded read did not run"
	fi
	PEER_VALUES=$(grep -v '_port=\|sk_num=\|sk_dport=' <<<"$v")
}

core() {
	local B=$1 L=$2 cg pin out rc bad
	kernel_btf
	new_cgroup cg
	new_pin_dir pin
	out=$("$B" -v load "$OBJ" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] load core_sockops.bpf.o exits 0"
	check "[$L] -v shows a resolution, local -> kernel offset" \
		grep -q "CO-RE insn [0-9]*: field byte offset struct bpf_sock_ops___mine.remote_port: 0 -> 64" <<<"$out"
	check "[$L] -v says the unguarded-looking read of future_field was poisoned" \
		grep -q "future_field: 4 -> 0, poisoned: not found in kernel BTF" <<<"$out"
	# A build without program BTF (--version says so) loads without it.
	local pbtf=1
	"$B" --version | grep -q "no program BTF" && pbtf=0
	if [ $pbtf = 1 ]; then
		check "[$L] the program went in with its BTF, func_info and line_info" \
			grep -q "prog_btf_fd=[0-9]*, func_info_cnt=3, line_info_cnt=[1-9]" <<<"$out"
	else
		check "[$L] the program went in without BTF (a build without program BTF)" \
			sh -c '! grep -q "prog_btf_fd=[1-9]"' <<<"$out"
	fi
	"$B" cgroup attach "$cg" sock_ops pinned "$pin/core_ops" multi >/dev/null 2>&1
	check_values "$L" "$cg" "$pin/core_out"
	OUR_VALUES=$PEER_VALUES

	# The same object through libbpf.
	local pcg ppin
	new_cgroup pcg
	new_pin_dir ppin
	mkdir -p "$ppin"
	if bpftool prog load "$OBJ" "$ppin/prog" type sockops pinmaps "$ppin" 2>"$T_TMP/bpftool.err" &&
	   bpftool cgroup attach "$pcg" sock_ops pinned "$ppin/prog" multi; then
		check_values "$L bpftool" "$pcg" "$ppin/core_out"
		is "$PEER_VALUES" "$OUR_VALUES" "[$L] bpftool (libbpf) recorded the same values"
	else
		ok 1 "[$L] bpftool loads the object: $(tail -3 "$T_TMP/bpftool.err")"
	fi

	# Reachable and unresolvable: refused, with the access named.
	new_pin_dir pin
	out=$("$B" load "$LIVE" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] the unguarded read of a missing field is refused"
	check "[$L] ... naming it: $(tail -1 <<<"$out")" \
		grep -q "struct bpf_sock_ops___mine.future_field (field byte offset) not found in kernel BTF, and the program can reach it" <<<"$out"
	check "[$L] ... nothing pinned" test ! -e "$pin/core_ops"

	# Hostile target BTF: truncated, garbage, huge counts; refused, no crash.
	head -c 100000 /sys/kernel/btf/vmlinux >"$T_TMP/trunc.btf"
	head -c 4096 /dev/urandom >"$T_TMP/random.btf"
	printf '\x9f\xeb\x01\x00\x18\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00' >"$T_TMP/header.btf"
	for bad in trunc random header; do
		new_pin_dir pin
		out=$("$B" load "$OBJ" --btf "$T_TMP/$bad.btf" --pin-dir "$pin" 2>&1); rc=$?
		is "$rc" 1 "[$L] --btf $bad.btf: refused"
		check "[$L] ... saying why: $out" grep -q -- "CO-RE needs BTF: $T_TMP/$bad.btf: not BTF, or malformed" <<<"$out"
	done
	# 40 levels of two anonymous structs each (2^40 paths to search): refused quickly.
	new_pin_dir pin
	out=$(timeout 60 "$B" load "$OBJ" --btf "$TOP/tests/data/btf/nest-2pow40.btf" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] --btf with 2^40 anonymous paths: refused, in bounded time"
	check "[$L] ... saying why: $out" grep -q "nests too deep" <<<"$out"
	# --btf naming the kernel's own file works like the default.
	new_pin_dir pin
	"$B" load "$OBJ" --btf /sys/kernel/btf/vmlinux --pin-dir "$pin" >/dev/null 2>&1
	is "$?" 0 "[$L] --btf /sys/kernel/btf/vmlinux loads"

	# func_info the kernel refuses (the first record's type is not a FUNC):
	# loaded without BTF, said under -v.
	cp "$OBJ" "$T_TMP/badfi.o"
	local f=$T_TMP/badfi.o off hl fo pos
	off=$((16#$(llvm-readelf -S --wide "$f" | awk '$2 == ".BTF.ext" { print $5 }')))
	hl=$(od -An -t u4 -j $((off + 4)) -N 4 "$f" | tr -d ' ')
	fo=$(od -An -t u4 -j $((off + 8)) -N 4 "$f" | tr -d ' ')
	pos=$((off + hl + fo + 4 + 8 + 4))	# record size, section entry, insn_off
	printf '\001\000\000\000' | dd of="$f" bs=1 seek=$pos conv=notrunc status=none
	new_pin_dir pin
	out=$("$B" -v load "$f" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] func_info the kernel refuses: loaded all the same"
	[ $pbtf = 0 ] || check "[$L] ... without it, said under -v" \
		grep -q "program 'core_ops': func_info/line_info refused (Invalid argument): loaded without them" <<<"$out"

	# A kernel without BTF: /sys/kernel/btf hidden in a private mount namespace.
	new_pin_dir pin
	out=$(unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' sh \
		"$B" load "$OBJ" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] no kernel BTF: refused"
	check "[$L] ... naming CONFIG_DEBUG_INFO_BTF: $out" grep -q "CONFIG_DEBUG_INFO_BTF=y" <<<"$out"
}

# A build without CO-RE (the static one, to stay within 96 KiB) must refuse
# the object, naming why, and leave nothing pinned.
no_core() {
	local B=$1 L=$2 pin out rc
	new_pin_dir pin
	out=$("$B" load "$OBJ" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] a build without CO-RE refuses the object"
	check "[$L] ... saying so: $(tail -1 <<<"$out")" \
		grep -q "CO-RE relocations, and this static build has no CO-RE.*default build" <<<"$out"
	check "[$L] ... and pins nothing" test ! -e "$pin"
}

per_binary() {
	if "$1" --version | grep -q "no CO-RE"; then no_core "$@"; else core "$@"; fi
}
for_each_binary per_binary

# inspect (not in the static build): the relocations, as text and JSON;
# with --btf, each resolved as `load -v` resolves it.
out=$("$BUILD/sockaccel" inspect "$OBJ")
check "inspect lists CO-RE relocations with kind and access" \
	grep -q "insn [0-9]*: CO-RE field byte offset struct sock.__sk_common.skc_family (0:1:4)" <<<"$out"
check "inspect counts func_info and line_info" grep -q "BTF: 3 func_info, [0-9]* line_info, [0-9]* CO-RE relocations" <<<"$out"
out=$("$BUILD/sockaccel" inspect --json "$OBJ")
check "inspect --json carries them" \
	grep -q '"kind":"field rshift_u64","type_id":[0-9]*,"access":"0:1:0","what":"struct sock.__sk_common.skc_net_refcnt"' <<<"$out"
new_pin_dir pin
ours=$("$BUILD/sockaccel" -v load "$OBJ" --pin-dir "$pin" 2>&1 |
	sed -n 's/.*CO-RE insn \([0-9]*\): \(.*\): \([0-9]*\) -> \([0-9]*\)$/\1 \2 \3 \4/p' | sort -u)
insp=$("$BUILD/sockaccel" inspect "$OBJ" --btf /sys/kernel/btf/vmlinux |
	sed -n 's/.*insn \([0-9]*\): CO-RE \(.*\) ([0-9:]*): \([0-9]*\) -> \([0-9]*\)$/\1 \2 \3 \4/p' | sort -u)
# What this kernel's BTF made of each relocation: the kernel matrix
# (tests/boot/matrix.t) runs this on 5.10, 6.1 and 6.12, whose layouts differ.
diag "CO-RE on $(uname -r), insn kind what: local -> kernel:"
sort -n <<<"$ours" | sed 's/^/#   /'
lt 30 "$(wc -l <<<"$insp")" "inspect --btf resolves the relocations"
# --btf FILE is that file alone: a type of a module (veth_priv, where veth
# is one) is load's from the module's BTF, and not in vmlinux's.
if [ -e /sys/kernel/btf/veth ]; then
	check "load -v found struct veth_priv in veth's module BTF" \
		grep -q "type exists struct veth_priv 1 1" <<<"$ours"
	ours=$(grep -v veth_priv <<<"$ours") insp=$(grep -v veth_priv <<<"$insp")
fi
is "$insp" "$ours" "inspect --btf /sys/kernel/btf/vmlinux resolves each as load -v did"
check "inspect --btf shows what this kernel lacks as poisoned" \
	grep -q "future_field (0:1): 4 -> not in the target BTF (poisoned)" \
	<<<"$("$BUILD/sockaccel" inspect "$OBJ" --btf /sys/kernel/btf/vmlinux)"
out=$("$BUILD/sockaccel" inspect --json "$OBJ" --btf /sys/kernel/btf/vmlinux)
check "inspect --json --btf: local and target values" \
	grep -q '"what":"struct bpf_sock_ops___mine.remote_port","local":0,"target":64}' <<<"$out"
done_testing
