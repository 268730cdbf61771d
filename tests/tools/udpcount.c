// SPDX-License-Identifier: GPL-2.0
/*
 * udpcount: datagrams for the XDP/tc tests (tests/kernel/net_attach.t).
 *
 *   udpcount recv PORT N SECONDS   receive until N datagrams arrived or
 *                                  SECONDS passed; print how many arrived
 *                                  with the right payload
 *   udpcount send ADDR PORT N      send N datagrams, each carrying its
 *                                  sequence number and the port
 *
 * Every wait is bounded.  Exit 0 unless something failed outright.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct dgram {
	uint32_t magic, port, seq;
};
#define MAGIC 0x5ac0ffee

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static int do_recv(int port, long n, int seconds)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	long got = 0;
	long long end = now_ms() + seconds * 1000ll;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	unsigned char *seen = calloc((size_t)n, 1);

	if (fd < 0 || !seen || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udpcount recv");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (got < n && now_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct dgram d;
		ssize_t r;

		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			continue;
		r = recv(fd, &d, sizeof(d), 0);
		if (r == (ssize_t)sizeof(d) && d.magic == MAGIC && d.port == (uint32_t)port &&
		    d.seq < (uint32_t)n && !seen[d.seq]) {
			seen[d.seq] = 1;
			got++;
		}
	}
	printf("%ld\n", got);
	return 0;
}

static int do_send(const char *addr, int port, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long i;

	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		perror("udpcount send");
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct dgram d = { MAGIC, (uint32_t)port, (uint32_t)i };
		struct timespec pause = { 0, 200000 };	/* 0.2 ms: no veth backlog drops */

		if (sendto(fd, &d, sizeof(d), 0, (struct sockaddr *)&a, sizeof(a)) < 0 &&
		    errno != ECONNREFUSED) {
			perror("udpcount sendto");
			return 1;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atol(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: udpcount recv PORT N SECONDS | send ADDR PORT N\n");
	return 2;
}
