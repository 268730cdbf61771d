// SPDX-License-Identifier: GPL-2.0
/*
 * test_unpack: the built-in object's unpacker (loader/accel/unpack.c), with
 * the build's packer (tools/pack.c) linked in, under ASan/UBSan, every
 * buffer allocated at its exact size so that a read or write one byte out
 * is a report:
 *   - the real packed object unpacks to the real object, byte for byte;
 *   - round trips of edge cases: empty, one byte, long runs, incompressible
 *     bytes, far and overlapping copies, every byte value;
 *   - every cut of the real stream, every smaller output buffer, every
 *     single bit flipped, and random streams: -EINVAL or 0, never a read
 *     or write outside the buffers, and a cut or short buffer never 0.
 * Argument: the build directory (BUILD), for bpf/sockaccel.embed.{o,z}.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/unpack.h"
#include "tap.h"

size_t sa_pack(const unsigned char *d, size_t n, unsigned char *out);

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		printf("Bail out! %s: %s (make test-build)\n", path, strerror(errno));
		exit(1);
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("Bail out! %s: short read\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Unpack z into a buffer of exactly outlen bytes (ASan sees past it). */
static int unpack_exact(const unsigned char *z, size_t zn, size_t outlen, const unsigned char *want)
{
	unsigned char *out = malloc(outlen ? outlen : 1);
	unsigned char *in = malloc(zn ? zn : 1);
	int err;

	memcpy(in, z, zn);
	err = sa_unpack(out, outlen, in, zn);
	if (!err && want && memcmp(out, want, outlen))
		err = 1;	/* unpacked, but to other bytes */
	free(out);
	free(in);
	return err;
}

static void round_trip(const char *what, const unsigned char *d, size_t n)
{
	unsigned char *z = malloc(n + n / 8 + 16);
	size_t zn = sa_pack(d, n, z);

	ok(unpack_exact(z, zn, n, d) == 0, "round trip: %s (%zu -> %zu bytes)", what, n, zn);
	if (n)
		ok(unpack_exact(z, zn, n - 1, NULL) == -EINVAL, "%s: one byte less room: -EINVAL", what);
	free(z);
}

static void edge_cases(void)
{
	size_t n = 3000, i;	/* the packer's parse is quadratic */
	unsigned char *d = malloc(n);

	round_trip("empty", d, 0);
	d[0] = 0x5a;
	round_trip("one byte", d, 1);
	memset(d, 0, n);
	round_trip("3000 zeros (one long overlapping copy)", d, n);
	for (i = 0; i < 256; i++)
		d[i] = (unsigned char)i;
	round_trip("every byte value once", d, 256);
	for (i = 0; i < n; i++)
		d[i] = (unsigned char)next();
	round_trip("3000 random bytes (literals only)", d, n);
	memcpy(d + 2000, d, 1000);
	round_trip("1000 random bytes again 2000 back (a far copy)", d, n);
	for (i = 0; i < n; i++)
		d[i] = "abcdefg"[i % 7];
	round_trip("a period of 7", d, n);
	for (i = 0; i < n; i++)
		d[i] = (i / 8) % 3 ? (unsigned char)(i & 7) : (unsigned char)next();
	round_trip("8-byte records, every third random (repeats)", d, n);
	free(d);
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned char *obj, *z, *flip;
	size_t n, zn, i, bad, ok0;
	int err;

	if (argc != 2) {
		printf("Bail out! usage: test_unpack BUILD\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/bpf/sockaccel.embed.o", argv[1]);
	obj = read_all(path, &n);
	snprintf(path, sizeof(path), "%s/bpf/sockaccel.embed.z", argv[1]);
	z = read_all(path, &zn);
	diag("built-in object: %zu bytes, packed %zu", n, zn);

	ok(unpack_exact(z, zn, n, obj) == 0, "the packed built-in object unpacks to %s/bpf/sockaccel.embed.o", argv[1]);

	for (bad = 0, i = 0; i < zn; i++)
		bad += unpack_exact(z, i, n, NULL) != -EINVAL;
	ok(bad == 0, "each of the %zu cuts of the stream: -EINVAL (%zu were not)", zn, bad);

	/* A smaller buffer is refused when stream bytes are left over; only
	 * when the tokens past it sit in the bits of the last byte already
	 * read is it filled, and then with the object's first bytes. */
	for (ok0 = 0, bad = 0, i = 0; i < n; i++) {
		err = unpack_exact(z, zn, i, obj);	/* obj: its first i bytes */
		ok0 += err == 0;
		bad += err != -EINVAL && err != 0;
	}
	ok(bad == 0, "each of the %zu smaller output buffers: -EINVAL, or the object's first bytes "
	   "(%zu, tokens in the last bit byte)", n, ok0);

	/* One bit flipped: refused, or other bytes, or (an offset that reaches
	 * equal bytes, a padding bit) the same: never outside the buffers,
	 * which ASan checks. */
	flip = malloc(zn);
	for (ok0 = 0, bad = 0, i = 0; i < zn * 8; i++) {
		memcpy(flip, z, zn);
		flip[i / 8] ^= (unsigned char)(0x80 >> (i % 8));
		err = unpack_exact(flip, zn, n, obj);
		ok0 += err == -EINVAL;
		bad += err != -EINVAL && err != 0 && err != 1;
	}
	ok(bad == 0, "%zu single bit flips: in bounds, %zu refused", zn * 8, ok0);

	for (bad = 0, i = 0; i < 20000; i++) {
		size_t len = next() % 64, outlen = next() % 300, j;
		unsigned char in[64];

		for (j = 0; j < len; j++)
			in[j] = (unsigned char)next();
		err = unpack_exact(in, len, outlen, NULL);
		bad += err != 0 && err != -EINVAL;
	}
	ok(bad == 0, "20000 random streams into random buffers: 0 or -EINVAL, in bounds");

	/* Hand-made streams (SA_Z_OFF_LOW 3). */
	{
		/* 1 1 1 000001 1: new offset, not a multiple of 8, 1 back; at 0 */
		static const unsigned char back[] = { 0xe0, 0xc0 };
		static const unsigned char lit[] = { 0x30, 'x' };	/* 0 011: 3 literals, 1 there */
		static const unsigned char zeros[16];			/* a gamma code that never ends */
		static const unsigned char two[] = { 0x10, 'a', 'b' };	/* 0 001: 2 literals */

		ok(unpack_exact(back, sizeof(back), 16, NULL) == -EINVAL, "a copy from before the output: -EINVAL");
		ok(unpack_exact(lit, sizeof(lit), 3, NULL) == -EINVAL, "a literal run past the input: -EINVAL");
		ok(unpack_exact(zeros, sizeof(zeros), 16, NULL) == -EINVAL, "zeros (an endless gamma code): -EINVAL");
		ok(unpack_exact(two, sizeof(two), 2, (const unsigned char *)"ab") == 0, "0 001 'a' 'b': \"ab\"");
		ok(unpack_exact(two, sizeof(two), 3, NULL) == -EINVAL, "... into 3 bytes: -EINVAL (it ends early)");
		ok(unpack_exact(two, sizeof(two), 1, NULL) == -EINVAL, "... into 1 byte: -EINVAL");
	}
	edge_cases();
	free(flip);
	free(obj);
	free(z);
	return done_testing();
}
