// SPDX-License-Identifier: GPL-2.0
/*
 * reader_builtin.c: the ELF reader with no library, for the static build.
 *
 * It only decodes; view.c checks.  Bounds: the section header table was
 * checked against the buffer by ev_check_header(), a section's bytes by
 * ev_build() before data() is asked for them, and symbol and relocation
 * indices stay below sh_size / entry size.  Structures are copied out with
 * memcpy, so the buffer needs no particular alignment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_view.h"

struct builtin_ctx {
	const uint8_t *buf;
	const struct ev_header *h;
	struct elf_view *v;
};

static int b_shdr(void *c, uint32_t idx, Elf64_Shdr *out)
{
	struct builtin_ctx *b = c;

	memcpy(out, b->buf + b->h->shoff + (uint64_t)idx * sizeof(*out),
	       sizeof(*out));
	return 0;
}

static const uint8_t *b_data(void *c, uint32_t idx, uint64_t size)
{
	struct builtin_ctx *b = c;

	(void)size;
	return b->buf + b->v->sec[idx].offset;
}

static const char *b_string(void *c, uint32_t strtab, uint64_t off)
{
	const struct ev_section *s = &((struct builtin_ctx *)c)->v->sec[strtab];

	if (!s->data || off >= s->size || !memchr(s->data + off, '\0', s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

static int b_sym(void *c, uint32_t symtab, size_t i, Elf64_Sym *out)
{
	const struct ev_section *s = &((struct builtin_ctx *)c)->v->sec[symtab];

	memcpy(out, s->data + i * sizeof(*out), sizeof(*out));
	return 0;
}

static int b_rel(void *c, uint32_t relsec, size_t i, Elf64_Rel *out)
{
	const struct ev_section *s = &((struct builtin_ctx *)c)->v->sec[relsec];

	memcpy(out, s->data + i * sizeof(*out), sizeof(*out));
	return 0;
}

static const struct ev_decoder builtin_decoder = {
	b_shdr, b_data, b_string, b_sym, b_rel,
};

static int builtin_read(struct elf_view *v, const void *buf, size_t len,
			const char *file)
{
	struct ev_header h;
	struct builtin_ctx b = { buf, &h, v };
	int err;

	memset(v, 0, sizeof(*v));
	v->file = file;
	err = ev_check_header(v, buf, len, &h);
	if (err)
		return err;
	return ev_build(v, &builtin_decoder, &b, len, &h);
}

const struct elf_reader elf_reader_builtin = { "builtin", builtin_read };

#ifndef SOCKACCEL_HAVE_LIBELF
const struct elf_reader *const elf_reader_default = &elf_reader_builtin;
#endif
