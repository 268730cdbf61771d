/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_TINY_FMT_H
#define SOCKACCEL_TINY_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* C99 snprintf semantics for d u x c s %% with the flags - # 0, width,
 * precision (also .*) and the l ll z lengths: what sockaccel prints. */
int tiny_vsnprintf(char *buf, size_t cap, const char *f, va_list ap);
/* The same, written to fd (in 1 KiB pieces, retried on EINTR). */
int tiny_vdprintf(int fd, const char *f, va_list ap);
void tiny_write(int fd, const void *p, size_t n);
/* The text for an errno sockaccel can meet; "Unknown error N" otherwise. */
const char *tiny_strerror(int no);

#endif
