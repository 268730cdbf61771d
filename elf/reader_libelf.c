// SPDX-License-Identifier: GPL-2.0
/*
 * reader_libelf.c: the ELF reader of the default build, on elfutils' libelf.
 *
 * libelf decodes; view.c checks, on the values libelf hands back, so this
 * reader and the built-in one accept and reject the same files with the same
 * words.  The byte order was checked before libelf sees the file, so the data
 * libelf returns is the file's own bytes.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_view.h"

struct libelf_priv {
	Elf *elf;
	void *image;	/* our copy: elf_memory() takes a writable buffer */
};

static void libelf_release(struct elf_view *v)
{
	struct libelf_priv *p = v->priv;

	if (!p)
		return;
	if (p->elf)
		elf_end(p->elf);
	free(p->image);
	free(p);
}

static int l_shdr(void *c, uint32_t idx, Elf64_Shdr *out)
{
	Elf_Scn *scn = elf_getscn(((struct libelf_priv *)c)->elf, idx);

	return scn && gelf_getshdr(scn, out) ? 0 : -1;
}

static const uint8_t *l_data(void *c, uint32_t idx, uint64_t size)
{
	Elf_Scn *scn = elf_getscn(((struct libelf_priv *)c)->elf, idx);
	Elf_Data *d = scn ? elf_rawdata(scn, NULL) : NULL;

	return d && d->d_size == size ? d->d_buf : NULL;
}

static const char *l_string(void *c, uint32_t strtab, uint64_t off)
{
	/* elf_strptr() checks that a NUL ends the string inside the table. */
	return elf_strptr(((struct libelf_priv *)c)->elf, strtab, off);
}

static Elf_Data *l_getdata(void *c, uint32_t idx)
{
	Elf_Scn *scn = elf_getscn(((struct libelf_priv *)c)->elf, idx);

	return scn ? elf_getdata(scn, NULL) : NULL;
}

static int l_sym(void *c, uint32_t symtab, size_t i, Elf64_Sym *out)
{
	Elf_Data *d = l_getdata(c, symtab);

	return d && gelf_getsym(d, (int)i, out) ? 0 : -1;
}

static int l_rel(void *c, uint32_t relsec, size_t i, Elf64_Rel *out)
{
	Elf_Data *d = l_getdata(c, relsec);

	return d && gelf_getrel(d, (int)i, out) ? 0 : -1;
}

static const struct ev_decoder libelf_decoder = {
	l_shdr, l_data, l_string, l_sym, l_rel,
};

static int libelf_read(struct elf_view *v, const void *buf, size_t len,
		       const char *file)
{
	struct libelf_priv *p;
	struct ev_header h;
	int err;

	memset(v, 0, sizeof(*v));
	v->file = file;
	err = ev_check_header(v, buf, len, &h);
	if (err)
		return err;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return ev_fail(v, -ENOEXEC, "libelf: %s", elf_errmsg(-1));

	p = calloc(1, sizeof(*p));
	if (p)
		p->image = malloc(len);
	if (!p || !p->image) {
		free(p);
		return ev_fail(v, -ENOMEM, "out of memory");
	}
	memcpy(p->image, buf, len);
	v->priv = p;
	v->release = libelf_release;
	p->elf = elf_memory(p->image, len);
	if (!p->elf) {
		err = ev_fail(v, -ENOEXEC, "libelf: %s", elf_errmsg(-1));
		elf_view_free(v);
		return err;
	}
	return ev_build(v, &libelf_decoder, p, len, &h);
}

const struct elf_reader elf_reader_libelf = { "libelf", libelf_read };
const struct elf_reader *const elf_reader_default = &elf_reader_libelf;
