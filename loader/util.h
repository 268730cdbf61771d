/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_UTIL_H
#define SOCKACCEL_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "ctx.h"

/* Read a whole file (at most 64 MiB) into a malloc'd buffer. */
int sa_read_file(struct sa_ctx *c, const char *path, void **buf, size_t *len);
/* Read a small file that may not know its size (procfs, sysfs) into a
 * malloc'd NUL-terminated buffer; at most max bytes.  Length or -errno. */
long sa_slurp(const char *path, char **buf, size_t max);
/* Print s as a JSON string, quotes included. */
void sa_json_str(FILE *f, const char *s);
/* Does the caller have what bpf() and cgroup attach need?  0 or -EPERM. */
int sa_check_caps(struct sa_ctx *c, const char *what);

#endif
