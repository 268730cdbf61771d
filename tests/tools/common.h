/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h: what the traffic tools share (tests/tools/xfer.c, flow.c and
 * bench/netbench.c): seeded data streams and the TCP segment counter.
 */
#ifndef SA_TOOLS_COMMON_H
#define SA_TOOLS_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- seeded streams: splitmix64, one per (seed, connection, direction) ---- */
struct gen {
	uint64_t state;
	uint8_t buf[8];
	unsigned int used;
};

static inline void gen_init(struct gen *g, uint64_t seed, uint64_t conn, uint64_t dir)
{
	g->state = seed * 0x9e3779b97f4a7c15ull ^ (conn << 20) ^ (dir << 60);
	g->used = 8;
}

static inline uint64_t gen_word(struct gen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The next n bytes of the stream: the same bytes however they are chunked. */
static inline void gen_fill(struct gen *g, uint8_t *p, size_t n)
{
	while (n && g->used < 8) {
		*p++ = g->buf[g->used++];
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w = gen_word(g);

		memcpy(p, &w, 8);
	}
	if (n) {
		uint64_t w = gen_word(g);

		memcpy(g->buf, &w, 8);
		g->used = 0;
		while (n--)
			*p++ = g->buf[g->used++];
	}
}

/* Tcp: OutSegs of this process's network namespace (/proc/net/snmp). */
static inline uint64_t tcp_outsegs(void)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char line[1024];
	int header = 1;
	unsigned long long v = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Tcp:", 4))
			continue;
		if (header) {
			header = 0;
			continue;
		}
		/* Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens
		 *      AttemptFails EstabResets CurrEstab InSegs OutSegs ... */
		sscanf(line, "Tcp: %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &v);
	}
	if (f)
		fclose(f);
	return v;
}

#endif
