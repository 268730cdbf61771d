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

#define SA_ATTACH_STRUCT_OPS		44	/* Linux 6.4 */
#define SA_ATTACH_TCX_INGRESS		46	/* Linux 6.6 */
#define SA_ATTACH_TCX_EGRESS		47	/* Linux 6.6 */
#define SA_LINK_TYPE_TCX		11	/* Linux 6.6; struct bpf_link_info.tcx */

/* The kernel's internal "not supported" (include/linux/errno.h), which
 * bpf() returns for a helper or feature a kernel does not have. */
#define SA_ENOTSUPP			524

#endif
