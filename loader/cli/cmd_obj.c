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

static const struct { const char *name; uint32_t type; int map; } attach_names[] = {
	{ "sock_ops", BPF_CGROUP_SOCK_OPS, 0 }, { "ingress", BPF_CGROUP_INET_INGRESS, 0 },
	{ "egress", BPF_CGROUP_INET_EGRESS, 0 }, { "sock_create", BPF_CGROUP_INET_SOCK_CREATE, 0 },
	{ "sock_release", BPF_CGROUP_INET_SOCK_RELEASE, 0 }, { "device", BPF_CGROUP_DEVICE, 0 },
	{ "bind4", BPF_CGROUP_INET4_BIND, 0 }, { "bind6", BPF_CGROUP_INET6_BIND, 0 },
	{ "post_bind4", BPF_CGROUP_INET4_POST_BIND, 0 }, { "post_bind6", BPF_CGROUP_INET6_POST_BIND, 0 },
	{ "connect4", BPF_CGROUP_INET4_CONNECT, 0 }, { "connect6", BPF_CGROUP_INET6_CONNECT, 0 },
	{ "getpeername4", BPF_CGROUP_INET4_GETPEERNAME, 0 }, { "getpeername6", BPF_CGROUP_INET6_GETPEERNAME, 0 },
	{ "getsockname4", BPF_CGROUP_INET4_GETSOCKNAME, 0 }, { "getsockname6", BPF_CGROUP_INET6_GETSOCKNAME, 0 },
	{ "sendmsg4", BPF_CGROUP_UDP4_SENDMSG, 0 }, { "sendmsg6", BPF_CGROUP_UDP6_SENDMSG, 0 },
	{ "recvmsg4", BPF_CGROUP_UDP4_RECVMSG, 0 }, { "recvmsg6", BPF_CGROUP_UDP6_RECVMSG, 0 },
	{ "sysctl", BPF_CGROUP_SYSCTL, 0 }, { "getsockopt", BPF_CGROUP_GETSOCKOPT, 0 },
	{ "setsockopt", BPF_CGROUP_SETSOCKOPT, 0 },
	{ "msg_verdict", BPF_SK_MSG_VERDICT, 1 }, { "stream_verdict", BPF_SK_SKB_STREAM_VERDICT, 1 },
	{ "stream_parser", BPF_SK_SKB_STREAM_PARSER, 1 }, { "skb_verdict", BPF_SK_SKB_VERDICT, 1 },
};

/* The attach type a program type can only mean, or -1. */
static int default_attach(uint32_t prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCK_OPS: return BPF_CGROUP_SOCK_OPS;
	case BPF_PROG_TYPE_SK_MSG: return BPF_SK_MSG_VERDICT;
	case BPF_PROG_TYPE_CGROUP_DEVICE: return BPF_CGROUP_DEVICE;
	case BPF_PROG_TYPE_CGROUP_SYSCTL: return BPF_CGROUP_SYSCTL;
	default: return -1;
	}
}

static int attach_cmd(struct sa_args *a, int detach)
{
	const char *prog_pin = a->argv[0], *kind = a->argv[1], *target = a->argv[2];
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), type;
	char canon[PATH_MAX];
	int to_map, prog = -1, tgt = -1, err, t = -1;
	size_t i;

	if (!strcmp(kind, "cgroup"))
		to_map = 0;
	else if (!strcmp(kind, "map"))
		to_map = 1;
	else
		return sa_usage_error(a, "'%s': attach to 'cgroup DIR' or 'map MAP_PIN'", kind);
	if (a->argc == 4) {
		for (i = 0; i < sizeof(attach_names) / sizeof(attach_names[0]); i++)
			if (!strcmp(a->argv[3], attach_names[i].name) &&
			    attach_names[i].map == to_map)
				t = (int)attach_names[i].type;
		if (t < 0)
			t = bpf_attach_type_by_name(a->argv[3]);
		if (t < 0)
			return sa_usage_error(a, "unknown attach type '%s' for a %s", a->argv[3], kind);
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
		t = default_attach(info.type);
	if (t < 0) {
		close(prog);
		return sa_usage_error(a, "say how to attach a %s program (add an attach type)",
				      bpf_prog_type_name(info.type));
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
