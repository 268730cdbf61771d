// SPDX-License-Identifier: GPL-2.0
/*
 * object.c: from the generic ELF view to a BPF object: the walk over the
 * sections, programs and their types, the license; map definitions are read
 * by maps.c (legacy "maps", global data) and btf.c (".maps"), instructions
 * are linked by link.c.
 *
 * Sections, by name:
 *   license          the program license (required)
 *   version          u32 kernel version (old kernel-samples style)
 *   maps             legacy map definitions, one per symbol
 *   .maps            BTF-defined maps (btf.c)
 *   .data .rodata* .bss and .data.* .bss.*
 *                    global data: one array map each, when referenced
 *   .text            subprograms, appended to the programs that call them
 *   any other SHF_EXECINSTR section: programs, typed by progtypes.c
 * Each STT_FUNC symbol in a program section is one program.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int bo_fail(struct bo_object *o, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = bo_fail_at(o, err, 0, fmt, ap);
	va_end(ap);
	return err;
}

int bo_fail_at(struct bo_object *o, int err, size_t n, const char *fmt, va_list ap)
{
	if (n < sizeof(o->err))
		vsnprintf(o->err + n, sizeof(o->err) - n, fmt, ap);
	return err;
}

/* "<kind> '<name>': " then the rest: the prefix is written once. */
int bo_failn(struct bo_object *o, int err, const char *kind, const char *name,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = bo_fail_at(o, err, (size_t)snprintf(o->err, sizeof(o->err), "%s '%s': ", kind, name),
			 fmt, ap);
	va_end(ap);
	return err;
}

int bo_oom(struct bo_object *o)
{
	return bo_fail(o, -ENOMEM, "out of memory");
}

/*
 * A crafted object of a few MiB can make the loops below quadratic (40,000
 * programs x 40,000 relocations, checked pairwise for names, took 8 s; 64
 * MiB would take hours of root's CPU).  Real objects need thousands of
 * steps; 2^28 steps take a second or two.  Instructions count 8 steps each,
 * which also bounds the memory of subprograms copied into every program.
 */
#define BO_MAX_WORK (1ull << 28)

int bo_charge(struct bo_object *o, uint64_t n)
{
	o->work += n;
	if (o->work > BO_MAX_WORK)
		return bo_fail(o, -E2BIG, "too many programs, maps, relocations or instructions to check");
	return 0;
}

void *bo_push(struct bo_object *o, void *arrp, size_t *n, size_t size)
{
	uint8_t *a;

	memcpy(&a, arrp, sizeof(a));	/* arrp: the address of any T * */
	a = realloc(a, (*n + 1) * size);
	if (!a) {
		bo_oom(o);
		return NULL;
	}
	memcpy(arrp, &a, sizeof(a));
	a += (*n)++ * size;
	memset(a, 0, size);
	return a;
}

struct bo_map *bo_add_map(struct bo_object *o)
{
	struct bo_map *m = bo_push(o, &o->maps, &o->nmaps, sizeof(*m));

	if (m)
		m->inner = -1;
	return m;
}

/*
 * A name becomes a pin path component and a kernel object name: it must be
 * a plain file name.
 */
int bo_check_name(struct bo_object *o, const char *what, const char *name)
{
	const char *p;

	/* No '/', and no control character: a name is also printed. */
	for (p = name; *p; p++)
		if ((unsigned char)*p < ' ' || *p == '/' || *p == 0x7f)
			break;
	if (!name[0] || *p || !strcmp(name, ".") || !strcmp(name, ".."))
		return bo_fail(o, -EINVAL, "%s name '%s' cannot be a file name", what, name);
	if (strlen(name) >= BO_NAME_MAX)
		return bo_fail(o, -ENAMETOOLONG, "%s name '%.40s...' is longer than %d bytes",
			       what, name, BO_NAME_MAX - 1);
	return 0;
}

int bo_name_index(const char *list, const char *name)
{
	int k;

	for (k = 0; *list; k++, list += strlen(list) + 1)
		if (!strcmp(list, name))
			return k;
	return -1;
}

uint32_t bo_u32_at(const uint8_t *p, size_t i)
{
	uint32_t x;

	memcpy(&x, p + 4 * i, 4);
	return x;
}

int bo_cmp_sym_value(const void *a, const void *b)
{
	const struct ev_symbol *x = *(const struct ev_symbol *const *)a;
	const struct ev_symbol *y = *(const struct ev_symbol *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* Symbols that define something in section sec (not the section symbol). */
size_t bo_symbols_in(const struct elf_view *v, uint32_t sec, int want_type,
			 const struct ev_symbol **out)
{
	size_t i, n = 0;

	for (i = 1; i < v->nsym; i++) {
		const struct ev_symbol *s = &v->sym[i];

		if (s->shndx != sec || s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (want_type >= 0 && s->type != want_type)
			continue;
		if (!s->name[0])
			continue;
		if (out)
			out[n] = s;
		n++;
	}
	return n;
}

int bo_check_func(struct bo_object *o, const struct ev_section *s,
		  const struct ev_symbol *f, int bad)
{
	/* !s->data: a section of SHT_NOBITS has no bytes to copy. */
	if (bad || !f->size || f->value % INSN_SZ || f->size % INSN_SZ || !s->data ||
	    !ev_in_bounds(f->value, f->size, s->size))
		return bo_failn(o, -EINVAL, "section", s->name,
			       "function '%s' (offset %llu, size %llu) is not whole instructions inside the section",
			       f->name, (unsigned long long)f->value, (unsigned long long)f->size);
	return 0;
}

static int set_prog_type(struct parse *ps, struct bo_prog *p)
{
	const struct bo_sec_def *d = bo_sec_def_find(p->section);

	if (!d && ps->type_override)
		d = bo_sec_def_by_type(ps->type_override);
	if (!d)
		return bo_failn(ps->o, -EINVAL, "section", p->section,
			       "unknown program type (name the type with --type)");
	p->type = d->prog_type;
	p->expected_attach_type = d->expected_attach_type;
	p->attach_type = d->attach_type == BO_NO_ATTACH ? ~0u : d->attach_type;
	p->attach_to = bo_attach_to(d);
	return 0;
}

static int parse_prog_section(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];
	struct bo_object *o = ps->o;
	const struct ev_symbol **fn = NULL;
	size_t n, i;
	int err = 0;

	if (s->size == 0 || !s->data)
		return bo_failn(o, -EINVAL, "section", s->name, "empty program section");
	if (bo_charge(o, 2 * (uint64_t)ps->v->nsym))
		return -E2BIG;
	if (s->size % INSN_SZ)
		return bo_failn(o, -EINVAL, "section", s->name,
			       "size %llu is not a multiple of 8 (instruction size)", (unsigned long long)s->size);
	n = bo_symbols_in(ps->v, sec, STT_FUNC, NULL);
	if (n) {
		fn = calloc(n, sizeof(*fn));
		if (!fn)
			return bo_oom(o);
		bo_symbols_in(ps->v, sec, STT_FUNC, fn);
		ev_sort(fn, n, sizeof(*fn), bo_cmp_sym_value);
	}
	for (i = 0; i < (n ? n : 1); i++) {
		uint64_t start = n ? fn[i]->value : 0;
		uint64_t end = n ? fn[i]->value + fn[i]->size : s->size;
		const char *name = n ? fn[i]->name : s->name;
		struct bo_prog *p;

		if (n && (err = bo_check_func(o, s, fn[i], i > 0 && start < fn[i - 1]->value +
								  fn[i - 1]->size)))
			break;
		err = bo_check_name(o, "program", name);
		if (err)
			break;
		p = bo_push(o, &o->progs, &o->nprogs, sizeof(*p));
		if (!p) {
			err = -ENOMEM;
			break;
		}
		strcpy(p->name, name);	/* bo_check_name: it fits */
		snprintf(p->section, sizeof(p->section), "%.*s", BO_NAME_MAX - 1, s->name);
		if (!n) /* no symbol: the section is the name ("sk_skb/x" -> "sk_skb_x") */
			for (char *c = p->name; *c; c++)
				if (*c == '/')
					*c = '_';
		err = set_prog_type(ps, p);
		if (!err)
			err = bo_build_prog(ps, p, sec, start, end);
		if (err)
			break;
	}
	free(fn);
	return err;
}

/* ---- the whole object ---- */

static int parse_license(struct parse *ps, uint32_t sec)
{
	const struct ev_section *s = &ps->v->sec[sec];

	if (!s->data || !memchr(s->data, '\0', s->size))
		return bo_fail(ps->o, -EINVAL, "section 'license' is not a NUL-terminated string");
	if (strlen((const char *)s->data) >= sizeof(ps->o->license))
		return bo_fail(ps->o, -EINVAL, "section 'license' is longer than %zu bytes",
			       sizeof(ps->o->license) - 1);
	strcpy(ps->o->license, (const char *)s->data);
	return 0;
}

/*
 * The index of the first of n names (each at the start of a size-byte
 * element: struct bo_map and struct bo_prog begin with theirs) equal to
 * name, or -ENOENT.
 */
static int name_at(const void *base, size_t n, size_t size, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp((const char *)base + i * size, name))
			return (int)i;
	return -ENOENT;
}
_Static_assert(offsetof(struct bo_map, name) == 0 && offsetof(struct bo_prog, name) == 0,
	       "name_at() reads names at the start of each element");

static int check_unique(struct bo_object *o)
{
	size_t i;

	if (bo_charge(o, ((uint64_t)o->nmaps * o->nmaps + (uint64_t)o->nprogs * o->nprogs) / 2))
		return -E2BIG;
	for (i = 0; i < o->nmaps; i++)
		if (name_at(o->maps, i, sizeof(*o->maps), o->maps[i].name) >= 0)
			return bo_fail(o, -EINVAL, "two maps named '%s'", o->maps[i].name);
	for (i = 0; i < o->nprogs; i++)
		if (name_at(o->progs, i, sizeof(*o->progs), o->progs[i].name) >= 0)
			return bo_fail(o, -EINVAL, "two programs named '%s'", o->progs[i].name);
	return 0;
}

static int parse_view(struct parse *ps)
{
	const struct elf_view *v = ps->v;
	struct bo_object *o = ps->o;
	uint32_t license, btf, btf_ext;
	uint32_t i, at[7] = { 0 };	/* the sections named in the list below */
	int err = 0;

	for (i = 1; i < v->nsec; i++) {
		int k = bo_name_index("license\0version\0maps\0.maps\0.BTF\0.BTF.ext\0.text\0",
				      v->sec[i].name);

		if (k == 1 && (v->sec[i].size != 4 || !v->sec[i].data))
			return bo_fail(o, -EINVAL, "section 'version' is not 4 bytes");
		if (k == 1)
			o->kern_version = bo_u32_at(v->sec[i].data, 0);
		if (k >= 0 && (k < 6 || (v->sec[i].flags & SHF_EXECINSTR)))
			at[k] = i;
	}
	license = at[0];
	ps->maps_sec = at[2];
	ps->btf_maps_sec = at[3];
	btf = at[4];
	btf_ext = at[5];
	ps->text_sec = at[6];
	if (!license)
		return bo_fail(o, -EINVAL,
			       "no 'license' section (the kernel needs one: char _license[] SEC(\"license\") = \"GPL\";)");
	err = parse_license(ps, license);
	if (!err && ps->maps_sec)
		err = bo_legacy_maps(ps);
	if (!err && ps->btf_maps_sec) {
		if (!btf || !v->sec[btf].data)
			return bo_fail(o, -EINVAL,
				       "section '.maps' needs the .BTF section that describes it (compile with -g)");
		err = bo_btf_maps(o, v, ps->btf_maps_sec, v->sec[btf].data, v->sec[btf].size);
	}
	for (i = 1; !err && i < v->nsec; i++) {
		const struct ev_section *s = &v->sec[i];

		if ((s->flags & SHF_EXECINSTR) && i != ps->text_sec)
			err = parse_prog_section(ps, i);
	}
	if (!err && btf)
		err = bo_btf_ext(ps, btf, btf_ext);
	if (err)
		return err;
	if (o->nprogs == 0)
		return bo_fail(o, -ENOENT, "no programs (no executable section besides .text)");
	return check_unique(o);
}

/* An empty object named name; err, with the message msg when not NULL. */
static int init_object(struct bo_object *o, const char *name, int err, const char *msg)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	if (msg)
		strcpy(o->err, msg);	/* a view's 256 bytes into 512 */
	return err;
}

int bo_object_parse_view(struct bo_object *o, const struct elf_view *v,
			  const char *name, const char *prog_type_override)
{
	static struct parse ps;	/* scratch, filled first: loader/cli/cli.h */
	uint32_t i;
	int err;

	ps = (struct parse){ .o = o, .v = v, .type_override = prog_type_override };
	init_object(o, name, 0, NULL);
	if (prog_type_override && !bo_sec_def_by_type(prog_type_override))
		return bo_fail(o, -EINVAL, "unknown program type '%s'", prog_type_override);
	ps.data_map = malloc((v->nsec ? v->nsec : 1) * sizeof(int));
	if (!ps.data_map)
		return bo_oom(o);
	for (i = 0; i < v->nsec; i++)
		ps.data_map[i] = -1;
	err = parse_view(&ps);
	free(ps.data_map);
	if (err)
		bo_object_free(o);	/* which leaves o->err */
	return err;
}

int bo_object_parse(struct bo_object *o, const struct elf_reader *r,
		     const void *buf, size_t len, const char *name,
		     const char *prog_type_override)
{
	struct elf_view v;
	int err;

	err = r->read(&v, buf, len, name);
	if (err) {
		err = init_object(o, name, err, v.err);
	} else {
		err = bo_object_parse_view(o, &v, name, prog_type_override);
		elf_view_free(&v);
	}
	o->reader = r->name;
	return err;
}

void bo_object_free(struct bo_object *o)
{
	/* What a program owns: insns, relocs, ranges, .BTF.ext's records. */
	static const uint8_t owned[] = {
		offsetof(struct bo_prog, insns), offsetof(struct bo_prog, relocs),
		offsetof(struct bo_prog, ranges), offsetof(struct bo_prog, func_info),
		offsetof(struct bo_prog, line_info), offsetof(struct bo_prog, core),
	};
	size_t i, k;

	for (i = 0; i < o->nprogs; i++)
		for (k = 0; k < sizeof(owned); k++)
			free(*(void **)((uint8_t *)&o->progs[i] + owned[k]));
	free(o->btf);
	o->btf = NULL;
	for (i = 0; i < o->nmaps; i++) {
		free(o->maps[i].init);
		free(o->maps[i].slots);
	}
	free(o->progs);
	free(o->maps);
	o->progs = NULL;
	o->maps = NULL;
	o->nprogs = o->nmaps = 0;
}

int bo_find_map(const struct bo_object *o, const char *name)
{
	return name_at(o->maps, o->nmaps, sizeof(*o->maps), name);
}

int bo_find_prog(const struct bo_object *o, const char *name)
{
	return name_at(o->progs, o->nprogs, sizeof(*o->progs), name);
}
