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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_TYPES	(1u << 20)
#define MAX_CHAIN	32	/* typedef/const/volatile links followed */

struct btf {
	struct bo_object *o;
	const uint8_t *types;	/* type section */
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint32_t n;		/* types, id 1..n */
	uint32_t *off;		/* off[id]: byte offset of type id */
};

static int bfail(struct btf *b, const char *what)
{
	return bo_fail(b->o, -EINVAL, "section '.BTF': %s", what);
}

static struct btf_type type_at(const struct btf *b, uint32_t id)
{
	struct btf_type t;

	memcpy(&t, b->types + b->off[id], sizeof(t));
	return t;
}

/* The bytes that follow struct btf_type for this kind. */
static int64_t extra_size(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:	/* Linux 6.0 */
		return (int64_t)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

static int index_types(struct btf *b)
{
	uint32_t pos = 0, cap = 64;

	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return bo_fail(b->o, -ENOMEM, "out of memory");
	b->off[0] = 0;	/* id 0 is void */
	while (pos < b->types_len) {
		struct btf_type t;
		int64_t extra;

		if (b->types_len - pos < sizeof(t))
			return bfail(b, "truncated type");
		memcpy(&t, b->types + pos, sizeof(t));
		extra = extra_size(&t);
		if (extra < 0)
			return bfail(b, "unknown type kind");
		if ((uint64_t)extra > b->types_len - pos - sizeof(t))
			return bfail(b, "type data beyond the type section");
		if (b->n + 1 >= MAX_TYPES)
			return bfail(b, "too many types");
		if (b->n + 2 > cap) {
			uint32_t *o2 = realloc(b->off, (cap *= 2) * sizeof(*b->off));

			if (!o2)
				return bo_fail(b->o, -ENOMEM, "out of memory");
			b->off = o2;
		}
		b->off[++b->n] = pos;
		pos += sizeof(t) + (uint32_t)extra;
	}
	return 0;
}

static const char *str_at(const struct btf *b, uint32_t off)
{
	if (off >= b->strs_len || !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return b->strs + off;
}

/* Follow typedef/const/volatile/restrict/type tags to the real type. */
static int skip_mods(struct btf *b, uint32_t id, uint32_t *out)
{
	int i;

	for (i = 0; i < MAX_CHAIN; i++) {
		struct btf_type t;

		if (id == 0 || id > b->n)
			return bfail(b, "type id out of range");
		t = type_at(b, id);
		switch (BTF_INFO_KIND(t.info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t.type;
			continue;
		default:
			*out = id;
			return 0;
		}
	}
	return bfail(b, "type chain too long");
}

static int type_size(struct btf *b, uint32_t id, uint64_t *size, int depth)
{
	struct btf_type t;
	struct btf_array a;
	uint64_t elem;
	int err;

	if (depth > MAX_CHAIN)
		return bfail(b, "type chain too long");
	err = skip_mods(b, id, &id);
	if (err)
		return err;
	t = type_at(b, id);
	switch (BTF_INFO_KIND(t.info)) {
	case BTF_KIND_INT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM64:
		*size = t.size;
		return 0;
	case BTF_KIND_PTR:
		*size = 8;
		return 0;
	case BTF_KIND_ARRAY:
		memcpy(&a, b->types + b->off[id] + sizeof(t), sizeof(a));
		err = type_size(b, a.type, &elem, depth + 1);
		if (err)
			return err;
		if (elem && a.nelems > UINT32_MAX / elem)
			return bfail(b, "array size overflows");
		*size = elem * a.nelems;
		return 0;
	default:
		return bfail(b, "a map key or value type has no size");
	}
}

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
	return bo_fail(b->o, -EINVAL, "map '%s': field '%s' is not written as __uint()",
		       map, field);
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
		return bo_fail(b->o, -EINVAL, "map '%s': field '%s' is not written as __type()",
			       map, field);
	err = type_size(b, t.type, &size, 0);
	if (err)
		return err;
	if (size > UINT32_MAX)
		return bfail(b, "type too large");
	*val = (uint32_t)size;
	return 0;
}

static int map_from_var(struct btf *b, const struct elf_view *v, uint32_t maps_sec,
			uint32_t var_id)
{
	struct bo_object *o = b->o;
	struct btf_type var, st;
	const char *name;
	uint32_t sid, i, key_type = 0, value_type = 0, pin = 0;
	struct bo_map *m;
	int err, found = 0;

	if (var_id == 0 || var_id > b->n)
		return bfail(b, "DATASEC entry type id out of range");
	var = type_at(b, var_id);
	name = str_at(b, var.name_off);
	if (BTF_INFO_KIND(var.info) != BTF_KIND_VAR || !name || !name[0])
		return bfail(b, "a '.maps' entry is not a named variable");
	err = skip_mods(b, var.type, &sid);
	if (err)
		return err;
	st = type_at(b, sid);
	if (BTF_INFO_KIND(st.info) != BTF_KIND_STRUCT)
		return bo_fail(o, -EINVAL, "map '%s': its definition is not a struct", name);
	err = bo_check_name(o, "map", name);
	if (err)
		return err;

	m = bo_add_map(o);
	if (!m)
		return bo_fail(o, -ENOMEM, "out of memory");
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->origin = BO_MAP_BTF;
	m->sec = maps_sec;
	for (i = 1; i < v->nsym; i++) {
		if (v->sym[i].shndx == maps_sec && !strcmp(v->sym[i].name, name)) {
			m->off = v->sym[i].value;
			found = 1;
			break;
		}
	}
	if (!found)
		return bo_fail(o, -EINVAL, "map '%s': no symbol in section '.maps'", name);
	if (bo_charge(o, v->nsym + BTF_INFO_VLEN(st.info)))
		return -E2BIG;

	for (i = 0; i < BTF_INFO_VLEN(st.info); i++) {
		struct btf_member mb;
		const char *f;
		uint32_t val = 0;

		memcpy(&mb, b->types + b->off[sid] + sizeof(st) + i * sizeof(mb), sizeof(mb));
		f = str_at(b, mb.name_off);
		if (!f)
			return bfail(b, "member name out of range");
		if (!strcmp(f, "key") || !strcmp(f, "value")) {
			err = member_type(b, name, f, mb.type, &val);
			if (f[0] == 'k')
				key_type = val;
			else
				value_type = val;
		} else {
			err = member_uint(b, name, f, mb.type, &val);
		}
		if (err)
			return err;
		if (!strcmp(f, "type"))
			m->type = val;
		else if (!strcmp(f, "max_entries"))
			m->max_entries = val;
		else if (!strcmp(f, "map_flags"))
			m->flags = val;
		else if (!strcmp(f, "numa_node"))
			m->numa_node = val;
		else if (!strcmp(f, "key_size"))
			m->key_size = val;
		else if (!strcmp(f, "value_size"))
			m->value_size = val;
		else if (!strcmp(f, "pinning"))
			pin = val;
		else if (strcmp(f, "key") && strcmp(f, "value"))
			return bo_fail(o, -EOPNOTSUPP, "map '%s': field '%s' is not supported",
				       name, f);
	}
	if (key_type) {
		if (m->key_size && m->key_size != key_type)
			return bo_fail(o, -EINVAL, "map '%s': key_size %u but key type of %u bytes",
				       name, m->key_size, key_type);
		m->key_size = key_type;
	}
	if (value_type) {
		if (m->value_size && m->value_size != value_type)
			return bo_fail(o, -EINVAL, "map '%s': value_size %u but value type of %u bytes",
				       name, m->value_size, value_type);
		m->value_size = value_type;
	}
	if (pin > 1)	/* LIBBPF_PIN_NONE 0, LIBBPF_PIN_BY_NAME 1 */
		return bo_fail(o, -EINVAL, "map '%s': unknown pinning %u", name, pin);
	m->pinning = pin ? BO_PIN_BY_NAME : BO_PIN_NONE;
	return bo_check_map(o, m);
}

int bo_btf_maps(struct bo_object *o, const struct elf_view *v,
		uint32_t maps_sec, const uint8_t *data, uint64_t len)
{
	struct btf b = { .o = o };
	struct btf_header h;
	uint32_t id, i;
	int err, seen = 0;

	if (len < sizeof(h))
		return bo_fail(o, -EINVAL, "section '.BTF': shorter than its header");
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION)
		return bo_fail(o, -EINVAL, "section '.BTF': bad magic or version");
	if (h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    !ev_in_bounds(h.type_off, h.type_len, len - h.hdr_len) ||
	    !ev_in_bounds(h.str_off, h.str_len, len - h.hdr_len))
		return bo_fail(o, -EINVAL, "section '.BTF': header points outside the section");
	b.types = data + h.hdr_len + h.type_off;
	b.types_len = h.type_len;
	b.strs = (const char *)data + h.hdr_len + h.str_off;
	b.strs_len = h.str_len;
	err = index_types(&b);
	for (id = 1; !err && id <= b.n; id++) {
		struct btf_type t = type_at(&b, id);
		const char *n = str_at(&b, t.name_off);

		if (BTF_INFO_KIND(t.info) != BTF_KIND_DATASEC || !n || strcmp(n, ".maps"))
			continue;
		seen = 1;
		for (i = 0; !err && i < BTF_INFO_VLEN(t.info); i++) {
			struct btf_var_secinfo vs;

			memcpy(&vs, b.types + b.off[id] + sizeof(t) + i * sizeof(vs), sizeof(vs));
			err = map_from_var(&b, v, maps_sec, vs.type);
		}
	}
	if (!err && !seen)
		err = bo_fail(o, -EINVAL, "section '.BTF' does not describe section '.maps'");
	free(b.off);
	return err;
}
