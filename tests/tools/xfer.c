// SPDX-License-Identifier: GPL-2.0
/*
 * xfer: move seeded pseudo-random data both ways over local TCP connections
 * and check every byte, in order, as it arrives.
 *
 *   xfer [-4|-6|-m] [-H] [-c CONNS] [-b BYTES] [-w WRITE] [-s SEED] [-p PORT]
 *        [-x CMD] [-T SECONDS]
 *
 *   -4 client and server on 127.0.0.1 (default); -6 on ::1; -m a dual-stack
 *   server on [::] with an IPv4 client (it sees ::ffff:127.0.0.1)
 *   -c connections (all open at once), -b bytes each way on each connection,
 *   -w bytes per write() (default 65536), -x a shell command run once every
 *   connection is established and before any data moves (to look at the
 *   sockhash), -T a time limit for the whole run, -H also hash the streams.
 *
 * One line on stdout, key=value: conns bytes (all directions) mismatches
 * errors outsegs (Tcp: OutSegs of this network namespace during the data
 * phase) seconds, and with -H the SHA-256 of what connection 0 sent and
 * received in each direction.  Exit 0 only when every byte arrived, intact and in order.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "sha256.h"

struct end {			/* one side of one connection */
	int fd, conn, is_server;
	uint64_t want;		/* bytes to send and to receive */
	size_t wsize;
	uint64_t sent, got, mismatches;
	int error;
	struct sha256 sha_sent, sha_got;
};

static uint64_t g_seed = 1;
static volatile int g_stop;
static int g_hash;	/* -H: SHA-256 of the streams */

static void *run_end(void *arg)
{
	struct end *e = arg;
	struct gen tx, rx;
	uint8_t *wbuf = malloc(e->wsize), rbuf[65536], want[65536];
	size_t wlen = 0, woff = 0;

	/* client->server is direction 0, server->client direction 1 */
	if (!wbuf) {
		e->error = ENOMEM;
		return NULL;
	}
	gen_init(&tx, g_seed, (uint64_t)e->conn, (uint64_t)e->is_server);
	gen_init(&rx, g_seed, (uint64_t)e->conn, (uint64_t)!e->is_server);
	sha256_init(&e->sha_sent);
	sha256_init(&e->sha_got);
	while (!g_stop && (e->sent < e->want || e->got < e->want)) {
		struct pollfd p = { e->fd, 0, 0 };

		if (e->got < e->want)
			p.events |= POLLIN;
		if (e->sent < e->want)
			p.events |= POLLOUT;
		if (poll(&p, 1, 200) < 0 && errno != EINTR) {
			e->error = errno;
			break;
		}
		if (p.revents & POLLIN) {
			ssize_t n = recv(e->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);

			if (n == 0) {
				e->error = ECONNRESET;	/* EOF before the end */
				break;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				e->error = errno;
				break;
			}
			if (n > 0) {
				gen_fill(&rx, want, (size_t)n);
				if (memcmp(rbuf, want, (size_t)n))
					for (ssize_t i = 0; i < n; i++)
						e->mismatches += rbuf[i] != want[i];
				if (g_hash)
					sha256_update(&e->sha_got, rbuf, (size_t)n);
				e->got += (uint64_t)n;
				if (e->got > e->want) {	/* more than was sent: duplicated */
					e->mismatches += e->got - e->want;
					break;
				}
			}
		}
		if (p.revents & (POLLOUT | POLLERR | POLLHUP) && e->sent < e->want) {
			ssize_t n;

			if (woff == wlen) {
				uint64_t left = e->want - e->sent;

				wlen = left < e->wsize ? (size_t)left : e->wsize;
				gen_fill(&tx, wbuf, wlen);
				if (g_hash)
					sha256_update(&e->sha_sent, wbuf, wlen);
				woff = 0;
			}
			n = send(e->fd, wbuf + woff, wlen - woff, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				e->error = errno;
				break;
			}
			if (n > 0) {
				woff += (size_t)n;
				e->sent += (uint64_t)n;
			}
		}
	}
	if (!e->error && (e->sent < e->want || e->got < e->want))
		e->error = ETIMEDOUT;
	free(wbuf);
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void on_alarm(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "xfer: %s: %s\n", what, strerror(errno));
	exit(2);
}

int main(int argc, char **argv)
{
	int family = 4, conns = 1, port = 0, timeout = 120, opt, lfd, one = 1, zero = 0;
	uint64_t bytes = 1 << 20, total = 0, mism = 0;
	size_t wsize = 65536;
	const char *cmd = NULL;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct end *ends;
	pthread_t *th;
	int errors = 0, i;

	while ((opt = getopt(argc, argv, "46mHc:b:w:s:p:x:T:")) != -1) {
		switch (opt) {
		case '4': family = 4; break;
		case '6': family = 6; break;
		case 'm': family = 'm'; break;
		case 'H': g_hash = 1; break;
		case 'c': conns = atoi(optarg); break;
		case 'b': bytes = strtoull(optarg, NULL, 0); break;
		case 'w': wsize = strtoul(optarg, NULL, 0); break;
		case 's': g_seed = strtoull(optarg, NULL, 0); break;
		case 'p': port = atoi(optarg); break;
		case 'x': cmd = optarg; break;
		case 'T': timeout = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: xfer [-4|-6|-m] [-H] [-c N] [-b BYTES] [-w SIZE] [-s SEED] [-p PORT] [-x CMD] [-T S]\n");
			return 2;
		}
	}
	if (conns < 1 || wsize < 1 || timeout < 1)
		return 2;
	signal(SIGALRM, on_alarm);
	alarm((unsigned int)timeout);

	/* server */
	memset(&ss, 0, sizeof(ss));
	if (family == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = family == 6 ? in6addr_loopback : in6addr_any;
		sl = sizeof(*a);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == 'm')
		setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0)
		die("bind");
	if (listen(lfd, conns > 128 ? conns : 128) < 0)
		die("listen");
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl) < 0)
		die("getsockname");
	if (family == 'm') {	/* the client is IPv4 */
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		uint16_t p = ((struct sockaddr_in6 *)&ss)->sin6_port;

		memset(&ss, 0, sizeof(ss));
		a->sin_family = AF_INET;
		a->sin_port = p;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}

	ends = calloc(2 * (size_t)conns, sizeof(*ends));
	th = calloc(2 * (size_t)conns, sizeof(*th));
	if (!ends || !th)
		die("calloc");
	/* Connect and accept one at a time: pairs are then known for sure. */
	for (i = 0; i < conns; i++) {
		struct end *c = &ends[2 * i], *s = &ends[2 * i + 1];

		c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&ss, sl) < 0)
			die("connect");
		s->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s->fd < 0)
			die("accept");
		c->conn = s->conn = i;
		s->is_server = 1;
		c->want = s->want = bytes;
		c->wsize = s->wsize = wsize;
	}
	if (cmd && system(cmd) != 0)
		fprintf(stderr, "xfer: -x command failed: %s\n", cmd);

	uint64_t segs0 = tcp_outsegs();
	double t0 = now();

	for (i = 0; i < 2 * conns; i++)
		if (pthread_create(&th[i], NULL, run_end, &ends[i]))
			die("pthread_create");
	for (i = 0; i < 2 * conns; i++)
		pthread_join(th[i], NULL);
	double secs = now() - t0;
	uint64_t segs = tcp_outsegs() - segs0;

	for (i = 0; i < 2 * conns; i++) {
		total += ends[i].got;
		mism += ends[i].mismatches;
		if (ends[i].error) {
			errors++;
			if (errors <= 5)
				fprintf(stderr, "xfer: connection %d %s side: %s (sent %llu, got %llu of %llu)\n",
					ends[i].conn, ends[i].is_server ? "server" : "client",
					strerror(ends[i].error), (unsigned long long)ends[i].sent,
					(unsigned long long)ends[i].got, (unsigned long long)bytes);
		}
	}
	char c_sent[65], s_got[65], s_sent[65], c_got[65];

	sha256_hex(&ends[0].sha_sent, c_sent);
	sha256_hex(&ends[1].sha_got, s_got);
	sha256_hex(&ends[1].sha_sent, s_sent);
	sha256_hex(&ends[0].sha_got, c_got);
	printf("conns=%d bytes=%llu mismatches=%llu errors=%d outsegs=%llu seconds=%.3f "
	       "c2s_sent=%s c2s_recv=%s s2c_sent=%s s2c_recv=%s\n",
	       conns, (unsigned long long)total, (unsigned long long)mism, errors,
	       (unsigned long long)segs, secs, c_sent, s_got, s_sent, c_got);
	for (i = 0; i < 2 * conns; i++)
		close(ends[i].fd);
	close(lfd);
	return mism || errors || total != 2 * bytes * (uint64_t)conns ? 1 : 0;
}
