// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_http: libFuzzer target for the metrics server's parsers
 * (loader/cli/httpd.c), no sockets: the first byte picks the request
 * parser or the --metrics address parser, the rest is the input, in a
 * buffer of exactly its size.  A crash, a sanitizer report, or an answer
 * the server must never give is a finding (tests/fuzz/http.t).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/httpd.h"

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_http: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	unsigned int len = 0;
	int head = -1, code, loopback = -1;
	char *buf;

	if (size == 0)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1) {
		code = sa_http_parse(buf, size - 1, &head);
		check(code == 0 || code == 200 || code == 400 || code == 404 || code == 405,
		      "a status the server does not give");
		check(head == 0 || head == 1, "head is not a flag");
		check(code != 200 || (size - 1 >= 14 && (!memcmp(buf, "GET /metrics", 12) ||
							  !memcmp(buf, "HEAD /metrics", 13))),
		      "200 for something else than GET or HEAD /metrics");
		check(code != 200 || memchr(buf, '\n', size - 1), "200 before the request line ended");
	} else {
		char *s = realloc(buf, size);	/* the address is a C string */

		buf = s;
		buf[size - 1] = '\0';
		if (!sa_http_addr(buf, &ss, &len, &loopback)) {
			check(loopback == 0 || loopback == 1, "loopback is not a flag");
			check((ss.ss_family == AF_INET && len == sizeof(struct sockaddr_in)) ||
			      (ss.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)),
			      "an address without its family and length");
			check(ntohs(((struct sockaddr_in *)&ss)->sin_port) != 0, "port 0 accepted");
		}
	}
	free(buf);
	return 0;
}
