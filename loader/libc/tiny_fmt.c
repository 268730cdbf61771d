// SPDX-License-Identifier: GPL-2.0
/*
 * tiny_fmt.c: the printf-style formatter and the strerror table of the
 * static build (loader/tiny_libc.c wraps them as the C library functions).
 * Kept apart so that tests/unit/test_tiny_fmt.c can check them against
 * glibc's own.  The conversions sockaccel's messages use, no more: d u x
 * c s %% with the flags - 0 #, a width, a precision (also .*), and the
 * l ll z lengths (no floating point, no + or space, no h or hh, no
 * o X p i, no * width: each would be code in the static binary that no
 * message runs).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libc/tiny_fmt.h"

struct sink {
	char *buf;	/* snprintf: the caller's buffer; fds: tmp */
	size_t cap, len;
	size_t total;	/* what a large enough buffer would hold */
	int fd;		/* -1: string */
	char tmp[1024];
};

static void flush(struct sink *s)
{
	size_t off = 0;

	while (s->fd >= 0 && off < s->len) {
		ssize_t n = write(s->fd, s->buf + off, s->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (s->fd >= 0)
		s->len = 0;
}

static void put(struct sink *s, const char *p, size_t n)
{
	s->total += n;
	while (n) {
		size_t room = s->cap - s->len, k;

		if (s->fd < 0) {	/* keep room for the NUL */
			k = room > 1 ? (n < room - 1 ? n : room - 1) : 0;
			if (k)
				memcpy(s->buf + s->len, p, k);
			s->len += k;
			return;
		}
		if (!room) {
			flush(s);
			room = s->cap;
		}
		k = n < room ? n : room;
		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
	}
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, &c, 1);
}

enum { F_LEFT = 1, F_ALT = 2, F_ZERO = 4 };

static void fmt_int(struct sink *s, unsigned long long v, int neg, unsigned int base,
		    int flags, int width, int prec)
{
	char num[24], prefix[3] = "";
	int n = 0, plen = 0, zeros, total;

	while (v) {
		num[n++] = "0123456789abcdef"[v % base];
		v /= base;
	}
	if (prec < 0 && !n)
		num[n++] = '0';	/* "%d" of 0; "%.0d" of 0 prints nothing */
	if (neg)
		prefix[plen++] = '-';
	if ((flags & F_ALT) && base == 16 && n && num[n - 1] != '0') {
		prefix[plen++] = '0';
		prefix[plen++] = 'x';
	}
	zeros = prec > n ? prec - n : 0;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > plen + n)
		zeros = width - plen - n;
	total = plen + zeros + n;
	if (!(flags & F_LEFT))
		pad(s, ' ', width - total);
	put(s, prefix, (size_t)plen);
	pad(s, '0', zeros);
	while (n)
		put(s, &num[--n], 1);
	if (flags & F_LEFT)
		pad(s, ' ', width - total);
}

_Static_assert(sizeof(long) == sizeof(long long) && sizeof(void *) == sizeof(long), "LP64");

static void format(struct sink *s, const char *f, va_list ap)
{
	while (*f) {
		int flags = 0, width = 0, prec = -1, lng = 0, len;
		unsigned long long u;
		const char *str;
		char c;

		if (*f != '%') {
			const char *e = strchr(f, '%');
			size_t n = e ? (size_t)(e - f) : strlen(f);

			put(s, f, n);
			f += n;
			continue;
		}
		for (f++;; f++) {
			if (*f == '-') flags |= F_LEFT;
			else if (*f == '#') flags |= F_ALT;
			else if (*f == '0') flags |= F_ZERO;
			else break;
		}
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		if (*f == '.') {
			prec = 0;
			if (*++f == '*') {
				prec = va_arg(ap, int);
				f++;
			}
			while (*f >= '0' && *f <= '9')
				prec = prec * 10 + (*f++ - '0');
		}
		while (*f == 'l' || *f == 'z')
			lng = *f++;
		switch (*f) {
		case 'd':
		case 'u':
		case 'x':
			/* One read for every length (long is long long: LP64). */
			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (*f == 'd' && !lng)
				u = (unsigned long long)(long long)(int)u;
			len = *f == 'd' && (long long)u < 0;
			fmt_int(s, len ? -u : u, len, *f == 'x' ? 16 : 10, flags, width, prec);
			break;
		case 'c':
		case 's':
			if (*f == 'c') {
				c = (char)va_arg(ap, int);
				str = &c;
				len = 1;
			} else {
				str = va_arg(ap, const char *);
				if (!str)
					str = "(null)";
				len = (int)strnlen(str, prec >= 0 ? (size_t)prec : SIZE_MAX);
			}
			if (!(flags & F_LEFT))
				pad(s, ' ', width - len);
			put(s, str, (size_t)len);
			if (flags & F_LEFT)
				pad(s, ' ', width - len);
			break;
		case '%':
			put(s, "%", 1);
			break;
		default:	/* not used by sockaccel: show it rather than guess */
			put(s, "%?", 2);
			if (!*f)
				return;
		}
		f++;
	}
}

int tiny_vsnprintf(char *buf, size_t cap, const char *f, va_list ap)
{
	struct sink s = { .buf = buf, .cap = cap, .fd = -1 };

	format(&s, f, ap);
	if (cap)
		buf[s.len] = '\0';
	return (int)s.total;
}

int tiny_vdprintf(int fd, const char *f, va_list ap)
{
	struct sink s = { .fd = fd };

	s.buf = s.tmp;
	s.cap = sizeof(s.tmp);
	format(&s, f, ap);
	flush(&s);
	return (int)s.total;
}

void tiny_write(int fd, const void *p, size_t n)
{
	struct sink s = { .fd = fd, .buf = (char *)p };

	s.len = s.cap = n;
	flush(&s);
}

/* ---- strerror: the errors bpf(), mount() and the file calls return ---- */
/* One list, expanded twice: the numbers (a byte each) and the texts. */
#define ERRORS(E) \
	E(EPERM, "Operation not permitted") E(ENOENT, "No such file or directory") \
	E(ESRCH, "No such process") E(EINTR, "Interrupted system call") \
	E(EIO, "I/O error") E(ENXIO, "No such device or address") \
	E(E2BIG, "Argument list too long") E(ENOEXEC, "Exec format error") \
	E(EBADF, "Bad file descriptor") E(EAGAIN, "Resource temporarily unavailable") \
	E(ENOMEM, "Out of memory") E(EACCES, "Permission denied") \
	E(EFAULT, "Bad address") E(EBUSY, "Resource busy") \
	E(EEXIST, "File exists") E(EXDEV, "Cross-device link") \
	E(ENODEV, "No such device") E(ENOTDIR, "Not a directory") \
	E(EISDIR, "Is a directory") E(EINVAL, "Invalid argument") \
	E(ENFILE, "Too many open files in system") E(EMFILE, "No file descriptors available") \
	E(EFBIG, "File too large") E(ENOSPC, "No space left on device") \
	E(EROFS, "Read-only file system") E(ERANGE, "Result not representable") \
	E(ENAMETOOLONG, "Filename too long") E(ENOSYS, "Function not implemented") \
	E(ENOTEMPTY, "Directory not empty") E(ELOOP, "Symbolic link loop") \
	E(EOPNOTSUPP, "Not supported") E(ETIMEDOUT, "Operation timed out") \
	E(ECONNRESET, "Connection reset by peer")

#define ERRNO(no, text) no,
#define ERRTEXT(no, text) text "\0"
static const unsigned char error_nos[] = { ERRORS(ERRNO) };
static const char error_texts[] = ERRORS(ERRTEXT);

const char *tiny_strerror(int no)
{
	static char other[24];
	const char *p = error_texts;
	size_t i;

	for (i = 0; i < sizeof(error_nos); i++, p += strlen(p) + 1)
		if (error_nos[i] == no)
			return p;
	snprintf(other, sizeof(other), "Unknown error %d", no);
	return other;
}

