// SPDX-License-Identifier: GPL-2.0
/*
 * test_tiny_fmt: the static build's formatter (loader/libc/tiny_fmt.c) must print
 * exactly what glibc prints, for every conversion sockaccel uses and the
 * corner cases around them, including truncation and its return value.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "libc/tiny_fmt.h"

static int tiny(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = tiny_vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

/* Same output and return value as glibc, whole and cut at 0, 1, 5 bytes. */
#define SAME(f, ...)							\
	do {								\
		char want[256], got[256];				\
		size_t caps[] = { sizeof(want), 0, 1, 5 }, i;		\
		int good = 1;						\
		for (i = 0; i < 4; i++) {				\
			int rw, rg;					\
			memset(want, 'x', sizeof(want));		\
			memset(got, 'x', sizeof(got));			\
			rw = snprintf(want, caps[i], f, __VA_ARGS__);	\
			rg = tiny(got, caps[i], f, __VA_ARGS__);	\
			good &= rw == rg && !memcmp(want, got, sizeof(want)); \
		}							\
		if (!ok(good, "%-12s -> \"%s\"", f, want))		\
			diag("tiny printed \"%s\"", got);		\
	} while (0)

static void dprintf_tiny(int fd, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	tiny_vdprintf(fd, f, ap);
	va_end(ap);
}

int main(void)
{
	int i;

	SAME("%d", 0);
	SAME("%d", -42);
	SAME("%d", INT_MIN);
	SAME("%u", UINT_MAX);
	SAME("%x", 0xdeadbeefu);
	SAME("%#x", 0u);
	SAME("%#x", 0x80u);
	SAME("%02x", 7u);
	SAME("%08x", 0x1234u);
	SAME("%5d|", 42);
	SAME("%-5d|", 42);
	SAME("%.3d", 7);
	SAME("%.0d|", 0);
	SAME("%ld", LONG_MIN);
	SAME("%lu", ULONG_MAX);
	SAME("%lld", LLONG_MIN);
	SAME("%llu", ULLONG_MAX);
	SAME("%llx", 0x123456789abcdefull);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%zd", (ssize_t)-1);
	SAME("%s", "plain");
	SAME("%s|", "");
	SAME("%-24s|", "sockets_added");
	SAME("%8s|", "ab");
	SAME("%.3s", "abcdef");
	SAME("%.*s", 2, "abcdef");
	SAME("%c", 'A');
	SAME("%3c|", 'A');
	SAME("100%% %s", "sure");
	SAME("%s %u %s", "map", 5u, "x");
	SAME("%4zu: (%02x) r%d = *(u32 *)(r%d %d)", (size_t)12, 0x61u, 1, 6, -8);
	SAME("%d %ld %d", INT_MAX, -1L, -1);
	SAME("%8llu bytes%s", 1296ull, "  exec");
	SAME("bpf(BPF_%s, {map_type=%s, key_size=%u}) = %d", "MAP_CREATE", "SOCKHASH", 56u, 5);

	/* What no message uses is not there: shown, not guessed. */
	{
		char b[32];

		tiny(b, sizeof(b), "%+d|%X|%p", 5, 10u, (void *)b);
		ok(!strcmp(b, "%?d|%?|%?"), "conversions sockaccel does not use print %%?: %s", b);
	}

	/* Output to an fd goes out in 1 KiB pieces: check it arrives whole. */
	{
		static char big[5000], back[6000];
		FILE *f = tmpfile();
		size_t n;

		memset(big, 'v', sizeof(big) - 1);
		ok(tiny(NULL, 0, "%s", big) == (int)sizeof(big) - 1,
		   "the length of a 4999-byte string, with no buffer");
		dprintf_tiny(fileno(f), "<%s>%d", big, 7);
		rewind(f);
		n = fread(back, 1, sizeof(back) - 1, f);
		back[n] = '\0';
		ok(n == sizeof(big) + 2 && back[0] == '<' && !memcmp(back + 1, big, sizeof(big) - 1) &&
		   !strcmp(back + sizeof(big), ">7"), "5 KiB through an fd, whole and in order");
		fclose(f);
	}

	/* strerror: every errno sockaccel can meet has a text; others say so. */
	{
		static const int known[] = { EPERM, ENOENT, EACCES, EINVAL, E2BIG, EEXIST,
					     ENOSPC, EBUSY, ENOMEM, EOPNOTSUPP, ELOOP, ENOTDIR };
		int good = 1;

		for (i = 0; i < (int)(sizeof(known) / sizeof(known[0])); i++)
			good &= strncmp(tiny_strerror(known[i]), "Unknown", 7) != 0;
		ok(good, "tiny_strerror knows the errnos of bpf(), mount() and the file calls");
		ok(!strcmp(tiny_strerror(4242), "Unknown error 4242"), "tiny_strerror(4242)");
		ok(!strcmp(tiny_strerror(EPERM), "Operation not permitted"), "tiny_strerror(EPERM)");
	}
	return done_testing();
}
