// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c: map definitions that are not BTF: the legacy "maps" section in
 * its layouts, global data sections as array maps, and the checks every
 * definition passes whatever its origin.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "uapi_compat.h"

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

int bo_check_map(struct bo_object *o, const struct bo_map *m)
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

/*
 * The legacy "maps" section: an array of definitions whose size the
 * compiler wrote into each symbol.  20 bytes is struct bpf_map_def, 28 the
 * samples/bpf one with inner_map_idx and numa_node, 36 iproute2's struct
 * bpf_elf_map (id, pinning, inner_id, inner_idx).  Anything longer must
 * have zeroes past the fields we know, as libbpf demands.
 */
int bo_legacy_maps(struct parse *ps)
{
	struct bo_object *o = ps->o;
	const struct ev_section *s = &ps->v->sec[ps->maps_sec];
	const struct ev_symbol **syms;
	size_t n, i, j;
	uint64_t entsize;
	int err = 0;

	n = bo_symbols_in(ps->v, ps->maps_sec, -1, NULL);
	if (n == 0)
		return bo_fail(o, -EINVAL, "section 'maps': no map symbols");
	if (s->type == SHT_NOBITS || !s->data)
		return bo_fail(o, -EINVAL, "section 'maps': no data");
	syms = calloc(n, sizeof(*syms));
	if (!syms)
		return bo_fail(o, -ENOMEM, "out of memory");
	bo_symbols_in(ps->v, ps->maps_sec, -1, syms);
	ev_sort(syms, n, sizeof(*syms), bo_cmp_sym_value);

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
		m->type = bo_u32_at(d, 0);
		m->key_size = bo_u32_at(d, 1);
		m->value_size = bo_u32_at(d, 2);
		m->max_entries = bo_u32_at(d, 3);
		m->flags = bo_u32_at(d, 4);
		j = 5;
		if (entsize == 28) {		/* inner_map_idx, numa_node */
			if (bo_u32_at(d, 5)) {
				err = bo_fail(o, -EOPNOTSUPP,
					      "map '%s': map-in-map (inner_map_idx) is not supported",
					      m->name);
				goto out;
			}
			m->numa_node = bo_u32_at(d, 6);
			j = 7;
		} else if (entsize >= 36) {	/* struct bpf_elf_map */
			uint32_t pin = bo_u32_at(d, 6);

			if (pin > 2) {
				err = bo_fail(o, -EINVAL, "map '%s': unknown pinning %u",
					      m->name, pin);
				goto out;
			}
			m->pinning = pin ? BO_PIN_BY_NAME : BO_PIN_NONE;
			if (bo_u32_at(d, 7) || bo_u32_at(d, 8)) {
				err = bo_fail(o, -EOPNOTSUPP,
					      "map '%s': map-in-map (inner_id/inner_idx) is not supported",
					      m->name);
				goto out;
			}
			j = 9;	/* id (5) is iproute2's own label, not used */
		}
		for (; j < entsize / 4; j++) {
			if (bo_u32_at(d, j)) {
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
