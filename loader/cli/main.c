// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: the sockaccel command line: the command and option tables (with
 * their help text beside them), parsing, dispatch, error printing.
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sys/bpf.h"
#include "sys/memlock.h"

#ifndef SOCKACCEL_VERSION
#define SOCKACCEL_VERSION "unknown"
#endif
#ifdef SOCKACCEL_HAVE_LIBELF
#define BUILD_KIND "libelf"
#else
#define BUILD_KIND "static, built-in ELF reader"
#endif

enum opt {
	O_CGROUP = 1 << 0, O_PIN = 1 << 1, O_PORT = 1 << 2, O_OBJECTS = 1 << 3,
	O_JSON = 1 << 4, O_TYPE = 1 << 5, O_DISASM = 1 << 6,
};

/* Options: --name VALUE, --name=VALUE, and the flags; "--" ends them.
 * bit 0: every command takes it (and it may come before the command). */
static const struct opt_def {
	const char *name;
	char shortname;
	unsigned int bit;
	const char *arg;	/* NULL: a flag */
	const char *help;
} opt_defs[] = {
	{ "cgroup", 0, O_CGROUP, "DIR", "cgroup v2 directory (default: the cgroup v2 mount)" },
	{ "pin-dir", 0, O_PIN, "DIR", "bpffs directory for the pins" },
	{ "port", 0, O_PORT, "N", "only connections with port N at either end (repeatable)" },
	{ "objects", 0, O_OBJECTS, "DIR", "load DIR/sockaccel.bpf.o, not the built-in object" },
	{ "type", 0, O_TYPE, "TYPE", "program type for sections the table does not know" },
	{ "json", 'j', O_JSON, NULL, "one JSON object on stdout" },
	{ "disasm", 0, O_DISASM, NULL, "disassemble every program" },
	{ "verbose", 'v', 0, NULL, "print every bpf() call, decoded" },
	{ "help", 'h', 0, NULL, "this command's usage" },
};
#define NOPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))

/* The commands, in the order the usage lists them; group 0 is the
 * accelerator, group 1 the loader for any object. */
static const struct command {
	const char *name;
	int (*fn)(struct sa_args *a);
	unsigned int opts;
	unsigned char min_args, max_args, group;
	const char *args;
	const char *help;
	unsigned char bpf;	/* creates maps or loads programs: memlock */
} commands[] = {
	{ "install", cmd_install, O_CGROUP | O_PIN | O_PORT | O_OBJECTS, 0, 0, 0,
	  "[--cgroup DIR] [--pin-dir DIR] [--port N]... [--objects DIR]",
	  "accelerate the TCP connections of a cgroup (default: every one of the host)", 1 },
	{ "remove", cmd_remove, O_CGROUP | O_PIN, 0, 0, 0,
	  "[--cgroup DIR] [--pin-dir DIR]",
	  "detach our programs and delete the pins; open connections keep flowing", 0 },
	{ "status", cmd_status, O_PIN | O_JSON, 0, 0, 0,
	  "[--pin-dir DIR] [--json]",
	  "what is installed, where, and the counters", 0 },
	{ "probe", cmd_probe, O_JSON, 0, 0, 0,
	  "[--json]",
	  "what this kernel offers that sockaccel uses, and the Linux version that brought it", 1 },
	{ "load", cmd_load, O_PIN | O_TYPE, 1, 1, 1,
	  "OBJ [--pin-dir DIR] [--type TYPE]",
	  "load an object's maps and programs and pin them (default pin dir: /sys/fs/bpf/<object name>)", 1 },
	{ "unload", cmd_unload, O_PIN, 0, 0, 1,
	  "--pin-dir DIR",
	  "delete the pins of a load", 0 },
	{ "attach", cmd_attach, 0, 3, 4, 1,
	  "PROG_PIN {cgroup DIR | map MAP_PIN} [ATTACH_TYPE]",
	  "attach a pinned program to a cgroup (with BPF_F_ALLOW_MULTI) or a sockmap/sockhash", 0 },
	{ "detach", cmd_detach, 0, 3, 4, 1,
	  "PROG_PIN {cgroup DIR | map MAP_PIN} [ATTACH_TYPE]",
	  "detach exactly that program", 0 },
	{ "net", cmd_net, O_JSON, 1, 7, 1,
	  "{attach TYPE PROG dev NAME [overwrite] | detach TYPE dev NAME | show [dev NAME]}",
	  "XDP and tc (tcx) programs on network devices, through pinned bpf_links;\n"
	  "TYPE: xdp, xdpgeneric, xdpdrv, tcx_ingress, tcx_egress; PROG: id ID or pinned FILE", 0 },
#ifndef SOCKACCEL_NO_INSPECT
	{ "inspect", cmd_inspect, O_JSON | O_DISASM | O_TYPE, 1, 1, 1,
	  "OBJ [--json] [--disasm] [--type TYPE]",
	  "what an object becomes, without the kernel", 0 },
#endif
};
#define NCMDS (sizeof(commands) / sizeof(commands[0]))

static const char *const group_titles[] = {
	"Socket acceleration (same-host TCP skips the TCP/IP stack):",
	"Any BPF object, without libbpf:",
};

static void usage(FILE *f)
{
	size_t i, g;

	fputs("usage: sockaccel [-v] COMMAND [ARGS]\n", f);
	for (g = 0; g < 2; g++) {
		fprintf(f, "\n%s\n", group_titles[g]);
		for (i = 0; i < NCMDS; i++)
			if (commands[i].group == g)
				fprintf(f, "  %-8s%s\n", commands[i].name, commands[i].args);
	}
	fputs("\n'sockaccel COMMAND --help' explains one command; -v prints every bpf() call.\n"
	      "Exit status: 0 done, 1 failed, 2 usage error.\n", f);
}

static void command_usage(const struct command *c)
{
	size_t i;

	printf("usage: sockaccel %s %s\n\n%s.\n\noptions:\n", c->name, c->args, c->help);
	for (i = 0; i < NOPTS; i++)
		if (!opt_defs[i].bit || (c->opts & opt_defs[i].bit))
			printf("  --%-8s %-5s %s\n", opt_defs[i].name,
			       opt_defs[i].arg ? opt_defs[i].arg : "", opt_defs[i].help);
}

int sa_usage_error(const struct sa_args *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sockaccel: %s%s", a->cmd ? a->cmd : "", a->cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(run 'sockaccel %s%s--help' for usage)\n", a->cmd ? a->cmd : "",
		a->cmd ? " " : "");
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

int sa_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9' && v <= max)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == s || *p || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_port(struct sa_args *a, const char *s)
{
	uint32_t v;

	if (sa_parse_u32(s, 65535, &v) || v == 0)
		return sa_usage_error(a, "--port '%s' is not a port number (1-65535)", s);
	if (a->nports == SA_PORTS_MAX)
		return sa_usage_error(a, "at most %d --port options", SA_PORTS_MAX);
	a->ports[a->nports++] = (uint16_t)v;
	return 0;
}

static const struct opt_def *find_opt(const char *arg, const char **value)
{
	size_t i, n;

	*value = NULL;
	for (i = 0; i < NOPTS; i++) {
		const struct opt_def *o = &opt_defs[i];

		if (arg[1] != '-') {	/* -v, -h, -j */
			if (o->shortname && arg[1] == o->shortname && !arg[2])
				return o;
			continue;
		}
		n = strlen(o->name);
		if (strncmp(arg + 2, o->name, n))
			continue;
		if (arg[2 + n] == '\0')
			return o;
		if (arg[2 + n] == '=' && o->arg) {
			*value = arg + 3 + n;
			return o;
		}
	}
	return NULL;
}

static int set_opt(struct sa_args *a, const struct command *cmd,
		   const struct opt_def *o, const char *v)
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
			if (cmd)
				command_usage(cmd);
			else
				usage(stdout);
			exit(0);
		}
		a->ctx.verbose = 1;	/* -v */
		sys_trace = 1;
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
		if (o->arg && !v) {
			if (i + 1 == argc)
				return sa_usage_error(a, "option --%s needs a value", o->name);
			v = argv[++i];
		}
		if (set_opt(a, cmd, o, v))
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

/* Edits (insert, delete, substitute, swap neighbours) between a typed word
 * and a command name, capped at 3: enough for "did you mean". */
static int distance(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t), i, j;
	unsigned char d[3][17];

	if (n > 16 || m > 16)
		return 3;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			unsigned int v;

			if (!i || !j) {
				v = (unsigned int)(i + j);
			} else {
				v = d[(i - 1) % 3][j - 1] + (s[i - 1] != t[j - 1]);
				if (d[(i - 1) % 3][j] + 1u < v)
					v = d[(i - 1) % 3][j] + 1u;
				if (d[i % 3][j - 1] + 1u < v)
					v = d[i % 3][j - 1] + 1u;
				if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] &&
				    d[(i - 2) % 3][j - 2] + 1u < v)
					v = d[(i - 2) % 3][j - 2] + 1u;
			}
			d[i % 3][j] = (unsigned char)(v > 3 ? 3 : v);
		}
	}
	return d[n % 3][m];
}

static int unknown_command(struct sa_args *a, const char *word)
{
	size_t i, best = NCMDS;
	int bd = 3;

	for (i = 0; i < NCMDS; i++) {
		int d = distance(word, commands[i].name);

		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	if (best < NCMDS)
		return sa_usage_error(a, "unknown command '%s'; did you mean '%s'?", word,
				      commands[best].name);
	return sa_usage_error(a, "unknown command '%s'", word);
}

int main(int argc, char **argv)
{
	struct sa_args a;
	int i = 1, ret;
	size_t c;

	memset(&a, 0, sizeof(a));
	/* Options every command takes may come first: "sockaccel -v install". */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const struct opt_def *o;
		const char *v;

		if (!strcmp(argv[i], "--version")) {
			printf("sockaccel %s (%s)\n", SOCKACCEL_VERSION, BUILD_KIND);
			return 0;
		}
		o = find_opt(argv[i], &v);
		if (!o)
			return sa_usage_error(&a, "unknown option '%s'", argv[i]);
		if (o->bit)
			return sa_usage_error(&a, "--%s goes after the command it belongs to "
					      "(sockaccel COMMAND --%s ...)", o->name, o->name);
		set_opt(&a, NULL, o, v);
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[i], "version")) {
		printf("sockaccel %s (%s)\n", SOCKACCEL_VERSION, BUILD_KIND);
		return 0;
	}
	for (c = 0; c < NCMDS; c++)
		if (!strcmp(argv[i], commands[c].name))
			break;
	if (c == NCMDS)
		return unknown_command(&a, argv[i]);
	a.cmd = commands[c].name;
	ret = parse_opts(&a, &commands[c], argc - i, argv + i);
	if (ret)
		return ret;
	if (commands[c].bpf)
		sa_memlock_raise(&a.ctx);
	ret = commands[c].fn(&a);
	sa_ctx_free(&a.ctx);
	return ret;
}
