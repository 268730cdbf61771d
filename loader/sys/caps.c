// SPDX-License-Identifier: GPL-2.0
/*
 * caps.c: does the caller have what bpf() and cgroup attachment need?
 * Checked before anything changes, so the message names the capability
 * instead of an EPERM from the middle of an install.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/caps.h"

#ifndef CAP_BPF
#define CAP_BPF 39	/* Linux 5.8; before it, CAP_SYS_ADMIN */
#endif

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int sa_check_caps(struct sa_ctx *c, const char *what)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int admin;

	if (syscall(SYS_capget, &h, d) < 0)
		return 0;	/* cannot tell: let the kernel decide */
	admin = has_cap(d, CAP_SYS_ADMIN);
	if ((admin || has_cap(d, CAP_BPF)) && (admin || has_cap(d, CAP_NET_ADMIN)))
		return 0;
	return sa_failx(c, -EPERM,
			"%s needs root, or CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN before Linux 5.8)",
			what);
}
