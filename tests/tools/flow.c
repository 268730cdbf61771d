// SPDX-License-Identifier: GPL-2.0
/*
 * flow: a TCP client and server for the datapath tests.  Every connection
 * carries seeded pseudo-random data both ways, written in mixed sizes and
 * through three system calls (send, sendfile, splice), and each side checks
 * every byte, in order, as it reads, then checks that EOF comes exactly
 * after the last byte.
 *
 *   flow server [-a ADDR] [-p PORT] [-n CONNS] [-s SEED] [-R FILE] [-T S]
 *               [-X OFFSET]
 *   flow client -a ADDR -p PORT [-A SRCADDR] [-P SRCPORT] [-n CONNS]
 *               [-c PARALLEL] [-W COUNT[/MS][@FILE]]... [-b BYTES] [-w SIZE]
 *               [-e] [-d SECONDS] [-s SEED] [-t SECONDS] [-T SECONDS]
 *               [-B] [-x CMD] [-O PREFIX]
 *
 * client:
 *   -n connections in all (default 1), at most -c at a time (default all:
 *   every connection open at once).  -W opens them in waves instead: COUNT
 *   connections, one every MS milliseconds (default all at once), once FILE
 *   exists; each wave starts when the one before has opened all of its own.
 *   -b bytes each way on each connection (default 1 MiB).  Writes are a
 *   seeded mix of 1 B, 100 B, 1 KiB, 64 KiB and 1 MiB send() calls,
 *   sendfile() from a memfd and splice() from a pipe, and reads a mix of 1 B,
 *   100 B, 4 KiB and 64 KiB recv() calls; -w SIZE makes every write one
 *   send() of SIZE bytes (and every read 64 KiB) instead.  -e: the server echoes what it
 *   receives (request/response), so each client gets its own stream back.
 *   -d spreads each connection's bytes over SECONDS (to keep connections
 *   open across events).  -t is the time limit of each connection (default
 *   60 s), -T of the whole run.  -P binds connection i to source port
 *   SRCPORT+i.  -B: connect every connection, run -x CMD, then move data.
 *   -O: create the file PREFIX.N once every connection of wave N is open
 *   (connected, or failed to connect), so a test can time events by them.
 * server:
 *   serves -n connections (default 1), then reports and exits.  -s: only
 *   clients that use this seed are its own (others count as mismatches).
 *   -R: a file created once the server listens.  -X flips the byte at
 *   OFFSET of every stream it sends: the tests' proof that the check works.
 *
 * A connection starts with a header from the client (seed, connection id,
 * byte count, options); the server derives its streams from it.  Each
 * side prints one line, key=value: conns ok bytes_sent bytes_received
 * mismatches errors early_eof timeouts max_conn_seconds seconds outsegs
 * (Tcp OutSegs of this network namespace during the run) and the count of
 * write calls of each kind (w1 ... w1m, sendfile, splice; plain for -w).
 * Exit 0 only when every connection moved every byte intact and in order,
 * then saw EOF, within its time limit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define MAGIC		0x70645341u	/* "ASdp" */
#define F_ECHO		1u
#define F_PLAIN		2u
#define RBUF		65536
#define MAX_WAVES	8

struct hdr {			/* client -> server, before the data */
	uint32_t magic, flags, conn, timeout_ms;
	uint64_t seed, bytes;
	uint32_t pace_ms, wsize;
};

/* ---- write kinds ---- */

/* The mixed kinds (K_MIXED of them), then -w's plain send() of SIZE. */
enum kind { K_1, K_100, K_1K, K_64K, K_1M, K_SENDFILE, K_SPLICE, K_PLAIN, K_NKINDS };
#define K_MIXED K_PLAIN
static const char *const kind_name[K_NKINDS] = {
	"w1", "w100", "w1k", "w64k", "w1m", "sendfile", "splice", "plain",
};
/* Bytes per system call, and system calls per write operation. */
static const size_t kind_unit[K_MIXED] = { 1, 100, 1024, 65536, 1 << 20, 262144, 65536 };
static const unsigned int kind_calls[K_MIXED] = { 32, 16, 8, 1, 1, 1, 1 };

/* ---- totals ---- */

static atomic_ullong t_sent, t_got, t_mism, t_calls[K_NKINDS];
static atomic_uint t_conns, t_ok, t_errors, t_early_eof, t_timeouts;
static atomic_ullong t_max_us;
static volatile sig_atomic_t g_stop;
static int g_verbose_errors = 5;
static uint64_t s_corrupt;	/* server -X: offset + 1; 0: off */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- one side of one connection ---- */

struct end {
	int fd, is_server;
	struct hdr h;
	const char *role;
	double t0, deadline;
	uint64_t sent, got, mism, first_bad;
	int error, eof, shut;
	const char *what;	/* what failed */
	struct gen tx, rx, ops;
	/* the write operation in progress */
	uint8_t *buf;
	size_t cap, len, off;
	enum kind kind;
	int have_next;		/* kind and next_len chosen, not yet written */
	size_t next_len;
	int memfd, pipe_r, pipe_w;
	unsigned long long calls[K_NKINDS];
};

static void fail(struct end *e, int err, const char *what)
{
	if (!e->error) {
		e->error = err;
		e->what = what;
	}
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * Choose the next write (its kind and length) and fill the data it carries.
 * Returns 0 when nothing may be written yet (echo, pacing).
 */
static int plan_write(struct end *e, double t)
{
	uint64_t avail = e->h.bytes - e->sent;
	size_t len;

	if (!e->have_next) {
		if (e->h.flags & F_PLAIN) {
			e->kind = K_PLAIN;
			e->next_len = e->h.wsize;
		} else {
			e->kind = (enum kind)(gen_word(&e->ops) % K_MIXED);
			e->next_len = kind_unit[e->kind] * kind_calls[e->kind];
		}
		e->have_next = 1;
	}
	if (e->is_server && (e->h.flags & F_ECHO))
		avail = e->got - e->sent;	/* echo only what came in */
	len = e->next_len < avail ? e->next_len : (size_t)avail;
	if (e->h.pace_ms) {		/* bytes allowed so far at this pace */
		double frac = (t - e->t0) * 1000.0 / e->h.pace_ms;
		uint64_t allowed = frac >= 1 ? e->h.bytes : (uint64_t)(frac * (double)e->h.bytes);

		if (allowed < e->sent + len)
			return 0;
	}
	if (!len)
		return 0;
	e->have_next = 0;
	e->len = len;
	if (e->len > e->cap) {
		free(e->buf);
		e->cap = e->len;
		e->buf = malloc(e->cap);
		if (!e->buf) {
			fail(e, ENOMEM, "malloc");
			return -1;
		}
	}
	gen_fill(&e->tx, e->buf, e->len);
	if (e->is_server && s_corrupt > e->sent && s_corrupt <= e->sent + e->len)
		e->buf[s_corrupt - 1 - e->sent] ^= 0x20;
	e->off = 0;
	if (e->kind == K_SENDFILE) {
		/*
		 * A fresh file each time: TCP may still hold references to the
		 * pages of the last one (sendfile sends them without copying),
		 * and rewriting them would change bytes in flight.  Truncating
		 * drops them from the file but leaves them to whoever holds them.
		 */
		if (e->memfd < 0)
			e->memfd = memfd_create("flow", MFD_CLOEXEC);
		if (e->memfd < 0 || ftruncate(e->memfd, 0) < 0 ||
		    pwrite(e->memfd, e->buf, e->len, 0) != (ssize_t)e->len) {
			fail(e, errno, "memfd");
			return -1;
		}
	} else if (e->kind == K_SPLICE) {
		/* A pipe holds 64 KiB: the whole write fits, written blocking. */
		if (e->pipe_r < 0) {
			int p[2];

			if (pipe2(p, O_CLOEXEC) < 0) {
				fail(e, errno, "pipe");
				return -1;
			}
			e->pipe_r = p[0];
			e->pipe_w = p[1];
		}
		if (write(e->pipe_w, e->buf, e->len) != (ssize_t)e->len) {
			fail(e, errno, "write to pipe");
			return -1;
		}
	}
	return 1;
}

/* Write as much of the current operation as the socket takes. */
static void do_write(struct end *e)
{
	while (e->off < e->len) {
		size_t left = e->len - e->off;
		ssize_t n;

		if (e->kind == K_SENDFILE) {
			off_t o = (off_t)e->off;

			n = sendfile(e->fd, e->memfd, &o, left);
		} else if (e->kind == K_SPLICE) {
			n = splice(e->pipe_r, NULL, e->fd, NULL, left,
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		} else {
			size_t unit = e->kind == K_PLAIN ? e->h.wsize : kind_unit[e->kind];

			n = send(e->fd, e->buf + e->off, left < unit ? left : unit,
				 MSG_NOSIGNAL);
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				fail(e, errno, kind_name[e->kind]);
			return;
		}
		e->calls[e->kind]++;
		e->off += (size_t)n;
		e->sent += (uint64_t)n;
	}
}

static void do_read(struct end *e, uint8_t *rbuf, uint8_t *want)
{
	static const size_t sizes[8] = { 1, 100, 4096, RBUF, RBUF, RBUF, RBUF, RBUF };
	size_t rsize = e->h.flags & F_PLAIN ? RBUF : sizes[gen_word(&e->ops) & 7];
	ssize_t n = recv(e->fd, rbuf, rsize, 0);
	size_t ok_part;

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fail(e, errno, "recv");
		return;
	}
	if (n == 0) {
		e->eof = 1;
		if (e->got < e->h.bytes)
			fail(e, EPIPE, "EOF before the end");
		return;
	}
	ok_part = (size_t)n;
	if (e->got + (uint64_t)n > e->h.bytes) {	/* bytes after the end */
		ok_part = (size_t)(e->h.bytes - e->got);
		e->mism += (uint64_t)n - ok_part;
		if (!e->first_bad)
			e->first_bad = e->h.bytes + 1;
		fail(e, EPROTO, "more bytes than were sent");
	}
	gen_fill(&e->rx, want, ok_part);
	if (memcmp(rbuf, want, ok_part)) {
		for (size_t i = 0; i < ok_part; i++)
			if (rbuf[i] != want[i]) {
				if (!e->mism && !e->first_bad)
					e->first_bad = e->got + i + 1;
				e->mism++;
			}
		fail(e, EPROTO, "data mismatch");
	}
	e->got += ok_part;
}

/*
 * Move the data of one connection both ways until this side has sent
 * everything (then shutdown(SHUT_WR)) and read everything and then EOF.
 */
static void run_end(struct end *e)
{
	uint8_t *rbuf = malloc(2 * RBUF), *want = rbuf + RBUF;
	int echo = (e->h.flags & F_ECHO) != 0;

	e->memfd = e->pipe_r = e->pipe_w = -1;
	if (!rbuf) {
		fail(e, ENOMEM, "malloc");
		return;
	}
	/* client->server is direction 0, server->client 1; echo sends 0 back */
	gen_init(&e->tx, e->h.seed, e->h.conn, (uint64_t)(e->is_server && !echo));
	gen_init(&e->rx, e->h.seed, e->h.conn, (uint64_t)(!e->is_server && !echo));
	gen_init(&e->ops, e->h.seed ^ 0x5a5a5a5a, e->h.conn, 2 + (uint64_t)e->is_server);
	if (set_nonblock(e->fd) < 0)
		fail(e, errno, "fcntl");
	while (!e->error && !(e->shut && e->eof)) {
		struct pollfd p = { e->fd, 0, 0 };
		double t = now();
		int wait_ms = 200, r;

		if (g_stop || t > e->deadline) {
			fail(e, ETIMEDOUT, "time limit");
			break;
		}
		if (!e->eof)
			p.events |= POLLIN;
		if (e->off == e->len && e->sent < e->h.bytes) {
			r = plan_write(e, t);
			if (r < 0)
				break;
			if (r == 0 && e->h.pace_ms)
				wait_ms = 5;
		}
		if (e->off < e->len)
			p.events |= POLLOUT;
		if (e->sent == e->h.bytes && !e->shut) {
			if (shutdown(e->fd, SHUT_WR) < 0) {
				fail(e, errno, "shutdown");
				break;
			}
			e->shut = 1;
			continue;
		}
		if (e->deadline - t < wait_ms / 1000.0)
			wait_ms = (int)((e->deadline - t) * 1000) + 1;
		if (poll(&p, 1, wait_ms) < 0) {
			if (errno != EINTR)
				fail(e, errno, "poll");
			continue;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR) && !e->eof)
			do_read(e, rbuf, want);
		if (!e->error && e->off < e->len && p.revents & (POLLOUT | POLLERR | POLLHUP))
			do_write(e);
	}
	free(rbuf);
	free(e->buf);
	if (e->memfd >= 0)
		close(e->memfd);
	if (e->pipe_r >= 0) {
		close(e->pipe_r);
		close(e->pipe_w);
	}
}

/* Add one finished connection to the totals; say what went wrong. */
static void account(struct end *e)
{
	double secs = now() - e->t0;
	unsigned long long us = (unsigned long long)(secs * 1e6), m;
	int i;

	atomic_fetch_add(&t_conns, 1);
	atomic_fetch_add(&t_sent, e->sent);
	atomic_fetch_add(&t_got, e->got);
	atomic_fetch_add(&t_mism, e->mism);
	for (i = 0; i < K_NKINDS; i++)
		atomic_fetch_add(&t_calls[i], e->calls[i]);
	m = atomic_load(&t_max_us);
	while (us > m && !atomic_compare_exchange_weak(&t_max_us, &m, us))
		;
	if (!e->error) {
		atomic_fetch_add(&t_ok, 1);
		return;
	}
	atomic_fetch_add(&t_errors, 1);
	if (e->error == ETIMEDOUT)
		atomic_fetch_add(&t_timeouts, 1);
	if (e->error == EPIPE)
		atomic_fetch_add(&t_early_eof, 1);
	if (atomic_load(&t_errors) <= (unsigned int)g_verbose_errors)
		fprintf(stderr, "flow: %s conn %u: %s: %s (sent %llu, got %llu of %llu%s, %llu bad bytes, first at %llu, eof %d, %.2f s)\n",
			e->role, e->h.conn, e->what ? e->what : "?", strerror(e->error),
			(unsigned long long)e->sent, (unsigned long long)e->got,
			(unsigned long long)e->h.bytes, e->shut ? ", sent all" : "",
			(unsigned long long)e->mism,
			(unsigned long long)(e->first_bad ? e->first_bad - 1 : 0), e->eof, secs);
}

/* ---- addresses ---- */

static socklen_t make_addr(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return sizeof(*a6);
	}
	fprintf(stderr, "flow: '%s' is not an IPv4 or IPv6 address\n", addr);
	exit(2);
}

static void report(const char *role, double secs, uint64_t segs)
{
	int i;

	printf("role=%s conns=%u ok=%u bytes_sent=%llu bytes_received=%llu mismatches=%llu errors=%u early_eof=%u timeouts=%u max_conn_seconds=%.3f seconds=%.3f outsegs=%llu",
	       role, atomic_load(&t_conns), atomic_load(&t_ok),
	       (unsigned long long)atomic_load(&t_sent), (unsigned long long)atomic_load(&t_got),
	       (unsigned long long)atomic_load(&t_mism), atomic_load(&t_errors),
	       atomic_load(&t_early_eof), atomic_load(&t_timeouts),
	       atomic_load(&t_max_us) / 1e6, secs, (unsigned long long)segs);
	for (i = 0; i < K_NKINDS; i++)
		printf(" %s=%llu", kind_name[i], (unsigned long long)atomic_load(&t_calls[i]));
	printf("\n");
	fflush(stdout);
}

static void on_alarm(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "flow: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Read exactly len bytes before the deadline (the header). */
static int read_full(int fd, void *buf, size_t len, double deadline)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (g_stop || now() > deadline)
			return -ETIMEDOUT;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, (char *)buf + off, len - off, MSG_DONTWAIT);
		if (n == 0)
			return -EPIPE;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/* ---- server ---- */

static uint64_t s_seed;
static int s_check_seed;
static double s_hdr_timeout = 60;

static void *serve_one(void *arg)
{
	struct end *e = arg;
	int r;

	e->t0 = now();
	e->role = "server";
	e->is_server = 1;
	r = read_full(e->fd, &e->h, sizeof(e->h), e->t0 + s_hdr_timeout);
	if (r) {
		fail(e, -r, "header");
	} else if (e->h.magic != MAGIC || (s_check_seed && e->h.seed != s_seed)) {
		/* Another client's stream reached this server: misdelivery. */
		e->mism = sizeof(e->h);
		e->first_bad = 1;
		e->h.bytes = 0;
		fail(e, EPROTO, "header of a stream that is not ours");
	} else {
		e->deadline = e->t0 + e->h.timeout_ms / 1000.0;
		run_end(e);
	}
	close(e->fd);
	account(e);
	free(e);
	return NULL;
}

static int server_main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *ready = NULL;
	int port = 0, conns = 1, timeout = 300, opt, lfd, one = 1;
	struct sockaddr_storage ss;
	pthread_attr_t attr;
	socklen_t sl;
	uint64_t segs0;
	double t0;

	while ((opt = getopt(argc, argv, "a:p:n:s:R:T:X:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': conns = atoi(optarg); break;
		case 's': s_seed = strtoull(optarg, NULL, 0); s_check_seed = 1; break;
		case 'R': ready = optarg; break;
		case 'T': timeout = atoi(optarg); break;
		case 'X': s_corrupt = strtoull(optarg, NULL, 0) + 1; break;
		default: return 2;
		}
	}
	if (conns < 1 || timeout < 1)
		return 2;
	signal(SIGALRM, on_alarm);
	signal(SIGTERM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)timeout);
	s_hdr_timeout = timeout;

	sl = make_addr(&ss, addr, port);
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0)
		die("bind");
	if (listen(lfd, 4096) < 0)
		die("listen");
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			die(ready);
		close(fd);
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	segs0 = tcp_outsegs();
	t0 = now();
	for (int accepted = 0; !g_stop && (int)atomic_load(&t_conns) < conns;) {
		struct pollfd p = { lfd, POLLIN, 0 };
		struct end *e;
		pthread_t th;
		int fd;

		if (accepted == conns || poll(&p, 1, 50) <= 0) {
			if (accepted == conns)
				usleep(2000);
			continue;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		e = calloc(1, sizeof(*e));
		if (!e)
			die("calloc");
		e->fd = fd;
		accepted++;
		if (pthread_create(&th, &attr, serve_one, e))
			die("pthread_create");
	}
	report("server", now() - t0, tcp_outsegs() - segs0);
	return atomic_load(&t_ok) == (unsigned int)conns && !atomic_load(&t_mism) ? 0 : 1;
}

/* ---- client ---- */

struct wave {
	int count, every_ms;
	const char *gate;
};

static struct {
	struct sockaddr_storage dst, src;
	socklen_t dst_len, src_len;
	int src_port, have_src;
	struct hdr h;
	int conns, parallel, barrier;
	const char *cmd;
	/* connections released by the scheduler, taken by the workers */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int released, next;
	atomic_int opened;	/* connections that tried to connect */
	const char *marks;	/* -O */
	pthread_barrier_t connected, go;
} C = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static int connect_one(struct end *e, int i)
{
	int fd = socket(C.dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	if (C.have_src || C.src_port) {
		struct sockaddr_storage src = C.src;

		if (C.src_port) {
			uint16_t p = htons((uint16_t)(C.src_port + i));

			if (src.ss_family == AF_INET)
				((struct sockaddr_in *)&src)->sin_port = p;
			else
				((struct sockaddr_in6 *)&src)->sin6_port = p;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, C.src_len) < 0)
			goto err;
	}
	if (connect(fd, (struct sockaddr *)&C.dst, C.dst_len) < 0)
		goto err;
	e->fd = fd;
	return 0;
err:
	one = -errno;
	close(fd);
	return one;
}

static void *client_worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct end e;
		int i, r;

		pthread_mutex_lock(&C.mu);
		while (C.next >= C.released && C.next < C.conns && !g_stop)
			pthread_cond_wait(&C.cv, &C.mu);
		i = C.next < C.conns && !g_stop ? C.next++ : -1;
		pthread_mutex_unlock(&C.mu);
		if (i < 0)
			return NULL;

		memset(&e, 0, sizeof(e));
		e.role = "client";
		e.h = C.h;
		e.h.conn = (uint32_t)i;
		e.t0 = now();
		e.deadline = e.t0 + C.h.timeout_ms / 1000.0;
		r = connect_one(&e, i);
		if (r)
			fail(&e, -r, "connect");
		else if (send(e.fd, &e.h, sizeof(e.h), MSG_NOSIGNAL) != sizeof(e.h))
			fail(&e, errno ? errno : EIO, "header");
		atomic_fetch_add(&C.opened, 1);
		if (C.barrier) {
			pthread_barrier_wait(&C.connected);
			pthread_barrier_wait(&C.go);
			e.t0 = now();
			e.deadline = e.t0 + C.h.timeout_ms / 1000.0;
		}
		if (!e.error)
			run_end(&e);
		if (e.fd > 0)
			close(e.fd);
		account(&e);
	}
}

static void release(int n)
{
	pthread_mutex_lock(&C.mu);
	C.released += n;
	pthread_cond_broadcast(&C.cv);
	pthread_mutex_unlock(&C.mu);
}

static int client_main(int argc, char **argv)
{
	const char *addr = NULL, *src = NULL;
	struct wave waves[MAX_WAVES];
	int nwaves = 0, port = 0, timeout = 300, conn_timeout = 60, opt, i, w;
	double pace = 0;
	uint64_t segs0;
	pthread_t *th;
	double t0;

	memset(&C.h, 0, sizeof(C.h));
	C.h.magic = MAGIC;
	C.h.seed = 1;
	C.h.bytes = 1 << 20;
	C.conns = 1;
	while ((opt = getopt(argc, argv, "a:p:A:P:n:c:W:b:w:ed:s:t:T:Bx:O:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'A': src = optarg; break;
		case 'P': C.src_port = atoi(optarg); break;
		case 'n': C.conns = atoi(optarg); break;
		case 'c': C.parallel = atoi(optarg); break;
		case 'W': {
			struct wave *v = &waves[nwaves];
			char *p;

			if (nwaves == MAX_WAVES)
				return 2;
			v->count = (int)strtol(optarg, &p, 10);
			v->every_ms = *p == '/' ? (int)strtol(p + 1, &p, 10) : 0;
			v->gate = *p == '@' ? p + 1 : NULL;
			nwaves++;
			break;
		}
		case 'b': C.h.bytes = strtoull(optarg, NULL, 0); break;
		case 'w': C.h.flags |= F_PLAIN; C.h.wsize = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'e': C.h.flags |= F_ECHO; break;
		case 'd': pace = atof(optarg); break;
		case 's': C.h.seed = strtoull(optarg, NULL, 0); break;
		case 't': conn_timeout = atoi(optarg); break;
		case 'T': timeout = atoi(optarg); break;
		case 'B': C.barrier = 1; break;
		case 'x': C.cmd = optarg; break;
		case 'O': C.marks = optarg; break;
		default: return 2;
		}
	}
	if (!addr || !port || timeout < 1 || conn_timeout < 1 ||
	    ((C.h.flags & F_PLAIN) && !C.h.wsize))
		return 2;
	if (nwaves) {
		for (C.conns = 0, w = 0; w < nwaves; w++)
			C.conns += waves[w].count;
	} else {
		waves[nwaves++] = (struct wave){ C.conns, 0, NULL };
	}
	if (C.conns < 1)
		return 2;
	if (C.parallel < 1 || C.parallel > C.conns)
		C.parallel = C.conns;
	if (C.barrier && (nwaves > 1 || C.parallel != C.conns)) {
		fprintf(stderr, "flow: -B needs every connection open at once (no -W, no -c)\n");
		return 2;
	}
	C.h.timeout_ms = (uint32_t)conn_timeout * 1000;
	C.h.pace_ms = (uint32_t)(pace * 1000);
	C.dst_len = make_addr(&C.dst, addr, port);
	if (src || C.src_port) {
		C.src_len = make_addr(&C.src, src ? src : C.dst.ss_family == AF_INET ? "0.0.0.0" : "::", 0);
		C.have_src = src != NULL;
	}
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)timeout);
	if (C.barrier) {
		pthread_barrier_init(&C.connected, NULL, (unsigned int)C.conns + 1);
		pthread_barrier_init(&C.go, NULL, (unsigned int)C.conns + 1);
	}

	th = calloc((size_t)C.parallel, sizeof(*th));
	if (!th)
		die("calloc");
	segs0 = tcp_outsegs();
	t0 = now();
	for (i = 0; i < C.parallel; i++) {
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 << 10);
		if (pthread_create(&th[i], &attr, client_worker, NULL))
			die("pthread_create");
	}
	for (w = 0, i = 0; w < nwaves && !g_stop; w++) {
		int j, upto = (i += waves[w].count);

		while (waves[w].gate && access(waves[w].gate, F_OK) && !g_stop)
			usleep(10000);
		if (!waves[w].every_ms)
			release(waves[w].count);
		for (j = 0; waves[w].every_ms && j < waves[w].count && !g_stop; j++) {
			release(1);
			usleep((useconds_t)waves[w].every_ms * 1000);
		}
		if (C.marks && !C.barrier) {
			char path[4096];
			int fd;

			while (atomic_load(&C.opened) < upto && !g_stop)
				usleep(2000);
			snprintf(path, sizeof(path), "%s.%d", C.marks, w + 1);
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		}
	}
	if (C.barrier) {
		pthread_barrier_wait(&C.connected);
		if (C.cmd && system(C.cmd) != 0)
			fprintf(stderr, "flow: -x command failed: %s\n", C.cmd);
		segs0 = tcp_outsegs();
		t0 = now();
		pthread_barrier_wait(&C.go);
	}
	release(0);		/* wake the workers if the run was stopped */
	for (i = 0; i < C.parallel; i++)
		pthread_join(th[i], NULL);
	free(th);
	report("client", now() - t0, tcp_outsegs() - segs0);
	return atomic_load(&t_ok) == (unsigned int)C.conns && !atomic_load(&t_mism) &&
	       atomic_load(&t_got) == C.h.bytes * (uint64_t)C.conns ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "server"))
		return server_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "client"))
		return client_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: flow server|client [OPTIONS] (see tests/tools/flow.c)\n");
	return 2;
}
