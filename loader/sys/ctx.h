/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctx.h: what a loader call leaves for the command line when it fails.
 * Functions return -errno; the first failure also writes a message that
 * names its subject ("map 'sock_hash': BPF_MAP_CREATE: ...") here, and a
 * failed BPF_PROG_LOAD leaves the verifier's log.
 */
#ifndef SOCKACCEL_CTX_H
#define SOCKACCEL_CTX_H

/* The scalars first: within 128 bytes of the start, each is reached with
 * a 1-byte displacement. */
struct sa_ctx {
	int verbose;
	int err_set;
	char *vlog;		/* verifier log of the failed program, or NULL */
	unsigned int warn_len;
	char err[1024];
	/* Warnings: things the user should know that do not make the command
	 * fail (a counter that could not be read, an overlapping install).
	 * Kept apart from err, which only the failure that decides the exit
	 * status writes.  Lines, each ending in '\n' (warn_len bytes); the
	 * CLI prints them. */
	char warn[1024];
};

/* Record "<fmt>: <strerror(-err)>" unless a message is already set; returns err. */
int sa_fail(struct sa_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same without the strerror part. */
int sa_failx(struct sa_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* sa_failx(c, -ENOMEM, "out of memory"), in one call. */
int sa_oom(struct sa_ctx *c);
/* Append one warning line (dropped when the buffer is full); returns 0. */
int sa_warn(struct sa_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* -v: progress lines on stderr. */
void sa_info(struct sa_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sa_ctx_free(struct sa_ctx *c);

#endif
