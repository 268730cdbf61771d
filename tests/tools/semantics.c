// SPDX-License-Identifier: GPL-2.0
/*
 * semantics: probes of the TCP behaviour applications rely on, each between
 * a fresh client and server over loopback, for tests/kernel/semantics.t
 * (issue 18), which runs them over plain TCP and accelerated and compares.
 *
 *   semantics [-6] [PROBE...]     run the probes (default: all), in order
 *   semantics -l                  list the probe names
 *
 * One line per probe on stdout:
 *
 *   probe NAME result VALUE segs N info TEXT
 *
 * VALUE (no spaces) is what the probe saw: byte counts, errno names, poll
 * events, and whether the bytes read were the bytes written ("ok" or
 * "bad"): the same VALUE means the same behaviour.  N is the data segments
 * the two sockets sent through TCP (tcpi_data_segs_out, Linux 4.6) during
 * the probe's data phase: 0 when every byte was redirected.  TEXT is for
 * people (sizes that vary from run to run), never compared.
 *
 * Every probe runs in its own child process with an alarm, every wait is a
 * bounded poll() or a socket timeout, so the tool always ends.  Exit status
 * 0 when every probe printed its line, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>		/* struct tcp_info with tcpi_data_segs_out */
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "sha256.h"

#define SETTLE_MS	30	/* loopback delivers within the send(); margin */
#define PROBE_ALARM	15	/* seconds: a probe that takes longer is killed */
#define IO_TIMEOUT_MS	3000	/* SO_RCVTIMEO/SO_SNDTIMEO of every probe socket */

struct pair {
	int c, s;		/* client end, accepted server end */
};

static int g_v6;
static int g_lowat_listen;	/* SO_RCVLOWAT 1000 on the listener (rcvlowat_listen) */
static long g_segs = -1;	/* data segments, once a probe noted them */
static char g_info[160];

/* ---- small helpers ---- */

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ EAGAIN, "EAGAIN" }, { EPIPE, "EPIPE" }, { ECONNRESET, "ECONNRESET" },
	{ ENOTCONN, "ENOTCONN" }, { ENOMEM, "ENOMEM" }, { ENOBUFS, "ENOBUFS" },
	{ EINVAL, "EINVAL" }, { EFAULT, "EFAULT" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EINTR, "EINTR" }, { ESHUTDOWN, "ESHUTDOWN" },
};

static const char *ename(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* A return value as text: the count, or the errno name. */
static const char *rv(long r, int err)
{
	static char buf[4][24];
	static int n;
	char *b = buf[n++ & 3];

	if (r < 0)
		return ename(err);
	snprintf(b, sizeof(buf[0]), "%ld", r);
	return b;
}

static const char *evnames(int ev)
{
	static char buf[4][64];
	static int n;
	static const struct {
		int bit;
		const char *name;
	} bits[] = {
		{ POLLIN, "IN" }, { POLLPRI, "PRI" }, { POLLOUT, "OUT" },
		{ POLLRDHUP, "RDHUP" }, { POLLERR, "ERR" }, { POLLHUP, "HUP" },
	};
	char *b = buf[n++ & 3];
	size_t i;

	b[0] = 0;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (ev & bits[i].bit)
			snprintf(b + strlen(b), sizeof(buf[0]) - strlen(b), "%s%s",
				 b[0] ? "|" : "", bits[i].name);
	if (!b[0])
		strcpy(b, "none");
	return b;
}

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The events of fd among want, after waiting up to ms for any of them. */
static int wait_ev(int fd, int want, int ms)
{
	struct pollfd p = { .fd = fd, .events = (short)want };

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return p.revents;
}

/* Wait (up to 1 s) until fd has n bytes queued (FIONREAD), then a moment
 * more: a loaded machine may deliver loopback packets from ksoftirqd,
 * after send() returned.  Returns nothing: a probe reports what it sees. */
static void wait_inq(int fd, int n)
{
	double end = now_ms() + 1000;
	int q = 0;

	while (now_ms() < end && (ioctl(fd, FIONREAD, &q) < 0 || q < n))
		ms_sleep(2);
	ms_sleep(SETTLE_MS);
}

/* Probe data: the seeded stream of common.h, from its start. */
static __attribute__((noinline)) void pattern(uint8_t *b, size_t n, uint64_t seed)
{
	struct gen g;

	gen_init(&g, seed, 0, 0);
	gen_fill(&g, b, n);
}

static int same_as(const uint8_t *b, size_t n, uint64_t seed, size_t off)
{
	uint8_t *want = malloc(off + n);
	int ok;

	if (!want)
		return 0;
	pattern(want, off + n, seed);
	ok = !memcmp(b, want + off, n);
	free(want);
	return ok;
}

static const char *okbad(int ok)
{
	return ok ? "ok" : "bad";
}

/* send() all of it; the count sent, or -errno if nothing was. */
static long send_all(int fd, const void *buf, size_t n, int flags)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = send(fd, (const char *)buf + done, n - done, flags | MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return done ? (long)done : -errno;
		}
		done += r;
	}
	return done;
}

/* Read up to n bytes, waiting at most ms in all; stops at EOF or error. */
static long recv_upto(int fd, void *buf, size_t n, int ms)
{
	double end = now_ms() + ms;
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, (char *)buf + got, n - got, MSG_DONTWAIT);
		int left;

		if (r > 0) {
			got += r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		left = (int)(end - now_ms());
		if (left <= 0 || !wait_ev(fd, POLLIN, left))
			break;
	}
	return got;
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

static int get_int(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -errno;
	return v;
}

static void set_timeo(int fd, int opt, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

static int nonblock(int fd)
{
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int tcp_info(int fd, struct tcp_info *ti)
{
	socklen_t l = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &l);
}

/* Data segments both ends sent so far: the proof a probe was accelerated. */
static void note_segs(const struct pair *p)
{
	struct tcp_info ti;
	long n = 0;

	if (p->c >= 0 && tcp_info(p->c, &ti) == 0)
		n += ti.tcpi_data_segs_out;
	if (p->s >= 0 && tcp_info(p->s, &ti) == 0)
		n += ti.tcpi_data_segs_out;
	g_segs = n;
}

/* A connected pair over loopback; 0 or -errno. */
static int pair_open(struct pair *p)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = g_v6 ? sizeof(*a6) : sizeof(*a4);
	int fam = g_v6 ? AF_INET6 : AF_INET, l, err;

	p->c = p->s = -1;
	memset(&ss, 0, sizeof(ss));
	if (g_v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
	} else {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	l = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return -errno;
	if (g_lowat_listen) {
		/* 8 KiB of optval, more than a page: a cgroup/setsockopt
		 * program sees only the first page, and must not make the
		 * call fail; the kernel reads the int at its start. */
		static int big[2048] = { 1000 };

		if (setsockopt(l, SOL_SOCKET, SO_RCVLOWAT, big, sizeof(big)))
			goto fail;
	}
	if (bind(l, (struct sockaddr *)&ss, sl) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&ss, &sl))
		goto fail;
	p->c = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->c < 0 || connect(p->c, (struct sockaddr *)&ss, sl))
		goto fail;
	set_timeo(l, SO_RCVTIMEO, IO_TIMEOUT_MS);
	p->s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (p->s < 0)
		goto fail;
	close(l);
	set_timeo(p->c, SO_RCVTIMEO, IO_TIMEOUT_MS);
	set_timeo(p->c, SO_SNDTIMEO, IO_TIMEOUT_MS);
	set_timeo(p->s, SO_RCVTIMEO, IO_TIMEOUT_MS);
	set_timeo(p->s, SO_SNDTIMEO, IO_TIMEOUT_MS);
	return 0;
fail:
	err = -errno;
	close(l);
	if (p->c >= 0)
		close(p->c);
	p->c = -1;
	return err;
}

static void pair_close(struct pair *p)
{
	if (p->c >= 0)
		close(p->c);
	if (p->s >= 0)
		close(p->s);
	p->c = p->s = -1;
}

/* Send n pattern bytes of seed from c, wait until s is readable. */
static long feed(const struct pair *p, size_t n, uint64_t seed)
{
	uint8_t *b = malloc(n);
	long r;

	if (!b)
		return -ENOMEM;
	pattern(b, n, seed);
	r = send_all(p->c, b, n, 0);
	free(b);
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, n);
	return r;
}

/* Fork a helper; it runs fn and exits with its status, within an alarm. */
static pid_t spawn(int (*fn)(struct pair *, void *), struct pair *p, void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		alarm(PROBE_ALARM);
		_exit(fn(p, arg));
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the probes: each writes its VALUE into res ---- */

#define RES	char *res, size_t rn

/* Urgent data: plain TCP returns the byte sent with MSG_OOB to
 * recv(MSG_OOB) and leaves it out of the stream (SO_OOBINLINE off). */
static int p_oob(struct pair *p, RES)
{
	char ob = 0, in[16];
	long r, n;
	int pri;

	send_all(p->c, "ab", 2, 0);
	send_all(p->c, "X", 1, MSG_OOB);
	send_all(p->c, "cd", 2, 0);
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, 4);	/* plain TCP does not count the urgent byte */
	note_segs(p);
	pri = !!(wait_ev(p->s, POLLPRI, 0) & POLLPRI);
	r = recv(p->s, &ob, 1, MSG_OOB | MSG_DONTWAIT);
	n = recv_upto(p->s, in, sizeof(in), 100);
	snprintf(res, rn, "pollpri=%d,oob=%s%s%.1s,inline=%.*s", pri, rv(r, errno),
		 r > 0 ? ":" : "", r > 0 ? &ob : "", (int)n, in);
	return 0;
}

/* SO_RCVLOWAT 1000 with 500 bytes queued: not readable, and a blocking
 * recv() waits for 1000 bytes (here until SO_RCVTIMEO, 200 ms, then
 * returns the 500); with 1100 more queued, readable.  The mark is set on
 * the accepted socket (rcvlowat), or on the listener before the client
 * connects, which the accepted socket inherits (rcvlowat_listen). */
static int lowat(struct pair *p, RES)
{
	uint8_t buf[2048], all[1600];
	long r1, n = 0, m;
	int e1, ev1, ev2;
	double t0, waited;

	set_timeo(p->s, SO_RCVTIMEO, 200);
	pattern(all, sizeof(all), 11);
	send_all(p->c, all, 500, 0);
	ms_sleep(SETTLE_MS);
	ev1 = wait_ev(p->s, POLLIN, 200);
	t0 = now_ms();
	r1 = recv(p->s, buf, sizeof(buf), 0);
	e1 = errno;
	waited = now_ms() - t0;
	snprintf(g_info, sizeof(g_info), "recv_waited=%.0fms", waited);
	if (r1 > 0)
		n = r1;
	send_all(p->c, all + 500, 1100, 0);
	ev2 = wait_ev(p->s, POLLIN, 1000);
	note_segs(p);
	m = recv_upto(p->s, buf + n, sizeof(all) - n, 500);
	snprintf(res + strlen(res), rn - strlen(res), "poll500=%s,recv500=%s:%s,poll1100=%s,bytes=%ld:%s", evnames(ev1),
		 rv(r1, e1), waited >= 150 ? "after-timeout" : "at-once", evnames(ev2), n + m,
		 okbad(n + m == sizeof(all) && !memcmp(buf, all, sizeof(all))));
	return 0;
}

static int p_rcvlowat(struct pair *p, RES)
{
	snprintf(res, rn, "set=%d,", set_int(p->s, SOL_SOCKET, SO_RCVLOWAT, 1000));
	return lowat(p, res, rn);
}

static int p_rcvlowat_listen(struct pair *p, RES)
{
	snprintf(res, rn, "inherited=%d,", get_int(p->s, SOL_SOCKET, SO_RCVLOWAT));
	return lowat(p, res, rn);
}

/* Urgent data to a reader that asked for it in line (SO_OOBINLINE, set
 * after the connection is made): POLLPRI, and the urgent byte is read in
 * its place in the stream. */
static int p_oobinline(struct pair *p, RES)
{
	char in[16];
	long n;
	int pri, set = set_int(p->s, SOL_SOCKET, SO_OOBINLINE, 1);

	send_all(p->c, "ab", 2, 0);
	send_all(p->c, "X", 1, MSG_OOB);
	send_all(p->c, "cd", 2, 0);
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, 5);
	note_segs(p);
	pri = !!(wait_ev(p->s, POLLPRI, 0) & POLLPRI);
	n = recv_upto(p->s, in, sizeof(in), 100);
	snprintf(res, rn, "set=%d,pollpri=%d,inline=%.*s", set, pri, (int)n, in);
	return 0;
}

/* MSG_TRUNC on TCP: the bytes are consumed and discarded, the buffer is
 * not written (tcp(7)). */
static int p_trunc(struct pair *p, RES)
{
	uint8_t buf[16], rest[200];
	long r, n;
	int untouched = 1, i;

	feed(p, 100, 12);
	note_segs(p);
	memset(buf, 0xee, sizeof(buf));
	r = recv(p->s, buf, 10, MSG_TRUNC | MSG_DONTWAIT);
	for (i = 0; i < 10; i++)
		untouched &= buf[i] == 0xee;
	n = recv_upto(p->s, rest, sizeof(rest), 100);
	snprintf(res, rn, "ret=%s,buf=%s,rest=%ld:%s", rv(r, errno),
		 untouched ? "untouched" : "copied", n, okbad(same_as(rest, n, 12, 100 - n)));
	return 0;
}

/* Move a stream to position n (from its start). */
static void gen_skip(struct gen *g, uint8_t *scratch, uint64_t n)
{
	while (n) {
		size_t k = n < 65536 ? n : 65536;

		gen_fill(g, scratch, k);
		n -= k;
	}
}

/* How much the eagain probe writes at most: 64 MiB, or half the TCP
 * memory pressure threshold where that is less: past the hard limit a
 * redirect fails ENOMEM, which depends on the machine's memory (43 MiB in
 * a 512 MiB VM), not on the kernel.  The threshold is net.ipv4.tcp_mem
 * (pages), which a network namespace other than the first does not show;
 * then 1/16 of the memory, the kernel's default (tcp_init_mem()). */
static uint64_t eagain_limit(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_mem", "r");
	uint64_t lim = 64u << 20, half = 0;
	unsigned long long lo, pressure;

	if (f && fscanf(f, "%llu %llu", &lo, &pressure) == 2)
		half = pressure * sysconf(_SC_PAGESIZE) / 2;
	if (f)
		fclose(f);
	if (!half && (f = fopen("/proc/meminfo", "r"))) {
		if (fscanf(f, "MemTotal: %llu kB", &lo) == 1)
			half = lo * 1024 / 32;
		fclose(f);
	}
	if (half && half < lim)
		lim = half & ~65535ull;
	return lim;
}

/* A non-blocking writer, a reader that does not read: plain TCP says
 * EAGAIN once the buffers are full.  Stops at eagain_limit() or 2 s; then
 * the reader reads all that was accepted and checks every byte. */
static int p_eagain(struct pair *p, RES)
{
	static uint8_t chunk[65536], got[65536];
	struct gen gw, gr;
	uint64_t sent = 0, rcvd = 0, limit = eagain_limit();
	double end = now_ms() + 2000;
	const char *what = "writable";
	int ok = 1;

	nonblock(p->c);
	gen_init(&gw, 13, 0, 0);
	while (sent < limit && now_ms() < end) {
		ssize_t r;

		gen_fill(&gw, chunk, sizeof(chunk));
		r = send(p->c, chunk, sizeof(chunk), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0) {
			what = ename(errno);
			break;
		}
		sent += r;
		if (r < (ssize_t)sizeof(chunk)) {	/* a short write: the rest next */
			gen_init(&gw, 13, 0, 0);
			gen_skip(&gw, chunk, sent);
		}
	}
	note_segs(p);
	snprintf(g_info, sizeof(g_info), "accepted=%.1fMiB,limit=%.0fMiB", sent / 1048576.0,
		 limit / 1048576.0);
	gen_init(&gr, 13, 0, 0);
	while (rcvd < sent) {
		size_t want = sent - rcvd < sizeof(got) ? sent - rcvd : sizeof(got);
		long n = recv_upto(p->s, got, want, 2000);

		if (n <= 0)
			break;
		gen_fill(&gr, chunk, n);
		ok &= !memcmp(chunk, got, n);
		rcvd += n;
	}
	snprintf(res, rn, "%s,read=%s", what, okbad(ok && rcvd == sent));
	return 0;
}

/* The reader closes with unread data: plain TCP resets the connection
 * (RFC 2525, tcp_close()), the writer's next send() fails ECONNRESET. */
static int p_close_unread(struct pair *p, RES)
{
	uint8_t b[100];
	long r1, r2, r3;
	int e1, e2, e3, ev;

	feed(p, 100, 14);
	note_segs(p);
	close(p->s);
	p->s = -1;
	wait_ev(p->c, POLLIN | POLLRDHUP, 1000);
	ms_sleep(SETTLE_MS);
	ev = wait_ev(p->c, POLLIN | POLLOUT | POLLRDHUP, 0);
	pattern(b, sizeof(b), 14);
	r1 = send(p->c, b, sizeof(b), MSG_NOSIGNAL);
	e1 = errno;
	wait_ev(p->c, POLLERR, 500);
	ms_sleep(SETTLE_MS);
	r2 = send(p->c, b, sizeof(b), MSG_NOSIGNAL);
	e2 = errno;
	r3 = recv(p->c, b, sizeof(b), MSG_DONTWAIT);
	e3 = errno;
	snprintf(res, rn, "revents=%s,send1=%s,send2=%s,recv=%s", evnames(ev),
		 rv(r1, e1), rv(r2, e2), rv(r3, e3));
	return 0;
}

static int p_fionread(struct pair *p, RES)
{
	uint8_t buf[1234];
	int v1 = -1, v2 = -1;
	long n, m;

	feed(p, sizeof(buf), 15);
	note_segs(p);
	ioctl(p->s, FIONREAD, &v1);
	n = recv_upto(p->s, buf, 234, 100);
	ioctl(p->s, FIONREAD, &v2);
	m = recv_upto(p->s, buf + n, sizeof(buf) - n, 100);
	snprintf(res, rn, "queued=%d,after234=%d,bytes=%ld:%s", v1, v2, n + m,
		 okbad(same_as(buf, n + m, 15, 0) && n + m == sizeof(buf)));
	return 0;
}

/* SIOCOUTQ / SIOCOUTQNSD on the writer once the peer has the bytes (and
 * has acknowledged them, on loopback), the reader not reading. */
static int p_outq(struct pair *p, RES)
{
	uint8_t buf[3000];
	int q = -1, nsd = -1, i;
	long n;

	feed(p, sizeof(buf), 16);
	note_segs(p);
	for (i = 0; i < 50; i++) {	/* until acknowledged: at most 500 ms */
		ioctl(p->c, SIOCOUTQ, &q);
		if (q == 0)
			break;
		ms_sleep(10);
	}
	ioctl(p->c, SIOCOUTQNSD, &nsd);
	n = recv_upto(p->s, buf, sizeof(buf), 200);
	snprintf(res, rn, "outq=%d,outqnsd=%d,bytes=%ld:%s", q, nsd, n,
		 okbad(n == sizeof(buf) && same_as(buf, n, 16, 0)));
	return 0;
}

/* MSG_PEEK across two writes, then the same bytes read for real. */
static int p_peek(struct pair *p, RES)
{
	uint8_t all[100], a[100], b[100], c[100];
	long r1, r2, r3;

	pattern(all, sizeof(all), 17);
	send_all(p->c, all, 60, 0);
	send_all(p->c, all + 60, 40, 0);
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, 100);
	note_segs(p);
	r1 = recv(p->s, a, 50, MSG_PEEK | MSG_DONTWAIT);
	r2 = recv(p->s, b, 100, MSG_PEEK | MSG_DONTWAIT);
	r3 = recv_upto(p->s, c, 100, 100);
	snprintf(res, rn, "peek50=%s:%s,peek100=%s:%s,read=%ld:%s", rv(r1, errno),
		 okbad(r1 == 50 && !memcmp(a, all, 50)), rv(r2, errno),
		 okbad(r2 > 0 && !memcmp(b, all, r2)), r3, okbad(r3 == 100 && !memcmp(c, all, 100)));
	return 0;
}

/* 1000 bytes queued, 2000 more 200 ms later (from a child): one
 * recv(MSG_WAITALL) of 3000 returns all of them ("all") or fewer
 * ("partial": how many depends on timing, so not reported). */
static int writer2(struct pair *p, void *arg)
{
	uint8_t *all = arg;

	ms_sleep(200);
	return send_all(p->c, all + 1000, 2000, 0) != 2000;
}

static int p_waitall(struct pair *p, RES)
{
	static uint8_t all[3000], got[3000];
	pid_t w;
	long r;
	int e;

	pattern(all, sizeof(all), 18);
	send_all(p->c, all, 1000, 0);
	w = spawn(writer2, p, all);
	r = recv(p->s, got, sizeof(got), MSG_WAITALL);
	e = errno;
	snprintf(g_info, sizeof(g_info), "first_recv=%ld", r);
	if (r > 0 && r < 3000)
		r += recv_upto(p->s, got + r, sizeof(got) - r, 2000);
	reap(w);
	note_segs(p);
	snprintf(res, rn, "recv=%s,bytes=%ld:%s", r < 0 ? ename(e) : strstr(g_info, "=3000") ? "all" : "partial",
		 r, okbad(r == 3000 && !memcmp(got, all, r)));
	return 0;
}

static int p_rcvtimeo(struct pair *p, RES)
{
	uint8_t buf[64];
	double t0, ms;
	long r, n;
	int e;

	set_timeo(p->s, SO_RCVTIMEO, 150);
	t0 = now_ms();
	r = recv(p->s, buf, sizeof(buf), 0);
	e = errno;
	ms = now_ms() - t0;
	snprintf(g_info, sizeof(g_info), "waited=%.0fms", ms);
	feed(p, 64, 19);
	note_segs(p);
	n = recv(p->s, buf, sizeof(buf), 0);
	snprintf(res, rn, "empty=%s,waited=%s,data=%ld:%s", rv(r, e),
		 ms >= 120 && ms < 1500 ? "timeout" : "wrong", n, okbad(n == 64 && same_as(buf, 64, 19, 0)));
	return 0;
}

/* Data, then the writer's FIN: POLLRDHUP with the data, then EOF. */
static int p_rdhup(struct pair *p, RES)
{
	uint8_t buf[64];
	long n, r;
	int ev = 0, i;

	pattern(buf, 10, 20);
	send_all(p->c, buf, 10, 0);
	shutdown(p->c, SHUT_WR);
	for (i = 0; i < 100 && !(ev & POLLRDHUP); i++) {
		ev = wait_ev(p->s, POLLIN | POLLRDHUP, 10);
		if (!(ev & POLLRDHUP))
			ms_sleep(10);
	}
	ms_sleep(SETTLE_MS);
	ev = wait_ev(p->s, POLLIN | POLLRDHUP | POLLOUT, 0);
	note_segs(p);
	n = recv(p->s, buf, 10, MSG_DONTWAIT);
	r = recv(p->s, buf + 10, 10, MSG_DONTWAIT);
	snprintf(res, rn, "revents=%s,data=%s:%s,then=%s", evnames(ev), rv(n, errno),
		 okbad(n == 10 && same_as(buf, 10, 20, 0)), rv(r, errno));
	return 0;
}

/* Request, shutdown(SHUT_WR), the server reads to EOF, answers, closes. */
static int p_shut_wr(struct pair *p, RES)
{
	uint8_t req[700], resp[900];
	long n, e1, m, e2, s2;
	int es;

	pattern(req, sizeof(req), 21);
	send_all(p->c, req, sizeof(req), 0);
	shutdown(p->c, SHUT_WR);
	s2 = send(p->c, req, 1, MSG_NOSIGNAL);
	es = errno;
	n = recv_upto(p->s, req, sizeof(req), 1000);
	e1 = recv_upto(p->s, req, 1, 200);	/* 0: EOF (or nothing) */
	e1 = e1 == 0 && (wait_ev(p->s, POLLIN, 0) & POLLIN) && recv(p->s, req, 1, MSG_DONTWAIT) == 0;
	pattern(resp, sizeof(resp), 22);
	send_all(p->s, resp, sizeof(resp), 0);
	ms_sleep(SETTLE_MS);
	note_segs(p);
	close(p->s);
	p->s = -1;
	m = recv_upto(p->c, resp, sizeof(resp), 1000);
	e2 = recv_upto(p->c, resp + m, 1, 500) == 0 && recv(p->c, resp, 1, MSG_DONTWAIT) == 0;
	snprintf(res, rn, "send_after=%s,req=%ld:%s,eof=%ld,resp=%ld:%s,eof=%ld", rv(s2, es), n,
		 okbad(n == 700 && same_as(req, 700, 21, 0)), e1, m,
		 okbad(m == 900 && same_as(resp, 900, 22, 0)), e2);
	return 0;
}

/* shutdown(SHUT_RD) on the reader: what recv() says before and after the
 * peer writes. */
static int p_shut_rd(struct pair *p, RES)
{
	uint8_t buf[64];
	long r0, s1, r1;
	int e0, es, e1;

	shutdown(p->s, SHUT_RD);
	r0 = recv(p->s, buf, sizeof(buf), MSG_DONTWAIT);
	e0 = errno;
	pattern(buf, 10, 23);
	s1 = send(p->c, buf, 10, MSG_NOSIGNAL);
	es = errno;
	wait_ev(p->s, POLLIN, 200);
	ms_sleep(SETTLE_MS);
	note_segs(p);
	memset(buf, 0, sizeof(buf));
	r1 = recv(p->s, buf, sizeof(buf), MSG_DONTWAIT);
	e1 = errno;
	snprintf(res, rn, "before=%s,send=%s,after=%s%s", rv(r0, e0), rv(s1, es), rv(r1, e1),
		 r1 > 0 ? (same_as(buf, r1, 23, 0) ? ":ok" : ":bad") : "");
	return 0;
}

/* SO_LINGER {1, 0}: close() resets; the peer sees ECONNRESET, then EOF. */
static int p_linger0(struct pair *p, RES)
{
	struct linger lg = { 1, 0 };
	uint8_t buf[16];
	long n, r1, r2;
	int ev, e1;

	feed(p, 10, 24);
	n = recv_upto(p->s, buf, 10, 200);
	note_segs(p);
	setsockopt(p->c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(p->c);
	p->c = -1;
	wait_ev(p->s, POLLERR | POLLHUP, 1000);
	ms_sleep(SETTLE_MS);
	ev = wait_ev(p->s, POLLIN | POLLOUT | POLLRDHUP, 0);
	r1 = recv(p->s, buf, sizeof(buf), MSG_DONTWAIT);
	e1 = errno;
	r2 = recv(p->s, buf, sizeof(buf), MSG_DONTWAIT);
	snprintf(res, rn, "data=%ld:%s,revents=%s,recv=%s,then=%s", n,
		 okbad(n == 10 && same_as(buf, 10, 24, 0)), evnames(ev), rv(r1, e1), rv(r2, errno));
	return 0;
}

/* After a reset: SO_ERROR says ECONNRESET once, then 0; send() EPIPE. */
static int p_so_error(struct pair *p, RES)
{
	struct linger lg = { 1, 0 };
	uint8_t buf[16];
	long n, r;
	int e1, e2;

	feed(p, 10, 25);
	n = recv_upto(p->s, buf, 10, 200);
	note_segs(p);
	setsockopt(p->s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(p->s);
	p->s = -1;
	wait_ev(p->c, POLLERR, 1000);
	ms_sleep(SETTLE_MS);
	e1 = get_int(p->c, SOL_SOCKET, SO_ERROR);
	e2 = get_int(p->c, SOL_SOCKET, SO_ERROR);
	r = send(p->c, buf, 1, MSG_NOSIGNAL);
	snprintf(res, rn, "data=%ld:%s,so_error=%s,again=%s,send=%s", n,
		 okbad(n == 10 && same_as(buf, 10, 25, 0)), e1 > 0 ? ename(e1) : rv(e1, -e1),
		 e2 > 0 ? ename(e2) : rv(e2, -e2), rv(r, errno));
	return 0;
}

/* Blocking both ways: 1 MiB from a child over c, 1 MiB back over s; each
 * side checks the SHA-256 of what it read. */
#define BIG	(1u << 20)
static int sha_equal(const uint8_t *b, size_t n, uint64_t seed)
{
	uint8_t *w = malloc(n);
	struct sha256 s1, s2;
	char h1[65], h2[65];

	if (!w)
		return 0;
	pattern(w, n, seed);
	sha256_init(&s1);
	sha256_update(&s1, b, n);
	sha256_hex(&s1, h1);
	sha256_init(&s2);
	sha256_update(&s2, w, n);
	sha256_hex(&s2, h2);
	free(w);
	return !strcmp(h1, h2);
}

static long recv_block(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, b + got, n - got, 0);

		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

static int blocking_child(struct pair *p, void *arg)
{
	uint8_t *b = malloc(BIG);
	int ok;

	(void)arg;
	if (!b)
		return 2;
	pattern(b, BIG, 26);
	if (send_all(p->c, b, BIG, 0) != BIG)
		return 3;
	memset(b, 0, BIG);
	ok = recv_block(p->c, b, BIG) == BIG && sha_equal(b, BIG, 27);
	free(b);
	return ok ? 0 : 1;
}

static int p_blocking(struct pair *p, RES)
{
	uint8_t *b = malloc(BIG);
	pid_t w;
	long n, s;
	int st;

	if (!b)
		return -ENOMEM;
	w = spawn(blocking_child, p, NULL);
	n = recv_block(p->s, b, BIG);
	snprintf(res, rn, "read=%ld:%s", n, okbad(n == BIG && sha_equal(b, BIG, 26)));
	pattern(b, BIG, 27);
	s = send_all(p->s, b, BIG, 0);
	st = reap(w);
	note_segs(p);
	snprintf(res + strlen(res), rn - strlen(res), ",back=%s,child=%s", rv(s, -s),
		 st == 0 ? "ok" : "bad");
	free(b);
	return 0;
}

/* Non-blocking both ends, one thread: EAGAIN on the empty socket, then
 * 1 MiB in 16 KiB writes driven by poll(). */
static int p_nonblocking(struct pair *p, RES)
{
	static uint8_t src[BIG], dst[BIG];
	size_t sent = 0, got = 0;
	double end = now_ms() + 3000;
	long r0;
	int e0;

	nonblock(p->c);
	nonblock(p->s);
	r0 = recv(p->s, dst, 1, 0);
	e0 = errno;
	pattern(src, BIG, 28);
	while (got < BIG && now_ms() < end) {
		struct pollfd pf[2] = { { p->c, sent < BIG ? POLLOUT : 0, 0 }, { p->s, POLLIN, 0 } };
		ssize_t r;

		poll(pf, 2, 100);
		if (sent < BIG && (pf[0].revents & POLLOUT)) {
			size_t k = BIG - sent < 16384 ? BIG - sent : 16384;

			r = send(p->c, src + sent, k, MSG_NOSIGNAL);
			if (r > 0)
				sent += r;
		}
		if (pf[1].revents & POLLIN) {
			r = recv(p->s, dst + got, BIG - got, 0);
			if (r > 0)
				got += r;
			else if (r == 0)
				break;
		}
	}
	note_segs(p);
	snprintf(res, rn, "empty=%s,xfer=%zu:%s", rv(r0, e0), got,
		 okbad(got == BIG && sha_equal(dst, BIG, 28)));
	return 0;
}

static int p_poll(struct pair *p, RES)
{
	uint8_t buf[16];
	int e0, e1, e2, e3;
	long n;

	e0 = wait_ev(p->s, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0);
	e1 = wait_ev(p->s, POLLIN, 50);		/* nothing to read: times out */
	feed(p, 10, 29);
	note_segs(p);
	e2 = wait_ev(p->s, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0);
	n = recv_upto(p->s, buf, 10, 100);
	e3 = wait_ev(p->s, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0);
	snprintf(res, rn, "empty=%s,wait=%s,data=%s,read=%ld:%s,drained=%s", evnames(e0),
		 evnames(e1), evnames(e2), n, okbad(n == 10 && same_as(buf, 10, 29, 0)), evnames(e3));
	return 0;
}

static const char *sel(int fd)
{
	static char b[4][8];
	static int k;
	char *o = b[k++ & 3];
	struct timeval tv = { 0, 0 };
	fd_set r, w;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	if (select(fd + 1, &r, &w, NULL, &tv) < 0)
		return ename(errno);
	snprintf(o, sizeof(b[0]), "%s%s", FD_ISSET(fd, &r) ? "r" : "-", FD_ISSET(fd, &w) ? "w" : "-");
	return o;
}

static int p_select(struct pair *p, RES)
{
	const char *a, *b, *c;
	uint8_t buf[16];
	long n;

	a = sel(p->s);
	feed(p, 10, 30);
	note_segs(p);
	b = sel(p->s);
	n = recv_upto(p->s, buf, 10, 100);
	c = sel(p->s);
	snprintf(res, rn, "empty=%s,data=%s,read=%ld:%s,drained=%s", a, b, n,
		 okbad(n == 10 && same_as(buf, 10, 30, 0)), c);
	return 0;
}

/* epoll_wait with a zero timeout: the events reported, as text. */
static const char *ep(int efd)
{
	struct epoll_event ev;
	int n = epoll_wait(efd, &ev, 1, 0);

	return n <= 0 ? "none" : evnames((int)ev.events);
}

static int p_epoll(struct pair *p, RES, int et)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | (et ? EPOLLET : 0) };
	const char *a, *b, *c, *d, *e, *f;
	int efd = epoll_create1(EPOLL_CLOEXEC);
	uint8_t buf[32];
	long n, m;

	if (efd < 0)
		return -errno;
	epoll_ctl(efd, EPOLL_CTL_ADD, p->s, &ev);
	a = ep(efd);			/* empty */
	feed(p, 10, 31);
	b = ep(efd);			/* data */
	c = ep(efd);			/* again, nothing read */
	n = recv(p->s, buf, 5, MSG_DONTWAIT);
	d = ep(efd);			/* half read */
	send_all(p->c, "0123456789", 10, 0);
	wait_inq(p->s, 15);
	note_segs(p);
	e = ep(efd);			/* more data */
	m = recv_upto(p->s, buf + (n > 0 ? n : 0), 15, 100);
	f = ep(efd);			/* drained */
	snprintf(res, rn, "empty=%s,data=%s,again=%s,half=%s,more=%s,drained=%s,bytes=%ld:%s",
		 a, b, c, d, e, f, n + m, okbad(n == 5 && m == 15 && same_as(buf, 10, 31, 0) &&
						   !memcmp(buf + 10, "0123456789", 10)));
	close(efd);
	return 0;
}

static int p_epoll_lt(struct pair *p, RES)
{
	return p_epoll(p, res, rn, 0);
}

static int p_epoll_et(struct pair *p, RES)
{
	return p_epoll(p, res, rn, 1);
}

static int p_keepalive(struct pair *p, RES)
{
	uint8_t buf[32];
	long n;

	set_int(p->c, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(p->c, IPPROTO_TCP, TCP_KEEPIDLE, 7);
	set_int(p->c, IPPROTO_TCP, TCP_KEEPINTVL, 3);
	set_int(p->c, IPPROTO_TCP, TCP_KEEPCNT, 4);
	feed(p, 32, 32);
	note_segs(p);
	n = recv_upto(p->s, buf, 32, 100);
	snprintf(res, rn, "keepalive=%d,idle=%d,intvl=%d,cnt=%d,data=%ld:%s",
		 get_int(p->c, SOL_SOCKET, SO_KEEPALIVE), get_int(p->c, IPPROTO_TCP, TCP_KEEPIDLE),
		 get_int(p->c, IPPROTO_TCP, TCP_KEEPINTVL), get_int(p->c, IPPROTO_TCP, TCP_KEEPCNT),
		 n, okbad(n == 32 && same_as(buf, 32, 32, 0)));
	return 0;
}

/* TCP_CORK (or MSG_MORE): small writes are held back until uncorked (or
 * a write without MSG_MORE).  What the reader has 20 ms after two writes,
 * then all of it.  TCP holds corked bytes for 200 ms at most (tcp(7)): a
 * try that a loaded machine made take 150 ms or more says nothing, and
 * runs again on a fresh connection (three tries). */
static int p_hold(struct pair *p, RES, int cork)
{
	uint8_t all[30], buf[64];
	long before = 0, after = 0;
	int i, try, err;
	double t0, took = 0;

	pattern(all, sizeof(all), 33);
	for (try = 1; try <= 3; try++) {
		if (try > 1) {
			pair_close(p);
			err = pair_open(p);
			if (err)
				return err;
		}
		t0 = now_ms();
		if (cork)
			set_int(p->c, IPPROTO_TCP, TCP_CORK, 1);
		for (i = 0; i < 2; i++)
			send_all(p->c, all + i * 10, 10, cork ? 0 : MSG_MORE);
		ms_sleep(20);
		before = recv_upto(p->s, buf, sizeof(buf), 0);
		took = now_ms() - t0;
		send_all(p->c, all + 20, 10, 0);
		if (cork)
			set_int(p->c, IPPROTO_TCP, TCP_CORK, 0);
		after = recv_upto(p->s, buf + before, sizeof(all) - before, 1000);
		if (took < 150)
			break;
	}
	note_segs(p);
	snprintf(g_info, sizeof(g_info), "tries=%d,took=%.0fms", try > 3 ? 3 : try, took);
	snprintf(res, rn, "held=%s,after20ms=%ld,total=%ld:%s", cork ? "cork" : "msg_more", before,
		 before + after, okbad(before + after == 30 && !memcmp(buf, all, 30)));
	return 0;
}

static int p_cork(struct pair *p, RES)
{
	return p_hold(p, res, rn, 1);
}

static int p_msg_more(struct pair *p, RES)
{
	return p_hold(p, res, rn, 0);
}

/* TCP_NODELAY set and read back, then 50 request/response round trips. */
static int p_nodelay(struct pair *p, RES)
{
	uint8_t q[16], a[16];
	int i, ok = 1;

	set_int(p->c, IPPROTO_TCP, TCP_NODELAY, 1);
	set_int(p->s, IPPROTO_TCP, TCP_NODELAY, 1);
	for (i = 0; i < 50 && ok; i++) {
		memset(q, i, sizeof(q));
		ok = send_all(p->c, q, 16, 0) == 16 && recv_upto(p->s, a, 16, 1000) == 16 &&
		     !memcmp(a, q, 16) && send_all(p->s, a, 16, 0) == 16 &&
		     recv_upto(p->c, q, 16, 1000) == 16 && !memcmp(a, q, 16);
	}
	note_segs(p);
	snprintf(res, rn, "nodelay=%d,%d,roundtrips=%d:%s", get_int(p->c, IPPROTO_TCP, TCP_NODELAY),
		 get_int(p->s, IPPROTO_TCP, TCP_NODELAY), i, okbad(ok));
	return 0;
}

#define SF_BYTES	(256u << 10)
static int p_sendfile(struct pair *p, RES)
{
	static uint8_t b[SF_BYTES];
	int fd = memfd_create("semantics", MFD_CLOEXEC);
	size_t sent = 0;
	off_t off = 0;
	long n;

	if (fd < 0)
		return -errno;
	pattern(b, SF_BYTES, 34);
	if (write(fd, b, SF_BYTES) != SF_BYTES) {
		close(fd);
		return -EIO;
	}
	memset(b, 0, SF_BYTES);
	while (sent < SF_BYTES) {	/* fits in the socket buffers either way */
		ssize_t r = sendfile(p->c, fd, &off, SF_BYTES - sent);

		if (r <= 0)
			break;
		sent += r;
	}
	close(fd);
	n = recv_upto(p->s, b, SF_BYTES, 2000);
	note_segs(p);
	snprintf(res, rn, "sent=%zu,read=%ld:%s", sent, n, okbad(n == SF_BYTES && sha_equal(b, n, 34)));
	return 0;
}

/* splice() both ways: pipe -> socket on the writer, socket -> pipe on the
 * reader (non-blocking, up to 1 s), then whatever is left by recv(). */
#define SP_BYTES	32768
static int p_splice(struct pair *p, RES)
{
	static uint8_t b[SP_BYTES];
	int in[2], out[2];
	long put = 0, took = 0, r, rest = 0;
	double end;
	int e = 0;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	pattern(b, SP_BYTES, 35);
	if (write(in[1], b, SP_BYTES) != SP_BYTES)
		return -EIO;
	while (put < SP_BYTES && (r = splice(in[0], NULL, p->c, NULL, SP_BYTES - put, 0)) > 0)
		put += r;
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, SP_BYTES);
	note_segs(p);
	end = now_ms() + 1000;
	while (took < SP_BYTES && now_ms() < end) {
		r = splice(p->s, NULL, out[1], NULL, SP_BYTES - took, SPLICE_F_NONBLOCK);
		if (r > 0) {
			took += r;
			continue;
		}
		e = r < 0 ? errno : 0;
		if (r == 0 || errno != EAGAIN)
			break;
		wait_ev(p->s, POLLIN, 100);
		if (now_ms() + 100 >= end)
			break;
	}
	memset(b, 0, SP_BYTES);
	if (took > 0 && read(out[0], b, took) != took)
		took = -1;
	if (took < SP_BYTES)
		rest = recv_upto(p->s, b + (took > 0 ? took : 0), SP_BYTES - (took > 0 ? took : 0), 500);
	snprintf(res, rn, "put=%ld,spliced=%ld%s%s,recv=%ld,bytes=%s", put, took,
		 took < SP_BYTES && e ? ":" : "", took < SP_BYTES && e ? ename(e) : "", rest,
		 okbad((took > 0 ? took : 0) + rest == SP_BYTES && sha_equal(b, SP_BYTES, 35)));
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	return 0;
}

/* sendmmsg() of four messages, recvmmsg() into four 100-byte buffers. */
static int p_mmsg(struct pair *p, RES)
{
	uint8_t all[100], got[4][100], flat[100];
	struct mmsghdr mv[4], rv4[4];
	struct iovec iv[4], ri[4];
	int i, sent, rcvd;
	size_t off = 0, total = 0;

	pattern(all, sizeof(all), 36);
	memset(mv, 0, sizeof(mv));
	memset(rv4, 0, sizeof(rv4));
	for (i = 0; i < 4; i++) {	/* 10, 20, 30, 40 bytes */
		iv[i].iov_base = all + off;
		iv[i].iov_len = 10 * (i + 1);
		off += iv[i].iov_len;
		mv[i].msg_hdr.msg_iov = &iv[i];
		mv[i].msg_hdr.msg_iovlen = 1;
		ri[i].iov_base = got[i];
		ri[i].iov_len = sizeof(got[i]);
		rv4[i].msg_hdr.msg_iov = &ri[i];
		rv4[i].msg_hdr.msg_iovlen = 1;
	}
	sent = sendmmsg(p->c, mv, 4, MSG_NOSIGNAL);
	wait_ev(p->s, POLLIN, 1000);
	wait_inq(p->s, 100);
	note_segs(p);
	rcvd = recvmmsg(p->s, rv4, 4, MSG_DONTWAIT, NULL);
	for (i = 0; i < rcvd; i++) {
		if (total + rv4[i].msg_len <= sizeof(flat))
			memcpy(flat + total, got[i], rv4[i].msg_len);
		total += rv4[i].msg_len;
	}
	snprintf(res, rn, "sent=%d,msgs=%d,bytes=%zu:%s", sent, rcvd, total,
		 okbad(total == 100 && !memcmp(flat, all, 100)));
	return 0;
}

/* TCP_INFO after 1000 bytes each way. */
static int p_tcp_info(struct pair *p, RES)
{
	struct tcp_info ci, si;
	uint8_t buf[1000];
	long n, m;

	feed(p, 1000, 37);
	n = recv_upto(p->s, buf, 1000, 200);
	pattern(buf, 1000, 38);
	send_all(p->s, buf, 1000, 0);
	m = recv_upto(p->c, buf, 1000, 1000);
	ms_sleep(SETTLE_MS);
	note_segs(p);
	tcp_info(p->c, &ci);
	tcp_info(p->s, &si);
	snprintf(res, rn, "state=%u,%u,bytes_acked=%llu,bytes_received=%llu,bytes=%ld,%ld:%s",
		 ci.tcpi_state, si.tcpi_state, (unsigned long long)ci.tcpi_bytes_acked,
		 (unsigned long long)si.tcpi_bytes_received, n, m,
		 okbad(n == 1000 && m == 1000 && same_as(buf, 1000, 38, 0)));
	return 0;
}

/* The server's socket is handed to a child over a Unix socket
 * (SCM_RIGHTS): it reads what was sent before and after, and answers. */
static int scm_child(struct pair *p, void *arg)
{
	int u = *(int *)arg, fd = -1;
	char cbuf[CMSG_SPACE(sizeof(int))];
	uint8_t b[200], one;
	struct iovec iv = { &one, 1 };
	struct msghdr mh = { .msg_iov = &iv, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	close(p->c);
	close(p->s);
	if (recvmsg(u, &mh, 0) != 1 || !(cm = CMSG_FIRSTHDR(&mh)) || cm->cmsg_type != SCM_RIGHTS)
		return 2;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (recv_upto(fd, b, 200, 2000) != 200 || !same_as(b, 200, 39, 0))
		return 1;
	pattern(b, 200, 40);
	return send_all(fd, b, 200, 0) == 200 ? 0 : 3;
}

static int p_scm_rights(struct pair *p, RES)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	uint8_t all[200], one = 1, b[200];
	struct iovec iv = { &one, 1 };
	struct msghdr mh = { .msg_iov = &iv, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int u[2], st;
	long n, sr;
	pid_t w;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u))
		return -errno;
	pattern(all, sizeof(all), 39);
	send_all(p->c, all, 100, 0);		/* queued before the hand-over */
	w = spawn(scm_child, p, &u[1]);
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p->s, sizeof(int));
	sr = sendmsg(u[0], &mh, 0);
	ms_sleep(SETTLE_MS);
	send_all(p->c, all + 100, 100, 0);	/* and after */
	n = recv_upto(p->c, b, 200, 3000);
	st = reap(w);
	note_segs(p);
	close(u[0]);
	close(u[1]);
	snprintf(res, rn, "passed=%s,child=%s,answer=%ld:%s", rv(sr, errno),
		 st == 0 ? "ok" : st == 1 ? "bad" : "failed", n, okbad(n == 200 && same_as(b, 200, 40, 0)));
	return 0;
}

/* ---- the table of probes, in the order they run ---- */

static const struct probe {
	const char *name;
	int (*fn)(struct pair *, char *, size_t);
} probes[] = {
	{ "oob", p_oob },
	{ "oobinline", p_oobinline },
	{ "rcvlowat", p_rcvlowat },
	{ "rcvlowat_listen", p_rcvlowat_listen },
	{ "trunc", p_trunc },
	{ "eagain", p_eagain },
	{ "close_unread", p_close_unread },
	{ "fionread", p_fionread },
	{ "outq", p_outq },
	{ "peek", p_peek },
	{ "waitall", p_waitall },
	{ "rcvtimeo", p_rcvtimeo },
	{ "rdhup", p_rdhup },
	{ "shut_wr", p_shut_wr },
	{ "shut_rd", p_shut_rd },
	{ "linger0", p_linger0 },
	{ "so_error", p_so_error },
	{ "blocking", p_blocking },
	{ "nonblocking", p_nonblocking },
	{ "poll", p_poll },
	{ "select", p_select },
	{ "epoll_lt", p_epoll_lt },
	{ "epoll_et", p_epoll_et },
	{ "keepalive", p_keepalive },
	{ "cork", p_cork },
	{ "msg_more", p_msg_more },
	{ "nodelay", p_nodelay },
	{ "sendfile", p_sendfile },
	{ "splice", p_splice },
	{ "mmsg", p_mmsg },
	{ "tcp_info", p_tcp_info },
	{ "scm_rights", p_scm_rights },
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/* Run one probe in a child; its line on stdout.  0 when it printed one. */
static int run(const struct probe *pr)
{
	int fds[2], st = 0;
	char line[512];
	ssize_t n = 0, r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char res[320] = "";
		struct pair p;
		int err;

		close(fds[0]);
		alarm(PROBE_ALARM);
		g_lowat_listen = pr->fn == p_rcvlowat_listen;
		err = pair_open(&p);
		if (!err)
			err = pr->fn(&p, res, sizeof(res));
		if (err)
			snprintf(res, sizeof(res), "setup-failed:%s", ename(-err));
		if (g_segs < 0)
			note_segs(&p);
		pair_close(&p);
		n = snprintf(line, sizeof(line), "probe %s result %s segs %ld info %s\n", pr->name,
			     res, g_segs, g_info[0] ? g_info : "-");
		_exit(write(fds[1], line, n) == n ? 0 : 1);
	}
	close(fds[1]);
	while (pid > 0 && n < (ssize_t)sizeof(line) - 1 &&
	       (r = read(fds[0], line + n, sizeof(line) - 1 - n)) > 0)
		n += r;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) || !n) {
		printf("probe %s result died:%s segs -1 info -\n", pr->name,
		       pid > 0 && WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no-line");
		return 1;
	}
	line[n] = 0;
	fputs(line, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int i, fails = 0, any = 0;
	size_t k;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-6")) {
			g_v6 = 1;
		} else if (!strcmp(argv[i], "-l")) {
			for (k = 0; k < NPROBES; k++)
				puts(probes[k].name);
			return 0;
		} else {
			fprintf(stderr, "usage: semantics [-6] [PROBE...] | semantics -l\n");
			return 2;
		}
	}
	for (; i < argc; i++, any = 1) {
		for (k = 0; k < NPROBES && strcmp(probes[k].name, argv[i]); k++)
			;
		if (k == NPROBES) {
			fprintf(stderr, "semantics: no probe '%s' (semantics -l lists them)\n", argv[i]);
			return 2;
		}
		fails += run(&probes[k]);
	}
	if (!any)
		for (k = 0; k < NPROBES; k++)
			fails += run(&probes[k]);
	return fails ? 1 : 0;
}
