// SPDX-License-Identifier: GPL-2.0
/*
 * disasm.c: eBPF instructions in the notation of the kernel's verifier log
 * (kernel/bpf/disasm.c), so that `inspect --disasm` reads like the log a
 * failed load prints.
 */
#include <stdint.h>

#include "disasm.h"

#ifndef BPF_ATOMIC
#define BPF_ATOMIC 0xc0		/* Linux 5.12; same value as BPF_XADD */
#endif

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

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const sizes[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

static void alu(FILE *f, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code);
	const char *s = alu_ops[op >> 4];

	if (op == BPF_NEG)
		fprintf(f, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	else if (op == BPF_END)
		fprintf(f, "r%d = %s%d r%d", in->dst_reg,
			BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
	else if (!s)
		fprintf(f, "(bad alu op %#x)", op);
	else if (BPF_SRC(in->code) == BPF_X)
		fprintf(f, "%c%d %s %c%d", r, in->dst_reg, s, r, in->src_reg);
	else
		fprintf(f, "%c%d %s %d", r, in->dst_reg, s, in->imm);
}

static void jmp(FILE *f, const struct bpf_insn *in)
{
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
	unsigned int op = BPF_OP(in->code);

	if (op == BPF_CALL) {
		if (in->src_reg == BPF_PSEUDO_CALL)
			fprintf(f, "call pc%+d", in->imm);
		else if (in->imm > 0 && (size_t)in->imm < sizeof(helpers) / sizeof(helpers[0]) &&
			 helpers[in->imm])
			fprintf(f, "call %s#%d", helpers[in->imm], in->imm);
		else
			fprintf(f, "call #%d", in->imm);
	} else if (op == BPF_EXIT) {
		fprintf(f, "exit");
	} else if (op == BPF_JA) {
		fprintf(f, "goto pc%+d", in->off);
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
		fprintf(f, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz, in->src_reg, in->off);
		break;
	case BPF_ST:
		fprintf(f, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg, in->off, in->imm);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			fprintf(f, "lock *(%s *)(r%d %+d) %s r%d", sz, in->dst_reg, in->off,
				in->imm == BPF_ADD ? "+=" : "<atomic op>", in->src_reg);
		else
			fprintf(f, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg, in->off, in->src_reg);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < n) {
			const char *m = map_name ? map_name(ctx, i) : NULL;
			unsigned long long v = (uint32_t)in->imm |
					       (unsigned long long)(uint32_t)in[1].imm << 32;

			if (m && in->src_reg == BPF_PSEUDO_MAP_VALUE)
				fprintf(f, "r%d = map[%s] + %d", in->dst_reg, m, in[1].imm);
			else if (m)
				fprintf(f, "r%d = map[%s]", in->dst_reg, m);
			else
				fprintf(f, "r%d = %#llx ll", in->dst_reg, v);
			used = 2;
		} else if (BPF_MODE(in->code) == BPF_ABS) {
			fprintf(f, "r0 = *(%s *)skb[%d]", sz, in->imm);
		} else if (BPF_MODE(in->code) == BPF_IND) {
			fprintf(f, "r0 = *(%s *)skb[r%d + %d]", sz, in->src_reg, in->imm);
		} else {
			fprintf(f, "(bad ld %#x)", in->code);
		}
		break;
	}
	fputc('\n', f);
	return used;
}
