// SPDX-License-Identifier: GPL-2.0
/*
 * core.c: CO-RE relocation values (see core_relo.h).
 *
 * An access string "0:3:1" starts at the relocation's local type: the
 * first number indexes an array of that type (p[0]), each next one a
 * member (struct, union) or an element (array).  The named members and
 * the array indices on the way are what must be found again, by name, in
 * the kernel's type of the same name (a "___flavor" suffix dropped),
 * looking through anonymous structs and unions; the offset found there is
 * what the instruction gets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core_relo.h"

#ifndef SOCKACCEL_NO_CORE	/* the static build leaves CO-RE out (loader/load/core.c) */

/* Whatever is wrong on the object's side (the access string, the local
 * type, the instruction): one message, whose fix is the same. */
#define BO_CORE_OBJ_BAD \
	"the object's BTF does not fit it, or the instruction does not hold its value (rebuild the object)"

#define SPEC_MAX 64	/* as libbpf's BPF_CORE_SPEC_MAX_LEN */
/*
 * Steps one relocation may take.  A hostile target BTF (--btf FILE) can
 * nest the same anonymous struct twice at every level: searched blindly,
 * 2^64 paths.  Real kernels need hundreds to a few thousand per relocation
 * (struct task_struct matched member by member: tens of thousands).
 */
#define WORK_MAX (1ul << 17)
static unsigned long work;

/* One side of a relocation, the object's or a kernel type's: where its
 * access string has led so far. */
struct side {
	struct btf *b;
	uint32_t id;		/* the type reached */
	uint32_t last, idx;	/* the last accessor: a struct, union or enum and
				 * its member or enumerator (named), or an array
				 * element's type and index (p[idx] at the root) */
	int named;
	uint64_t bit_off;
	/* what calc() makes of it: the value, the field's bytes (for loads and
	 * stores) and type, whether the instruction must hold the value */
	uint64_t val;
	uint32_t sz, tid;
	int validate;
};

/* By enum bpf_core_relo_kind, one after another: a table of 13 pointers,
 * or of 13 names padded to the longest, costs more. */
static const char kind_names[] =
	"field byte offset\0field byte size\0field exists\0field signed\0"
	"field lshift_u64\0field rshift_u64\0type id local\0type id target\0"
	"type exists\0type size\0enum value exists\0enum value\0type matches\0?";

const char *bo_core_kind_name(uint32_t kind)
{
	const char *s = kind_names;

	for (; kind && *s != '?'; kind--)
		s += strlen(s) + 1;
	return s;
}

#define POISON_KINDS (1u << BPF_CORE_FIELD_BYTE_OFFSET | 1u << BPF_CORE_FIELD_BYTE_SIZE | \
		      1u << BPF_CORE_FIELD_SIGNED | 1u << BPF_CORE_FIELD_LSHIFT_U64 | \
		      1u << BPF_CORE_FIELD_RSHIFT_U64 | 1u << BPF_CORE_ENUMVAL_VALUE)
static int is_field(uint32_t k) { return k <= BPF_CORE_FIELD_RSHIFT_U64; }
static int is_enumval(uint32_t k) { return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE; }

static int kind_of(const struct btf_type *t) { return BTF_INFO_KIND(t->info); }
static int is_composite(const struct btf_type *t)
{
	return kind_of(t) == BTF_KIND_STRUCT || kind_of(t) == BTF_KIND_UNION;
}
static int is_enum(const struct btf_type *t)
{
	return kind_of(t) == BTF_KIND_ENUM || kind_of(t) == BTF_KIND_ENUM64;
}
static int kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return kind_of(a) == kind_of(b) || (is_enum(a) && is_enum(b));
}

/* The name without its ___flavor: "sock___v2" -> 4. */
static size_t essential_len(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (s[i] != '_' && !strncmp(s + i + 1, "___", 3) && s[i + 4] != '_')
			return i + 1;
	return n;
}

static int same_essential(const char *a, const char *b)
{
	size_t n = essential_len(a);

	return a && b && n == essential_len(b) && !strncmp(a, b, n);
}

/* A type's name (t its btf_type), "" when it has none. */
static const char *name_of(const struct btf *b, const struct btf_type *t)
{
	const char *s = str_at(b, t->name_off);

	return s ? s : "";
}

static struct btf_member member_at(const struct btf *b, uint32_t id, uint32_t i)
{
	struct btf_member m;

	memcpy(&m, btf_extra(b, id) + i * sizeof(m), sizeof(m));
	return m;
}

static uint32_t member_bit_off(const struct btf_type *t, const struct btf_member *m)
{
	return BTF_INFO_KFLAG(t->info) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static uint32_t member_bits(const struct btf_type *t, const struct btf_member *m)
{
	return BTF_INFO_KFLAG(t->info) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

/* The u32 at byte off of the data after type id (extra_size() checked). */
static uint32_t xw(const struct btf *b, uint32_t id, size_t off)
{
	uint32_t v;

	memcpy(&v, btf_extra(b, id) + off, 4);
	return v;
}

/* The vlen records of a struct, union or enum, each starting with its
 * name: btf_enum 8 bytes; btf_member and btf_enum64 12. */
static uint32_t rec_size(const struct btf_type *t)
{
	return kind_of(t) == BTF_KIND_ENUM ? 8 : 12;
}

/* The first record of type id (t) named name: enumerators by their
 * essential names, members exactly.  Its index, or -1. */
static int find_rec(const struct btf *b, uint32_t id, const struct btf_type *t, const char *name)
{
	uint32_t j;

	for (j = 0; j < BTF_INFO_VLEN(t->info); j++) {
		const char *n = str_at(b, xw(b, id, j * rec_size(t)));

		if (is_enum(t) ? same_essential(name, n) : name && n && !strcmp(name, n))
			return (int)j;
	}
	return -1;
}

/* BTF_INT_SIGNED of integer id's encoding (the u32 after its btf_type). */
static int int_signed(const struct btf *b, uint32_t id)
{
	return BTF_INT_ENCODING(xw(b, id, 0)) & BTF_INT_SIGNED;
}

static uint32_t int_enc(const struct btf *b, uint32_t id)
{
	return xw(b, id, 0);
}

enum { FIELD, COMPAT, MATCH, MATCH_PTR };	/* types_walk() modes */

/*
 * Types against types, by libbpf's rules, const/volatile/typedef skipped
 * at every level.  FIELD: may a local field be read as the target's?  Any
 * structs and unions, any pointers, ints that are not old-style bitfields,
 * enums and forward declarations of the same name (or anonymous), arrays
 * of such.  COMPAT (type exists, size, target id): names were matched at
 * the top; kinds and shapes below it, through pointers, arrays, function
 * prototypes.  MATCH (bpf_core_type_matches()): also names at every level,
 * every local member and enumerator by name, sizes and signedness; behind
 * a pointer (MATCH_PTR) only names, which bounds the walk.
 */
static int types_walk(struct btf *lb, uint32_t lid, struct btf *tb, uint32_t tid,
		      int mode, int depth)
{
	struct btf_type lt, tt;
	uint32_t i, lv, k, lx;
	int j;
	const char *ln, *tn;

	/* Pointers, arrays and function prototypes lead on to one more pair
	 * of types: the loop follows them. */
	for (;; depth++) {
		if (depth > MAX_CHAIN || ++work > WORK_MAX ||
		    skip_mods(lb, lid, &lid) || skip_mods(tb, tid, &tid))
			return 0;
		lt = type_at(lb, lid);
		tt = type_at(tb, tid);
		lv = BTF_INFO_VLEN(lt.info);
		k = kind_of(&lt);
		ln = name_of(lb, &lt);
		tn = name_of(tb, &tt);
		if (mode == FIELD && is_composite(&lt) && is_composite(&tt))
			return 1;
		if (!kinds_compat(&lt, &tt) || (mode >= MATCH && *ln && !same_essential(ln, tn)))
			return 0;
		if (k == BTF_KIND_PTR) {
			if (mode == FIELD)
				return 1;
			if (mode >= MATCH)
				mode = MATCH_PTR;
		} else if (k == BTF_KIND_ARRAY) {
			/* struct btf_array: type, index_type, nelems */
			if (mode >= MATCH && xw(lb, lid, 8) != xw(tb, tid, 8))
				return 0;
			lt.type = xw(lb, lid, 0);
			tt.type = xw(tb, tid, 0);
		} else if (k == BTF_KIND_INT) {
			return mode >= MATCH ? lt.size == tt.size &&
				      int_signed(lb, lid) == int_signed(tb, tid) :
				      !BTF_INT_OFFSET(int_enc(lb, lid)) && !BTF_INT_OFFSET(int_enc(tb, tid));
		} else if (k == BTF_KIND_FLOAT) {
			return mode < MATCH || lt.size == tt.size;
		} else if (mode == FIELD) {	/* forward declarations and enums: by name */
			return (k == BTF_KIND_FWD || is_enum(&lt)) &&
			       (!essential_len(ln) || !essential_len(tn) || same_essential(ln, tn));
		} else if (k == BTF_KIND_FUNC_PROTO) {
			/* as many parameters; their types are not compared */
			if (lv != BTF_INFO_VLEN(tt.info))
				return 0;
		} else {
			break;
		}
		lid = lt.type;
		tid = tt.type;
	}
	if (k == BTF_KIND_FWD || mode != MATCH)
		return k == BTF_KIND_FWD || is_composite(&lt) || is_enum(&lt);
	if (!is_composite(&lt) && !is_enum(&lt))
		return 0;
	/* MATCH of a struct, union or enum: each local name in the target;
	 * a member's type too (struct btf_member: name_off, type, offset). */
	lx = rec_size(&lt);
	for (i = 0; i < lv; i++) {
		j = find_rec(tb, tid, &tt, str_at(lb, xw(lb, lid, i * lx)));
		if (j < 0 || (!is_enum(&lt) &&
			      !types_walk(lb, xw(lb, lid, i * lx + 4), tb, xw(tb, tid, (uint32_t)j * 12 + 4),
					  MATCH, depth + 1)))
			return 0;
	}
	return 1;
}

/*
 * p[idx] at the root, or element idx of the array s->id: s moves onto it.
 * 1, 0 no such element, -EINVAL (or an offset that would overflow).
 */
static int elem(struct side *s, uint32_t idx, int root)
{
	struct btf_array a;
	struct btf_type t;
	uint32_t id;
	uint64_t sz;

	if (skip_mods(s->b, s->id, &id))
		return -EINVAL;
	if (!root) {
		t = type_at(s->b, id);
		if (kind_of(&t) != BTF_KIND_ARRAY)
			return 0;
		memcpy(&a, btf_extra(s->b, id), sizeof(a));
		if ((a.nelems && idx >= a.nelems))
			return 0;
		if (skip_mods(s->b, a.type, &id))
			return -EINVAL;
	}
	s->id = s->last = id;
	s->idx = idx;
	s->named = 0;
	if (type_size(s->b, id, &sz, 0) || (sz && idx > (UINT64_MAX >> 8) / sz))
		return -EINVAL;
	s->bit_off += idx * sz * 8;
	return s->bit_off > (UINT64_MAX >> 8) ? -EINVAL : 1;
}

/*
 * The object's member lm (named name) found again by name in the kernel's
 * type id, through anonymous members: 1 found (t moved onto it), 0 not,
 * -errno.  A member of that name whose type cannot be read as the local
 * one's ends the search, as in libbpf.
 */
static int find_member(struct btf *lb, const struct btf_member *lm, const char *name,
		       struct side *t, uint32_t id, int depth)
{
	struct btf_type tt;
	uint32_t i;

	if (skip_mods(t->b, id, &id))
		return -EINVAL;
	tt = type_at(t->b, id);
	if (!is_composite(&tt))
		return 0;
	if (depth > SPEC_MAX)
		return -E2BIG;
	for (i = 0; i < BTF_INFO_VLEN(tt.info); i++) {
		struct btf_member m = member_at(t->b, id, i);
		uint32_t off = member_bit_off(&tt, &m);
		const char *n = str_at(t->b, m.name_off);
		int found;

		if (++work > WORK_MAX)
			return -E2BIG;
		t->bit_off += off;
		if (!n || !*n) {
			found = find_member(lb, lm, name, t, m.type, depth + 1);
			if (found)
				return found;
		} else if (!strcmp(name, n)) {
			t->id = m.type;
			t->last = id;
			t->idx = i;
			t->named = 1;
			return types_walk(lb, lm->type, t->b, m.type, FIELD, 0);
		}
		t->bit_off -= off;
	}
	return 0;
}

/*
 * The access string of r, number by number, on the object's side (l) and,
 * when t is not NULL, on the kernel's (t, from its candidate type t->id):
 * the first number indexes the root (p[0]) or, for the enum kinds, names
 * an enumerator; each next one a member by index on the object's side, by
 * name on the kernel's (anonymous ones are looked through), or an array
 * element on both.  buf (len bytes), when not NULL, gets the accessors in
 * C words: ".name", "::ENUMERATOR", "[2]".  1 done, 0 the kernel's side
 * does not match, -errno (the object's side or a hostile kernel type).
 */
static int follow(const struct bo_core_relo *r, struct side *l, struct side *t,
		  char *buf, size_t len)
{
	struct btf *lb = l->b;
	const char *p = str_at(lb, r->access_off);
	size_t n = 0;
	int i, e;

	*l = (struct side){ .b = lb, .id = r->type_id };	/* t: fresh from the caller */
	if (!p || r->type_id == 0 || r->type_id > btf_last(lb))
		return -EINVAL;
	for (i = 0;; i++) {
		struct btf_member m;
		struct btf_type lt;
		const char *name = NULL;
		uint64_t v = 0;
		uint32_t id;

		if (*p < '0' || *p > '9' || i == SPEC_MAX)
			return -EINVAL;
		while (*p >= '0' && *p <= '9' && v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > UINT32_MAX || (*p && *p++ != ':') || skip_mods(lb, l->id, &id))
			return -EINVAL;
		lt = type_at(lb, id);
		if (!is_field(r->kind)) {
			/* a type kind: "0" alone; an enumerator: its index alone */
			if (p[-1] == ':' || (!is_enumval(r->kind) ? v != 0 :
					     !is_enum(&lt) || v >= BTF_INFO_VLEN(lt.info) ||
					     !*(name = str_at(lb, xw(lb, id, (uint32_t)v * rec_size(&lt))) ?: "")))
				return -EINVAL;
			if (!name)
				return 1;
			l->id = l->last = id;
			l->idx = (uint32_t)v;
			l->named = 1;
			if (t) {
				struct btf_type tt;

				if (skip_mods(t->b, t->id, &id))
					return 0;
				tt = type_at(t->b, id);
				if (!is_enum(&tt) || (e = find_rec(t->b, id, &tt, name)) < 0)
					return 0;
				t->id = t->last = id;
				t->idx = (uint32_t)e;
				t->named = 1;
			}
		} else if (i && is_composite(&lt)) {
			if (v >= BTF_INFO_VLEN(lt.info))
				return -EINVAL;
			m = member_at(lb, id, (uint32_t)v);
			l->bit_off += member_bit_off(&lt, &m);
			l->id = m.type;
			name = str_at(lb, m.name_off);
			if (name && *name) {
				l->last = id;
				l->idx = (uint32_t)v;
				l->named = 1;
				if (t && (e = find_member(lb, &m, name, t, t->id, 0)) <= 0)
					return e;
			} else {
				name = "";	/* anonymous: the kernel's side looks through it */
			}
		} else {
			if (elem(l, (uint32_t)v, !i) <= 0)
				return -EINVAL;
			if (t && (e = elem(t, (uint32_t)v, !i)) <= 0)
				return e;
			if (!i && !v)
				name = "";	/* the root p[0]: said as the type alone */
		}
		if (buf && n < len && (!name || *name))
			n += (size_t)(name ? snprintf(buf + n, len - n, "%s%s", is_enumval(r->kind) ? "::" : ".", name) :
				      snprintf(buf + n, len - n, "[%u]", (uint32_t)v));
		if (!*p)
			return 1;
	}
}

/* The value s gives for kind (s->val and the rest): 0 or -errno. */
static int calc(struct side *s, uint32_t kind)
{
	struct btf_type t, mt;
	struct btf_member m;
	uint32_t mid, bit_sz = 0, byte_sz, byte_off;
	uint64_t bit_off, size, *val = &s->val;

	*val = 1;	/* exists, matches */
	s->sz = 0;
	s->validate = 1;
	if (kind == BPF_CORE_FIELD_EXISTS || kind == BPF_CORE_ENUMVAL_EXISTS ||
	    (!is_field(kind) && !is_enumval(kind))) {
		if (kind == BPF_CORE_TYPE_ID_LOCAL || kind == BPF_CORE_TYPE_ID_TARGET) {
			*val = s->id;
			/* ids move when objects are linked */
			s->validate = kind == BPF_CORE_TYPE_ID_LOCAL;
		}
		if (kind == BPF_CORE_TYPE_SIZE && type_size(s->b, s->id, val, 0))
			return -EINVAL;
		return 0;
	}
	t = type_at(s->b, s->last);
	if (kind == BPF_CORE_ENUMVAL_VALUE) {
		/* struct btf_enum: name_off, s32 val; btf_enum64: name_off, val_lo32, val_hi32 */
		*val = kind_of(&t) == BTF_KIND_ENUM ?
		       (uint64_t)(int64_t)(int32_t)xw(s->b, s->last, s->idx * 8 + 4) :
		       (uint64_t)xw(s->b, s->last, s->idx * 12 + 8) << 32 | xw(s->b, s->last, s->idx * 12 + 4);
		return 0;
	}
	mid = s->last;
	if (s->named) {
		m = member_at(s->b, s->last, s->idx);
		bit_sz = member_bits(&t, &m);
		if (skip_mods(s->b, m.type, &mid))
			return -EINVAL;
	} else if (kind > BPF_CORE_FIELD_BYTE_SIZE) {
		return -EINVAL;	/* an array element (or the root): offset and size only */
	}
	mt = type_at(s->b, mid);
	bit_off = s->bit_off;
	/* for bitfields the compiler's numbers may differ */
	s->validate = !bit_sz || kind == BPF_CORE_FIELD_SIGNED || kind == BPF_CORE_FIELD_RSHIFT_U64;
	if (bit_sz) {
		byte_sz = mt.size;
		if (!byte_sz || byte_sz > 8)
			return -EINVAL;
		byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		while (bit_off + bit_sz - byte_off * 8ull > byte_sz * 8ull) {
			if (byte_sz >= 8)
				return -EINVAL;	/* no load reaches it */
			byte_sz *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		}
	} else {
		if (type_size(s->b, mid, &size, 0) || size > UINT32_MAX / 8)
			return -EINVAL;
		byte_sz = (uint32_t)size;
		byte_off = (uint32_t)(bit_off / 8);
		bit_sz = byte_sz * 8;
		if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
			s->sz = byte_sz;	/* for the load or store's width */
			s->tid = mid;
		}
	}
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		*val = (is_enum(&mt) && BTF_INFO_KFLAG(mt.info)) ||
		       (kind_of(&mt) == BTF_KIND_INT && int_signed(s->b, mid));
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:	/* little endian */
		*val = 64 - (bit_off + bit_sz - byte_off * 8ull);
		break;
	default:	/* BPF_CORE_FIELD_RSHIFT_U64 */
		*val = 64 - bit_sz;
	}
	return 0;
}

/* A load may follow a field that changed size only if zero extension
 * keeps the value: unsigned integers, and pointers. */
static int zext_class(const struct btf *b, uint32_t id)	/* 1 pointer, 2 unsigned int, else 0 */
{
	struct btf_type t = type_at(b, id);

	return kind_of(&t) == BTF_KIND_PTR ? 1 : kind_of(&t) == BTF_KIND_INT && !int_signed(b, id) ? 2 : 0;
}

int bo_core_resolve(struct btf *local, struct btf *const *targ, size_t ntarg,
		    const struct bo_core_relo *r, struct bo_core_res *res, const char **why)
{
	struct side l = { .b = local }, ts;
	struct btf_type lt;
	uint32_t id;
	const char *lname;
	size_t k;
	int found = 0, e, zl;

	memset(res, 0, sizeof(*res));
	work = 0;
	/* The object's side: one message for every way it can be wrong. */
	*why = BO_CORE_OBJ_BAD;
	if (follow(r, &l, NULL, NULL, 0) != 1 || calc(&l, r->kind))
		return -EINVAL;
	res->orig = res->val = l.val;
	res->orig_sz = l.sz;
	res->validate = l.validate;
	/* how the local field may change size (l is walked again with each candidate) */
	zl = l.sz ? zext_class(local, l.tid) : 0;
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL)
		return 0;
	lt = type_at(local, r->type_id);
	lname = name_of(local, &lt);
	if (!essential_len(lname))
		return -EINVAL;
	res->val = 0;
	/* The kernel's side: a type no search should take that long, or a
	 * bitfield no load reaches. */
	*why = "the kernel's type nests too deep, or no load reaches its field";
	for (k = 0; k < ntarg; k++) {
		struct btf *tb = targ[k];

		for (id = BTF_FIRST(tb); id <= btf_last(tb); id++) {
			struct btf_type t = type_at(tb, id);

			if (!kinds_compat(&t, &lt) || !same_essential(lname, str_at(tb, t.name_off)))
				continue;
			ts = (struct side){ .b = tb, .id = id };
			e = is_field(r->kind) || is_enumval(r->kind) ? follow(r, &l, &ts, NULL, 0) :
			    types_walk(local, r->type_id, tb, id,
				       r->kind == BPF_CORE_TYPE_MATCHES ? MATCH : COMPAT, 0);
			if (e < 0 || work > WORK_MAX)
				return -E2BIG;
			if (!e)
				continue;
			if (calc(&ts, r->kind))
				return -EINVAL;
			if (found && ts.val != res->val) {
				*why = "ambiguous: kernel types of that name disagree";
				return -EINVAL;
			}
			if (!found) {
				res->val = ts.val;
				res->new_sz = ts.sz;
				if (ts.sz && res->orig_sz && ts.sz != res->orig_sz)
					res->size_bad = !zl || zl != zext_class(tb, ts.tid);
			}
			found = 1;
		}
	}
	/* Not found: 0 for the "exists" and type kinds; the other field and
	 * enum value kinds poison their instruction. */
	res->missing = !found;
	if (!found)
		res->poison = r->kind < 32 && (POISON_KINDS >> r->kind & 1);
	return 0;
}
static int size_code(uint32_t bytes)
{
	return bytes == 1 ? BPF_B : bytes == 2 ? BPF_H : bytes == 4 ? BPF_W : bytes == 8 ? BPF_DW : -1;
}

int bo_core_patch(struct bpf_insn *insns, size_t cnt, const struct bo_core_relo *r,
		  const struct bo_core_res *res, const char **why)
{
	struct bpf_insn *in;
	uint64_t cur;
	int cls, alu, ld;

	*why = BO_CORE_OBJ_BAD;
	if (r->insn >= cnt)
		return -EINVAL;
	in = insns + r->insn;
	cls = BPF_CLASS(in->code);
	alu = cls == BPF_ALU || cls == BPF_ALU64;
	ld = cls == BPF_LD;
	/* An immediate (ALU with K, ld_imm64 whole) or a load/store offset. */
	if (alu ? BPF_SRC(in->code) != BPF_K :
	    ld ? in->code != (BPF_LD | BPF_IMM | BPF_DW) || r->insn + 1 >= cnt :
	    cls != BPF_LDX && cls != BPF_ST && cls != BPF_STX)
		return -EINVAL;
	if (res->poison)
		goto poison;
	cur = alu ? (uint32_t)in->imm :
	      ld ? (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in->imm :
	      (uint64_t)(int64_t)in->off;
	if (res->validate && cur != (alu ? (uint32_t)res->orig : res->orig))
		return -EINVAL;
	*why = "the kernel's value does not fit the instruction";
	if (ld) {
		in[0].imm = (int32_t)(uint32_t)res->val;
		in[1].imm = (int32_t)(uint32_t)(res->val >> 32);
		return 0;
	}
	if (alu) {
		if (res->val > UINT32_MAX && res->val != (uint64_t)(int64_t)(int32_t)res->val)
			return -ERANGE;
		in->imm = (int32_t)res->val;
		return 0;
	}
	if (res->val > INT16_MAX)
		return -ERANGE;
	if (res->new_sz != res->orig_sz && res->new_sz && res->orig_sz) {
		if (size_code(res->orig_sz) != BPF_SIZE(in->code) || size_code(res->new_sz) < 0)
			return -EINVAL;
		/* signed or other fields that changed size: poisoned, as libbpf does */
		if (res->size_bad)
			goto poison;
		in->code = (uint8_t)((in->code & ~0x18) | size_code(res->new_sz));
	}
	in->off = (int16_t)res->val;
	return 0;
poison:
	/* Not on this kernel: a call to a helper that does not exist.  The
	 * verifier refuses it only if this path can run. */
	if (ld)
		in[1] = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BO_CORE_POISON };
	*in = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BO_CORE_POISON };
	return 1;
}

void bo_core_describe(struct btf *local, const struct bo_core_relo *r, char *buf, size_t len)
{
	struct side s = { .b = local };
	uint32_t id = r->type_id;
	const char *name;
	struct btf_type t;
	size_t n;

	if (follow(r, &s, NULL, NULL, 0) != 1) {
		snprintf(buf, len, "[%u] %s", r->type_id, str_at(local, r->access_off) ?: "?");
		return;
	}
	t = type_at(local, id);
	name = name_of(local, &t);
	skip_mods(local, id, &id);	/* failing, id stays r->type_id (in range) */
	t = type_at(local, id);
	/* Type kinds have no accessors; an enumerator is "enum e::V"; a
	 * field's root [0] is left out: "struct s.a[2].b". */
	n = (size_t)snprintf(buf, len, "%s%s", is_composite(&t) ? (kind_of(&t) == BTF_KIND_UNION ?
			     "union " : "struct ") : is_enum(&t) ? "enum " : "", *name ? name : "(anon)");
	if (n < len)
		follow(r, &s, NULL, buf + n, len - n);
}

#endif
