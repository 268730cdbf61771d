/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_DISASM_H
#define SOCKACCEL_DISASM_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Print instruction i of insns (n in all) in the kernel's notation, as the
 * verifier log and bpftool show it: "(bf) r6 = r1".  map_name(i) names the
 * map an ld_imm64 at i refers to, or returns NULL.  Returns how many
 * instructions it took (2 for ld_imm64).
 */
size_t bpf_disasm(FILE *f, const struct bpf_insn *insns, size_t n, size_t i,
		  const char *(*map_name)(void *ctx, size_t i), void *ctx);

#endif
