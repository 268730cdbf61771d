// SPDX-License-Identifier: GPL-2.0
/*
 * disasm.c: eBPF instructions in the notation of the kernel's verifier log
 * (print_bpf_insn() in kernel/bpf/disasm.c, Linux 6.18), so that
 * `inspect --disasm` reads like the log a failed load prints.  One
 * difference, on purpose: a map reference shows the map's name,
 * "map[sock_hash]" (bpftool shows "map[id:N]"), where the kernel shows the
 * address the map has once loaded.
 */
#include <stdint.h>

#include "cli/disasm.h"

/* Encodings newer than the oldest UAPI headers we build with (Linux 6.1). */
#define MEMSX		0x80	/* BPF_MEMSX: sign-extending load, Linux 6.6 */
#define JCOND		0xe0	/* BPF_JCOND with src_reg BPF_MAY_GOTO, Linux 6.9 */
#define LOAD_ACQ	0x100	/* BPF_LOAD_ACQ, Linux 6.15 */
#define STORE_REL	0x110	/* BPF_STORE_REL, Linux 6.15 */
#ifndef BPF_ATOMIC
#define BPF_ATOMIC	0xc0	/* Linux 5.12; same value as BPF_XADD */
#endif
#define NOSPEC		0xc0	/* BPF_ST | BPF_NOSPEC: kernel-internal */

/* Helper names from the UAPI's own list (one FN(name) per helper, comma-separated). */
#define HELPER_NAME(x) [BPF_FUNC_##x] = "bpf_" #x
static const char *const helpers[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_NEG >> 4] = "neg",
	[BPF_MOD >> 4] = "%=", [BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=",
	[BPF_ARSH >> 4] = "s>>=", [BPF_END >> 4] = "endian",
};

static const char *const atomic_ops[16] = {
	[BPF_ADD >> 4] = "add", [BPF_AND >> 4] = "and", [BPF_OR >> 4] = "or",
	[BPF_XOR >> 4] = "xor",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const sizes[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

static const char *const sx_sizes[4] = {
	[BPF_W >> 3] = "s32", [BPF_H >> 3] = "s16", [BPF_B >> 3] = "s8", [BPF_DW >> 3] = "s64",
};

static void alu(FILE *f, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code);
	const char *s = alu_ops[op >> 4];
	/* off selects the signed variants (Linux 6.6): s/= s%= and movsx */
	int sdiv = (op == BPF_DIV || op == BPF_MOD) && in->off == 1;
	int movsx = op == BPF_MOV && BPF_SRC(in->code) == BPF_X &&
		    (in->off == 8 || in->off == 16 || in->off == 32);

	if (op == BPF_NEG)
		fprintf(f, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	else if (op == BPF_END && r == 'r')	/* ALU64 END: bswap (Linux 6.6) */
		fprintf(f, "r%d = bswap%d r%d", in->dst_reg, in->imm, in->dst_reg);
	else if (op == BPF_END)
		fprintf(f, "r%d = %s%d r%d", in->dst_reg,
			BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	else if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == 1)
		fprintf(f, "r%d = addr_space_cast(r%d, %d, %d)", in->dst_reg, in->src_reg,
			(int)((uint32_t)in->imm >> 16), (int)(uint16_t)in->imm);
	else if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == -1)
		fprintf(f, "r%d = &(void __percpu *)(r%d)", in->dst_reg, in->src_reg);
	else if (!s)
		fprintf(f, "(bad alu op %#x)", op);
	else if (BPF_SRC(in->code) == BPF_X)
		fprintf(f, "%c%d %s%s %s%c%d", r, in->dst_reg, sdiv ? "s" : "", s,
			movsx ? (in->off == 8 ? "(s8)" : in->off == 16 ? "(s16)" : "(s32)") : "",
			r, in->src_reg);
	else
		fprintf(f, "%c%d %s%s %d", r, in->dst_reg, sdiv ? "s" : "", s, in->imm);
}

static void jmp(FILE *f, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
	unsigned int op = BPF_OP(in->code);

	if (op == BPF_CALL) {
		if (in->src_reg == BPF_PSEUDO_CALL)
			fprintf(f, "call pc%+d", in->imm);
		else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			fprintf(f, "call kernel-function#%d", in->imm);
		else if (in->imm >= 0 && (size_t)in->imm < sizeof(helpers) / sizeof(helpers[0]) &&
			 helpers[in->imm])
			fprintf(f, "call %s#%d", helpers[in->imm], in->imm);
		else
			fprintf(f, "call unknown#%d", in->imm);
	} else if (in->code == (BPF_JMP | BPF_EXIT)) {
		fprintf(f, "exit");
	} else if (in->code == (BPF_JMP | BPF_JA)) {
		fprintf(f, "goto pc%+d", in->off);
	} else if (in->code == (BPF_JMP32 | BPF_JA)) {	/* Linux 6.6 */
		fprintf(f, "gotol pc%+d", in->imm);
	} else if (in->code == (BPF_JMP | JCOND)) {
		fprintf(f, "may_goto pc%+d", in->off);
	} else if (!jmp_ops[op >> 4]) {
		fprintf(f, "(bad jump op %#x)", op);
	} else if (BPF_SRC(in->code) == BPF_X) {
		fprintf(f, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg, jmp_ops[op >> 4],
			r, in->src_reg, in->off);
	} else {
		fprintf(f, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg, jmp_ops[op >> 4],
			(unsigned int)in->imm, in->off);
	}
}

/* BPF_STX | BPF_ATOMIC: the operation is in imm (Linux 5.12). */
static void atomic(FILE *f, const struct bpf_insn *in, const char *sz)
{
	const char *b64 = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
	const char *op = atomic_ops[(in->imm & 0xf0) >> 4];
	int d = in->dst_reg, s = in->src_reg, o = in->off;

	if (op && !(in->imm & ~0xf0))
		fprintf(f, "lock *(%s *)(r%d %+d) %s r%d", sz, d, o, alu_ops[in->imm >> 4], s);
	else if (op && (in->imm & ~0xf0) == BPF_FETCH)
		fprintf(f, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", s, b64, op, sz, d, o, s);
	else if (in->imm == BPF_CMPXCHG)
		fprintf(f, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", b64, sz, d, o, s);
	else if (in->imm == BPF_XCHG)
		fprintf(f, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", s, b64, sz, d, o, s);
	else if (in->imm == LOAD_ACQ)
		fprintf(f, "r%d = load_acquire((%s *)(r%d %+d))", d, sz, s, o);
	else if (in->imm == STORE_REL)
		fprintf(f, "store_release((%s *)(r%d %+d), r%d)", sz, d, o, s);
	else
		fprintf(f, "BUG_%02x", in->code);
}

size_t bpf_disasm(FILE *f, const struct bpf_insn *insns, size_t n, size_t i,
		  const char *(*map_name)(void *ctx, size_t i), void *ctx)
{
	const struct bpf_insn *in = &insns[i];
	const char *sz = sizes[BPF_SIZE(in->code) >> 3];
	size_t used = 1;

	fprintf(f, "%4zu: (%02x) ", i, in->code);
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		alu(f, in);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		jmp(f, in);
		break;
	case BPF_LDX:
		if (BPF_MODE(in->code) == BPF_MEM || BPF_MODE(in->code) == MEMSX)
			fprintf(f, "r%d = *(%s *)(r%d %+d)", in->dst_reg,
				BPF_MODE(in->code) == MEMSX ? sx_sizes[BPF_SIZE(in->code) >> 3] : sz,
				in->src_reg, in->off);
		else
			fprintf(f, "BUG_ldx_%02x", in->code);
		break;
	case BPF_ST:
		if (BPF_MODE(in->code) == BPF_MEM)
			fprintf(f, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg, in->off, in->imm);
		else if (BPF_MODE(in->code) == NOSPEC)
			fprintf(f, "nospec");
		else
			fprintf(f, "BUG_st_%02x", in->code);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			atomic(f, in, sz);
		else if (BPF_MODE(in->code) == BPF_MEM)
			fprintf(f, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg, in->off, in->src_reg);
		else
			fprintf(f, "BUG_%02x", in->code);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < n) {
			const char *m = map_name ? map_name(ctx, i) : NULL;
			unsigned long long v = (uint32_t)in->imm |
					       (unsigned long long)(uint32_t)in[1].imm << 32;

			/* bpftool's map notation, with the name for the id */
			if (m && in->src_reg == BPF_PSEUDO_MAP_VALUE)
				fprintf(f, "r%d = map[%s][0]+%d", in->dst_reg, m, in[1].imm);
			else if (m)
				fprintf(f, "r%d = map[%s]", in->dst_reg, m);
			else
				fprintf(f, "r%d = 0x%llx", in->dst_reg, v);
			used = 2;
		} else if (BPF_MODE(in->code) == BPF_ABS) {
			fprintf(f, "r0 = *(%s *)skb[%d]", sz, in->imm);
		} else if (BPF_MODE(in->code) == BPF_IND) {
			fprintf(f, "r0 = *(%s *)skb[r%d + %d]", sz, in->src_reg, in->imm);
		} else {
			fprintf(f, "BUG_ld_%02x", in->code);
		}
		break;
	}
	fputc('\n', f);
	return used;
}
