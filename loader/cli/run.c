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

struct agent {
	struct sa_args *a;
	struct sa_accel_opts o;
	char cgroup[PATH_MAX];
	/* What we run, held open: if its pins are deleted, these still
	 * name the programs to detach. */
	int ops, msg, hash, cg;
	uint32_t ops_id, msg_id;
	int broken;		/* the last check found a fault (said once) */
	int metrics_failed;	/* the last status read failed (said once) */
	struct sa_status st;
	uint64_t st_time;
	struct sa_prom_agent prom;
	struct sa_httpd http;
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sockaccel: run: %s\n", line);
}

static uint32_t id_of(int fd)
{
	struct bpf_prog_info info;	/* id first, as in bpf_map_info */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return fd >= 0 && !sys_obj_get_info_by_fd(fd, &info, &len) ? info.id : 0;
}

static int pin_open(const struct agent *g, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", g->o.pin_dir, name);
	return sys_obj_get(path);
}

static void release(struct agent *g)
{
	int *fds[] = { &g->ops, &g->msg, &g->hash, &g->cg };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	g->ops_id = g->msg_id = 0;
}

/* Hold what the pins name now. */
static void grab(struct agent *g)
{
	release(g);
	g->ops = pin_open(g, SA_PROG_SOCKOPS);
	g->msg = pin_open(g, SA_PROG_SKMSG);
	g->hash = pin_open(g, SA_MAP_SOCKHASH);
	g->cg = open(g->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g->ops_id = id_of(g->ops);
	g->msg_id = id_of(g->msg);
}

/* Detach what we hold, wherever its pins went (not attached: fine). */
static void detach_held(struct agent *g)
{
	if (g->ops >= 0 && g->cg >= 0)
		sys_prog_detach(g->ops, g->cg, BPF_CGROUP_SOCK_OPS);
	if (g->msg >= 0 && g->hash >= 0)
		sys_prog_detach(g->msg, g->hash, BPF_SK_MSG_VERDICT);
}

/* 1 attached, 0 not, -errno cannot tell (BPF_PROG_QUERY on a sockmap: 6.0+). */
static int attached(int target, uint32_t type, uint32_t id)
{
	uint32_t ids[64], cnt = 64, i;
	int err = sys_prog_query(target, type, NULL, ids, &cnt);

	if (err)
		return err;
	for (i = 0; i < cnt && i < 64; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * The fault, in words, or NULL when all is well.  Costs a stat per pin,
 * two BPF_OBJ_GET and two BPF_PROG_QUERY: nothing grows with the sockets.
 */
static const char *fault(struct agent *g, char *why, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	const char *name;
	int i, fd, other;

	for (i = 0; i < SA_NMAPS + 3; i++) {
		name = i < SA_NMAPS ? sa_map_names[i] : i == SA_NMAPS ? SA_PROG_SOCKOPS :
		       i == SA_NMAPS + 1 ? SA_PROG_SKMSG : SA_PIN_RECORD;
		snprintf(path, sizeof(path), "%s/%s", g->o.pin_dir, name);
		if (lstat(path, &st) < 0) {
			snprintf(why, len, "pin %s is gone (deleted behind our back)", path);
			return why;
		}
	}
	/* Pins there, but not the programs we hold: another sockaccel
	 * replaced the install (an agent beside us during an upgrade).  A
	 * working install is adopted, not fought over. */
	fd = pin_open(g, SA_PROG_SOCKOPS);
	other = id_of(fd) != g->ops_id;
	if (fd >= 0)
		close(fd);
	fd = pin_open(g, SA_PROG_SKMSG);
	other |= id_of(fd) != g->msg_id;
	if (fd >= 0)
		close(fd);
	if (other) {
		grab(g);
		say("the install in %s was replaced by another sockaccel (programs %u, %u); adopting it",
		    g->o.pin_dir, g->ops_id, g->msg_id);
	}
	if (g->cg < 0 || attached(g->cg, BPF_CGROUP_SOCK_OPS, g->ops_id) == 0) {
		snprintf(why, len, "program %s is not attached to cgroup %s (detached behind our back)",
			 SA_PROG_SOCKOPS, g->cgroup);
		return why;
	}
	if (attached(g->hash, BPF_SK_MSG_VERDICT, g->msg_id) == 0) {
		snprintf(why, len, "program %s is not attached to map %s (detached behind our back)",
			 SA_PROG_SKMSG, SA_MAP_SOCKHASH);
		return why;
	}
	return NULL;
}

/* The kernel's view of a map or program: a map's shape, a program's tag
 * (SHA-1 of its instructions with map fds zeroed, bpf_prog_info.tag). */
static int same_obj(int a, int b, int is_prog)
{
	union { struct bpf_map_info m; struct bpf_prog_info p; } ia, ib;
	uint32_t la = sizeof(ia), lb = sizeof(ib);

	memset(&ia, 0, sizeof(ia));
	memset(&ib, 0, sizeof(ib));
	if (a < 0 || b < 0 || sys_obj_get_info_by_fd(a, &ia, &la) ||
	    sys_obj_get_info_by_fd(b, &ib, &lb))
		return 0;
	if (is_prog)
		return !memcmp(ia.p.tag, ib.p.tag, sizeof(ia.p.tag));
	return ia.m.type == ib.m.type && ia.m.key_size == ib.m.key_size &&
	       ia.m.value_size == ib.m.value_size && ia.m.max_entries == ib.m.max_entries &&
	       ia.m.map_flags == ib.m.map_flags;
}

/*
 * An install is adopted only if it is this binary's: the same maps and
 * the same programs.  Ours are loaded to compare (not pinned, not
 * attached, closed at once): 1 the same, 0 not, or -errno.
 */
static int same_install(struct agent *g)
{
	static const char *const progs[] = { SA_PROG_SOCKOPS, SA_PROG_SKMSG };
	struct bo_object obj;
	struct sa_loaded l;
	size_t i;
	int err, same = 1, fd;

	err = bo_object_parse(&obj, g->o.reader, g->o.obj, g->o.obj_len, g->o.obj_name, NULL);
	if (err)
		return sa_failx(&g->a->ctx, err, "elf: %s: %s", g->o.obj_name, obj.err);
	err = sa_load_maps(&g->a->ctx, &obj, &l, NULL);
	if (!err)
		err = sa_load_progs(&g->a->ctx, &l);
	for (i = 0; !err && same && i < SA_NMAPS + 2; i++) {
		const char *name = i < SA_NMAPS ? sa_map_names[i] : progs[i - SA_NMAPS];

		fd = pin_open(g, name);
		same = same_obj(fd, i < SA_NMAPS ? sa_map_fd(&l, name) : sa_prog_fd(&l, name),
				i >= SA_NMAPS);
		if (fd >= 0)
			close(fd);
	}
	sa_loaded_close(&l);
	bo_object_free(&obj);
	return err ? err : same;
}

static const char *result_words(enum sa_result r)
{
	return r == SA_UNCHANGED ? "adopted the install" :
	       r == SA_REPAIRED ? "cleaned up an incomplete install; installed" : "installed";
}

static int install(struct agent *g)
{
	enum sa_result res;
	int err;

	g->a->ctx.err_set = 0;
	err = sa_install(&g->a->ctx, &g->o, &res, g->cgroup);
	if (!err && res == SA_UNCHANGED && !(err = same_install(g))) {
		/* Another version's programs or maps (an upgrade): new
		 * connections take the stack for the few milliseconds
		 * between the two. */
		say("the install on cgroup %s has other programs or maps than this sockaccel's; replacing it",
		    g->cgroup);
		err = sa_remove(&g->a->ctx, &g->o, &res);
		if (!err)
			err = sa_install(&g->a->ctx, &g->o, &res, g->cgroup);
	}
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
		g->a->ctx.err_set = 0;
		sa_status_read(&g->a->ctx, g->o.pin_dir, &g->st);
		g->st_time = now;
		/* Counters it could not read are not zeros: answer 500, and
		 * the probe that reads this says "not ready". */
		if (g->a->ctx.err_set) {
			g->st_time = 0;
			if (!g->metrics_failed)
				say("metrics: %s", g->a->ctx.err);
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
	struct agent g = { .a = a, .ops = -1, .msg = -1, .hash = -1, .cg = -1 };
	struct signalfd_siginfo si = { .ssi_signo = 0 };
	struct pollfd p[2];
	char why[PATH_MAX + 128];
	uint64_t now, next;
	void *owned = NULL;
	sigset_t sigs;
	int ret, timeout;

	g.http.lfd = g.http.cfd = -1;
	if (sa_check_caps(&a->ctx, "run") || sa_probe_install(&a->ctx))
		return sa_report(a);
	ret = sa_accel_opts_from_args(a, &g.o, &owned);
	if (ret)
		return ret;
	/* The metrics address first: a mistake there changes nothing. */
	if (a->metrics && sa_httpd_open(&a->ctx, &g.http, a->metrics, a->metrics_any,
					metrics_body, &g)) {
		free(owned);
		return sa_report(a);
	}
	/* SIGTERM and SIGINT arrive as reads from a signalfd, polled with the
	 * rest: no handler, nothing lost between a check and the wait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	p[0].fd = signalfd(-1, &sigs, SFD_CLOEXEC);
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
	free(owned);
	return ret;
}
