// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: the sockaccel command line: options, dispatch, error printing.
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"
#include "cli.h"

static const char usage_text[] =
"usage: sockaccel COMMAND [OPTIONS]\n"
"\n"
"Socket acceleration (same-host TCP skips the TCP/IP stack):\n"
"  install [--cgroup DIR] [--pin-dir DIR] [--port N]... [--objects DIR] [-v]\n"
"  remove  [--cgroup DIR] [--pin-dir DIR] [-v]\n"
"  status  [--pin-dir DIR] [--json] [-v]\n"
"\n"
"Any BPF object, without libbpf:\n"
"  load    OBJ [--pin-dir DIR] [--type TYPE] [-v]\n"
"  unload  --pin-dir DIR [-v]\n"
"  attach  PROG_PIN cgroup DIR [ATTACH_TYPE] [-v]\n"
"  attach  PROG_PIN map MAP_PIN [msg_verdict|stream_verdict|stream_parser] [-v]\n"
"  detach  (same arguments as attach)\n"
#ifndef SOCKACCEL_NO_INSPECT
"  inspect OBJ [--json] [--disasm] [--type TYPE]\n"
#endif
"\n"
"Defaults: --cgroup is the cgroup v2 mount (from /proc/self/mountinfo),\n"
"--pin-dir is /sys/fs/bpf/sockaccel (for load: /sys/fs/bpf/<object name>),\n"
"the BPF objects are built into this binary.  -v prints every bpf() call.\n"
"Exit status: 0 done, 1 failed, 2 usage error.\n";

enum opt {
	O_CGROUP = 1 << 0, O_PIN = 1 << 1, O_PORT = 1 << 2, O_OBJECTS = 1 << 3,
	O_JSON = 1 << 4, O_TYPE = 1 << 5, O_DISASM = 1 << 6,
};

static const struct command {
	const char *name;
	int (*fn)(struct sa_args *a);
	unsigned int opts;
	int min_args, max_args;
} commands[] = {
	{ "install", cmd_install, O_CGROUP | O_PIN | O_PORT | O_OBJECTS, 0, 0 },
	{ "remove", cmd_remove, O_CGROUP | O_PIN, 0, 0 },
	{ "status", cmd_status, O_PIN | O_JSON, 0, 0 },
	{ "load", cmd_load, O_PIN | O_TYPE, 1, 1 },
	{ "unload", cmd_unload, O_PIN, 0, 0 },
	{ "attach", cmd_attach, 0, 3, 4 },
	{ "detach", cmd_detach, 0, 3, 4 },
#ifndef SOCKACCEL_NO_INSPECT
	{ "inspect", cmd_inspect, O_JSON | O_DISASM | O_TYPE, 1, 1 },
#endif
};

int sa_usage_error(const struct sa_args *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sockaccel: %s%s", a->cmd ? a->cmd : "", a->cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(run 'sockaccel --help' for usage)\n");
	return EXIT_USAGE;
}

int sa_report(struct sa_args *a)
{
	if (a->ctx.vlog && a->ctx.vlog[0]) {
		fprintf(stderr, "sockaccel: %s: verifier log:\n%s", a->cmd, a->ctx.vlog);
		if (a->ctx.vlog[strlen(a->ctx.vlog) - 1] != '\n')
			fputc('\n', stderr);
	}
	fprintf(stderr, "sockaccel: %s: %s\n", a->cmd,
		a->ctx.err_set ? a->ctx.err : "failed");
	return EXIT_FAIL;
}

static int parse_port(struct sa_args *a, const char *s)
{
	unsigned long v = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9' && v <= 65535)
		v = v * 10 + (unsigned long)(*p++ - '0');
	if (p == s || *p || v == 0 || v > 65535)
		return sa_usage_error(a, "--port '%s' is not a port number (1-65535)", s);
	if (a->nports == SA_PORTS_MAX)
		return sa_usage_error(a, "at most %d --port options", SA_PORTS_MAX);
	a->ports[a->nports++] = (uint16_t)v;
	return 0;
}

/* Options: --name VALUE, --name=VALUE, and the flags; "--" ends them. */
static const struct opt_def {
	const char *name;
	char shortname;
	unsigned int bit;	/* 0: allowed for every command */
	int has_value;
} opt_defs[] = {
	{ "cgroup", 0, O_CGROUP, 1 }, { "pin-dir", 0, O_PIN, 1 },
	{ "port", 0, O_PORT, 1 }, { "objects", 0, O_OBJECTS, 1 },
	{ "type", 0, O_TYPE, 1 }, { "json", 0, O_JSON, 0 },
	{ "disasm", 0, O_DISASM, 0 }, { "verbose", 'v', 0, 0 },
	{ "help", 'h', 0, 0 },
};

static const struct opt_def *find_opt(const char *arg, const char **value)
{
	size_t i, n;

	*value = NULL;
	for (i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++) {
		const struct opt_def *o = &opt_defs[i];

		if (arg[1] != '-') {	/* -v, -h */
			if (o->shortname && arg[1] == o->shortname && !arg[2])
				return o;
			continue;
		}
		n = strlen(o->name);
		if (strncmp(arg + 2, o->name, n))
			continue;
		if (arg[2 + n] == '\0')
			return o;
		if (arg[2 + n] == '=' && o->has_value) {
			*value = arg + 3 + n;
			return o;
		}
	}
	return NULL;
}

static int set_opt(struct sa_args *a, const struct opt_def *o, const char *v)
{
	switch (o->bit) {
	case O_CGROUP: a->cgroup = v; break;
	case O_PIN: a->pin_dir = v; break;
	case O_PORT: return parse_port(a, v);
	case O_OBJECTS: a->objects = v; break;
	case O_TYPE: a->type = v; break;
	case O_JSON: a->json = 1; break;
	case O_DISASM: a->disasm = 1; break;
	default:
		if (o->shortname == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		a->ctx.verbose = 1;	/* -v */
		bpf_trace = 1;
	}
	return 0;
}

static int parse_opts(struct sa_args *a, const struct command *cmd, int argc,
		      char **argv)
{
	static char *pos[8];
	int i, npos = 0, only_args = 0;

	for (i = 1; i < argc; i++) {
		const struct opt_def *o;
		const char *v;

		if (only_args || argv[i][0] != '-' || !argv[i][1]) {
			if (npos == cmd->max_args)
				return sa_usage_error(a, "unexpected argument '%s'", argv[i]);
			pos[npos++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			only_args = 1;
			continue;
		}
		o = find_opt(argv[i], &v);
		if (!o)
			return sa_usage_error(a, "unknown option '%s'", argv[i]);
		if (o->bit && !(cmd->opts & o->bit))
			return sa_usage_error(a, "--%s does not apply here", o->name);
		if (o->has_value && !v) {
			if (i + 1 == argc)
				return sa_usage_error(a, "option --%s needs a value", o->name);
			v = argv[++i];
		}
		if (set_opt(a, o, v))
			return EXIT_USAGE;
	}
	a->argc = npos;
	a->argv = pos;
	if (a->argc < cmd->min_args)
		return sa_usage_error(a, "missing argument");
	if (a->pin_dir && !a->pin_dir[0])
		return sa_usage_error(a, "--pin-dir is empty");
	return 0;
}

int main(int argc, char **argv)
{
	struct sa_args a;
	size_t i;
	int ret;

	memset(&a, 0, sizeof(a));
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return sa_usage_error(&a, "unknown command '%s'", argv[1]);
	a.cmd = commands[i].name;
	ret = parse_opts(&a, &commands[i], argc - 1, argv + 1);
	if (ret)
		return ret;
	ret = commands[i].fn(&a);
	sa_ctx_free(&a.ctx);
	return ret;
}
