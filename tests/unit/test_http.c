// SPDX-License-Identifier: GPL-2.0
/*
 * test_http.c: the metrics server's request parser and address parser
 * (loader httpd.c), and the Prometheus formatter's sizing (prom.c), under
 * ASan/UBSan: a table of requests, then every prefix of each, then
 * thousands of seeded mutations, each in a buffer of exactly its size.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/httpd.h"
#include "tap.h"

static const struct { const char *req; int code, head; } cases[] = {
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200, 0 },
	{ "GET /metrics HTTP/1.0\r\n\r\n", 200, 0 },
	{ "GET /metrics HTTP/1.1\n\n", 200, 0 },
	{ "GET /metrics?x=1 HTTP/1.1\r\n\r\n", 200, 0 },
	{ "HEAD /metrics HTTP/1.1\r\n\r\n", 200, 1 },
	{ "GET / HTTP/1.1\r\n\r\n", 404, 0 },
	{ "GET /metricsX HTTP/1.1\r\n\r\n", 404, 0 },
	{ "GET /metric HTTP/1.1\r\n\r\n", 404, 0 },
	{ "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405, 0 },
	{ "GET /metrics\r\n\r\n", 400, 0 },		/* HTTP/0.9 */
	{ "GET /metrics HTTP/2.0\r\n\r\n", 400, 0 },
	{ "GET /metrics HTTP/1.1 x\r\n\r\n", 400, 0 },
	{ "GET  /metrics HTTP/1.1\r\n\r\n", 400, 0 },
	{ " GET /metrics HTTP/1.1\r\n\r\n", 400, 0 },
	{ "GET /met\x01rics HTTP/1.1\r\n\r\n", 400, 0 },
	{ "GET /m\xc3\xa9trics HTTP/1.1\r\n\r\n", 400, 0 },
	{ "\r\n\r\n", 400, 0 },
	{ "GET /metrics HTTP/1.1\r\n", 0, 0 },		/* headers not ended yet */
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\n", 0, 0 },
	{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r", 0, 0 },
	{ "GET /metrics HTTP/1.", 0, 0 },
	{ "", 0, 0 },
};

static int parse_exact(const char *s, size_t len, int *head)
{
	char *copy = malloc(len ? len : 1);	/* exactly len bytes: ASan sees overreads */
	int code;

	memcpy(copy, s, len);
	code = sa_http_parse(copy, len, head);
	free(copy);
	return code;
}

static const struct { const char *addr; int ok, loopback; } addrs[] = {
	{ "127.0.0.1:9477", 1, 1 }, { "127.1.2.3:1", 1, 1 }, { "0.0.0.0:9477", 1, 0 },
	{ "10.0.0.1:80", 1, 0 }, { "[::1]:9477", 1, 1 }, { "[::]:9477", 1, 0 },
	{ "[::ffff:10.0.0.1]:9477", 0, 0 }, { "127.0.0.1:0", 0, 0 }, { "1.2.3.4.5:80", 0, 0 },
	{ "256.0.0.1:80", 0, 0 }, { "1..2.3:80", 0, 0 }, { "1.2.3:80", 0, 0 }, { "01.2.3.4:80", 1, 0 },
	{ "127.0.0.1:65536", 0, 0 }, { "127.0.0.1:", 0, 0 }, { "127.0.0.1", 0, 0 },
	{ "::1:9477", 0, 0 }, { "[::1:9477", 0, 0 }, { "localhost:9477", 0, 0 },
	{ ":9477", 0, 0 }, { "127.0.0.1:94x7", 0, 0 }, { "127.0.0.1:99999999999999999999", 0, 0 },
	{ "[]:80", 0, 0 }, { "", 0, 0 },
};

int main(void)
{
	struct sockaddr_storage ss;
	unsigned int len, seed = 1;
	size_t i, j, n;
	int head, code, loopback, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		code = parse_exact(cases[i].req, strlen(cases[i].req), &head);
		ok(code == cases[i].code && head == cases[i].head, "request %zu answers %d%s (got %d)",
		   i, cases[i].code, cases[i].head ? " HEAD" : "", code);
	}
	/* Every prefix of a complete request is either "more" or the same
	 * verdict it will keep: never a crash, never a 200 before the end. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t l = strlen(cases[i].req);

		for (n = 0; n < l; n++) {
			code = parse_exact(cases[i].req, n, &head);
			if (code == 200 || (code && code != cases[i].code))
				bad++;
		}
	}
	ok(!bad, "no prefix of a request is answered early or differently (%d)", bad);

	/* Mutations: flip, insert and truncate bytes of the valid requests. */
	bad = 0;
	for (i = 0; i < 20000; i++) {
		const char *base = cases[i % 5].req;
		char buf[SA_HTTP_REQ_MAX];
		size_t l = strlen(base);

		memcpy(buf, base, l);
		for (j = 0; j < 1 + i % 4; j++) {
			seed = seed * 1103515245 + 12345;
			if (l < sizeof(buf) && (seed >> 16) % 3 == 0)
				buf[l++] = (char)(seed >> 8);
			else if (l)
				buf[(seed >> 8) % l] = (char)(seed >> 20);
		}
		l = (seed >> 4) % (l + 1);
		code = parse_exact(buf, l, &head);
		if (code != 0 && code != 200 && code != 400 && code != 404 && code != 405)
			bad++;
		if (code == 200 && (l < 9 || (memcmp(buf, "GET /metrics", 12) && memcmp(buf, "HEAD /metrics", 13))))
			bad++;
	}
	ok(!bad, "20000 mutated requests: only 0, 200, 400, 404 or 405, and 200 only for /metrics (%d)", bad);

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		loopback = -1;
		code = sa_http_addr(addrs[i].addr, &ss, &len, &loopback);
		ok(addrs[i].ok ? !code && loopback == addrs[i].loopback : code != 0,
		   "--metrics '%s' %s", addrs[i].addr,
		   !addrs[i].ok ? "refused" : addrs[i].loopback ? "is loopback" : "is not loopback");
	}
	code = sa_http_addr("127.0.0.1:9477", &ss, &len, &loopback);
	ok(!code && ss.ss_family == AF_INET && ntohs(((struct sockaddr_in *)&ss)->sin_port) == 9477 &&
	   len == sizeof(struct sockaddr_in), "127.0.0.1:9477 is AF_INET, port 9477");
	return done_testing();
}
