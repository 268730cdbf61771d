// SPDX-License-Identifier: GPL-2.0
/*
 * run.c: the agent (systemd's Type=simple service, a DaemonSet's pod).
 * It installs, or adopts an install that matches; then, in one poll()
 * loop, checks every second that its pins are there and its programs
 * attached (repairing and saying so when not), and answers metrics
 * requests; on SIGTERM or SIGINT it removes what it runs, unless --keep.
 * One line on stderr per change of state.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/prom.h"
#include "cli/cli.h"
#include "cli/httpd.h"
#include "load/load.h"
#include "load/probe.h"
#include "sys/bpf.h"
#include "sys/caps.h"
#include "sys/fs.h"

#define CHECK_MS	1000	/* how often the install is checked */
#define STATUS_MS	200	/* metrics requests share a status read this fresh */

/* The small fields first, the large ones last: through a pointer, a field
 * within 128 bytes of the start takes a 1-byte displacement, not 4. */
struct agent {
	struct sa_args *a;
	/* What we run, held open: if its pins are deleted, these still
	 * name the programs to detach.  The first four are pins (pinned[]). */
	union {
		int fd[5];
		struct { int ops, msg, hash, opt, cg; };
	};
	union {
		uint32_t id[3];		/* of ops, msg and opt */
		struct { uint32_t ops_id, msg_id, opt_id; };
	};
	int link;		/* read_link: 0 none, 1 pinned, 2 found missing once */
	int broken;		/* the last check found a fault (said once) */
	int metrics_failed;	/* the last status read failed (said once) */
	uint64_t st_time;
	struct sa_prom_agent prom;
	struct sa_accel_opts o;
	struct sa_httpd http;
	char cgroup[PATH_MAX];
	struct sa_status st;
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	static char line[PATH_MAX + 256];
	va_list ap;

	/* One write per line: the journal never sees half of one. */
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sockaccel: run: %s\n", line);
}

static uint32_t id_of(int fd)
{
	struct bpf_prog_info info;

	return fd >= 0 && !sa_prog_info(fd, &info, NULL) ? info.id : 0;
}

static int pin_open(const struct agent *g, const char *name)
{
	char path[PATH_MAX];

	return sa_path(path, sizeof(path), g->o.pin_dir, name) ?: sys_obj_get(path);
}

static const char *const pinned[] = { SA_PROG_SOCKOPS, SA_PROG_SKMSG, SA_MAP_SOCKHASH, SA_PROG_SOCKOPT };

static void release(struct agent *g)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		if (g->fd[i] >= 0)
			close(g->fd[i]);
		g->fd[i] = -1;
	}
	g->ops_id = g->msg_id = g->opt_id = 0;
}

/* Hold what the pins name now. */
static void grab(struct agent *g)
{
	size_t i;
	int fd;

	release(g);
	for (i = 0; i < 4; i++)
		g->fd[i] = pin_open(g, pinned[i]);
	g->cg = open(g->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g->ops_id = id_of(g->ops);
	g->msg_id = id_of(g->msg);
	g->opt_id = id_of(g->opt);
	/* Whether the install made a read link, for fault() to watch.  Not
	 * held open: the pin is what keeps it attached for every process. */
	fd = pin_open(g, sa_items[SA_READ_LINK].name);
	g->link = fd >= 0;
	close(fd);
}

/* Detach what we hold, wherever its pins went (not attached: fine). */
static void detach_held(struct agent *g)
{
	if (g->ops >= 0 && g->cg >= 0)
		sys_prog_detach(g->ops, g->cg, BPF_CGROUP_SOCK_OPS);
	if (g->opt >= 0 && g->cg >= 0)
		sys_prog_detach(g->opt, g->cg, BPF_CGROUP_SETSOCKOPT);
	if (g->msg >= 0 && g->hash >= 0)
		sys_prog_detach(g->msg, g->hash, BPF_SK_MSG_VERDICT);
}

/*
 * The fault, in words, or NULL when all is well.  Costs a stat per pin,
 * two BPF_OBJ_GET and three BPF_PROG_QUERY: nothing grows with the sockets.
 */
static const char *fault(struct agent *g, char *why, size_t len)
{
	static char path[PATH_MAX];
	struct stat st;
	int i, fd, other;

	/* Every pin an install leaves; and the read link where it made one:
	 * without it no read is counted, and writers moved to the stack for
	 * backpressure never come back (status calls that partial).  Missing
	 * once, it may be a replace by another sockaccel, which unlinks it
	 * before its own pins are renamed in (install.c read_link()), and the
	 * adoption below follows a moment later; missing twice is a fault. */
	for (i = 0; i < SA_UNREAD + !!g->link; i++) {
		if (sa_path(path, sizeof(path), g->o.pin_dir,
			    sa_items[i < SA_UNREAD ? i : SA_READ_LINK].name) ||
		    lstat(path, &st) < 0) {
			if (i == SA_UNREAD && g->link++ < 2)
				break;
			snprintf(why, len, "pin %s is gone (deleted behind our back)", path);
			return why;
		}
	}
	/* Pins there, but not the programs we hold: another sockaccel
	 * replaced the install (an agent beside us during an upgrade).  A
	 * working install is adopted, not fought over. */
	for (i = other = 0; i < 2; i++) {
		fd = pin_open(g, pinned[i]);
		other |= id_of(fd) != g->id[i];
		if (fd >= 0)
			close(fd);
	}
	if (other) {
		grab(g);
		say("the install in %s was replaced by another sockaccel (programs %u, %u); adopting it",
		    g->o.pin_dir, g->ops_id, g->msg_id);
	}
	/* The first program not attached where the install put it. */
	i = g->cg < 0 || sa_attached(g->cg, BPF_CGROUP_SOCK_OPS, g->ops_id) == 0 ? 0 :
	    sa_attached(g->cg, BPF_CGROUP_SETSOCKOPT, g->opt_id) == 0 ? 2 :
	    sa_attached(g->hash, BPF_SK_MSG_VERDICT, g->msg_id) == 0 ? 1 : -1;
	if (i < 0)
		return NULL;
	snprintf(why, len, "program %s is not attached to %s %s (detached behind our back)",
		 i == 0 ? SA_PROG_SOCKOPS : i == 2 ? SA_PROG_SOCKOPT : SA_PROG_SKMSG, i == 1 ? "map" : "cgroup",
		 i == 1 ? SA_MAP_SOCKHASH : g->cgroup);
	return why;
}

static const char *result_words(enum sa_result r)
{
	return r == SA_UNCHANGED ? "adopted the install" :
	       r == SA_REPAIRED ? "cleaned up an incomplete install; installed" : "installed";
}

/*
 * Install, adopt an install of the same programs and ports (the version
 * record says which object installed it), or replace another version's
 * programs in place (install --replace: no gap; maps kept when they fit).
 */
static int install(struct agent *g)
{
	enum sa_result res;
	int err;

	g->a->ctx.err_set = 0;
	g->o.replace = 1;
	err = sa_install(&g->a->ctx, &g->o, &res, g->cgroup);
	if (!err && res == SA_REPLACED)
		say("the install on cgroup %s has other programs or maps than this sockaccel's; replacing it",
		    g->cgroup);
	sa_warnings(g->a);	/* the agent keeps one context for its whole life */
	if (err < 0)
		return err;
	grab(g);
	say("%s on cgroup %s (pins in %s; programs %u, %u)", result_words(res), g->cgroup,
	    g->o.pin_dir, g->ops_id, g->msg_id);
	return 0;
}

/* Something undid part of the install: take away what is left of it
 * (the programs we hold, whatever pins remain), install again. */
static void repair(struct agent *g, const char *why)
{
	enum sa_result res;
	int err;

	if (!g->broken)
		say("%s; reinstalling", why);
	detach_held(g);
	release(g);
	g->a->ctx.err_set = 0;
	err = sa_remove(&g->a->ctx, &g->o, &res);
	if (!err)
		err = install(g);
	if (err) {
		if (!g->broken)
			say("reinstall failed: %s; trying again every %d s",
			    g->a->ctx.err_set ? g->a->ctx.err : strerror(-err), CHECK_MS / 1000);
		g->broken = 1;
		return;
	}
	g->broken = 0;
	g->prom.repairs++;
}

static char *metrics_body(void *arg, size_t *len)
{
	struct agent *g = arg;
	uint64_t now = sa_now_ms();
	char *buf;
	size_t n;

	if (!g->st_time || now - g->st_time >= STATUS_MS) {
		int err;

		g->a->ctx.err_set = 0;
		g->a->ctx.warn_len = 0;
		g->a->ctx.warn[0] = '\0';
		err = sa_status_read(&g->a->ctx, g->o.pin_dir, &g->st, 0);
		g->st_time = now;
		/* Counters it could not read are not zeros (a warning of
		 * status): answer 500, and the probe that reads this says
		 * "not ready". */
		if (err || g->a->ctx.warn_len) {
			g->st_time = 0;
			if (!g->metrics_failed)
				say("metrics: %s", err ? g->a->ctx.err : g->a->ctx.warn);
			g->metrics_failed = 1;
			return NULL;
		}
		g->metrics_failed = 0;
	}
	g->prom.scrapes++;
	n = sa_prom_format(NULL, 0, &g->st, &g->prom);
	buf = malloc(n + 1);
	if (buf)
		*len = sa_prom_format(buf, n + 1, &g->st, &g->prom);
	return buf;
}

static int stop(struct agent *g, int sig)
{
	enum sa_result res;
	int err;

	say("%s received", sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (g->a->keep) {
		release(g);
		say("kept the install on cgroup %s (--keep): the next 'sockaccel run' adopts it, 'sockaccel remove' removes it",
		    g->cgroup);
		return 0;
	}
	/* Programs of ours that lost their pins first: remove finds the rest. */
	detach_held(g);
	release(g);
	g->a->ctx.err_set = 0;
	err = sa_remove(&g->a->ctx, &g->o, &res);
	if (err)
		return sa_report(g->a);
	say("removed from cgroup %s; pins in %s deleted", g->cgroup, g->o.pin_dir);
	return 0;
}

int cmd_run(struct sa_args *a)
{
	/* Static: its fields are reached RIP-relative; on the stack, above the
	 * buffers, each took an rsp-relative 4-byte displacement (-130 B). */
	static struct agent g;
	struct signalfd_siginfo si = { .ssi_signo = 0 };
	struct pollfd p[2] = { { .fd = -1 } };
	static char why[PATH_MAX + 128];
	uint64_t now, next;
	static struct bo_object obj;
	uint64_t sigs;
	int ret, timeout;

	g.a = a;
	g.ops = g.msg = g.hash = g.opt = g.cg = -1;
	g.http.lfd = g.http.cfd = -1;
	if (sa_check_caps(&a->ctx, "run") || sa_probe_install(&a->ctx))
		return sa_report(a);
	ret = sa_accel_opts_from_args(a, &g.o, &obj);
	if (ret)
		return ret;
	/* The metrics address first: a mistake there changes nothing. */
	if (a->metrics && sa_httpd_open(&a->ctx, &g.http, a->metrics, a->metrics_any,
					metrics_body, &g)) {
		ret = sa_report(a);
		goto out;
	}
	/* SIGTERM and SIGINT arrive as reads from a signalfd, polled with the
	 * rest: no handler, nothing lost between a check and the wait.  The
	 * system calls with the kernel's 8-byte mask: musl's sigset_t
	 * functions cost the static binary 250 bytes. */
	sigs = 1ull << (SIGTERM - 1) | 1ull << (SIGINT - 1);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &sigs, NULL, sizeof(sigs));
	p[0].fd = (int)syscall(SYS_signalfd4, -1, &sigs, sizeof(sigs), SFD_CLOEXEC);
	p[0].events = POLLIN;
	if (p[0].fd < 0) {
		sa_fail(&a->ctx, -errno, "signalfd");
		ret = sa_report(a);
		goto out;
	}
	if (install(&g)) {
		ret = sa_report(a);
		goto out;
	}
	if (a->metrics)
		say("metrics on http://%s/metrics", a->metrics);
	next = sa_now_ms();	/* check at once: an adopted install may lack a piece */
	for (;;) {
		now = sa_now_ms();
		if (now >= next) {
			const char *f = fault(&g, why, sizeof(why));

			if (f)
				repair(&g, f);
			next = now + CHECK_MS;
		}
		timeout = (int)(next - now);
		sa_httpd_poll(&g.http, &p[1], now, &timeout);
		if (poll(p, 2, timeout) < 0)
			p[0].revents = p[1].revents = 0;
		if ((p[0].revents & POLLIN) && read(p[0].fd, &si, sizeof(si)) == sizeof(si))
			break;
		sa_httpd_step(&g.http, p[1].revents, sa_now_ms());
	}
	ret = stop(&g, (int)si.ssi_signo);
out:
	if (p[0].fd >= 0)
		close(p[0].fd);
	release(&g);
	sa_httpd_close(&g.http);
	bo_object_free(&obj);
	return ret;
}
