/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf_view.h: the generic view of an ELF relocatable object.
 *
 * Two readers fill it: one built on libelf (the default build), one built in
 * with no library at all (the static build).  Everything above this header
 * (the BPF meaning: programs, maps, relocations) is written once and sees
 * only this view.  Readers work on a memory buffer and never touch the
 * kernel or the file system.
 *
 * What a reader guarantees when it returns 0:
 *  - the file is ELF64, little endian, ET_REL, EM_BPF;
 *  - every section's data lies inside the buffer (SHT_NOBITS has no data);
 *  - every name is a NUL-terminated string inside its string table;
 *  - the symbol table (if any) is whole, every relocation section is whole
 *    and names a valid target section and symbol for each entry.
 * Anything it cannot guarantee is an error with a message in v->err.
 */
#ifndef SOCKACCEL_ELF_VIEW_H
#define SOCKACCEL_ELF_VIEW_H

#include <stddef.h>
#include <elf.h>
#include <stdint.h>

struct ev_section {
	const char *name;	/* "" for section 0 */
	uint64_t offset;	/* sh_offset, for the overlap check */
	const uint8_t *data;	/* NULL for SHT_NOBITS and empty sections */
	uint64_t size;		/* sh_size (also for SHT_NOBITS) */
	uint64_t flags;		/* SHF_* */
	uint64_t entsize;
	uint32_t type;		/* SHT_* */
	uint32_t link, info;
};

struct ev_symbol {
	const char *name;
	uint64_t value, size;
	uint32_t shndx;		/* SHN_* or a section index */
	uint8_t type, bind;	/* STT_*, STB_* */
};

struct ev_rel {
	uint64_t offset;	/* into the target section */
	uint32_t sym;		/* index into the symbol table */
	uint32_t type;		/* R_BPF_* */
};

/* One SHT_REL section: entries that patch section `target`. */
struct ev_relsec {
	uint32_t index;		/* the SHT_REL section's own index */
	uint32_t target;	/* sh_info: the section being patched */
	size_t count;
	struct ev_rel *rel;
};

struct elf_view {
	const char *file;	/* name for messages; not owned */
	size_t nsec;
	struct ev_section *sec;
	size_t nsym;
	struct ev_symbol *sym;
	size_t nrelsec;
	struct ev_relsec *relsec;
	void *priv;		/* reader's own state */
	void (*release)(struct elf_view *v);
	char err[256];
};

/* An ELF reader: fills *v from buf (which must outlive v); 0 or -errno. */
struct elf_reader {
	const char *name;
	int (*read)(struct elf_view *v, const void *buf, size_t len,
		    const char *file);
};

extern const struct elf_reader elf_reader_builtin;
#ifdef SOCKACCEL_HAVE_LIBELF
extern const struct elf_reader elf_reader_libelf;
#endif
/* The reader the build chose (libelf where available). */
extern const struct elf_reader *const elf_reader_default;

void elf_view_free(struct elf_view *v);

/*
 * How a reader decodes: the four things that differ between libelf and the
 * built-in reader.  ev_build() does all the checking with them, so both
 * readers accept and reject the same files with the same words.
 * Each returns 0, or -1 when the reader could not decode (ev_build then
 * reports it); name lookups return NULL for an offset that is not a
 * NUL-terminated string inside the string table.
 */
struct ev_decoder {
	int (*shdr)(void *ctx, uint32_t idx, Elf64_Shdr *out);
	/* Bytes of a section already known to lie inside the file. */
	const uint8_t *(*data)(void *ctx, uint32_t idx, uint64_t size);
	const char *(*string)(void *ctx, uint32_t strtab, uint64_t off);
	int (*sym)(void *ctx, uint32_t symtab, size_t i, Elf64_Sym *out);
	int (*rel)(void *ctx, uint32_t relsec, size_t i, Elf64_Rel *out);
};

/* What the ELF header says about the section header table. */
struct ev_header {
	uint64_t shoff;
	uint32_t shnum, shstrndx;
};

/* Identity, type, machine, and the section header table inside the file. */
int ev_check_header(struct elf_view *v, const void *buf, size_t len,
		    struct ev_header *h);
/* Fill and check the whole view through a reader's decoder. */
int ev_build(struct elf_view *v, const struct ev_decoder *d, void *ctx,
	     size_t len, const struct ev_header *h);
int ev_fail(struct elf_view *v, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ev_oom(struct elf_view *v);	/* ev_fail(v, -ENOMEM, "out of memory") */
/*
 * Sort n elements of size bytes: heapsort, O(n log n) whatever the input
 * (a crafted file must not make sorting slow), in a few dozen bytes of code.
 */
void ev_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));
/* Is [off, off + size) inside a buffer of len bytes (no overflow)? */
static inline int ev_in_bounds(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

#endif
