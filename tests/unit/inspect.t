#!/bin/bash
# inspect.t: `sockaccel inspect` on the issue 6 objects, without the kernel:
# the text (sections and what each became, maps with every field and where
# they came from, programs with relocations), --json (parsed with Perl's
# JSON::PP and checked field by field), --disasm, --type, and errors.
. "$(dirname "$0")/../lib.sh"
B=$BUILD/sockaccel
OBJS=$BUILD/tests/data/src6
[ -x "$B" ] || bail "$B is not built (run make test)"

has() {	# has DESCRIPTION TEXT LINE_REGEX: TEXT has a line matching it
	if grep -qE -- "$3" <<<"$2"; then ok 0 "$1"; else ok 1 "$1"; diag "  no line like: $3"; fi
}

# ---- text ----
t=$("$B" inspect "$OBJS/legacy_accel.bpf.o"); rc=$?
is "$rc" 0 "legacy_accel: inspect exits 0"
has "legacy_accel: license and the version section" "$t" \
	"^license \"GPL\", kernel version 0x[0-9a-f]+$"
has "legacy_accel: section 'maps' is legacy maps" "$t" "^ *\[ *[0-9]+\] maps +PROGBITS +40 bytes  legacy maps$"
has "legacy_accel: section 'version' is the kernel version" "$t" "^ *\[ *[0-9]+\] version +PROGBITS +4 bytes  kernel version$"
has "legacy_accel: section 'sockops' holds a SOCK_OPS program" "$t" "^ *\[ *[0-9]+\] sockops +PROGBITS +[0-9]+ bytes  exec  programs \(SOCK_OPS\)$"
has "legacy_accel: its relocations are named" "$t" "^ *\[ *[0-9]+\] \.relsockops +REL +[0-9]+ bytes  relocations of \[[0-9]+\]$"
has "legacy_accel: sock_map, every field, 20-byte legacy definition" "$t" \
	"^  sock_map +SOCKHASH +key 16 value 4 max_entries 1024 flags 0, legacy \(20-byte definition\)$"
has "legacy_accel: accel_ops: type, count, attach type" "$t" \
	"^  accel_ops: section 'sockops', SOCK_OPS, [0-9]+ instructions, attaches as sock_ops to a cgroup$"
has "legacy_accel: accel_msg's relocation to stats" "$t" "^    insn [0-9]+: map 'stats'$"

t=$("$B" inspect "$OBJS/elf_accel.bpf.o")
has "elf_accel: 36-byte bpf_elf_map, pinned by name" "$t" \
	"^  sock_map +SOCKHASH +key 16 value 4 max_entries 1024 flags 0, legacy \(36-byte definition\), pinned by name$"
has "elf_accel: iproute2's .maps.stats annotation is listed, with no role" "$t" "^ *\[ *[0-9]+\] \.maps\.stats +PROGBITS +[0-9]+ bytes$"

t=$("$B" inspect "$OBJS/legacy_samples_accel.bpf.o")
has "legacy_samples_accel: 28-byte definition with BPF_F_NUMA_NODE" "$t" \
	"^  stats +ARRAY +key 4 value 8 max_entries 3 flags 0x4, legacy \(28-byte definition\)$"

t=$("$B" inspect "$OBJS/btf_accel.bpf.o")
has "btf_accel: sock_map from BTF, pinned by name" "$t" \
	"^  sock_map +SOCKHASH +key 16 value 4 max_entries 1024 flags 0, btf, pinned by name$"
has "btf_accel: ports_seen from BTF with map_flags" "$t" \
	"^  ports_seen +HASH +key 4 value 8 max_entries 64 flags 0x1, btf$"
has "btf_accel: .rodata map, read-only and frozen" "$t" \
	"^  btf_acce\.rodata +ARRAY +key 4 value 8 max_entries 1 flags 0x80, data \(section \.rodata\), read-only \(frozen\)$"
has "btf_accel: .bss map of zeroes" "$t" \
	"^  btf_acce\.bss +ARRAY +key 4 value 32 max_entries 1 flags 0, data \(section \.bss, zeroes\)$"
has "btf_accel: the string section map" "$t" "^  btf_acce\.rodata\.str1\.1 +ARRAY .*read-only \(frozen\)$"
has "btf_accel: btf_msg with its subprograms" "$t" \
	"^  btf_msg: section 'sk_msg', SK_MSG, [0-9]+ instructions \([0-9]+ own \+ 3 subprograms\), attaches as msg_verdict to a sockmap/sockhash$"
has "btf_accel: a .rodata relocation with its offset" "$t" "^    insn [0-9]+: address in map 'btf_acce\.rodata' \+ [04]$"
has "btf_accel: .text holds the subprograms" "$t" "^ *\[ *[0-9]+\] \.text +PROGBITS +[0-9]+ bytes  exec  subprograms$"
has "btf_accel: .BTF is read for .maps" "$t" "^ *\[ *[0-9]+\] \.BTF +PROGBITS +[0-9]+ bytes  BTF \(read for \.maps\)$"

t=$("$B" inspect "$OBJS/sectypes.bpf.o")
has "sectypes: a cgroup/connect4 program loads and attaches as INET4_CONNECT" "$t" \
	"^  t_connect4: section 'cgroup/connect4', CGROUP_SOCK_ADDR, [0-9]+ instructions, loads as CGROUP_INET4_CONNECT, attaches as connect4 to a cgroup$"
has "sectypes: an unreferenced .data section is skipped" "$t" \
	"^ *\[ *[0-9]+\] \.data +PROGBITS +4 bytes  global data, not referenced \(skipped\)$"
has "sectypes: an sk_lookup program loads as SK_LOOKUP, attached by other means" "$t" \
	"^  t_sk_lookup: section 'sk_lookup', SK_LOOKUP, [0-9]+ instructions, loads as SK_LOOKUP$"

# ---- --disasm: one line per instruction (ld_imm64 takes two) ----
t=$("$B" inspect --disasm "$OBJS/btf_accel.bpf.o")
has "disasm: map load by name" "$t" "^ +[0-9]+: \(18\) r2 = map\[sock_map\]$"
has "disasm: global data address with its offset" "$t" "^ +[0-9]+: \(18\) r[0-9] = map\[btf_acce\.bss\]\[0\]\+[0-9]+$"
has "disasm: helper call by name and number" "$t" "^ +[0-9]+: \(85\) call bpf_msg_redirect_hash#71$"
has "disasm: BPF-to-BPF call" "$t" "^ +[0-9]+: \(85\) call pc\+[0-9]+$"
has "disasm: the appended subprograms are marked" "$t" "^    ; subprograms from \.text$"
has "disasm: context loads" "$t" "^ +[0-9]+: \(61\) r[0-9] = \*\(u32 \*\)\(r[0-9] \+[0-9]+\)$"
n_insn=$(sed -n "s/^  btf_msg: .*SK_MSG, \([0-9]*\) instructions.*/\1/p" <<<"$t")
n_lines=$(sed -n '/^  btf_msg:/,/^  [a-z_]*:/p' <<<"$t" | grep -cE '^ +[0-9]+: \(')
n_ld=$(sed -n '/^  btf_msg:/,/^  [a-z_]*:/p' <<<"$t" | grep -cE '^ +[0-9]+: \(18\)')
is "$((n_lines + n_ld))" "$n_insn" "disasm: btf_msg's $n_insn instructions all shown"

# ---- --json ----
json_check() {	# json_check FILE PERL_EXPR...: each expression true of $j
	local f=$1
	shift
	"$B" inspect --json "$f" | perl -MJSON::PP -e '
		my $j = eval { decode_json(do { local $/; <STDIN> }) };
		print(($j ? "ok" : "not ok"), " - json: the output of '"$f"' parses\n");
		exit unless $j;
		my %m = map { $_->{name} => $_ } @{$j->{maps}};
		my %p = map { $_->{name} => $_ } @{$j->{programs}};
		my %s = map { $_->{name} => $_ } @{$j->{sections}};
		for my $e (@ARGV) {
			my $r = eval $e;
			print(($r ? "ok" : "not ok"), " - json: $e", ($@ ? " ($@)" : ""), "\n");
		}' "$@"
}
json_tap() {	# json_check's lines, numbered as this script's tests
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok 0 "${line#ok - }" ;;
		"not ok - "*) ok 1 "${line#not ok - }" ;;
		*) diag "$line" ;;
		esac
	done
}
json_tap < <(json_check "$OBJS/btf_accel.bpf.o" \
	'$j->{license} eq "GPL" && $j->{reader} eq "libelf" && $j->{kern_version} == 0' \
	'$m{sock_map}{type} eq "SOCKHASH" && $m{sock_map}{key_size} == 16 && $m{sock_map}{value_size} == 4' \
	'$m{sock_map}{max_entries} == 1024 && $m{sock_map}{origin} eq "btf" && $m{sock_map}{pinning} eq "by_name"' \
	'$m{ports_seen}{flags} == 1 && $m{ports_seen}{pinning} eq "none" && $m{ports_seen}{section} eq ".maps"' \
	'$m{"btf_acce.rodata"}{origin} eq "data" && $m{"btf_acce.rodata"}{frozen} && $m{"btf_acce.rodata"}{flags} == 128' \
	'$m{"btf_acce.bss"}{section} eq ".bss" && !$m{"btf_acce.bss"}{frozen}' \
	'$p{btf_msg}{type} eq "SK_MSG" && $p{btf_msg}{attach_type} eq "SK_MSG_VERDICT" && $p{btf_msg}{subprograms} == 3' \
	'$p{btf_msg}{insns} > $p{btf_msg}{main_insns}' \
	'(grep { $_->{kind} eq "map_fd" && $_->{map} eq "sock_map" } @{$p{btf_msg}{relocations}}) == 1' \
	'(grep { $_->{kind} eq "map_value" && $_->{map} eq "btf_acce.bss" } @{$p{btf_msg}{relocations}}) >= 1' \
	'$s{".maps"}{role} eq "BTF-defined maps" && $s{sk_msg}{exec} && $s{license}{role} eq "license"')
json_tap < <(json_check "$OBJS/legacy_accel.bpf.o" \
	'$j->{kern_version} > 0 && @{$j->{maps}} == 2 && @{$j->{programs}} == 2' \
	'$m{stats}{origin} eq "legacy" && $m{stats}{def_size} == 20 && $m{stats}{max_entries} == 3' \
	'$p{accel_ops}{type} eq "SOCK_OPS" && !defined $p{accel_ops}{expected_attach_type}')
json_tap < <(json_check "$OBJS/elf_accel.bpf.o" \
	'$m{sock_map}{def_size} == 36 && $m{sock_map}{pinning} eq "by_name" && $m{stats}{pinning} eq "none"')
json_tap < <(json_check "$OBJS/sectypes.bpf.o" \
	'@{$j->{programs}} == 21' \
	'$p{t_recvmsg6}{expected_attach_type} eq "CGROUP_UDP6_RECVMSG"' \
	'!defined $p{t_xdp}{attach_type} && $p{t_xdp}{type} eq "XDP"')

# ---- --type and errors ----
t=$("$B" inspect "$OBJS/unknown_sec.bpf.o" 2>&1); rc=$?
is "$rc" 1 "unknown section: inspect fails"
has "unknown section: the message names the section" "$t" \
	"section 'my_filters/drop_none': unknown program type \(name the type with --type\)"
t=$("$B" inspect --type xdp "$OBJS/unknown_sec.bpf.o" 2>&1); rc=$?
is "$rc" 0 "unknown section with --type xdp: inspect exits 0"
has "unknown section with --type xdp: an XDP program" "$t" "^  keep_all: section 'my_filters/drop_none', XDP, 2 instructions$"
t=$("$B" inspect "$BUILD/sockaccel" 2>&1); rc=$?
is "$rc" 1 "not a BPF object: inspect fails"
has "not a BPF object: says why" "$t" "elf: .*sockaccel: "

# ---- issue 11: which legacy layout, and why; maps of maps; perf arrays ----
t=$("$B" inspect "$OBJS/legacy_iproute_old.bpf.o")
has "legacy_iproute_old: the 7-field iproute2 layout, and why" "$t" \
	"^legacy map layout: iproute2 bpf_elf_map, old \(28 bytes: id, pinning\): map 'sock_map': field 6 is 2 without BPF_F_NUMA_NODE: a pinning$"
has "legacy_iproute_old: sock_map pinned by name" "$t" "^  sock_map .*, pinned by name$"
t=$("$B" inspect "$OBJS/legacy_samples_accel.bpf.o")
has "legacy_samples_accel: the samples/bpf layout" "$t" "^legacy map layout: samples/bpf bpf_map_def \(28 bytes: inner_map_idx, numa_node\): "
t=$("$B" inspect "$OBJS/mim_btf.bpf.o")
has "mim_btf: outer, its template and its initial value" "$t" \
	"^  outer +ARRAY_OF_MAPS +key 4 value 4 max_entries 4 flags 0, btf, holds maps like 'outer.inner', \[1\] = 'counters_a'$"
has "mim_btf: the template is not pinned" "$t" "^  outer.inner .*template of the inner maps \(not pinned\)$"
has "mim_btf: the perf event array: one entry per possible CPU" "$t" "^  events +PERF_EVENT_ARRAY .*one entry per possible CPU$"
t=$("$B" inspect --json "$OBJS/legacy_mim_iproute.bpf.o")
check "legacy_mim_iproute --json: outer's inner map and initial value" perl -MJSON::PP -e '
	my $j = decode_json(join "", <STDIN>);
	my ($m) = grep { $_->{name} eq "outer" } @{$j->{maps}};
	exit !($m->{inner} eq "counters_a" && $m->{values}[0]{key} == 2 && $j->{legacy_layout} =~ /36 bytes/)' <<<"$t"

done_testing
