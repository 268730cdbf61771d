// SPDX-License-Identifier: GPL-2.0
/*
 * pack.c: the build's compressor for the BPF object built into sockaccel
 * (a host tool, never part of the binary).  `pack IN OUT` writes IN in the
 * format of loader/accel/unpack.h, then unpacks it again with the
 * binary's own loader/accel/unpack.c and fails unless every byte comes
 * back: a build cannot embed an object it would not read.
 *
 * The parse is optimal for the format's bit costs, but for one
 * simplification: of the ways to reach a position, only the SLOTS
 * cheapest after literals and after a copy are kept, each with another
 * last offset (a repeat's offset is that state's; 4 rather than 1: -14
 * bytes for our object, more change nothing).  Objects are a few KiB:
 * trying every offset at every position takes well under a second.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/unpack.h"

#define K SA_Z_OFF_LOW
/* At worst every byte a literal: a run's gamma code and flag, < 1/8 more. */
#define SA_PACK_ROOM(n) ((n) + (n) / 8 + 16)
#define INF UINT64_MAX
#define NCOST 64	/* offset costs in bits are below this */

enum { LIT, REP, NEW };

#define SLOTS 4

/* A way found to reach a position, ending with literals (st 0) or with a
 * copy (st 1); SLOTS of each a position, with distinct last offsets. */
struct arrive {
	uint64_t cost;		/* bits */
	size_t from, len, off;	/* off: the last offset after this token */
	int kind, from_st, from_slot;
};

static unsigned gamma_bits(size_t n)
{
	unsigned b = 1;

	while (n > 1) {
		n >>= 1;
		b += 2;
	}
	return b;
}

static unsigned off_bits(size_t off)
{
	return gamma_bits((off >> 3 >> K) + 1) + K + (off & 7 ? 4 : 1);
}

struct writer {
	unsigned char *buf;
	size_t len, bit_at;
	unsigned mask;
};

static void put_bit(struct writer *w, unsigned bit)
{
	if (!w->mask) {
		w->bit_at = w->len++;
		w->buf[w->bit_at] = 0;
		w->mask = 0x80;
	}
	if (bit)
		w->buf[w->bit_at] |= w->mask;
	w->mask >>= 1;
}

static void put_gamma(struct writer *w, size_t n)
{
	int top = 0;

	while (n >> (top + 1))
		top++;
	while (top--) {
		put_bit(w, 0);
		put_bit(w, (n >> top) & 1);
	}
	put_bit(w, 1);
}

static size_t match_len(const unsigned char *d, size_t n, size_t i, size_t off)
{
	size_t l = 0;

	while (i + l < n && d[i + l] == d[i + l - off])
		l++;
	return l;
}

/* Keep a way to a position if it is cheaper than the one with the same
 * last offset, or else than the dearest kept. */
static void relax(struct arrive *slot, uint64_t cost, size_t from, int from_st, int from_slot,
		  int kind, size_t len, size_t off)
{
	struct arrive *a = slot, *worst = slot;
	int j;

	for (j = 0; j < SLOTS; j++, a++) {
		if (a->cost != INF && a->off == off) {
			worst = a;
			break;
		}
		if (a->cost > worst->cost)
			worst = a;
	}
	if (cost < worst->cost)
		*worst = (struct arrive){ cost, from, len, off, kind, from_st, from_slot };
}

/* Pack d[0..n) into out (room for SA_PACK_ROOM(n) bytes); its length.
 * Also linked into tests/unit/test_unpack.c (-DSA_PACK_NO_MAIN). */
size_t sa_pack(const unsigned char *d, size_t n, unsigned char *out);
size_t sa_pack(const unsigned char *d, size_t n, unsigned char *out)
{
	struct arrive *st[2];
	size_t *best = calloc(n + 2, sizeof(*best));	/* best[m]: cheapest offset of a copy of m */
	size_t cmax[NCOST], coff[NCOST];	/* by offset cost: longest match, its offset */
	unsigned c;
	size_t *row = calloc(n + 2, sizeof(*row));	/* row[off]: the match at i - off */
	size_t i, m, off, l, maxl, ntok = 0, *tok;
	struct writer w = { out, 0, 0, 0 };
	int s, j, k;

	/* st[s][i * SLOTS + j]: the j-th way to i */
	st[0] = malloc((n + 1) * SLOTS * sizeof(struct arrive));
	st[1] = malloc((n + 1) * SLOTS * sizeof(struct arrive));
	tok = malloc((n + 1) * 2 * sizeof(*tok));
	if (!best || !row || !st[0] || !st[1] || !tok) {
		perror("pack");
		exit(1);
	}
	for (i = 0; i < (n + 1) * SLOTS; i++)
		st[0][i].cost = st[1][i].cost = INF;
	st[1][0].cost = 0;	/* the start reads as after a copy */
	st[1][0].off = 0;
	for (i = 0; i < n; i++) {
		/* The cheapest offset for each length: the longest match of
		 * each offset cost (the nearest, on a tie), then for each
		 * length the cheapest cost that reaches it. */
		memset(cmax, 0, sizeof(cmax));
		for (off = 1; off <= i; off++) {
			/* A match from i - 1 that was not empty goes on one
			 * shorter: each offset costs O(n) over the whole input. */
			l = row[off] ? row[off] - 1 : match_len(d, n, i, off);
			row[off] = l;
			c = off_bits(off);
			if (l > cmax[c]) {
				cmax[c] = l;
				coff[c] = off;
			}
		}
		for (maxl = 0, c = 0; c < NCOST; c++)
			for (; maxl < cmax[c]; maxl++)
				best[maxl + 1] = coff[c];
		for (k = 0; k < 2 * SLOTS; k++) {
			struct arrive *a = &st[k / SLOTS][i * SLOTS + k % SLOTS];
			struct arrive *copy = &st[1][0], *lit = &st[0][0];

			s = k / SLOTS;
			j = k % SLOTS;
			if (a->cost == INF)
				continue;
			if (s == 0 && a->off) {	/* after literals: a repeat */
				l = match_len(d, n, i, a->off);
				for (m = 1; m <= l; m++)
					relax(copy + (i + m) * SLOTS, a->cost + 1 + gamma_bits(m),
					      i, s, j, REP, m, a->off);
			}
			for (m = 2; m <= maxl; m++)
				relax(copy + (i + m) * SLOTS, a->cost + 1 + off_bits(best[m]) + gamma_bits(m - 1),
				      i, s, j, NEW, m, best[m]);
			if (s == 1)
				for (m = 1; i + m <= n; m++)
					relax(lit + (i + m) * SLOTS, a->cost + 1 + gamma_bits(m) + 8 * m,
					      i, s, j, LIT, m, a->off);
		}
	}
	/* Walk back from the cheapest way to the end, then write the
	 * tokens in order. */
	for (s = j = 0, k = 0; k < 2 * SLOTS; k++)
		if (st[k / SLOTS][n * SLOTS + k % SLOTS].cost < st[s][n * SLOTS + j].cost) {
			s = k / SLOTS;
			j = k % SLOTS;
		}
	for (i = n; i > 0;) {
		struct arrive *a = &st[s][i * SLOTS + j];

		tok[ntok++] = i * SLOTS + (size_t)j;
		tok[ntok++] = (size_t)s;
		s = a->from_st;
		j = a->from_slot;
		i = a->from;
	}
	while (ntok) {
		struct arrive *a;

		s = (int)tok[--ntok];
		a = &st[s][tok[--ntok]];
		put_bit(&w, a->kind == NEW);
		if (a->kind == NEW) {
			l = a->off & 7 ? 0 : 3;	/* low zero bits not stored */
			put_bit(&w, !l);
			put_gamma(&w, (a->off >> l >> (K + 3 - l)) + 1);
			for (m = K + 3 - l; m--;)
				put_bit(&w, (a->off >> l >> m) & 1);
			put_gamma(&w, a->len - 1);
		} else {
			put_gamma(&w, a->len);
			if (a->kind == LIT) {
				memcpy(out + w.len, d + a->from, a->len);
				w.len += a->len;
			}
		}
	}
	free(best);
	free(row);
	free(st[0]);
	free(st[1]);
	free(tok);
	return w.len;
}

#ifndef SA_PACK_NO_MAIN
static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "pack: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	unsigned char *d, *z, *back;
	size_t n, zn;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: pack IN OUT\n");
		return 2;
	}
	d = read_all(argv[1], &n);
	z = malloc(SA_PACK_ROOM(n));
	back = malloc(n + 1);
	if (!z || !back) {
		perror("pack");
		return 1;
	}
	zn = sa_pack(d, n, z);
	if (sa_unpack(back, n, z, zn) || memcmp(back, d, n)) {
		fprintf(stderr, "pack: %s: the packed bytes do not unpack to the input (a bug in tools/pack.c)\n",
			argv[1]);
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(z, 1, zn, f) != zn || fclose(f)) {
		fprintf(stderr, "pack: %s: %s\n", argv[2], strerror(errno));
		remove(argv[2]);
		return 1;
	}
	printf("pack: %s: %zu -> %zu bytes\n", argv[1], n, zn);
	return 0;
}
#endif
