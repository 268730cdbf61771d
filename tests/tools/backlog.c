// SPDX-License-Identifier: GPL-2.0
/*
 * backlog: how much a writer can queue for a reader that does not keep up,
 * over one local TCP connection, and whether every byte still arrives.
 *
 *   backlog stall [-6] [-b BYTES] [-c CAP] [-T SECONDS]
 *   backlog rate  [-6] [-r BYTES_PER_S] [-d SECONDS] [-T SECONDS]
 *
 * stall: in each direction in turn (client to server, then back), the
 * writer sends 64 KiB non-blocking writes to a reader that does not read,
 * until no write has been possible for 300 ms (the queue is full) or CAP
 * bytes are queued (default 256 MiB: a guard against an unbounded queue, so
 * that a failing run does not push the host into TCP memory pressure).
 * Then the reader reads, and the writer sends on to BYTES in all (default:
 * what it queued + 8 MiB), blocking as needed.  Reports queued0/queued1.
 *
 * rate: the client writes 64 KiB blocking writes for SECONDS (default 10)
 * to a server that reads 16 KiB at a time at BYTES_PER_S (default 20 MiB/s);
 * a sampler notes the largest (sent - received) every 2 ms: maxq.
 *
 * Every byte is checked in order as it is read (seeded streams), and each
 * direction's stream is hashed on both ends (SHA-256).  One line on stdout,
 * key=value: the queues, bytes, mismatches, eagain (writes that said
 * EAGAIN), errno (the first other error a write or read saw: ENOMEM is
 * the one that matters) and the digests.  Exit 0 only when every byte
 * arrived intact, in order, and no error other than EAGAIN was seen.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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

#define CHUNK 65536

static uint64_t g_bytes, g_cap = 256ull << 20;
static double g_rate = 20 << 20, g_dur = 10, g_limit = 120;
static volatile uint64_t g_sent, g_got;		/* rate mode, for the sampler */
static volatile int g_writing;
static uint64_t g_mismatch, g_eagain;
static int g_errno;
static double g_t0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note_errno(int e)
{
	if (!g_errno)
		g_errno = e;
}

static int timed_out(void)
{
	return now() - g_t0 > g_limit;
}

struct dir {			/* one direction of the connection */
	int wfd, rfd, n;
	uint64_t queued, sent, got;
	struct sha256 sha_sent, sha_got;
	struct gen tx, rx;
};

/*
 * Send up to `until` bytes.  block=0: stop when no write was possible for
 * 300 ms (or at the cap).  Returns -1 on an error other than EAGAIN.
 */
static int send_to(struct dir *d, uint64_t until, int block)
{
	static uint8_t buf[CHUNK];
	static size_t len, off;

	while (d->sent < until && !timed_out()) {
		ssize_t n;

		if (off == len) {
			len = until - d->sent < CHUNK ? until - d->sent : CHUNK;
			gen_fill(&d->tx, buf, len);
			sha256_update(&d->sha_sent, buf, len);
			off = 0;
		}
		n = send(d->wfd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			d->sent += n;
			g_sent = d->sent;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			note_errno(errno);
			return -1;
		}
		g_eagain++;
		struct pollfd p = { .fd = d->wfd, .events = POLLOUT };
		int r = poll(&p, 1, block ? 1000 : 300);

		if (r == 0 && !block)
			return 0;	/* full: nothing moved for 300 ms */
	}
	return 0;
}

/* Read and check what is there (block=0) or up to `until` bytes. */
static int recv_from(struct dir *d, uint64_t until, size_t rsize)
{
	uint8_t buf[CHUNK], want[CHUNK];

	while (d->got < until && !timed_out()) {
		size_t max = until - d->got < rsize ? until - d->got : rsize;
		ssize_t n = recv(d->rfd, buf, max, 0);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			note_errno(n < 0 ? errno : EPIPE);	/* EOF before the end */
			return -1;
		}
		gen_fill(&d->rx, want, n);
		if (memcmp(buf, want, n))
			g_mismatch++;
		sha256_update(&d->sha_got, buf, n);
		d->got += n;
		g_got = d->got;
		if (rsize < CHUNK)	/* rate mode: one read per call */
			return 0;
	}
	return 0;
}

static void *reader(void *arg)
{
	struct dir *d = arg;
	double t = now(), per = 16384 / g_rate;

	while (d->got < g_bytes && !timed_out()) {
		if (recv_from(d, g_bytes, g_writing ? 16384 : CHUNK))
			break;
		if (g_writing) {	/* pace the reads at g_rate */
			t += per;
			double w = t - now();

			if (w > 0)
				usleep(w * 1e6);
		}
	}
	return NULL;
}

static void *sampler(void *arg)
{
	uint64_t *maxq = arg;

	while (g_writing) {
		uint64_t q = g_sent - g_got;

		if (q > *maxq && g_sent >= g_got)
			*maxq = q;
		usleep(2000);
	}
	return NULL;
}

static void dir_init(struct dir *d, int n, int wfd, int rfd)
{
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->wfd = wfd;
	d->rfd = rfd;
	gen_init(&d->tx, 17, 0, n);
	gen_init(&d->rx, 17, 0, n);
	sha256_init(&d->sha_sent);
	sha256_init(&d->sha_got);
}

static void dir_report(struct dir *d)
{
	char a[65], b[65];

	sha256_hex(&d->sha_sent, a);
	sha256_hex(&d->sha_got, b);
	printf(" sent%d=%llu got%d=%llu sha%d_sent=%s sha%d_got=%s", d->n,
	       (unsigned long long)d->sent, d->n, (unsigned long long)d->got, d->n, a, d->n, b);
}

/* One stalled direction: fill, then drain while sending on to the end. */
static int stall_dir(struct dir *d, uint64_t bytes)
{
	pthread_t th;

	if (send_to(d, g_cap, 0))
		return -1;
	d->queued = d->sent;
	g_bytes = bytes ? bytes : d->queued + (8 << 20);
	g_writing = 0;
	pthread_create(&th, NULL, reader, d);
	send_to(d, g_bytes, 1);
	pthread_join(th, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	uint64_t bytes = 0, maxq = 0;
	int v6 = 0, c, cfd, sfd, err = 0;
	struct dir d[2];

	while ((c = getopt(argc - 1, argv + 1, "6b:c:r:d:T:")) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'b': bytes = strtoull(optarg, NULL, 0); break;
		case 'c': g_cap = strtoull(optarg, NULL, 0); break;
		case 'r': g_rate = strtod(optarg, NULL); break;
		case 'd': g_dur = strtod(optarg, NULL); break;
		case 'T': g_limit = strtod(optarg, NULL); break;
		default: goto usage;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	g_t0 = now();
	if (loopback_pair(v6, &cfd, &sfd)) {
		perror("backlog: local connection");
		return 1;
	}
	dir_init(&d[0], 0, cfd, sfd);
	dir_init(&d[1], 1, sfd, cfd);
	if (!strcmp(mode, "stall")) {
		err = stall_dir(&d[0], bytes) || stall_dir(&d[1], bytes);
		printf("queued0=%llu queued1=%llu", (unsigned long long)d[0].queued,
		       (unsigned long long)d[1].queued);
		dir_report(&d[0]);
		dir_report(&d[1]);
	} else if (!strcmp(mode, "rate")) {
		pthread_t rd, sm;
		double end = now() + g_dur;

		g_bytes = UINT64_MAX;
		g_writing = 1;
		pthread_create(&rd, NULL, reader, &d[0]);
		pthread_create(&sm, NULL, sampler, &maxq);
		while (now() < end && !err && !timed_out())
			err = send_to(&d[0], d[0].sent + CHUNK, 1);
		g_bytes = d[0].sent;
		g_writing = 0;
		pthread_join(sm, NULL);
		pthread_join(rd, NULL);
		printf("maxq=%llu", (unsigned long long)maxq);
		dir_report(&d[0]);
	} else {
usage:
		fprintf(stderr, "usage: backlog stall|rate [-6] [-b BYTES] [-c CAP] [-r RATE] [-d S] [-T S]\n");
		return 2;
	}
	printf(" mismatches=%llu eagain=%llu errno=%s seconds=%.2f\n",
	       (unsigned long long)g_mismatch, (unsigned long long)g_eagain,
	       g_errno ? strerrorname_np(g_errno) : "0", now() - g_t0);
	return err || g_errno || g_mismatch || timed_out() ||
	       d[0].got != d[0].sent || (!strcmp(mode, "stall") && d[1].got != d[1].sent);
}
