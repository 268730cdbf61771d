/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uapi_compat.h: UAPI values newer than the oldest headers we build with
 * (Debian 12: Linux 6.1).  Enum members cannot be tested with #ifdef, so
 * each gets its own name here, once, with the kernel that added it.
 */
#ifndef SOCKACCEL_UAPI_COMPAT_H
#define SOCKACCEL_UAPI_COMPAT_H

#define SA_MAP_TYPE_CGRP_STORAGE	32	/* Linux 6.2 */
#define SA_MAP_TYPE_ARENA		33	/* Linux 6.9 */
#define SA_MAP_TYPE_LAST		SA_MAP_TYPE_ARENA

/* The kernel's internal "not supported" (include/linux/errno.h), which
 * bpf() returns for a helper or feature a kernel does not have. */
#define SA_ENOTSUPP			524

#endif
