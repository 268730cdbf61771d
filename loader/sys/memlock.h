/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_MEMLOCK_H
#define SOCKACCEL_MEMLOCK_H

#include "sys/ctx.h"

/* Does this kernel charge BPF maps and programs to RLIMIT_MEMLOCK (before
 * Linux 5.11)?  1 yes, 0 no (the memory cgroup pays), -errno if the
 * kernel would not say (unprivileged, no bpf()). */
int sa_memlock_charged(void);

/* Where it does, raise RLIMIT_MEMLOCK to infinity (or as far as the hard
 * limit allows) and say so under -v.  Called by every command that
 * creates maps or loads programs; never fails: the kernel will. */
void sa_memlock_raise(struct sa_ctx *c);

#endif
