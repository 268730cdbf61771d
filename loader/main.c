// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: the sockaccel command line: options, dispatch, error printing.
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
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
"  inspect OBJ [--json] [--disasm] [--type TYPE]\n"
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
	{ "inspect", cmd_inspect, O_JSON | O_DISASM | O_TYPE, 1, 1 },
};

static const struct option long_opts[] = {
	{ "cgroup", required_argument, NULL, 'c' },
	{ "pin-dir", required_argument, NULL, 'p' },
	{ "port", required_argument, NULL, 'P' },
	{ "objects", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "type", required_argument, NULL, 't' },
	{ "disasm", no_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
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
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 65535)
		return sa_usage_error(a, "--port '%s' is not a port number (1-65535)", s);
	if (a->nports == SA_PORTS_MAX)
		return sa_usage_error(a, "at most %d --port options", SA_PORTS_MAX);
	a->ports[a->nports++] = (uint16_t)v;
	return 0;
}

static int parse_opts(struct sa_args *a, const struct command *cmd, int argc,
		      char **argv)
{
	static const struct { int ch; unsigned int bit; const char *name; } need[] = {
		{ 'c', O_CGROUP, "--cgroup" }, { 'p', O_PIN, "--pin-dir" },
		{ 'P', O_PORT, "--port" }, { 'o', O_OBJECTS, "--objects" },
		{ 'j', O_JSON, "--json" }, { 't', O_TYPE, "--type" },
		{ 'd', O_DISASM, "--disasm" },
	};
	size_t i;
	int ch;

	opterr = 0;
	optind = 1;
	/* '+' would stop at the first argument; options may follow them. */
	while ((ch = getopt_long(argc, argv, ":vh", long_opts, NULL)) != -1) {
		for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (need[i].ch == ch && !(cmd->opts & need[i].bit))
				return sa_usage_error(a, "%s does not apply here", need[i].name);
		switch (ch) {
		case 'c': a->cgroup = optarg; break;
		case 'p': a->pin_dir = optarg; break;
		case 'P':
			if (parse_port(a, optarg))
				return EXIT_USAGE;
			break;
		case 'o': a->objects = optarg; break;
		case 'j': a->json = 1; break;
		case 't': a->type = optarg; break;
		case 'd': a->disasm = 1; break;
		case 'v': a->ctx.verbose = 1; bpf_trace = 1; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case ':':
			return sa_usage_error(a, "option %s needs a value", argv[optind - 1]);
		default:
			return sa_usage_error(a, "unknown option '%s'", argv[optind - 1]);
		}
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->argc < cmd->min_args)
		return sa_usage_error(a, "missing argument");
	if (a->argc > cmd->max_args)
		return sa_usage_error(a, "unexpected argument '%s'", a->argv[cmd->max_args]);
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
