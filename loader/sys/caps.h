/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_CAPS_H
#define SOCKACCEL_CAPS_H

#include "sys/ctx.h"

/* root, or CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN before Linux 5.8)?
 * 0, or -EPERM with a message naming what is missing. */
int sa_check_caps(struct sa_ctx *c, const char *what);

#endif
