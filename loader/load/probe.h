/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe.h: what this kernel offers that sockaccel uses, found by asking it
 * (a small BPF_PROG_LOAD, BPF_MAP_CREATE, ... each), never by its version.
 * `sockaccel probe` prints the table; `install` checks the rows its
 * programs need before it changes anything.
 */
#ifndef SOCKACCEL_PROBE_H
#define SOCKACCEL_PROBE_H

#include "sys/ctx.h"

enum sa_probe_kind {
	SA_P_PROG, SA_P_MAP, SA_P_HELPER, SA_P_FLAG, SA_P_BTF, SA_P_KBTF,
	SA_P_LINK, SA_P_MEMCG,
};

/* Its words, one string each, in this order (a pointer each would cost
 * the static binary 16 bytes a row): */
enum sa_feature_word {
	SA_F_ID,	/* JSON key */
	SA_F_WHAT,	/* reads after "this kernel has no ..." */
	SA_F_SINCE,	/* first mainline version that has it */
};
struct sa_feature {
	const char *words;	/* "id\0what\0since" */
	unsigned char kind;	/* enum sa_probe_kind */
	unsigned char install;	/* our programs need it */
	unsigned short a, b;	/* prog/map type, helper id, flags */
};

extern const struct sa_feature sa_features[];
extern const unsigned int sa_nfeatures;
/* One of f's words. */
const char *sa_feature_word(const struct sa_feature *f, enum sa_feature_word w);
/* How each kind is asked, indexed by enum sa_probe_kind; the static build
 * (96 KiB) leaves the words out ("how": "" in --json), the README's
 * Kernels section has them. */
#ifdef SOCKACCEL_SMALL
#define sa_probe_how(kind) ""
#else
extern const char *const sa_probe_how_words[];
#define sa_probe_how(kind) sa_probe_how_words[kind]
#endif

/* 1 present, 0 absent, -errno when the kernel would not say (EPERM). */
int sa_probe(const struct sa_feature *f);
/* install's check: 0, or -EOPNOTSUPP with "this kernel has no <what>
 * (Linux <since>)" in c for the first missing row install needs. */
int sa_probe_install(struct sa_ctx *c);

#endif
