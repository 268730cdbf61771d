// SPDX-License-Identifier: GPL-2.0
/*
 * tuple_reuse: a new connection takes the 4-tuple of one whose socket is
 * still open with data unread, the way short connections on loopback do
 * (net.ipv4.tcp_tw_reuse = 2 lets a connect() reuse a TIME_WAIT port).
 *
 *   tuple_reuse [-p PORT] [-P SRCPORT]
 *
 *   1. A connects from 127.0.0.1:SRCPORT to the server, sends 100 bytes and
 *      shuts down; the server's end B reads them, answers 100 bytes (X),
 *      shuts down and closes.  A is now in TIME_WAIT and has not read X.
 *   2. C connects from the same 127.0.0.1:SRCPORT (retrying while the kernel
 *      refuses to reuse the TIME_WAIT tuple yet); its server end D sends 100
 *      bytes (Y), C sends 100 bytes (Z).
 *   3. Only now A reads: it must get X and then EOF.  C must get Y, D must
 *      get Z, each then EOF.
 *
 * Prints one line: reused=1 a=ok c=ok d=ok (or what each read instead:
 * lost = EOF before the data, wrong = other bytes) and exits 0 only if all
 * three got exactly their own data.  Every step has a time limit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define N 100

static void die(const char *what)
{
	fprintf(stderr, "tuple_reuse: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void fill(unsigned char *p, int tag)
{
	for (int i = 0; i < N; i++)
		p[i] = (unsigned char)(tag * 37 + i * 11);
}

static void send_all(int fd, int tag)
{
	unsigned char b[N];

	fill(b, tag);
	if (send(fd, b, N, MSG_NOSIGNAL) != N)
		die("send");
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
}

/* Read until EOF (at most 5 s): "ok", "lost" or "wrong". */
static const char *read_all(int fd, int tag)
{
	unsigned char want[N], got[4 * N];
	size_t n = 0;
	ssize_t r;

	fill(want, tag);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 5000) <= 0)
			return "hang";
		r = recv(fd, got + n, sizeof(got) - n, 0);
		if (r < 0)
			return "error";
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof(got))
			break;
	}
	if (n == N && !memcmp(got, want, N))
		return "ok";
	return n < N ? "lost" : "wrong";
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	return ti.tcpi_state;
}

static int client(struct sockaddr_in *dst, int srcport, int retry)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srcport),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;

	/* The TIME_WAIT tuple becomes reusable within about a second. */
	for (int i = 0; i < (retry ? 60 : 1); i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
			die("bind");
		if (connect(fd, (struct sockaddr *)dst, sizeof(*dst)) == 0)
			return fd;
		if (errno != EADDRNOTAVAIL || !retry)
			die("connect");
		close(fd);
		usleep(50000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int port = 7500, srcport = 7501, opt, one = 1, l, a, b, c, d, i;
	const char *ra, *rc, *rd;

	while ((opt = getopt(argc, argv, "p:P:")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'P')
			srcport = atoi(optarg);
		else
			return 2;
	}
	dst.sin_port = htons((uint16_t)port);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&dst, sizeof(dst)) < 0 || listen(l, 8) < 0)
		die("listen");

	a = client(&dst, srcport, 0);
	b = accept(l, NULL, NULL);
	if (b < 0)
		die("accept");
	send_all(a, 1);
	if (strcmp(read_all(b, 1), "ok")) {
		fprintf(stderr, "tuple_reuse: the first request did not arrive\n");
		return 2;
	}
	send_all(b, 2);		/* X */
	close(b);
	for (i = 0; i < 100 && tcp_state(a) != TCP_CLOSE; i++)	/* A: TIME_WAIT */
		usleep(10000);

	c = client(&dst, srcport, 1);
	if (c < 0) {
		printf("reused=0\n");
		fprintf(stderr, "tuple_reuse: the kernel did not reuse 127.0.0.1:%d within 3 s\n", srcport);
		return 2;
	}
	d = accept(l, NULL, NULL);
	if (d < 0)
		die("accept");
	send_all(d, 3);		/* Y */
	send_all(c, 4);		/* Z */
	ra = read_all(a, 2);
	rc = read_all(c, 3);
	rd = read_all(d, 4);
	printf("reused=1 a=%s c=%s d=%s\n", ra, rc, rd);
	return strcmp(ra, "ok") || strcmp(rc, "ok") || strcmp(rd, "ok");
}
