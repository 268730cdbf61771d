// SPDX-License-Identifier: GPL-2.0
/*
 * httpd.c: a metrics server small enough for the static binary: HTTP/1.x,
 * GET or HEAD of /metrics, one request per connection, one connection at a
 * time, bounded request size and time (httpd.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli/httpd.h"

uint64_t sa_now_ms(void)
{
	struct timespec ts;

	/* The system call, not the vDSO: musl's vDSO lookup costs the static
	 * binary 1 KiB, and this runs a few times a second. */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the request ---- */

int sa_http_parse(const char *buf, size_t len, int *head)
{
	const char *end = memchr(buf, '\n', len), *sp1, *sp2, *p;
	size_t line, i;

	*head = 0;
	if (memchr(buf, '\0', len))
		return 400;
	if (!end)
		return 0;
	line = (size_t)(end - buf);
	if (line && buf[line - 1] == '\r')
		line--;
	for (i = 0; i < line; i++)
		if (buf[i] < ' ' || buf[i] > '~')
			return 400;
	sp1 = memchr(buf, ' ', line);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', line - (size_t)(sp1 + 1 - buf)) : NULL;
	if (!sp1 || !sp2 || sp2 == sp1 + 1 || sp1 == buf ||
	    buf + line - (sp2 + 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return 400;
	/* The request is complete at the blank line that ends the headers. */
	for (p = end; p && p + 1 < buf + len; p = memchr(p + 1, '\n', (size_t)(buf + len - p - 1)))
		if (p[1] == '\n' || (p[1] == '\r' && p + 2 < buf + len && p[2] == '\n'))
			break;
	if (!p || p + 1 >= buf + len)
		return 0;
	if (sp1 - buf == 4 && !memcmp(buf, "HEAD", 4))
		*head = 1;
	else if (sp1 - buf != 3 || memcmp(buf, "GET", 3))
		return 405;
	i = (size_t)(sp2 - sp1 - 1);
	if ((i == 8 || (i > 8 && sp1[9] == '?')) && !memcmp(sp1 + 1, "/metrics", 8))
		return 200;
	return 404;
}

/* A decimal number up to max, all of s; -1 otherwise. */
static long number(const char *s, size_t n, long max)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > max)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return n && n < 12 && v <= max ? v : -1;
}

/*
 * Dotted-quad IPv4, or the two IPv6 addresses an agent listens on: [::1]
 * and [::] (inet_pton would cost the static binary 800 bytes for forms
 * nobody passes here).
 */
int sa_http_addr(const char *s, struct sockaddr_storage *ss, unsigned int *len, int *loopback)
{
	const char *colon = strrchr(s, ':'), *p = s, *dot;
	long port = colon ? number(colon + 1, strlen(colon + 1), 65535) : -1, v;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	uint32_t ip = 0;
	int i;

	memset(ss, 0, sizeof(*ss));
	if (port <= 0)
		return -EINVAL;
	_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
		       offsetof(struct sockaddr_in6, sin6_port), "one port field");
	a4->sin_port = htons((uint16_t)port);
	if (colon - s == 5 && !memcmp(s, "[::1]", 5))
		a6->sin6_addr.s6_addr[15] = 1;
	else if (colon - s != 4 || memcmp(s, "[::]", 4))
		goto v4;
	a6->sin6_family = AF_INET6;
	*loopback = a6->sin6_addr.s6_addr[15];
	*len = sizeof(*a6);
	return 0;
v4:
	for (i = 0; i < 4; i++) {
		dot = i < 3 ? memchr(p, '.', (size_t)(colon - p)) : colon;
		v = dot ? number(p, (size_t)(dot - p), 255) : -1;
		if (v < 0)
			return -EINVAL;
		ip = ip << 8 | (uint32_t)v;
		p = dot + 1;
	}
	a4->sin_family = AF_INET;
	a4->sin_addr.s_addr = htonl(ip);
	*loopback = ip >> 24 == 127;
	*len = sizeof(*a4);
	return 0;
}

/* ---- the server ---- */

int sa_httpd_open(struct sa_ctx *c, struct sa_httpd *h, const char *addr, int any,
		  sa_http_body_fn body, void *arg)
{
	struct sockaddr_storage ss;
	unsigned int len;
	int loopback, one = 1, fd;

	memset(h, 0, sizeof(*h));
	h->lfd = h->cfd = -1;
	h->body = body;
	h->arg = arg;
	if (sa_http_addr(addr, &ss, &len, &loopback))
		return sa_failx(c, -EINVAL,
				"--metrics '%s': not ADDR:PORT (127.0.0.1:9477, [::1]:9477)", addr);
	if (!loopback && !any)
		return sa_failx(c, -EPERM,
				"--metrics '%s' is not a loopback address: anyone reaching it reads the counters; add --metrics-any to mean it",
				addr);
	/* The system calls, not musl's wrappers (their fallbacks for
	 * kernels before 2.6.27 cost the static binary 400 bytes; the
	 * others here, 300 more). */
	fd = (int)syscall(SYS_socket, ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sa_fail(c, -errno, "--metrics '%s': socket", addr);
	syscall(SYS_setsockopt, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (syscall(SYS_bind, fd, &ss, len) < 0 || syscall(SYS_listen, fd, 8) < 0) {
		int err = -errno;

		close(fd);
		return sa_fail(c, err, "--metrics '%s': bind", addr);
	}
	h->lfd = fd;
	return 0;
}

static void drop_client(struct sa_httpd *h)
{
	if (h->cfd >= 0)
		close(h->cfd);
	free(h->resp);
	h->cfd = -1;
	h->resp = NULL;
	h->req_len = h->resp_len = h->resp_off = 0;
}

void sa_httpd_close(struct sa_httpd *h)
{
	drop_client(h);
	if (h->lfd >= 0)
		close(h->lfd);
	h->lfd = -1;
}

void sa_httpd_poll(const struct sa_httpd *h, struct pollfd *p, uint64_t now, int *timeout)
{
	uint64_t left;

	p->revents = 0;
	if (h->cfd < 0) {
		p->fd = h->lfd;	/* -1: poll() ignores it */
		p->events = POLLIN;
		return;
	}
	left = h->deadline > now ? h->deadline - now : 0;
	p->fd = h->cfd;
	p->events = h->resp ? POLLOUT : POLLIN;
	if (*timeout < 0 || left < (uint64_t)*timeout)
		*timeout = (int)left;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	default: return "Bad Request";
	}
}

static void answer(struct sa_httpd *h, int code, int head, uint64_t now)
{
	size_t blen = 0, hlen;
	char *body = NULL, hdr[160];

	if (code == 200)
		body = h->body(h->arg, &blen);
	if (!body) {
		if (code == 200)
			code = 500;
		blen = 0;
	}
	hlen = (size_t)snprintf(hdr, sizeof(hdr),
				"HTTP/1.1 %d %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
				"Content-Length: %zu\r\nConnection: close\r\n\r\n",
				code, reason(code), blen);
	if (head)
		blen = 0;
	h->resp = malloc(hlen + blen);
	if (!h->resp) {
		free(body);
		drop_client(h);
		return;
	}
	memcpy(h->resp, hdr, hlen);
	if (blen)
		memcpy(h->resp + hlen, body, blen);
	free(body);
	h->resp_len = hlen + blen;
	h->resp_off = 0;
	h->deadline = now + SA_HTTP_TIMEOUT_MS;
}

void sa_httpd_step(struct sa_httpd *h, short revents, uint64_t now)
{
	ssize_t n;
	int code, head;

	if (h->cfd < 0) {
		if (!(revents & POLLIN))
			return;
		h->cfd = (int)syscall(SYS_accept4, h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		h->deadline = now + SA_HTTP_TIMEOUT_MS;
		return;
	}
	if (now >= h->deadline) {	/* too slow to send, or to read */
		drop_client(h);
		return;
	}
	if (h->resp) {
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		n = syscall(SYS_sendto, h->cfd, h->resp + h->resp_off, h->resp_len - h->resp_off,
			    MSG_NOSIGNAL | MSG_DONTWAIT, NULL, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			h->resp_off += (size_t)n;
		if (n <= 0 || h->resp_off == h->resp_len) {
			syscall(SYS_shutdown, h->cfd, SHUT_WR);
			drop_client(h);
		}
		return;
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	n = syscall(SYS_recvfrom, h->cfd, h->req + h->req_len, sizeof(h->req) - h->req_len,
		    MSG_DONTWAIT, NULL, NULL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {	/* gone before the request was complete */
		drop_client(h);
		return;
	}
	h->req_len += (size_t)n;
	code = sa_http_parse(h->req, h->req_len, &head);
	if (!code && h->req_len == sizeof(h->req))
		code = 431;
	if (code)
		answer(h, code, head, now);
}
