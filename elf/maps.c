// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c: map definitions that are not BTF: the legacy "maps" section in
 * its layouts, global data sections as array maps, and the checks every
 * definition passes whatever its origin.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "uapi_compat.h"

/* ---- map definitions ---- */

static int map_of_maps(uint32_t t)
{
	return t == BPF_MAP_TYPE_ARRAY_OF_MAPS || t == BPF_MAP_TYPE_HASH_OF_MAPS;
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

/* Map types (a bit each: all are below 64) that take no key, no value, or
 * no max_entries.  A perf event array without max_entries: one per
 * possible CPU, counted when it is created (libbpf does the same). */
#define T(x) (1ull << BPF_MAP_TYPE_##x)
#define KEYLESS (T(QUEUE) | T(STACK) | T(RINGBUF) | T(USER_RINGBUF) | T(BLOOM_FILTER))
#define VALUELESS (T(RINGBUF) | T(USER_RINGBUF))
#define SIZELESS (T(SK_STORAGE) | T(INODE_STORAGE) | T(TASK_STORAGE) | T(CGROUP_STORAGE) | \
		  T(PERCPU_CGROUP_STORAGE) | (1ull << SA_MAP_TYPE_CGRP_STORAGE) | T(PERF_EVENT_ARRAY))
_Static_assert(SA_MAP_TYPE_LAST < 64, "map types are bits of a u64");
_Static_assert(offsetof(struct bo_map, max_entries) == offsetof(struct bo_map, key_size) + 8,
	       "key_size, value_size, max_entries follow each other");

int bo_check_map(struct bo_object *o, const struct bo_map *m)
{
	/* key_size, value_size, max_entries: the types where each may be 0,
	 * and its limit. */
	static const uint64_t zero_ok[3] = { KEYLESS, VALUELESS, SIZELESS };
	static const uint32_t limit[3] = { MAX_KEY_SIZE, MAX_VALUE_SIZE, MAX_ENTRIES };
	uint32_t t = m->type, k, val[3];
	const char *f = BO_SIZE_FIELD_NAMES;

	/* key_size and the two words after it */
	memcpy(val, (const uint8_t *)m + offsetof(struct bo_map, key_size), sizeof(val));
	if (t == BPF_MAP_TYPE_UNSPEC || t > SA_MAP_TYPE_LAST)
		return bo_failn(o, -EINVAL, "map", m->name, "unknown map type %u", t);
	for (k = 0; k < 3; k++, f += strlen(f) + 1) {
		uint32_t max = k == 2 && t == BPF_MAP_TYPE_RINGBUF ? MAX_RINGBUF : limit[k];

		if (!val[k] && !((zero_ok[k] >> t) & 1))
			return bo_failn(o, -EINVAL, "map", m->name, "%s is 0", f);
		if (val[k] > max)
			return bo_failn(o, -E2BIG, "map", m->name, "%s %u is larger than %u", f,
					val[k], max);
	}
	if (map_of_maps(t) && (m->inner < 0 || m->value_size != 4))
		return bo_failn(o, -EINVAL, "map", m->name,
			       "a map of maps needs an inner map and 4-byte values");
	if (m->inner >= 0 && map_of_maps(o->maps[m->inner].type))
		return bo_failn(o, -EOPNOTSUPP, "map", m->name, "its inner map '%s' holds maps itself", o->maps[m->inner].name);
	return 0;
}

/*
 * The legacy "maps" section: an array of definitions whose size the
 * compiler wrote into each symbol.  The layouts, by size (u32 fields):
 *   20  struct bpf_map_def of libbpf 0.x and early samples: type, key_size,
 *       value_size, max_entries, map_flags
 *   28  samples/bpf's bpf_map_def: ..., inner_map_idx, numa_node
 *   28  iproute2's old struct bpf_elf_map: ..., id, pinning
 *   36  iproute2's struct bpf_elf_map: ..., id, pinning, inner_id, inner_idx
 * Anything longer must have zeroes past the fields we know, as libbpf demands.
 *
 * The two 28-byte layouts differ in what fields 5 and 6 mean; the file does
 * not say which it is.  The rule: samples/bpf's, unless a definition cannot
 * be one of those, which is when
 *   - field 6 is not 0 while map_flags lacks BPF_F_NUMA_NODE (the kernel reads
 *     numa_node only with that flag, so the number is iproute2's pinning), or
 *   - field 5 is not 0 in a map that holds no maps (an inner_map_idx means
 *     nothing there, so it is iproute2's id).
 * inspect prints the layout chosen and the reason.
 */
enum layout { L_DEF, L_SAMPLES, L_IPROUTE_OLD, L_IPROUTE };

#ifndef SOCKACCEL_NO_INSPECT
static const char *const layout_names[] = {
	"bpf_map_def (20 bytes)",
	"samples/bpf bpf_map_def (28 bytes: inner_map_idx, numa_node)",
	"iproute2 bpf_elf_map, old (28 bytes: id, pinning)",
	"iproute2 bpf_elf_map (36 bytes)",
};
#endif

/* The map symbols of "maps" in offset order, all of one size (*entsize). */
static int legacy_syms(struct parse *ps, const struct ev_symbol ***out, size_t *n,
		       uint64_t *entsize)
{
	struct bo_object *o = ps->o;
	const struct ev_section *s = &ps->v->sec[ps->maps_sec];
	const struct ev_symbol **syms;
	size_t i;

	*n = bo_symbols_in(ps->v, ps->maps_sec, -1, NULL);
	if (*n == 0)
		return bo_failn(o, -EINVAL, "section", "maps", "no map symbols");
	if (s->type == SHT_NOBITS || !s->data)
		return bo_failn(o, -EINVAL, "section", "maps", "no data");
	syms = *out = calloc(*n, sizeof(*syms));
	if (!syms)
		return bo_oom(o);
	bo_symbols_in(ps->v, ps->maps_sec, -1, syms);
	ev_sort(syms, *n, sizeof(*syms), bo_cmp_sym_value);

	*entsize = syms[0]->size ? syms[0]->size : s->size / *n;
	for (i = 0; i < *n; i++)
		if (syms[i]->size && syms[i]->size != *entsize)
			return bo_failn(o, -EINVAL, "section", "maps",
				       "map symbols of different sizes ('%s' %llu, '%s' %llu)",
				       syms[0]->name, (unsigned long long)*entsize,
				       syms[i]->name, (unsigned long long)syms[i]->size);
	if (*entsize < 20 || *entsize > 256)
		return bo_failn(o, -EINVAL, "section", "maps",
			       "map definition of %llu bytes (struct bpf_map_def has 20)",
			       (unsigned long long)*entsize);
	if (s->size % *entsize)
		return bo_failn(o, -EINVAL, "section", "maps",
			       "size %llu is not a multiple of the map definition size %llu",
			       (unsigned long long)s->size, (unsigned long long)*entsize);
	for (i = 0; i < *n; i++) {
		if (syms[i]->value % *entsize || !ev_in_bounds(syms[i]->value, *entsize, s->size))
			return bo_failn(o, -EINVAL, "section", "maps",
				       "map '%s' at offset %llu is not a whole definition",
				       syms[i]->name, (unsigned long long)syms[i]->value);
		if (i > 0 && syms[i]->value == syms[i - 1]->value)
			return bo_failn(o, -EINVAL, "section", "maps", "maps '%s' and '%s' share one definition",
				       syms[i - 1]->name, syms[i]->name);
	}
	return 0;
}

/*
 * Which layout, by the rule above; the reason into o->maps_why.  Only
 * inspect prints the reason: the static build, which has no inspect, keeps
 * the rule and leaves the words out (SOCKACCEL_NO_INSPECT).
 */
#ifdef SOCKACCEL_NO_INSPECT
#define WHY(o, ...) ((void)(o))
#else
#define WHY(o, ...) snprintf((o)->maps_why, sizeof((o)->maps_why), __VA_ARGS__)
#endif

static enum layout legacy_layout(struct parse *ps, const struct ev_symbol **syms, size_t n,
				 uint64_t entsize)
{
	struct bo_object *o = ps->o;
	const uint8_t *data = ps->v->sec[ps->maps_sec].data;
	size_t i;

	if (entsize < 28)
		return L_DEF;
	if (entsize >= 36)
		return L_IPROUTE;
	for (i = 0; i < n; i++) {
		const uint8_t *d = data + syms[i]->value;

		if (bo_u32_at(d, 6) && !(bo_u32_at(d, 4) & BPF_F_NUMA_NODE)) {
			WHY(o, "map '%.40s': field 6 is %u without BPF_F_NUMA_NODE: a pinning",
			    syms[i]->name, bo_u32_at(d, 6));
			return L_IPROUTE_OLD;
		}
		if (bo_u32_at(d, 5) && !map_of_maps(bo_u32_at(d, 0))) {
			WHY(o, "map '%.40s': field 5 is %u in a map that holds no maps: an id",
			    syms[i]->name, bo_u32_at(d, 5));
			return L_IPROUTE_OLD;
		}
	}
	WHY(o, "fields 5 and 6 fit inner_map_idx and numa_node");
	return L_SAMPLES;
}

/* Where each u32 of a definition goes in struct bo_map, by layout (0 ends;
 * iproute2's pinning is read raw and checked below). */
#define F(f) offsetof(struct bo_map, f)
static const uint8_t layout_fields[][9] = {
	[L_DEF] = { F(type), F(key_size), F(value_size), F(max_entries), F(flags) },
	[L_SAMPLES] = { F(type), F(key_size), F(value_size), F(max_entries), F(flags),
			F(inner_idx), F(numa_node) },	/* inner_idx: legacy_inner() */
	[L_IPROUTE_OLD] = { F(type), F(key_size), F(value_size), F(max_entries), F(flags),
			    F(id), F(pinning) },
	[L_IPROUTE] = { F(type), F(key_size), F(value_size), F(max_entries), F(flags),
			F(id), F(pinning), F(inner_id), F(inner_idx) },
};
#undef F

/* One definition at d, in layout l. */
static int legacy_map(struct parse *ps, const struct ev_symbol *sym, const uint8_t *d,
		      enum layout l, uint64_t entsize)
{
	struct bo_object *o = ps->o;
	struct bo_map *m;
	uint32_t pin;
	size_t j;
	int err;

	err = bo_check_name(o, "map", sym->name);
	if (err)
		return err;
	m = bo_add_map(o);
	if (!m)
		return -ENOMEM;
	strcpy(m->name, sym->name);	/* bo_check_name: it fits */
	m->origin = BO_MAP_LEGACY;
	m->def_size = (uint32_t)entsize;
	m->sec = ps->maps_sec;
	m->off = sym->value;
	for (j = 0; j < 9 && layout_fields[l][j]; j++)
		memcpy((uint8_t *)m + layout_fields[l][j], d + 4 * j, 4);
	/* iproute2: PIN_NONE 0, PIN_OBJECT_NS 1, PIN_GLOBAL_NS 2 */
	pin = (uint32_t)m->pinning;
	if (pin > 2)
		return bo_failn(o, -EINVAL, "map", m->name, "unknown pinning %u", pin);
	m->pinning = pin ? BO_PIN_BY_NAME : BO_PIN_NONE;
	for (; j < entsize / 4; j++)
		if (bo_u32_at(d, j))
			return bo_failn(o, -EINVAL, "map", m->name,
				       "unknown non-zero field at byte %zu of its %llu-byte definition", j * 4, (unsigned long long)entsize);
	return 0;
}

/*
 * Maps of maps and their inner maps, maps [first, o->nmaps):
 *   samples/bpf: the outer map's inner_map_idx is the inner map's number
 *     in the section (it starts empty);
 *   iproute2: the outer map's inner_id is the inner map's id, and every map
 *     with that id goes into the outer map at its own inner_idx.
 */
static int legacy_inner(struct bo_object *o, size_t first, enum layout l)
{
	size_t i, k, n = o->nmaps - first;

	if (bo_charge(o, (uint64_t)n * n))
		return -E2BIG;
	for (i = first; i < o->nmaps; i++) {
		struct bo_map *m = &o->maps[i];

		if (l == L_SAMPLES && map_of_maps(m->type)) {
			if (m->inner_idx >= n || first + m->inner_idx == i)
				return bo_failn(o, -EINVAL, "map", m->name,
					       "inner_map_idx %u names no other map", m->inner_idx);
			m->inner = (int)(first + m->inner_idx);
		}
		if (l != L_IPROUTE || !m->inner_id || !map_of_maps(m->type))
			continue;
		for (k = first; k < o->nmaps; k++) {
			struct bo_slot *sl;

			if (k == i || o->maps[k].id != m->inner_id)
				continue;
			m->inner = (int)k;
			sl = bo_push(o, &m->slots, &m->nslots, sizeof(*sl));
			if (!sl)
				return -ENOMEM;
			*sl = (struct bo_slot){ o->maps[k].inner_idx, (uint32_t)k };
		}
		if (m->inner < 0)
			return bo_failn(o, -EINVAL, "map", m->name, "inner_id %u names no map of the section", m->inner_id);
	}
	return 0;
}

int bo_legacy_maps(struct parse *ps)
{
	struct bo_object *o = ps->o;
	const struct ev_symbol **syms = NULL;
	size_t n = 0, i, first = o->nmaps;
	uint64_t entsize = 0;
	enum layout l;
	int err;

	err = legacy_syms(ps, &syms, &n, &entsize);
	if (err)
		goto out;
	l = legacy_layout(ps, syms, n, entsize);
#ifndef SOCKACCEL_NO_INSPECT
	o->maps_layout = layout_names[l];
#endif
	for (i = 0; !err && i < n; i++)
		err = legacy_map(ps, syms[i], ps->v->sec[ps->maps_sec].data + syms[i]->value, l, entsize);
	if (!err)
		err = legacy_inner(o, first, l);
	for (i = first; !err && i < o->nmaps; i++)
		err = bo_check_map(o, &o->maps[i]);
out:
	free(syms);
	return err;
}

int bo_is_data_section(const struct ev_section *s)
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
int bo_data_map(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];
	struct bo_object *o = ps->o;
	struct bo_map *m;
	int err;

	if (ps->data_map[sec] >= 0)
		return ps->data_map[sec];
	if (s->size == 0 || s->size > MAX_VALUE_SIZE)
		return bo_failn(o, -EINVAL, "section", s->name, "global data of %llu bytes", (unsigned long long)s->size);
	err = bo_check_name(o, "section", s->name);
	if (err)
		return err;
	m = bo_add_map(o);
	if (!m)
		return -ENOMEM;
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
			return bo_oom(o);
		memcpy(m->init, s->data, s->size);
	}
	ps->data_map[sec] = (int)(o->nmaps - 1);
	return ps->data_map[sec];
}
