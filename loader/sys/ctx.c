// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/ctx.h"
#include "uapi_compat.h"

static int vfail(struct sa_ctx *c, int err, int with_errno, const char *fmt,
		 va_list ap)
{
	int n;

	if (c->err_set)
		return err;
	n = vsnprintf(c->err, sizeof(c->err), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(c->err))
		snprintf(c->err + n, sizeof(c->err) - n, ": %s",
			 err == -SA_ENOTSUPP ? "not supported by this kernel (ENOTSUPP)"
				     : strerror(-err));
	c->err_set = 1;
	/* Names in messages come from files people hand us: no control
	 * character (a terminal escape, a newline) reaches the terminal. */
	for (n = 0; c->err[n]; n++)
		if ((unsigned char)c->err[n] < ' ' || c->err[n] == 0x7f)
			c->err[n] = '?';
	return err;
}

int sa_fail(struct sa_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail(c, err, 1, fmt, ap);
	va_end(ap);
	return err;
}

int sa_failx(struct sa_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail(c, err, 0, fmt, ap);
	va_end(ap);
	return err;
}

int sa_oom(struct sa_ctx *c)
{
	return sa_failx(c, -ENOMEM, "out of memory");
}

int sa_warn(struct sa_ctx *c, const char *fmt, ...)
{
	size_t room = sizeof(c->warn) - c->warn_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->warn + c->warn_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= room) {
		c->warn[c->warn_len] = '\0';	/* no half lines */
		return 0;
	}
	c->warn_len += (unsigned int)n + 1;
	c->warn[c->warn_len - 1] = '\n';
	c->warn[c->warn_len] = '\0';
	return 0;
}

void sa_info(struct sa_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->verbose)
		return;
	va_start(ap, fmt);
	fputs("sockaccel: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void sa_ctx_free(struct sa_ctx *c)
{
	free(c->vlog);
	c->vlog = NULL;
}
