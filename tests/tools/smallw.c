// SPDX-License-Identifier: GPL-2.0
/*
 * smallw: write patterns that the small-write rule of sk_msg must tell
 * apart (bpf/sockaccel.bpf.c, small_write_stream()), over 127.0.0.1
 * connections that this process opens to itself.
 *
 *   smallw SCENARIO
 *
 *   oneway    A sends 200 writes of 100 B, never answered
 *   pingpong  200 round trips of 64 B
 *   large     A sends 100 writes of 16 KiB
 *   broken    3 times: A sends 60 writes of 100 B, then one of 8 KiB
 *   answered  3 times: A sends 60 writes of 100 B, then B one of 100 B
 *   mixed     two connections at once, write for write: one as oneway,
 *             the other as pingpong
 *
 * Each write is one send(); after each, the other end reads what has
 * arrived (a non-blocking drain), and at the end everything, checking every
 * byte against the pattern its writer used.  Prints "bytes=N" (bytes
 * checked) and exits 0 only if every byte arrived intact, in order, within
 * 10 s per read; 1 otherwise, 2 on a system call failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct end {
	int fd;
	unsigned long sent, got;	/* pattern positions */
	unsigned char seed;
};

static unsigned long checked;

static void die(const char *what)
{
	fprintf(stderr, "smallw: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned char pat(unsigned char seed, unsigned long i)
{
	return (unsigned char)(seed + i * 7 + (i >> 8));
}

static void pair(struct end *a, struct end *b, unsigned char seed)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&sa, &len))
		die("listen on 127.0.0.1");
	a->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (a->fd < 0 || connect(a->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	b->fd = accept(l, 0, 0);
	if (b->fd < 0)
		die("accept");
	close(l);
	a->seed = seed;
	b->seed = seed + 1;
}

/* Read what w wrote to r: all of it (wait) or what is there (no wait). */
static void drain(struct end *w, struct end *r, int wait)
{
	unsigned char buf[65536];
	ssize_t n, i;

	while (r->got < w->sent) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };

		if (poll(&p, 1, wait ? 10000 : 0) <= 0) {
			if (!wait)
				return;
			fprintf(stderr, "smallw: %lu of %lu bytes after 10 s\n", r->got, w->sent);
			exit(1);
		}
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0) {
			if (n < 0 && errno == EAGAIN)
				continue;
			fprintf(stderr, "smallw: read: %s\n", n ? strerror(errno) : "early EOF");
			exit(1);
		}
		for (i = 0; i < n; i++)
			if (buf[i] != pat(w->seed, r->got + i)) {
				fprintf(stderr, "smallw: byte %ld differs\n", (long)(r->got + i));
				exit(1);
			}
		r->got += n;
		checked += n;
	}
}

static void put(struct end *w, struct end *r, size_t size)
{
	unsigned char buf[16384];
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = pat(w->seed, w->sent + i);
	if (send(w->fd, buf, size, 0) != (ssize_t)size)
		die("send");
	w->sent += size;
	drain(w, r, 0);
}

int main(int argc, char **argv)
{
	struct end a, b, c, d;
	const char *s = argc == 2 ? argv[1] : "";
	int i, j;

	pair(&a, &b, 1);
	if (!strcmp(s, "oneway")) {
		for (i = 0; i < 200; i++)
			put(&a, &b, 100);
	} else if (!strcmp(s, "pingpong")) {
		for (i = 0; i < 200; i++) {
			put(&a, &b, 64);
			drain(&a, &b, 1);
			put(&b, &a, 64);
			drain(&b, &a, 1);
		}
	} else if (!strcmp(s, "large")) {
		for (i = 0; i < 100; i++)
			put(&a, &b, 16384);
	} else if (!strcmp(s, "broken") || !strcmp(s, "answered")) {
		for (i = 0; i < 3; i++) {
			for (j = 0; j < 60; j++)
				put(&a, &b, 100);
			if (s[0] == 'b')
				put(&a, &b, 8192);
			else
				put(&b, &a, 100);
		}
	} else if (!strcmp(s, "mixed")) {
		pair(&c, &d, 3);
		for (i = 0; i < 200; i++) {
			put(&a, &b, 100);
			put(&c, &d, 64);
			drain(&c, &d, 1);
			put(&d, &c, 64);
			drain(&d, &c, 1);
		}
		drain(&c, &d, 1);
		drain(&d, &c, 1);
	} else {
		fprintf(stderr, "usage: smallw oneway|pingpong|large|broken|answered|mixed\n");
		return 2;
	}
	drain(&a, &b, 1);
	drain(&b, &a, 1);
	printf("bytes=%lu\n", checked);
	return 0;
}
