// SPDX-License-Identifier: GPL-2.0
/*
 * init: PID 1 of the boot test's initramfs, whose only other program is
 * /bin/sockaccel (build/sockaccel-static).  Static, musl.
 *
 * It mounts proc, sysfs and cgroup2 (never bpffs: `sockaccel install` must
 * mount that itself), brings lo up, moves data over 127.0.0.1 through the
 * stack, installs sockaccel with no options (its defaults must serve on a
 * bare system), moves data again and checks it was redirected, runs status
 * and remove, and moves data once more.  Each check prints
 *   SA-BOOT ok N - what          or     SA-BOOT not ok N - what
 * and the run ends with one line that tests/boot/boot.t looks for:
 *   SOCKACCEL-BOOT-RESULT: PASS ...   or   SOCKACCEL-BOOT-RESULT: FAIL ...
 * then the machine powers off (reboot(RB_POWER_OFF)).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SOCKACCEL "/bin/sockaccel"
#define BPFFS "/sys/fs/bpf"
#define PIN_DIR BPFFS "/sockaccel"	/* sockaccel's default */
#define CGROUP2 "/sys/fs/cgroup"
#define BPF_FS_MAGIC 0xcafe4a11		/* <linux/magic.h> */
#define MIB (1u << 20)

static int n_checks, n_failed;

/* One line, one write(): kernel messages on the console cannot split it. */
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0) {
		/* nothing to report it on */
	}
}

static int check(int cond, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	n_checks++;
	if (!cond)
		n_failed++;
	say("SA-BOOT %sok %d - %s", cond ? "" : "not ", n_checks, what);
	return cond;
}

/* ---- the system: console, file systems, loopback ---- */

static void console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	/* No /dev/console in the archive: the kernel gave us no fds. */
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static int mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
		return 0;
	say("SA-BOOT mount %s on %s: %s", type, dir, strerror(errno));
	return -1;
}

static int is_bpffs(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == BPF_FS_MAGIC;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* lo is down in a fresh kernel; up, it gets 127.0.0.1/8 by itself.  An
 * Ethernet MTU makes a transfer through the stack thousands of segments. */
static int loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0) {
			ifr.ifr_mtu = 1500;
			ret = ioctl(fd, SIOCSIFMTU, &ifr);
		}
	}
	close(fd);
	return ret;
}

/* Tcp: OutSegs from /proc/net/snmp (found by its header name), or -1. */
static long long tcp_outsegs(void)
{
	char buf[8192], *hdr, *val, *hs, *vs, *h, *v;
	ssize_t n;
	int fd = open("/proc/net/snmp", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	hdr = strstr(buf, "\nTcp: ");
	if (!hdr)
		return -1;
	val = strstr(hdr + 1, "\nTcp: ");
	if (!val)
		return -1;
	*strchrnul(hdr + 1, '\n') = '\0';
	*strchrnul(val + 1, '\n') = '\0';
	for (h = strtok_r(hdr + 1, " ", &hs), v = strtok_r(val + 1, " ", &vs); h && v;
	     h = strtok_r(NULL, " ", &hs), v = strtok_r(NULL, " ", &vs))
		if (!strcmp(h, "OutSegs"))
			return strtoll(v, NULL, 10);
	return -1;
}

/* ---- running sockaccel ---- */

/* Run sockaccel ARGS; its stdout and stderr go to out (and, prefixed, to the
 * console).  Returns its exit status, or -1 if it did not exit. */
static int sockaccel(char *out, size_t outlen, const char *const *args)
{
	char *argv[8] = { "sockaccel" };
	size_t len = 0, i;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(SOCKACCEL, argv);
		dprintf(2, "exec %s: %s\n", SOCKACCEL, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && len + 1 < outlen &&
	       (n = read(p[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	for (char *line = out, *end; *line; line = end) {
		end = strchrnul(line, '\n');
		say("| %.*s", (int)(end - line), line);
		if (*end)
			end++;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A number from the one-line JSON of `status --json`, or -1. */
static long long json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p || p[strlen(pat)] < '0' || p[strlen(pat)] > '9')
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

/* ---- traffic: seeded streams both ways, checked byte for byte ---- */

struct gen {
	uint64_t state;
};

static uint64_t gen_next(struct gen *g)	/* splitmix64 */
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Byte i of stream `seed` is byte i % 8 of word i / 8. */
static uint8_t stream_byte(uint64_t seed, uint64_t i, uint64_t *word, uint64_t *word_idx)
{
	if (*word_idx != i / 8) {
		struct gen g = { seed * 0x9e3779b97f4a7c15ull + i / 8 };

		*word = gen_next(&g);
		*word_idx = i / 8;
	}
	return (uint8_t)(*word >> (8 * (i % 8)));
}

struct stream {
	uint64_t seed, pos, word, word_idx, fnv;
	uint64_t first_bad;	/* ~0: none */
};

static void stream_init(struct stream *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->word_idx = ~0ull;
	s->fnv = 0xcbf29ce484222325ull;
	s->first_bad = ~0ull;
}

/* Fill (to send) or check (received) n bytes; FNV-1a over them either way. */
static void stream_step(struct stream *s, uint8_t *buf, size_t n, int fill)
{
	for (size_t i = 0; i < n; i++, s->pos++) {
		uint8_t want = stream_byte(s->seed, s->pos, &s->word, &s->word_idx);

		if (fill)
			buf[i] = want;
		else if (buf[i] != want && s->first_bad == ~0ull)
			s->first_bad = s->pos;
		s->fnv = (s->fnv ^ buf[i]) * 0x100000001b3ull;
	}
}

static int send_stream(int fd, uint64_t seed, uint64_t total, uint64_t *fnv)
{
	static uint8_t buf[65536];
	struct stream s;
	struct gen sizes = { seed ^ 0x5a5a };

	stream_init(&s, seed);
	while (s.pos < total) {
		/* writes of 1 byte to 64 KiB: sk_msg sees every size */
		size_t n = (size_t)(gen_next(&sizes) % sizeof(buf)) + 1, off = 0;

		if (n > total - s.pos)
			n = (size_t)(total - s.pos);
		stream_step(&s, buf, n, 1);
		while (off < n) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w <= 0)
				return -1;
			off += (size_t)w;
		}
	}
	*fnv = s.fnv;
	return 0;
}

/* 0: every byte arrived, in order; else -1 with *bad its position. */
static int recv_stream(int fd, uint64_t seed, uint64_t total, uint64_t *fnv, uint64_t *bad)
{
	static uint8_t buf[65536];
	struct stream s;

	stream_init(&s, seed);
	while (s.pos < total) {
		size_t want = total - s.pos < sizeof(buf) ? (size_t)(total - s.pos) : sizeof(buf);
		ssize_t r = read(fd, buf, want);

		if (r <= 0)
			break;
		stream_step(&s, buf, (size_t)r, 0);
	}
	*fnv = s.fnv;
	*bad = s.first_bad != ~0ull ? s.first_bad : s.pos;
	return s.pos == total && s.first_bad == ~0ull ? 0 : -1;
}

struct xfer_result {
	int intact;		/* both directions: every byte, in order */
	long long outsegs;	/* Tcp OutSegs during the data phase */
	uint64_t c2s_sent, c2s_recv;	/* FNV-1a 64 of client->server, each end */
	uint64_t s2c;			/* server->client, checked by the client */
	double seconds;
};

static void timeouts(int fd)
{
	struct timeval tv = { 60, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The server: a child process (in the same cgroup, like the client).  It
 * reports what it received on a pipe: "ok|bad <fnv> <first bad byte>". */
static void serve(int lfd, int report, uint64_t seed, uint64_t bytes)
{
	uint64_t fnv = 0, bad = 0, sent;
	char line[96];
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), r = -1;

	alarm(120);
	if (fd >= 0) {
		timeouts(fd);
		r = recv_stream(fd, seed, bytes, &fnv, &bad);
		if (r == 0)
			r = send_stream(fd, seed + 1, bytes, &sent);
	}
	snprintf(line, sizeof(line), "%s %016llx %llu\n", r == 0 ? "ok" : "bad",
		 (unsigned long long)fnv, (unsigned long long)bad);
	if (write(report, line, strlen(line)) < 0)
		_exit(2);
	if (fd >= 0) {
		/* Wait for the client to close first: a close here would
		 * count our FIN in the client's data phase. */
		while (read(fd, line, sizeof(line)) > 0)
			;
	}
	_exit(r == 0 ? 0 : 1);
}

/* Move `bytes` each way over one connection to 127.0.0.1.  `while_open`,
 * if set, runs once the data has moved and before the connection closes. */
static void transfer(uint64_t seed, uint64_t bytes, struct xfer_result *res,
		     void (*while_open)(void))
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char line[96] = "";
	uint64_t bad = 0, srv_fnv = 0;
	long long before;
	int lfd, fd = -1, p[2] = { -1, -1 }, status = 0;
	pid_t pid = -1;

	memset(res, 0, sizeof(*res));
	res->outsegs = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) || pipe2(p, O_CLOEXEC)) {
		say("SA-BOOT transfer: listen on 127.0.0.1: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0)
		serve(lfd, p[1], seed, bytes);
	close(p[1]);
	p[1] = -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (pid < 0 || fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		say("SA-BOOT transfer: connect to 127.0.0.1:%u: %s", ntohs(a.sin_port),
		    strerror(errno));
		goto out;
	}
	timeouts(fd);
	before = tcp_outsegs();
	res->seconds = now();
	if (send_stream(fd, seed, bytes, &res->c2s_sent) ||
	    recv_stream(fd, seed + 1, bytes, &res->s2c, &bad)) {
		say("SA-BOOT transfer: client: %s at byte %llu", strerror(errno),
		    (unsigned long long)bad);
		goto out;
	}
	res->seconds = now() - res->seconds;
	if (read(p[0], line, sizeof(line) - 1) > 0 && !strncmp(line, "ok ", 3)) {
		srv_fnv = strtoull(line + 3, NULL, 16);
		res->intact = 1;
	} else {
		say("SA-BOOT transfer: server: %s", line[0] ? line : "no report");
	}
	res->c2s_recv = srv_fnv;
	if (while_open)
		while_open();
	res->outsegs = before < 0 ? -1 : tcp_outsegs() - before;
out:
	if (fd >= 0)
		close(fd);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			WEXITSTATUS(status)))
		res->intact = 0;
	if (lfd >= 0)
		close(lfd);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

static void check_transfer(const char *what, uint64_t bytes, const struct xfer_result *r)
{
	say("SA-BOOT %s: %llu MiB each way in %.2f s, c2s %016llx/%016llx, OutSegs %lld",
	    what, (unsigned long long)(bytes / MIB), r->seconds,
	    (unsigned long long)r->c2s_sent, (unsigned long long)r->c2s_recv, r->outsegs);
	check(r->intact && r->c2s_sent == r->c2s_recv,
	      "%s: %llu MiB each way over 127.0.0.1, every byte intact and in order (FNV-1a %016llx)",
	      what, (unsigned long long)(bytes / MIB), (unsigned long long)r->c2s_recv);
}

/* ---- the test ---- */

static char status_out[4096];
static int status_rc = -1;

static void status_while_open(void)
{
	static const char *const args[] = { "status", "--json", NULL };

	status_rc = sockaccel(status_out, sizeof(status_out), args);
}

int main(void)
{
	static const char *const install[] = { "install", NULL };
	static const char *const status_json[] = { "status", "--json", NULL };
	static const char *const status_text[] = { "status", NULL };
	static const char *const remove_args[] = { "remove", NULL };
	const uint64_t bytes = 4 * MIB;
	char out[4096], js[4096];
	struct xfer_result plain, accel, after;
	struct utsname u;
	long long redirected = -1, rbytes = -1;
	int rc;

	console();
	signal(SIGPIPE, SIG_IGN);
	uname(&u);
	/* The newline ends whatever the firmware left on the line. */
	say("\nSA-BOOT init: kernel %s %s", u.release, u.version);
	check(mount_fs("proc", "/proc") == 0 && mount_fs("sysfs", "/sys") == 0 &&
	      mount_fs("cgroup2", CGROUP2) == 0, "mounted proc, sysfs, cgroup2 on " CGROUP2);
	check(loopback_up() == 0, "lo up, 127.0.0.1, MTU 1500");

	transfer(1, bytes, &plain, NULL);
	check_transfer("before install", bytes, &plain);
	check(plain.outsegs > 1000, "before install: the data crossed TCP (%lld segments)",
	      plain.outsegs);

	check(is_dir(BPFFS) && !is_bpffs(BPFFS), BPFFS " exists (sysfs) and is not bpffs yet");
	rc = sockaccel(out, sizeof(out), install);
	check(rc == 0 && strstr(out, "installed on cgroup " CGROUP2 " "),
	      "sockaccel install (no options) exits 0 and installs on " CGROUP2 " (rc %d)", rc);
	check(is_bpffs(BPFFS), "sockaccel install mounted bpffs on " BPFFS);
	check(is_dir(PIN_DIR), "pins in " PIN_DIR);

	transfer(3, bytes, &accel, status_while_open);
	check_transfer("accelerated", bytes, &accel);
	check(accel.outsegs >= 0 && accel.outsegs < 50,
	      "accelerated: the data bypassed TCP (%lld segments)", accel.outsegs);
	check(status_rc == 0 && json_num(status_out, "sockets") == 2,
	      "status --json while connected: both sockets in the sockhash");

	rc = sockaccel(js, sizeof(js), status_json);
	redirected = json_num(js, "msgs_redirected");
	rbytes = json_num(js, "bytes_redirected");
	check(rc == 0 && strstr(js, "\"installed\":true"), "status --json: installed");
	check(redirected > 0, "counters: %lld messages redirected", redirected);
	check(rbytes >= (long long)(2 * bytes),
	      "counters: %lld bytes redirected (both directions: %llu)", rbytes,
	      (unsigned long long)(2 * bytes));
	check(json_num(js, "sockets_added") == 2, "counters: sockets_added = 2");
	check(json_num(js, "sockets") == 0, "closed sockets left the sockhash");

	rc = sockaccel(out, sizeof(out), status_text);
	check(rc == 0 && strstr(out, "installed: yes"), "sockaccel status exits 0: installed: yes");
	rc = sockaccel(out, sizeof(out), remove_args);
	check(rc == 0 && strstr(out, "removed from cgroup " CGROUP2), "sockaccel remove exits 0");
	check(!is_dir(PIN_DIR), "remove deleted " PIN_DIR);

	transfer(5, MIB, &after, NULL);
	check_transfer("after remove", MIB, &after);
	check(after.outsegs > 250, "after remove: the data crossed TCP again (%lld segments)",
	      after.outsegs);

	if (n_failed)
		say("SOCKACCEL-BOOT-RESULT: FAIL: %d of %d checks failed on kernel %s",
		    n_failed, n_checks, u.release);
	else
		say("SOCKACCEL-BOOT-RESULT: PASS: %d checks on kernel %s; OutSegs %lld plain, %lld accelerated; %lld msgs, %lld bytes redirected",
		    n_checks, u.release, plain.outsegs, accel.outsegs, redirected, rbytes);
	sync();
	reboot(RB_POWER_OFF);
	say("SA-BOOT init: power off: %s", strerror(errno));
	return 1;	/* PID 1 exits: panic, and panic=-1 restarts: qemu -no-reboot stops */
}
