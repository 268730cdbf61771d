/* SPDX-License-Identifier: GPL-2.0 */
/* sha256.h: FIPS 180-4 SHA-256, for the test tools' stream digests. */
#ifndef SA_SHA256_H
#define SA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_hex(struct sha256 *s, char out[65]);	/* finishes s */

#endif
