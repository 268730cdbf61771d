// SPDX-License-Identifier: GPL-2.0
/*
 * btf_ext.c: the object's .BTF kept for the kernel (BPF_BTF_LOAD), and
 * .BTF.ext spread over the programs.
 *
 * .BTF.ext (no UAPI header; the layout libbpf and LLVM share, see the
 * kernel's Documentation/bpf/btf.rst "BTF.ext section"):
 *
 *	u16 magic 0xeB9F, u8 version 1, u8 flags, u32 hdr_len,
 *	u32 func_info_off, func_info_len, line_info_off, line_info_len,
 *	u32 core_relo_off, core_relo_len	(LLVM 12; older headers stop before)
 *
 * Offsets count from the end of the header.  Each part is a u32 record
 * size, then per ELF section: u32 name (in .BTF's strings), u32 count,
 * count records of that size.  Records name byte offsets in their section;
 * a program holds its own code and the .text functions it calls (link.c
 * keeps where each went), so one record may land in several programs.
 * Records larger than the ones we know (later LLVM) are read up to what we
 * know, as the kernel does with func_info_rec_size.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "btf_read.h"

#define EXT_MAGIC 0xeB9F

struct ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t off_len[3][2];	/* func_info, line_info, core_relo */
};

#ifndef SOCKACCEL_NO_CORE

/* What each part holds: the record size we read, and where it goes. */
static const struct ext_part {
	const char *name;
	uint32_t rec;
} parts[3] = {
	{ "func_info", sizeof(struct bpf_func_info) },
	{ "line_info", sizeof(struct bpf_line_info) },
	{ "core_relo", sizeof(struct bo_core_relo) },	/* = struct bpf_core_relo */
};

static int efail(struct bo_object *o, const char *part, const char *what)
{
	return bo_failn(o, -EINVAL, "section", ".BTF.ext", "%s: %s", part, what);
}

static uint32_t sec_by_name(const struct elf_view *v, const char *name)
{
	uint32_t i;

	for (i = 1; i < v->nsec; i++)
		if (!strcmp(v->sec[i].name, name))
			return i;
	return 0;
}

/* Each part's array in struct bo_prog, then its count, part after part. */
#define PAIR (offsetof(struct bo_prog, line_info) - offsetof(struct bo_prog, func_info))
_Static_assert(offsetof(struct bo_prog, core) - offsetof(struct bo_prog, line_info) == PAIR &&
	       offsetof(struct bo_prog, nfunc_info) - offsetof(struct bo_prog, func_info) ==
	       offsetof(struct bo_prog, ncore) - offsetof(struct bo_prog, core), "bo_prog parts");

/* One record, its offset already checked: append it to p at insn. */
static int add_rec(struct bo_object *o, struct bo_prog *p, int part,
		   const uint8_t *r, uint32_t insn, const struct btf *b)
{
	uint8_t *arr = (uint8_t *)&p->func_info + part * PAIR, *na;
	uint32_t w[4];
	const char *acc;

	memcpy(w, r, parts[part].rec);
	w[0] = insn;
	/* Checked here so that nothing later looks up a bad id or string. */
	/* func_info and line_info only go to the kernel, which checks them. */
	if (part == 2 && (w[1] > btf_last(b) || !(acc = str_at(b, w[2])) || !*acc ||
			  w[3] > BPF_CORE_TYPE_MATCHES))
		return efail(o, "core_relo", "a record's type, string or kind is out of range");
	na = bo_push(o, arr, (size_t *)(arr + offsetof(struct bo_prog, nfunc_info) -
				       offsetof(struct bo_prog, func_info)), parts[part].rec);
	if (!na)
		return -ENOMEM;
	memcpy(na, w, parts[part].rec);
	return 0;
}

/*
 * One part: first check every section entry and record, then hand the
 * records to the programs, each program in its own instruction order
 * (its code, then its subprograms), as the kernel wants func_info and
 * line_info sorted.
 */
static int spread_part(struct parse *ps, const struct btf *b, int part,
		       const uint8_t *d, uint32_t len)
{
	struct bo_object *o = ps->o;
	const char *pn = parts[part].name;
	uint32_t rec, pos, k;
	size_t i, r;
	int err;

	if (len == 0)
		return 0;
	if (len >= 4)
		memcpy(&rec, d, 4);
	if (len < 4 || rec < parts[part].rec || rec > 1024)
		return efail(o, pn, "record size out of range");
	for (i = 0; i < o->nprogs; i++) {
		struct bo_prog *p = &o->progs[i];

		for (r = 0; r < p->nranges; r++) {
			const struct bo_range *rg = &p->ranges[r];

			for (pos = 4; pos < len;) {
				uint32_t h[2];
				const char *name;

				if (len - pos < 8)
					return efail(o, pn, "records or section name beyond the part");
				memcpy(h, d + pos, 8);
				pos += 8;
				name = str_at(b, h[0]);
				if (h[1] > (len - pos) / rec || !name)
					return efail(o, pn, "records or section name beyond the part");
				if (bo_charge(o, h[1] + 1))
					return -E2BIG;
				/* records of another section: skipped whole */
				if (strcmp(name, ps->v->sec[rg->sec].name)) {
					pos += h[1] * rec;
					continue;
				}
				for (k = 0; k < h[1]; k++, pos += rec) {
					uint32_t off;

					memcpy(&off, d + pos, 4);
					if (off % INSN_SZ || off < rg->start || off >= rg->end)
						continue;
					err = add_rec(o, p, part, d + pos,
						      (uint32_t)(rg->pos + (off - rg->start) / INSN_SZ), b);
					if (err)
						return err;
				}
			}
		}
	}
	return 0;
}

/*
 * clang leaves each DATASEC's size 0 (and variable offsets to the linker);
 * the kernel refuses a DATASEC of size 0.  Fill both in from the ELF
 * section and its symbols, as libbpf does before BPF_BTF_LOAD.
 */
static void fix_datasecs(struct parse *ps, struct btf *b, uint8_t *types)
{
	const struct elf_view *v = ps->v;
	uint32_t id, i, k, vt, sec;

	for (id = 1; id <= btf_last(b); id++) {
		struct btf_type t = type_at(b, id);
		/* struct btf_type then vlen struct btf_var_secinfo { type, offset, size } */
		uint8_t *d = types + b->off[id];

		if (BTF_INFO_KIND(t.info) != BTF_KIND_DATASEC || !str_at(b, t.name_off) ||
		    !(sec = sec_by_name(v, str_at(b, t.name_off))) || v->sec[sec].size > UINT32_MAX ||
		    bo_charge(ps->o, (uint64_t)v->nsym * BTF_INFO_VLEN(t.info)))
			continue;
		t.size = (uint32_t)v->sec[sec].size;
		memcpy(d + 8, &t.size, 4);
		for (i = 0, d += 12; i < BTF_INFO_VLEN(t.info); i++, d += 12) {
			const char *vn;

			memcpy(&vt, d, 4);
			vn = vt && vt <= btf_last(b) ? str_at(b, type_at(b, vt).name_off) : NULL;
			for (k = 1; vn && k < v->nsym; k++)
				if (v->sym[k].shndx == sec && v->sym[k].value <= UINT32_MAX &&
				    !strcmp(v->sym[k].name, vn))
					memcpy(d + 4, &v->sym[k].value, 4);	/* little endian */
		}
	}
}

int bo_btf_ext(struct parse *ps, uint32_t btf_sec, uint32_t ext_sec)
{
	const struct ev_section *bs = &ps->v->sec[btf_sec];
	const struct ev_section *es = ext_sec ? &ps->v->sec[ext_sec] : NULL;
	struct bo_object *o = ps->o;
	struct ext_hdr h;
	static struct btf b;	/* scratch, filled by btf_open(): loader/cli/cli.h */
	int err, part;

	if (!bs->data || bs->size > UINT32_MAX)
		return es ? bo_fail(o, -EINVAL, "section '.BTF' is empty or too large") : 0;
	o->btf = malloc(bs->size ? bs->size : 1);
	if (!o->btf)
		return bo_oom(o);
	memcpy(o->btf, bs->data, bs->size);
	o->btf_len = (uint32_t)bs->size;
	/* Unreadable .BTF without .BTF.ext: nothing needs it, load as before
	 * without it; with .BTF.ext, btf_open() says what is wrong. */
	err = btf_open(&b, o->btf, o->btf_len, NULL, es ? o : NULL);
	if (err) {
		btf_close(&b);
		free(o->btf);
		o->btf = NULL;
		o->btf_len = 0;
		return es ? err : 0;
	}
	b.o = NULL;	/* nothing after this reports through b */
	if (PROG_BTF)	/* only the kernel's BPF_BTF_LOAD needs them */
		fix_datasecs(ps, &b, (uint8_t *)b.types);
	err = 0;
	if (es) {
		memset(&h, 0, sizeof(h));
		if (es->data && es->size >= 24)
			memcpy(&h, es->data, es->size < sizeof(h) ? es->size : sizeof(h));
		if (h.magic != EXT_MAGIC || h.version != 1 || h.hdr_len < 24 || h.hdr_len > es->size)
			err = bo_failn(o, -EINVAL, "section", ".BTF.ext", "bad magic, version or header length");
		if (!err && h.hdr_len < sizeof(h))	/* no core_relo part */
			h.off_len[2][0] = h.off_len[2][1] = 0;
		/* Without program BTF, func_info and line_info are not read. */
		for (part = PROG_BTF ? 0 : 2; !err && part < 3; part++) {
			uint64_t rest = es->size - h.hdr_len;

			if (h.off_len[part][0] > rest || h.off_len[part][1] > rest - h.off_len[part][0])
				err = efail(o, parts[part].name, "outside the section");
			else
				err = spread_part(ps, &b, part,
						  es->data + h.hdr_len + h.off_len[part][0],
						  h.off_len[part][1]);
		}
	}
	btf_close(&b);
	return err;
}

#else	/* the static build (96 KiB): no CO-RE, programs load without their BTF */
int bo_btf_ext(struct parse *ps, uint32_t btf_sec, uint32_t ext_sec)
{
	const struct ev_section *es = ext_sec ? &ps->v->sec[ext_sec] : NULL;
	struct ext_hdr h;

	(void)btf_sec;
	if (!es)
		return 0;
	memset(&h, 0, sizeof(h));
	if (es->data && es->size >= 24)
		memcpy(&h, es->data, es->size < sizeof(h) ? es->size : sizeof(h));
	if (h.magic != EXT_MAGIC || h.version != 1 || h.hdr_len < 24 || h.hdr_len > es->size)
		return bo_fail(ps->o, -EINVAL, "section '.BTF.ext': bad magic, version or header length");
	if (h.hdr_len >= sizeof(h) && h.off_len[2][1])
		return bo_fail(ps->o, -EOPNOTSUPP, "the object has CO-RE relocations, and this static "
			       "build has no CO-RE (it stays within 96 KiB): load it with the default build");
	return 0;
}
#endif
