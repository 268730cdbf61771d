// SPDX-License-Identifier: GPL-2.0
/*
 * comeback: does a writer moved to the stack for backpressure come back to
 * the redirect once its reader has read everything?  One local TCP
 * connection, one direction (client to server):
 *
 *   comeback [-6] [-n ROUNDS] [-x CMD]
 *
 *  1. CMD (snapshot 0);
 *  2. the client sends 64 KiB non-blocking writes to a server that does
 *     not read, until no write has been possible for 300 ms (or 64 MiB are
 *     queued: a guard against an unbounded queue);
 *  3. the server reads every byte sent; CMD (snapshot 1);
 *  4. ROUNDS times (default 1): the client sends 64 KiB more (the rest of
 *     a write step 2 left half done first), the server reads all of it;
 *     CMD (snapshots 2, 3, ...).
 * The caller compares the counters between snapshots.  With the tracepoint
 * program counting the reads, the second round's write finds nothing
 * unread and is redirected again (the first one finds the count high by
 * what step 2's last, partial write left unsent: bpf/sockaccel.bpf.c
 * "the counts can only err high"); without it, the writer stays on the
 * stack.
 *
 * Every byte is checked in order as it is read (a seeded stream) and the
 * stream is hashed on both ends (SHA-256).  One line on stdout, key=value:
 * queued, sent, got, mismatches, errno (the first error other than EAGAIN)
 * and the digests.  Exit 0 only when every byte arrived intact, in order.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "sha256.h"

#define CHUNK 65536
#define CAP (64u << 20)

static struct gen tx, rx;
static struct sha256 sha_sent, sha_got;
static uint64_t sent, got, mismatches;
static int err;

/* Up to `until` bytes in all; block=0: stop once nothing moved for 300 ms. */
static void send_to(int fd, uint64_t until, int block)
{
	static uint8_t buf[CHUNK];
	static size_t len, off;

	while (sent < until) {
		ssize_t n;

		if (off == len) {
			len = until - sent < CHUNK ? until - sent : CHUNK;
			gen_fill(&tx, buf, len);
			sha256_update(&sha_sent, buf, len);
			off = 0;
		}
		n = send(fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			sent += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			err = errno;
			return;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (poll(&p, 1, block ? 5000 : 300) == 0)
			return;
	}
}

/* Read (and check) until got == sent. */
static void recv_all(int fd)
{
	uint8_t buf[CHUNK], want[CHUNK];

	while (got < sent) {
		size_t max = sent - got < CHUNK ? sent - got : CHUNK;
		ssize_t n = recv(fd, buf, max, 0);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			err = n < 0 ? errno : EPIPE;
			return;
		}
		gen_fill(&rx, want, n);
		if (memcmp(buf, want, n))
			mismatches++;
		sha256_update(&sha_got, buf, n);
		got += n;
	}
}

/* Its exit status is the caller's to judge (status exits 4 when partial). */
static void snapshot(const char *cmd)
{
	if (cmd && system(cmd) < 0)
		perror("comeback: system");
}

int main(int argc, char **argv)
{
	const char *cmd = NULL;
	uint64_t queued;
	char a[65], b[65];
	int v6 = 0, rounds = 1, c, cfd, sfd;

	while ((c = getopt(argc, argv, "6n:x:")) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'n': rounds = atoi(optarg); break;
		case 'x': cmd = optarg; break;
		default:
			fprintf(stderr, "usage: comeback [-6] [-n ROUNDS] [-x CMD]\n");
			return 2;
		}
	}
	gen_init(&tx, 23, 0, 0);
	gen_init(&rx, 23, 0, 0);
	sha256_init(&sha_sent);
	sha256_init(&sha_got);
	if (loopback_pair(v6, &cfd, &sfd)) {
		perror("comeback: connection");
		return 1;
	}
	snapshot(cmd);
	send_to(cfd, CAP, 0);
	queued = sent;
	recv_all(sfd);
	snapshot(cmd);
	for (c = 0; c < rounds; c++) {
		if (!err)
			send_to(cfd, sent + CHUNK, 1);
		recv_all(sfd);
		snapshot(cmd);
	}
	sha256_hex(&sha_sent, a);
	sha256_hex(&sha_got, b);
	printf("queued=%llu sent=%llu got=%llu mismatches=%llu errno=%d sha_sent=%s sha_got=%s\n",
	       (unsigned long long)queued, (unsigned long long)sent, (unsigned long long)got,
	       (unsigned long long)mismatches, err, a, b);
	close(cfd);
	close(sfd);
	return !err && !mismatches && got == sent && !strcmp(a, b) ? 0 : 1;
}
