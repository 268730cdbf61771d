// SPDX-License-Identifier: GPL-2.0
/*
 * core.c: BTF at load time.
 *
 * CO-RE: every relocation of .BTF.ext is resolved against the running
 * kernel's BTF (/sys/kernel/btf/vmlinux, Linux 5.4 with
 * CONFIG_DEBUG_INFO_BTF; the modules' split BTF beside it, Linux 5.11, read
 * only when vmlinux lacks a type) or the --btf file, and written into the
 * instructions.  What the kernel does not have poisons its instruction
 * (elf/core.c), so a program loads when that path cannot run and is
 * refused, with the access named, when it can.  A program with relocations
 * is never loaded with the compiler's guesses.
 *
 * Program BTF: the object's .BTF goes to BPF_BTF_LOAD (Linux 4.18) and its
 * func_info/line_info with BPF_PROG_LOAD (Linux 5.0): global functions are
 * verified as such and the verifier log shows source lines.  A kernel that
 * refuses them gets the program without them, said under -v.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_read.h"
#include "core_relo.h"
#include "load/core.h"
#include "sys/readfile.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define MAX_MODULES 1024

const char *sa_core_btf_path;

static int prog_btf_fd = -1;		/* -1 not tried, -2 refused */
static const uint8_t *prog_btf_of;

#ifndef SOCKACCEL_NO_CORE
/* The target BTF, read once per process: [0] vmlinux (or --btf), then modules. */
static struct btf **targ;	/* malloc'd: 1 + MAX_MODULES */
static size_t ntarg;	/* targ[0] is vmlinux once ntarg > 0 */
static int targ_err, modules_read;

/* Poisoned relocations of the program last relocated, for the message:
 * 2 * index in p->core, + 1 when the field was not found (else its size). */
static uint32_t poisoned[16];
static size_t npoisoned;

struct btf *sa_core_read_btf(const char *path, const struct btf *base, int *err)
{
	struct sa_ctx quiet = { 0 };
	struct btf *b = calloc(1, sizeof(*b));
	void *buf = NULL;
	size_t len;

	*err = b ? sa_read_file(&quiet, path, &buf, &len) : -ENOMEM;
	if (!*err)
		*err = btf_open(b, buf, len, base, NULL);
	if (*err) {
		if (b)
			btf_close(b);
		free(b);
		free(buf);
		return NULL;
	}
	return b;	/* buf stays: b points into it until the process ends */
}

static int load_vmlinux(struct sa_ctx *c, const struct bo_prog *p)
{
	const char *path = sa_core_btf_path ? sa_core_btf_path : VMLINUX;

	if (!ntarg && !targ_err) {
		targ = calloc(1 + MAX_MODULES, sizeof(*targ));
		targ_err = -ENOMEM;
		if (targ && (targ[0] = sa_core_read_btf(path, NULL, &targ_err)))
			ntarg = 1;
	}
	if (ntarg)
		return 0;
	return sa_failx(c, targ_err, "program '%s': CO-RE needs BTF: %s: %s (a kernel with "
			"CONFIG_DEBUG_INFO_BTF=y has it; or --btf FILE)", p->name, path,
			targ_err == -EINVAL ? "not BTF, or malformed" : strerror(-targ_err));
}

/* Modules' BTF, split on vmlinux's: read once, only when needed. */
static void load_modules(void)
{
	struct dirent *de;
	static char path[512];	/* scratch: loader/cli/cli.h */
	DIR *d;
	int err;

	if (modules_read)	/* (called with vmlinux's read, not with --btf) */
		return;
	modules_read = 1;
	d = opendir("/sys/kernel/btf");
	if (!d)
		return;
	while ((de = readdir(d)) && ntarg < 1 + MAX_MODULES) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		targ[ntarg] = sa_core_read_btf(path, targ[0], &err);
		if (targ[ntarg])
			ntarg++;
	}
	closedir(d);
}

/* Not there, or a signed field that changed size (no load follows it). */
#define HOW(notfound) ((notfound) ? "not found in kernel BTF" : "changed size in kernel BTF")

int sa_core_apply(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		  struct bpf_insn *insns)
{
	struct bo_core_res res;
	struct btf local;
	static char what[300];	/* scratch: loader/cli/cli.h */
	const char *why = "";
	size_t i;
	int err;

	npoisoned = 0;
	if (!p->ncore)
		return 0;
	err = load_vmlinux(c, p);
	if (err)
		return err;
	/* o->btf was read whole when the object was (elf/btf_ext.c): indexing
	 * it again can only run out of memory. */
	if (!o->btf || btf_open(&local, o->btf, o->btf_len, NULL, NULL))
		return sa_oom(c);
	for (i = 0; !err && i < p->ncore; i++) {
		const struct bo_core_relo *r = &p->core[i];
		/* "program 'x': CO-RE insn 3: field byte offset struct sock.sk_mark",
		 * said by -v and by a failure alike */
		size_t n = (size_t)snprintf(what, sizeof(what), "program '%s': CO-RE insn %u: %s ",
					    p->name, r->insn, bo_core_kind_name(r->kind));

		bo_core_describe(&local, r, what + n, sizeof(what) - n);
		err = bo_core_resolve(&local, targ, 1, r, &res, &why);
		/* Not in vmlinux: the modules' BTF (read at the first miss),
		 * for every kind: a type that exists only in a module exists,
		 * as libbpf says.  vmlinux, just searched, is not again. */
		if (!err && res.missing && !sa_core_btf_path) {
			load_modules();
			err = bo_core_resolve(&local, targ + 1, ntarg - 1, r, &res, &why);
		}
		if (!err)
			err = bo_core_patch(insns, p->insn_cnt, r, &res, &why);
		if (err < 0) {
			sa_failx(c, err, "%s: %s", what, why);
			break;
		}
		if (err && npoisoned < sizeof(poisoned) / sizeof(poisoned[0]))
			poisoned[npoisoned++] = (uint32_t)(2 * i + res.poison);
		sa_info(c, "%s: %llu -> %llu%s%s", what, (unsigned long long)res.orig,
			(unsigned long long)res.val, err ? ", poisoned: " : "", err ? HOW(res.poison) : "");
		err = 0;
	}
	btf_close(&local);
	return err;
}

void sa_core_explain(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p)
{
	const struct bo_core_relo *r;
	const char *log = c->vlog;
	struct btf local;
	static char what[200], at[32];	/* scratch: loader/cli/cli.h */
	size_t i;

	if (!npoisoned || !log || !strstr(log, "unknown#195896080") ||
	    btf_open(&local, o->btf, o->btf_len, NULL, NULL))
		return;
	/* The verifier prints "N: (85) call unknown#195896080" first; a
	 * relocation beyond the ones kept: the first (-v lists them all). */
	for (i = npoisoned; i-- > 1;) {
		snprintf(at, sizeof(at), "\n%u: (85) call unknown#", p->core[poisoned[i] / 2].insn);
		if (strstr(log, at))
			break;
	}
	r = &p->core[poisoned[i] / 2];
	bo_core_describe(&local, r, what, sizeof(what));
	btf_close(&local);
	sa_failx(c, -EINVAL, "program '%s': %s (%s) %s, and the program can reach it "
		 "(CO-RE insn %u; guard it with bpf_core_*_exists())",
		 p->name, what, bo_core_kind_name(r->kind), HOW(poisoned[i] & 1), r->insn);
}

#else	/* SOCKACCEL_NO_CORE: the static build, within its 96 KiB */
/*
 * CO-RE costs 8,768 bytes of the static build (program BTF 800 more); left
 * out (the Makefile's STATIC_CORE), the static build refuses a
 * program with relocations rather than load it with the compiler's guesses.
 */
int sa_core_apply(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		  struct bpf_insn *insns)
{
	(void)o, (void)insns;
	if (!p->ncore)
		return 0;
	return sa_failx(c, -EOPNOTSUPP, "program '%s': %zu CO-RE relocations, and this static "
			"build has no CO-RE (it stays within 96 KiB): load it with the default build",
			p->name, p->ncore);
}

void sa_core_explain(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p)
{
	(void)c, (void)o, (void)p;
}
#endif

#ifndef SOCKACCEL_NO_PROG_BTF
void sa_core_btf_args(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		      struct sys_prog_load_args *a)
{
	if (!o->btf || !p->nfunc_info)
		return;
	if (prog_btf_of != o->btf) {
		sa_core_release();
		prog_btf_of = o->btf;
		prog_btf_fd = sys_btf_load(o->btf, o->btf_len);
		if (prog_btf_fd < 0) {
			sa_info(c, "object's BTF refused (%s): loading without it", strerror(-prog_btf_fd));
			prog_btf_fd = -2;
		}
	}
	if (prog_btf_fd < 0)
		return;
	a->prog_btf_fd = prog_btf_fd;
	a->func_info = p->func_info;
	a->func_info_cnt = (uint32_t)p->nfunc_info;
	a->line_info = p->line_info;
	a->line_info_cnt = (uint32_t)p->nline_info;
}

int sa_core_without_btf(struct sa_ctx *c, const struct bo_prog *p,
			struct sys_prog_load_args *a, int fd)
{
	struct sys_prog_load_args b = *a;
	int fd2;

	if (fd >= 0 || !a->prog_btf_fd)
		return fd;
	b.prog_btf_fd = 0;
	fd2 = sys_prog_load(&b);
	if (fd2 < 0)
		return fd;	/* refused either way: show the log with source lines */
	sa_info(c, "program '%s': func_info/line_info refused (%s): loaded without them",
		p->name, strerror(-fd));
	return fd2;
}

#else	/* no program BTF (SOCKACCEL_NO_PROG_BTF, or no CO-RE): programs load without it */
void sa_core_btf_args(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		      struct sys_prog_load_args *a)
{
	(void)c, (void)o, (void)p, (void)a;
}

int sa_core_without_btf(struct sa_ctx *c, const struct bo_prog *p,
			struct sys_prog_load_args *a, int fd)
{
	(void)c, (void)p, (void)a;
	return fd;
}
#endif

void sa_core_release(void)
{
	if (prog_btf_fd >= 0)
		close(prog_btf_fd);
	prog_btf_fd = -1;
	prog_btf_of = NULL;
}
