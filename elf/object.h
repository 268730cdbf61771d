/* SPDX-License-Identifier: GPL-2.0 */
/*
 * object.h: what a BPF ELF object means, read from the generic ELF view:
 * programs (with their instructions, subprograms appended), map definitions
 * (legacy "maps", BTF-defined ".maps", global data sections) and the
 * relocations that tie instructions to maps.  Pure: no syscalls, no files.
 */
#ifndef SOCKACCEL_OBJECT_H
#define SOCKACCEL_OBJECT_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_view.h"

#define BO_NAME_MAX 64

enum bo_map_origin {
	BO_MAP_LEGACY,	/* "maps" section: struct bpf_map_def or larger */
	BO_MAP_BTF,	/* ".maps" section, described by .BTF */
	BO_MAP_DATA,	/* .data, .rodata*, .bss: one array map each */
};

enum bo_pinning {
	BO_PIN_NONE,
	BO_PIN_BY_NAME,	/* LIBBPF_PIN_BY_NAME, iproute2 PIN_GLOBAL_NS/PIN_OBJECT_NS */
};

/* A map of maps' initial value: key holds the object's map number map. */
struct bo_slot {
	uint32_t key, map;
};

struct bo_map {
	char name[BO_NAME_MAX];	/* symbol name; data: "<object, 8 bytes><section>" */
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t numa_node;
	enum bo_pinning pinning;
	enum bo_map_origin origin;
	uint32_t def_size;	/* legacy: bytes per definition (20, 28, 36...) */
	uint32_t sec;		/* the section that defines it */
	uint64_t off;		/* legacy/BTF: offset of its symbol in sec */
	uint8_t *init;		/* data maps: initial value (NULL for .bss) */
	int frozen;		/* .rodata*: read-only after init (BPF_MAP_FREEZE) */
	int inner;		/* map of maps: index of its inner map (template); -1 */
	int tmpl;		/* only a template for another map's inner maps
				 * (BTF __array(values, struct {...})): never pinned */
	struct bo_slot *slots;	/* map of maps: initial values */
	size_t nslots;
	uint32_t id, inner_id, inner_idx;	/* iproute2 bpf_elf_map labels;
					 * samples/bpf: inner_idx = inner_map_idx */
	uint32_t values_off;	/* BTF map of maps: where .values starts in it, */
	uint32_t var_size;	/* and the bytes of its variable in .maps */
};

enum bo_reloc_kind {
	BO_RELOC_MAP_FD,	/* ld_imm64: src_reg = BPF_PSEUDO_MAP_FD, imm = fd */
	BO_RELOC_MAP_VALUE,	/* ld_imm64: src_reg = BPF_PSEUDO_MAP_VALUE, + off */
};

struct bo_reloc {
	uint32_t insn;		/* index of the ld_imm64 in the program */
	uint32_t map;		/* index into bo_object.maps */
	uint32_t kind;		/* enum bo_reloc_kind */
	uint32_t off;		/* MAP_VALUE: offset into the value */
};

/* A CO-RE relocation from .BTF.ext (UAPI struct bpf_core_relo, Linux 5.17),
 * its byte offset turned into an instruction index of the program. */
struct bo_core_relo {
	uint32_t insn;
	uint32_t type_id;	/* local type, in the object's .BTF */
	uint32_t access_off;	/* access string ("0:1:2"), in .BTF's strings */
	uint32_t kind;		/* enum bpf_core_relo_kind */
};

/* A stretch of a section copied into a program (link.c), so that what
 * .BTF.ext says about section offsets can be said about the program. */
struct bo_range {
	uint32_t sec;
	uint64_t start, end;	/* bytes in sec */
	size_t pos;		/* its first instruction in the program */
};

/* The name first (name_at() in object.c), the section last: the fields
 * between are then within 128 bytes, 1-byte displacements. */
struct bo_prog {
	char name[BO_NAME_MAX];	/* function symbol name */
	uint32_t type;		/* BPF_PROG_TYPE_* */
	uint32_t expected_attach_type;	/* for BPF_PROG_LOAD */
	uint32_t attach_type;	/* default for BPF_PROG_ATTACH, or ~0u */
	int attach_to;		/* enum bo_attach_target */
	struct bpf_insn *insns;	/* own copy; subprograms appended, calls fixed */
	size_t insn_cnt;
	size_t main_cnt;	/* instructions before the first subprogram */
	size_t nsubprogs;	/* subprograms appended from .text */
	struct bo_reloc *relocs;
	size_t nrelocs;
	struct bo_range *ranges;	/* the program's own code, then each subprogram */
	size_t nranges;
	/* From .BTF.ext, insn_off in instructions of this program: */
	struct bpf_func_info *func_info;
	size_t nfunc_info;
	struct bpf_line_info *line_info;
	size_t nline_info;
	struct bo_core_relo *core;
	size_t ncore;
	char section[BO_NAME_MAX];
};

/* The scalars and pointers first, the buffers last (1-byte displacements). */
struct bo_object {
	struct bo_map *maps;
	size_t nmaps;
	struct bo_prog *progs;
	size_t nprogs;
	const char *reader;	/* which ELF reader parsed it */
	uint32_t kern_version;	/* "version" section, 0 if none */
	uint32_t btf_len;
	uint8_t *btf;		/* a copy of .BTF (DATASEC sizes filled in), or NULL */
	const char *maps_layout;	/* legacy "maps": which layout, and why */
	uint64_t work;		/* steps spent parsing (bo_charge) */
	char name[BO_NAME_MAX];	/* file name, for messages */
	char license[128];
	char maps_why[128];
	char err[512];		/* set when parsing fails */
};

/*
 * Parse buf (len bytes) with ELF reader r.  prog_type_override, if not NULL,
 * is a section-table name ("sockops", "xdp", ...) that gives the type of
 * program sections the table does not know.  Returns 0, or -errno with
 * o->err naming what is wrong.  The object does not refer to buf afterwards.
 */
int bo_object_parse(struct bo_object *o, const struct elf_reader *r,
		     const void *buf, size_t len, const char *name,
		     const char *prog_type_override);
/* The same from a view already read (inspect shows the view's sections
 * too); o->reader is left for the caller.  The view may be freed after. */
int bo_object_parse_view(struct bo_object *o, const struct elf_view *v,
			  const char *name, const char *prog_type_override);
void bo_object_free(struct bo_object *o);
int bo_find_map(const struct bo_object *o, const char *name);
int bo_find_prog(const struct bo_object *o, const char *name);

/*
 * Copy a program's instructions into out (insn_cnt entries) with every map
 * reference resolved: map_fds[i] is the fd of the object's maps[i].  Pure.
 */
void bo_relocate(const struct bo_prog *p, const int *map_fds, struct bpf_insn *out);

/* ---- the program and attach type tables (progtypes.c) ---- */
enum bo_attach_target {
	BO_ATTACH_NONE,		/* loaded and pinned, attached by other means */
	BO_ATTACH_CGROUP,	/* BPF_PROG_ATTACH to a cgroup v2 directory */
	BO_ATTACH_MAP,		/* BPF_PROG_ATTACH to a sockmap/sockhash */
};

/* The enum values all fit in a byte (Linux 6.18: 33 program types, 59
 * attach types), which keeps the tables small. */
struct bo_attach_def {
	const char *name;	/* bpftool's: "msg_verdict", "ingress", ... */
	uint8_t type;		/* BPF_* attach type */
	uint8_t to;		/* enum bo_attach_target */
};

struct bo_sec_def {
	const char *name;	/* section name or prefix; bpftool's `type` */
	uint8_t prog_type;
	uint8_t expected_attach_type;	/* for BPF_PROG_LOAD; 0 if none */
	uint8_t attach_type;	/* what it attaches as; BO_NO_ATTACH if none */
};
#define BO_NO_ATTACH 0xff

/* The definition for a section name (exact, then prefix), or NULL.  Rows
 * are returned in a static pair (two may be held at once); ->name points
 * into the table and tells rows apart. */
const struct bo_sec_def *bo_sec_def_find(const char *section);
/* The definition named exactly name (a program type for --type), or NULL. */
const struct bo_sec_def *bo_sec_def_by_type(const char *name);
/* The i-th section name of the table, NULL past the end (help text). */
const char *bo_sec_def_name(size_t i);
/* enum bo_attach_target of a definition. */
int bo_attach_to(const struct bo_sec_def *d);

/* The attach type table: its size, row i, by bpftool name or by type;
 * NULL if none.  (Rows are returned in a static pair: two at a time.) */
size_t bo_attach_count(void);
const struct bo_attach_def *bo_attach_nth(size_t i);
const struct bo_attach_def *bo_attach_find(const char *name);
const struct bo_attach_def *bo_attach_by_type(uint32_t type);

#endif
