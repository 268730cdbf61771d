// SPDX-License-Identifier: GPL-2.0
/*
 * inspect_core.c: what `inspect` says about a program's BTF: func_info and
 * line_info counts and every CO-RE relocation (instruction, kind, access
 * in C words and as clang wrote it), as text or as JSON members; with
 * --btf FILE, what each becomes against that BTF (another kernel's).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "btf_read.h"
#include "cli/inspect.h"
#include "cli/json.h"
#include "core_relo.h"
#include "load/core.h"

/* --btf FILE: each relocation is also resolved against it (read once). */
static struct btf *target(void)
{
	static struct btf *t;
	static int err;

	if (!t && !err && sa_core_btf_path) {
		t = sa_core_read_btf(sa_core_btf_path, NULL, &err);
		if (!t)
			fprintf(stderr, "sockaccel: inspect: --btf %s: %s\n", sa_core_btf_path,
				err == -EINVAL ? "not BTF, or malformed" : strerror(-err));
	}
	return t;
}

/* " 24 -> 0" or " 24 -> not in the target (poisoned)" */
static void show_resolution(struct btf *local, const struct bo_core_relo *r, int json)
{
	struct btf *t = target();
	struct bo_core_res res;
	const char *why = "";

	if (!t)
		return;
	if (bo_core_resolve(local, &t, 1, r, &res, &why)) {
		if (json) {
			printf(",\"error\":");
			sa_json_str(stdout, why);
		} else {
			printf(": %s", why);
		}
	} else if (json) {
		printf(",\"local\":%llu,\"target\":", (unsigned long long)res.orig);
		if (res.poison)
			printf("null");
		else
			printf("%llu", (unsigned long long)res.val);
	} else if (res.poison) {
		printf(": %llu -> not in the target BTF (poisoned)", (unsigned long long)res.orig);
	} else {
		printf(": %llu -> %llu", (unsigned long long)res.orig, (unsigned long long)res.val);
	}
}

void sa_inspect_core(const struct bo_object *o, const struct bo_prog *p, int json)
{
	struct btf b;
	char what[256];
	size_t i;
	int have = o->btf && !btf_open(&b, o->btf, o->btf_len, NULL, NULL);

	if (json)
		printf(",\"func_info\":%zu,\"line_info\":%zu,\"core_relocations\":[",
		       p->nfunc_info, p->nline_info);
	else if (p->nfunc_info || p->nline_info || p->ncore)
		printf("    BTF: %zu func_info, %zu line_info, %zu CO-RE relocation%s\n",
		       p->nfunc_info, p->nline_info, p->ncore, p->ncore == 1 ? "" : "s");
	for (i = 0; have && i < p->ncore; i++) {
		const struct bo_core_relo *r = &p->core[i];
		const char *acc = str_at(&b, r->access_off);

		bo_core_describe(&b, r, what, sizeof(what));
		if (json) {
			printf("%s{\"insn\":%u,\"kind\":\"%s\",\"type_id\":%u,\"access\":",
			       i ? "," : "", r->insn, bo_core_kind_name(r->kind), r->type_id);
			sa_json_str(stdout, acc ? acc : "");
			printf(",\"what\":");
			sa_json_str(stdout, what);
			show_resolution(&b, r, 1);
			printf("}");
		} else {
			printf("    insn %u: CO-RE %s %s (%s)", r->insn,
			       bo_core_kind_name(r->kind), what, acc ? acc : "?");
			show_resolution(&b, r, 0);
			printf("\n");
		}
	}
	if (json)
		printf("]");
	if (have)
		btf_close(&b);
}
