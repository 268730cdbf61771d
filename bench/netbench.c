// SPDX-License-Identifier: GPL-2.0
/*
 * netbench: one local connection, measured: request/response latency or
 * one-way streaming throughput, over TCP (IPv4, IPv6) or a Unix stream
 * socket pair, with client and server threads pinned to chosen CPUs.
 *
 *   netbench -m rr|stream -f tcp4|tcp6|unix -s SIZE [-t SECS] [-W SECS]
 *            [-c CPU] [-S CPU] [-n] [-p] [-r READSIZE] [-q MAXWAIT] [-R RETRIES]
 *            [-D PCT]
 *   netbench -m quiet [-q MAXWAIT] [-D PCT]
 *
 *   rr      the client writes SIZE bytes, the server reads them all and
 *           writes SIZE bytes back; one transaction in flight (TCP_NODELAY
 *           on both ends, as every RPC stack sets it: without it a 64 KiB
 *           message that spans two segments waits for a delayed ACK)
 *   stream  the client writes SIZE bytes per write(), the server reads with
 *           READSIZE (default 128 KiB, iperf3's default); Nagle stays on
 *           unless -n, as in a program that never touched the option
 *   -t      measured seconds (default 1), after -W seconds of warm-up (0.2)
 *   -c, -S  CPU of the client and of the server thread (-1: not pinned)
 *   -p      rr: both ends spin on non-blocking reads instead of sleeping,
 *           so a round trip no longer includes waking a thread (and, in a
 *           VM, an idle virtual CPU): what is left is the path itself
 *   quiet   only wait for an idle machine (as before each run) and print
 *           waited= quiet= busy= (busy: % of one CPU in the last sample)
 *
 * Other load on the machine spoils a measurement, so each run first waits
 * (up to -q seconds, default 10) until the CPUs are idle, and afterwards
 * compares the CPU time the whole machine spent during the measurement
 * (/proc/stat) with the CPU time of this process's threads: more than -D
 * percent of one CPU (default 10) spent by anything else, or stolen by the
 * hypervisor, marks the run disturbed and it is repeated, up to -R times
 * (default 2).  The least disturbed attempt is reported.  The accounting
 * is by tick (CONFIG_TICK_CPU_ACCOUNTING without IRQ_TIME_ACCOUNTING: the
 * softirq work of loopback TCP is charged to the thread it interrupts, so it
 * counts as ours), so a few percent either way is noise.
 *
 * One line on stdout, key=value, rates over the measured window only:
 *   tps mean_us p50_us p99_us p999_us (rr), mbps (MB/s of payload, 10^6),
 *   writes, outsegs (Tcp: OutSegs of this network namespace), cpu_c cpu_s
 *   (CPU use of each thread, %), cs_c cs_s (context switches per thread),
 *   waited (s), quiet (0: gave up waiting), foreign (% of one CPU), steal,
 *   attempts, disturbed.
 * Exit 0 when the run completed; 1 on a socket error; 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../tests/tools/common.h"

#define MAX_SAMPLES	(4u << 20)

enum { RR, STREAM, QUIET };
enum { PH_WARM, PH_MEASURE, PH_STOP };

static int g_mode = RR, g_fam = 4, g_nodelay, g_spin, g_cpu_c = -1, g_cpu_s = -1;
static size_t g_size = 64, g_rsize = 128 << 10;
static double g_secs = 1.0, g_warm = 0.2, g_maxwait = 10, g_dthresh = 10;
static int g_retries = 2;

/* State of one attempt, shared by the threads. */
static volatile int g_phase;
static uint64_t g_tx, g_rx, g_writes;	/* __atomic, relaxed */
static uint32_t *g_lat;
static uint64_t g_nlat, g_lat_sum;
static int g_err;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "netbench: %s: %s\n", what, strerror(err));
	__atomic_store_n(&g_err, err, __ATOMIC_RELAXED);
	g_phase = PH_STOP;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		fail("pin to CPU", EINVAL);
}

/* Write all of buf; 0, or -1 at EOF/error (reported). */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("send", errno);
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; 1 on clean EOF before the first byte. */
static int read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, g_spin ? MSG_DONTWAIT : 0);

		if (n < 0 && errno == EAGAIN && g_spin) {
			if (g_phase == PH_STOP)	/* the peer may be gone */
				return 1;
			continue;
		}
		if (n == 0) {
			if (got == 0)
				return 1;
			fail("recv", ECONNRESET);
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("recv", errno);
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

struct end {
	int fd, cpu, is_server;
	pthread_t th;
	clockid_t clk;
	pid_t tid;
};

static void *rr_client(void *arg)
{
	struct end *e = arg;
	char *buf = calloc(1, g_size);

	pin(e->cpu);
	e->tid = gettid();
	while (buf && g_phase != PH_STOP) {
		uint64_t t0 = now_ns(), d;
		int measuring = g_phase == PH_MEASURE;

		if (write_all(e->fd, buf, g_size) || read_all(e->fd, buf, g_size))
			break;
		if (!measuring)
			continue;
		d = now_ns() - t0;
		if (g_nlat < MAX_SAMPLES)
			g_lat[g_nlat++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
		g_lat_sum += d;
		__atomic_add_fetch(&g_tx, 1, __ATOMIC_RELAXED);
	}
	shutdown(e->fd, SHUT_WR);
	free(buf);
	return NULL;
}

static void *rr_server(void *arg)
{
	struct end *e = arg;
	char *buf = calloc(1, g_size);

	pin(e->cpu);
	e->tid = gettid();
	while (buf && read_all(e->fd, buf, g_size) == 0)
		if (write_all(e->fd, buf, g_size))
			break;
	free(buf);
	return NULL;
}

static void *st_client(void *arg)
{
	struct end *e = arg;
	char *buf = malloc(g_size);

	pin(e->cpu);
	e->tid = gettid();
	if (buf)
		memset(buf, 'x', g_size);
	while (buf && g_phase != PH_STOP) {
		if (write_all(e->fd, buf, g_size))
			break;
		__atomic_add_fetch(&g_tx, g_size, __ATOMIC_RELAXED);
		__atomic_add_fetch(&g_writes, 1, __ATOMIC_RELAXED);
	}
	shutdown(e->fd, SHUT_WR);
	free(buf);
	return NULL;
}

static void *st_server(void *arg)
{
	struct end *e = arg;
	char *buf = malloc(g_rsize);

	pin(e->cpu);
	e->tid = gettid();
	for (;;) {
		ssize_t n = buf ? recv(e->fd, buf, g_rsize, 0) : 0;

		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("recv", errno);
			break;
		}
		__atomic_add_fetch(&g_rx, (uint64_t)n, __ATOMIC_RELAXED);
	}
	free(buf);
	return NULL;
}

/* ---- the machine: /proc/stat, /proc/net/snmp, thread counters ---- */

struct cpustat {
	unsigned long long busy, steal, total;	/* USER_HZ ticks, all CPUs */
};

static void read_cpustat(struct cpustat *s)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	/* cpu  user nice system idle iowait irq softirq steal guest guest_nice */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]) >= 8) {
		/* guest time is already inside user time */
		s->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		s->steal = v[7];
		s->total = s->busy + v[3] + v[4];
	}
	fclose(f);
}


static double thread_cpu(const struct end *e)
{
	struct timespec t;

	if (clock_gettime(e->clk, &t))
		return 0;
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* voluntary + involuntary context switches of a thread of ours */
static unsigned long long ctx_switches(const struct end *e)
{
	char path[64], line[256];
	unsigned long long v, sum = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)e->tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
			sum += v;
	if (f)
		fclose(f);
	return sum;
}

static void sleep_s(double s)
{
	struct timespec t = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/*
 * Wait until the machine is idle: busy time over a 0.3 s sample below half
 * the disturbance threshold.  Returns the seconds waited; *quiet = 0 when it
 * gave up after g_maxwait.
 */
static double g_busy;	/* the last sample, % of one CPU */

static double wait_quiet(int *quiet)
{
	double t0 = now();
	long hz = sysconf(_SC_CLK_TCK);

	for (;;) {
		struct cpustat a, b;
		double t1, pct;

		read_cpustat(&a);
		t1 = now();
		sleep_s(0.3);
		read_cpustat(&b);
		pct = 100.0 * (double)(b.busy - a.busy) / (double)hz / (now() - t1);
		g_busy = pct;
		*quiet = pct < g_dthresh / 2;
		if (*quiet || now() - t0 >= g_maxwait)
			return now() - t0;
	}
}

/* ---- one attempt ---- */

struct result {
	double secs, tps, mean_us, p50_us, p99_us, p999_us, mbps;
	double cpu_c, cpu_s, foreign, steal;
	unsigned long long writes, outsegs, cs_c, cs_s;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(double p)
{
	uint64_t n = g_nlat < MAX_SAMPLES ? g_nlat : MAX_SAMPLES;

	if (!n)
		return 0;
	return g_lat[(uint64_t)(p * (double)(n - 1) + 0.5)] / 1000.0;
}

static int make_pair(int fd[2])
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, one = 1;

	if (g_fam == 'u')
		return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) ? -errno : 0;
	memset(&ss, 0, sizeof(ss));
	if (g_fam == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&ss, &sl))
		goto err;
	fd[0] = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd[0] < 0 || connect(fd[0], (struct sockaddr *)&ss, sl))
		goto err;
	fd[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd[1] < 0)
		goto err;
	close(lfd);
	if (g_mode == RR || g_nodelay) {
		setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return 0;
err:
	one = -errno;
	close(lfd);
	return one;
}

static int attempt(struct result *r)
{
	struct end ends[2] = { { .cpu = g_cpu_c }, { .cpu = g_cpu_s, .is_server = 1 } };
	void *(*fn[2])(void *) = { g_mode == RR ? rr_client : st_client,
				   g_mode == RR ? rr_server : st_server };
	struct cpustat c0, c1;
	unsigned long long segs0, cs0[2];
	uint64_t tx0, rx0, wr0, tx1, rx1, wr1;
	double t0, t1, cpu0[2], own;
	long hz = sysconf(_SC_CLK_TCK);
	int fd[2], err, i;

	g_phase = PH_WARM;
	g_tx = g_rx = g_writes = g_nlat = g_lat_sum = 0;
	err = make_pair(fd);
	if (err) {
		fail("connect", -err);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		ends[i].fd = fd[i];
		if (pthread_create(&ends[i].th, NULL, fn[i], &ends[i]) ||
		    pthread_getcpuclockid(ends[i].th, &ends[i].clk)) {
			fail("pthread_create", EAGAIN);
			exit(1);
		}
	}
	sleep_s(g_warm);

	for (i = 0; i < 2; i++) {
		cpu0[i] = thread_cpu(&ends[i]);
		cs0[i] = ctx_switches(&ends[i]);
	}
	read_cpustat(&c0);
	segs0 = tcp_outsegs();
	tx0 = __atomic_load_n(&g_tx, __ATOMIC_RELAXED);
	rx0 = __atomic_load_n(&g_rx, __ATOMIC_RELAXED);
	wr0 = __atomic_load_n(&g_writes, __ATOMIC_RELAXED);
	t0 = now();
	if (g_phase == PH_WARM)
		g_phase = PH_MEASURE;

	sleep_s(g_secs);

	tx1 = __atomic_load_n(&g_tx, __ATOMIC_RELAXED);
	rx1 = __atomic_load_n(&g_rx, __ATOMIC_RELAXED);
	wr1 = __atomic_load_n(&g_writes, __ATOMIC_RELAXED);
	t1 = now();
	r->outsegs = tcp_outsegs() - segs0;
	read_cpustat(&c1);
	r->cpu_c = thread_cpu(&ends[0]) - cpu0[0];
	r->cpu_s = thread_cpu(&ends[1]) - cpu0[1];
	r->cs_c = ctx_switches(&ends[0]) - cs0[0];
	r->cs_s = ctx_switches(&ends[1]) - cs0[1];
	/* only now: a thread that sees PH_STOP exits, and its counters with it */
	g_phase = PH_STOP;
	for (i = 0; i < 2; i++)
		pthread_join(ends[i].th, NULL);	/* the client stops, the server sees EOF */
	close(fd[0]);
	close(fd[1]);
	if (g_err)
		return 1;

	r->secs = t1 - t0;
	own = r->cpu_c + r->cpu_s;
	r->foreign = 100.0 * ((double)(c1.busy - c0.busy) / (double)hz - own) / r->secs;
	if (r->foreign < 0)
		r->foreign = 0;
	r->steal = 100.0 * (double)(c1.steal - c0.steal) / (double)hz / r->secs;
	r->cpu_c *= 100.0 / r->secs;
	r->cpu_s *= 100.0 / r->secs;
	if (g_mode == RR) {
		uint64_t n = g_nlat < MAX_SAMPLES ? g_nlat : MAX_SAMPLES;

		r->tps = (double)(tx1 - tx0) / r->secs;
		r->mean_us = g_nlat ? (double)g_lat_sum / (double)g_nlat / 1000.0 : 0;
		qsort(g_lat, n, sizeof(*g_lat), cmp_u32);
		r->p50_us = pct_us(0.50);
		r->p99_us = pct_us(0.99);
		r->p999_us = pct_us(0.999);
		r->mbps = r->tps * (double)g_size * 2 / 1e6;
		r->writes = 2 * (tx1 - tx0);
	} else {
		r->mbps = (double)(rx1 - rx0) / r->secs / 1e6;
		r->writes = wr1 - wr0;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: netbench -m rr|stream -f tcp4|tcp6|unix -s SIZE [-t SECS] [-W SECS]\n"
		"                [-c CPU] [-S CPU] [-n] [-p] [-r READSIZE] [-q MAXWAIT] [-R RETRIES] [-D PCT]\n"
		"       netbench -m quiet [-q MAXWAIT] [-D PCT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct result best = { 0 }, r = { 0 };
	double waited = 0;
	int opt, quiet = 1, tries, have = 0;

	while ((opt = getopt(argc, argv, "m:f:s:t:W:c:S:npr:q:R:D:")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "rr"))
				g_mode = RR;
			else if (!strcmp(optarg, "stream"))
				g_mode = STREAM;
			else if (!strcmp(optarg, "quiet"))
				g_mode = QUIET;
			else
				usage();
			break;
		case 'f':
			if (!strcmp(optarg, "tcp4"))
				g_fam = 4;
			else if (!strcmp(optarg, "tcp6"))
				g_fam = 6;
			else if (!strcmp(optarg, "unix"))
				g_fam = 'u';
			else
				usage();
			break;
		case 's': g_size = strtoul(optarg, NULL, 0); break;
		case 't': g_secs = atof(optarg); break;
		case 'W': g_warm = atof(optarg); break;
		case 'c': g_cpu_c = atoi(optarg); break;
		case 'S': g_cpu_s = atoi(optarg); break;
		case 'n': g_nodelay = 1; break;
		case 'p': g_spin = 1; break;
		case 'r': g_rsize = strtoul(optarg, NULL, 0); break;
		case 'q': g_maxwait = atof(optarg); break;
		case 'R': g_retries = atoi(optarg); break;
		case 'D': g_dthresh = atof(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || g_size < 1 || g_size > (64u << 20) || g_rsize < 1 ||
	    g_secs <= 0 || g_secs > 60 || g_warm < 0 || g_retries < 0)
		usage();
	if (g_mode == QUIET) {
		waited = wait_quiet(&quiet);
		printf("waited=%.1f quiet=%d busy=%.1f\n", waited, quiet, g_busy);
		return 0;
	}
	g_lat = malloc(MAX_SAMPLES * sizeof(*g_lat));
	if (!g_lat)
		return 1;
	signal(SIGPIPE, SIG_IGN);

	for (tries = 0; tries <= g_retries; tries++) {
		int q;

		if (g_maxwait > 0) {
			waited += wait_quiet(&q);
			quiet = quiet && q;
		}
		if (attempt(&r))
			return 1;
		if (!have || r.foreign + r.steal < best.foreign + best.steal)
			best = r;
		have = 1;
		if (r.foreign + r.steal <= g_dthresh)
			break;
	}
	r = best;
	printf("mode=%s%s fam=%s size=%zu secs=%.3f tps=%.0f mean_us=%.2f p50_us=%.2f "
	       "p99_us=%.2f p999_us=%.2f mbps=%.1f writes=%llu outsegs=%llu "
	       "cpu_c=%.0f cpu_s=%.0f cs_c=%llu cs_s=%llu waited=%.1f quiet=%d "
	       "foreign=%.1f steal=%.1f attempts=%d disturbed=%d\n",
	       g_mode == RR ? "rr" : "stream", g_spin ? " spin=1" : "",
	       g_fam == 4 ? "tcp4" : g_fam == 6 ? "tcp6" : "unix", g_size, r.secs,
	       r.tps, r.mean_us, r.p50_us, r.p99_us, r.p999_us, r.mbps, r.writes,
	       r.outsegs, r.cpu_c, r.cpu_s, r.cs_c, r.cs_s, waited, quiet,
	       r.foreign, r.steal, tries > g_retries ? tries : tries + 1,
	       r.foreign + r.steal > g_dthresh);
	return 0;
}
