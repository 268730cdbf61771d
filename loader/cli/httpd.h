/* SPDX-License-Identifier: GPL-2.0 */
/*
 * httpd.h: the agent's metrics server.  One connection at a time, every
 * socket non-blocking and driven by the agent's poll() loop, so a client
 * that sends nothing, sends garbage or never reads holds nothing but its
 * own slot, and only until its deadline.
 */
#ifndef SOCKACCEL_HTTPD_H
#define SOCKACCEL_HTTPD_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/ctx.h"

#define SA_HTTP_REQ_MAX		2048	/* request line and headers, bytes */
#define SA_HTTP_TIMEOUT_MS	1000	/* to send the request; again to read the answer */

/*
 * Parse what a client sent so far.  Returns 0 while the request (request
 * line, headers, blank line) is incomplete, else the status to answer:
 * 200 (GET or HEAD /metrics; *head set for HEAD), 400, 404 or 405.
 */
int sa_http_parse(const char *buf, size_t len, int *head);

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address; 0 or -EINVAL.
 * *loopback tells whether it is 127.0.0.0/8 or ::1. */
struct sockaddr_storage;
int sa_http_addr(const char *s, struct sockaddr_storage *ss, unsigned int *len, int *loopback);

/* The body of a 200 answer: malloc'd text and its length, or NULL. */
typedef char *(*sa_http_body_fn)(void *arg, size_t *len);

struct sa_httpd {
	int lfd, cfd;		/* listening socket; the one client (-1: none) */
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC, for the client */
	size_t req_len;
	char req[SA_HTTP_REQ_MAX];
	char *resp;		/* answer being written */
	size_t resp_len, resp_off;
	sa_http_body_fn body;
	void *arg;
};

/* Listen on addr (a non-loopback address only with any set). */
int sa_httpd_open(struct sa_ctx *c, struct sa_httpd *h, const char *addr, int any,
		  sa_http_body_fn body, void *arg);
/* The one fd to poll and for what; the ms until the client's deadline
 * (-1: none). */
void sa_httpd_poll(const struct sa_httpd *h, struct pollfd *p, uint64_t now, int *timeout);
/* After poll(): accept, read, answer or give up on a late client. */
void sa_httpd_step(struct sa_httpd *h, short revents, uint64_t now);
void sa_httpd_close(struct sa_httpd *h);

uint64_t sa_now_ms(void);

#endif
