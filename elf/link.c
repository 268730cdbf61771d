// SPDX-License-Identifier: GPL-2.0
/*
 * link.c: a program's instructions: its own, then every .text subprogram it
 * calls (appended once per program, calls re-aimed), and the relocations
 * that tie ld_imm64 instructions to maps and global data.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
	const char *sec;	/* the relocation being linked, for messages */
	size_t rel;
};

/* "section 'S': relocation N" then fmt. */
static int rfail(struct build *b, int err, const char *fmt, ...)
{
	struct bo_object *o = b->ps->o;
	va_list ap;

	va_start(ap, fmt);
	err = bo_fail_at(o, err, (size_t)snprintf(o->err, sizeof(o->err),
				  "section '%s': relocation %zu", b->sec, b->rel), fmt, ap);
	va_end(ap);
	return err;
}

static int add_reloc(struct build *b, uint32_t insn, uint32_t map,
		     uint32_t kind, uint32_t off)
{
	struct bo_prog *p = b->p;
	struct bo_reloc *r = bo_push(b->ps->o, &p->relocs, &p->nrelocs, sizeof(*r));

	if (!r)
		return -ENOMEM;
	*r = (struct bo_reloc){ insn, map, kind, off };
	return 0;
}

static int append_insns(struct build *b, const uint8_t *src, size_t n)
{
	struct bo_prog *p = b->p;

	if (p->insn_cnt + n > BPF_MAXINSNS * 256)	/* 1M: the verifier's own limit */
		return bo_failn(b->ps->o, -E2BIG, "program", p->name, "too many instructions");
	if (bo_charge(b->ps->o, 8 * (uint64_t)n))
		return -E2BIG;
	if (p->insn_cnt + n > b->cap) {
		size_t cap = (p->insn_cnt + n) * 2;
		struct bpf_insn *in = realloc(p->insns, cap * INSN_SZ);

		if (!in)
			return bo_oom(b->ps->o);
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
		err = bo_check_func(b->ps->o, text, f, 0);
		if (err)
			return err;
		s = bo_push(b->ps->o, &b->subs, &b->nsubs, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->start = f->value;
		s->end = f->value + f->size;
		s->pos = b->p->insn_cnt;
		*pos = s->pos;
		err = append_insns(b, text->data + f->value, f->size / INSN_SZ);
		if (!err)
			b->p->nsubprogs++;
		return err;
	}
	return bo_failn(b->ps->o, -EINVAL, "program", b->p->name,
		       "call to .text offset %llu, where no function starts", (unsigned long long)off);
}

/* Aim the call at instruction idx at the function at .text byte off. */
static int call_to(struct build *b, uint64_t off, size_t idx)
{
	size_t to = 0;
	int err = subprog_at(b, off, &to);

	if (!err)	/* after subprog_at: an append may move insns */
		b->p->insns[idx].imm = (int32_t)((int64_t)to - (int64_t)idx - 1);
	return err;
}

const struct ev_relsec *bo_relocs_for(const struct elf_view *v, uint32_t sec)
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
static int reloc_ldimm64(struct build *b, size_t idx, const struct ev_symbol *sym)
{
	struct parse *ps = b->ps;
	struct bo_object *o = ps->o;
	struct bpf_insn *in = &b->p->insns[idx];
	uint64_t off;
	size_t i;
	int m;

	if (sym->shndx == SHN_UNDEF)
		return rfail(b, -EOPNOTSUPP,
			       " against undefined symbol '%s' (extern and kconfig variables are not supported)", sym->name);
	if (sym->shndx >= ps->v->nsec)
		return rfail(b, -EINVAL,
			       " against '%s', which is not a map", sym->name);
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
		return rfail(b, -EINVAL,
			       " against '%s' matches no map definition", sym->name);
	}
	if (bo_is_data_section(&ps->v->sec[sym->shndx])) {
		off = sym->value + (uint32_t)in->imm;
		if (off >= ps->v->sec[sym->shndx].size)
			return rfail(b, -EINVAL,
				       " points %llu bytes into '%s', which has %llu", (unsigned long long)off,
				       ps->v->sec[sym->shndx].name,
				       (unsigned long long)ps->v->sec[sym->shndx].size);
		m = bo_data_map(ps, sym->shndx);
		if (m < 0)
			return m;
		return add_reloc(b, (uint32_t)idx, (uint32_t)m, BO_RELOC_MAP_VALUE,
				 (uint32_t)off);
	}
	if (sym->shndx == ps->text_sec)
		return rfail(b, -EOPNOTSUPP,
			       " takes the address of function '%s' (callbacks are not supported)", sym->name);
	return rfail(b, -EINVAL,
		       " against '%s' in section '%s', which is not a map", sym->name, ps->v->sec[sym->shndx].name);
}

/* A call with a relocation: target = symbol + (imm + 1) instructions
 * (libbpf's rule), in 64 bits: imm + 1 overflows an int at INT32_MAX (fuzzer). */
static int reloc_call(struct build *b, size_t idx, const struct ev_symbol *sym, uint64_t off)
{
	struct parse *ps = b->ps;
	struct bpf_insn *in = &b->p->insns[idx];

	if (in->code != CALL || in->src_reg != BPF_PSEUDO_CALL)
		return rfail(b, -EINVAL,
			       " at instruction %llu is not on a call (opcode 0x%02x)", (unsigned long long)(off / INSN_SZ), in->code);
	if (sym->shndx != ps->text_sec || !ps->text_sec)
		return rfail(b, -EINVAL,
			       ": call to '%s', which is not a function in .text", sym->name);
	return call_to(b, sym->value + ((int64_t)in->imm + 1) * (int64_t)INSN_SZ, idx);
}

/*
 * Pass 1 over one stretch of instructions, bytes [start, end) of section
 * sec copied to the program at insn index pos: its relocations (maps,
 * global data, calls).
 */
static int link_relocs(struct build *b, uint32_t sec, const struct ev_relsec *rs,
		       uint64_t start, uint64_t end, size_t pos)
{
	struct parse *ps = b->ps;
	const struct ev_section *s = &ps->v->sec[sec];
	size_t i, idx;
	int err;

	for (i = 0; rs && i < rs->count; i++) {
		const struct ev_rel *r = &rs->rel[i];
		const struct ev_symbol *sym = &ps->v->sym[r->sym];
		struct bpf_insn *in;

		b->sec = s->name;
		b->rel = i;
		if (r->offset >= s->size)
			return rfail(b, -EINVAL,
				       " at offset %llu is beyond the section (%llu bytes)", (unsigned long long)r->offset,
				       (unsigned long long)s->size);
		if (r->offset % INSN_SZ)
			return rfail(b, -EINVAL,
				       " at offset %llu is not on an instruction", (unsigned long long)r->offset);
		if (r->offset < start || r->offset >= end)
			continue;
		idx = pos + (r->offset - start) / INSN_SZ;
		in = &b->p->insns[idx];
		if (r->type == R_BPF_64_64) {
			if (in->code != LD_IMM64 || r->offset + 2 * INSN_SZ > end)
				return rfail(b, -EINVAL,
					       " at instruction %llu is not on an ld_imm64 (opcode 0x%02x)", (unsigned long long)(r->offset / INSN_SZ),
					       in->code);
			err = reloc_ldimm64(b, idx, sym);
		} else if (r->type == R_BPF_64_32) {
			err = reloc_call(b, idx, sym, r->offset);
		} else {
			return rfail(b, -EINVAL, " of unknown type %u", r->type);
		}
		if (err)
			return err;
	}
	return 0;
}

/* Pass 2: calls without relocation, pc-relative inside .text (older LLVM). */
static int link_pc_calls(struct build *b, uint32_t sec, const struct ev_relsec *rs,
			 uint64_t start, uint64_t end, size_t pos)
{
	struct parse *ps = b->ps;
	struct bo_object *o = ps->o;
	size_t i, k, n = (end - start) / INSN_SZ;
	int err, has_rel;

	for (k = 0; k < n; k++) {
		struct bpf_insn *in = &b->p->insns[pos + k];

		if (in->code != CALL || in->src_reg != BPF_PSEUDO_CALL)
			continue;
		if (bo_charge(o, rs ? rs->count : 0))
			return -E2BIG;
		for (i = 0, has_rel = 0; rs && i < rs->count; i++)
			has_rel |= rs->rel[i].offset == start + k * INSN_SZ;
		if (has_rel)
			continue;
		if (sec != ps->text_sec)
			return bo_failn(o, -EINVAL, "section", ps->v->sec[sec].name,
				       "call at instruction %zu has no relocation (subprograms belong in .text)", k);
		err = call_to(b, start + (int64_t)(k + 1 + in->imm) * (int64_t)INSN_SZ, pos + k);
		if (err)
			return err;
	}
	return 0;
}

/* Both passes over bytes [start, end) of section sec, at insn index pos. */
static int link_range(struct build *b, uint32_t sec, uint64_t start,
		      uint64_t end, size_t pos)
{
	const struct ev_relsec *rs = bo_relocs_for(b->ps->v, sec);
	int err;

	if (bo_charge(b->ps->o, b->ps->v->nrelsec + (rs ? rs->count : 0)))
		return -E2BIG;
	err = link_relocs(b, sec, rs, start, end, pos);
	return err ? err : link_pc_calls(b, sec, rs, start, end, pos);
}

#ifndef SOCKACCEL_NO_CORE
/* Where each stretch of code went, for .BTF.ext (btf_ext.c). */
static int keep_ranges(struct build *b, uint32_t sec, uint64_t start, uint64_t end)
{
	struct bo_prog *p = b->p;
	size_t i;

	p->ranges = malloc((b->nsubs + 1) * sizeof(*p->ranges));
	if (!p->ranges)
		return bo_oom(b->ps->o);
	p->ranges[0] = (struct bo_range){ sec, start, end, 0 };
	for (i = 0; i < b->nsubs; i++)
		p->ranges[i + 1] = (struct bo_range){ b->ps->text_sec, b->subs[i].start,
						      b->subs[i].end, b->subs[i].pos };
	p->nranges = b->nsubs + 1;
	return 0;
}
#else	/* the static build: its btf_ext.c spreads no .BTF.ext records */
#define keep_ranges(b, sec, start, end) 0
#endif

int bo_build_prog(struct parse *ps, struct bo_prog *p, uint32_t sec,
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
	if (!err)
		err = keep_ranges(&b, sec, start, end);
	free(b.subs);
	return err;
}

void bo_relocate(const struct bo_prog *p, const int *map_fds, struct bpf_insn *out)
{
	size_t i;

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
