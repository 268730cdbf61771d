// SPDX-License-Identifier: GPL-2.0
/*
 * object.c: from the generic ELF view to programs, maps and relocations.
 *
 * Sections, by name:
 *   license          the program license (required)
 *   version          u32 kernel version (old kernel-samples style)
 *   maps             legacy map definitions, one per symbol
 *   .maps            BTF-defined maps (btf.c)
 *   .data .rodata* .bss and .data.* .bss.*
 *                    global data: one array map each, when referenced
 *   .text            subprograms, appended to the programs that call them
 *   any other SHF_EXECINSTR section: programs, typed by progtypes.c
 * Each STT_FUNC symbol in a program section is one program.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "uapi_compat.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1	/* ld_imm64 of an address (map, global data) */
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10	/* call to a function (LLVM 11 and later) */
#endif

#define INSN_SZ sizeof(struct bpf_insn)
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct parse {
	struct bpf_object *o;
	const struct elf_view *v;
	uint32_t maps_sec, btf_maps_sec, text_sec;
	int *data_map;		/* per section: its data map index, or -1 */
	const char *type_override;
};

int bo_fail(struct bpf_object *o, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err, sizeof(o->err), fmt, ap);
	va_end(ap);
	return err;
}

/*
 * A crafted object of a few MiB can make the loops below quadratic (40,000
 * programs x 40,000 relocations, checked pairwise for names, took 8 s; 64
 * MiB would take hours of root's CPU).  Real objects need thousands of
 * steps; 2^28 steps take a second or two.  Instructions count 8 steps each,
 * which also bounds the memory of subprograms copied into every program.
 */
#define BO_MAX_WORK (1ull << 28)

int bo_charge(struct bpf_object *o, uint64_t n)
{
	o->work += n;
	if (o->work > BO_MAX_WORK)
		return bo_fail(o, -E2BIG, "too many programs, maps, relocations or instructions to check");
	return 0;
}

struct bo_map *bo_add_map(struct bpf_object *o)
{
	struct bo_map *m = realloc(o->maps, (o->nmaps + 1) * sizeof(*m));

	if (!m)
		return NULL;
	o->maps = m;
	m = &o->maps[o->nmaps++];
	memset(m, 0, sizeof(*m));
	return m;
}

/*
 * A name becomes a pin path component and a kernel object name: it must be
 * a plain file name.
 */
int bo_check_name(struct bpf_object *o, const char *what, const char *name)
{
	const char *p;

	/* No '/', and no control character: a name is also printed. */
	for (p = name; *p; p++)
		if ((unsigned char)*p < ' ' || *p == '/' || *p == 0x7f)
			break;
	if (!name[0] || *p || !strcmp(name, ".") || !strcmp(name, ".."))
		return bo_fail(o, -EINVAL, "%s name '%s' cannot be a file name", what, name);
	if (strlen(name) >= BO_NAME_MAX)
		return bo_fail(o, -ENAMETOOLONG, "%s name '%.40s...' is longer than %d bytes",
			       what, name, BO_NAME_MAX - 1);
	return 0;
}

/* ---- map definitions ---- */

/* Map types that take no key, no value, or no max_entries. */
static int keyless(uint32_t t)
{
	return t == BPF_MAP_TYPE_QUEUE || t == BPF_MAP_TYPE_STACK ||
	       t == BPF_MAP_TYPE_RINGBUF || t == BPF_MAP_TYPE_USER_RINGBUF ||
	       t == BPF_MAP_TYPE_BLOOM_FILTER;
}

static int valueless(uint32_t t)
{
	return t == BPF_MAP_TYPE_RINGBUF || t == BPF_MAP_TYPE_USER_RINGBUF;
}

static int sizeless(uint32_t t)
{
	return t == BPF_MAP_TYPE_SK_STORAGE || t == BPF_MAP_TYPE_INODE_STORAGE ||
	       t == BPF_MAP_TYPE_TASK_STORAGE || t == BPF_MAP_TYPE_CGROUP_STORAGE ||
	       t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE ||
	       t == SA_MAP_TYPE_CGRP_STORAGE;
}

/*
 * Limits that catch a corrupt definition before the kernel is asked to
 * allocate for it.  Keys live on the BPF stack (512 bytes); 16 Mi entries
 * and 16 MiB values are beyond any sane map and far below what overflows.
 */
#define MAX_KEY_SIZE	512
#define MAX_VALUE_SIZE	(16u << 20)
#define MAX_ENTRIES	(16u << 20)
#define MAX_RINGBUF	(1u << 30)

int bo_check_map(struct bpf_object *o, const struct bo_map *m)
{
	uint32_t t = m->type;

	if (t == BPF_MAP_TYPE_UNSPEC || t > SA_MAP_TYPE_LAST)
		return bo_fail(o, -EINVAL, "map '%s': unknown map type %u", m->name, t);
	if (m->key_size == 0 && !keyless(t))
		return bo_fail(o, -EINVAL, "map '%s': key_size is 0", m->name);
	if (m->key_size > MAX_KEY_SIZE)
		return bo_fail(o, -E2BIG, "map '%s': key_size %u is larger than %u",
			       m->name, m->key_size, MAX_KEY_SIZE);
	if (m->value_size == 0 && !valueless(t))
		return bo_fail(o, -EINVAL, "map '%s': value_size is 0", m->name);
	if (m->value_size > MAX_VALUE_SIZE)
		return bo_fail(o, -E2BIG, "map '%s': value_size %u is larger than %u",
			       m->name, m->value_size, MAX_VALUE_SIZE);
	if (m->max_entries == 0 && !sizeless(t))
		return bo_fail(o, -EINVAL, "map '%s': max_entries is 0", m->name);
	if (m->max_entries > (t == BPF_MAP_TYPE_RINGBUF ? MAX_RINGBUF : MAX_ENTRIES))
		return bo_fail(o, -E2BIG, "map '%s': max_entries %u is too large",
			       m->name, m->max_entries);
	return 0;
}

static uint32_t u32_at(const uint8_t *p, size_t i)
{
	uint32_t x;

	memcpy(&x, p + 4 * i, 4);
	return x;
}

static int cmp_sym_value(const void *a, const void *b)
{
	const struct ev_symbol *x = *(const struct ev_symbol *const *)a;
	const struct ev_symbol *y = *(const struct ev_symbol *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* Symbols that define something in section sec (not the section symbol). */
static size_t symbols_in(const struct elf_view *v, uint32_t sec, int want_type,
			 const struct ev_symbol **out)
{
	size_t i, n = 0;

	for (i = 1; i < v->nsym; i++) {
		const struct ev_symbol *s = &v->sym[i];

		if (s->shndx != sec || s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (want_type >= 0 && s->type != want_type)
			continue;
		if (!s->name[0])
			continue;
		if (out)
			out[n] = s;
		n++;
	}
	return n;
}

/*
 * The legacy "maps" section: an array of definitions whose size the
 * compiler wrote into each symbol.  20 bytes is struct bpf_map_def, 28 the
 * samples/bpf one with inner_map_idx and numa_node, 36 iproute2's struct
 * bpf_elf_map (id, pinning, inner_id, inner_idx).  Anything longer must
 * have zeroes past the fields we know, as libbpf demands.
 */
static int parse_legacy_maps(struct parse *ps)
{
	struct bpf_object *o = ps->o;
	const struct ev_section *s = &ps->v->sec[ps->maps_sec];
	const struct ev_symbol **syms;
	size_t n, i, j;
	uint64_t entsize;
	int err = 0;

	n = symbols_in(ps->v, ps->maps_sec, -1, NULL);
	if (n == 0)
		return bo_fail(o, -EINVAL, "section 'maps': no map symbols");
	if (s->type == SHT_NOBITS || !s->data)
		return bo_fail(o, -EINVAL, "section 'maps': no data");
	syms = calloc(n, sizeof(*syms));
	if (!syms)
		return bo_fail(o, -ENOMEM, "out of memory");
	symbols_in(ps->v, ps->maps_sec, -1, syms);
	ev_sort(syms, n, sizeof(*syms), cmp_sym_value);

	entsize = syms[0]->size ? syms[0]->size : s->size / n;
	for (i = 0; i < n; i++) {
		if (syms[i]->size && syms[i]->size != entsize) {
			err = bo_fail(o, -EINVAL,
				      "section 'maps': map symbols of different sizes ('%s' %llu, '%s' %llu)",
				      syms[0]->name, (unsigned long long)entsize,
				      syms[i]->name, (unsigned long long)syms[i]->size);
			goto out;
		}
	}
	if (entsize < 20 || entsize > 256) {
		err = bo_fail(o, -EINVAL,
			      "section 'maps': map definition of %llu bytes (struct bpf_map_def has 20)",
			      (unsigned long long)entsize);
		goto out;
	}
	if (s->size % entsize) {
		err = bo_fail(o, -EINVAL,
			      "section 'maps': size %llu is not a multiple of the map definition size %llu",
			      (unsigned long long)s->size, (unsigned long long)entsize);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct ev_symbol *sym = syms[i];
		const uint8_t *d;
		struct bo_map *m;

		if (sym->value % entsize || !ev_in_bounds(sym->value, entsize, s->size)) {
			err = bo_fail(o, -EINVAL,
				      "section 'maps': map '%s' at offset %llu is not a whole definition",
				      sym->name, (unsigned long long)sym->value);
			goto out;
		}
		if (i > 0 && sym->value == syms[i - 1]->value) {
			err = bo_fail(o, -EINVAL, "section 'maps': maps '%s' and '%s' share one definition",
				      syms[i - 1]->name, sym->name);
			goto out;
		}
		err = bo_check_name(o, "map", sym->name);
		if (err)
			goto out;
		d = s->data + sym->value;
		m = bo_add_map(o);
		if (!m) {
			err = bo_fail(o, -ENOMEM, "out of memory");
			goto out;
		}
		snprintf(m->name, sizeof(m->name), "%s", sym->name);
		m->origin = BO_MAP_LEGACY;
		m->def_size = (uint32_t)entsize;
		m->sec = ps->maps_sec;
		m->off = sym->value;
		m->type = u32_at(d, 0);
		m->key_size = u32_at(d, 1);
		m->value_size = u32_at(d, 2);
		m->max_entries = u32_at(d, 3);
		m->flags = u32_at(d, 4);
		j = 5;
		if (entsize == 28) {		/* inner_map_idx, numa_node */
			if (u32_at(d, 5)) {
				err = bo_fail(o, -EOPNOTSUPP,
					      "map '%s': map-in-map (inner_map_idx) is not supported",
					      m->name);
				goto out;
			}
			m->numa_node = u32_at(d, 6);
			j = 7;
		} else if (entsize >= 36) {	/* struct bpf_elf_map */
			uint32_t pin = u32_at(d, 6);

			if (pin > 2) {
				err = bo_fail(o, -EINVAL, "map '%s': unknown pinning %u",
					      m->name, pin);
				goto out;
			}
			m->pinning = pin ? BO_PIN_BY_NAME : BO_PIN_NONE;
			if (u32_at(d, 7) || u32_at(d, 8)) {
				err = bo_fail(o, -EOPNOTSUPP,
					      "map '%s': map-in-map (inner_id/inner_idx) is not supported",
					      m->name);
				goto out;
			}
			j = 9;	/* id (5) is iproute2's own label, not used */
		}
		for (; j < entsize / 4; j++) {
			if (u32_at(d, j)) {
				err = bo_fail(o, -EINVAL,
					      "map '%s': unknown non-zero field at byte %zu of its %llu-byte definition",
					      m->name, j * 4, (unsigned long long)entsize);
				goto out;
			}
		}
		err = bo_check_map(o, m);
		if (err)
			goto out;
	}
out:
	free(syms);
	return err;
}

static int is_data_section(const struct ev_section *s)
{
	static const char *const prefixes[] = { ".data", ".rodata", ".bss" };
	size_t i;

	if (!(s->flags & SHF_ALLOC) || (s->flags & SHF_EXECINSTR))
		return 0;
	for (i = 0; i < 3; i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(s->name, prefixes[i], n) &&
		    (s->name[n] == '\0' || s->name[n] == '.'))
			return 1;
	}
	return 0;
}

/*
 * A data map is named as libbpf names it: up to 8 bytes of the object's file
 * name, then the section ("btf_acce.rodata"), so that the data maps of two
 * objects pinned in one directory do not collide.  The kernel keeps the
 * first 15 bytes; a pin replaces the dots, which bpffs refuses.
 */
static void data_map_name(const char *obj, const char *sec, char *out)
{
	const char *base = strrchr(obj, '/');
	size_t i;

	base = base ? base + 1 : obj;
	for (i = 0; i < 8 && base[i] && base[i] != '.'; i++) {
		char c = base[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') ? c : '_';
	}
	snprintf(out + i, BO_NAME_MAX - i, "%s", sec);
}

/* The array map holding a data section; made when first referenced. */
static int data_map(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];
	struct bpf_object *o = ps->o;
	struct bo_map *m;
	int err;

	if (ps->data_map[sec] >= 0)
		return ps->data_map[sec];
	if (s->size == 0 || s->size > MAX_VALUE_SIZE)
		return bo_fail(o, -EINVAL, "section '%s': global data of %llu bytes",
			       s->name, (unsigned long long)s->size);
	err = bo_check_name(o, "section", s->name);
	if (err)
		return err;
	m = bo_add_map(o);
	if (!m)
		return bo_fail(o, -ENOMEM, "out of memory");
	data_map_name(o->name, s->name, m->name);
	m->origin = BO_MAP_DATA;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = (uint32_t)s->size;
	m->max_entries = 1;
	m->sec = sec;
	if (!strncmp(s->name, ".rodata", 7)) {
		/* Programs may not write it (Linux 5.2); frozen after init. */
		m->flags = BPF_F_RDONLY_PROG;
		m->frozen = 1;
	}
	if (s->type != SHT_NOBITS && s->data) {
		m->init = malloc(s->size);
		if (!m->init)
			return bo_fail(o, -ENOMEM, "out of memory");
		memcpy(m->init, s->data, s->size);
	}
	ps->data_map[sec] = (int)(o->nmaps - 1);
	return ps->data_map[sec];
}

/* ---- programs ---- */

/* A function's place in .text once appended to a program. */
struct subprog {
	uint64_t start, end;	/* byte range in .text */
	size_t pos;		/* its first instruction in the program */
};

struct build {
	struct parse *ps;
	struct bo_prog *p;
	size_t cap;
	struct subprog *subs;
	size_t nsubs;
};

static int add_reloc(struct build *b, uint32_t insn, uint32_t map,
		     uint32_t kind, uint32_t off)
{
	struct bo_prog *p = b->p;
	struct bo_reloc *r = realloc(p->relocs, (p->nrelocs + 1) * sizeof(*r));

	if (!r)
		return bo_fail(b->ps->o, -ENOMEM, "out of memory");
	p->relocs = r;
	r[p->nrelocs++] = (struct bo_reloc){ insn, map, kind, off };
	return 0;
}

static int append_insns(struct build *b, const uint8_t *src, size_t n)
{
	struct bo_prog *p = b->p;

	if (p->insn_cnt + n > BPF_MAXINSNS * 256)	/* 1M: the verifier's own limit */
		return bo_fail(b->ps->o, -E2BIG, "program '%s': too many instructions",
			       p->name);
	if (bo_charge(b->ps->o, 8 * (uint64_t)n))
		return -E2BIG;
	if (p->insn_cnt + n > b->cap) {
		size_t cap = (p->insn_cnt + n) * 2;
		struct bpf_insn *in = realloc(p->insns, cap * INSN_SZ);

		if (!in)
			return bo_fail(b->ps->o, -ENOMEM, "out of memory");
		p->insns = in;
		b->cap = cap;
	}
	memcpy(p->insns + p->insn_cnt, src, n * INSN_SZ);
	p->insn_cnt += n;
	return 0;
}

/* The STT_FUNC in .text that starts at byte off; append it if new. */
static int subprog_at(struct build *b, uint64_t off, size_t *pos)
{
	const struct elf_view *v = b->ps->v;
	const struct ev_section *text = &v->sec[b->ps->text_sec];
	struct subprog *s;
	size_t i;
	int err;

	if (bo_charge(b->ps->o, b->nsubs + v->nsym))
		return -E2BIG;
	for (i = 0; i < b->nsubs; i++) {
		if (b->subs[i].start == off) {
			*pos = b->subs[i].pos;
			return 0;
		}
	}
	for (i = 1; i < v->nsym; i++) {
		const struct ev_symbol *f = &v->sym[i];

		if (f->shndx != b->ps->text_sec || f->type != STT_FUNC || f->value != off)
			continue;
		/* !text->data: a .text of SHT_NOBITS has no bytes to copy. */
		if (!f->size || f->size % INSN_SZ || !text->data ||
		    !ev_in_bounds(f->value, f->size, text->size))
			return bo_fail(b->ps->o, -EINVAL,
				       "section '.text': function '%s' (offset %llu, size %llu) is not whole instructions inside the section",
				       f->name, (unsigned long long)f->value,
				       (unsigned long long)f->size);
		s = realloc(b->subs, (b->nsubs + 1) * sizeof(*s));
		if (!s)
			return bo_fail(b->ps->o, -ENOMEM, "out of memory");
		b->subs = s;
		s = &b->subs[b->nsubs++];
		s->start = f->value;
		s->end = f->value + f->size;
		s->pos = b->p->insn_cnt;
		*pos = s->pos;
		err = append_insns(b, text->data + f->value, f->size / INSN_SZ);
		if (!err)
			b->p->nsubprogs++;
		return err;
	}
	return bo_fail(b->ps->o, -EINVAL,
		       "program '%s': call to .text offset %llu, where no function starts",
		       b->p->name, (unsigned long long)off);
}

static const struct ev_relsec *relocs_for(const struct elf_view *v, uint32_t sec)
{
	size_t i;

	for (i = 0; i < v->nrelsec; i++)
		if (v->relsec[i].target == sec)
			return &v->relsec[i];
	return NULL;
}

/*
 * One relocation of an ld_imm64: which map it names.  Legacy and BTF maps
 * are found by the offset of their symbol; global data becomes a pointer into
 * the data map's value at the symbol's offset plus the addend clang left in
 * the instruction's imm.
 */
static int reloc_ldimm64(struct build *b, size_t idx, const struct ev_symbol *sym,
			 const char *secname, size_t relno)
{
	struct parse *ps = b->ps;
	struct bpf_object *o = ps->o;
	struct bpf_insn *in = &b->p->insns[idx];
	uint64_t off;
	size_t i;
	int m;

	if (sym->shndx == SHN_UNDEF)
		return bo_fail(o, -EOPNOTSUPP,
			       "section '%s': relocation %zu against undefined symbol '%s' (extern and kconfig variables are not supported)",
			       secname, relno, sym->name);
	if (sym->shndx >= ps->v->nsec)
		return bo_fail(o, -EINVAL,
			       "section '%s': relocation %zu against '%s', which is not a map",
			       secname, relno, sym->name);
	if (sym->shndx == ps->maps_sec || (ps->btf_maps_sec && sym->shndx == ps->btf_maps_sec)) {
		off = sym->value + (sym->type == STT_SECTION ? (uint32_t)in->imm : 0);
		if (bo_charge(o, o->nmaps))
			return -E2BIG;
		for (i = 0; i < o->nmaps; i++) {
			if (o->maps[i].origin != BO_MAP_DATA &&
			    o->maps[i].sec == sym->shndx && o->maps[i].off == off)
				return add_reloc(b, (uint32_t)idx, (uint32_t)i,
						 BO_RELOC_MAP_FD, 0);
		}
		return bo_fail(o, -EINVAL,
			       "section '%s': relocation %zu against '%s' matches no map definition",
			       secname, relno, sym->name);
	}
	if (is_data_section(&ps->v->sec[sym->shndx])) {
		off = sym->value + (uint32_t)in->imm;
		if (off >= ps->v->sec[sym->shndx].size)
			return bo_fail(o, -EINVAL,
				       "section '%s': relocation %zu points %llu bytes into '%s', which has %llu",
				       secname, relno, (unsigned long long)off,
				       ps->v->sec[sym->shndx].name,
				       (unsigned long long)ps->v->sec[sym->shndx].size);
		m = data_map(ps, sym->shndx);
		if (m < 0)
			return m;
		return add_reloc(b, (uint32_t)idx, (uint32_t)m, BO_RELOC_MAP_VALUE,
				 (uint32_t)off);
	}
	if (sym->shndx == ps->text_sec)
		return bo_fail(o, -EOPNOTSUPP,
			       "section '%s': relocation %zu takes the address of function '%s' (callbacks are not supported)",
			       secname, relno, sym->name);
	return bo_fail(o, -EINVAL,
		       "section '%s': relocation %zu against '%s' in section '%s', which is not a map",
		       secname, relno, sym->name, ps->v->sec[sym->shndx].name);
}

/*
 * Relocations and calls of one stretch of instructions: bytes [start, end)
 * of section sec, copied to the program at insn index pos.
 */
static int link_range(struct build *b, uint32_t sec, uint64_t start,
		      uint64_t end, size_t pos)
{
	struct parse *ps = b->ps;
	struct bpf_object *o = ps->o;
	const struct ev_section *s = &ps->v->sec[sec];
	const struct ev_relsec *rs = relocs_for(ps->v, sec);
	size_t i, k, n = (end - start) / INSN_SZ;
	int err;

	if (bo_charge(o, ps->v->nrelsec + (rs ? rs->count : 0)))
		return -E2BIG;
	if (rs) {
		for (i = 0; i < rs->count; i++) {
			const struct ev_rel *r = &rs->rel[i];
			const struct ev_symbol *sym = &ps->v->sym[r->sym];
			size_t idx;
			struct bpf_insn *in;

			if (r->offset >= s->size)
				return bo_fail(o, -EINVAL,
					       "section '%s': relocation %zu at offset %llu is beyond the section (%llu bytes)",
					       s->name, i, (unsigned long long)r->offset,
					       (unsigned long long)s->size);
			if (r->offset % INSN_SZ)
				return bo_fail(o, -EINVAL,
					       "section '%s': relocation %zu at offset %llu is not on an instruction",
					       s->name, i, (unsigned long long)r->offset);
			if (r->offset < start || r->offset >= end)
				continue;
			idx = pos + (r->offset - start) / INSN_SZ;
			in = &b->p->insns[idx];
			if (r->type == R_BPF_64_64) {
				if (in->code != LD_IMM64 || r->offset + 2 * INSN_SZ > end)
					return bo_fail(o, -EINVAL,
						       "section '%s': relocation %zu at instruction %llu is not on an ld_imm64 (opcode 0x%02x)",
						       s->name, i,
						       (unsigned long long)(r->offset / INSN_SZ),
						       in->code);
				err = reloc_ldimm64(b, idx, sym, s->name, i);
			} else if (r->type == R_BPF_64_32) {
				size_t to;

				if (in->code != CALL || in->src_reg != BPF_PSEUDO_CALL)
					return bo_fail(o, -EINVAL,
						       "section '%s': relocation %zu at instruction %llu is not on a call (opcode 0x%02x)",
						       s->name, i,
						       (unsigned long long)(r->offset / INSN_SZ),
						       in->code);
				if (sym->shndx != ps->text_sec || !ps->text_sec)
					return bo_fail(o, -EINVAL,
						       "section '%s': relocation %zu: call to '%s', which is not a function in .text",
						       s->name, i, sym->name);
				/* target = symbol + (imm + 1) instructions (libbpf's rule) */
				/* in 64 bits: imm + 1 overflows an int at INT32_MAX (fuzzer) */
				err = subprog_at(b, sym->value + ((int64_t)in->imm + 1) * (int64_t)INSN_SZ, &to);
				in = &b->p->insns[idx];	/* append may move insns */
				if (!err)
					in->imm = (int32_t)((int64_t)to - (int64_t)idx - 1);
			} else {
				return bo_fail(o, -EINVAL,
					       "section '%s': relocation %zu of unknown type %u",
					       s->name, i, r->type);
			}
			if (err)
				return err;
		}
	}

	/* Calls without relocation: pc-relative inside .text (older LLVM). */
	for (k = 0; k < n; k++) {
		struct bpf_insn *in = &b->p->insns[pos + k];
		int has_rel = 0;
		size_t to;

		if (in->code != CALL || in->src_reg != BPF_PSEUDO_CALL)
			continue;
		if (bo_charge(o, rs ? rs->count : 0))
			return -E2BIG;
		for (i = 0; rs && i < rs->count; i++)
			has_rel |= rs->rel[i].offset == start + k * INSN_SZ;
		if (has_rel)
			continue;
		if (sec != ps->text_sec)
			return bo_fail(o, -EINVAL,
				       "section '%s': call at instruction %zu has no relocation (subprograms belong in .text)",
				       s->name, k);
		err = subprog_at(b, start + (int64_t)(k + 1 + in->imm) * (int64_t)INSN_SZ, &to);
		if (err)
			return err;
		in = &b->p->insns[pos + k];
		in->imm = (int32_t)((int64_t)to - (int64_t)(pos + k) - 1);
	}
	return 0;
}

static int build_prog(struct parse *ps, struct bo_prog *p, uint32_t sec,
		      uint64_t start, uint64_t end)
{
	const struct ev_section *s = &ps->v->sec[sec];
	struct build b = { .ps = ps, .p = p };
	size_t done = 0;
	int err;

	err = append_insns(&b, s->data + start, (end - start) / INSN_SZ);
	p->main_cnt = p->insn_cnt;
	if (!err)
		err = link_range(&b, sec, start, end, 0);
	/* Subprograms found while linking are linked in turn (they may call
	 * further ones); each is appended once per program. */
	while (!err && done < b.nsubs) {
		struct subprog sp = b.subs[done++];

		err = link_range(&b, ps->text_sec, sp.start, sp.end, sp.pos);
	}
	free(b.subs);
	return err;
}

static int set_prog_type(struct parse *ps, struct bo_prog *p)
{
	const struct bo_sec_def *d = bo_sec_def_find(p->section);

	if (!d && ps->type_override)
		d = bo_sec_def_find(ps->type_override);
	if (!d)
		return bo_fail(ps->o, -EINVAL,
			       "section '%s': unknown program type (name the type with --type)",
			       p->section);
	p->type = d->prog_type;
	p->expected_attach_type = d->expected_attach_type;
	p->attach_type = d->attach_type == BO_NO_ATTACH ? ~0u : d->attach_type;
	p->attach_to = d->attach_to;
	return 0;
}

static struct bo_prog *add_prog(struct bpf_object *o)
{
	struct bo_prog *p = realloc(o->progs, (o->nprogs + 1) * sizeof(*p));

	if (!p)
		return NULL;
	o->progs = p;
	p = &o->progs[o->nprogs++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int parse_prog_section(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];
	struct bpf_object *o = ps->o;
	const struct ev_symbol **fn = NULL;
	size_t n, i;
	int err = 0;

	if (s->size == 0 || !s->data)
		return bo_fail(o, -EINVAL, "section '%s': empty program section", s->name);
	if (bo_charge(o, 2 * (uint64_t)ps->v->nsym))
		return -E2BIG;
	if (s->size % INSN_SZ)
		return bo_fail(o, -EINVAL,
			       "section '%s': size %llu is not a multiple of 8 (instruction size)",
			       s->name, (unsigned long long)s->size);
	n = symbols_in(ps->v, sec, STT_FUNC, NULL);
	if (n) {
		fn = calloc(n, sizeof(*fn));
		if (!fn)
			return bo_fail(o, -ENOMEM, "out of memory");
		symbols_in(ps->v, sec, STT_FUNC, fn);
		ev_sort(fn, n, sizeof(*fn), cmp_sym_value);
	}
	for (i = 0; i < (n ? n : 1); i++) {
		uint64_t start = n ? fn[i]->value : 0;
		uint64_t end = n ? fn[i]->value + fn[i]->size : s->size;
		const char *name = n ? fn[i]->name : s->name;
		struct bo_prog *p;

		if (n && (!fn[i]->size || start % INSN_SZ || fn[i]->size % INSN_SZ ||
			  !ev_in_bounds(start, fn[i]->size, s->size) ||
			  (i > 0 && start < fn[i - 1]->value + fn[i - 1]->size))) {
			err = bo_fail(o, -EINVAL,
				      "section '%s': function '%s' (offset %llu, size %llu) is not whole instructions inside the section",
				      s->name, name, (unsigned long long)start,
				      (unsigned long long)fn[i]->size);
			break;
		}
		err = bo_check_name(o, "program", name);
		if (err)
			break;
		p = add_prog(o);
		if (!p) {
			err = bo_fail(o, -ENOMEM, "out of memory");
			break;
		}
		snprintf(p->name, sizeof(p->name), "%s", name);
		snprintf(p->section, sizeof(p->section), "%.*s", BO_NAME_MAX - 1, s->name);
		if (!n) /* no symbol: the section is the name ("sk_skb/x" -> "sk_skb_x") */
			for (char *c = p->name; *c; c++)
				if (*c == '/')
					*c = '_';
		err = set_prog_type(ps, p);
		if (!err)
			err = build_prog(ps, p, sec, start, end);
		if (err)
			break;
	}
	free(fn);
	return err;
}

/* ---- the whole object ---- */

static int parse_license(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];

	if (!s->data || !memchr(s->data, '\0', s->size))
		return bo_fail(ps->o, -EINVAL, "section 'license' is not a NUL-terminated string");
	if (strlen((const char *)s->data) >= sizeof(ps->o->license))
		return bo_fail(ps->o, -EINVAL, "section 'license' is longer than %zu bytes",
			       sizeof(ps->o->license) - 1);
	strcpy(ps->o->license, (const char *)s->data);
	return 0;
}

static int check_unique(struct bpf_object *o)
{
	size_t i, j;

	if (bo_charge(o, ((uint64_t)o->nmaps * o->nmaps + (uint64_t)o->nprogs * o->nprogs) / 2))
		return -E2BIG;
	for (i = 0; i < o->nmaps; i++)
		for (j = i + 1; j < o->nmaps; j++)
			if (!strcmp(o->maps[i].name, o->maps[j].name))
				return bo_fail(o, -EINVAL, "two maps named '%s'", o->maps[i].name);
	for (i = 0; i < o->nprogs; i++)
		for (j = i + 1; j < o->nprogs; j++)
			if (!strcmp(o->progs[i].name, o->progs[j].name))
				return bo_fail(o, -EINVAL, "two programs named '%s'",
					       o->progs[i].name);
	return 0;
}

static int parse_view(struct parse *ps)
{
	const struct elf_view *v = ps->v;
	struct bpf_object *o = ps->o;
	uint32_t i, license = 0, btf = 0;
	int err = 0;

	for (i = 1; i < v->nsec; i++) {
		const char *n = v->sec[i].name;

		if (!strcmp(n, "license"))
			license = i;
		else if (!strcmp(n, "version")) {
			if (v->sec[i].size != 4 || !v->sec[i].data)
				return bo_fail(o, -EINVAL, "section 'version' is not 4 bytes");
			o->kern_version = u32_at(v->sec[i].data, 0);
		} else if (!strcmp(n, "maps"))
			ps->maps_sec = i;
		else if (!strcmp(n, ".maps"))
			ps->btf_maps_sec = i;
		else if (!strcmp(n, ".BTF"))
			btf = i;
		else if (!strcmp(n, ".text") && (v->sec[i].flags & SHF_EXECINSTR))
			ps->text_sec = i;
	}
	if (!license)
		return bo_fail(o, -EINVAL,
			       "no 'license' section (the kernel needs one: char _license[] SEC(\"license\") = \"GPL\";)");
	err = parse_license(ps, license);
	if (!err && ps->maps_sec)
		err = parse_legacy_maps(ps);
	if (!err && ps->btf_maps_sec) {
		if (!btf || !v->sec[btf].data)
			return bo_fail(o, -EINVAL,
				       "section '.maps' needs the .BTF section that describes it (compile with -g)");
		err = bo_btf_maps(o, v, ps->btf_maps_sec, v->sec[btf].data, v->sec[btf].size);
	}
	for (i = 1; !err && i < v->nsec; i++) {
		const struct ev_section *s = &v->sec[i];

		if ((s->flags & SHF_EXECINSTR) && i != ps->text_sec)
			err = parse_prog_section(ps, i);
	}
	if (err)
		return err;
	if (o->nprogs == 0)
		return bo_fail(o, -ENOENT, "no programs (no executable section besides .text)");
	return check_unique(o);
}

int bpf_object_parse(struct bpf_object *o, const struct elf_reader *r,
		     const void *buf, size_t len, const char *name,
		     const char *prog_type_override)
{
	struct elf_view v;
	struct parse ps = { .o = o, .v = &v, .type_override = prog_type_override };
	uint32_t i;
	int err;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->reader = r->name;
	if (prog_type_override && !bo_sec_def_find(prog_type_override))
		return bo_fail(o, -EINVAL, "unknown program type '%s'", prog_type_override);
	err = r->read(&v, buf, len, name);
	if (err) {
		snprintf(o->err, sizeof(o->err), "%s", v.err);
		return err;
	}
	ps.data_map = malloc(v.nsec * sizeof(int));
	if (!ps.data_map) {
		err = bo_fail(o, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < v.nsec; i++)
		ps.data_map[i] = -1;
	err = parse_view(&ps);
out:
	free(ps.data_map);
	elf_view_free(&v);
	if (err) {
		char keep[sizeof(o->err)];

		memcpy(keep, o->err, sizeof(keep));
		bpf_object_free(o);
		memcpy(o->err, keep, sizeof(keep));
	}
	return err;
}

void bpf_object_free(struct bpf_object *o)
{
	size_t i;

	for (i = 0; i < o->nprogs; i++) {
		free(o->progs[i].insns);
		free(o->progs[i].relocs);
	}
	for (i = 0; i < o->nmaps; i++)
		free(o->maps[i].init);
	free(o->progs);
	free(o->maps);
	o->progs = NULL;
	o->maps = NULL;
	o->nprogs = o->nmaps = 0;
}

int bo_find_map(const struct bpf_object *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nmaps; i++)
		if (!strcmp(o->maps[i].name, name))
			return (int)i;
	return -ENOENT;
}

int bo_find_prog(const struct bpf_object *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nprogs; i++)
		if (!strcmp(o->progs[i].name, name))
			return (int)i;
	return -ENOENT;
}

void bo_relocate(const struct bpf_object *o, const struct bo_prog *p,
		 const int *map_fds, struct bpf_insn *out)
{
	size_t i;

	(void)o;
	memcpy(out, p->insns, p->insn_cnt * INSN_SZ);
	for (i = 0; i < p->nrelocs; i++) {
		const struct bo_reloc *r = &p->relocs[i];
		struct bpf_insn *in = &out[r->insn];

		/* The kernel swaps the fd for the map (and the offset for an
		 * address inside its value) when it loads the program. */
		in[0].imm = map_fds[r->map];
		if (r->kind == BO_RELOC_MAP_VALUE) {
			in[0].src_reg = BPF_PSEUDO_MAP_VALUE;
			in[1].imm = (int32_t)r->off;
		} else {
			in[0].src_reg = BPF_PSEUDO_MAP_FD;
			in[1].imm = 0;
		}
	}
}
