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

struct bo_prog {
	char name[BO_NAME_MAX];	/* function symbol name */
	char section[BO_NAME_MAX];
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
};

struct bo_object {
	char name[BO_NAME_MAX];	/* file name, for messages */
	const char *reader;	/* which ELF reader parsed it */
	char license[128];
	uint32_t kern_version;	/* "version" section, 0 if none */
	struct bo_map *maps;
	size_t nmaps;
	struct bo_prog *progs;
	size_t nprogs;
	char err[512];		/* set when parsing fails */
	uint64_t work;		/* steps spent parsing (bo_charge) */
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
void bo_object_free(struct bo_object *o);
int bo_find_map(const struct bo_object *o, const char *name);
int bo_find_prog(const struct bo_object *o, const char *name);

/*
 * Copy a program's instructions into out (insn_cnt entries) with every map
 * reference resolved: map_fds[i] is the fd of the object's maps[i].  Pure.
 */
void bo_relocate(const struct bo_prog *p, const int *map_fds, struct bpf_insn *out);

/* ---- section names -> program types (progtypes.c) ---- */
enum bo_attach_target {
	BO_ATTACH_NONE,		/* loaded and pinned, attached by other means */
	BO_ATTACH_CGROUP,	/* BPF_PROG_ATTACH to a cgroup v2 directory */
	BO_ATTACH_MAP,		/* BPF_PROG_ATTACH to a sockmap/sockhash */
};

/* The enum values all fit in a byte (Linux 6.18: 33 program types, 59
 * attach types), which keeps the table small. */
struct bo_sec_def {
	const char *name;	/* section name, or prefix before '/' */
	uint8_t prog_type;
	uint8_t expected_attach_type;	/* for BPF_PROG_LOAD; 0 if none */
	uint8_t attach_type;	/* default for attach; BO_NO_ATTACH if none */
	uint8_t attach_to;	/* enum bo_attach_target */
};
#define BO_NO_ATTACH 0xff

/* The definition for a section name, or NULL. */
const struct bo_sec_def *bo_sec_def_find(const char *section);

#endif
