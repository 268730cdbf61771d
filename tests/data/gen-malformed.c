// SPDX-License-Identifier: GPL-2.0
/*
 * gen-malformed: the corpus of malformed BPF objects (tests/data/malformed/),
 * made from our own valid objects by breaking one thing at a time.
 *
 *   gen-malformed [--large] OUTDIR LEGACY.o ELFMAP.o BTF.o BIGENDIAN.o
 *
 * LEGACY.o is sockaccel.bpf.o as built (legacy "maps"), ELFMAP.o the same
 * with iproute2's struct bpf_elf_map, BTF.o with BTF-defined ".maps",
 * BIGENDIAN.o built with clang -target bpfeb.  Each case becomes
 * OUTDIR/<name>.o and one line "<name>.o<TAB><expected>" in OUTDIR/MANIFEST,
 * where <expected> is a substring of the error every ELF reader must give,
 * or "=ok" for an object that must parse.  Expected messages are computed
 * here from the layout this program writes, so a new compiler changes the
 * numbers, not the verdicts.
 *
 * --large adds an object of 2.5 MiB that is well formed but would make a
 * parser work quadratically (too big to commit: `make test` makes it in
 * build/ only).
 *
 * The inputs are our build products and trusted: this program checks only
 * what it needs to find its way (and exits 1 if they are not what it
 * expects).  It writes deterministic output: no time, no randomness.
 */
#include <elf.h>
#include <linux/bpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bpf/sockaccel.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_64_64 1
#define R_BPF_64_32 10
#define MAXSEC 32
#define BPF_LD_IMM64_CODE 0x18	/* BPF_LD | BPF_IMM | BPF_DW */

struct sec {
	Elf64_Shdr sh;
	uint8_t *d;	/* sh_size bytes; NULL for SHT_NOBITS */
};

struct obj {
	Elf64_Ehdr eh;
	unsigned n;
	struct sec s[MAXSEC];
};

static const char *outdir;
static FILE *manifest;
static int ncases;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "gen-malformed: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		die("%s: %s", path, strerror(errno));
	rewind(f);
	b = xmalloc((size_t)n);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		die("%s: short read", path);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* ---- the model: ELF header and sections, re-serialised per case ---- */

static struct obj *load(const char *path)
{
	size_t len, i;
	uint8_t *b = read_all(path, &len);
	struct obj *o = xmalloc(sizeof(*o));

	memcpy(&o->eh, b, sizeof(o->eh));
	if (len < sizeof(o->eh) || memcmp(b, ELFMAG, SELFMAG) || o->eh.e_machine != EM_BPF ||
	    o->eh.e_ident[EI_DATA] != ELFDATA2LSB || o->eh.e_shnum > MAXSEC)
		die("%s: not one of our little-endian BPF objects", path);
	o->n = o->eh.e_shnum;
	for (i = 0; i < o->n; i++) {
		struct sec *s = &o->s[i];

		memcpy(&s->sh, b + o->eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(s->sh));
		if (s->sh.sh_type != SHT_NOBITS) {
			s->d = xmalloc(s->sh.sh_size);
			memcpy(s->d, b + s->sh.sh_offset, s->sh.sh_size);
		}
	}
	free(b);
	return o;
}

static struct obj *clone(const struct obj *src)
{
	struct obj *o = xmalloc(sizeof(*o));
	unsigned i;

	*o = *src;
	for (i = 0; i < o->n; i++) {
		if (!src->s[i].d)
			continue;
		o->s[i].d = xmalloc(src->s[i].sh.sh_size);
		memcpy(o->s[i].d, src->s[i].d, src->s[i].sh.sh_size);
	}
	return o;
}

static void free_obj(struct obj *o)
{
	unsigned i;

	for (i = 0; i < o->n; i++)
		free(o->s[i].d);
	free(o);
}

/*
 * Write the object: ELF header, then either the section data followed by
 * the section header table (as clang does) or the table first.  The offsets
 * chosen are stored back in the model, for the expected messages.
 */
static uint8_t *serialize(struct obj *o, int table_first, size_t *len)
{
	size_t pos = sizeof(Elf64_Ehdr), shoff = 0, total, i;
	uint8_t *b;

	if (table_first) {
		shoff = pos;
		pos += o->n * sizeof(Elf64_Shdr);
	}
	for (i = 1; i < o->n; i++) {
		Elf64_Shdr *sh = &o->s[i].sh;
		size_t align = sh->sh_addralign > 1 ? sh->sh_addralign : 1;

		pos = (pos + align - 1) / align * align;
		sh->sh_offset = pos;
		if (sh->sh_type != SHT_NOBITS)
			pos += sh->sh_size;
	}
	if (!table_first) {
		pos = (pos + 7) / 8 * 8;
		shoff = pos;
		pos += o->n * sizeof(Elf64_Shdr);
	}
	total = pos;
	b = xmalloc(total);
	o->eh.e_shoff = shoff;
	o->eh.e_shnum = (uint16_t)o->n;
	o->eh.e_shentsize = sizeof(Elf64_Shdr);
	memcpy(b, &o->eh, sizeof(o->eh));
	for (i = 0; i < o->n; i++) {
		memcpy(b + shoff + i * sizeof(Elf64_Shdr), &o->s[i].sh, sizeof(Elf64_Shdr));
		if (o->s[i].d && o->s[i].sh.sh_size)
			memcpy(b + o->s[i].sh.sh_offset, o->s[i].d, o->s[i].sh.sh_size);
	}
	*len = total;
	return b;
}

static Elf64_Ehdr *ehdr(uint8_t *b)
{
	return (Elf64_Ehdr *)b;
}

/* A section header inside serialised bytes (the layout is ours: aligned). */
static Elf64_Shdr *shdr_at(uint8_t *b, unsigned i)
{
	return (Elf64_Shdr *)(b + ehdr(b)->e_shoff) + i;
}

static const char *sec_name(const struct obj *o, unsigned i)
{
	return (const char *)o->s[o->eh.e_shstrndx].d + o->s[i].sh.sh_name;
}

static unsigned sec(const struct obj *o, const char *name)
{
	unsigned i;

	for (i = 1; i < o->n; i++)
		if (!strcmp(sec_name(o, i), name))
			return i;
	die("no section '%s'", name);
	return 0;
}

static unsigned symtab(const struct obj *o)
{
	unsigned i;

	for (i = 1; i < o->n; i++)
		if (o->s[i].sh.sh_type == SHT_SYMTAB)
			return i;
	die("no symbol table");
	return 0;
}

static Elf64_Sym *syms(const struct obj *o, size_t *n)
{
	const struct sec *s = &o->s[symtab(o)];

	*n = s->sh.sh_size / sizeof(Elf64_Sym);
	return (Elf64_Sym *)s->d;
}

static const char *sym_name(const struct obj *o, const Elf64_Sym *s)
{
	return (const char *)o->s[o->s[symtab(o)].sh.sh_link].d + s->st_name;
}

static unsigned symi(const struct obj *o, const char *name)
{
	size_t n, i;
	Elf64_Sym *s = syms(o, &n);

	for (i = 1; i < n; i++)
		if (!strcmp(sym_name(o, &s[i]), name))
			return (unsigned)i;
	die("no symbol '%s'", name);
	return 0;
}

static Elf64_Sym *sym(const struct obj *o, const char *name)
{
	size_t n;

	return &syms(o, &n)[symi(o, name)];
}

static Elf64_Rel *rels(const struct obj *o, const char *relsec, size_t *n)
{
	const struct sec *s = &o->s[sec(o, relsec)];

	*n = s->sh.sh_size / sizeof(Elf64_Rel);
	return (Elf64_Rel *)s->d;
}

static Elf64_Rel *rel0(const struct obj *o, const char *relsec)
{
	size_t n;

	return rels(o, relsec, &n);
}

static void resize(struct obj *o, unsigned i, uint64_t size)
{
	struct sec *s = &o->s[i];

	s->d = realloc(s->d, size ? size : 1);
	if (!s->d)
		die("out of memory");
	if (size > s->sh.sh_size)
		memset(s->d + s->sh.sh_size, 0, size - s->sh.sh_size);
	s->sh.sh_size = size;
}

/* Append a string to a string table; its offset. */
static uint32_t add_str(struct obj *o, unsigned strtab, const char *str)
{
	uint64_t off = o->s[strtab].sh.sh_size;

	resize(o, strtab, off + strlen(str) + 1);
	memcpy(o->s[strtab].d + off, str, strlen(str) + 1);
	return (uint32_t)off;
}

static void rename_sec(struct obj *o, const char *from, const char *to)
{
	unsigned i = sec(o, from);

	o->s[i].sh.sh_name = add_str(o, o->eh.e_shstrndx, to);
}

static void rename_sym(struct obj *o, const char *from, const char *to)
{
	Elf64_Sym *s = sym(o, from);

	s->st_name = add_str(o, o->s[symtab(o)].sh.sh_link, to);
}

static unsigned add_sec(struct obj *o, const char *name, uint32_t type,
			const void *data, uint64_t size)
{
	struct sec *s;

	if (o->n == MAXSEC)
		die("too many sections");
	s = &o->s[o->n];
	memset(s, 0, sizeof(*s));
	s->sh.sh_name = add_str(o, o->eh.e_shstrndx, name);
	s->sh.sh_type = type;
	s->sh.sh_addralign = 8;
	s->sh.sh_size = size;
	if (type != SHT_NOBITS) {
		s->d = xmalloc(size);
		memcpy(s->d, data, size);
	}
	return o->n++;
}

/* A map definition's u32 field (legacy "maps" section). */
static uint32_t *map_field(struct obj *o, const char *map, unsigned field)
{
	return (uint32_t *)(o->s[sec(o, "maps")].d + sym(o, map)->st_value) + field;
}

/* ---- output ---- */

static const char *fmt(const char *f, ...)
{
	static char buf[4][512];
	static int k;
	va_list ap;

	k = (k + 1) % 4;
	va_start(ap, f);
	vsnprintf(buf[k], sizeof(buf[k]), f, ap);
	va_end(ap);
	return buf[k];
}

static void emit_bytes(const char *name, const uint8_t *b, size_t len, const char *expect)
{
	char path[4096], *p;
	FILE *f;

	/* a case named after a section ("raw_tracepoint/NAME"): one file */
	name = fmt("%s", name);
	for (p = (char *)name; (p = strchr(p, '/')); )
		*p = '_';
	snprintf(path, sizeof(path), "%s/%s.o", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f))
		die("%s: %s", path, strerror(errno));
	fprintf(manifest, "%s.o\t%s\n", name, expect);
	ncases++;
}

/* Serialise (clang's layout), write, free. */
static void emit(const char *name, struct obj *o, const char *expect)
{
	size_t len;
	uint8_t *b = serialize(o, 0, &len);

	emit_bytes(name, b, len, expect);
	free(b);
	free_obj(o);
}

/* ---- the cases ---- */

static struct obj *L, *E, *B;	/* legacy, bpf_elf_map, BTF */

static void not_elf(const uint8_t *raw, size_t len)
{
	static const char text[] = "#!/bin/sh\necho this is not an object\n";
	uint8_t junk[512], *b;
	uint32_t x = 2463534242u;
	size_t i;

	emit_bytes("empty", raw, 0, "not an ELF file");
	emit_bytes("text-file", (const uint8_t *)text, sizeof(text) - 1, "not an ELF file");
	for (i = 0; i < sizeof(junk); i++) {	/* xorshift32: fixed junk */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (uint8_t)x;
	}
	emit_bytes("random-bytes", junk, sizeof(junk), "not an ELF file");
	b = xmalloc(len);
	memcpy(b, raw, len);
	b[1] = 'X';
	emit_bytes("bad-magic", b, len, "not an ELF file");
	free(b);
}

/* One byte (or a field) of the ELF header changed. */
static void header(const uint8_t *raw, size_t len)
{
	static const struct {
		const char *name;
		size_t off, size;
		uint64_t val;
		const char *expect;
	} h[] = {
		{ "class-elf32", EI_CLASS, 1, ELFCLASS32, "ELF class 1: BPF objects are ELF64" },
		{ "class-none", EI_CLASS, 1, ELFCLASSNONE, "ELF class 0: BPF objects are ELF64" },
		{ "data-msb", EI_DATA, 1, ELFDATA2MSB,
		  "big-endian object: BPF objects for this host are little endian" },
		{ "data-none", EI_DATA, 1, ELFDATANONE, "unknown byte order: BPF objects for this host" },
		{ "type-exec", offsetof(Elf64_Ehdr, e_type), 2, ET_EXEC,
		  "ELF type 2 is not a relocatable object" },
		{ "type-dyn", offsetof(Elf64_Ehdr, e_type), 2, ET_DYN,
		  "ELF type 3 is not a relocatable object" },
		{ "machine-x86-64", offsetof(Elf64_Ehdr, e_machine), 2, EM_X86_64,
		  "machine 62 is not BPF (247)" },
		{ "machine-none", offsetof(Elf64_Ehdr, e_machine), 2, EM_NONE,
		  "machine 0 is not BPF (247)" },
		{ "shentsize-40", offsetof(Elf64_Ehdr, e_shentsize), 2, 40,
		  "section header size 40, expected 64" },
		{ "shnum-zero", offsetof(Elf64_Ehdr, e_shnum), 2, 0, "no section header table" },
		{ "shstrndx-xindex", offsetof(Elf64_Ehdr, e_shstrndx), 2, SHN_XINDEX,
		  "extended section numbering (not supported)" },
		{ "shstrndx-zero", offsetof(Elf64_Ehdr, e_shstrndx), 2, 0,
		  "section name table index 0 out of range" },
	};
	uint8_t *b = xmalloc(len);
	size_t i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		memcpy(b, raw, len);
		memcpy(b + h[i].off, &h[i].val, h[i].size);	/* little endian */
		emit_bytes(h[i].name, b, len, h[i].expect);
	}
	free(b);
}

/* The section header table and the section name table, in a serialised copy. */
static void table(void)
{
	struct obj *o = clone(L);
	size_t len;
	uint8_t *b = serialize(o, 0, &len), *c = xmalloc(len);
	unsigned n = o->n;

#define PATCH(name, stmt, expect) \
	do { memcpy(c, b, len); stmt; emit_bytes(name, c, len, expect); } while (0)
	PATCH("shoff-at-end", ehdr(c)->e_shoff = len,
	      fmt("section header table (offset %zu, %u entries) lies outside the file", len, n));
	PATCH("shoff-huge", ehdr(c)->e_shoff = ~0ull - 15,
	      fmt("section header table (offset %llu, %u entries) lies outside the file",
		  ~0ull - 15, n));
	PATCH("shnum-huge", ehdr(c)->e_shnum = 0xfeff,
	      fmt("section header table (offset %llu, 65279 entries) lies outside the file",
		  (unsigned long long)o->eh.e_shoff));
	PATCH("shstrndx-out-of-range", ehdr(c)->e_shstrndx = (uint16_t)n,
	      fmt("section name table index %u out of range", n));
	PATCH("shstrndx-not-strtab", ehdr(c)->e_shstrndx = (uint16_t)sec(o, "sockops"),
	      fmt("section name table (section %u) is not a string table", sec(o, "sockops")));
	PATCH("sec-offset-beyond", shdr_at(c, sec(o, "sockops"))->sh_offset = len + 8,
	      fmt("section %u: data (offset %zu, size %llu) lies outside the file", sec(o, "sockops"),
		  len + 8, (unsigned long long)o->s[sec(o, "sockops")].sh.sh_size));
	PATCH("sec-size-huge", shdr_at(c, sec(o, "sk_msg"))->sh_size = ~0ull - 255,
	      fmt("section %u: data (offset %llu, size %llu) lies outside the file", sec(o, "sk_msg"),
		  (unsigned long long)o->s[sec(o, "sk_msg")].sh.sh_offset, ~0ull - 255));
	PATCH("sec-offset-wraps", (shdr_at(c, sec(o, "maps"))->sh_offset = ~0ull - 7),
	      fmt("section %u: data (offset %llu, size %llu) lies outside the file", sec(o, "maps"),
		  ~0ull - 7, (unsigned long long)o->s[sec(o, "maps")].sh.sh_size));
	PATCH("sec-overlap", shdr_at(c, sec(o, "sk_msg"))->sh_offset =
	      o->s[sec(o, "sockops")].sh.sh_offset + 8, "sections 'sockops' and 'sk_msg' overlap");
	PATCH("sec-overlap-symtab", shdr_at(c, sec(o, "license"))->sh_offset =
	      o->s[symtab(o)].sh.sh_offset + 4, "sections '.symtab' and 'license' overlap");
	PATCH("sec-name-out-of-range", shdr_at(c, sec(o, "sockops"))->sh_name = 0x7fffff00,
	      fmt("section %u: name offset %u is not a string inside its string table",
		  sec(o, "sockops"), 0x7fffff00));
	PATCH("symtab-entsize", shdr_at(c, symtab(o))->sh_entsize = 16,
	      fmt("section %u: symbol table of %llu bytes in entries of 16, expected entries of 24",
		  symtab(o), (unsigned long long)o->s[symtab(o)].sh.sh_size));
	PATCH("symtab-link-out-of-range", shdr_at(c, symtab(o))->sh_link = 99,
	      "symbol table: string table index 99 is not a string table");
	PATCH("symtab-link-not-strtab", shdr_at(c, symtab(o))->sh_link = sec(o, "sockops"),
	      fmt("symbol table: string table index %u is not a string table", sec(o, "sockops")));
	PATCH("rel-type-rela", shdr_at(c, sec(o, ".relsockops"))->sh_type = SHT_RELA,
	      fmt("section %u: RELA relocations (BPF objects use REL)", sec(o, ".relsockops")));
	PATCH("rel-entsize", shdr_at(c, sec(o, ".relsockops"))->sh_entsize = 24,
	      fmt("section %u: relocations of %llu bytes in entries of 24, expected entries of 16",
		  sec(o, ".relsockops"),
		  (unsigned long long)o->s[sec(o, ".relsockops")].sh.sh_size));
	PATCH("rel-link-not-symtab", shdr_at(c, sec(o, ".relsockops"))->sh_link = 1,
	      "section '.relsockops': relocations refer to section 1, not the symbol table");
	PATCH("rel-target-out-of-range", shdr_at(c, sec(o, ".relsockops"))->sh_info = 200,
	      fmt("relocation section %u: target section 200 out of range", sec(o, ".relsockops")));
	PATCH("rel-target-zero", shdr_at(c, sec(o, ".relsockops"))->sh_info = 0,
	      fmt("relocation section %u: target section 0 out of range", sec(o, ".relsockops")));
#undef PATCH
	free(c);
	free(b);
	free_obj(o);
}

/*
 * Truncation.  In clang's layout the section header table is last, so any
 * cut past the ELF header loses it; with the table first, a cut inside the
 * data names the first section it breaks (the rule view.c applies).
 */
static void truncations(void)
{
	static const size_t small[] = { 1, 3, 4, 15, 16, 17, 40, 63 };
	struct obj *o = clone(L);
	size_t len, i, cut;
	unsigned k, j;
	char *name, *slash;
	uint8_t *b = serialize(o, 0, &len);

	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		emit_bytes(fmt("trunc-%zu", small[i]), b, small[i],
			   small[i] < EI_NIDENT ? "not an ELF file"
						: fmt("file of %zu bytes is shorter than an ELF header",
						      small[i]));
	for (i = 0; i < 6; i++) {
		cut = i < 4 ? 64 + (o->eh.e_shoff - 64) * i / 4 : o->eh.e_shoff + (i == 4 ? 0 : 100);
		emit_bytes(fmt("trunc-%zu", cut), b, cut,
			   fmt("section header table (offset %llu, %u entries) lies outside the file",
			       (unsigned long long)o->eh.e_shoff, o->n));
	}
	emit_bytes("trunc-last-byte", b, len - 1,
		   fmt("section header table (offset %llu, %u entries) lies outside the file",
		       (unsigned long long)o->eh.e_shoff, o->n));
	free(b);

	b = serialize(o, 1, &len);
	emit_bytes("ok-table-first", b, len, "=ok");
	cut = 64 + o->n * sizeof(Elf64_Shdr) - 1;
	emit_bytes("trunc-table-first-in-table", b, cut,
		   fmt("section header table (offset 64, %u entries) lies outside the file", o->n));
	for (k = 1; k < o->n; k++) {
		const Elf64_Shdr *sh = &o->s[k].sh;
		size_t cuts[3] = { sh->sh_offset, sh->sh_offset + sh->sh_size / 2,
				   sh->sh_offset + sh->sh_size - 1 };

		if (sh->sh_type == SHT_NOBITS || sh->sh_size < 2)
			continue;
		for (i = 0; i < 3; i++) {
			cut = cuts[i];
			for (j = 1; j < o->n; j++) {	/* the first section the cut breaks */
				const Elf64_Shdr *t = &o->s[j].sh;

				if (t->sh_type != SHT_NOBITS &&
				    (t->sh_offset > cut || t->sh_size > cut - t->sh_offset))
					break;
			}
			name = (char *)fmt("trunc-table-first-%s-%zu", sec_name(o, k), cut);
			for (slash = name; (slash = strchr(slash, '/'));)
				*slash = '_';	/* "cgroup/setsockopt": a file name */
			emit_bytes(name, b, cut,
				   fmt("section %u: data (offset %llu, size %llu) lies outside the file", j,
				       (unsigned long long)o->s[j].sh.sh_offset,
				       (unsigned long long)o->s[j].sh.sh_size));
		}
	}
	free(b);
	free_obj(o);
}

static void sections(void)
{
	struct obj *o;
	unsigned st;
	size_t n, i, p;
	Elf64_Sym *s;

	o = clone(L);
	resize(o, sec(o, "sk_msg"), 0);
	emit("zero-size-prog", o, "section 'sk_msg': empty program section");

	o = clone(L);
	resize(o, symtab(o), 0);
	emit("zero-size-symtab", o,
	     fmt("section '.relsockops': relocation 0: symbol index %llu out of range",
		 (unsigned long long)ELF64_R_SYM(rel0(L, ".relsockops")->r_info)));

	o = clone(L);
	resize(o, o->eh.e_shstrndx, 0);
	emit("zero-size-strtab", o, "section 0: name offset 0 is not a string inside its string table");

	o = clone(L);
	resize(o, sec(o, "maps"), 0);
	emit("zero-size-maps", o, "section 'maps': no data");

	o = clone(L);
	resize(o, sec(o, "license"), 0);
	emit("zero-size-license", o, "section 'license' is not a NUL-terminated string");

	/* The last string loses its NUL: the first name that uses it fails. */
	o = clone(L);
	st = o->s[symtab(o)].sh.sh_link;
	if (st != o->eh.e_shstrndx)
		die("expected one string table for section and symbol names");
	n = o->s[st].sh.sh_size;
	for (p = n - 1; p > 0 && o->s[st].d[p - 1]; p--)
		;
	o->s[st].d[n - 1] = 'X';
	for (i = 0; i < o->n && o->s[i].sh.sh_name < p; i++)
		;
	s = syms(o, &n);
	if (i < o->n) {
		emit("strtab-no-nul", o, fmt("section %zu: name offset %u is not a string inside its string table",
					     i, o->s[i].sh.sh_name));
	} else {
		for (i = 0; i < n && s[i].st_name < p; i++)
			;
		emit("strtab-no-nul", o, fmt("symbol %zu: name offset %u is not a string inside its string table",
					     i, s[i].st_name));
	}

	o = clone(L);
	resize(o, symtab(o), o->s[symtab(o)].sh.sh_size - 1);
	emit("symtab-size-odd", o,
	     fmt("section %u: symbol table of %llu bytes in entries of 24, expected entries of 24",
		 symtab(o), (unsigned long long)L->s[symtab(L)].sh.sh_size - 1));

	o = clone(L);
	st = symtab(o);
	add_sec(o, ".symtab2", SHT_SYMTAB, o->s[st].d, o->s[st].sh.sh_size);
	o->s[o->n - 1].sh.sh_link = o->s[st].sh.sh_link;
	o->s[o->n - 1].sh.sh_entsize = sizeof(Elf64_Sym);
	emit("two-symtabs", o, "more than one symbol table");

	/* A 32-byte SHT_SUNW_move (a padded Elf64_Move): libelf counts 28-byte
	 * entries and refuses it, so both readers must (the fuzzer found it). */
	o = clone(L);
	{
		uint8_t zero[32] = { 0 };

		add_sec(o, ".move", SHT_SUNW_move, zero, sizeof(zero));
		emit("sec-sunw-move-32-bytes", o,
		     fmt("section %u: 32 bytes are not whole 28-byte entries", L->n));
	}

	o = clone(L);
	sym(o, "config")->st_name = 0x7fffffff;
	emit("sym-name-out-of-range", o,
	     fmt("symbol %u: name offset 2147483647 is not a string inside its string table",
		 symi(L, "config")));

	o = clone(L);
	sym(o, "config")->st_shndx = 200;
	emit("sym-shndx-out-of-range", o,
	     fmt("symbol %u ('config'): section index 200 out of range", symi(L, "config")));

	o = clone(L);
	sym(o, "config")->st_shndx = SHN_XINDEX;
	emit("sym-shndx-xindex", o,
	     fmt("symbol %u ('config'): extended section index (not supported)", symi(L, "config")));
}

/*
 * The cases below break relocation 0 of sockops and expect it to load a map
 * (R_BPF_64_64 on an ld_imm64): the first such relocation is swapped there,
 * whatever else (a call to a subprogram) clang put first.
 */
static void first_map_reloc_first(struct obj *o)
{
	size_t n, i;
	Elf64_Rel *r = rels(o, ".relsockops", &n), t;

	for (i = 0; i < n && ELF64_R_TYPE(r[i].r_info) != R_BPF_64_64; i++)
		;
	if (i == n)
		die("sockops: no map relocation");
	t = r[0];
	r[0] = r[i];
	r[i] = t;
}

/* Relocations of section sockops (rel 0 is an ld_imm64 of a map). */
static void relocations(void)
{
	const struct sec *ops = &L->s[sec(L, "sockops")];
	struct obj *o;
	size_t n, k;
	uint64_t off0 = rel0(L, ".relsockops")->r_offset;
	uint32_t sym0 = (uint32_t)ELF64_R_SYM(rel0(L, ".relsockops")->r_info);
	unsigned char op;

	if (ops->d[off0] != BPF_LD_IMM64_CODE)
		die("sockops: relocation 0 is not on an ld_imm64");

	o = clone(L);
	syms(o, &n);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(n, R_BPF_64_64);
	emit("rel-sym-out-of-range", o,
	     fmt("section '.relsockops': relocation 0: symbol index %zu out of range", n));

	o = clone(L);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(0, R_BPF_64_64);
	emit("rel-sym-zero", o, "section '.relsockops': relocation 0: symbol index 0 out of range");

	o = clone(L);
	resize(o, sec(o, ".relsockops"), o->s[sec(o, ".relsockops")].sh.sh_size - 4);
	emit("rel-size-odd", o,
	     fmt("section %u: relocations of %llu bytes in entries of 16, expected entries of 16",
		 sec(L, ".relsockops"),
		 (unsigned long long)L->s[sec(L, ".relsockops")].sh.sh_size - 4));

	o = clone(L);
	rel0(o, ".relsockops")->r_offset = ops->sh.sh_size;
	emit("rel-beyond-section", o,
	     fmt("section 'sockops': relocation 0 at offset %llu is beyond the section (%llu bytes)",
		 (unsigned long long)ops->sh.sh_size, (unsigned long long)ops->sh.sh_size));

	o = clone(L);
	rel0(o, ".relsockops")->r_offset = 1ull << 63;
	emit("rel-offset-huge", o,
	     fmt("section 'sockops': relocation 0 at offset %llu is beyond the section", 1ull << 63));

	o = clone(L);
	rel0(o, ".relsockops")->r_offset = off0 + 4;
	emit("rel-misaligned", o,
	     fmt("section 'sockops': relocation 0 at offset %llu is not on an instruction",
		 (unsigned long long)off0 + 4));

	/* The first instruction that is not an ld_imm64 (or its second half). */
	for (k = 0; k < ops->sh.sh_size / 8 && ops->d[k * 8] == BPF_LD_IMM64_CODE; k += 2)
		;
	op = ops->d[k * 8];
	o = clone(L);
	rel0(o, ".relsockops")->r_offset = k * 8;
	emit("rel-not-ldimm64", o,
	     fmt("section 'sockops': relocation 0 at instruction %zu is not on an ld_imm64 (opcode 0x%02x)",
		 k, op));

	/* An ld_imm64 opcode in the last slot has no second half. */
	o = clone(L);
	k = ops->sh.sh_size / 8 - 1;
	o->s[sec(o, "sockops")].d[k * 8] = BPF_LD_IMM64_CODE;
	rel0(o, ".relsockops")->r_offset = k * 8;
	emit("rel-ldimm64-cut", o,
	     fmt("section 'sockops': relocation 0 at instruction %zu is not on an ld_imm64 (opcode 0x18)", k));

	o = clone(L);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(symi(o, "sockaccel_msg"), R_BPF_64_64);
	emit("rel-against-function", o,
	     "section 'sockops': relocation 0 against 'sockaccel_msg' in section 'sk_msg', which is not a map");

	o = clone(L);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(symi(o, "_license"), R_BPF_64_64);
	emit("rel-against-license", o,
	     "section 'sockops': relocation 0 against '_license' in section 'license', which is not a map");

	o = clone(L);
	{
		unsigned st = symtab(o);
		Elf64_Sym a = { .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), .st_shndx = SHN_ABS };
		uint64_t sz = o->s[st].sh.sh_size;

		a.st_name = add_str(o, o->s[st].sh.sh_link, "abs_sym");
		resize(o, st, sz + sizeof(a));
		memcpy(o->s[st].d + sz, &a, sizeof(a));
		rel0(o, ".relsockops")->r_info = ELF64_R_INFO(sz / sizeof(a), R_BPF_64_64);
	}
	emit("rel-against-abs", o, "section 'sockops': relocation 0 against 'abs_sym', which is not a map");

	o = clone(L);
	sym(o, "_license")->st_shndx = SHN_UNDEF;
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(symi(o, "_license"), R_BPF_64_64);
	emit("rel-against-undefined", o,
	     "section 'sockops': relocation 0 against undefined symbol '_license' (extern and kconfig variables are not supported)");

	o = clone(L);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(sym0, 42);
	emit("rel-unknown-type", o, "section 'sockops': relocation 0 of unknown type 42");

	o = clone(L);
	rel0(o, ".relsockops")->r_info = ELF64_R_INFO(sym0, R_BPF_64_32);
	emit("rel-call-not-on-call", o,
	     fmt("section 'sockops': relocation 0 at instruction %llu is not on a call (opcode 0x18)",
		 (unsigned long long)off0 / 8));

	/* A section symbol of "maps" with an addend that is no definition. */
	o = clone(L);
	{
		unsigned st = symtab(o), m = sec(o, "maps");
		Elf64_Sym ss = { .st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION), .st_shndx = (uint16_t)m };
		uint64_t sz = o->s[st].sh.sh_size;
		int32_t imm = 3;

		resize(o, st, sz + sizeof(ss));
		memcpy(o->s[st].d + sz, &ss, sizeof(ss));
		rel0(o, ".relsockops")->r_info = ELF64_R_INFO(sz / sizeof(ss), R_BPF_64_64);
		memcpy(o->s[sec(o, "sockops")].d + off0 + 4, &imm, 4);
	}
	emit("rel-map-section-bad-addend", o,
	     "section 'sockops': relocation 0 against '' matches no map definition");

	/* A call through a relocation into a .text that has no bytes in the
	 * file (SHT_NOBITS): found by reading object.c, would read NULL. */
	o = clone(L);
	{
		unsigned t = sec(o, ".text"), st = symtab(o);
		Elf64_Sym f = { .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = (uint16_t)t,
				.st_size = 8 };
		uint64_t sz = o->s[st].sh.sh_size;
		uint8_t call[8] = { 0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff };	/* call pc-1+1 */

		f.st_name = add_str(o, o->s[st].sh.sh_link, "nobits_fn");
		o->s[t].sh.sh_type = SHT_NOBITS;
		o->s[t].sh.sh_size = 8;
		free(o->s[t].d);
		o->s[t].d = NULL;
		resize(o, st, sz + sizeof(f));
		memcpy(o->s[st].d + sz, &f, sizeof(f));
		memcpy(o->s[sec(o, "sockops")].d, call, 8);
		rel0(o, ".relsockops")->r_offset = 0;
		rel0(o, ".relsockops")->r_info = ELF64_R_INFO(sz / sizeof(f), R_BPF_64_32);
	}
	emit("call-into-nobits-text", o,
	     "section '.text': function 'nobits_fn' (offset 0, size 8) is not whole instructions inside the section");
}

static void maps(void)
{
	static const struct {
		const char *name;
		unsigned field;
		uint32_t val;
		const char *expect;
	} f[] = {
		{ "map-type-unknown", 0, 4242, "map 'sock_hash': unknown map type 4242" },
		{ "map-type-zero", 0, 0, "map 'sock_hash': unknown map type 0" },
		{ "map-type-next", 0, 34, "map 'sock_hash': unknown map type 34" },
		{ "map-key-zero", 1, 0, "map 'sock_hash': key_size is 0" },
		{ "map-key-513", 1, 513, "map 'sock_hash': key_size 513 is larger than 512" },
		{ "map-key-huge", 1, 0xffffffff, "map 'sock_hash': key_size 4294967295 is larger than 512" },
		{ "map-value-zero", 2, 0, "map 'sock_hash': value_size is 0" },
		{ "map-value-huge", 2, 0xffffffff,
		  "map 'sock_hash': value_size 4294967295 is larger than 16777216" },
		{ "map-max-zero", 3, 0, "map 'sock_hash': max_entries is 0" },
		{ "map-max-huge", 3, 0xffffffff, "map 'sock_hash': max_entries 4294967295 is larger than 16777216" },
	};
	const char *names[] = { "sock_hash", "counters", "config", "ports", "sk_state", "streak", "to_stack" };
	struct obj *o;
	size_t i;
	char lng[101];

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		o = clone(L);
		*map_field(o, "sock_hash", f[i].field) = f[i].val;
		emit(f[i].name, o, f[i].expect);
	}

	o = clone(L);
	resize(o, sec(o, "maps"), o->s[sec(o, "maps")].sh.sh_size - 6);
	emit("maps-size-not-multiple", o,
	     fmt("section 'maps': size %llu is not a multiple of the map definition size 20",
		 (unsigned long long)L->s[sec(L, "maps")].sh.sh_size - 6));

	o = clone(L);
	sym(o, "counters")->st_size = 28;
	emit("maps-sizes-differ", o, "section 'maps': map symbols of different sizes");

	o = clone(L);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sym(o, names[i])->st_size = 16;
	emit("maps-def-16-bytes", o, "section 'maps': map definition of 16 bytes (struct bpf_map_def has 20)");

	o = clone(L);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sym(o, names[i])->st_size = 1000;
	emit("maps-def-1000-bytes", o, "section 'maps': map definition of 1000 bytes");

	o = clone(L);
	sym(o, "config")->st_value += 2;
	emit("maps-def-misaligned", o,
	     fmt("section 'maps': map 'config' at offset %llu is not a whole definition",
		 (unsigned long long)sym(L, "config")->st_value + 2));

	o = clone(L);
	sym(o, "sk_state")->st_value = o->s[sec(o, "maps")].sh.sh_size;
	emit("maps-def-beyond", o,
	     fmt("section 'maps': map 'sk_state' at offset %llu is not a whole definition",
		 (unsigned long long)L->s[sec(L, "maps")].sh.sh_size));

	o = clone(L);
	sym(o, "ports")->st_value = sym(o, "config")->st_value;
	emit("maps-share-definition", o, "share one definition");

	o = clone(L);
	sym(o, "counters")->st_name = sym(o, "sock_hash")->st_name;
	emit("dup-map-name", o, "two maps named 'sock_hash'");

	o = clone(L);
	rename_sym(o, "config", "co/fig");
	emit("map-name-slash", o, "map name 'co/fig' cannot be a file name");

	o = clone(L);
	rename_sym(o, "config", "..");
	emit("map-name-dotdot", o, "map name '..' cannot be a file name");

	memset(lng, 'm', 100);
	lng[100] = '\0';
	o = clone(L);
	rename_sym(o, "config", lng);
	emit("map-name-long", o, fmt("map name '%.40s...' is longer than 63 bytes", lng));

	/* iproute2's struct bpf_elf_map: pinning is word 6, inner_id word 7. */
	o = clone(E);
	*map_field(o, "sock_hash", 6) = 7;
	emit("elfmap-pinning-unknown", o, "map 'sock_hash': unknown pinning 7");
	/* Maps of maps (issue 11): inner_id names the inner map by its id. */
	o = clone(E);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	*map_field(o, "sock_hash", 2) = 4;
	*map_field(o, "sock_hash", 7) = 99;
	emit("elfmap-map-in-map", o, "map 'sock_hash': inner_id 99 names no map of the section");
	o = clone(E);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	*map_field(o, "sock_hash", 2) = 4;
	*map_field(o, "sock_hash", 5) = 50;
	*map_field(o, "sock_hash", 7) = 60;
	*map_field(o, "counters", 0) = BPF_MAP_TYPE_HASH_OF_MAPS;
	*map_field(o, "counters", 2) = 4;
	*map_field(o, "counters", 5) = 60;
	*map_field(o, "counters", 7) = 50;
	emit("elfmap-map-in-map-nested", o,
	     "map 'sock_hash': its inner map 'counters' holds maps itself");
	o = clone(E);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	*map_field(o, "sock_hash", 2) = 4;
	*map_field(o, "sock_hash", 5) = 50;
	*map_field(o, "sock_hash", 7) = 50;
	emit("elfmap-map-in-map-self", o, "map 'sock_hash': inner_id 50 names no map of the section");
	o = clone(E);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	*map_field(o, "sock_hash", 2) = 4;
	*map_field(o, "sock_hash", 7) = 4242;
	*map_field(o, "config", 5) = 4242;
	*map_field(o, "config", 8) = 3;
	emit("ok-elfmap-map-in-map", o, "=ok");
	o = clone(L);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_HASH_OF_MAPS;
	*map_field(o, "sock_hash", 2) = 4;
	emit("map-of-maps-without-inner", o, "map 'sock_hash': a map of maps needs an inner map");
	/* A perf event array without max_entries: one per CPU, at load. */
	o = clone(L);
	*map_field(o, "sock_hash", 0) = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	*map_field(o, "sock_hash", 1) = 4;
	*map_field(o, "sock_hash", 2) = 4;
	*map_field(o, "sock_hash", 3) = 0;
	emit("ok-perf-array-unsized", o, "=ok");
}

static void programs(void)
{
	struct obj *o;
	unsigned i;
	char big[200];

	o = clone(L);
	resize(o, sec(o, "sk_msg"), o->s[sec(o, "sk_msg")].sh.sh_size - 4);
	emit("prog-size-not-multiple", o,
	     fmt("section 'sk_msg': size %llu is not a multiple of 8 (instruction size)",
		 (unsigned long long)L->s[sec(L, "sk_msg")].sh.sh_size - 4));

	o = clone(L);
	sym(o, "sockaccel_msg")->st_size = 0x10000;
	emit("prog-func-beyond", o,
	     fmt("section 'sk_msg': function 'sockaccel_msg' (offset %llu, size 65536) is not whole instructions inside the section",
		 (unsigned long long)sym(L, "sockaccel_msg")->st_value));

	o = clone(L);
	sym(o, "sockaccel_msg")->st_value += 4;
	emit("prog-func-misaligned", o,
	     fmt("section 'sk_msg': function 'sockaccel_msg' (offset %llu, size %llu) is not whole instructions",
		 (unsigned long long)sym(L, "sockaccel_msg")->st_value + 4,
		 (unsigned long long)sym(L, "sockaccel_msg")->st_size));

	o = clone(L);
	sym(o, "sockaccel_msg")->st_size = 0;
	emit("prog-func-zero-size", o,
	     fmt("section 'sk_msg': function 'sockaccel_msg' (offset %llu, size 0) is not whole instructions",
		 (unsigned long long)sym(L, "sockaccel_msg")->st_value));

	o = clone(L);
	rename_sec(o, "sk_msg", "sk_xyz");
	emit("prog-unknown-type", o, "section 'sk_xyz': unknown program type (name the type with --type)");

	o = clone(L);
	sym(o, "sockaccel_msg")->st_name = sym(o, "sockaccel_ops")->st_name;
	emit("dup-prog-name", o, "two programs named 'sockaccel_ops'");

	o = clone(L);
	rename_sym(o, "sockaccel_msg", "../../etc/x");
	emit("prog-name-slash", o, "program name '../../etc/x' cannot be a file name");

	/* Terminal escapes in names: refused, and never printed as they are. */
	o = clone(L);
	rename_sym(o, "sockaccel_msg", "\033]0;owned\007\033[2J");
	emit("prog-name-escape", o, "cannot be a file name");

	o = clone(L);
	rename_sec(o, "sk_msg", "sk_msg\033[31m");
	emit("prog-section-escape", o, "unknown program type (name the type with --type)");

	o = clone(L);
	for (i = 1; i < o->n; i++)
		if (strcmp(sec_name(o, i), ".text"))
			o->s[i].sh.sh_flags &= ~(uint64_t)SHF_EXECINSTR;
	emit("no-programs", o, "no programs (no executable section besides .text)");

	o = clone(L);
	rename_sec(o, "license", "lisence");
	emit("no-license", o, "no 'license' section");

	o = clone(L);
	memcpy(o->s[sec(o, "license")].d, "GPLX", 4);
	emit("license-no-nul", o, "section 'license' is not a NUL-terminated string");

	o = clone(L);
	memset(big, 'G', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	resize(o, sec(o, "license"), sizeof(big));
	memcpy(o->s[sec(o, "license")].d, big, sizeof(big));
	emit("license-long", o, "section 'license' is longer than 127 bytes");

	o = clone(L);
	add_sec(o, "version", SHT_PROGBITS, "abc", 3);
	emit("version-3-bytes", o, "section 'version' is not 4 bytes");
}

/* ---- BTF-defined maps: just enough of the BTF format to find a field ---- */

struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

/* Bytes after the 12-byte struct btf_type, per kind (UAPI <linux/btf.h>). */
static size_t btf_extra(uint32_t info)
{
	uint32_t kind = (info >> 24) & 0x1f, vlen = info & 0xffff;

	switch (kind) {
	case 1: case 14: case 17: return 4;		/* INT, VAR, DECL_TAG */
	case 3: return 12;				/* ARRAY */
	case 4: case 5: return 12 * vlen;		/* STRUCT, UNION */
	case 6: return 8 * vlen;			/* ENUM */
	case 13: return 8 * vlen;			/* FUNC_PROTO */
	case 15: return 12 * vlen;			/* DATASEC */
	case 19: return 12 * vlen;			/* ENUM64 */
	default: return 0;
	}
}

/* Offset in .BTF of the first type of a kind for which match() is true. */
static size_t btf_find(struct obj *o, int (*match)(const uint8_t *t, const struct btf_hdr *h,
						  const uint8_t *btf))
{
	const uint8_t *d = o->s[sec(o, ".BTF")].d;
	struct btf_hdr h;
	size_t pos, end;
	uint32_t info;

	memcpy(&h, d, sizeof(h));
	pos = h.hdr_len + h.type_off;
	end = pos + h.type_len;
	while (pos < end) {
		if (match(d + pos, &h, d))
			return pos;
		memcpy(&info, d + pos + 4, 4);
		pos += 12 + btf_extra(info);
	}
	die(".BTF: type not found");
	return 0;
}

static uint32_t want_nelems;

static int array_with_nelems(const uint8_t *t, const struct btf_hdr *h, const uint8_t *btf)
{
	uint32_t info, nelems;

	(void)h;
	(void)btf;
	memcpy(&info, t + 4, 4);
	memcpy(&nelems, t + 12 + 8, 4);
	return ((info >> 24) & 0x1f) == 3 && nelems == want_nelems;
}

static int maps_datasec(const uint8_t *t, const struct btf_hdr *h, const uint8_t *btf)
{
	uint32_t info, name;

	memcpy(&name, t, 4);
	memcpy(&info, t + 4, 4);
	return ((info >> 24) & 0x1f) == 15 &&
	       !strcmp((const char *)btf + h->hdr_len + h->str_off + name, ".maps");
}

static struct btf_hdr *btf_hdr_of(struct obj *o)
{
	return (struct btf_hdr *)o->s[sec(o, ".BTF")].d;
}

static void btf(void)
{
	struct obj *o;
	uint32_t v;
	size_t pos, last = 0, p;
	struct btf_hdr h;

	o = clone(B);
	btf_hdr_of(o)->magic = 0xbeef;
	emit("btf-bad-magic", o, "section '.BTF': bad magic or version");

	o = clone(B);
	btf_hdr_of(o)->type_len = 0x7fffffff;
	emit("btf-header-outside", o, "section '.BTF': header points outside the section");

	o = clone(B);
	resize(o, sec(o, ".BTF"), 10);
	emit("btf-short", o, "section '.BTF': shorter than its header");

	/* Cut the type section inside the last type's 12 bytes. */
	o = clone(B);
	memcpy(&h, btf_hdr_of(o), sizeof(h));
	for (p = h.hdr_len + h.type_off; p < h.hdr_len + h.type_off + h.type_len;) {
		memcpy(&v, o->s[sec(o, ".BTF")].d + p + 4, 4);
		last = p;
		p += 12 + btf_extra(v);
	}
	btf_hdr_of(o)->type_len = (uint32_t)(last + 4 - h.hdr_len - h.type_off);
	emit("btf-type-truncated", o, "section '.BTF': truncated type");

	o = clone(B);
	pos = btf_hdr_of(o)->hdr_len + btf_hdr_of(o)->type_off;
	o->s[sec(o, ".BTF")].d[pos + 7] = 31;	/* kind of type 1 */
	emit("btf-unknown-kind", o, "section '.BTF': unknown type kind");

	o = clone(B);
	want_nelems = SA_SOCKHASH_MAX;
	pos = btf_find(o, array_with_nelems);
	memset(o->s[sec(o, ".BTF")].d + pos + 20, 0, 4);
	emit("btf-max-entries-zero", o, "map 'sock_hash': max_entries is 0");

	o = clone(B);
	want_nelems = 18;	/* BPF_MAP_TYPE_SOCKHASH */
	pos = btf_find(o, array_with_nelems);
	v = 4242;
	memcpy(o->s[sec(o, ".BTF")].d + pos + 20, &v, 4);
	emit("btf-map-type-unknown", o, "map 'sock_hash': unknown map type 4242");

	o = clone(B);
	pos = btf_find(o, maps_datasec);
	v = 99999;
	memcpy(o->s[sec(o, ".BTF")].d + pos + 12, &v, 4);	/* first var's type id */
	emit("btf-var-id-out-of-range", o, "section '.BTF': DATASEC entry type id out of range");

	o = clone(B);
	rename_sec(o, ".BTF", ".BTX");
	emit("btf-missing", o, "section '.maps' needs the .BTF section that describes it (compile with -g)");

	o = clone(B);
	rename_sym(o, "sock_hash", "sock_hasX");
	emit("btf-map-without-symbol", o, "map 'sock_hash': no symbol in section '.maps'");
}

/*
 * Well formed, but costly: 40,000 one-instruction programs in one section
 * with one relocation each.  Each program's relocations are looked for among
 * all of the section's and every pair of names is compared: 8 s before
 * elf/object.c had a work budget (quadratic: hours for 64 MiB); now refused
 * once it needs more than the budget.
 */
#define BUDGET "too many programs, maps, relocations or instructions"

static void large(void)
{
	struct obj *o = clone(L);
	unsigned st = symtab(o), sec_i, rel_i, n = 40000, i;
	uint64_t nsym = o->s[st].sh.sh_size / sizeof(Elf64_Sym);
	uint8_t *insns = xmalloc(16 * n), *rel = xmalloc(16 * n);
	uint32_t msym = symi(o, "sock_hash");

	for (i = 0; i < n; i++) {
		Elf64_Sym f = { .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), .st_size = 16,
				.st_value = 16 * i };
		Elf64_Rel r = { .r_offset = 16 * i, .r_info = ELF64_R_INFO(msym, R_BPF_64_64) };

		insns[16 * i] = BPF_LD_IMM64_CODE;
		insns[16 * i + 1] = 1;	/* r1 */
		memcpy(rel + 16 * i, &r, 16);
		f.st_name = add_str(o, o->s[st].sh.sh_link, fmt("p%u", i));
		f.st_shndx = (uint16_t)o->n;	/* the section added next */
		resize(o, st, (nsym + i + 1) * sizeof(f));
		memcpy(o->s[st].d + (nsym + i) * sizeof(f), &f, sizeof(f));
	}
	sec_i = add_sec(o, "socket", SHT_PROGBITS, insns, 16 * n);
	o->s[sec_i].sh.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	rel_i = add_sec(o, ".relsocket", SHT_REL, rel, 16 * n);
	o->s[rel_i].sh.sh_link = symtab(o);
	o->s[rel_i].sh.sh_info = sec_i;
	o->s[rel_i].sh.sh_entsize = sizeof(Elf64_Rel);
	emit("large-40000-programs", o, BUDGET);
	free(insns);
	free(rel);

}

int main(int argc, char **argv)
{
	char path[4096];
	uint8_t *raw, *be;
	size_t len, be_len;
	struct obj *o;
	int big = argc > 1 && !strcmp(argv[1], "--large");

	argc -= big;
	argv += big;
	if (argc != 6)
		die("usage: gen-malformed [--large] OUTDIR LEGACY.o ELFMAP.o BTF.o BIGENDIAN.o");
	outdir = argv[1];
	snprintf(path, sizeof(path), "%s/MANIFEST", outdir);
	manifest = fopen(path, "w");
	if (!manifest)
		die("%s: %s", path, strerror(errno));
	fprintf(manifest, "# Made by tests/data/gen-malformed.c (make corpus): FILE<TAB>expected error, or =ok\n");
	L = load(argv[2]);
	E = load(argv[3]);
	B = load(argv[4]);
	first_map_reloc_first(L);
	raw = read_all(argv[2], &len);
	be = read_all(argv[5], &be_len);

	/* What must parse: the objects as built and as re-laid out here. */
	emit_bytes("ok-legacy", raw, len, "=ok");
	o = clone(L);
	emit("ok-legacy-rewritten", o, "=ok");
	o = clone(E);
	emit("ok-elfmap", o, "=ok");
	o = clone(B);
	emit("ok-btf", o, "=ok");

	not_elf(raw, len);
	emit_bytes("big-endian-object", be, be_len,
		   "big-endian object: BPF objects for this host are little endian");
	header(raw, len);
	table();
	truncations();
	sections();
	relocations();
	maps();
	programs();
	btf();
	if (big)
		large();

	if (fclose(manifest))
		die("MANIFEST: %s", strerror(errno));
	printf("gen-malformed: %d cases in %s\n", ncases, outdir);
	free(raw);
	free(be);
	free_obj(L);
	free_obj(E);
	free_obj(B);
	return 0;
}
