// SPDX-License-Identifier: GPL-2.0
/*
 * test_differential: the built-in ELF reader and the libelf one must agree on
 * every input.  For each file, and for deterministic mutations of it (the
 * file cut short at many offsets, single bytes changed), both readers parse
 * it and must give the same ELF view (sections with their bytes, symbols,
 * relocations) and the same BPF object (programs, instructions, maps,
 * relocations), or the same rejection, word for word.  No kernel.
 *
 *   test_differential [-a|-l] FILE [[-a|-l] FILE]...
 *   (SA_DIFF_CHANGES=N: N random byte changes per file, 2000 by default)
 *
 * -a: FILE itself must be accepted (our own objects, all mutations); other
 * files may be rejected, as long as both readers reject them alike.  -l:
 * fewer mutations (for the 200 other files).  Each mutated input lives in a
 * buffer of exactly its size, so a reader that reads past the end trips
 * AddressSanitizer (the Makefile builds this test with it).
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "tap.h"

#define MAX_REPORTS 5		/* mismatches shown per file and kind */
#define MAX_MUTATED (256 << 10)	/* larger files: compared as they are only */

static const struct elf_reader *const readers[2] = { &elf_reader_builtin, &elf_reader_libelf };

/* Fewer mutations of the current file (-l). */
static int light;

/* ---- comparing what the two readers made ---- */

static char why[512];	/* the first difference found */

static int differ(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int differ(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return 1;
}

#define SAME(a, b, field, ...)						\
	do {								\
		if ((a)->field != (b)->field)				\
			return differ(__VA_ARGS__);			\
	} while (0)

static int same_bytes(const void *a, const void *b, size_t n)
{
	if (!a || !b)
		return a == b;
	return n == 0 || !memcmp(a, b, n);
}

static int diff_view(const struct elf_view *a, const struct elf_view *b)
{
	size_t i, j;

	SAME(a, b, nsec, "view: %zu sections against %zu", a->nsec, b->nsec);
	for (i = 0; i < a->nsec; i++) {
		const struct ev_section *x = &a->sec[i], *y = &b->sec[i];

		if (strcmp(x->name, y->name))
			return differ("section %zu: name '%s' against '%s'", i, x->name, y->name);
		if (x->offset != y->offset || x->size != y->size || x->flags != y->flags ||
		    x->entsize != y->entsize || x->type != y->type || x->link != y->link ||
		    x->info != y->info)
			return differ("section %zu ('%s'): header fields differ", i, x->name);
		if (!same_bytes(x->data, y->data, x->size))
			return differ("section %zu ('%s'): bytes differ", i, x->name);
	}
	SAME(a, b, nsym, "view: %zu symbols against %zu", a->nsym, b->nsym);
	for (i = 0; i < a->nsym; i++) {
		const struct ev_symbol *x = &a->sym[i], *y = &b->sym[i];

		if (strcmp(x->name, y->name) || x->value != y->value || x->size != y->size ||
		    x->shndx != y->shndx || x->type != y->type || x->bind != y->bind)
			return differ("symbol %zu ('%s'/'%s') differs", i, x->name, y->name);
	}
	SAME(a, b, nrelsec, "view: %zu relocation sections against %zu", a->nrelsec, b->nrelsec);
	for (i = 0; i < a->nrelsec; i++) {
		const struct ev_relsec *x = &a->relsec[i], *y = &b->relsec[i];

		if (x->index != y->index || x->target != y->target || x->count != y->count)
			return differ("relocation section %zu differs", i);
		for (j = 0; j < x->count; j++)
			if (x->rel[j].offset != y->rel[j].offset || x->rel[j].sym != y->rel[j].sym ||
			    x->rel[j].type != y->rel[j].type)
				return differ("relocation section %u: entry %zu differs", x->index, j);
	}
	return 0;
}

static int diff_map(size_t i, const struct bo_map *x, const struct bo_map *y)
{
	if (strcmp(x->name, y->name))
		return differ("map %zu: name '%s' against '%s'", i, x->name, y->name);
	if (x->type != y->type || x->key_size != y->key_size || x->value_size != y->value_size ||
	    x->max_entries != y->max_entries || x->flags != y->flags ||
	    x->numa_node != y->numa_node || x->pinning != y->pinning || x->origin != y->origin ||
	    x->def_size != y->def_size || x->sec != y->sec || x->off != y->off ||
	    x->frozen != y->frozen)
		return differ("map '%s': definition differs", x->name);
	if (!same_bytes(x->init, y->init, x->value_size))
		return differ("map '%s': initial value differs", x->name);
	return 0;
}

static int diff_prog(const struct bo_prog *x, const struct bo_prog *y)
{
	if (strcmp(x->name, y->name) || strcmp(x->section, y->section))
		return differ("program '%s' in '%s' against '%s' in '%s'", x->name, x->section,
			      y->name, y->section);
	if (x->type != y->type || x->expected_attach_type != y->expected_attach_type ||
	    x->attach_type != y->attach_type || x->attach_to != y->attach_to)
		return differ("program '%s': type or attach type differs", x->name);
	if (x->insn_cnt != y->insn_cnt || x->main_cnt != y->main_cnt ||
	    x->nsubprogs != y->nsubprogs)
		return differ("program '%s': %zu instructions against %zu", x->name, x->insn_cnt,
			      y->insn_cnt);
	if (!same_bytes(x->insns, y->insns, x->insn_cnt * sizeof(*x->insns)))
		return differ("program '%s': instructions differ", x->name);
	if (x->nrelocs != y->nrelocs ||
	    !same_bytes(x->relocs, y->relocs, x->nrelocs * sizeof(*x->relocs)))
		return differ("program '%s': relocations differ", x->name);
	return 0;
}

static int diff_object(const struct bo_object *a, const struct bo_object *b)
{
	size_t i;

	if (strcmp(a->license, b->license))
		return differ("license '%s' against '%s'", a->license, b->license);
	SAME(a, b, kern_version, "kernel version %u against %u", a->kern_version, b->kern_version);
	SAME(a, b, nmaps, "%zu maps against %zu", a->nmaps, b->nmaps);
	for (i = 0; i < a->nmaps; i++)
		if (diff_map(i, &a->maps[i], &b->maps[i]))
			return 1;
	SAME(a, b, nprogs, "%zu programs against %zu", a->nprogs, b->nprogs);
	for (i = 0; i < a->nprogs; i++)
		if (diff_prog(&a->progs[i], &b->progs[i]))
			return 1;
	return 0;
}

/* ---- one input, both readers ---- */

struct outcome {
	int accepted;		/* the BPF object parsed */
	int view_ok;		/* the ELF view read */
	int out_of_buffer;	/* built-in reader: a section outside the input */
	char msg[512];		/* the rejection */
};

/*
 * Parse buf with both readers; 0 when they agree (why[] says how they
 * differ otherwise).  The built-in reader's sections point into buf itself:
 * each must lie inside it.
 */
static int compare(const uint8_t *buf, size_t len, struct outcome *out)
{
	struct elf_view v[2];
	struct bo_object o[2];
	int vr[2], orc[2], i, d = 0;
	size_t s;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < 2; i++)
		vr[i] = readers[i]->read(&v[i], buf, len, "input.o");
	if (vr[0] != vr[1])
		d = differ("ELF view: %s %s (%d), %s %s (%d)", readers[0]->name,
			   vr[0] ? v[0].err : "accepts", vr[0], readers[1]->name,
			   vr[1] ? v[1].err : "accepts", vr[1]);
	else if (vr[0] && strcmp(v[0].err, v[1].err))
		d = differ("ELF view rejected in other words: %s: '%s', %s: '%s'",
			   readers[0]->name, v[0].err, readers[1]->name, v[1].err);
	else if (!vr[0])
		d = diff_view(&v[0], &v[1]);
	out->view_ok = !vr[0];
	for (s = 0; !vr[0] && s < v[0].nsec; s++) {
		const struct ev_section *x = &v[0].sec[s];

		if (x->data && (x->data < buf || x->data > buf + len ||
				x->size > (uint64_t)(buf + len - x->data)))
			out->out_of_buffer = 1;
	}
	for (i = 0; i < 2; i++)
		if (!vr[i])
			elf_view_free(&v[i]);
	if (d)
		return d;

	for (i = 0; i < 2; i++)
		orc[i] = bo_object_parse(&o[i], readers[i], buf, len, "input.o", NULL);
	if (orc[0] != orc[1])
		d = differ("object: %s %s (%d), %s %s (%d)", readers[0]->name,
			   orc[0] ? o[0].err : "accepts", orc[0], readers[1]->name,
			   orc[1] ? o[1].err : "accepts", orc[1]);
	else if (orc[0] && strcmp(o[0].err, o[1].err))
		d = differ("object rejected in other words: %s: '%s', %s: '%s'",
			   readers[0]->name, o[0].err, readers[1]->name, o[1].err);
	else if (!orc[0])
		d = diff_object(&o[0], &o[1]);
	out->accepted = !orc[0];
	if (orc[0])
		snprintf(out->msg, sizeof(out->msg), "%s", o[0].err);
	for (i = 0; i < 2; i++)
		if (!orc[i])
			bo_object_free(&o[i]);
	return d;
}

/* ---- mutations ---- */

struct tally {
	const char *kind;
	size_t n, accepted, view_only, mismatches, out_of_buffer;
};

static void count(struct tally *t, const char *file, const char *what, int d,
		  const struct outcome *r)
{
	t->n++;
	t->accepted += r->accepted;
	t->view_only += r->view_ok && !r->accepted;
	t->out_of_buffer += r->out_of_buffer;
	if (d && t->mismatches++ < MAX_REPORTS)
		diag("%s: %s: %s", file, what, why);
	if (r->out_of_buffer && t->out_of_buffer <= MAX_REPORTS)
		diag("%s: %s: built-in reader returned a section outside the input", file, what);
}

static void report(const struct tally *t, const char *file)
{
	ok(t->mismatches == 0 && t->out_of_buffer == 0,
	   "%s: %zu %s: both readers agree on each (%zu accepted, %zu rejected by the object model, %zu by the ELF view)",
	   file, t->n, t->kind, t->accepted, t->view_only, t->n - t->accepted - t->view_only);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Offsets worth cutting at: the start of the file, a spread over all of it,
 * and both sides of every boundary the section header table names. */
static void mark_cuts(const uint8_t *buf, size_t len, uint8_t *cut)
{
	Elf64_Ehdr eh;
	size_t i, step = len / (light ? 64 : 1024) + 1;

	for (i = 0; i < len && i < (light ? 64u : 512u); i++)
		cut[i] = 1;
	for (i = 0; i < len; i += step)
		cut[i] = 1;
	if (len < sizeof(eh))
		return;
	memcpy(&eh, buf, sizeof(eh));
	for (i = 0; i <= eh.e_shnum && i < 65536; i++) {
		uint64_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
		Elf64_Shdr sh;
		uint64_t edge[3];
		int k, d;

		if (at < len)
			cut[at] = 1;
		if (at >= len || !ev_in_bounds(at, sizeof(sh), len) || i == eh.e_shnum)
			continue;
		memcpy(&sh, buf + at, sizeof(sh));
		edge[0] = sh.sh_offset;
		edge[1] = sh.sh_offset + sh.sh_size;
		edge[2] = sh.sh_offset + sh.sh_size / 2;
		for (k = 0; k < 3; k++)
			for (d = -1; d <= 1; d++)
				if (edge[k] + d < len)
					cut[edge[k] + d] = 1;
	}
}

static void truncations(const uint8_t *buf, size_t len, const char *file)
{
	struct tally t = { .kind = "truncations" };
	uint8_t *cut = calloc(len + 1, 1);
	struct outcome r;
	char what[64];
	size_t n;

	mark_cuts(buf, len, cut);
	for (n = 0; n < len; n++) {
		uint8_t *b;
		int d;

		if (!cut[n])
			continue;
		b = malloc(n ? n : 1);	/* exactly n bytes: ASan sees a read past them */
		memcpy(b, buf, n);
		d = compare(b, n, &r);
		snprintf(what, sizeof(what), "cut to %zu bytes", n);
		count(&t, file, what, d, &r);
		free(b);
	}
	free(cut);
	report(&t, file);
}

/* Every byte of the ELF header and of the first 32 section headers (-l: of
 * the ELF header) twice (low bit, all bits), then 2000 (-l: 200) bytes all
 * over the file with random values; the same changes every run (the seed is
 * the file's length and first bytes). */
static void byte_changes(const uint8_t *buf, size_t len, const char *file)
{
	struct tally t = { .kind = "single-byte changes" };
	uint8_t *b = malloc(len ? len : 1);
	uint64_t seed = len;
	size_t sht = 0, sht_end = 0, i;	/* section header table */
	size_t n_random = getenv("SA_DIFF_CHANGES") ? strtoul(getenv("SA_DIFF_CHANGES"), NULL, 0) : 2000;
	struct outcome r;
	char what[64];
	Elf64_Ehdr eh;

	if (light)
		n_random = 200;
	if (n_random > 16 * len)	/* a tiny file has few changes to make */
		n_random = 16 * len;
	memcpy(b, buf, len);
	for (i = 0; i < len && i < 64; i++)
		seed = seed * 131 + buf[i];
	if (len >= sizeof(eh)) {
		memcpy(&eh, buf, sizeof(eh));
		if (ev_in_bounds(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len)) {
			sht = (size_t)eh.e_shoff;
			sht_end = sht + (eh.e_shnum < 32 ? eh.e_shnum : 32) * sizeof(Elf64_Shdr);
		}
	}
	for (i = 0; i < len; i++) {
		static const uint8_t masks[2] = { 0x01, 0xff };
		int k, d;

		if (i >= 64 && (light || i < sht || i >= sht_end))
			continue;
		for (k = 0; k < 2; k++) {
			b[i] ^= masks[k];
			d = compare(b, len, &r);
			snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", i, masks[k]);
			count(&t, file, what, d, &r);
			b[i] = buf[i];
		}
	}
	for (i = 0; len && i < n_random; i++) {
		uint64_t x = splitmix(&seed);
		size_t at = (size_t)(x % len);
		uint8_t mask = (uint8_t)((x >> 32) % 255 + 1);
		int d;

		b[at] ^= mask;
		d = compare(b, len, &r);
		snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", at, mask);
		count(&t, file, what, d, &r);
		b[at] = buf[at];
	}
	free(b);
	report(&t, file);
}

/*
 * Fields that say where things are, set to edge values one at a time: every
 * field of the first 32 section headers, the name, section, value and size of
 * the first 32 symbols and the offset, symbol and type of the first 48
 * relocations (-l: the section headers, with 6 values instead of 16).  These
 * reach the checks that single bytes rarely do.
 */
struct field {
	uint8_t at, width;
};

static void set_field(uint8_t *b, size_t at, unsigned int width, uint64_t value)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		b[at + i] = (uint8_t)(value >> (8 * i));
}

static void edit_fields(uint8_t *b, const uint8_t *buf, size_t len, size_t base,
			const struct field *f, size_t nf, const uint64_t *values,
			size_t nv, struct tally *t, const char *file)
{
	struct outcome r;
	char what[80];
	size_t i, k;

	for (i = 0; i < nf; i++) {
		size_t at = base + f[i].at;

		if (!ev_in_bounds(at, f[i].width, len))
			continue;
		for (k = 0; k < nv; k++) {
			int d;

			set_field(b, at, f[i].width, values[k]);
			if (!memcmp(b + at, buf + at, f[i].width))
				continue;	/* the value it has */
			d = compare(b, len, &r);
			snprintf(what, sizeof(what), "%u bytes at %zu = %#llx", f[i].width, at,
				 (unsigned long long)values[k]);
			count(t, file, what, d, &r);
			memcpy(b + at, buf + at, f[i].width);
		}
	}
}

static void field_edits(const uint8_t *buf, size_t len, const char *file)
{
	static const struct field shdr[] = {
		{ 0, 4 }, { 4, 4 }, { 8, 8 }, { 24, 8 }, { 32, 8 }, { 40, 4 }, { 44, 4 }, { 56, 8 },
	};
	static const struct field sym[] = { { 0, 4 }, { 4, 1 }, { 6, 2 }, { 8, 8 }, { 16, 8 } };
	static const struct field rel[] = { { 0, 8 }, { 8, 4 }, { 12, 4 } };
	struct tally t = { .kind = "header, symbol and relocation fields set to edge values" };
	uint64_t values[] = { 0, 1, len, len + 1, ~0ull, 0xffffffff, /* light: these */
			      2, 7, 8, 24, 0xff, 0xfff1, 0xffff, 0x7fffffff, len - 1, len / 2 };
	size_t nv = light ? 6 : sizeof(values) / sizeof(values[0]), i, j, nrel = light ? 48 : 0;
	uint8_t *b = malloc(len ? len : 1);
	Elf64_Ehdr eh;

	memcpy(b, buf, len);
	if (len >= sizeof(eh)) {
		memcpy(&eh, buf, sizeof(eh));
		for (i = 0; i < eh.e_shnum && i < 32; i++) {
			size_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
			size_t n = 0, entsize = 0;
			Elf64_Shdr sh;

			if (eh.e_shoff >= len || !ev_in_bounds(at, sizeof(sh), len))
				break;
			edit_fields(b, buf, len, at, shdr, sizeof(shdr) / sizeof(shdr[0]), values,
				    nv, &t, file);
			memcpy(&sh, buf + at, sizeof(sh));
			if (!ev_in_bounds(sh.sh_offset, sh.sh_size, len))
				continue;
			if (sh.sh_type == SHT_SYMTAB)
				entsize = sizeof(Elf64_Sym);
			else if (sh.sh_type == SHT_REL)
				entsize = sizeof(Elf64_Rel);
			if (entsize)
				n = sh.sh_size / entsize;
			for (j = 0; j < n && j < (light ? 0u : 32u) && sh.sh_type == SHT_SYMTAB; j++)
				edit_fields(b, buf, len, sh.sh_offset + j * entsize, sym,
					    sizeof(sym) / sizeof(sym[0]), values, nv, &t, file);
			for (j = 0; j < n && nrel < 48 && sh.sh_type == SHT_REL; j++, nrel++)
				edit_fields(b, buf, len, sh.sh_offset + j * entsize, rel,
					    sizeof(rel) / sizeof(rel[0]), values, nv, &t, file);
		}
	}
	free(b);
	report(&t, file);
}

/* ---- files ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0) {
		rewind(f);
		buf = malloc((size_t)n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void one_file(const char *path, int must_accept)
{
	const char *file = path;
	struct outcome r;
	size_t len = 0;
	uint8_t *buf = slurp(path, &len), *exact;
	int d;

	if (!ok(buf != NULL, "%s: read (%zu bytes)", file, len))
		return;
	exact = malloc(len ? len : 1);
	memcpy(exact, buf, len);
	d = compare(exact, len, &r);
	free(exact);
	if (!ok(!d, "%s: both readers give the same %s", file,
		r.accepted ? "view and object" : "rejection"))
		diag("%s", why);
	if (r.accepted)
		diag("%s: accepted", file);
	else
		diag("%s: rejected: %s", file, r.msg);
	if (must_accept)
		ok(r.accepted, "%s: accepted", file);
	/* Thousands of mutations cost thousands of parses: only for files the
	 * size of real objects (ours are 4-32 KiB; a huge one is there to find
	 * quadratic work, which one parse of it does). */
	if (len <= MAX_MUTATED) {
		truncations(buf, len, file);
		byte_changes(buf, len, file);
		field_edits(buf, len, file);
	} else {
		diag("%s: %zu bytes: no mutations above %d bytes", file, len, MAX_MUTATED);
	}
	free(buf);
}

int main(int argc, char **argv)
{
	int i, must_accept = 0, files = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "-l")) {
			must_accept |= argv[i][1] == 'a';
			light |= argv[i][1] == 'l';
			continue;
		}
		one_file(argv[i], must_accept);
		must_accept = light = 0;
		files++;
	}
	ok(files > 0, "%d files compared", files);
	return done_testing();
}
