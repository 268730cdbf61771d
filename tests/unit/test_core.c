// SPDX-License-Identifier: GPL-2.0
/*
 * test_core: CO-RE values (elf/core.c) on BTF written here, no kernel and
 * no compiler: a local struct that differs from the "kernel's" in order,
 * nesting (a member inside an anonymous union), array length, bitfields
 * (one that needs a wider load), integer widths and signedness, a missing
 * field; an enum against an ENUM64 of the same name; type size, existence,
 * target id and bpf_core_type_matches(); two kernel types that disagree
 * (ambiguous); and what the values do to instructions.  Each expected value
 * is worked out by hand in the comments (libbpf's rules).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core_relo.h"
#include "tap.h"

#define KIND(k, vlen, kflag) ((uint32_t)(k) << 24 | (vlen) | (uint32_t)(kflag) << 31)

struct bb {
	uint32_t w[1024];	/* type words */
	uint32_t nw, ntypes;
	char s[1024];
	uint32_t ns;
	uint8_t out[8192];
};

static uint32_t str(struct bb *b, const char *s)
{
	uint32_t at = b->ns;

	if (!s || !*s)
		return 0;
	strcpy(b->s + b->ns, s);
	b->ns += (uint32_t)strlen(s) + 1;
	return at;
}

/* A type: name, info, size/type, then extra words; its id. */
static uint32_t ty(struct bb *b, const char *name, uint32_t info, uint32_t size, int nx, ...)
{
	va_list ap;
	int i;

	b->w[b->nw++] = str(b, name);
	b->w[b->nw++] = info;
	b->w[b->nw++] = size;
	va_start(ap, nx);
	for (i = 0; i < nx; i++) {
		const char *n = va_arg(ap, const char *);	/* NULL: a plain word follows */

		b->w[b->nw++] = n ? str(b, n) : va_arg(ap, uint32_t);
	}
	va_end(ap);
	return ++b->ntypes;
}
#define W(x) NULL, (uint32_t)(x)	/* a word that is not a name */

static void done(struct bb *b, struct btf *out)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
				.type_len = b->nw * 4, .str_off = b->nw * 4, .str_len = b->ns };

	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->w, b->nw * 4);
	memcpy(b->out + sizeof(h) + b->nw * 4, b->s, b->ns);
	if (btf_open(out, b->out, sizeof(h) + b->nw * 4 + b->ns, NULL, NULL))
		abort();
}

static struct bb L = { .ns = 1 }, T = { .ns = 1 };
static struct btf lb, tb;

static int resolve(uint32_t type, const char *access, uint32_t kind, struct bo_core_res *res,
		   const char **why)
{
	struct bo_core_relo r = { 0, type, 0, kind };
	struct btf *t = &tb;
	uint32_t i;

	for (i = 1; i < L.ns; i += (uint32_t)strlen(L.s + i) + 1)	/* access string's offset */
		if (!strcmp(L.s + i, access))
			r.access_off = i;
	return bo_core_resolve(&lb, &t, 1, &r, res, why);
}

static void expect(uint32_t type, const char *access, uint32_t kind, uint64_t orig, uint64_t val,
		   const char *what)
{
	struct bo_core_res res;
	const char *why = "";
	int err = resolve(type, access, kind, &res, &why);

	if (!ok(!err && !res.poison && res.orig == orig && res.val == val, "%s (%s): %llu -> %llu",
		what, bo_core_kind_name(kind), (unsigned long long)orig, (unsigned long long)val))
		diag("got err %d '%s', poison %d, %llu -> %llu", err, why, res.poison,
		     (unsigned long long)res.orig, (unsigned long long)res.val);
}

int main(void)
{
	struct bo_core_res res;
	const char *why = "";
	uint32_t s, amb;

	/* ---- local (the object) ---- */
	ty(&L, "int", KIND(BTF_KIND_INT, 0, 0), 4, 1, W(BTF_INT_SIGNED << 24 | 32));	/* 1 */
	ty(&L, "unsigned char", KIND(BTF_KIND_INT, 0, 0), 1, 1, W(8));			/* 2 */
	ty(&L, "unsigned short", KIND(BTF_KIND_INT, 0, 0), 2, 1, W(16));			/* 3 */
	ty(&L, "long", KIND(BTF_KIND_INT, 0, 0), 8, 1, W(BTF_INT_SIGNED << 24 | 64));	/* 4 */
	ty(&L, "unsigned long", KIND(BTF_KIND_INT, 0, 0), 8, 1, W(64));			/* 5 */
	ty(&L, NULL, KIND(BTF_KIND_ARRAY, 0, 0), 0, 3, W(4), W(1), W(4));		/* 6 long[4] */
	ty(&L, NULL, KIND(BTF_KIND_STRUCT, 1, 0), 4, 3, "x", W(1), W(0));		/* 7 { int x; } */
	/* 8: struct s___v1 { int a; uchar b:3; ushort d:4; long arr[4]; struct { int x; };
	 *                     unsigned long w; long sg; int missing; } */
	s = ty(&L, "s___v1", KIND(BTF_KIND_STRUCT, 8, 1), 64, 24,
	       "a", W(1), W(0), "b", W(2), W(3 << 24 | 32), "d", W(3), W(4 << 24 | 40),
	       "arr", W(6), W(64), W(0), W(7), W(320), "w", W(5), W(384), "sg", W(4), W(448),
	       "missing", W(1), W(512));
	ty(&L, "e___l", KIND(BTF_KIND_ENUM, 2, 0), 4, 4, "V1", W(7), "V2", W(5));	/* 9 */
	ty(&L, "m", KIND(BTF_KIND_STRUCT, 1, 0), 4, 3, "a", W(1), W(0));		/* 10 */
	ty(&L, "m", KIND(BTF_KIND_STRUCT, 1, 0), 4, 3, "zz", W(1), W(0));		/* 11 */
	amb = ty(&L, "amb", KIND(BTF_KIND_STRUCT, 1, 0), 4, 3, "a", W(1), W(0));	/* 12 */
	ty(&L, "nope", KIND(BTF_KIND_STRUCT, 0, 0), 0, 0);				/* 13 */
	str(&L, "0:0"); str(&L, "0:1"); str(&L, "0:2"); str(&L, "0:3:2"); str(&L, "0:3"); str(&L, "0:4:0");
	str(&L, "0:5"); str(&L, "0:6"); str(&L, "0:7"); str(&L, "0"); str(&L, "1");
	done(&L, &lb);

	/* ---- target (the kernel) ---- */
	ty(&T, "int", KIND(BTF_KIND_INT, 0, 0), 4, 1, W(BTF_INT_SIGNED << 24 | 32));	/* 1 */
	ty(&T, "unsigned char", KIND(BTF_KIND_INT, 0, 0), 1, 1, W(8));			/* 2 */
	ty(&T, "unsigned short", KIND(BTF_KIND_INT, 0, 0), 2, 1, W(16));			/* 3 */
	ty(&T, "long", KIND(BTF_KIND_INT, 0, 0), 8, 1, W(BTF_INT_SIGNED << 24 | 64));	/* 4 */
	ty(&T, "unsigned int", KIND(BTF_KIND_INT, 0, 0), 4, 1, W(32));			/* 5 */
	ty(&T, NULL, KIND(BTF_KIND_ARRAY, 0, 0), 0, 3, W(4), W(1), W(8));		/* 6 long[8] */
	ty(&T, NULL, KIND(BTF_KIND_UNION, 1, 0), 4, 3, "x", W(1), W(0));		/* 7 union { int x; } */
	/* 8: struct s { long pad; union { int x; }; long arr[8]; int a; uchar b:3 (bit 700);
	 *               ushort d:4 (bit 734); unsigned int w; int sg; }: 104 bytes */
	ty(&T, "s", KIND(BTF_KIND_STRUCT, 8, 1), 104, 24,
	   "pad", W(4), W(0), W(0), W(7), W(64), "arr", W(6), W(128), "a", W(1), W(640),
	   "b", W(2), W(3 << 24 | 700), "d", W(3), W(4 << 24 | 734), "w", W(5), W(768),
	   "sg", W(1), W(800));
	ty(&T, "e", KIND(BTF_KIND_ENUM64, 2, 0), 8, 6, "V1", W(1), W(0), "V2", W(0), W(1));	/* 9 */
	ty(&T, "m", KIND(BTF_KIND_STRUCT, 2, 0), 8, 6, "a", W(1), W(0), "b", W(1), W(32));	/* 10 */
	ty(&T, "amb", KIND(BTF_KIND_STRUCT, 1, 0), 4, 3, "a", W(1), W(0));		/* 11 */
	ty(&T, "amb___2", KIND(BTF_KIND_STRUCT, 2, 0), 8, 6, "z", W(1), W(0), "a", W(1), W(32)); /* 12 */
	done(&T, &tb);

	/* Fields: offsets by name, through the anonymous union, by array index. */
	expect(s, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, 0, 80, "s.a moved");
	expect(s, "0:3:2", BPF_CORE_FIELD_BYTE_OFFSET, 24, 32, "s.arr[2]: 16 + 2 * 8");
	expect(s, "0:4:0", BPF_CORE_FIELD_BYTE_OFFSET, 40, 8, "s.x inside an anonymous union");
	expect(s, "0:3", BPF_CORE_FIELD_BYTE_SIZE, 32, 64, "sizeof(s.arr): long[4] -> long[8]");
	expect(s, "0:0", BPF_CORE_FIELD_SIGNED, 1, 1, "s.a is signed");
	expect(s, "0:5", BPF_CORE_FIELD_SIGNED, 0, 0, "s.w is not");
	expect(s, "0:7", BPF_CORE_FIELD_EXISTS, 1, 0, "s.missing does not exist");
	/* b: 3 bits at bit 700 of an unsigned char: byte 87, bits 4..6: shift
	 * left 64 - (700 + 3 - 696) = 57, right 64 - 3 = 61.  Locally bit 32. */
	expect(s, "0:1", BPF_CORE_FIELD_BYTE_OFFSET, 4, 87, "bitfield s.b: its byte");
	expect(s, "0:1", BPF_CORE_FIELD_BYTE_SIZE, 1, 1, "bitfield s.b: one byte");
	expect(s, "0:1", BPF_CORE_FIELD_LSHIFT_U64, 64 - 3, 57, "bitfield s.b: left shift");
	expect(s, "0:1", BPF_CORE_FIELD_RSHIFT_U64, 61, 61, "bitfield s.b: right shift");
	/* d: 4 bits at 734 of an unsigned short cross bytes 91-92: a 2-byte load
	 * at 90 and a 4-byte one at 88 miss bits, an 8-byte load at 88 holds
	 * them: left shift 64 - (734 + 4 - 704) = 30. */
	expect(s, "0:2", BPF_CORE_FIELD_BYTE_OFFSET, 4, 88, "bitfield s.d: widened load");
	expect(s, "0:2", BPF_CORE_FIELD_BYTE_SIZE, 2, 8, "bitfield s.d: 8 bytes");
	expect(s, "0:2", BPF_CORE_FIELD_LSHIFT_U64, 64 - 12, 30, "bitfield s.d: left shift");
	/* Not there: poisoned; types not there: 0. */
	ok(!resolve(s, "0:7", BPF_CORE_FIELD_BYTE_OFFSET, &res, &why) && res.poison,
	   "s.missing: byte offset poisons");
	expect(13, "0", BPF_CORE_TYPE_EXISTS, 1, 0, "struct nope does not exist");
	expect(13, "0", BPF_CORE_TYPE_SIZE, 0, 0, "struct nope has size 0");
	expect(s, "0", BPF_CORE_TYPE_SIZE, 64, 104, "sizeof(struct s)");
	expect(s, "0", BPF_CORE_TYPE_ID_TARGET, s, 8, "target id of struct s");
	expect(s, "0", BPF_CORE_TYPE_ID_LOCAL, s, s, "local id of struct s");
	/* Enum against ENUM64: flavor dropped, the 64-bit value. */
	expect(9, "1", BPF_CORE_ENUMVAL_VALUE, 5, 1ull << 32, "e___l::V2 in an ENUM64");
	expect(9, "0", BPF_CORE_ENUMVAL_EXISTS, 1, 1, "e___l::V1 exists");
	/* type matches: every local member in the target, by name and type. */
	expect(10, "0", BPF_CORE_TYPE_MATCHES, 1, 1, "struct m { int a; } matches");
	expect(11, "0", BPF_CORE_TYPE_MATCHES, 1, 0, "struct m { int zz; } does not");
	expect(11, "0", BPF_CORE_TYPE_EXISTS, 1, 1, "... yet exists");
	ok(resolve(amb, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, &res, &why) == -EINVAL &&
	   strstr(why, "ambiguous"), "amb and amb___2 disagree on amb.a: %s", why);

	/* Instructions. */
	{
		struct bpf_insn in[4] = {
			{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 2, .off = 48 },
			{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 2, .off = 56 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 3 },
			{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = 5 },
		};
		struct bpf_insn ld[2] = { { .code = BPF_LD | BPF_IMM | BPF_DW, .imm = 5 }, { 0 } };
		struct bo_core_relo r = { 0, s, 0, BPF_CORE_FIELD_BYTE_OFFSET };

		resolve(s, "0:5", BPF_CORE_FIELD_BYTE_OFFSET, &res, &why);
		ok(bo_core_patch(in, 4, &r, &res, &why) == 0 && in[0].off == 96 &&
		   BPF_SIZE(in[0].code) == BPF_W, "unsigned long -> unsigned int: load at 96, 4 bytes");
		resolve(s, "0:6", BPF_CORE_FIELD_BYTE_OFFSET, &res, &why);
		r.insn = 1;
		ok(bo_core_patch(in, 4, &r, &res, &why) == 1 &&
		   in[1].code == (BPF_JMP | BPF_CALL) && in[1].imm == BO_CORE_POISON,
		   "long -> int (signed): no load follows it, poisoned");
		resolve(s, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, &res, &why);
		r.insn = 2;
		ok(bo_core_patch(in, 4, &r, &res, &why) == -EINVAL && strstr(why, "does not hold"),
		   "an instruction that does not hold the local value is refused: %s", why);
		resolve(9, "1", BPF_CORE_ENUMVAL_VALUE, &res, &why);
		r = (struct bo_core_relo){ 0, 9, 0, BPF_CORE_ENUMVAL_VALUE };
		ok(bo_core_patch(ld, 2, &r, &res, &why) == 0 && ld[0].imm == 0 && ld[1].imm == 1,
		   "ld_imm64 takes the 64-bit enum value");
		r.insn = 3;
		ok(bo_core_patch(in, 4, &r, &res, &why) == -EINVAL,
		   "an ld_imm64 with no second half is refused");
	}
	btf_close(&lb);
	btf_close(&tb);
	return done_testing();
}
