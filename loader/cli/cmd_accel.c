// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_accel.c: install, remove, status: arguments in, accel.c, words out.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "cli/cli.h"
#include "sys/fs.h"
#include "load/load.h"
#include "sys/caps.h"
#include "load/probe.h"
#include "sys/readfile.h"
#include "cli/json.h"

#define SA_OBJ_FILE "sockaccel.bpf.o"

extern const char sa_embedded_obj[], sa_embedded_obj_end[];

/* The BPF object: built in, or <--objects DIR>/sockaccel.bpf.o. */
static int get_object(struct sa_args *a, struct sa_accel_opts *o, void **owned)
{
	static char path[PATH_MAX];
	size_t len;
	int err;

	*owned = NULL;
	o->reader = elf_reader_default;
	if (!a->objects) {
		o->obj = sa_embedded_obj;
		o->obj_len = (size_t)(sa_embedded_obj_end - sa_embedded_obj);
		o->obj_name = "(built-in) " SA_OBJ_FILE;
		return 0;
	}
	if (sa_path(path, sizeof(path), a->objects, SA_OBJ_FILE))
		return sa_usage_error(a, "--objects path too long");
	err = sa_read_file(&a->ctx, path, owned, &len);
	if (err)
		return sa_report(a);
	o->obj = *owned;
	o->obj_len = len;
	o->obj_name = path;
	return 0;
}

static void common_opts(struct sa_args *a, struct sa_accel_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cgroup = a->cgroup;
	o->pin_dir = a->pin_dir ? a->pin_dir : SA_PIN_DIR;
	o->ports = a->ports;
	o->nports = a->nports;
}

/* --cgroup auto, resolved once and said (on stderr: stdout stays the result). */
static int resolve_cgroup(struct sa_args *a, struct sa_accel_opts *o)
{
	static char auto_cg[PATH_MAX];
	const char *why;

	if (!o->cgroup || strcmp(o->cgroup, "auto"))
		return 0;
	if (sa_cgroup_auto(&a->ctx, auto_cg, sizeof(auto_cg), &why))
		return sa_report(a);
	fprintf(stderr, "sockaccel: %s: --cgroup auto: %s (%s)\n", a->cmd, auto_cg, why);
	o->cgroup = auto_cg;
	return 0;
}

int sa_accel_opts_from_args(struct sa_args *a, struct sa_accel_opts *o, void **owned)
{
	int ret;

	common_opts(a, o);
	*owned = NULL;
	ret = resolve_cgroup(a, o);
	return ret ? ret : get_object(a, o, owned);
}

int cmd_install(struct sa_args *a)
{
	struct sa_accel_opts o;
	char cgroup[PATH_MAX] = "";
	enum sa_result res;
	void *owned;
	int ret;

	if (sa_check_caps(&a->ctx, "install") || sa_probe_install(&a->ctx))
		return sa_report(a);
	ret = sa_accel_opts_from_args(a, &o, &owned);
	if (ret)
		return ret;
	ret = sa_install(&a->ctx, &o, &res, cgroup);
	free(owned);
	if (ret)
		return sa_report(a);
	if (res == SA_UNCHANGED) {
		printf("sockaccel: already installed on cgroup %s (pins in %s); nothing changed\n",
		       cgroup, o.pin_dir);
		return 0;
	}
	if (res == SA_REPAIRED)
		printf("sockaccel: cleaned up an incomplete earlier install\n");
	printf("sockaccel: installed on cgroup %s (pins in %s)", cgroup, o.pin_dir);
	if (o.nports) {
		size_t i;

		printf(", ports");
		for (i = 0; i < o.nports; i++)
			printf(" %u", o.ports[i]);
	}
	printf("\n");
	return 0;
}

int cmd_remove(struct sa_args *a)
{
	struct sa_accel_opts o;
	struct sa_status st;
	enum sa_result res;

	common_opts(a, &o);
	if (sa_check_caps(&a->ctx, "remove"))
		return sa_report(a);
	if (resolve_cgroup(a, &o))
		return EXIT_FAIL;
	sa_status_read(&a->ctx, o.pin_dir, &st);
	a->ctx.err_set = 0;
	if (sa_remove(&a->ctx, &o, &res))
		return sa_report(a);
	if (res == SA_NOTHING)
		printf("sockaccel: not installed (no pins in %s); nothing to remove\n", o.pin_dir);
	else
		printf("sockaccel: removed from cgroup %s; pins in %s deleted\n",
		       st.cgroup[0] ? st.cgroup : "(unknown)", o.pin_dir);
	return 0;
}

static void status_json(const struct sa_status *s, const char *pin_dir)
{
	size_t i;

	printf("{\"installed\":%s,\"partial\":%s,\"pin_dir\":", s->installed ? "true" : "false",
	       s->partial ? "true" : "false");
	sa_json_str(stdout, pin_dir);
	printf(",\"cgroup\":");
	if (s->cgroup[0])
		sa_json_str(stdout, s->cgroup);
	else
		printf("null");
	printf(",\"attached\":%s,\"msg_attached\":%s", s->attached ? "true" : "false",
	       s->msg_attached < 0 ? "null" : s->msg_attached ? "true" : "false");
	printf(",\"programs\":{\"%s\":%u,\"%s\":%u}", SA_PROG_SOCKOPS, s->ops_id,
	       SA_PROG_SKMSG, s->msg_id);
	printf(",\"maps\":{");
	for (i = 0; i < SA_NMAPS; i++)
		printf("%s\"%s\":%u", i ? "," : "", sa_map_names[i], s->map_ids[i]);
	printf("},\"sockets\":%" PRIu64 ",\"ports\":", s->sockets);
	if (!s->port_filter) {
		printf("\"all\"");
	} else {
		printf("[");
		for (i = 0; i < s->nports; i++)
			printf("%s%u", i ? "," : "", s->ports[i]);
		printf("]");
	}
	printf(",\"counters\":{");
	for (i = 0; i < SA_COUNTER_MAX; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", sa_counter_names[i], s->counters[i]);
	printf("}}\n");
}

static void status_text(const struct sa_status *s, const char *pin_dir)
{
	size_t i;

	if (!s->installed && !s->partial) {
		printf("installed: no (no pins in %s)\n", pin_dir);
		return;
	}
	printf("installed: %s\n", s->installed ? "yes" :
	       "partly (an interrupted install; run install or remove to repair)");
	printf("cgroup:    %s (sockops %s)\n", s->cgroup[0] ? s->cgroup : "(unknown)",
	       s->attached ? "attached" : "NOT attached");
	printf("pin dir:   %s\n", pin_dir);
	printf("programs:  %s id %u, %s id %u (%s)\n", SA_PROG_SOCKOPS, s->ops_id,
	       SA_PROG_SKMSG, s->msg_id,
	       s->msg_attached < 0 ? "attachment to sock_hash not queryable on this kernel" :
	       s->msg_attached ? "attached to sock_hash" : "NOT attached to sock_hash");
	printf("maps:     ");
	for (i = 0; i < SA_NMAPS; i++)
		printf(" %s id %u%s", sa_map_names[i], s->map_ids[i], i < SA_NMAPS - 1 ? "," : "\n");
	printf("ports:     ");
	if (!s->port_filter)
		printf("all");
	for (i = 0; s->port_filter && i < s->nports; i++)
		printf("%s%u", i ? " " : "", s->ports[i]);
	printf("\nsockets:   %" PRIu64 " in sock_hash\ncounters:\n", s->sockets);
	for (i = 0; i < SA_COUNTER_MAX; i++)
		printf("  %-26s %" PRIu64 "\n", sa_counter_names[i], s->counters[i]);
}

int cmd_status(struct sa_args *a)
{
	const char *pin_dir = a->pin_dir ? a->pin_dir : SA_PIN_DIR;
	struct sa_status s;

	if (sa_check_caps(&a->ctx, "status"))
		return sa_report(a);
	if (sa_status_read(&a->ctx, pin_dir, &s) || a->ctx.err_set)
		return sa_report(a);
	if (a->json)
		status_json(&s, pin_dir);
	else
		status_text(&s, pin_dir);
	return 0;
}
