// SPDX-License-Identifier: GPL-2.0
/*
 * btf.c: maps defined in the ".maps" section, as libbpf's headers write them:
 *
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_SOCKHASH);	// int (*type)[18]
 *		__uint(max_entries, 65536);
 *		__type(key, struct sa_key);		// struct sa_key *key
 *		__type(value, __u64);
 *		__uint(pinning, LIBBPF_PIN_BY_NAME);
 *	} sock_hash SEC(".maps");
 *
 * The numbers live only in the types: __uint(name, N) is a pointer to an
 * array of N elements, __type(name, T) a pointer to T.  So we read just
 * enough of .BTF (UAPI <linux/btf.h>) to walk from the ".maps" DATASEC to
 * each variable's struct and its members.  Nothing here is loaded into the
 * kernel.  Every offset, count and type id from the file is checked.
 */
#include <elf.h>
#include <errno.h>
#include <linux/btf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "btf_read.h"

/* __uint(name, N): a pointer to an array of N. */
static int member_uint(struct btf *b, const char *map, const char *field,
		       uint32_t id, uint32_t *val)
{
	struct btf_type t;
	struct btf_array a;

	if (skip_mods(b, id, &id))
		return -EINVAL;
	t = type_at(b, id);
	if (BTF_INFO_KIND(t.info) == BTF_KIND_PTR && !skip_mods(b, t.type, &id)) {
		t = type_at(b, id);
		if (BTF_INFO_KIND(t.info) == BTF_KIND_ARRAY) {
			memcpy(&a, b->types + b->off[id] + sizeof(t), sizeof(a));
			*val = a.nelems;
			return 0;
		}
	}
	return bo_failn(b->o, -EINVAL, "map", map, "field '%s' is not written as __uint()", field);
}

/* __type(name, T): a pointer to T; the field's value is sizeof(T). */
static int member_type(struct btf *b, const char *map, const char *field,
		       uint32_t id, uint32_t *val)
{
	struct btf_type t;
	uint64_t size;
	int err;

	err = skip_mods(b, id, &id);
	if (err)
		return err;
	t = type_at(b, id);
	if (BTF_INFO_KIND(t.info) != BTF_KIND_PTR)
		return bo_failn(b->o, -EINVAL, "map", map, "field '%s' is not written as __type()", field);
	err = type_size(b, t.type, &size, 0);
	if (err)
		return err;
	if (size > UINT32_MAX)
		return bfail(b, "type too large");
	*val = (uint32_t)size;
	return 0;
}

/* The fields of a definition: __array(values, ...), the two __type()s,
 * then the __uint()s and the word of struct bo_map each fills ("pinning"
 * is checked and turned into enum bo_pinning after). */
const char bo_map_fields[] = BO_MAP_FIELDS_HEAD BO_MAP_SIZE_FIELDS;	/* internal.h */
static const uint8_t uint_at[] = {
	offsetof(struct bo_map, type), offsetof(struct bo_map, flags),
	offsetof(struct bo_map, numa_node), offsetof(struct bo_map, pinning),
	offsetof(struct bo_map, key_size), offsetof(struct bo_map, value_size),
	offsetof(struct bo_map, max_entries),
};
_Static_assert(sizeof(enum bo_pinning) == 4, "pinning is a word");

/* The fields of one definition (struct sid) into m; the __array(values,
 * ...) member of a map of maps, if any, into values_type and values_off. */
static int map_def(struct btf *b, const char *name, uint32_t sid, struct bo_map *m,
		   uint32_t *values_type, uint32_t *values_off)
{
	struct bo_object *o = b->o;
	struct btf_type st = type_at(b, sid);
	uint32_t i, k, sizes[2] = { 0, 0 };	/* of the key and value __type()s */
	int err;

	for (i = 0; i < BTF_INFO_VLEN(st.info); i++) {
		struct btf_member mb;
		const char *f;
		uint32_t val = 0;
		int u;

		memcpy(&mb, b->types + b->off[sid] + sizeof(st) + i * sizeof(mb), sizeof(mb));
		f = str_at(b, mb.name_off);
		if (!f)
			return bfail(b, "member name out of range");
		u = bo_name_index(bo_map_fields, f);
		if (u == 0) {	/* __array(values, struct {...}) */
			*values_type = mb.type;
			*values_off = (BTF_INFO_KFLAG(st.info) ? BTF_MEMBER_BIT_OFFSET(mb.offset) :
				       mb.offset) / 8;
			continue;
		}
		if (u == 1 || u == 2) {	/* key, value */
			err = member_type(b, name, f, mb.type, &sizes[u - 1]);
			if (err)
				return err;
			continue;
		}
		err = member_uint(b, name, f, mb.type, &val);
		if (err)
			return err;
		if (u < 0)
			return bo_failn(o, -EOPNOTSUPP, "map", name, "field '%s' is not supported", f);
		memcpy((uint8_t *)m + uint_at[u - 3], &val, 4);
	}
	for (k = 0; k < 2; k++) {
		uint32_t *sz = k ? &m->value_size : &m->key_size;
		const char *kv = k ? "value" : "key";

		if (!sizes[k])
			continue;
		if (*sz && *sz != sizes[k])
			return bo_failn(o, -EINVAL, "map", name, "%s_size %u but %s type of %u bytes",
					kv, *sz, kv, sizes[k]);
		*sz = sizes[k];
	}
	if ((uint32_t)m->pinning > 1)	/* LIBBPF_PIN_NONE 0, LIBBPF_PIN_BY_NAME 1 */
		return bo_failn(o, -EINVAL, "map", name, "unknown pinning %u", (uint32_t)m->pinning);
	m->pinning = m->pinning ? BO_PIN_BY_NAME : BO_PIN_NONE;
	return 0;
}

/* A definition's struct: the variable's type past typedefs and qualifiers. */
static int def_struct(struct btf *b, const char *name, uint32_t id, uint32_t *sid)
{
	int err = skip_mods(b, id, sid);

	if (err)
		return err;
	if (BTF_INFO_KIND(type_at(b, *sid).info) != BTF_KIND_STRUCT)
		return bo_failn(b->o, -EINVAL, "map", name, "its definition is not a struct");
	return 0;
}

static int btf_map(struct btf *b, const struct elf_view *v, const char *name,
		   uint32_t id, uint32_t sec, uint32_t var_size, int outer);

/*
 * __array(values, struct {...}) is `struct {...} *values[]`: the inner map's
 * definition, made a template map "<outer>.inner" that is created first
 * (BPF_MAP_CREATE's inner_map_fd) and never pinned.
 */
static int inner_template(struct btf *b, const struct elf_view *v, size_t outer,
			  uint32_t values_type)
{
	struct bo_object *o = b->o;
	char name[BO_NAME_MAX];
	uint32_t id;
	struct btf_type t;
	struct btf_array arr;
	int err;

	snprintf(name, sizeof(name), "%.50s.inner", o->maps[outer].name);
	err = skip_mods(b, values_type, &id);
	if (err)
		return err;
	t = type_at(b, id);
	if (BTF_INFO_KIND(t.info) == BTF_KIND_ARRAY) {
		memcpy(&arr, b->types + b->off[id] + sizeof(t), sizeof(arr));
		err = skip_mods(b, arr.type, &id);
		t = type_at(b, id);
	}
	if (err || BTF_INFO_KIND(t.info) != BTF_KIND_PTR)
		return bo_failn(o, -EINVAL, "map", o->maps[outer].name, "'values' is not __array(values, struct {...})");
	return btf_map(b, v, name, t.type, o->maps[outer].sec, 0, (int)outer);
}

/*
 * One map: the variable name of .maps (section sec, var_size bytes) whose
 * type is id, or, when outer >= 0, the template of map outer's inner maps,
 * defined by the struct at id.
 */
static int btf_map(struct btf *b, const struct elf_view *v, const char *name,
		   uint32_t id, uint32_t sec, uint32_t var_size, int outer)
{
	struct bo_object *o = b->o;
	uint32_t sid, i, values_type = 0, values_off = 0;
	struct bo_map *m;
	size_t idx;
	int err;

	err = def_struct(b, name, id, &sid);
	if (!err)
		err = bo_check_name(o, "map", name);
	if (err)
		return err;

	m = bo_add_map(o);
	if (!m)
		return -ENOMEM;
	idx = o->nmaps - 1;
	strcpy(m->name, name);	/* checked: shorter than BO_NAME_MAX */
	m->origin = BO_MAP_BTF;
	m->sec = sec;
	m->var_size = var_size;
	if (outer >= 0) {
		m->tmpl = 1;
		m->off = ~0ull;		/* no symbol: no relocation finds it */
		o->maps[outer].inner = (int)idx;
	} else {
		for (i = 1; i < v->nsym; i++)
			if (v->sym[i].shndx == sec && !strcmp(v->sym[i].name, name))
				break;
		if (i >= v->nsym)
			return bo_failn(o, -EINVAL, "map", name, "no symbol in section '.maps'");
		m->off = v->sym[i].value;
	}
	if (bo_charge(o, v->nsym + BTF_INFO_VLEN(type_at(b, sid).info)))
		return -E2BIG;
	err = map_def(b, name, sid, m, &values_type, &values_off);
	if (err)
		return err;
	if (values_type) {
		if (outer >= 0)
			return bo_failn(o, -EOPNOTSUPP, "map", o->maps[outer].name,
					"its inner map holds maps itself");
		if (!m->value_size)
			m->value_size = 4;	/* a map of maps holds map ids */
		m->values_off = values_off;
		err = inner_template(b, v, idx, values_type);
		if (err)
			return err;
	}
	return bo_check_map(o, &o->maps[idx]);
}

/* A variable of .maps: its DATASEC entry (type id, bytes). */
static int map_from_var(struct btf *b, const struct elf_view *v, uint32_t maps_sec,
			uint32_t var_id, uint32_t var_size)
{
	struct btf_type var;
	const char *name;

	if (var_id == 0 || var_id > b->n)
		return bfail(b, "DATASEC entry type id out of range");
	var = type_at(b, var_id);
	name = str_at(b, var.name_off);
	if (BTF_INFO_KIND(var.info) != BTF_KIND_VAR || !name || !name[0])
		return bfail(b, "a '.maps' entry is not a named variable");
	return btf_map(b, v, name, var.type, maps_sec, var_size, -1);
}

/*
 * Static initial values of maps of maps: `.values = { [2] = &other_map }`
 * leaves, in .rel.maps, a relocation at the slot's 8 bytes against the
 * inner map's symbol (R_BPF_64_ABS64; R_BPF_64_64 from older LLVM).
 */
static int map_slots(struct bo_object *o, const struct elf_view *v, uint32_t maps_sec)
{
	const struct ev_relsec *rs = bo_relocs_for(v, maps_sec);
	size_t i, k, j;

	if (!rs)
		return 0;
	if (bo_charge(o, (uint64_t)rs->count * 2 * o->nmaps))
		return -E2BIG;
	for (i = 0; i < rs->count; i++) {
		const struct ev_rel *r = &rs->rel[i];
		const struct ev_symbol *sym = &v->sym[r->sym];
		struct bo_slot *sl;
		struct bo_map *m = NULL;
		uint64_t at;

		for (k = 0; k < o->nmaps; k++)
			if (o->maps[k].origin == BO_MAP_BTF && o->maps[k].inner >= 0 &&
			    !o->maps[k].tmpl && r->offset >= o->maps[k].off + o->maps[k].values_off &&
			    r->offset < o->maps[k].off + o->maps[k].var_size)
				m = &o->maps[k];
		if (!m)
			return bo_failn(o, -EINVAL, "section", ".maps",
				       "relocation %zu is in no map's values", i);
		at = r->offset - m->off - m->values_off;
		for (j = 0; j < o->nmaps; j++)
			if (o->maps[j].origin == BO_MAP_BTF && !o->maps[j].tmpl &&
			    sym->shndx == maps_sec && o->maps[j].off == sym->value)
				break;
		if (at % 8 || j == o->nmaps || &o->maps[j] == m)
			return bo_failn(o, -EINVAL, "map", m->name,
				       "value %llu ('%s') is not a map of '.maps'", (unsigned long long)(at / 8), sym->name);
		sl = bo_push(o, &m->slots, &m->nslots, sizeof(*sl));
		if (!sl)
			return -ENOMEM;
		*sl = (struct bo_slot){ (uint32_t)(at / 8), (uint32_t)j };
	}
	return 0;
}

int bo_btf_maps(struct bo_object *o, const struct elf_view *v,
		uint32_t maps_sec, const uint8_t *data, uint64_t len)
{
	struct btf b;
	uint32_t id, i;
	int err, seen = 0;

	err = btf_open(&b, data, len, NULL, o);
	for (id = 1; !err && id <= b.n; id++) {
		struct btf_type t = type_at(&b, id);
		const char *n = str_at(&b, t.name_off);

		if (BTF_INFO_KIND(t.info) != BTF_KIND_DATASEC || !n || strcmp(n, ".maps"))
			continue;
		seen = 1;
		for (i = 0; !err && i < BTF_INFO_VLEN(t.info); i++) {
			struct btf_var_secinfo vs;

			memcpy(&vs, b.types + b.off[id] + sizeof(t) + i * sizeof(vs), sizeof(vs));
			err = map_from_var(&b, v, maps_sec, vs.type, vs.size);
		}
	}
	if (!err && !seen)
		err = bo_fail(o, -EINVAL, "section '.BTF' does not describe section '.maps'");
	if (!err)
		err = map_slots(o, v, maps_sec);
	btf_close(&b);
	return err;
}
