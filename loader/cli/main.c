// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: the sockaccel command line: the command and option tables (with
 * their help text beside them), parsing, dispatch, error printing.
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "object.h"
#include "sys/bpf.h"
#include "load/core.h"
#include "sys/memlock.h"
#include "sys/names.h"

#ifndef SOCKACCEL_VERSION
#define SOCKACCEL_VERSION "unknown"
#endif
#ifdef SOCKACCEL_HAVE_LIBELF
#define BUILD_KIND "libelf"
#elif defined(SOCKACCEL_NO_CORE)
#define BUILD_KIND "static, built-in ELF reader, no CO-RE"
#elif defined(SOCKACCEL_NO_PROG_BTF)
#define BUILD_KIND "static, built-in ELF reader, no program BTF"
#else
#define BUILD_KIND "static, built-in ELF reader"
#endif

enum opt {
	O_CGROUP = 1 << 0, O_PIN = 1 << 1, O_PORT = 1 << 2, O_OBJECTS = 1 << 3,
	O_JSON = 1 << 4, O_TYPE = 1 << 5, O_DISASM = 1 << 6, O_METRICS = 1 << 7,
	O_METRICS_ANY = 1 << 8, O_KEEP = 1 << 9, O_MAPCOMPAT = 1 << 10,
	O_BTF = 1 << 11,
	O_REPLACE = 1 << 12, O_ALL = 1 << 13, O_SOCKETS = 1 << 14, O_PROMETHEUS = 1 << 15,
};
/* bpftool's global options: also before the command ("sockaccel -j prog show"). */
#define O_BPFTOOL (O_JSON | O_MAPCOMPAT)

/* The static build (96 KiB) keeps the synopsis of every command and option;
 * what each does is in sockaccel(8) and in the default build's --help. */
#ifdef SOCKACCEL_SMALL
#define HELP(s)
#else
#define HELP(s) s
#endif
/* -v and -h say what they do in both builds. */
#define V_HELP "print every bpf() call, decoded"
#define H_HELP "this command's usage"
#ifdef SOCKACCEL_SMALL
#define OPT_HELP(o) ((o)->shortname == 'v' ? V_HELP : (o)->shortname == 'h' ? H_HELP : "")
#else
#define OPT_HELP(o) ((o)->help)
#endif

/* An option's place in struct sa_args, + 1 (0: handled in set_opt). */
#define OFF(f) (offsetof(struct sa_args, f) + 1)
_Static_assert(offsetof(struct sa_args, keep) < 255, "options beyond a byte's reach");

/* What an option's value is called in the usage: the arg-th name (0: a
 * flag, no value), an index rather than a pointer: -8 bytes an option. */
#define ARG_NAMES "\0DIR\0N\0TYPE\0FILE\0ADDR:PORT"
enum { A_DIR = 1, A_N, A_TYPE, A_FILE, A_ADDR };

/* Options: --name VALUE, --name=VALUE, and the flags; "--" ends them.
 * bit 0: every command takes it (and it may come before the command). */
static const struct opt_def {
	char name[12];		/* in the table, not a pointer; at most 11 chars (C drops a 12th's NUL silently) */
	char shortname;
	unsigned char slot;	/* where it goes in struct sa_args, by OFF() */
	uint16_t bit;
	unsigned char arg;	/* A_*: the value it takes; 0: a flag */
#ifndef SOCKACCEL_SMALL
	const char *help;
#endif
} opt_defs[] = {
	{ "cgroup", 0, OFF(cgroup), O_CGROUP, A_DIR, HELP("cgroup v2 directory (default: the cgroup v2 mount; "
	  "auto: the kubelet's kubepods.slice or kubepods there, else the mount)") },
	{ "pin-dir", 0, OFF(pin_dir), O_PIN, A_DIR, HELP("bpffs directory for the pins") },
	{ "port", 0, 0, O_PORT, A_N, HELP("only connections with port N at either end (repeatable)") },
	{ "objects", 0, OFF(objects), O_OBJECTS, A_DIR, HELP("load DIR/sockaccel.bpf.o, not the built-in object") },
	{ "type", 0, OFF(type), O_TYPE, A_TYPE, HELP("program type for sections the table does not know") },
#ifndef SOCKACCEL_NO_CORE	/* no CO-RE in the static build: nothing to target */
	{ "btf", 0, 0, O_BTF, A_FILE, HELP("CO-RE target BTF (default: /sys/kernel/btf/vmlinux and modules)") },
#endif
	{ "json", 'j', OFF(json), O_JSON, 0, HELP("one JSON object on stdout") },
	{ "pretty", 'p', OFF(json), O_JSON, 0, HELP("JSON (bpftool's -p; printed on one line)") },
	{ "mapcompat", 'm', 0, O_MAPCOMPAT, 0, HELP("accepted for bpftool (legacy maps always load)") },
#ifndef SOCKACCEL_NO_INSPECT	/* inspect's only */
	{ "disasm", 0, OFF(disasm), O_DISASM, 0, HELP("disassemble every program") },
#endif
	{ "metrics", 0, OFF(metrics), O_METRICS, A_ADDR, HELP("serve Prometheus metrics at http://ADDR:PORT/metrics") },
	{ "metrics-any", 0, OFF(metrics_any), O_METRICS_ANY, 0, HELP("let --metrics listen on a non-loopback address") },
	{ "keep", 0, OFF(keep), O_KEEP, 0, HELP("on SIGTERM leave the install for the next run to adopt") },
	{ "replace", 0, OFF(replace), O_REPLACE, 0, HELP("swap in other programs or ports without a gap (BPF_F_REPLACE)") },
	{ "all", 0, OFF(all), O_ALL, 0, HELP("every instance on the host, found from the kernel") },
	{ "sockets", 0, OFF(sockets), O_SOCKETS, 0, HELP("list the accelerated connections") },
	{ "prometheus", 0, OFF(prometheus), O_PROMETHEUS, 0, HELP("Prometheus text format (node_exporter's textfile collector)") },
	{ "verbose", 'v', 0, 0, 0, HELP(V_HELP) },
	{ "help", 'h', 0, 0, 0, HELP(H_HELP) },
};
#define NOPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))

/* The commands, in the order the usage lists them; group 0 is the
 * accelerator, group 1 the loader for any object.  bpftool's nouns
 * (prog, map, cgroup) have verbs instead of a function. */
static const struct command {
	const char *name;
	int (*fn)(struct sa_args *a);
	const struct sa_verbs *verbs;
	uint16_t opts;
	unsigned char min_args, max_args, group;
	unsigned char bpf;	/* creates maps or loads programs: memlock */
	const char *args;
#ifndef SOCKACCEL_SMALL
	const char *help;
#endif
} commands[] = {
	{ "install", cmd_install, NULL, O_CGROUP | O_PIN | O_PORT | O_OBJECTS | O_BTF | O_REPLACE, 0, 0, 0, 1,
	  "[--cgroup DIR] [--pin-dir DIR] [--port N]... [--objects DIR] [--btf FILE] [--replace]",
	  HELP("accelerate the TCP connections of a cgroup and its descendants (default: the root, every TCP connection of the host); one accelerator per cgroup subtree") },
	{ "remove", cmd_remove, NULL, O_CGROUP | O_PIN, 0, 0, 0, 0,
	  "[--cgroup DIR] [--pin-dir DIR]",
	  HELP("detach our programs and delete the pins; open connections keep flowing") },
	{ "status", cmd_status, NULL, O_PIN | O_JSON | O_ALL | O_SOCKETS | O_PROMETHEUS, 0, 0, 0, 0,
	  "[--pin-dir DIR | --all] [--sockets] [--json | --prometheus]",
	  HELP("what is installed, where, and the counters; exit status 0 only when installed and attached, 3 not installed, 4 partial, 5 detached, 6 cgroup gone") },
	{ "probe", cmd_probe, NULL, O_JSON, 0, 0, 0, 1,
	  "[--json]",
	  HELP("what this kernel offers that sockaccel uses, and the Linux version that brought it") },
	{ "run", cmd_run, NULL, O_CGROUP | O_PIN | O_PORT | O_OBJECTS | O_METRICS | O_METRICS_ANY | O_KEEP | O_BTF,
	  0, 0, 0, 1,
	  "[install options] [--metrics ADDR:PORT [--metrics-any]] [--keep]",
	  HELP("the agent (systemd, DaemonSet): install or adopt, put back what is detached or deleted, "
	  "serve metrics; on SIGTERM or SIGINT remove, unless --keep") },
	{ "prog", NULL, &sa_prog_verbs, O_BPFTOOL | O_TYPE | O_BTF, 0, SA_MAX_WORDS, 1, 1, "", HELP("") },
	{ "map", NULL, &sa_map_verbs, O_BPFTOOL, 0, SA_MAX_WORDS, 1, 1, "", HELP("") },
	{ "cgroup", NULL, &sa_cgroup_verbs, O_BPFTOOL, 0, SA_MAX_WORDS, 1, 0, "", HELP("") },
	{ "load", cmd_load, NULL, O_PIN | O_TYPE | O_BTF, 1, 1, 2, 1,
	  "OBJ [--pin-dir DIR] [--type TYPE] [--btf FILE]",
	  HELP("load and pin every map and program (default: /sys/fs/bpf/<object name>)") },
	{ "unload", cmd_unload, NULL, O_PIN, 0, 0, 2, 0,
	  "--pin-dir DIR",
	  HELP("delete the pins of a load") },
	{ "net", cmd_net, NULL, O_JSON, 1, 7, 1, 0,
	  "{attach TYPE PROG dev NAME [overwrite] | detach TYPE dev NAME | show [dev NAME]}",
	  HELP("XDP and tc (tcx) programs on network devices, through pinned bpf_links;\n"
	  "TYPE: xdp, xdpgeneric, xdpdrv, tcx_ingress, tcx_egress; PROG: id ID or pinned FILE") },
#ifndef SOCKACCEL_NO_INSPECT
	{ "inspect", cmd_inspect, NULL, O_JSON | O_DISASM | O_TYPE | O_BTF, 1, 1, 1, 0,
	  "OBJ [--json] [--disasm] [--type TYPE] [--btf FILE]",
	  HELP("what an object becomes, without the kernel") },
#endif
};
#define NCMDS (sizeof(commands) / sizeof(commands[0]))

static const char group_titles[] =
	"Socket acceleration (same-host TCP skips the TCP/IP stack):\0"
	"Any BPF object, in bpftool's words (PROG, MAP: id ID | pinned FILE):\0"
	"Short forms:";

/* A verb's arguments with SA_REF filled in (cli.h); not inlined into its two callers. */
static __attribute__((noinline)) const char *verb_args(const struct sa_verb *v)
{
	static char b[160];

	snprintf(b, sizeof(b), v->args, "{id ID | pinned FILE}");
	return b;
}

static void verbs_usage(FILE *f, const char *noun, const struct sa_verbs *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		fprintf(f, "  %-7s %s %s\n", noun, vs->v[i].name, verb_args(&vs->v[i]));
}

static void usage(FILE *f)
{
	size_t i, g;

	fputs("usage: sockaccel [-v] [-j] COMMAND [ARGS]\n", f);
	for (g = 0; g < 3; g++) {
		fprintf(f, "\n%s\n", sa_nth(group_titles, g));
		for (i = 0; i < NCMDS; i++) {
			if (commands[i].group != g)
				continue;
			if (commands[i].verbs)
				verbs_usage(f, commands[i].name, commands[i].verbs);
			else
				fprintf(f, "  %-8s%s\n", commands[i].name, commands[i].args);
		}
	}
	fputc('\n', f);
	sa_print_attach_types(f, -1);
	fputs("\n'sockaccel COMMAND --help' explains one command; -v prints every bpf() call.\n"
	      "Exit status: 0 done, 1 failed, 2 usage error; status: 3 not installed,\n"
	      "4 partial, 5 detached, 6 cgroup gone.\n", f);
}

static void command_usage(const struct command *c)
{
	size_t i;

	if (c->verbs) {
		printf("usage:\n");
		verbs_usage(stdout, c->name, c->verbs);
		if (c->verbs->to != -2) {
			putchar('\n');
			sa_print_attach_types(stdout, c->verbs->to);
		}
		printf("\noptions:\n");
	} else {
#ifdef SOCKACCEL_SMALL
		printf("usage: sockaccel %s %s\n\nwhat it does: man sockaccel.\n", c->name, c->args);
#else
		printf("usage: sockaccel %s %s\n\n%s.\n", c->name, c->args, c->help);
#endif
		printf("\noptions:\n");
	}
	for (i = 0; i < NOPTS; i++)
		if (!opt_defs[i].bit || (c->opts & opt_defs[i].bit))
			printf("  --%-11s %-9s %s\n", opt_defs[i].name,
			       sa_nth(ARG_NAMES, opt_defs[i].arg), OPT_HELP(&opt_defs[i]));
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

void sa_warnings(struct sa_args *a)
{
	for (char *w = a->ctx.warn, *nl; (nl = strchr(w, '\n')); w = nl + 1)
		fprintf(stderr, "sockaccel: %s: warning: %.*s\n", a->cmd, (int)(nl - w), w);
	a->ctx.warn_len = 0;
	a->ctx.warn[0] = '\0';
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
	char *slot = (char *)a + o->slot - 1;

	if (o->slot && o->arg)		/* a value: the string */
		memcpy(slot, &v, sizeof(v));
	else if (o->slot)		/* a flag */
		*(int *)slot = 1;
	else switch (o->bit) {
	case O_PORT: return parse_port(a, v);
	case O_MAPCOMPAT: break;
	case O_BTF: sa_core_btf_path = v; break;
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
	/* The arguments move down in argv itself: slot npos is one already read. */
	char **pos = argv + 1;
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
	static unsigned char d[17][17];

	if (n > 16 || m > 16)
		return 3;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			unsigned int v;

			if (!i || !j) {
				v = (unsigned int)(i + j);
			} else {
				v = d[i - 1][j - 1] + (s[i - 1] != t[j - 1]);
				if (d[i - 1][j] + 1u < v)
					v = d[i - 1][j] + 1u;
				if (d[i][j - 1] + 1u < v)
					v = d[i][j - 1] + 1u;
				if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] &&
				    d[i - 2][j - 2] + 1u < v)
					v = d[i - 2][j - 2] + 1u;
			}
			d[i][j] = (unsigned char)(v > 3 ? 3 : v);
		}
	}
	return d[n][m];
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

/* A noun's verb: "prog load ...", "cgroup show ...". */
static int run_verb(struct sa_args *a, const char *noun, const struct sa_verbs *vs)
{
	static char cmd[24];
	size_t i;

	for (i = 0; a->argc && i < vs->n; i++) {
		const struct sa_verb *v = &vs->v[i];

		if (strcmp(a->argv[0], v->name))
			continue;
		snprintf(cmd, sizeof(cmd), "%s %s", noun, v->name);
		a->cmd = cmd;
		a->argc--;
		a->argv++;
		if (a->argc < v->min_args || a->argc > v->max_args)
			return sa_usage_error(a, "expected %s", verb_args(v));
		return v->fn(a);
	}
	return sa_usage_error(a, "%s '%s'", a->argc ? "unknown command" : "a command is missing after",
			      a->argc ? a->argv[0] : noun);
}

int main(int argc, char **argv)
{
	static struct sa_args a;	/* zeroed: .bss (cli.h) */
	int i = 1, ret;
	size_t c;

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
		if (o->bit & ~O_BPFTOOL)
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
	if (a.json && !(commands[c].opts & O_JSON))
		return sa_usage_error(&a, "--%s does not apply here", "json");
	ret = parse_opts(&a, &commands[c], argc - i, argv + i);
	if (ret)
		return ret;
	if (commands[c].bpf)
		sa_memlock_raise(&a.ctx);
	ret = commands[c].verbs ? run_verb(&a, a.cmd, commands[c].verbs) : commands[c].fn(&a);
	/* Warnings: after the output, apart from the error that decided ret. */
	sa_warnings(&a);
	sa_ctx_free(&a.ctx);
	return ret;
}
