/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_CLI_H
#define SOCKACCEL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/sockaccel.h"
#include "sys/ctx.h"

#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* Options, parsed once for every command (each says which it takes). */
struct sa_args {
	const char *cmd;
	const char *cgroup, *pin_dir, *objects, *type;
	uint16_t ports[SA_PORTS_MAX];
	size_t nports;
	int json, disasm;
	int argc;		/* positional arguments after the command */
	char **argv;
	struct sa_ctx ctx;
};

/* Print "sockaccel: <cmd>: <message>" (and the verifier log); returns 1. */
int sa_report(struct sa_args *a);
int sa_usage_error(const struct sa_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decimal number from 0 to max, nothing else; 0 or -EINVAL.  (Not
 * strtoul: it brings 3 KiB of musl's stdio into the static binary.) */
int sa_parse_u32(const char *s, uint32_t max, uint32_t *out);

/* Read and parse OBJ with the build's ELF reader and --type; 0 or -errno. */
struct bo_object;
int sa_parse_file(struct sa_args *a, const char *path, struct bo_object *o);

int cmd_install(struct sa_args *a);
int cmd_remove(struct sa_args *a);
int cmd_status(struct sa_args *a);
int cmd_load(struct sa_args *a);
int cmd_unload(struct sa_args *a);
int cmd_attach(struct sa_args *a);
int cmd_detach(struct sa_args *a);
int cmd_inspect(struct sa_args *a);
int cmd_net(struct sa_args *a);
int cmd_probe(struct sa_args *a);

#endif
