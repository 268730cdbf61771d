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
	return BTF_FIRST(b) + b->n - 1;
}

const uint8_t *btf_extra(const struct btf *b, uint32_t id)
{
	while (BTF_SPLIT && b->base && id < b->first)
		b = b->base;
	return b->types + b->off[id - BTF_FIRST(b) + 1] + sizeof(struct btf_type);
}

struct btf_type type_at(const struct btf *b, uint32_t id)
{
	struct btf_type t;

	memcpy(&t, btf_extra(b, id) - sizeof(t), sizeof(t));
	return t;
}

/*
 * The bytes that follow struct btf_type, by kind (UAPI <linux/btf.h>): a
 * fixed part, or vlen records of a size.  Low nibble: fixed bytes; high:
 * bytes per vlen record.  0xff: no such kind.
 */
static const uint8_t extra_by_kind[] = {
	[BTF_KIND_INT] = 4, [BTF_KIND_PTR] = 0, [BTF_KIND_ARRAY] = 12,
	[BTF_KIND_STRUCT] = 12 << 4, [BTF_KIND_UNION] = 12 << 4,	/* btf_member */
	[BTF_KIND_ENUM] = 8 << 4, [BTF_KIND_FWD] = 0, [BTF_KIND_TYPEDEF] = 0,	/* btf_enum */
	[BTF_KIND_VOLATILE] = 0, [BTF_KIND_CONST] = 0, [BTF_KIND_RESTRICT] = 0,
	[BTF_KIND_FUNC] = 0, [BTF_KIND_FUNC_PROTO] = 8 << 4,	/* btf_param */
	[BTF_KIND_VAR] = 4, [BTF_KIND_DATASEC] = 12 << 4,	/* btf_var_secinfo */
	[BTF_KIND_FLOAT] = 0, [BTF_KIND_DECL_TAG] = 4, [BTF_KIND_TYPE_TAG] = 0,
	[BTF_KIND_ENUM64] = 12 << 4,	/* btf_enum64, Linux 6.0 */
};
_Static_assert(sizeof(struct btf_array) == 12 && sizeof(struct btf_member) == 12 &&
	       sizeof(struct btf_enum) == 8 && sizeof(struct btf_param) == 8 &&
	       sizeof(struct btf_var_secinfo) == 12 && sizeof(struct btf_enum64) == 12,
	       "extra_by_kind");

int64_t extra_size(const struct btf_type *t)
{
	uint32_t k = BTF_INFO_KIND(t->info);
	uint8_t e;

	if (k == 0 || k >= sizeof(extra_by_kind))
		return -1;
	e = extra_by_kind[k];
	return (e & 15) + (int64_t)BTF_INFO_VLEN(t->info) * (e >> 4);
}

/*
 * Two passes over the types: check and count them, then note where each
 * starts, in one allocation (vmlinux: 600 KiB), never moved by realloc().
 * (The static build's realloc() of blocks that large lost their contents
 * until loader/libc/tiny_libc.c kept malloc()'s header from gcc -fipa-pta:
 * every kernel type read as type 1.)
 */
int index_types(struct btf *b)
{
	uint32_t pos, n = 0;
	int pass;

	if (!b->first)
		b->first = 1;
	for (pass = 0; pass < 2; pass++) {
		for (pos = 0, n = 0; pos < b->types_len; n++) {
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
			if (BTF_FIRST(b) + n + 1 >= MAX_TYPES)
				return bfail(b, "too many types");
			if (pass)
				b->off[n + 1] = pos;
			pos += sizeof(t) + (uint32_t)extra;
		}
		if (!pass) {
			b->off = malloc((n + 1) * sizeof(*b->off));
			if (!b->off) {
				b->why = "out of memory";
				return b->o ? bo_fail(b->o, -ENOMEM, "out of memory") : -ENOMEM;
			}
			b->off[0] = 0;	/* id 0 is void */
		}
	}
	b->n = n;
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
		if (!BTF_SPLIT)
			return bfail(b, "split BTF is not read by this build");
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
	while (BTF_SPLIT && b->base && off < b->str_first)
		b = b->base;
	if (BTF_SPLIT)
		off -= b->str_first;
	if (off >= b->strs_len || !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return b->strs + off;
}

#define BIT(k) (1u << BTF_KIND_##k)
/* Kinds that only qualify or rename another type. */
#define MODS (BIT(TYPEDEF) | BIT(VOLATILE) | BIT(CONST) | BIT(RESTRICT) | BIT(TYPE_TAG))
/* Kinds whose btf_type.size is their size. */
#define SIZED (BIT(INT) | BIT(STRUCT) | BIT(UNION) | BIT(ENUM) | BIT(FLOAT) | BIT(ENUM64))

int skip_mods(struct btf *b, uint32_t id, uint32_t *out)
{
	int i;

	for (i = 0; i < MAX_CHAIN; i++) {
		struct btf_type t;

		if (id == 0 || id > btf_last(b))
			return bfail(b, "type id out of range");
		t = type_at(b, id);
		if (!((1u << BTF_INFO_KIND(t.info)) & MODS)) {
			*out = id;
			return 0;
		}
		id = t.type;
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
	if ((1u << BTF_INFO_KIND(t.info)) & SIZED) {
		*size = t.size;
		return 0;
	}
	if (BTF_INFO_KIND(t.info) == BTF_KIND_PTR) {
		*size = 8;
		return 0;
	}
	if (BTF_INFO_KIND(t.info) != BTF_KIND_ARRAY)
		return bfail(b, "a map key or value type has no size");
	memcpy(&a, btf_extra(b, id), sizeof(a));
	err = type_size(b, a.type, &elem, depth + 1);
	if (err)
		return err;
	if (elem && a.nelems > UINT32_MAX / elem)
		return bfail(b, "array size overflows");
	*size = elem * a.nelems;
	return 0;
}
