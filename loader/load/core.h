/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core.h: what BPF_PROG_LOAD needs from BTF: CO-RE relocations applied
 * against the kernel's BTF, and the object's own BTF with func_info and
 * line_info (the loader's part; the computation is elf/core.c).
 */
#ifndef SOCKACCEL_LOAD_CORE_H
#define SOCKACCEL_LOAD_CORE_H

#include "sys/bpf.h"
#include "sys/ctx.h"
#include "object.h"

/* --btf FILE: the target BTF instead of /sys/kernel/btf/vmlinux (and the
 * modules' BTF beside it). */
extern const char *sa_core_btf_path;

/* A BTF file (split on base, or NULL), read and indexed; NULL with *err. */
struct btf;
struct btf *sa_core_read_btf(const char *path, const struct btf *base, int *err);
/* Apply p's CO-RE relocations to insns (p->insn_cnt); 0 or -errno with
 * the message set.  -v shows each: local value -> kernel value. */
int sa_core_apply(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		  struct bpf_insn *insns);
/* Fill a's prog_btf_fd, func_info, line_info when o has BTF the kernel
 * takes (BPF_BTF_LOAD once per object). */
void sa_core_btf_args(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		      struct sys_prog_load_args *a);
/* After a failed BPF_PROG_LOAD (fd) with BTF: load again without it; the
 * new fd if that works (said under -v), else fd with a unchanged. */
int sa_core_without_btf(struct sa_ctx *c, const struct bo_prog *p,
			struct sys_prog_load_args *a, int fd);
/* After the verifier refused p: if it reached an instruction poisoned for
 * a relocation this kernel cannot satisfy, say which, first. */
void sa_core_explain(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p);
/* Close the program BTF (the programs hold their own references). */
void sa_core_release(void);

#endif
