// SPDX-License-Identifier: GPL-2.0
/*
 * inspect_core.c: what `inspect` says about a program's BTF: func_info and
 * line_info counts and every CO-RE relocation (instruction, kind, access
 * in C words and as clang wrote it), as text or as JSON members.
 */
#include <stdio.h>

#include "btf_read.h"
#include "cli/inspect.h"
#include "cli/json.h"
#include "core_relo.h"

void sa_inspect_core(const struct bo_object *o, const struct bo_prog *p, int json)
{
	struct btf b;
	char what[256];
	size_t i;
	int have = o->btf && !btf_open(&b, o->btf, o->btf_len, NULL);

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
			printf("}");
		} else {
			printf("    insn %u: CO-RE %s %s (%s)\n", r->insn,
			       bo_core_kind_name(r->kind), what, acc ? acc : "?");
		}
	}
	if (json)
		printf("]");
	if (have)
		btf_close(&b);
}
