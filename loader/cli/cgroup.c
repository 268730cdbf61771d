// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup.c: `sockaccel cgroup attach|detach|show`, bpftool's grammar, and
 * the short forms `attach`/`detach PROG_PIN {cgroup DIR | map MAP_PIN}`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "object.h"
#include "sys/bpf.h"
#include "sys/caps.h"
#include "sys/fs.h"
#include "sys/names.h"

/* cgroup {attach|detach} CGROUP ATTACH_TYPE PROG [multi | override] */
static int cgroup_attach_cmd(struct sa_args *a, int detach)
{
	const struct bo_attach_def *d;
	static char canon[PATH_MAX], what[PATH_MAX + 8];
	uint32_t flags = 0;
	int cg, prog;

	d = sa_attach_arg(a, a->argv[1], BO_ATTACH_CGROUP);
	if (!d)
		return EXIT_USAGE;
	if (a->argc == 5) {	/* detach takes 4 words (run_verb) */
		/* bpftool's words; without one the program is the only one (flags 0). */
		if (!strcmp(a->argv[4], "multi"))
			flags = BPF_F_ALLOW_MULTI;
		else if (!strcmp(a->argv[4], "override"))
			flags = BPF_F_ALLOW_OVERRIDE;
		else
			return sa_usage_error(a, "'%s': say 'multi' or 'override'", a->argv[4]);
	}
	if (sa_check_caps(&a->ctx, a->cmd))
		return sa_report(a);
	prog = sa_ref_open(a, a->argv + 2, a->argc - 2, 0, what, sizeof(what));
	if (prog < 0)
		return -prog;
	cg = sa_cgroup_open(&a->ctx, a->argv[0], canon, sizeof(canon));
	return sa_attach_fd(a, prog, what, d, cg, canon, detach, flags);
}

static int cgroup_attach(struct sa_args *a) { return cgroup_attach_cmd(a, 0); }
static int cgroup_detach(struct sa_args *a) { return cgroup_attach_cmd(a, 1); }

/* bpftool's table: ID, AttachType (libbpf's spelling, as Debian's bpftool
 * 7 prints it: "cgroup_sock_ops"), AttachFlags, Name. */
static int cgroup_show(struct sa_args *a)
{
	static char canon[PATH_MAX];
	size_t i;
	int cg, first = 1;

	cg = sa_cgroup_open(&a->ctx, a->argv[0], canon, sizeof(canon));
	if (cg < 0)
		return sa_report(a);
	if (a->json)
		putchar('[');
	else	/* the columns of the rows' format */
		fputs("ID       AttachType      AttachFlags     Name           \n", stdout);
	for (i = 0; i < bo_attach_count(); i++) {
		const struct bo_attach_def *d = bo_attach_nth(i);
		uint32_t ids[64], cnt = 64, fl = 0, k;

		if (d->to != BO_ATTACH_CGROUP || sys_prog_query(cg, d->type, &fl, ids, &cnt))
			continue;
		for (k = 0; k < cnt && k < 64; k++) {
			const char *f = fl & BPF_F_ALLOW_MULTI ? "multi" :
					fl & BPF_F_ALLOW_OVERRIDE ? "override" : "";
			const char *at = sa_lower(bpf_attach_type_name(d->type));
			struct bpf_prog_info pi;
			int fd = sys_prog_get_fd_by_id(ids[k]);

			memset(&pi, 0, sizeof(pi));
			if (fd >= 0) {
				sa_prog_info(fd, &pi, NULL);
				close(fd);
			}
			printf(a->json ? ",{\"id\":%u,\"attach_type\":\"%s\",\"attach_flags\":\"%s\",\"name\":\"%s\"}" + first
				       : "%-8u %-15s %-15s %-15s\n", ids[k], at, f, pi.name);
			first = 0;
		}
	}
	if (a->json)
		puts("]");
	close(cg);
	return 0;
}

#define PROG_ARG SA_REF

static const struct sa_verb verbs[] = {
	{ "attach", cgroup_attach, 3, 5, "CGROUP ATTACH_TYPE " PROG_ARG " [multi | override]" },
	{ "detach", cgroup_detach, 3, 4, "CGROUP ATTACH_TYPE " PROG_ARG },
	{ "show", cgroup_show, 1, 1, "CGROUP" },
};
const struct sa_verbs sa_cgroup_verbs = { verbs, sizeof(verbs) / sizeof(verbs[0]), BO_ATTACH_CGROUP };
