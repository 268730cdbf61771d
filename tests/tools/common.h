/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h: what the traffic tools share (tests/tools/xfer.c, flow.c,
 * backlog.c, comeback.c and bench/netbench.c): seeded data streams, the
 * TCP segment counter and a connected loopback pair.
 */
#ifndef SA_TOOLS_COMMON_H
#define SA_TOOLS_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* A connected TCP pair over 127.0.0.1 (v6: ::1) on a port the kernel picks:
 * the client in *cfd, the accepted end in *sfd; 0, or -1 with errno set. */
static inline int loopback_pair(int v6, int *cfd, int *sfd)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	socklen_t sl = v6 ? sizeof(*s6) : sizeof(*s4);
	int l = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	if (l < 0 || bind(l, (void *)&ss, sl) || listen(l, 1) ||
	    getsockname(l, (void *)&ss, &sl))
		return -1;
	*cfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (*cfd < 0 || connect(*cfd, (void *)&ss, sl))
		return -1;
	*sfd = accept(l, NULL, NULL);
	close(l);
	return *sfd < 0 ? -1 : 0;
}

#endif
