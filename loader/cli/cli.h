/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_CLI_H
#define SOCKACCEL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/sockaccel.h"
#include "sys/ctx.h"

/*
 * A command runs once per process, in one thread, so its large buffers and
 * structs (and its helpers') may be static (in .bss, which costs the file
 * nothing): a static buffer's address is a 5-byte immediate and its fields
 * are RIP-relative, where a frame of PATH_MAX buffers puts most locals past
 * the 1-byte rsp displacements.  No static may hold an initializer (it
 * would go into .data: the whole buffer in the file).
 * Below loader/cli only as scratch that a call fills before it reads, in
 * a function that never recurses (each says "scratch: loader/cli/cli.h"):
 * nothing below loader/cli keeps state between calls.
 */
#define EXIT_FAIL  1
#define EXIT_USAGE 2
#define SA_MAX_WORDS 48		/* words after a command */

/* Options, parsed once for every command (each says which it takes).
 * ctx within 128 bytes of the start: &a->ctx, passed to every sa_fail(),
 * is then a 1-byte displacement (the ports after it: -0.36 KiB static). */
struct sa_args {
	const char *cmd;
	const char *cgroup, *pin_dir, *objects, *type;
	int json, disasm;
	int replace, all, sockets, prometheus;	/* install --replace, status --all ... */
	const char *metrics;	/* run: ADDR:PORT */
	int metrics_any, keep;
	int argc;		/* positional arguments after the command */
	char **argv;
	size_t nports;
	struct sa_ctx ctx;
	uint16_t ports[SA_PORTS_MAX];
};
_Static_assert(offsetof(struct sa_args, ctx) < 128, "ctx within a 1-byte displacement");

/* Print "sockaccel: <cmd>: <message>" (and the verifier log); returns 1. */
struct bo_attach_def;

int sa_report(struct sa_args *a);
/* Print "sockaccel: <cmd>: warning: <line>" for each warning, then forget them. */
void sa_warnings(struct sa_args *a);
int sa_usage_error(const struct sa_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decimal number from 0 to max, nothing else; 0 or -EINVAL.  (Not
 * strtoul: it brings 3 KiB of musl's stdio into the static binary.) */
int sa_parse_u32(const char *s, uint32_t max, uint32_t *out);

/* Read and parse OBJ with the build's ELF reader and --type; 0 or -errno. */
struct bo_object;
int sa_parse_file(struct sa_args *a, const char *path, struct bo_object *o);

/*
 * bpftool's nouns (prog, map, cgroup) and their verbs: the verb is the
 * first word after the noun, its arguments follow (min_args..max_args).
 * to: the attach types the noun's help lists (BO_ATTACH_*, -2: none).
 * args is a format: SA_REF, at most once, stands for bpftool's "{id ID |
 * pinned FILE}" (main.c fills it in: once in the binary, not in 8 strings).
 */
#define SA_REF "%s"
struct sa_verb {
	char name[8];		/* in the table, not a pointer; at most 7 chars (C drops an 8th's NUL silently) */
	int (*fn)(struct sa_args *a);	/* a->argv: the words after the verb */
	unsigned char min_args, max_args;
	const char *args;
};
struct sa_verbs {
	const struct sa_verb *v;
	size_t n;
	int to;
};
extern const struct sa_verbs sa_prog_verbs, sa_map_verbs, sa_cgroup_verbs;

/* ref.c */
/* "SOCK_OPS" -> "sock_ops" (two calls may be in one printf). */
const char *sa_lower(const char *s);
/*
 * A program (is_map 0) or map written `id ID` or `pinned FILE` at argv[0..1]:
 * its fd, with "id 12" / "pinned /x" in what; or, after printing the error,
 * minus the exit status.
 */
int sa_ref_open(struct sa_args *a, char **argv, int argc, int is_map, char *what, size_t len);
/* Is program id attached to target as type?  1, 0, or -errno (no
 * BPF_PROG_QUERY: on a sockmap, Linux 6.0). */
int sa_attached(int target, uint32_t type, uint32_t id);
/* Info of a program; with map_ids (room for 64), its map ids too. */
struct bpf_prog_info;
int sa_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids);
/*
 * BPF_PROG_ATTACH (or DETACH) of prog to target as d, with flags.  Says
 * "already attached" / "not attached" (BPF_PROG_QUERY first), and warns when
 * an sk_msg/sk_skb program does not use the sockmap it is attached to.
 * Closes prog and target (target < 0: its opener failed and said why);
 * returns the exit code, the failure reported.
 */
int sa_attach_fd(struct sa_args *a, int prog, const char *prog_what,
		 const struct bo_attach_def *d, int target, const char *target_what,
		 int detach, uint32_t flags);
/* prog {attach|detach} PROG ATTACH_TYPE MAP, in a->argv. */
int sa_prog_attach_cmd(struct sa_args *a, int detach);
/* map.c: `show` of one (argv) or all programs/maps, each with show(). */
int sa_show_all(struct sa_args *a, int is_map, void (*show)(struct sa_args *, int, int));
/* The start of show's line: "7: hash  name m" or ,{"id":7,"type":"hash","name":"m"
 * (no comma when first). */
void sa_show_head(const struct sa_args *a, int first, uint32_t id, const char *type,
		  const char *name);
/* `pin {id ID | pinned FILE} FILE` of a program or map. */
int sa_pin_ref(struct sa_args *a, int is_map);

/* The attach types of the table (to: BO_ATTACH_*, or -1 for all), one line each. */
void sa_print_attach_types(FILE *f, int to);
/* An attach type by bpftool's (or the UAPI) name that attaches to `to`
 * (-1: anything); NULL after a usage error that lists them. */
const struct bo_attach_def *sa_attach_arg(struct sa_args *a, const char *name, int to);

/* The accelerator's options from the arguments: --cgroup (auto resolved,
 * and said), --pin-dir, --port, --replace, and the object, read and parsed
 * into obj (bo_object_free() it after).  0, or the exit status. */
struct sa_accel_opts;
int sa_accel_opts_from_args(struct sa_args *a, struct sa_accel_opts *o, struct bo_object *obj);

int cmd_install(struct sa_args *a);
int cmd_run(struct sa_args *a);
int cmd_remove(struct sa_args *a);
int cmd_status(struct sa_args *a);
int cmd_load(struct sa_args *a);
int cmd_unload(struct sa_args *a);
int cmd_inspect(struct sa_args *a);
int cmd_net(struct sa_args *a);
int cmd_probe(struct sa_args *a);

#endif
