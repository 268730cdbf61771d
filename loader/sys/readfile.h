/* SPDX-License-Identifier: GPL-2.0 */
/* readfile.h: reading whole files, bounded (objects, procfs, sysfs). */
#ifndef SOCKACCEL_READFILE_H
#define SOCKACCEL_READFILE_H

#include <stddef.h>

#include "sys/ctx.h"

/* Read a whole file (at most 64 MiB) into a malloc'd buffer. */
int sa_read_file(struct sa_ctx *c, const char *path, void **buf, size_t *len);
/* Read a small file that may not know its size (procfs, sysfs) into a
 * malloc'd NUL-terminated buffer; at most max bytes.  Length or -errno. */
long sa_slurp(const char *path, char **buf, size_t max);
/* The last number in a small file ("0-3,8-11": 11; "4096 16384 4194304":
 * 4194304), or -errno. */
long sa_last_number(const char *path);

#endif
