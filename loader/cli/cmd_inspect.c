// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_inspect.c: `sockaccel inspect OBJ`: what the ELF and BPF readers make
 * of an object, without the kernel.  Left out of the size-limited static
 * build (SOCKACCEL_NO_INSPECT), with the disassembler it uses.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/disasm.h"
#include "cli/inspect.h"
#include "sys/names.h"
#include "object.h"
#include "sys/readfile.h"
#include "cli/json.h"

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

/* What the object model made of section i, for the section list. */
static const char *section_role(const struct bo_object *o, const struct elf_view *v,
				size_t i, char *buf, size_t len)
{
	const struct ev_section *s = &v->sec[i];
	size_t k;

	for (k = 0; k < o->nmaps; k++)
		if (o->maps[k].sec == i)
			return o->maps[k].origin == BO_MAP_LEGACY ? "legacy maps" :
			       o->maps[k].origin == BO_MAP_BTF ? "BTF-defined maps" :
			       "global data (array map)";
	for (k = 0; k < o->nprogs; k++)
		if (!strcmp(o->progs[k].section, s->name)) {
			snprintf(buf, len, "programs (%s)", bpf_prog_type_name(o->progs[k].type));
			return buf;
		}
	if (s->type == SHT_REL) {
		snprintf(buf, len, "relocations of [%u]", s->info);
		return buf;
	}
	if (!strcmp(s->name, "license"))
		return "license";
	if (!strcmp(s->name, "version"))
		return "kernel version";
	if (!strcmp(s->name, ".BTF"))
		return "BTF (read for .maps)";
	if (!strcmp(s->name, ".text") && (s->flags & SHF_EXECINSTR) && s->size)
		return "subprograms";
	if ((s->flags & (SHF_ALLOC | SHF_EXECINSTR)) == SHF_ALLOC &&
	    (!strncmp(s->name, ".data", 5) || !strncmp(s->name, ".rodata", 7) ||
	     !strncmp(s->name, ".bss", 4)))
		return "global data, not referenced (skipped)";
	return "";
}

/*
 * Programs are shown as they would be loaded: relocated, with "fd" i
 * standing for map i, so the disassembler can name the map.
 */
static const char *map_of(void *c, size_t i)
{
	const struct bo_object *o = ((const void **)c)[0];
	const struct bpf_insn *in = ((const void **)c)[1];

	if ((in[i].src_reg == BPF_PSEUDO_MAP_FD || in[i].src_reg == BPF_PSEUDO_MAP_VALUE) &&
	    (size_t)in[i].imm < o->nmaps)
		return o->maps[in[i].imm].name;
	return NULL;
}

static void disasm(const struct bo_object *o, const struct bo_prog *p)
{
	struct bpf_insn *in = malloc(p->insn_cnt * sizeof(*in));
	int *fds = malloc((o->nmaps + 1) * sizeof(int));
	const void *c[2] = { o, in };
	size_t k;

	if (!in || !fds) {
		printf("    (out of memory)\n");
	} else {
		for (k = 0; k < o->nmaps; k++)
			fds[k] = (int)k;
		bo_relocate(p, fds, in);
		for (k = 0; k < p->insn_cnt;) {
			if (k == p->main_cnt)
				printf("    ; subprograms from .text\n");
			printf("  ");
			k += bpf_disasm(stdout, in, p->insn_cnt, k, map_of, c);
		}
	}
	free(in);
	free(fds);
}

static void inspect_text(const struct bo_object *o, const struct elf_view *v, int dis)
{
	char buf[64];
	size_t i, k;

	printf("object %s (ELF reader: %s)\nlicense \"%s\"", o->name, o->reader, o->license);
	if (o->kern_version)
		printf(", kernel version %#x", o->kern_version);
	printf("\n\nsections:\n");
	for (i = 1; i < v->nsec; i++) {
		const char *role = section_role(o, v, i, buf, sizeof(buf));

		printf("  [%2zu] %-24s %-8s %8llu bytes%s%s%s\n", i, v->sec[i].name,
		       section_type(v->sec[i].type), (unsigned long long)v->sec[i].size,
		       v->sec[i].flags & SHF_EXECINSTR ? "  exec" : "", role[0] ? "  " : "", role);
	}
	printf("\nmaps:\n");
	for (i = 0; i < o->nmaps; i++) {
		const struct bo_map *m = &o->maps[i];

		printf("  %-16s %-14s key %u value %u max_entries %u flags %#x", m->name,
		       bpf_map_type_name(m->type), m->key_size, m->value_size,
		       m->max_entries, m->flags);
		if (m->numa_node)
			printf(" numa_node %u", m->numa_node);
		printf(", %s", origin_name(m->origin));
		if (m->origin == BO_MAP_LEGACY)
			printf(" (%u-byte definition)", m->def_size);
		else if (m->origin == BO_MAP_DATA)
			printf(" (section %s%s)", v->sec[m->sec].name, m->init ? "" : ", zeroes");
		printf("%s%s", m->pinning ? ", pinned by name" : "",
		       m->frozen ? ", read-only (frozen)" : "");
		if (m->tmpl)
			printf(", template of the inner maps (not pinned)");
		if (m->inner >= 0)
			printf(", holds maps like '%s'", o->maps[m->inner].name);
		for (k = 0; k < m->nslots; k++)
			printf(", [%u] = '%s'", m->slots[k].key, o->maps[m->slots[k].map].name);
		if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->max_entries)
			printf(", one entry per possible CPU");
		printf("\n");
	}
	if (o->maps_layout)
		printf("legacy map layout: %s%s%s\n", o->maps_layout, o->maps_why[0] ? ": " : "",
		       o->maps_why);
	printf("\nprograms:\n");
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];

		printf("  %s: section '%s', %s, %zu instructions", p->name, p->section,
		       bpf_prog_type_name(p->type), p->insn_cnt);
		if (p->nsubprogs)
			printf(" (%zu own + %zu subprogram%s)", p->main_cnt, p->nsubprogs,
			       p->nsubprogs > 1 ? "s" : "");
		if (p->expected_attach_type)
			printf(", loads as %s", bpf_attach_type_name(p->expected_attach_type));
		if (p->attach_type != ~0u) {
			const struct bo_attach_def *d = bo_attach_by_type(p->attach_type);

			if (d)
				printf(", attaches as %s to a %s", d->name,
				       d->to == BO_ATTACH_MAP ? "sockmap/sockhash" : "cgroup");
			else
				printf(", attaches as %s", bpf_attach_type_name(p->attach_type));
		}
		printf("\n");
		for (k = 0; k < p->nrelocs; k++) {
			const struct bo_reloc *r = &p->relocs[k];

			if (r->kind == BO_RELOC_MAP_FD)
				printf("    insn %u: map '%s'\n", r->insn, o->maps[r->map].name);
			else
				printf("    insn %u: address in map '%s' + %u\n", r->insn,
				       o->maps[r->map].name, r->off);
		}
		sa_inspect_core(o, p, 0);
		if (dis)
			disasm(o, p);
	}
}

static void inspect_json(const struct bo_object *o, const struct elf_view *v)
{
	char buf[64];
	size_t i, k;

	printf("{\"file\":");
	sa_json_str(stdout, o->name);
	printf(",\"reader\":\"%s\",\"license\":", o->reader);
	sa_json_str(stdout, o->license);
	printf(",\"kern_version\":%u,\"sections\":[", o->kern_version);
	for (i = 1; i < v->nsec; i++) {
		printf("%s{\"index\":%zu,\"name\":", i > 1 ? "," : "", i);
		sa_json_str(stdout, v->sec[i].name);
		printf(",\"type\":\"%s\",\"size\":%llu,\"exec\":%s,\"role\":", section_type(v->sec[i].type),
		       (unsigned long long)v->sec[i].size,
		       v->sec[i].flags & SHF_EXECINSTR ? "true" : "false");
		sa_json_str(stdout, section_role(o, v, i, buf, sizeof(buf)));
		printf("}");
	}
	printf("],\"maps\":[");
	for (i = 0; i < o->nmaps; i++) {
		const struct bo_map *m = &o->maps[i];

		printf("%s{\"name\":", i ? "," : "");
		sa_json_str(stdout, m->name);
		printf(",\"section\":");
		sa_json_str(stdout, v->sec[m->sec].name);
		printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
		       "\"flags\":%u,\"numa_node\":%u,\"origin\":\"%s\",\"def_size\":%u,"
		       "\"pinning\":\"%s\",\"frozen\":%s",
		       bpf_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
		       m->flags, m->numa_node, origin_name(m->origin), m->def_size,
		       m->pinning ? "by_name" : "none", m->frozen ? "true" : "false");
		if (m->inner >= 0) {
			printf(",\"inner\":");
			sa_json_str(stdout, o->maps[m->inner].name);
		}
		if (m->tmpl)
			printf(",\"template\":true");
		for (k = 0; k < m->nslots; k++) {
			printf("%s{\"key\":%u,\"map\":", k ? "," : ",\"values\":[", m->slots[k].key);
			sa_json_str(stdout, o->maps[m->slots[k].map].name);
			printf("}%s", k + 1 == m->nslots ? "]" : "");
		}
		putchar('}');
	}
	printf("]");
	if (o->maps_layout) {
		printf(",\"legacy_layout\":");
		sa_json_str(stdout, o->maps_layout);
		printf(",\"legacy_layout_why\":");
		sa_json_str(stdout, o->maps_why);
	}
	printf(",\"programs\":[");
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];

		printf("%s{\"name\":", i ? "," : "");
		sa_json_str(stdout, p->name);
		printf(",\"section\":");
		sa_json_str(stdout, p->section);
		printf(",\"type\":\"%s\",\"expected_attach_type\":", bpf_prog_type_name(p->type));
		if (p->expected_attach_type)
			printf("\"%s\"", bpf_attach_type_name(p->expected_attach_type));
		else
			printf("null");
		printf(",\"attach_type\":");
		if (p->attach_type == ~0u)
			printf("null");
		else
			printf("\"%s\"", bpf_attach_type_name(p->attach_type));
		if (bo_attach_by_type(p->attach_type))
			printf(",\"attach\":\"%s\",\"attach_to\":\"%s\"",
			       bo_attach_by_type(p->attach_type)->name,
			       p->attach_to == BO_ATTACH_MAP ? "map" : "cgroup");
		printf(",\"insns\":%zu,\"main_insns\":%zu,\"subprograms\":%zu,\"relocations\":[",
		       p->insn_cnt, p->main_cnt, p->nsubprogs);
		for (k = 0; k < p->nrelocs; k++) {
			printf("%s{\"insn\":%u,\"map\":", k ? "," : "", p->relocs[k].insn);
			sa_json_str(stdout, o->maps[p->relocs[k].map].name);
			printf(",\"kind\":\"%s\",\"offset\":%u}",
			       p->relocs[k].kind == BO_RELOC_MAP_FD ? "map_fd" : "map_value",
			       p->relocs[k].off);
		}
		printf("]");
		sa_inspect_core(o, p, 1);
		printf("}");
	}
	printf("]}\n");
}

/* Read once, parse once: the section list comes from the same view. */
int cmd_inspect(struct sa_args *a)
{
	struct bo_object o;
	struct elf_view v;
	void *buf;
	size_t len;
	int err;

	if (sa_read_file(&a->ctx, a->argv[0], &buf, &len))
		return sa_report(a);
	err = elf_reader_default->read(&v, buf, len, a->argv[0]);
	if (err) {
		sa_failx(&a->ctx, err, "elf: %s: %s", a->argv[0], v.err);
		free(buf);
		return sa_report(a);
	}
	err = bo_object_parse_view(&o, &v, a->argv[0], a->type);
	o.reader = elf_reader_default->name;
	if (err) {
		sa_failx(&a->ctx, err, "elf: %s: %s", a->argv[0], o.err);
	} else {
		if (a->json)
			inspect_json(&o, &v);
		else
			inspect_text(&o, &v, a->disasm);
		bo_object_free(&o);
	}
	elf_view_free(&v);
	free(buf);
	return err ? sa_report(a) : 0;
}
