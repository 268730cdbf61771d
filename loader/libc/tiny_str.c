// SPDX-License-Identifier: GPL-2.0
/*
 * tiny_str.c: the string functions of the static build, as byte loops.
 *
 * musl's are word-at-a-time and unrolled, and pull in helpers (__strchrnul,
 * __stpcpy, __stpncpy): 1.6 KiB together.  The strings sockaccel handles
 * are names, paths and small files.  GCC's loop distribution may turn a
 * loop back into a call of the very function it implements: the attribute
 * stops it, and memset is rep stosb.  Only the C locale exists in a static
 * musl binary: strcasecmp folds ASCII, as musl's does.
 *
 * tests/unit/test_tiny_str.c builds this file with TINY(f) = tiny_f and
 * checks every function against glibc's.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#ifndef TINY
#define TINY(f) f
#endif
#define PLAIN __attribute__((optimize("no-tree-loop-distribute-patterns")))

PLAIN size_t TINY(strlen)(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

PLAIN size_t TINY(strnlen)(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i])
		i++;
	return i;
}

PLAIN char *TINY(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

PLAIN char *TINY(strrchr)(const char *s, int c)
{
	const char *r = NULL;

	for (;; s++) {
		if (*s == (char)c)
			r = s;
		if (!*s)
			return (char *)r;
	}
}

PLAIN size_t TINY(strcspn)(const char *s, const char *reject)
{
	size_t i = 0;

	while (s[i] && !TINY(strchr)(reject, s[i]))
		i++;
	return i;
}

PLAIN char *TINY(strcpy)(char *d, const char *s)
{
	char *r = d;

	while ((*d++ = *s++))
		;
	return r;
}

/* The end of the copy: its NUL. */
PLAIN char *TINY(stpcpy)(char *d, const char *s)
{
	while ((*d = *s++))
		d++;
	return d;
}

PLAIN char *TINY(strncpy)(char *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		d[i] = s[i];
	for (; i < n; i++)
		d[i] = '\0';
	return d;
}

PLAIN int TINY(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n && *a && *a == *b; n--, a++, b++)
		;
	return n ? (unsigned char)*a - (unsigned char)*b : 0;
}

PLAIN int TINY(strcmp)(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return (unsigned char)*a - (unsigned char)*b;
}

/* A byte loop: musl's two-way search is 1 KiB; the static build looks
 * for a few words in a verifier log. */
PLAIN char *TINY(strstr)(const char *s, const char *w)
{
	size_t n = TINY(strlen)(w);

	for (;; s++) {
		if (!TINY(strncmp)(s, w, n))
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

PLAIN int TINY(strcasecmp)(const char *a, const char *b)
{
	for (; *a && lower(*a) == lower(*b); a++, b++)
		;
	return lower(*a) - lower(*b);
}

PLAIN void *TINY(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

#if defined(__x86_64__)
void *TINY(memset)(void *d, int c, size_t n)
{
	void *r = d;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return r;
}
#endif
