/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_relo.h: CO-RE relocations computed, not applied to any kernel: a
 * relocation from .BTF.ext, the object's BTF and the target BTF (the
 * kernel's vmlinux, then its modules) give the value the instruction must
 * hold on that kernel, by libbpf's rules (kernel Documentation/bpf/
 * llvm_reloc.rst, libbpf's relo_core.c).  Pure: no syscalls, no files.
 */
#ifndef SOCKACCEL_CORE_RELO_H
#define SOCKACCEL_CORE_RELO_H

#include "btf_read.h"
#include "object.h"

/* What a verifier log says when it reaches a poisoned instruction
 * ("invalid func unknown#195896080"): libbpf's marker, kept so that
 * people who know it recognise it. */
#define BO_CORE_POISON 0xbad2310

struct bo_core_res {
	uint64_t orig, val;	/* what clang wrote, what this kernel needs */
	uint32_t orig_sz, new_sz;	/* field bytes, for loads and stores */
	int validate;		/* the instruction must hold orig now */
	int missing;		/* no candidate in the targets given */
	int poison;		/* missing, and of a kind that poisons its instruction */
	int size_bad;		/* the field changed size in a way a load cannot follow */
};

/* "field byte offset", ... (enum bpf_core_relo_kind), "?" when unknown. */
const char *bo_core_kind_name(uint32_t kind);
/* The access in C words: "struct sock.__sk_common.skc_family". */
void bo_core_describe(struct btf *local, const struct bo_core_relo *r, char *buf, size_t len);
/*
 * Resolve r against targets (vmlinux first, then module BTF).  0 with res
 * filled in, or -errno with *why saying why (a malformed relocation, an
 * ambiguous match).  A type or field that is not there is not an error:
 * res->poison, or the value 0 for the "exists" kinds.
 */
int bo_core_resolve(struct btf *local, struct btf *const *targ, size_t ntarg,
		    const struct bo_core_relo *r, struct bo_core_res *res, const char **why);
/* Write res into instruction r->insn of insns (cnt): 0, 1 when the
 * instruction was poisoned instead, or -errno with *why saying why. */
int bo_core_patch(struct bpf_insn *insns, size_t cnt, const struct bo_core_relo *r,
		  const struct bo_core_res *res, const char **why);

#endif
