// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_inspect.c: `sockaccel inspect OBJ`: what the ELF and BPF readers make
 * of an object, without the kernel.  Left out of the size-limited static
 * build (SOCKACCEL_NO_INSPECT), with the disassembler it uses.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "disasm.h"
#include "names.h"
#include "object.h"
#include "util.h"

/* ---- inspect ---- */

static const char *origin_name(enum bo_map_origin o)
{
	return o == BO_MAP_LEGACY ? "legacy" : o == BO_MAP_BTF ? "btf" : "data";
}

static const char *section_type(uint32_t t)
{
	static const char *const n[] = { "NULL", "PROGBITS", "SYMTAB", "STRTAB", "RELA",
					 "HASH", "DYNAMIC", "NOTE", "NOBITS", "REL" };
	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "OTHER";
}

struct dis_ctx {
	const struct bpf_object *o;
	const struct bo_prog *p;
};

static const char *reloc_map_name(void *c, size_t i)
{
	struct dis_ctx *d = c;
	size_t k;

	for (k = 0; k < d->p->nrelocs; k++)
		if (d->p->relocs[k].insn == i)
			return d->o->maps[d->p->relocs[k].map].name;
	return NULL;
}

static void inspect_text(const struct bpf_object *o, const struct elf_view *v, int disasm)
{
	size_t i, k;

	printf("object %s (ELF reader: %s)\nlicense \"%s\"", o->name, o->reader, o->license);
	if (o->kern_version)
		printf(", version %#x", o->kern_version);
	printf("\n\nsections:\n");
	for (i = 1; i < v->nsec; i++)
		printf("  [%2zu] %-24s %-8s %8llu bytes%s\n", i, v->sec[i].name,
		       section_type(v->sec[i].type), (unsigned long long)v->sec[i].size,
		       v->sec[i].flags & 4 /* SHF_EXECINSTR */ ? "  exec" : "");
	printf("\nmaps:\n");
	for (i = 0; i < o->nmaps; i++) {
		const struct bo_map *m = &o->maps[i];

		printf("  %-16s %-14s key %u value %u max_entries %u flags %#x, %s", m->name,
		       bpf_map_type_name(m->type), m->key_size, m->value_size,
		       m->max_entries, m->flags, origin_name(m->origin));
		if (m->origin == BO_MAP_LEGACY)
			printf(" (%u-byte definition)", m->def_size);
		printf("%s%s\n", m->pinning ? ", pinned by name" : "",
		       m->frozen ? ", read-only (frozen)" : "");
	}
	printf("\nprograms:\n");
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];
		struct dis_ctx dc = { o, p };

		printf("  %s: section '%s', %s, %zu instructions", p->name, p->section,
		       bpf_prog_type_name(p->type), p->insn_cnt);
		if (p->nsubprogs)
			printf(" (%zu own + %zu subprograms)", p->main_cnt, p->nsubprogs);
		if (p->attach_type != ~0u)
			printf(", attaches as %s", bpf_attach_type_name(p->attach_type));
		printf("\n");
		for (k = 0; k < p->nrelocs; k++)
			printf("    insn %u: %s '%s'%s\n", p->relocs[k].insn,
			       p->relocs[k].kind == BO_RELOC_MAP_FD ? "map" : "address in map",
			       o->maps[p->relocs[k].map].name,
			       p->relocs[k].kind == BO_RELOC_MAP_VALUE ? " (+offset)" : "");
		for (k = 0; disasm && k < p->insn_cnt;)
			k += bpf_disasm(stdout, p->insns, p->insn_cnt, k, reloc_map_name, &dc);
	}
}

static void inspect_json(const struct bpf_object *o, const struct elf_view *v)
{
	size_t i, k;

	printf("{\"file\":");
	sa_json_str(stdout, o->name);
	printf(",\"reader\":\"%s\",\"license\":", o->reader);
	sa_json_str(stdout, o->license);
	printf(",\"kern_version\":%u,\"sections\":[", o->kern_version);
	for (i = 1; i < v->nsec; i++) {
		printf("%s{\"index\":%zu,\"name\":", i > 1 ? "," : "", i);
		sa_json_str(stdout, v->sec[i].name);
		printf(",\"type\":\"%s\",\"size\":%llu,\"exec\":%s}", section_type(v->sec[i].type),
		       (unsigned long long)v->sec[i].size, v->sec[i].flags & 4 ? "true" : "false");
	}
	printf("],\"maps\":[");
	for (i = 0; i < o->nmaps; i++) {
		const struct bo_map *m = &o->maps[i];

		printf("%s{\"name\":", i ? "," : "");
		sa_json_str(stdout, m->name);
		printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
		       "\"flags\":%u,\"origin\":\"%s\",\"def_size\":%u,\"pinning\":\"%s\",\"frozen\":%s}",
		       bpf_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
		       m->flags, origin_name(m->origin), m->def_size,
		       m->pinning ? "by_name" : "none", m->frozen ? "true" : "false");
	}
	printf("],\"programs\":[");
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];

		printf("%s{\"name\":", i ? "," : "");
		sa_json_str(stdout, p->name);
		printf(",\"section\":");
		sa_json_str(stdout, p->section);
		printf(",\"type\":\"%s\",\"attach_type\":", bpf_prog_type_name(p->type));
		if (p->attach_type == ~0u)
			printf("null");
		else
			printf("\"%s\"", bpf_attach_type_name(p->attach_type));
		printf(",\"insns\":%zu,\"main_insns\":%zu,\"subprograms\":%zu,\"relocations\":[",
		       p->insn_cnt, p->main_cnt, p->nsubprogs);
		for (k = 0; k < p->nrelocs; k++) {
			printf("%s{\"insn\":%u,\"map\":", k ? "," : "", p->relocs[k].insn);
			sa_json_str(stdout, o->maps[p->relocs[k].map].name);
			printf(",\"kind\":\"%s\",\"offset\":%u}",
			       p->relocs[k].kind == BO_RELOC_MAP_FD ? "map_fd" : "map_value",
			       p->relocs[k].off);
		}
		printf("]}");
	}
	printf("]}\n");
}

int cmd_inspect(struct sa_args *a)
{
	struct bpf_object o;
	struct elf_view v;
	void *buf;
	size_t len;
	int err;

	if (sa_read_file(&a->ctx, a->argv[0], &buf, &len))
		return sa_report(a);
	err = bpf_object_parse(&o, elf_reader_default, buf, len, a->argv[0], a->type);
	if (err) {
		sa_failx(&a->ctx, err, "elf: %s: %s", a->argv[0], o.err);
		free(buf);
		return sa_report(a);
	}
	/* The section list comes from the ELF view, which the object does not keep. */
	err = elf_reader_default->read(&v, buf, len, a->argv[0]);
	if (!err) {
		if (a->json)
			inspect_json(&o, &v);
		else
			inspect_text(&o, &v, a->disasm);
		elf_view_free(&v);
	}
	bpf_object_free(&o);
	free(buf);
	return err ? sa_report(a) : 0;
}
