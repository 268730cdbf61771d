// SPDX-License-Identifier: GPL-2.0
/*
 * tiny_libc.c: the printf family and malloc of the static build only.
 *
 * musl's printf brings floating-point formatting and the FILE machinery,
 * its malloc a hardened allocator: about 25 KiB of a 64 KiB budget, for
 * things sockaccel never does; its strerror() a table of every errno
 * (2 KiB).  These versions cover what sockaccel does: integer
 * and string conversions written straight to fds 1 and 2 (so stdout and
 * stderr never interleave out of order), and an allocator for a process
 * that lives for milliseconds.  The default build uses the C library's;
 * tests/unit/tiny_libc.c checks these against glibc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- stdout and stderr are just their fds ---- */
FILE *const stdout = (FILE *)(uintptr_t)1;
FILE *const stderr = (FILE *)(uintptr_t)2;

static int fd_of(FILE *f)
{
	return f == stdout ? 1 : 2;
}

/* ---- formatting ---- */
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

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

static void fmt_int(struct sink *s, unsigned long long v, int neg, unsigned int base,
		    int upper, int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char num[24], prefix[3] = "";
	int n = 0, plen = 0, zeros, total;

	while (v) {
		num[n++] = digits[v % base];
		v /= base;
	}
	if (prec < 0 && !n)
		num[n++] = '0';	/* "%d" of 0; "%.0d" of 0 prints nothing */
	if (neg)
		prefix[plen++] = '-';
	else if (flags & F_PLUS)
		prefix[plen++] = '+';
	else if (flags & F_SPACE)
		prefix[plen++] = ' ';
	if ((flags & F_ALT) && base == 16 && n && num[n - 1] != '0') {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
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

static void format(struct sink *s, const char *f, va_list ap)
{
	while (*f) {
		int flags = 0, width = 0, prec = -1, lng = 0, len;
		unsigned long long u;
		long long d;
		const char *str;

		if (*f != '%') {
			const char *e = strchr(f, '%');
			size_t n = e ? (size_t)(e - f) : strlen(f);

			put(s, f, n);
			f += n;
			continue;
		}
		for (f++;; f++) {
			if (*f == '-') flags |= F_LEFT;
			else if (*f == '+') flags |= F_PLUS;
			else if (*f == ' ') flags |= F_SPACE;
			else if (*f == '#') flags |= F_ALT;
			else if (*f == '0') flags |= F_ZERO;
			else break;
		}
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			f++;
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
		for (;; f++) {	/* h and hh are promoted to int anyway */
			if (*f == 'l') lng++;
			else if (*f == 'z' || *f == 'j' || *f == 't') lng = 2;
			else if (*f != 'h') break;
		}
		switch (*f) {
		case 'd':
		case 'i':
			d = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			fmt_int(s, d < 0 ? -(unsigned long long)d : (unsigned long long)d, d < 0,
				10, 0, flags, width, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			fmt_int(s, u, 0, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X',
				flags, width, prec);
			break;
		case 'p':
			fmt_int(s, (uintptr_t)va_arg(ap, void *), 0, 16, 0, flags | F_ALT, width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & F_LEFT))
				pad(s, ' ', width - 1);
			put(s, &c, 1);
			if (flags & F_LEFT)
				pad(s, ' ', width - 1);
			break;
		}
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			len = (int)strnlen(str, prec >= 0 ? (size_t)prec : SIZE_MAX);
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

int vsnprintf(char *buf, size_t cap, const char *f, va_list ap)
{
	struct sink s = { .buf = buf, .cap = cap, .fd = -1 };

	format(&s, f, ap);
	if (cap)
		buf[s.len] = '\0';
	return (int)s.total;
}

int snprintf(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *fp, const char *f, va_list ap)
{
	struct sink s = { .fd = fd_of(fp) };

	s.buf = s.tmp;
	s.cap = sizeof(s.tmp);
	format(&s, f, ap);
	flush(&s);
	return (int)s.total;
}

int fprintf(FILE *fp, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vfprintf(fp, f, ap);
	va_end(ap);
	return n;
}

int printf(const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vfprintf(stdout, f, ap);
	va_end(ap);
	return n;
}

/* The compiler turns some printf calls into these. */
size_t fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	struct sink s = { .fd = fd_of(fp), .buf = (char *)p };

	s.len = s.cap = size * n;
	flush(&s);
	return n;
}

int fputs(const char *str, FILE *fp)
{
	fwrite(str, 1, strlen(str), fp);
	return 0;
}

int fputc(int c, FILE *fp)
{
	char ch = (char)c;

	fwrite(&ch, 1, 1, fp);
	return c;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int puts(const char *str)
{
	fputs(str, stdout);
	return fputc('\n', stdout) < 0 ? -1 : 0;
}

/* ---- strerror: the errors bpf(), mount() and the file calls return ---- */
static const struct {
	unsigned short no;
	char text[33];
} errors[] = {
	{ EPERM, "Operation not permitted" }, { ENOENT, "No such file or directory" },
	{ ESRCH, "No such process" }, { EINTR, "Interrupted system call" },
	{ EIO, "I/O error" }, { ENXIO, "No such device or address" },
	{ E2BIG, "Argument list too long" }, { ENOEXEC, "Exec format error" },
	{ EBADF, "Bad file descriptor" }, { EAGAIN, "Resource temporarily unavailable" },
	{ ENOMEM, "Out of memory" }, { EACCES, "Permission denied" },
	{ EFAULT, "Bad address" }, { EBUSY, "Resource busy" },
	{ EEXIST, "File exists" }, { EXDEV, "Cross-device link" },
	{ ENODEV, "No such device" }, { ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" }, { EINVAL, "Invalid argument" },
	{ ENFILE, "Too many open files in system" }, { EMFILE, "No file descriptors available" },
	{ EFBIG, "File too large" }, { ENOSPC, "No space left on device" },
	{ EROFS, "Read-only file system" }, { ERANGE, "Result not representable" },
	{ ENAMETOOLONG, "Filename too long" }, { ENOSYS, "Function not implemented" },
	{ ENOTEMPTY, "Directory not empty" }, { ELOOP, "Symbolic link loop" },
	{ EOPNOTSUPP, "Not supported" }, { ETIMEDOUT, "Operation timed out" },
	{ ECONNRESET, "Connection reset by peer" },
};

char *strerror(int no)
{
	static char other[24];
	size_t i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].no == no)
			return (char *)errors[i].text;
	snprintf(other, sizeof(other), "Unknown error %d", no);
	return other;
}

/* ---- malloc: bump allocation from mmap'd arenas ---- */
/*
 * sockaccel allocates a few hundred KiB and exits.  Blocks come from 1 MiB
 * arenas in order; free() gives back the newest block (so grow-by-realloc
 * loops reuse their space) and large blocks, which have mappings of their
 * own.  Everything else is returned when the process ends.
 */
#define ARENA	(1u << 20)
#define LARGE	(ARENA / 4)
#define ALIGN	16

struct hdr {
	size_t size;	/* usable bytes; LARGE blocks have their own mapping */
	size_t mapped;	/* length of that mapping, 0 if in an arena */
};

static char *cur, *end;

void *malloc(size_t n)
{
	struct hdr *h;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n >= LARGE) {
		size_t len = (n + sizeof(*h) + 4095) & ~(size_t)4095;
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		h = m;
		h->size = n;
		h->mapped = len;
		return h + 1;
	}
	if (!cur || (size_t)(end - cur) < n + sizeof(*h)) {
		void *m = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		cur = m;
		end = cur + ARENA;
	}
	h = (struct hdr *)cur;
	h->size = n;
	h->mapped = 0;
	cur += sizeof(*h) + n;
	return h + 1;
}

void free(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;

	if (!p)
		return;
	if (h->mapped)
		munmap(h, h->mapped);
	else if ((char *)p + h->size == cur)
		cur = (char *)h;
}

void *calloc(size_t a, size_t b)
{
	void *p;

	if (b && a > SIZE_MAX / b) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(a * b);
	if (p)
		memset(p, 0, a * b);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct hdr *h = (struct hdr *)p - 1;
	void *np;

	if (!p)
		return malloc(n);
	if (n <= h->size)
		return p;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!h->mapped && (char *)p + h->size == cur && n < LARGE &&
	    (size_t)(end - (char *)p) >= n) {
		cur = (char *)p + n;	/* the newest block grows in place */
		h->size = n;
		return p;
	}
	np = malloc(n);
	if (np) {
		memcpy(np, p, h->size);
		free(p);
	}
	return np;
}
