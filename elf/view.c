// SPDX-License-Identifier: GPL-2.0
/*
 * view.c: checks that both ELF readers share, so that they accept and reject
 * exactly the same files, with the same words.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_view.h"

#ifndef EM_BPF
#define EM_BPF 247	/* <elf.h> has it since glibc 2.24 */
#endif

/*
 * A decoder that could not decode: libelf's can fail; the built-in
 * reader's cannot (it copies bytes already checked), so a build with no
 * libelf (the static one) leaves these branches out.
 */
#ifdef SOCKACCEL_HAVE_LIBELF
#define DECODE_FAILED(x) (x)
#else
#define DECODE_FAILED(x) ((void)(x), 0)
#endif

int ev_fail(struct elf_view *v, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	return err;
}

int ev_oom(struct elf_view *v)
{
	return ev_fail(v, -ENOMEM, "out of memory");
}

int ev_check_header(struct elf_view *v, const void *buf, size_t len,
		    struct ev_header *h)
{
	const unsigned char *id = buf;
	Elf64_Ehdr eh;

	if (len < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		return ev_fail(v, -ENOEXEC, "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS64)
		return ev_fail(v, -ENOEXEC,
			       "ELF class %u: BPF objects are ELF64", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return ev_fail(v, -ENOEXEC,
			       "%s: BPF objects for this host are little endian (clang -target bpfel)",
			       id[EI_DATA] == ELFDATA2MSB ? "big-endian object"
							  : "unknown byte order");
	/* libelf refuses any other (gABI: EV_CURRENT is the only version). */
	if (id[EI_VERSION] != EV_CURRENT)
		return ev_fail(v, -ENOEXEC, "ELF version %u, expected %u",
			       id[EI_VERSION], EV_CURRENT);
	if (len < sizeof(eh))
		return ev_fail(v, -ENOEXEC, "file of %zu bytes is shorter than an ELF header", len);
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_type != ET_REL)
		return ev_fail(v, -ENOEXEC,
			       "ELF type %u is not a relocatable object (compile with clang -c)",
			       eh.e_type);
	if (eh.e_machine != EM_BPF)
		return ev_fail(v, -ENOEXEC,
			       "machine %u is not BPF (%u): compile with clang -target bpf",
			       eh.e_machine, EM_BPF);
	if (eh.e_shnum == 0 || eh.e_shstrndx == SHN_XINDEX)
		return ev_fail(v, -ENOEXEC,
			       "no section header table, or extended section numbering (not supported)");
	if (eh.e_shentsize != sizeof(Elf64_Shdr))
		return ev_fail(v, -ENOEXEC, "section header size %u, expected %zu",
			       eh.e_shentsize, sizeof(Elf64_Shdr));
	if (!ev_in_bounds(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len))
		return ev_fail(v, -ENOEXEC,
			       "section header table (offset %llu, %u entries) lies outside the file",
			       (unsigned long long)eh.e_shoff, eh.e_shnum);
	if (eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum)
		return ev_fail(v, -ENOEXEC, "section name table index %u out of range",
			       eh.e_shstrndx);
	h->shoff = eh.e_shoff;
	h->shnum = eh.e_shnum;
	h->shstrndx = eh.e_shstrndx;
	return 0;
}

/*
 * Section types made of fixed-size entries (other than the symbol table and
 * REL, checked below): libelf (elfutils 0.188) refuses a section of one of
 * them whose size is not a whole number of entries, so both readers do.
 */
static const struct __attribute__((packed)) {
	uint32_t type;
	uint8_t size;
} entries[] = {
	{ SHT_HASH, 4 }, { SHT_DYNAMIC, 16 }, { SHT_DYNSYM, 24 },
	{ SHT_INIT_ARRAY, 8 }, { SHT_FINI_ARRAY, 8 }, { SHT_PREINIT_ARRAY, 8 },
	{ SHT_GROUP, 4 }, { SHT_SYMTAB_SHNDX, 4 }, { SHT_GNU_LIBLIST, 20 },
	/* SUNW_move: libelf counts the 28 bytes of the file's entry, not the
	 * 32 of a padded Elf64_Move (found by the differential fuzzer). */
	{ SHT_SUNW_move, 28 }, { SHT_SUNW_syminfo, 4 }, { SHT_GNU_verneed, 16 },
	{ SHT_GNU_versym, 2 },
};

static int check_section(struct elf_view *v, uint32_t idx,
			 const Elf64_Shdr *sh, size_t len)
{
	size_t i;

	if (sh->sh_type != SHT_NOBITS && !ev_in_bounds(sh->sh_offset, sh->sh_size, len))
		return ev_fail(v, -ENOEXEC,
			       "section %u: data (offset %llu, size %llu) lies outside the file",
			       idx, (unsigned long long)sh->sh_offset,
			       (unsigned long long)sh->sh_size);
	if (sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_REL) {
		int sym = sh->sh_type == SHT_SYMTAB;
		unsigned es = sym ? sizeof(Elf64_Sym) : sizeof(Elf64_Rel);

		if (sh->sh_entsize != es || sh->sh_size % es)
			return ev_fail(v, -ENOEXEC,
				       "section %u: %s of %llu bytes in entries of %llu, expected entries of %u",
				       idx, sym ? "symbol table" : "relocations",
				       (unsigned long long)sh->sh_size,
				       (unsigned long long)sh->sh_entsize, es);
	}
	if (sh->sh_type == SHT_RELA)
		return ev_fail(v, -ENOEXEC,
			       "section %u: RELA relocations (BPF objects use REL)", idx);
	/*
	 * libelf reads no strings, symbols or relocations out of a compressed
	 * section, so neither reader does.  Compressed debug info (clang -gz)
	 * stays readable: nothing here looks inside it.
	 */
	if ((sh->sh_flags & SHF_COMPRESSED) &&
	    (sh->sh_type == SHT_STRTAB || sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_REL))
		return ev_fail(v, -ENOEXEC,
			       "section %u: compressed (not supported)", idx);
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (sh->sh_type == entries[i].type && sh->sh_size % entries[i].size)
			return ev_fail(v, -ENOEXEC,
				       "section %u: %llu bytes are not whole %u-byte entries",
				       idx, (unsigned long long)sh->sh_size, entries[i].size);
	return 0;
}

static int bad_name(struct elf_view *v, const char *what, size_t idx,
		    uint64_t off)
{
	return ev_fail(v, -ENOEXEC,
		       "%s %zu: name offset %llu is not a string inside its string table",
		       what, idx, (unsigned long long)off);
}

static int undecodable(struct elf_view *v, const char *what, size_t idx)
{
	return ev_fail(v, -ENOEXEC, "%s %zu: the ELF reader could not decode it",
		       what, idx);
}

static int build_sections(struct elf_view *v, const struct ev_decoder *d,
			  void *ctx, size_t len, const struct ev_header *h)
{
	uint32_t i, *name_off;
	int err = 0;

	v->sec = calloc(h->shnum, sizeof(*v->sec));
	name_off = calloc(h->shnum, sizeof(*name_off));
	if (!v->sec || !name_off) {
		free(name_off);
		return ev_oom(v);
	}
	v->nsec = h->shnum;
	for (i = 0; i < h->shnum; i++) {
		struct ev_section *s = &v->sec[i];
		Elf64_Shdr sh;

		if (DECODE_FAILED(d->shdr(ctx, i, &sh))) {
			err = undecodable(v, "section header", i);
			goto out;
		}
		err = check_section(v, i, &sh, len);
		if (err)
			goto out;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->offset = sh.sh_offset;
		s->size = sh.sh_size;
		s->entsize = sh.sh_entsize;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		name_off[i] = sh.sh_name;
		if (i > 0 && sh.sh_type != SHT_NOBITS && sh.sh_size) {
			s->data = d->data(ctx, i, sh.sh_size);
			if (DECODE_FAILED(!s->data)) {
				err = undecodable(v, "section", i);
				goto out;
			}
		}
	}
	if (v->sec[h->shstrndx].type != SHT_STRTAB) {
		err = ev_fail(v, -ENOEXEC,
			      "section name table (section %u) is not a string table",
			      h->shstrndx);
		goto out;
	}
	for (i = 0; i < h->shnum; i++) {
		v->sec[i].name = d->string(ctx, h->shstrndx, name_off[i]);
		if (!v->sec[i].name) {
			err = bad_name(v, "section", i, name_off[i]);
			goto out;
		}
	}
out:
	free(name_off);
	return err;
}

/* The one SHT_SYMTAB, whose sh_link is its string table; none is fine. */
static int find_symtab(struct elf_view *v, uint32_t *symtab)
{
	uint32_t i, link;

	*symtab = 0;
	for (i = 1; i < v->nsec; i++) {
		if (v->sec[i].type != SHT_SYMTAB)
			continue;
		if (*symtab)
			return ev_fail(v, -ENOEXEC, "more than one symbol table");
		*symtab = i;
	}
	if (!*symtab)
		return 0;
	link = v->sec[*symtab].link;
	if (link == 0 || link >= v->nsec || v->sec[link].type != SHT_STRTAB)
		return ev_fail(v, -ENOEXEC,
			       "symbol table: string table index %u is not a string table",
			       link);
	return 0;
}

static int build_symbols(struct elf_view *v, const struct ev_decoder *d,
			 void *ctx, uint32_t symtab)
{
	size_t i, n = v->sec[symtab].size / sizeof(Elf64_Sym);

	if (n == 0)
		return 0;
	v->sym = calloc(n, sizeof(*v->sym));
	if (!v->sym)
		return ev_oom(v);
	v->nsym = n;
	for (i = 0; i < n; i++) {
		struct ev_symbol *s = &v->sym[i];
		Elf64_Sym es;

		if (DECODE_FAILED(d->sym(ctx, symtab, i, &es)))
			return undecodable(v, "symbol", i);
		s->name = d->string(ctx, v->sec[symtab].link, es.st_name);
		if (!s->name)
			return bad_name(v, "symbol", i, es.st_name);
		s->value = es.st_value;
		s->size = es.st_size;
		s->shndx = es.st_shndx;
		s->type = ELF64_ST_TYPE(es.st_info);
		s->bind = ELF64_ST_BIND(es.st_info);
	}
	return 0;
}

static int build_relocations(struct elf_view *v, const struct ev_decoder *d,
			     void *ctx, uint32_t symtab)
{
	uint32_t i, n = 0;

	for (i = 1; i < v->nsec; i++)
		n += v->sec[i].type == SHT_REL;
	if (n == 0)
		return 0;
	v->relsec = calloc(n, sizeof(*v->relsec));
	if (!v->relsec)
		return ev_oom(v);
	for (i = 1; i < v->nsec; i++) {
		const struct ev_section *s = &v->sec[i];
		struct ev_relsec *r;
		size_t j;

		if (s->type != SHT_REL)
			continue;
		if (!symtab || s->link != symtab)
			return ev_fail(v, -ENOEXEC,
				       "section '%s': relocations refer to section %u, not the symbol table",
				       s->name, s->link);
		r = &v->relsec[v->nrelsec++];
		r->index = i;
		r->target = s->info;
		r->count = s->size / sizeof(Elf64_Rel);
		if (r->count == 0)
			continue;
		r->rel = calloc(r->count, sizeof(*r->rel));
		if (!r->rel)
			return ev_oom(v);
		for (j = 0; j < r->count; j++) {
			Elf64_Rel er;

			if (DECODE_FAILED(d->rel(ctx, i, j, &er)))
				return undecodable(v, "relocation", j);
			r->rel[j].offset = er.r_offset;
			r->rel[j].sym = ELF64_R_SYM(er.r_info);
			r->rel[j].type = ELF64_R_TYPE(er.r_info);
		}
	}
	return 0;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

void ev_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (i = n; i-- > 1;) {
		swap_bytes(b, b + i * size, size);
		sift_down(b, 0, i, size, cmp);
	}
}

static int cmp_by_offset(const void *a, const void *b)
{
	const struct ev_section *x = *(const struct ev_section *const *)a;
	const struct ev_section *y = *(const struct ev_section *const *)b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Two sections whose bytes overlap are a corrupt (or crafted) file. */
static int check_overlap(struct elf_view *v)
{
	const struct ev_section **s;
	size_t n = 0, i;
	int err = 0;

	s = calloc(v->nsec ? v->nsec : 1, sizeof(*s));
	if (!s)
		return ev_oom(v);
	for (i = 1; i < v->nsec; i++)
		if (v->sec[i].type != SHT_NOBITS && v->sec[i].size)
			s[n++] = &v->sec[i];
	ev_sort(s, n, sizeof(*s), cmp_by_offset);
	for (i = 1; i < n; i++) {
		if (s[i]->offset < s[i - 1]->offset + s[i - 1]->size) {
			err = ev_fail(v, -ENOEXEC, "sections '%s' and '%s' overlap",
				      s[i - 1]->name, s[i]->name);
			break;
		}
	}
	free(s);
	return err;
}

static int check_indices(struct elf_view *v)
{
	size_t i, j;

	for (i = 1; i < v->nsym; i++) {
		uint32_t sh = v->sym[i].shndx;

		if (sh >= v->nsec && sh < SHN_LORESERVE)
			return ev_fail(v, -ENOEXEC,
				       "symbol %zu ('%s'): section index %u out of range",
				       i, v->sym[i].name, sh);
		if (sh == SHN_XINDEX)
			return ev_fail(v, -ENOEXEC,
				       "symbol %zu ('%s'): extended section index (not supported)",
				       i, v->sym[i].name);
	}
	for (i = 0; i < v->nrelsec; i++) {
		const struct ev_relsec *r = &v->relsec[i];

		if (r->target == 0 || r->target >= v->nsec)
			return ev_fail(v, -ENOEXEC,
				       "relocation section %u: target section %u out of range",
				       r->index, r->target);
		for (j = 0; j < r->count; j++)
			if (r->rel[j].sym == 0 || r->rel[j].sym >= v->nsym)
				return ev_fail(v, -ENOEXEC,
					       "section '%s': relocation %zu: symbol index %u out of range",
					       v->sec[r->index].name, j, r->rel[j].sym);
	}
	return check_overlap(v);
}

int ev_build(struct elf_view *v, const struct ev_decoder *d, void *ctx,
	     size_t len, const struct ev_header *h)
{
	uint32_t symtab = 0;
	int err;

	err = build_sections(v, d, ctx, len, h);
	if (!err)
		err = find_symtab(v, &symtab);
	if (!err && symtab)
		err = build_symbols(v, d, ctx, symtab);
	if (!err)
		err = build_relocations(v, d, ctx, symtab);
	if (!err)
		err = check_indices(v);
	if (err)
		elf_view_free(v);	/* which leaves v->err */
	return err;
}

void elf_view_free(struct elf_view *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nrelsec; i++)
		free(v->relsec[i].rel);
	free(v->relsec);
	free(v->sym);
	free(v->sec);
	if (v->release)
		v->release(v);
	v->relsec = NULL;
	v->sym = NULL;
	v->sec = NULL;
	v->nrelsec = v->nsym = v->nsec = 0;
	v->release = NULL;
	v->priv = NULL;
}
