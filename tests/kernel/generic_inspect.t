#!/bin/bash
# generic_inspect.t: `inspect --disasm` speaks the kernel's notation: the
# same instructions, loaded by bpftool with the verifier log on (bpftool -d:
# log level 1+2), read back line for line from the kernel's own printer.
# The static binary has no inspect (it is left out for size) and says so.
. "$(dirname "$0")/../lib.sh"
need_kernel
. "$(dirname "$0")/generic_lib.sh"

# "N: (op) text" lines, leading blanks and the verifier's "; state" dropped.
insn_lines() { sed -n 's/^ *\([0-9][0-9]*: ([0-9a-f][0-9a-f]) [^;]*\).*/\1/p' | sed 's/ *$//'; }

disasm_vs_kernel() {
	local B=$1 L=$2 pin out rc ours kern n_ours n_kern diff
	if [ "$L" = sockaccel-static ]; then
		out=$("$B" inspect "$OBJS/disasm.bpf.o" 2>&1); rc=$?
		is "$rc" 2 "[$L] inspect is not in the static build: usage error"
		check "[$L] ... saying so: ${out//$'\n'/ }" grep -q "unknown command 'inspect'" <<<"$out"
		return
	fi
	new_pin_dir pin
	out=$("$B" inspect --disasm "$OBJS/disasm.bpf.o" 2>&1); rc=$?
	is "$rc" 0 "[$L] inspect --disasm disasm.bpf.o exits 0"
	ours=$(insn_lines <<<"$out" | sort -t: -k1,1n -u)
	mkdir -p "$pin"
	bpftool -d prog load "$OBJS/disasm.bpf.o" "$pin/dis" >"$T_TMP/vlog" 2>&1 ||
		bail "bpftool cannot load disasm.bpf.o: $(tail -5 "$T_TMP/vlog")"
	rm -f "$pin/dis"
	# The verifier prints an instruction each time a path reaches it: keep one.
	kern=$(insn_lines <"$T_TMP/vlog" | sort -t: -k1,1n -u)
	n_ours=$(wc -l <<<"$ours")
	n_kern=$(wc -l <<<"$kern")
	lt 60 "$n_ours" "[$L] inspect printed the program's instructions"
	is "$n_kern" "$n_ours" "[$L] the verifier log shows as many instructions"
	diff=$(diff <(echo "$kern") <(echo "$ours"))
	is "$diff" "" "[$L] every instruction reads exactly as the verifier prints it"
	for want in 'r1 = 0x123456789' 'lock \*(u32 \*)' 'atomic64_fetch_or' 'atomic_fetch_xor' \
		    'atomic64_xchg' 'atomic64_cmpxchg' 'be64' 'if w[0-9] s<' 'call bpf_get_prandom_u32#7' 'call pc+'; do
		check "[$L] ... among them: $want" grep -q "$want" <<<"$ours"
	done
}

for_each_binary disasm_vs_kernel
done_testing
