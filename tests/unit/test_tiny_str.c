// SPDX-License-Identifier: GPL-2.0
/*
 * test_tiny_str: the static build's string functions (loader/libc/tiny_str.c,
 * built here as tiny_strlen, tiny_strchr, ...) must answer as glibc's do:
 * the same index, pointer or bytes, and comparisons of the same sign, on
 * empty strings, prefixes, bytes above 0x7f, case and lengths at the edges.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "tap.h"

size_t tiny_strlen(const char *s);
size_t tiny_strnlen(const char *s, size_t n);
char *tiny_strchr(const char *s, int c);
char *tiny_strrchr(const char *s, int c);
size_t tiny_strcspn(const char *s, const char *reject);
char *tiny_strcpy(char *d, const char *s);
char *tiny_stpcpy(char *d, const char *s);
char *tiny_strncpy(char *d, const char *s, size_t n);
int tiny_strncmp(const char *a, const char *b, size_t n);
int tiny_strcmp(const char *a, const char *b);
char *tiny_strstr(const char *s, const char *w);
int tiny_strcasecmp(const char *a, const char *b);
void *tiny_memchr(const void *s, int c, size_t n);
void *tiny_memset(void *d, int c, size_t n);

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static const char *const strs[] = {
	"", "a", "A", "ab", "abc", "abd", "ABC", "aBc", "abc ", " abc", "a b c",
	"/sys/fs/bpf", "/sys/fs/bpf/", "cgroup2", "\xff", "\x80x", "z", "Z", "[",
	"@", "_", "sockhash", "SOCKHASH", "sock_ops", "sockaccel", "a\n-b",
};
#define N (sizeof(strs) / sizeof(strs[0]))

int main(void)
{
	static const int chars[] = { 0, 'a', 'b', ' ', '/', '\n', 0xff, 0x80, 'Z', 'x' + 256 };
	char want[64], got[64];
	size_t i, j, k;
	int good;

	good = 1;
	for (i = 0; i < N; i++)
		good &= tiny_strlen(strs[i]) == strlen(strs[i]);
	ok(good, "strlen");

	good = 1;
	for (i = 0; i < N; i++)
		for (k = 0; k < 16; k++)
			good &= tiny_strnlen(strs[i], k) == strnlen(strs[i], k);
	ok(good, "strnlen, n from 0 to 15");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < sizeof(chars) / sizeof(chars[0]); j++)
			good &= tiny_strchr(strs[i], chars[j]) == strchr(strs[i], chars[j]);
	ok(good, "strchr, the NUL and bytes above 0x7f included");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < sizeof(chars) / sizeof(chars[0]); j++)
			good &= tiny_strrchr(strs[i], chars[j]) == strrchr(strs[i], chars[j]);
	good &= tiny_strrchr(strs[12], '/') == strs[12] + 11;
	ok(good, "strrchr: the last one, the NUL and bytes above 0x7f included");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			good &= tiny_strcspn(strs[i], strs[j]) == strcspn(strs[i], strs[j]);
	ok(good, "strcspn");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++) {
			good &= sign(tiny_strcmp(strs[i], strs[j])) == sign(strcmp(strs[i], strs[j]));
			good &= sign(tiny_strcasecmp(strs[i], strs[j])) ==
				sign(strcasecmp(strs[i], strs[j]));
			for (k = 0; k < 6; k++)
				good &= sign(tiny_strncmp(strs[i], strs[j], k)) ==
					sign(strncmp(strs[i], strs[j], k));
		}
	ok(good, "strcmp, strcasecmp, strncmp (n from 0 to 5): the same sign");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			good &= tiny_strstr(strs[i], strs[j]) == strstr(strs[i], strs[j]);
	good &= tiny_strstr(strs[24] + 1, "cc") == strstr(strs[24] + 1, "cc");
	ok(good, "strstr: the same match, the empty string included");

	good = 1;
	for (i = 0; i < N; i++) {
		memset(want, 'x', sizeof(want));
		memset(got, 'x', sizeof(got));
		good &= tiny_strcpy(got, strs[i]) == got;
		strcpy(want, strs[i]);
		good &= !memcmp(want, got, sizeof(want));
		memset(got, 'x', sizeof(got));
		good &= tiny_stpcpy(got, strs[i]) == got + strlen(strs[i]);
		good &= !memcmp(want, got, sizeof(want));
		for (k = 0; k < 16; k++) {
			memset(want, 'x', sizeof(want));
			memset(got, 'x', sizeof(got));
			good &= tiny_strncpy(got, strs[i], k) == got;
			strncpy(want, strs[i], k);
			good &= !memcmp(want, got, sizeof(want));
		}
	}
	ok(good, "strcpy, stpcpy (returns the NUL), strncpy (n from 0 to 15: cut, or padded with NULs)");

	good = 1;
	for (i = 0; i < N; i++)
		for (j = 0; j < sizeof(chars) / sizeof(chars[0]); j++)
			for (k = 0; k <= strlen(strs[i]) + 1; k++)
				good &= tiny_memchr(strs[i], chars[j], k) == memchr(strs[i], chars[j], k);
	ok(good, "memchr, every length up to the NUL");

#if defined(__x86_64__)
	good = 1;
	for (k = 0; k < 40; k += 3) {
		memset(want, 'x', sizeof(want));
		memset(got, 'x', sizeof(got));
		good &= tiny_memset(got + 1, 0x1a5, k) == got + 1;
		memset(want + 1, 0x1a5, k);
		good &= !memcmp(want, got, sizeof(want));
	}
	ok(good, "memset: the byte of c, exactly n bytes");
#endif
	return done_testing();
}
