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

/* The target BTF, read once per process: [0] vmlinux (or --btf), then modules. */
static struct btf *targ[1 + MAX_MODULES];
static size_t ntarg, nvmlinux;
static int targ_err, modules_read;

static int prog_btf_fd = -1;		/* -1 not tried, -2 refused */
static const uint8_t *prog_btf_of;

/* Poisoned relocations of the program last relocated, for the message. */
static struct {
	uint32_t insn;
	char what[280];
} poisoned[16];
static size_t npoisoned;

struct btf *sa_core_read_btf(const char *path, const struct btf *base, int *err)
{
	struct sa_ctx quiet = { 0 };
	struct btf *b = calloc(1, sizeof(*b));
	void *buf = NULL;
	size_t len;

	*err = b ? sa_read_file(&quiet, path, &buf, &len) : -ENOMEM;
	if (!*err)
		*err = btf_open(b, buf, len, base);
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
		targ[0] = sa_core_read_btf(path, NULL, &targ_err);
		ntarg = nvmlinux = targ[0] != NULL;
		if (targ[0])
			sa_info(c, "CO-RE: target BTF %s, %u types", path, btf_last(targ[0]));
	}
	if (ntarg)
		return 0;
	if (sa_core_btf_path)
		return sa_failx(c, targ_err, "program '%s': CO-RE: --btf %s: %s", p->name, path,
				targ_err == -EINVAL ? "not BTF, or malformed" : strerror(-targ_err));
	return sa_failx(c, targ_err,
			"program '%s' has %zu CO-RE relocations and this kernel has no BTF (%s: %s): "
			"it needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, or a BTF file given with --btf FILE",
			p->name, p->ncore, path, strerror(-targ_err));
}

/* Modules' BTF, split on vmlinux's: read once, only when needed. */
static void load_modules(struct sa_ctx *c)
{
	struct dirent *de;
	char path[512];
	DIR *d;
	int err;

	if (modules_read || sa_core_btf_path || !ntarg)
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
	sa_info(c, "CO-RE: %zu module BTF files read", ntarg - nvmlinux);
}

int sa_core_apply(struct sa_ctx *c, const struct bo_object *o, const struct bo_prog *p,
		  struct bpf_insn *insns)
{
	struct bo_core_res res;
	struct btf local;
	char what[200], why[160];
	size_t i;
	int err;

	npoisoned = 0;
	if (!p->ncore)
		return 0;
	err = load_vmlinux(c, p);
	if (err)
		return err;
	if (!o->btf || btf_open(&local, o->btf, o->btf_len, NULL))
		return sa_failx(c, -EINVAL, "program '%s': CO-RE: the object's .BTF is unreadable", p->name);
	for (i = 0; !err && i < p->ncore; i++) {
		const struct bo_core_relo *r = &p->core[i];

		bo_core_describe(&local, r, what, sizeof(what));
		err = bo_core_resolve(&local, targ, nvmlinux, r, &res, why, sizeof(why));
		if (!err && res.poison && !modules_read && !sa_core_btf_path) {
			load_modules(c);
			err = bo_core_resolve(&local, targ, ntarg, r, &res, why, sizeof(why));
		}
		if (!err)
			err = bo_core_patch(insns, p->insn_cnt, r, &res, why, sizeof(why));
		if (err < 0) {
			sa_failx(c, err, "program '%s': CO-RE relocation at instruction %u, %s %s: %s",
				 p->name, r->insn, bo_core_kind_name(r->kind), what, why);
			break;
		}
		if (err) {
			/* Not there, or a signed field that changed size (no load follows it). */
			const char *how = res.poison ? "not found in kernel BTF" :
					  "changed size in kernel BTF";

			err = 0;
			sa_info(c, "program '%s': CO-RE insn %u: %s %s %s: "
				"instruction poisoned (refused only if it can run)",
				p->name, r->insn, bo_core_kind_name(r->kind), what, how);
			if (npoisoned < sizeof(poisoned) / sizeof(poisoned[0])) {
				poisoned[npoisoned].insn = r->insn;
				snprintf(poisoned[npoisoned++].what, sizeof(poisoned[0].what),
					 "%s (%s) %s", what, bo_core_kind_name(r->kind), how);
			}
		} else {
			sa_info(c, "program '%s': CO-RE insn %u: %s %s: %llu -> %llu", p->name,
				r->insn, bo_core_kind_name(r->kind), what,
				(unsigned long long)res.orig, (unsigned long long)res.val);
		}
	}
	btf_close(&local);
	return err;
}

/* strstr() without musl's two-way search (1 KiB of the static binary). */
static const char *find(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncmp(s, w, n))
			return s;
	return NULL;
}

void sa_core_explain(struct sa_ctx *c, const struct bo_prog *p)
{
	const char *log = c->vlog;
	size_t i;

	if (!npoisoned || !log || !find(log, "unknown#195896080"))
		return;
	/* The verifier prints "N: (85) call unknown#195896080" first. */
	for (i = 0; i < npoisoned; i++) {
		char at[32];

		snprintf(at, sizeof(at), "\n%u: (85) call unknown#", poisoned[i].insn);
		if (find(log, at))
			break;
	}
	if (i == npoisoned && npoisoned > 1) {	/* beyond the ones we kept */
		sa_failx(c, -EINVAL, "program '%s': it can reach one of its CO-RE relocations that this "
			 "kernel cannot satisfy (-v lists them; the first: %s)", p->name, poisoned[0].what);
		return;
	}
	if (i == npoisoned)
		i = 0;
	sa_failx(c, -EINVAL, "program '%s': %s, and the program can reach it "
		 "(CO-RE relocation at instruction %u; guard it with bpf_core_field_exists() or the like)",
		 p->name, poisoned[i].what, poisoned[i].insn);
}

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
			sa_info(c, "object's BTF: BPF_BTF_LOAD refused (%s): programs load without BTF, func_info and line_info",
				strerror(-prog_btf_fd));
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
	sa_info(c, "program '%s': the kernel refused its func_info/line_info (%s): loaded without them",
		p->name, strerror(-fd));
	return fd2;
}

void sa_core_release(void)
{
	if (prog_btf_fd >= 0)
		close(prog_btf_fd);
	prog_btf_fd = -1;
	prog_btf_of = NULL;
}
