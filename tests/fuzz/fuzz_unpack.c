// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_unpack: libFuzzer target for the built-in object's unpacker
 * (loader/accel/unpack.c), with the build's packer (tools/pack.c).  The
 * first byte picks: odd, the rest is a stream unpacked into a buffer of
 * (second and third bytes) % 8193 bytes; even, the rest (up to 192 bytes: the
 * packer's parse is quadratic) is packed and must unpack to itself.  Every
 * buffer is exactly its size.  A crash, a sanitizer report, an answer
 * other than 0 or -EINVAL, or a failed round trip is a finding
 * (tests/fuzz/unpack.t).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/unpack.h"

size_t sa_pack(const unsigned char *d, size_t n, unsigned char *out);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_unpack: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *in, *out, *z;
	size_t outlen, zn;
	int err;

	if (size < 3)
		return 0;
	if (data[0] & 1) {
		outlen = (size_t)(data[1] | data[2] << 8) % 8193;
		in = malloc(size - 3 ? size - 3 : 1);
		out = malloc(outlen ? outlen : 1);
		check(in && out, "out of memory");
		memcpy(in, data + 3, size - 3);
		err = sa_unpack(out, outlen, in, size - 3);
		check(err == 0 || err == -EINVAL, "sa_unpack answered neither 0 nor -EINVAL");
		free(in);
		free(out);
		return 0;
	}
	size = size - 1 > 192 ? 192 : size - 1;
	in = malloc(size ? size : 1);
	z = malloc(size + size / 8 + 16);
	check(in && z, "out of memory");
	memcpy(in, data + 1, size);
	zn = sa_pack(in, size, z);
	out = malloc(size ? size : 1);
	check(out != NULL, "out of memory");
	check(sa_unpack(out, size, z, zn) == 0 && !memcmp(out, in, size), "a packed input does not unpack to itself");
	free(in);
	free(z);
	free(out);
	return 0;
}
