// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_accel.c: install, remove, status: arguments in, loader/accel/, words
 * (or JSON) out.  The object is read and parsed here, once, and passed down.
 */
#include <sys/socket.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "accel/prom.h"
#include "accel/unpack.h"
#include "cli/cli.h"
#include "load/probe.h"
#include "cli/json.h"
#include "sys/caps.h"
#include "sys/fs.h"
#include "sys/names.h"
#include "sys/readfile.h"

#define SA_OBJ_FILE "sockaccel.bpf.o"

/* The built-in object, packed (loader/accel/embed.S, tools/pack.c), and
 * the room it unpacks into: its exact size, in .bss (no file bytes, no
 * allocation). */
extern const unsigned char sa_embedded_z[], sa_embedded_z_end[];
extern unsigned char sa_embedded_obj[], sa_embedded_obj_end[];

/* The BPF object, parsed: built in, or <--objects DIR>/sockaccel.bpf.o. */
static int get_object(struct sa_args *a, struct bo_object *obj)
{
	static char path[PATH_MAX];
	const char *name = "(built-in) " SA_OBJ_FILE;
	const void *bytes = sa_embedded_obj;
	size_t len = (size_t)(sa_embedded_obj_end - sa_embedded_obj);
	void *owned = NULL;
	int err;

	if (a->objects) {
		if (sa_path(path, sizeof(path), a->objects, SA_OBJ_FILE))
			return sa_usage_error(a, "--objects path too long");
		if (sa_read_file(&a->ctx, path, &owned, &len))
			return sa_report(a);
		bytes = owned;
		name = path;
	} else if (sa_unpack(sa_embedded_obj, len, sa_embedded_z,
			     (size_t)(sa_embedded_z_end - sa_embedded_z))) {
		/* Only a damaged binary gets here; the parse of nothing says
		 * "elf: (built-in) sockaccel.bpf.o: not an ELF file", which is
		 * true, for no message of its own. */
		len = 0;
	}
	err = bo_object_parse(obj, elf_reader_default, bytes, len, name, NULL);
	free(owned);
	if (err) {
		sa_failx(&a->ctx, err, "elf: %s: %s", name, obj->err);
		return sa_report(a);
	}
	return 0;
}

static void common_opts(struct sa_args *a, struct sa_accel_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cgroup = a->cgroup;
	o->pin_dir = a->pin_dir ? a->pin_dir : SA_PIN_DIR;
	o->ports = a->ports;
	o->nports = a->nports;
	o->replace = a->replace;
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

int sa_accel_opts_from_args(struct sa_args *a, struct sa_accel_opts *o, struct bo_object *obj)
{
	int ret;

	memset(obj, 0, sizeof(*obj));
	common_opts(a, o);
	ret = resolve_cgroup(a, o);
	if (!ret)
		ret = get_object(a, obj);
	o->obj = obj;
	return ret;
}

int cmd_install(struct sa_args *a)
{
	static const char *const done[] = {
		[SA_DONE] = "installed on", [SA_REPAIRED] = "installed on",
		[SA_REPLACED] = "replaced the programs on",
	};
	static struct sa_accel_opts o;
	static struct bo_object obj;
	static char cgroup[PATH_MAX], root[PATH_MAX];
	enum sa_result res;
	size_t i;
	int ret;

	if (sa_check_caps(&a->ctx, "install") || sa_probe_install(&a->ctx))
		return sa_report(a);
	ret = sa_accel_opts_from_args(a, &o, &obj);
	if (ret)
		return ret;
	ret = sa_install(&a->ctx, &o, &res, cgroup);
	bo_object_free(&obj);
	if (ret)
		return sa_report(a);
	if (res == SA_UNCHANGED) {
		printf("sockaccel: already installed on cgroup %s (pins in %s); nothing changed\n",
		       cgroup, o.pin_dir);
		return 0;
	}
	if (res == SA_REPAIRED)
		printf("sockaccel: cleaned up an incomplete earlier install\n");
	printf("sockaccel: %s cgroup %s (pins in %s)", done[res], cgroup, o.pin_dir);
	if (o.nports)
		printf(", ports");
	for (i = 0; i < o.nports; i++)
		printf(" %u", o.ports[i]);
	/* Say it plainly when that is the whole host. */
	if (!sa_cgroup_default(&a->ctx, root, sizeof(root)) && !strcmp(root, cgroup))
		printf("; the cgroup v2 root: every TCP connection of this host");
	printf("\n");
	return 0;
}

int cmd_remove(struct sa_args *a)
{
	struct sa_accel_opts o;
	char rec[PATH_MAX] = "(unknown)";
	enum sa_result res;

	common_opts(a, &o);
	if (sa_check_caps(&a->ctx, "remove"))
		return sa_report(a);
	if (resolve_cgroup(a, &o))
		return EXIT_FAIL;
	sa_read_record(o.pin_dir, sa_items[SA_REC_CGROUP].name, rec, sizeof(rec));
	if (sa_remove(&a->ctx, &o, &res))
		return sa_report(a);
	if (res == SA_NOTHING)
		printf("sockaccel: not installed (no pins in %s); nothing to remove\n", o.pin_dir);
	else
		printf("sockaccel: removed from cgroup %s; pins in %s deleted\n", rec, o.pin_dir);
	return 0;
}

/* ---- output ---- */

/* bpftool spells UAPI enum names in lower case: "sockhash", "sock_ops". */
static void lower(const char *s)
{
	while (*s)
		putchar(tolower((unsigned char)*s++));
}

static void json_str_or_null(const char *s)
{
	if (s && s[0])
		sa_json_str(stdout, s);
	else
		printf("null");
}

static void print_id(uint32_t id)
{
	if (id)
		printf("%u", id);
	else
		printf("null");
}

/*
 * One end of a connection: the address as inet_ntop() writes it (IPv6: the
 * longest run of two or more zero groups as "::", RFC 5952), written here
 * because musl's inet_ntop costs 750 bytes of the static binary; then the
 * port (JSON: "ADDR","local_port":N; text: ADDR:N, [ADDR]:N for IPv6).
 */
static void print_end(const struct sa_key *k, const uint32_t *ip, uint16_t port, int json)
{
	const uint8_t *b = (const uint8_t *)ip;
	int v6 = k->family == AF_INET6, i, best = -1, blen = 1, run = 0;

	printf(json ? "\"" : v6 ? "[" : "");
	for (i = 0; v6 && i < 8; i++) {
		run = b[2 * i] | b[2 * i + 1] ? 0 : run + 1;
		if (run > blen) {
			blen = run;
			best = i - run + 1;
		}
	}
	for (i = 0; v6 && i < 8; i++) {
		if (i == best) {
			printf("::");
			i += blen - 1;
			continue;
		}
		printf("%s%x", i && i != best + blen ? ":" : "", b[2 * i] << 8 | b[2 * i + 1]);
	}
	if (!v6)
		printf("%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (json)
		printf("\",\"%s_port\":%u", ip == k->local_ip ? "local" : "remote", port);
	else
		printf("%s:%u", v6 ? "]" : "", port);
}

static void print_conns(const struct sa_status *s, int json)
{
	size_t i;

	for (i = 0; i < s->nconns; i++) {
		const struct sa_key *k = &s->conns[i];

		printf(json ? "%s{\"netns\":%" PRIu64 ",\"family\":\"%s\",\"local\":" :
		       "%s  netns %" PRIu64 " %s ", json && i ? "," : "", (uint64_t)k->netns,
		       k->family == AF_INET6 ? "ipv6" : "ipv4");
		print_end(k, k->local_ip, k->local_port, json);
		printf(json ? ",\"remote\":" : " -> ");
		print_end(k, k->remote_ip, k->remote_port, json);
		printf(json ? "}" : "\n");
	}
}

static const char *tf(int x)
{
	return x ? "true" : "false";
}

/* Every install has the items before SA_UNREAD; the backpressure ones
 * only when its object had them. */
static int has_item(const struct sa_status *s, size_t i)
{
	return i < SA_UNREAD || (s->present >> i & 1);
}

static void status_json(const struct sa_status *s, const char *pin_dir, int conns)
{
	const char *sp = strchr(s->version, ' ');
	char tag[17];
	size_t i;
	int k, first;

	printf("{\"state\":\"%s\",\"installed\":%s,\"partial\":%s,\"pin_dir\":",
	       sa_state_names[s->state], tf(s->state == SA_INSTALLED), tf(s->state == SA_PARTIAL));
	sa_json_str(stdout, pin_dir);
	printf(",\"cgroup\":");
	json_str_or_null(s->cgroup);
	printf(",\"attached\":%s,\"msg_attached\":%s,\"version\":", tf(s->attached),
	       s->msg_attached < 0 ? "null" : tf(s->msg_attached));
	if (sp)
		printf("\"%.*s\",\"object\":\"%s\"", (int)(sp - s->version), s->version, sp + 1);
	else
		printf("null,\"object\":null");
	/* Every item of the install, in the table's order. */
	for (k = SA_K_MAP; k <= SA_K_PROG; k++) {
		printf(",\"%s\":[", k == SA_K_MAP ? "maps" : "programs");
		for (i = 0, first = 1; i < SA_NITEMS; i++) {
			if (sa_items[i].kind != k || !has_item(s, i))
				continue;
			printf("%s{\"name\":\"%s\",\"type\":\"", first ? "" : ",", sa_items[i].name);
			lower(k == SA_K_MAP ? bpf_map_type_name(sa_items[i].type) :
			      bpf_prog_type_name(sa_items[i].type));
			printf("\",\"id\":");
			print_id(s->ids[i]);
			if (k == SA_K_PROG) {
				sa_tag_hex(s->tags[i], tag);
				printf(",\"tag\":");
				json_str_or_null(s->ids[i] ? tag : NULL);
			}
			printf("}");
			first = 0;
		}
		printf("]");
	}
	printf(",\"pins\":[");
	for (i = 0; i < SA_NITEMS; i++)
		if (has_item(s, i))
			printf("%s\"%s\"", i ? "," : "", sa_items[i].name);
	printf("],\"other_programs\":[");
	for (i = 0; i < s->nothers; i++) {
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", s->others[i]);
		sa_json_str(stdout, s->other_names[i]);
		printf("}");
	}
	printf("],\"overlap\":");
	if (s->overlap_id) {
		printf("{\"cgroup\":");
		sa_json_str(stdout, s->overlap_cgroup);
		printf(",\"id\":%u}", s->overlap_id);
	} else {
		printf("null");
	}
	printf(",\"sockets\":%" PRIu64 ",\"port_filter\":%s,\"ports\":[", s->sockets,
	       tf(s->port_filter));
	for (i = 0; i < s->nports; i++)
		printf("%s%u", i ? "," : "", s->ports[i]);
	printf("],\"unread_max_kib\":%u,\"read_link_id\":%u,\"counters\":{", s->unread_max_kib,
	       s->ids[SA_READ_LINK]);
	for (i = 0; i < SA_COUNTER_MAX; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", sa_counter_names[i], s->counters[i]);
	printf("}");
	if (conns) {
		printf(",\"connections\":[");
		print_conns(s, 1);
		printf("]");
	}
	printf("}\n");
}

static void status_text(const struct sa_status *s, const char *pin_dir, int conns)
{
	static const char *const says[SA_NSTATES] = {
		[SA_INSTALLED] = "yes",
		[SA_PARTIAL] = "partly (an interrupted install; run install or remove to repair)",
		[SA_DETACHED] = "yes, but DETACHED (run install to repair, or remove)",
		[SA_CGROUP_GONE] = "yes, but its cgroup is GONE (run remove)",
	};
	char tags[3][17];
	size_t i;

	if (s->state == SA_NOT_INSTALLED) {
		printf("installed: no (no pins in %s)\n", pin_dir);
		return;
	}
	sa_tag_hex(s->tags[SA_OPS], tags[0]);
	sa_tag_hex(s->tags[SA_MSG], tags[1]);
	sa_tag_hex(s->tags[SA_OPT], tags[2]);
	printf("installed: %s\nstate:     %s\ncgroup:    %s (programs %s)\npin dir:   %s\n"
	       "version:   %s\nprograms:  " SA_PROG_SOCKOPS " id %u tag %s, " SA_PROG_SKMSG
	       " id %u tag %s (%s), " SA_PROG_SOCKOPT " id %u tag %s\nmaps:     ",
	       says[s->state], sa_state_names[s->state],
	       s->cgroup[0] ? s->cgroup : "(unknown)", s->attached ? "attached" : "NOT attached",
	       pin_dir, s->version[0] ? s->version : "(unknown)",
	       s->ids[SA_OPS], tags[0], s->ids[SA_MSG], tags[1],
	       s->msg_attached < 0 ? "attachment to sock_hash not queryable on this kernel" :
	       s->msg_attached ? "attached to sock_hash" : "NOT attached to sock_hash",
	       s->ids[SA_OPT], tags[2]);
	for (i = 0; i < SA_NITEMS; i++)
		if (sa_items[i].kind == SA_K_MAP && has_item(s, i))
			printf("%s %s id %u", i ? "," : "", sa_items[i].name, s->ids[i]);
	printf("\nothers:    ");
	for (i = 0; i < s->nothers; i++)
		printf("id %u %.16s; ", s->others[i], s->other_names[i]);
	printf(s->nothers ? "(other sock_ops programs on the cgroup)\n" : "none\n");
	printf("ports:     ");
	if (!s->port_filter)
		printf("all");
	for (i = 0; s->port_filter && i < s->nports; i++)
		printf("%s%u", i ? " " : "", s->ports[i]);
	printf("\nsockets:   %" PRIu64 " in sock_hash (at most %u)\nbound:     %u KiB unread, read_link id %u\n",
	       s->sockets, s->sockhash_max, s->unread_max_kib, s->ids[SA_READ_LINK]);
	if (conns)
		print_conns(s, 0);
	printf("counters:\n");
	for (i = 0; i < SA_COUNTER_MAX; i++)
		printf("  %-26s %" PRIu64 "\n", sa_counter_names[i], s->counters[i]);
}

/* status --all: one line (or JSON object) per instance. */
static int print_instance(const struct sa_instance *in, void *arg)
{
	struct sa_args *a = arg;
	struct sa_status s;
	struct sa_ctx quiet = { 0 };
	int have = in->pin_dir[0] && !sa_status_read(&quiet, in->pin_dir, &s, 0);
	const char *ver = have && s.version[0] ? s.version : NULL;
	int n = a->argc++;

	if (a->json) {
		printf("%s{\"cgroup\":", n ? "," : "");
		json_str_or_null(in->cgroup);
		printf(",\"pin_dir\":");
		json_str_or_null(in->pin_dir);
		printf(",\"id\":%u,\"version\":", in->ops_id);
		json_str_or_null(ver);
		if (have)
			printf(",\"state\":\"%s\",\"sockets\":%" PRIu64 "}", sa_state_names[s.state],
			       s.sockets);
		else
			printf(",\"state\":null,\"sockets\":null}");
		return 0;
	}
	printf("%-40s pins %s  id %u  version %s", in->cgroup[0] ? in->cgroup : "(NOT attached)",
	       in->pin_dir[0] ? in->pin_dir : "(none)", in->ops_id, ver ? ver : "(unknown)");
	if (have)
		printf("  %s  sockets %" PRIu64, sa_state_names[s.state], s.sockets);
	printf("\n");
	return 0;
}

int cmd_status(struct sa_args *a)
{
	const char *pin_dir = a->pin_dir ? a->pin_dir : SA_PIN_DIR;
	static struct sa_status s;

	if (sa_check_caps(&a->ctx, "status"))
		return sa_report(a);
	if (a->all) {
		if (a->json)
			printf("{\"instances\":[");
		a->argc = 0;
		if (sa_instances_all(&a->ctx, print_instance, a) < 0)
			return sa_report(a);
		if (a->json)
			printf("]}\n");
		else if (!a->argc)
			printf("no sockaccel instance on this host\n");
		return 0;
	}
	if (sa_status_read(&a->ctx, pin_dir, &s, SA_READ_CGROUP |
			   (a->sockets ? SA_READ_SOCKETS : 0)))
		return sa_report(a);
	if (a->prometheus)	/* for node_exporter's textfile collector */
		sa_prom_write(stdout, &s, NULL);
	else if (a->json)
		status_json(&s, pin_dir, a->sockets);
	else
		status_text(&s, pin_dir, a->sockets);
	sa_status_free(&s);
	return s.state == SA_INSTALLED ? 0 : SA_EXIT_STATE + (int)s.state;
}
