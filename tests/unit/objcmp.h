/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objcmp.h: are two parsed objects the same (one per ELF reader)?  Shared by
 * tests/unit/test_malformed.c and the differential fuzzer tests/fuzz/fuzz_elf.c.
 */
#ifndef SA_OBJCMP_H
#define SA_OBJCMP_H

#include <stdlib.h>
#include <string.h>

#include "object.h"

/* "" when a and b are the same object, else what differs. */
static inline const char *bo_differs(const struct bo_object *a, const struct bo_object *b)
{
	size_t i;

	if (strcmp(a->license, b->license) || a->kern_version != b->kern_version)
		return "license or version";
	if (a->nmaps != b->nmaps || a->nprogs != b->nprogs)
		return "number of maps or programs";
	for (i = 0; i < a->nmaps; i++) {
		const struct bo_map *x = &a->maps[i], *y = &b->maps[i];

		if (strcmp(x->name, y->name) || x->type != y->type || x->key_size != y->key_size ||
		    x->value_size != y->value_size || x->max_entries != y->max_entries ||
		    x->flags != y->flags || x->numa_node != y->numa_node ||
		    x->pinning != y->pinning || x->origin != y->origin || x->def_size != y->def_size ||
		    x->sec != y->sec || x->off != y->off || x->frozen != y->frozen ||
		    !x->init != !y->init || (x->init && memcmp(x->init, y->init, x->value_size)) ||
		    x->inner != y->inner || x->tmpl != y->tmpl || x->nslots != y->nslots ||
		    (x->nslots && memcmp(x->slots, y->slots, x->nslots * sizeof(*x->slots))))
			return "a map";
	}
	for (i = 0; i < a->nprogs; i++) {
		const struct bo_prog *x = &a->progs[i], *y = &b->progs[i];

		if (strcmp(x->name, y->name) || strcmp(x->section, y->section) || x->type != y->type ||
		    x->expected_attach_type != y->expected_attach_type ||
		    x->attach_type != y->attach_type || x->attach_to != y->attach_to ||
		    x->insn_cnt != y->insn_cnt || x->main_cnt != y->main_cnt ||
		    x->nsubprogs != y->nsubprogs || x->nrelocs != y->nrelocs ||
		    memcmp(x->insns, y->insns, x->insn_cnt * sizeof(*x->insns)) ||
		    (x->nrelocs && memcmp(x->relocs, y->relocs, x->nrelocs * sizeof(*x->relocs))))
			return "a program";
	}
	return "";
}

/*
 * Relocate every program with made-up map fds, as the loader does before
 * BPF_PROG_LOAD, and check each relocated instruction: an ld_imm64 inside
 * the program carrying the map (and kind) of the last relocation that
 * patches it (a crafted file may name one instruction twice; the last
 * wins, as relocations are applied in order).  1 if all are right.
 */
static inline int bo_relocates(const struct bo_object *o)
{
	size_t i, k;
	int good = 1, *fds = malloc((o->nmaps + 1) * sizeof(int));

	for (i = 0; i < o->nmaps; i++)
		fds[i] = 1000 + (int)i;
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];
		struct bpf_insn *out = malloc((p->insn_cnt + 1) * sizeof(*out));
		size_t *last = malloc((p->insn_cnt + 1) * sizeof(*last));

		bo_relocate(p, fds, out);
		for (k = 0; k < p->nrelocs; k++) {
			const struct bo_reloc *r = &p->relocs[k];

			if (r->insn + 1 >= p->insn_cnt || r->map >= o->nmaps) {
				good = 0;
				continue;
			}
			last[r->insn] = k;
		}
		for (k = 0; good && k < p->nrelocs; k++) {
			const struct bo_reloc *r = &p->relocs[last[p->relocs[k].insn]];

			good &= out[r->insn].code == (BPF_LD | BPF_IMM | BPF_DW);
			good &= out[r->insn].imm == fds[r->map];
			good &= out[r->insn].src_reg == (r->kind == BO_RELOC_MAP_VALUE ?
							 BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD);
		}
		free(last);
		free(out);
	}
	free(fds);
	return good;
}

#endif
