// SPDX-License-Identifier: GPL-2.0
/*
 * net.c: XDP and tc programs on network devices, in bpftool's `net` grammar,
 * through bpf_link only (BPF_LINK_CREATE: XDP links Linux 5.9, tcx 6.6):
 *
 *   net attach TYPE PROG dev NAME [overwrite]
 *   net detach TYPE dev NAME
 *   net show [dev NAME]
 *
 * A link lives as long as something holds it; `attach` pins it so that the
 * attachment outlives the command and `detach` finds it again:
 *
 *   /sys/fs/bpf/sockaccel-net/<netns inode>/<device>-<type>
 *
 * The network namespace's inode is part of the path because device names
 * are per namespace (two namespaces may each have a "veth0").
 *
 * No netlink: the older ways to attach (IFLA_XDP, clsact + cls_bpf) would
 * add a netlink client to the 96 KiB static binary for kernels that are
 * out of support; on those the refusal names the version and the tool
 * (`ip link set dev X xdp ...`, `tc filter add ...`) that does it.
 */
#include <errno.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "sys/bpf.h"
#include "sys/caps.h"
#include "sys/fs.h"
#include "sys/names.h"
#include "uapi_compat.h"

#define NET_PIN_ROOT SA_BPFFS_ROOT "/sockaccel-net"

/* The one table of what `net` attaches: bpftool's names, the kernel's
 * attach type, the XDP mode flag, the program type it takes, since when. */
static const struct net_type {
	const char *name;
	uint8_t attach_type, xdp_flags, prog_type;
	uint8_t since_major, since_minor;
	const char *help;
} net_types[] = {
	{ "xdp", BPF_XDP, 0, BPF_PROG_TYPE_XDP, 5, 9,
	  "XDP in the driver where it has XDP, else generic" },
	{ "xdpgeneric", BPF_XDP, XDP_FLAGS_SKB_MODE, BPF_PROG_TYPE_XDP, 5, 9,
	  "XDP in the generic (skb) path: any device" },
	{ "xdpdrv", BPF_XDP, XDP_FLAGS_DRV_MODE, BPF_PROG_TYPE_XDP, 5, 9,
	  "XDP in the driver, refused where it has none" },
	{ "tcx_ingress", SA_ATTACH_TCX_INGRESS, 0, BPF_PROG_TYPE_SCHED_CLS, 6, 6,
	  "tc classifier on ingress (tcx)" },
	{ "tcx_egress", SA_ATTACH_TCX_EGRESS, 0, BPF_PROG_TYPE_SCHED_CLS, 6, 6,
	  "tc classifier on egress (tcx)" },
};
#define NTYPES (sizeof(net_types) / sizeof(net_types[0]))

static const struct net_type *net_type_find(const char *name)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (!strcmp(net_types[i].name, name))
			return &net_types[i];
	return NULL;
}

static int bad_type(struct sa_args *a, const char *name)
{
	char list[128] = "";
	size_t i;

	for (i = 0; i < NTYPES; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", net_types[i].name);
	return sa_usage_error(a, "'%s' is not a net attach type (%s)", name, list);
}

/* Is the running kernel older than major.minor?  (Only to word a refusal.) */
static int kernel_older(unsigned int major, unsigned int minor)
{
	struct utsname u;
	unsigned int ma = 0, mi = 0;
	const char *p;

	if (uname(&u))
		return 0;
	for (p = u.release; *p >= '0' && *p <= '9'; p++)
		ma = ma * 10 + (unsigned int)(*p - '0');
	for (p += *p == '.'; *p >= '0' && *p <= '9'; p++)
		mi = mi * 10 + (unsigned int)(*p - '0');
	return ma < major || (ma == major && mi < minor);
}

/* "<root>/<netns inode>" and, with dev, "/<dev>-<type>" (dots, which bpffs
 * refuses in names, made '_': "eth0.100" is a VLAN device). */
static int pin_path(char *buf, size_t len, const char *dev, const char *type)
{
	struct stat st;
	char *p;
	int n;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	n = dev ? snprintf(buf, len, "%s/%lu/%s-%s", NET_PIN_ROOT, (unsigned long)st.st_ino, dev, type)
		: snprintf(buf, len, "%s/%lu", NET_PIN_ROOT, (unsigned long)st.st_ino);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	for (p = strrchr(buf, '/') + 1; dev && *p; p++)
		if (*p == '.')
			*p = '_';
	return 0;
}

/* PROG as `id ID` or `pinned FILE` at argv[*i]; an fd, or an exit code
 * (after the message) as a negative number below -4095. */
static int prog_ref(struct sa_args *a, int *i, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);
	const char *kw = a->argv[*i], *v = *i + 1 < a->argc ? a->argv[*i + 1] : NULL;
	uint32_t id;
	int fd;

	if (!v || (strcmp(kw, "id") && strcmp(kw, "pinned")))
		return -4096 - sa_usage_error(a, "PROG is 'id ID' or 'pinned FILE'");
	*i += 2;
	if (!strcmp(kw, "id")) {
		if (sa_parse_u32(v, UINT32_MAX, &id) || id == 0)
			return -4096 - sa_usage_error(a, "'%s' is not a program id", v);
		fd = sys_prog_get_fd_by_id(id);
		if (fd < 0)
			return sa_fail(&a->ctx, fd, "program id %s", v);
	} else {
		fd = sys_obj_get(v);
		if (fd < 0)
			return sa_fail(&a->ctx, fd, "program pin '%s'", v);
	}
	memset(info, 0, sizeof(*info));
	if (sys_obj_get_info_by_fd(fd, info, &len) < 0 || !info->id) {
		close(fd);
		return sa_failx(&a->ctx, -EINVAL, "'%s' is not a program", v);
	}
	return fd;
}

/* "dev NAME" at argv[*i]: the ifindex, or an exit code below -4095. */
static int dev_ref(struct sa_args *a, int *i, const char **name)
{
	unsigned int ifindex;

	if (*i + 1 >= a->argc || strcmp(a->argv[*i], "dev"))
		return -4096 - sa_usage_error(a, "missing 'dev NAME'");
	*name = a->argv[*i + 1];
	*i += 2;
	ifindex = if_nametoindex(*name);
	if (!ifindex || strlen(*name) >= IF_NAMESIZE)
		return sa_failx(&a->ctx, -ENODEV,
				"device '%s' not found in this network namespace (ip link shows them)",
				*name);
	return (int)ifindex;
}

static int link_error(struct sa_args *a, int err, const struct net_type *t,
		      const char *dev)
{
	if ((err == -EINVAL || err == -EOPNOTSUPP) &&
	    kernel_older(t->since_major, t->since_minor))
		return sa_failx(&a->ctx, err,
				"%s links need Linux %u.%u or later; on this kernel attach with %s",
				t->name, t->since_major, t->since_minor,
				t->prog_type == BPF_PROG_TYPE_XDP ? "'ip link set dev DEV xdp pinned FILE'"
								  : "'tc filter add dev DEV ingress bpf da pinned FILE'");
	if (err == -EBUSY || err == -EEXIST)
		return sa_failx(&a->ctx, err,
				"device '%s' already has an XDP program attached by another tool "
				"(ip link, netlink); detach it there first", dev);
	if (err == -EOPNOTSUPP && t->xdp_flags == XDP_FLAGS_DRV_MODE)
		return sa_failx(&a->ctx, err, "device '%s' has no driver XDP: use xdpgeneric", dev);
	return sa_fail(&a->ctx, err, "BPF_LINK_CREATE on device '%s' as %s", dev, t->name);
}

static int net_attach(struct sa_args *a)
{
	const struct net_type *t;
	struct bpf_prog_info info;
	char dir[PATH_MAX], path[PATH_MAX];
	const char *dev = "";
	int i, prog = -1, link = -1, ifindex, overwrite = 0, created = 0, err;

	if (a->argc < 2 || !(t = net_type_find(a->argv[1])))
		return a->argc < 2 ? sa_usage_error(a, "missing ATTACH_TYPE") : bad_type(a, a->argv[1]);
	i = 2;
	if (i >= a->argc)
		return sa_usage_error(a, "missing PROG ('id ID' or 'pinned FILE')");
	if (sa_check_caps(&a->ctx, "net attach"))
		return sa_report(a);
	prog = prog_ref(a, &i, &info);
	if (prog < -4095)
		return -4096 - prog;
	if (prog < 0)
		return sa_report(a);
	ifindex = dev_ref(a, &i, &dev);
	if (ifindex < -4095) {
		close(prog);
		return -4096 - ifindex;
	}
	err = ifindex < 0 ? ifindex : 0;
	if (!err && i < a->argc && !strcmp(a->argv[i], "overwrite")) {
		overwrite = 1;
		i++;
	}
	if (!err && i < a->argc) {
		close(prog);
		return sa_usage_error(a, "unexpected argument '%s'", a->argv[i]);
	}
	if (!err && info.type != t->prog_type)
		err = sa_failx(&a->ctx, -EINVAL, "program %u is %s; %s takes a %s program",
			       info.id, bpf_prog_type_name(info.type), t->name,
			       bpf_prog_type_name(t->prog_type));
	if (!err && (err = pin_path(path, sizeof(path), dev, t->name)) < 0)
		sa_fail(&a->ctx, err, "pin path for device '%s'", dev);
	if (err)
		goto out;

	link = sys_obj_get(path);
	if (link >= 0) {
		/* Ours already: swap the program in place, without a gap. */
		if (!overwrite) {
			err = sa_failx(&a->ctx, -EEXIST,
				       "%s on '%s' is already attached (link pinned at %s); "
				       "add 'overwrite' to replace its program, or 'net detach %s dev %s'",
				       t->name, dev, path, t->name, dev);
			goto out;
		}
		err = sys_link_update(link, prog);
		if (err)
			sa_fail(&a->ctx, err, "BPF_LINK_UPDATE of %s", path);
		else
			printf("sockaccel: replaced the program of %s on %s(%d) with program %u\n",
			       t->name, dev, ifindex, info.id);
		goto out;
	}
	strcpy(dir, path);
	*strrchr(dir, '/') = '\0';
	err = sa_bpffs_ensure(&a->ctx, NET_PIN_ROOT);
	if (!err)
		err = sa_pin_dir_prepare(&a->ctx, NET_PIN_ROOT, &created);
	if (!err)
		err = sa_pin_dir_prepare(&a->ctx, dir, &created);
	if (err)
		goto out;
	link = sys_link_create(prog, ifindex, t->attach_type, t->xdp_flags);
	if (link < 0) {
		err = link_error(a, link, t, dev);
		goto out_dir;
	}
	err = sys_obj_pin(link, path);
	if (err) {
		/* Closing the only reference detaches it again. */
		sa_fail(&a->ctx, err, "pin the link at %s", path);
		goto out_dir;
	}
	printf("sockaccel: attached program %u to %s(%d) as %s, link pinned at %s\n",
	       info.id, dev, ifindex, t->name, path);
	goto out;
out_dir:
	rmdir(dir);
out:
	if (link >= 0)
		close(link);
	close(prog);
	return err ? sa_report(a) : 0;
}

static int net_detach(struct sa_args *a)
{
	const struct net_type *t;
	char path[PATH_MAX];
	const char *dev = "";
	int i = 2, link, err;

	if (a->argc < 2 || !(t = net_type_find(a->argv[1])))
		return a->argc < 2 ? sa_usage_error(a, "missing ATTACH_TYPE") : bad_type(a, a->argv[1]);
	if (i + 2 != a->argc || strcmp(a->argv[i], "dev"))
		return sa_usage_error(a, "net detach ATTACH_TYPE dev NAME");
	dev = a->argv[i + 1];
	if (sa_check_caps(&a->ctx, "net detach"))
		return sa_report(a);
	err = pin_path(path, sizeof(path), dev, t->name);
	if (err) {
		sa_fail(&a->ctx, err, "pin path for device '%s'", dev);
		return sa_report(a);
	}
	link = sys_obj_get(path);
	if (link < 0) {
		sa_failx(&a->ctx, link == -ENOENT ? -ENOENT : link,
			 "%s on '%s' is not attached by sockaccel here (no link pinned at %s; "
			 "'net show' lists what is)", t->name, dev, path);
		return sa_report(a);
	}
	/* LINK_DETACH detaches even if another process holds the link (an fd,
	 * another pin); the pin is removed after. */
	err = sys_link_detach(link);
	close(link);
	if (err && err != -EOPNOTSUPP) {
		sa_fail(&a->ctx, err, "BPF_LINK_DETACH of %s", path);
		return sa_report(a);
	}
	if (unlink(path) < 0) {
		sa_fail(&a->ctx, -errno, "remove %s", path);
		return sa_report(a);
	}
	*strrchr(path, '/') = '\0';
	/* The namespace's directory, then the root, when they are empty. */
	if (!rmdir(path))
		rmdir(NET_PIN_ROOT);
	printf("sockaccel: detached %s from %s\n", t->name, dev);
	return 0;
}

static int net_show(struct sa_args *a)
{
	const char *only = NULL;
	uint32_t id = 0;
	int first[2] = { 1, 1 }, kind;

	if (a->argc == 3 && !strcmp(a->argv[1], "dev"))
		only = a->argv[2];
	else if (a->argc != 1)
		return sa_usage_error(a, "net show [dev NAME]");
	if (only && !if_nametoindex(only)) {
		sa_failx(&a->ctx, -ENODEV, "device '%s' not found in this network namespace", only);
		return sa_report(a);
	}
	if (a->json)
		printf("{\"xdp\":[");
	for (kind = 0; kind < 2; kind++) {
		if (!a->json)
			printf("%s%s:\n", kind ? "\n" : "", kind ? "tc" : "xdp");
		else if (kind)
			printf("],\"tc\":[");
		for (id = 0; sys_link_get_next_id(id, &id) == 0;) {
			struct bpf_link_info li;
			uint32_t len = sizeof(li), ifindex, at = 0;
			char path[PATH_MAX] = "", name[IF_NAMESIZE] = "";
			const char *tname = kind ? "tcx" : "xdp";
			int fd = sys_link_get_fd_by_id(id);
			size_t i;

			if (fd < 0)
				continue;
			memset(&li, 0, sizeof(li));
			if (sys_obj_get_info_by_fd(fd, &li, &len) < 0 ||
			    li.type != (kind ? SA_LINK_TYPE_TCX : BPF_LINK_TYPE_XDP)) {
				close(fd);
				continue;
			}
			close(fd);
			/* xdp.ifindex; tcx: { ifindex, attach_type } at the same place. */
			ifindex = li.xdp.ifindex;
			if (kind)
				memcpy(&at, (const char *)&li.xdp + 4, 4);
			if (!if_indextoname(ifindex, name))
				name[0] = '\0';
			/* Devices of other namespaces may share the ifindex:
			 * only this namespace's names are known here. */
			if (!name[0] || (only && strcmp(name, only)))
				continue;
			for (i = 0; i < NTYPES; i++) {
				int lfd;
				struct bpf_link_info pi;
				uint32_t plen = sizeof(pi);

				if ((net_types[i].prog_type == BPF_PROG_TYPE_XDP) == kind ||
				    pin_path(path, sizeof(path), name, net_types[i].name))
					continue;
				lfd = sys_obj_get(path);
				memset(&pi, 0, sizeof(pi));
				if (lfd >= 0 && !sys_obj_get_info_by_fd(lfd, &pi, &plen) && pi.id == id) {
					tname = net_types[i].name;
					close(lfd);
					break;
				}
				if (lfd >= 0)
					close(lfd);
				path[0] = '\0';
			}
			if (kind && !path[0])
				tname = at == SA_ATTACH_TCX_EGRESS ? "tcx_egress" : "tcx_ingress";
			if (a->json) {
				printf("%s{\"devname\":", first[kind] ? "" : ",");
				sa_json_str(stdout, name);
				printf(",\"ifindex\":%u,\"type\":\"%s\",\"prog_id\":%u,\"link_id\":%u,\"pinned\":",
				       ifindex, tname, li.prog_id, li.id);
				if (path[0])
					sa_json_str(stdout, path);
				else
					printf("null");
				printf("}");
			} else {
				printf("%s(%u) %s prog_id %u link_id %u%s%s\n", name, ifindex, tname,
				       li.prog_id, li.id, path[0] ? " pinned " : "", path);
			}
			first[kind] = 0;
		}
	}
	if (a->json)
		printf("]}\n");
	return 0;
}

int cmd_net(struct sa_args *a)
{
	const char *verb = a->argv[0];

	if (!strcmp(verb, "attach"))
		return net_attach(a);
	if (!strcmp(verb, "detach"))
		return net_detach(a);
	if (!strcmp(verb, "show") || !strcmp(verb, "list"))
		return net_show(a);
	return sa_usage_error(a, "'%s': net attach, detach or show", verb);
}
