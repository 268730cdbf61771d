/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h: what the files of elf/ share among themselves and nobody else
 * needs: the parse state and the helpers behind object.h's one entry point.
 */
#ifndef SOCKACCEL_ELF_INTERNAL_H
#define SOCKACCEL_ELF_INTERNAL_H

#include <stdarg.h>

#include "object.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1	/* ld_imm64 of an address (map, global data) */
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10	/* call to a function (LLVM 11 and later) */
#endif

#define INSN_SZ sizeof(struct bpf_insn)
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct parse {
	struct bo_object *o;
	const struct elf_view *v;
	uint32_t maps_sec, btf_maps_sec, text_sec;
	int *data_map;		/* per section: its data map index, or -1 */
	const char *type_override;
};

/* object.c */
int bo_fail(struct bo_object *o, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with a subject: "map 'x': ...", "section '.text': ...". */
int bo_failn(struct bo_object *o, int err, const char *kind, const char *name,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int bo_oom(struct bo_object *o);	/* -ENOMEM, "out of memory" */
/* fmt written at byte n of o->err (after a prefix of n bytes); err. */
int bo_fail_at(struct bo_object *o, int err, size_t n, const char *fmt, va_list ap);	/* -ENOMEM, "out of memory" */
/*
 * Charge n steps to the parse: a loop whose length is the product of two
 * counts the file chooses (programs x relocations, maps x references) pays
 * before it runs.  0, or -E2BIG once the object needs too many.
 */
int bo_charge(struct bo_object *o, uint64_t n);
/* One zeroed element more at the end of the array *arrp (n elements of
 * size bytes): its address, or NULL with "out of memory" in o->err. */
void *bo_push(struct bo_object *o, void *arrp, size_t *n, size_t size);
struct bo_map *bo_add_map(struct bo_object *o);	/* bo_push, inner = -1 */
/* A name that will be a pin file name and a kernel object name. */
int bo_check_name(struct bo_object *o, const char *what, const char *name);
/* name's place in list ("a\0b\0...\0", an empty name ends it), or -1. */
int bo_name_index(const char *list, const char *name);
uint32_t bo_u32_at(const uint8_t *p, size_t i);	/* the i-th u32 */
/* Function f of section s is whole instructions inside it (and not bad):
 * 0, or -EINVAL with the message. */
int bo_check_func(struct bo_object *o, const struct ev_section *s,
		  const struct ev_symbol *f, int bad);
int bo_cmp_sym_value(const void *a, const void *b);
/* Symbols that define something in section sec (not the section symbol),
 * of want_type (or any, -1); stored in out when not NULL.  The count. */
size_t bo_symbols_in(const struct elf_view *v, uint32_t sec, int want_type,
		     const struct ev_symbol **out);

/* maps.c */
/* Sanity of one map definition (sizes, type); 0 or -errno. */
int bo_check_map(struct bo_object *o, const struct bo_map *m);

/* The fields of a .maps definition (btf.c), the last three of them the
 * sizes bo_check_map() names (one list of the names, one of the strings). */
#define BO_MAP_FIELDS_HEAD "values\0key\0value\0type\0map_flags\0numa_node\0pinning\0"
#define BO_MAP_SIZE_FIELDS "key_size\0value_size\0max_entries\0"
extern const char bo_map_fields[sizeof(BO_MAP_FIELDS_HEAD BO_MAP_SIZE_FIELDS)];
#define BO_SIZE_FIELD_NAMES (bo_map_fields + sizeof(BO_MAP_FIELDS_HEAD) - 1)
int bo_legacy_maps(struct parse *ps);
int bo_is_data_section(const struct ev_section *s);
/* The index of the array map holding data section sec, made when first
 * referenced; or -errno. */
int bo_data_map(struct parse *ps, uint32_t sec);

/* btf.c: the maps of section ".maps" (index maps_sec) as described by the
 * .BTF section's bytes; 0 or -errno with o->err set. */
int bo_btf_maps(struct bo_object *o, const struct elf_view *v,
		uint32_t maps_sec, const uint8_t *btf, uint64_t btf_len);

/* btf_ext.c: keep a copy of .BTF (section btf) for loading, and spread
 * .BTF.ext (section ext, 0 if none) over the programs: func_info,
 * line_info and CO-RE relocations.  0 or -errno with o->err set. */
int bo_btf_ext(struct parse *ps, uint32_t btf, uint32_t ext);

/* link.c: instructions [start, end) of section sec, with subprograms and
 * relocations, into p. */
/* The relocation section that patches section sec, or NULL. */
const struct ev_relsec *bo_relocs_for(const struct elf_view *v, uint32_t sec);
int bo_build_prog(struct parse *ps, struct bo_prog *p, uint32_t sec,
		  uint64_t start, uint64_t end);

#endif
