// SPDX-License-Identifier: GPL-2.0
/*
 * btf_read.c: the generic BTF reader (see btf_read.h).  Types are indexed
 * once (one u32 per type); everything after that is a bounds-checked look-up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "btf_read.h"

#define MAX_TYPES	(1u << 20)

int bfail(struct btf *b, const char *what)
{
	b->why = what;
	if (!b->o)
		return -EINVAL;
	return bo_fail(b->o, -EINVAL, "section '.BTF': %s", what);
}

uint32_t btf_last(const struct btf *b)
{
	return b->first + b->n - 1;
}

struct btf_type type_at(const struct btf *b, uint32_t id)
{
	struct btf_type t;

	while (b->base && id < b->first)
		b = b->base;
	memcpy(&t, b->types + b->off[id - b->first + 1], sizeof(t));
	return t;
}

const uint8_t *btf_extra(const struct btf *b, uint32_t id)
{
	while (b->base && id < b->first)
		b = b->base;
	return b->types + b->off[id - b->first + 1] + sizeof(struct btf_type);
}

/* The bytes that follow struct btf_type for this kind. */
int64_t extra_size(const struct btf_type *t)
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

int index_types(struct btf *b)
{
	uint32_t pos = 0, cap = 64;

	if (!b->first)
		b->first = 1;
	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off) {
		b->why = "out of memory";
		return b->o ? bo_fail(b->o, -ENOMEM, "out of memory") : -ENOMEM;
	}
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
		if (b->first + b->n + 1 >= MAX_TYPES)
			return bfail(b, "too many types");
		if (b->n + 2 > cap) {
			uint32_t *o2 = realloc(b->off, (cap *= 2) * sizeof(*b->off));

			if (!o2) {
				b->why = "out of memory";
				return b->o ? bo_fail(b->o, -ENOMEM, "out of memory") : -ENOMEM;
			}
			b->off = o2;
		}
		b->off[++b->n] = pos;
		pos += sizeof(t) + (uint32_t)extra;
	}
	return 0;
}

int btf_open(struct btf *b, const void *data, size_t len, const struct btf *base,
	     struct bo_object *o)
{
	struct btf_header h;
	int err;

	memset(b, 0, sizeof(*b));
	b->o = o;
	if (len < sizeof(h))
		return bfail(b, "shorter than its header");
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION)
		return bfail(b, "bad magic or version");
	if (h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    h.type_off > len - h.hdr_len || h.type_len > len - h.hdr_len - h.type_off ||
	    h.str_off > len - h.hdr_len || h.str_len > len - h.hdr_len - h.str_off)
		return bfail(b, "header points outside the section");
	b->types = (const uint8_t *)data + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = (const char *)data + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	if (base) {
		b->base = base;
		b->first = btf_last(base) + 1;
		b->str_first = base->str_first + base->strs_len;
	}
	err = index_types(b);
	if (err) {
		free(b->off);	/* a failed open holds nothing */
		b->off = NULL;
	}
	return err;
}

void btf_close(struct btf *b)
{
	free(b->off);
	b->off = NULL;
	b->n = 0;
}

const char *str_at(const struct btf *b, uint32_t off)
{
	while (b->base && off < b->str_first)
		b = b->base;
	off -= b->str_first;
	if (off >= b->strs_len || !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return b->strs + off;
}

int skip_mods(struct btf *b, uint32_t id, uint32_t *out)
{
	int i;

	for (i = 0; i < MAX_CHAIN; i++) {
		struct btf_type t;

		if (id == 0 || id > btf_last(b))
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

int type_size(struct btf *b, uint32_t id, uint64_t *size, int depth)
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
		memcpy(&a, btf_extra(b, id), sizeof(a));
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
