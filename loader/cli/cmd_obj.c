// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_obj.c: the generic commands, for any BPF object: load, unload,
 * attach, detach.  (inspect is in cmd_inspect.c.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/accel.h"
#include "sys/bpf.h"
#include "cli/cli.h"
#include "sys/fs.h"
#include "load/load.h"
#include "sys/names.h"
#include "object.h"
#include "sys/caps.h"
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

/* /sys/fs/bpf/<file name up to the first '.'> */
static void default_pin_dir(const char *obj, char *buf, size_t len)
{
	const char *base = strrchr(obj, '/');

	base = base ? base + 1 : obj;
	snprintf(buf, len, "%s/%.*s", SA_BPFFS_ROOT, (int)strcspn(base, "."), base);
}

int cmd_load(struct sa_args *a)
{
	struct bo_object o;
	struct sa_loaded l = { 0 };
	char dir[PATH_MAX], path[PATH_MAX];
	int created = 0, lock = -1, err;
	size_t i;

	if (sa_check_caps(&a->ctx, "load"))
		return sa_report(a);
	if (sa_parse_file(a, a->argv[0], &o))
		return sa_report(a);
	if (a->pin_dir)
		snprintf(dir, sizeof(dir), "%s", a->pin_dir);
	else
		default_pin_dir(a->argv[0], dir, sizeof(dir));

	err = sa_bpffs_ensure(&a->ctx, dir);
	if (!err)
		err = lock = sa_lock(&a->ctx, dir);
	if (lock >= 0)
		err = sa_load_maps(&a->ctx, &o, &l, dir);
	if (!err)
		err = sa_load_progs(&a->ctx, &l);
	if (!err)
		err = sa_pin_dir_prepare(&a->ctx, dir, &created);
	if (!err)
		err = sa_pin_all(&a->ctx, &l, dir);
	if (err && created)
		rmdir(dir);
	if (!err) {
		for (i = 0; i < o.nmaps; i++) {
			sa_pin_path(path, sizeof(path), dir, o.maps[i].name);
			printf("map %s (%s) %s %s\n", o.maps[i].name,
			       bpf_map_type_name(o.maps[i].type),
			       l.map_reused[i] ? "reused" : "pinned", path);
		}
		for (i = 0; i < o.nprogs; i++) {
			sa_pin_path(path, sizeof(path), dir, o.progs[i].name);
			printf("program %s (%s) pinned %s\n", o.progs[i].name,
			       bpf_prog_type_name(o.progs[i].type), path);
		}
	}
	sa_loaded_close(&l);
	if (lock >= 0)
		close(lock);
	bo_object_free(&o);
	return err ? sa_report(a) : 0;
}

int cmd_unload(struct sa_args *a)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int n = 0, r, lock;

	if (!a->pin_dir)
		return sa_usage_error(a, "--pin-dir is required");
	if (sa_check_caps(&a->ctx, "unload"))
		return sa_report(a);
	r = sa_pin_dir_exists(&a->ctx, a->pin_dir);
	if (r < 0)
		return sa_report(a);
	if (r == 0) {
		printf("sockaccel: nothing pinned in %s\n", a->pin_dir);
		return 0;
	}
	sa_path(path, sizeof(path), a->pin_dir, SA_PIN_RECORD);
	if (!lstat(path, &st)) {
		sa_failx(&a->ctx, -EBUSY, "%s holds a sockaccel install; use 'sockaccel remove'",
			 a->pin_dir);
		return sa_report(a);
	}
	lock = sa_lock(&a->ctx, a->pin_dir);
	if (lock < 0)
		return sa_report(a);
	d = opendir(a->pin_dir);
	if (!d) {
		sa_fail(&a->ctx, -errno, "pin directory '%s'", a->pin_dir);
		close(lock);
		return sa_report(a);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		if (sa_path(path, sizeof(path), a->pin_dir, de->d_name) || unlink(path) < 0)
			continue;	/* subdirectories are not ours */
		sa_info(&a->ctx, "unpinned %s", path);
		n++;
	}
	closedir(d);
	if (rmdir(a->pin_dir) < 0)
		sa_info(&a->ctx, "pin directory %s kept: %s", a->pin_dir, strerror(errno));
	close(lock);
	printf("sockaccel: unpinned %d objects from %s (programs still attached stay until detached)\n",
	       n, a->pin_dir);
	return 0;
}

/* ---- attach / detach ---- */

/*
 * The attach type a program type can only mean: the one attach type of the
 * table's sections of that program type, or -1 when there are several
 * (cgroup_skb: ingress or egress) and the user must say which.
 */
static int default_attach(uint32_t prog_type, int to)
{
	const struct bo_sec_def *d;
	const char *n;
	int t = -1;
	size_t i;

	for (i = 0; (n = bo_sec_def_name(i)); i++) {
		d = bo_sec_def_find(n);
		if (d->prog_type != prog_type || bo_attach_to(d) != to)
			continue;
		if (t >= 0 && t != d->attach_type)
			return -1;
		t = d->attach_type;
	}
	return t;
}

static int attach_cmd(struct sa_args *a, int detach)
{
	const char *prog_pin = a->argv[0], *kind = a->argv[1], *target = a->argv[2];
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), type;
	char canon[PATH_MAX];
	int to_map, prog = -1, tgt = -1, err, t = -1;

	if (!strcmp(kind, "cgroup"))
		to_map = 0;
	else if (!strcmp(kind, "map"))
		to_map = 1;
	else
		return sa_usage_error(a, "'%s': attach to 'cgroup DIR' or 'map MAP_PIN'", kind);
	if (a->argc == 4) {
		const struct bo_attach_def *d = sa_attach_arg(a, a->argv[3], to_map ? BO_ATTACH_MAP : BO_ATTACH_CGROUP);

		if (!d)
			return EXIT_USAGE;
		t = d->type;
	}
	if (sa_check_caps(&a->ctx, a->cmd))
		return sa_report(a);
	prog = sys_obj_get(prog_pin);
	if (prog < 0) {
		sa_fail(&a->ctx, prog, "program pin '%s'", prog_pin);
		return sa_report(a);
	}
	memset(&info, 0, sizeof(info));
	err = sys_obj_get_info_by_fd(prog, &info, &len);
	if (err) {
		sa_fail(&a->ctx, err, "'%s' is not a pinned program", prog_pin);
		goto out;
	}
	if (t < 0)
		t = default_attach(info.type, to_map ? BO_ATTACH_MAP : BO_ATTACH_CGROUP);
	if (t < 0) {
		close(prog);
		sa_usage_error(a, "say how to attach a %s program: add an attach type",
			       bpf_prog_type_name(info.type));
		sa_print_attach_types(stderr, to_map ? BO_ATTACH_MAP : BO_ATTACH_CGROUP);
		return EXIT_USAGE;
	}
	type = (uint32_t)t;
	if (to_map) {
		tgt = sys_obj_get(target);
		err = tgt < 0 ? sa_fail(&a->ctx, tgt, "map pin '%s'", target) : 0;
	} else {
		tgt = sa_cgroup_open(&a->ctx, target, canon, sizeof(canon));
		err = tgt < 0 ? tgt : 0;
	}
	if (err)
		goto out;
	/* Cgroups: BPF_F_ALLOW_MULTI so that what other tools attached stays. */
	if (detach)
		err = sys_prog_detach(prog, tgt, type);
	else
		err = sys_prog_attach(prog, tgt, type, to_map ? 0 : BPF_F_ALLOW_MULTI);
	if (err)
		sa_fail(&a->ctx, err, "program '%s': %s %s '%s' as %s", prog_pin,
			detach ? "BPF_PROG_DETACH from" : "BPF_PROG_ATTACH to", kind, target,
			bpf_attach_type_name(type));
	else
		printf("sockaccel: %s %s %s %s %s (%s)\n", detach ? "detached" : "attached",
		       prog_pin, detach ? "from" : "to", kind, target, bpf_attach_type_name(type));
out:
	if (prog >= 0)
		close(prog);
	if (tgt >= 0)
		close(tgt);
	return err ? sa_report(a) : 0;
}

int cmd_attach(struct sa_args *a)
{
	return attach_cmd(a, 0);
}

int cmd_detach(struct sa_args *a)
{
	return attach_cmd(a, 1);
}

/* "  cgroup: sock_ops ingress ..." (to = BO_ATTACH_*, or -1 for both). */
void sa_print_attach_types(FILE *f, int to)
{
	const struct bo_attach_def *d;
	size_t n, i;
	int k;

	d = bo_attach_defs(&n);
	for (k = BO_ATTACH_CGROUP; k <= BO_ATTACH_MAP; k++) {
		if (to >= 0 && to != k)
			continue;
		fprintf(f, "attach types for a %s:", k == BO_ATTACH_MAP ? "sockmap/sockhash" : "cgroup");
		for (i = 0; i < n; i++)
			if (d[i].to == k)
				fprintf(f, " %s", d[i].name);
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
