// SPDX-License-Identifier: GPL-2.0
/*
 * ref.c: what the generic commands share: reading an object, programs and
 * maps named as bpftool names them (`id ID` or `pinned FILE`), attach
 * types by name, and BPF_PROG_ATTACH/DETACH with errors a person can act
 * on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "object.h"
#include "sys/bpf.h"
#include "sys/names.h"
#include "sys/readfile.h"

int sa_parse_file(struct sa_args *a, const char *path, struct bo_object *o)
{
	void *buf;
	size_t len;
	int err;

	err = sa_read_file(&a->ctx, path, &buf, &len);
	if (err)
		return err;
	err = bo_object_parse(o, elf_reader_default, buf, len, path, a->type);
	free(buf);
	if (err)
		return sa_failx(&a->ctx, err, "elf: %s: %s", path, o->err);
	return 0;
}

/* UAPI names as bpftool prints them: "SOCK_OPS" -> "sock_ops". */
const char *sa_lower(const char *s)
{
	static char b[2][32];
	static int k;
	char *o = b[k ^= 1];
	size_t i;

	for (i = 0; s[i] && i < sizeof(b[0]) - 1; i++)
		o[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
	o[i] = '\0';
	return o;
}

/* Is fd a program (want 'p') or a map ('m')?  /proc/self/fd says. */
static int fd_is(int fd, char want)
{
	char l[32], t[64];
	ssize_t n;

	snprintf(l, sizeof(l), "/proc/self/fd/%d", fd);
	n = readlink(l, t, sizeof(t) - 1);
	if (n < 0)
		return 1;	/* no /proc: the kernel will say */
	t[n] = '\0';
	return !strcmp(t, want == 'p' ? "anon_inode:bpf-prog" : "anon_inode:bpf-map");
}

int sa_ref_open(struct sa_args *a, char **argv, int argc, int is_map, char *what, size_t len)
{
	const char *kind = is_map ? "map" : "program";
	uint32_t id;
	int fd;

	if (argc < 2 || (strcmp(argv[0], "id") && strcmp(argv[0], "pinned")))
		return -sa_usage_error(a, "expected a %s: 'id ID' or 'pinned FILE'", kind);
	snprintf(what, len, "%s %s", argv[0], argv[1]);
	if (argv[0][0] == 'i') {
		if (sa_parse_u32(argv[1], UINT32_MAX, &id))
			return -sa_usage_error(a, "'%s' is not a %s id", argv[1], kind);
		fd = is_map ? sys_map_get_fd_by_id(id) : sys_prog_get_fd_by_id(id);
	} else {
		fd = sys_obj_get(argv[1]);
	}
	if (fd < 0) {
		sa_fail(&a->ctx, fd, "%s %s", kind, what);
		return -sa_report(a);
	}
	if (!fd_is(fd, is_map ? 'm' : 'p')) {
		close(fd);
		sa_failx(&a->ctx, -EINVAL, "%s is not a %s", what, kind);
		return -sa_report(a);
	}
	return fd;
}

void sa_print_attach_types(FILE *f, int to)
{
	size_t i;
	int k;

	for (k = BO_ATTACH_CGROUP; k <= BO_ATTACH_MAP; k++) {
		if (to >= 0 && to != k)
			continue;
		fprintf(f, "attach types for a %s:", k == BO_ATTACH_MAP ? "sockmap/sockhash" : "cgroup");
		for (i = 0; i < bo_attach_count(); i++)
			if (bo_attach_nth(i)->to == k)
				fprintf(f, " %s", bo_attach_nth(i)->name);
		fputc('\n', f);
	}
}

const struct bo_attach_def *sa_attach_arg(struct sa_args *a, const char *name, int to)
{
	const struct bo_attach_def *d = bo_attach_find(name);
	int t;

	/* The UAPI spelling too: "cgroup_inet_ingress", "CGROUP_SOCK_OPS". */
	if (!d && (t = bpf_attach_type_by_name(name)) >= 0)
		d = bo_attach_by_type((uint32_t)t);
	if (d && (to < 0 || d->to == to))
		return d;
	if (d)
		sa_usage_error(a, "attach type '%s' attaches to a %s", name,
			       d->to == BO_ATTACH_MAP ? "sockmap/sockhash" : "cgroup");
	else
		sa_usage_error(a, "unknown attach type '%s'", name);
	sa_print_attach_types(stderr, to);
	return NULL;
}

#define MAX_IDS 64

/* A program's id, name and map ids (up to MAX_IDS). */
int sa_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids)
{
	uint32_t len = sizeof(*info), n;
	int err;

	memset(info, 0, sizeof(*info));
	err = sys_obj_get_info_by_fd(fd, info, &len);
	if (err || !map_ids)
		return err;
	n = info->nr_map_ids < MAX_IDS ? info->nr_map_ids : MAX_IDS;
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n;
	info->map_ids = (uint64_t)(uintptr_t)map_ids;
	len = sizeof(*info);
	return sys_obj_get_info_by_fd(fd, info, &len);
}

int sa_attached(int target, uint32_t type, uint32_t id)
{
	uint32_t ids[MAX_IDS], cnt = MAX_IDS, i;
	int err = sys_prog_query(target, type, NULL, ids, &cnt);

	if (err)
		return err;
	for (i = 0; i < cnt && i < MAX_IDS; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * An sk_msg/sk_skb program redirects into the maps it was loaded with.
 * Attached to another sockmap it runs and redirects nothing: the silent
 * failure of two objects that each made their own sockhash.
 */
static void warn_unused_map(const struct bpf_prog_info *pi, const uint32_t *map_ids,
			    const char *prog_what, int map, const char *map_what)
{
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi), i;

	memset(&mi, 0, sizeof(mi));
	if (sys_obj_get_info_by_fd(map, &mi, &len))
		return;
	for (i = 0; i < pi->nr_map_ids && i < MAX_IDS; i++)
		if (map_ids[i] == mi.id)
			return;
	fprintf(stderr, "sockaccel: warning: %s (%s) does not use map %s: it cannot redirect "
		"into it (load it with 'map name %s pinned FILE')\n",
		prog_what, pi->name, map_what, mi.name);
}

int sa_attach_fd(struct sa_args *a, int prog, const char *prog_what,
		 const struct bo_attach_def *d, int target, const char *target_what,
		 int detach, uint32_t flags)
{
	static struct bpf_prog_info pi;	/* cli.h */
	static uint32_t map_ids[MAX_IDS];
	int err = target, in;

	if (target < 0)		/* its opener said why */
		goto out;
	err = sa_prog_info(prog, &pi, map_ids);
	if (err) {
		sa_fail(&a->ctx, err, "program %s", prog_what);
		goto out_target;
	}
	in = sa_attached(target, d->type, pi.id);
	if (in == !detach) {
		err = sa_failx(&a->ctx, detach ? -ENOENT : -EEXIST, "program %s is %s attached to %s as %s",
			       prog_what, detach ? "not" : "already", target_what, d->name);
		goto out_target;
	}
	if (!detach && d->to == BO_ATTACH_MAP)
		warn_unused_map(&pi, map_ids, prog_what, target, target_what);
	err = detach ? sys_prog_detach(prog, target, d->type) :
		       sys_prog_attach(prog, target, d->type, flags);
	if (err)
		sa_fail(&a->ctx, err, "program %s: %s %s as %s", prog_what,
			detach ? "BPF_PROG_DETACH from" : "BPF_PROG_ATTACH to",
			target_what, d->name);
out_target:
	close(target);
out:
	close(prog);
	return err ? sa_report(a) : 0;
}
