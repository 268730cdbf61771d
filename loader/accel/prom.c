// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c: an install's status as Prometheus text exposition (format 0.0.4:
 * "# HELP", "# TYPE", then "name{label="value"} number" lines).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "accel/prom.h"

#ifndef SOCKACCEL_VERSION
#define SOCKACCEL_VERSION "unknown"
#endif

/* Help text of each counter, beside the names in sa_counter_names.  The
 * static build (96 KiB) leaves the HELP lines out (head() drops its help
 * there), which the text format allows; the man page and the README
 * describe each metric. */
#ifndef SOCKACCEL_SMALL
static const char *const counter_help[SA_COUNTER_MAX] = {
	[SA_SOCK_ADDED] = "Sockets put into the sockhash (accelerated).",
	[SA_SOCK_ADD_FAILED] = "Sockets the sockhash refused (full, no memory, or in another sockmap).",
	[SA_SOCK_FILTERED] = "Sockets left to the stack (port filter, data before the handshake ended).",
	[SA_MSG_REDIRECTED] = "sendmsg calls handed straight to the peer socket.",
	[SA_BYTES_REDIRECTED] = "Bytes handed straight to the peer socket.",
	[SA_MSG_PASSED] = "sendmsg calls that went through the TCP/IP stack.",
	[SA_BYTES_PASSED] = "Bytes that went through the TCP/IP stack.",
	[SA_SOCK_TO_STACK] = "Sockets moved to the stack (a long run of small one-way writes).",
	[SA_SOCK_BACKPRESSURE] = "Moves of a socket to the stack because its peer had too much unread (it comes back once the peer read all).",
	[SA_SOCK_SOCKOPT] = "Sockets left to the stack (they set SO_RCVLOWAT or SO_OOBINLINE).",
};
#endif

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

#ifdef SOCKACCEL_SMALL	/* no table, no HELP line: not even its code */
#define head(o, name, type, help) head_type(o, name, type)
#else
#define head(o, name, type, help) \
	(put(o, "# HELP sockaccel_%s %s\n", name, help), head_type(o, name, type))
#endif
static void head_type(struct out *o, const char *name, const char *type)
{
	put(o, "# TYPE sockaccel_%s %s\n", name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label(struct out *o, const char *v)
{
	char c[2] = "";

	for (; *v; v++) {
		c[0] = *v;
		put(o, "%s", *v == '\\' ? "\\\\" : *v == '"' ? "\\\"" : *v == '\n' ? "\\n" : c);
	}
}

size_t sa_prom_format(char *buf, size_t cap, const struct sa_status *s,
		      const struct sa_prom_agent *agent)
{
	struct out o = { buf, cap, 0 };
	size_t i;

	if (cap)
		buf[0] = '\0';
	head(&o, "info", "gauge", "sockaccel's version; the value is always 1.");
	put(&o, "sockaccel_info{version=\"%s\"} 1\n", SOCKACCEL_VERSION);
	head(&o, "state", "gauge", "1 for the state the install is in, 0 for the others.");
	for (i = 0; i < SA_NSTATES; i++)	/* the states of status (accel.h) */
		put(&o, "sockaccel_state{state=\"%s\"} %d\n", sa_state_names[i], s->state == i);
	head(&o, "attached", "gauge", "1 when the program is attached to its target (the cgroup, the sockhash).");
	put(&o, "sockaccel_attached{program=\"%s\",target=\"", SA_PROG_SOCKOPS);
	label(&o, s->cgroup);
	put(&o, "\"} %d\n", s->attached);
	if (s->msg_attached >= 0)	/* unknown before Linux 6.0 */
		put(&o, "sockaccel_attached{program=\"%s\",target=\"%s\"} %d\n", SA_PROG_SKMSG,
		    SA_MAP_SOCKHASH, s->msg_attached);
	head(&o, "sockets", "gauge", "Sockets in the sockhash now.");
	put(&o, "sockaccel_sockets %" PRIu64 "\n", s->sockets);
	for (i = 0; i < SA_COUNTER_MAX; i++) {
		char name[48];

		snprintf(name, sizeof(name), "%s_total", sa_counter_names[i]);
		head(&o, name, "counter", counter_help[i]);
		put(&o, "sockaccel_%s %" PRIu64 "\n", name, s->counters[i]);
	}
	if (agent) {
		head(&o, "repairs_total", "counter",
		     "Reinstalls by the agent after its programs were detached or its pins deleted.");
		put(&o, "sockaccel_repairs_total %" PRIu64 "\n", agent->repairs);
		head(&o, "scrapes_total", "counter", "Metrics requests the agent answered.");
		put(&o, "sockaccel_scrapes_total %" PRIu64 "\n", agent->scrapes);
	}
	return o.len;
}

int sa_prom_write(FILE *f, const struct sa_status *s, const struct sa_prom_agent *agent)
{
	size_t n = sa_prom_format(NULL, 0, s, agent);
	char *buf = malloc(n + 1);

	if (!buf)
		return -ENOMEM;
	sa_prom_format(buf, n + 1, s, agent);
	fputs(buf, f);
	free(buf);
	return 0;
}
