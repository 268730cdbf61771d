/* SPDX-License-Identifier: GPL-2.0 */
/*
 * btf_read.h: a bounds-checked reader of raw BTF (UAPI <linux/btf.h>): an
 * object's .BTF section, the kernel's /sys/kernel/btf/vmlinux, or a module's
 * split BTF on top of vmlinux.  Every offset, count and type id that comes
 * from the bytes is checked before it is used.  Shared by btf.c (maps
 * defined in ".maps") and the CO-RE code (btf_ext.c, core.c).
 */
#ifndef SOCKACCEL_BTF_READ_H
#define SOCKACCEL_BTF_READ_H

#include <linux/btf.h>
#include <stddef.h>
#include <stdint.h>

struct bo_object;

struct btf {
	struct bo_object *o;	/* errors go to o->err too, when set */
	const uint8_t *types;	/* type section */
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint32_t n;		/* types, id first..first+n-1 */
	uint32_t *off;		/* off[id - first + 1]: byte offset of type id */
	const struct btf *base;	/* split BTF (modules): ids below first */
	uint32_t first;		/* 1, or base's last id + 1 */
	uint32_t str_first;	/* 0, or base's string bytes */
	const char *why;	/* what is wrong, after a failure */
};

/* Parse the header of data (len bytes) and index the types: 0 or -errno
 * with b->why set (and o->err, when o is not NULL; nothing to close).
 * base: the BTF that split BTF extends, or NULL. */
int btf_open(struct btf *b, const void *data, size_t len, const struct btf *base,
	     struct bo_object *o);
void btf_close(struct btf *b);

int bfail(struct btf *b, const char *what);
int index_types(struct btf *b);
/* The highest valid type id. */
uint32_t btf_last(const struct btf *b);
/* Type id (1..btf_last(); checked by the caller) and the bytes after it,
 * extra_size(&t) of them. */
struct btf_type type_at(const struct btf *b, uint32_t id);
const uint8_t *btf_extra(const struct btf *b, uint32_t id);
int64_t extra_size(const struct btf_type *t);
/* A NUL-terminated string at off, or NULL. */
const char *str_at(const struct btf *b, uint32_t off);
/* Follow typedef/const/volatile/restrict/type tags to the real type. */
int skip_mods(struct btf *b, uint32_t id, uint32_t *out);
int type_size(struct btf *b, uint32_t id, uint64_t *size, int depth);

/*
 * Split BTF (a module's, on top of vmlinux) is read for CO-RE
 * (loader/load/core.c, load_modules) and by inspect; a static build
 * without CO-RE reads none, so there every BTF starts at id 1 and string 0.
 */
#if defined(SOCKACCEL_NO_INSPECT) && defined(SOCKACCEL_NO_CORE)
#define BTF_SPLIT 0
#else
#define BTF_SPLIT 1
#endif
#define BTF_FIRST(b) (BTF_SPLIT ? (b)->first : 1u)

/*
 * Program BTF (the object's .BTF to BPF_BTF_LOAD, func_info and line_info
 * to BPF_PROG_LOAD) can be left out apart from CO-RE
 * (-DSOCKACCEL_NO_PROG_BTF: 800 bytes of the static build); without CO-RE
 * there is none either.
 */
#if defined(SOCKACCEL_NO_CORE) && !defined(SOCKACCEL_NO_PROG_BTF)
#define SOCKACCEL_NO_PROG_BTF
#endif
#ifdef SOCKACCEL_NO_PROG_BTF
#define PROG_BTF 0
#else
#define PROG_BTF 1
#endif

#define MAX_CHAIN	32	/* typedef/const/volatile links followed */

#endif
