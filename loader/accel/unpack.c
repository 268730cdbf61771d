// SPDX-License-Identifier: GPL-2.0
/*
 * unpack.c: the built-in BPF object, stored compressed (format: unpack.h;
 * written by tools/pack.c).  Both builds read the built-in object through
 * here, so there is one path; the static build is why it is small.
 *
 * Every read is checked against the end of the input and every write
 * against the end of the output, although the stream is built in: a
 * damaged binary must fail to parse, not scribble over memory.  A bit
 * asked for past the end reads as 0 (no error flag to carry): every token
 * ends with a gamma code, whose last bit is a 1, so a cut stream always
 * meets a gamma code of zeros, which outgrows its bound and is refused.
 */
#include <errno.h>

#include "accel/unpack.h"

struct bits {
	const unsigned char *p, *end;
	/* The bit byte's unread bits at 8 and below, over a marker 1: when
	 * only the marker is left (low byte 0), the next byte is due. */
	unsigned v;
};

static unsigned get_bit(struct bits *b)
{
	if (!(b->v & 0xff)) {
		if (b->p == b->end)
			return 0;
		b->v = (unsigned)*b->p++ << 1 | 1;
	}
	b->v <<= 1;
	return b->v >> 9 & 1;
}

/* A gamma code; a code past max stops growing there and is returned, for
 * the caller's bound to refuse. */
static size_t get_gamma(struct bits *b, size_t max)
{
	size_t n = 1;

	while (n <= max && !get_bit(b))
		n = n << 1 | get_bit(b);
	return n;
}

int sa_unpack(unsigned char *out, size_t outlen, const unsigned char *in, size_t inlen)
{
	struct bits b = { in, in + inlen, 0 };
	size_t o = 0, off = 0, n, i;
	const unsigned char *src;
	unsigned x;
	int t = 1;		/* 0 literals, 1 repeat, 2 new offset */

	while (o < outlen) {
		t = get_bit(&b) ? 2 : !t;
		if (t == 2) {
			x = get_bit(&b) ? 3 : 0;
			off = get_gamma(&b, outlen) - 1;
			for (i = SA_Z_OFF_LOW + x; i--;)
				off = off << 1 | get_bit(&b);
			off <<= 3 - x;
			if (off - 1 >= o)	/* 0 too */
				return -EINVAL;
		}
		n = get_gamma(&b, outlen) + (t == 2);
		if (n > outlen - o)
			return -EINVAL;
		src = b.p;
		if (t) {
			src = out + o - off;
		} else {
			if (n > (size_t)(b.end - b.p))
				return -EINVAL;
			b.p += n;
		}
		/* Byte by byte: a copy may overlap what it writes (a run). */
		while (n--)
			out[o++] = *src++;
	}
	/* Bytes left over: a longer output, or no stream of ours. */
	return b.p == b.end ? 0 : -EINVAL;
}
