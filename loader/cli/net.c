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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
/* The grammar as main.c's command table spells it (the linker keeps one copy). */
#define NET_GRAMMAR "{attach TYPE PROG dev NAME [overwrite] | detach TYPE dev NAME | show [dev NAME]}"

/* The one table of what `net` attaches: bpftool's names, the kernel's
 * attach type, the XDP mode flag, the program type it takes, since when. */
static const struct net_type {
	char name[12];		/* at most 11 chars (C drops a 12th's NUL silently) */
	uint8_t attach_type, xdp_flags, prog_type;
	uint8_t since_major, since_minor;
} net_types[] = {
	/* XDP in the driver where it has XDP, else generic */
	{ "xdp", BPF_XDP, 0, BPF_PROG_TYPE_XDP, 5, 9 },
	/* XDP in the generic (skb) path: any device */
	{ "xdpgeneric", BPF_XDP, XDP_FLAGS_SKB_MODE, BPF_PROG_TYPE_XDP, 5, 9 },
	/* XDP in the driver, refused where it has none */
	{ "xdpdrv", BPF_XDP, XDP_FLAGS_DRV_MODE, BPF_PROG_TYPE_XDP, 5, 9 },
	/* tc classifier on ingress, on egress (tcx) */
	{ "tcx_ingress", SA_ATTACH_TCX_INGRESS, 0, BPF_PROG_TYPE_SCHED_CLS, 6, 6 },
	{ "tcx_egress", SA_ATTACH_TCX_EGRESS, 0, BPF_PROG_TYPE_SCHED_CLS, 6, 6 },
};
#define NTYPES (sizeof(net_types) / sizeof(net_types[0]))

static int net_usage(struct sa_args *a)
{
	return sa_usage_error(a, "'%s': expected net " NET_GRAMMAR, a->argv[0]);
}

static int no_dev(struct sa_args *a, const char *dev)
{
	sa_failx(&a->ctx, -ENODEV, "device '%s' not found in this netns (see ip link)",
		 dev);
	return sa_report(a);
}

/*
 * A device's index by name (SIOCGIFINDEX; 0: none) or name by index
 * (SIOCGIFNAME; "" none), with the system calls: musl's if_nametoindex()
 * and if_indextoname() bring socket() fallbacks, ioctl() and strncpy(),
 * 800 bytes of the static binary.
 */
static unsigned int dev_ioctl(unsigned long req, const char *name, unsigned int ifindex, char *out)
{
	struct ifreq r;
	size_t n = strlen(name);
	int fd = (int)syscall(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	memset(&r, 0, sizeof(r));
	memcpy(r.ifr_name, name, n < IF_NAMESIZE ? n : 0);
	r.ifr_ifindex = (int)ifindex;
	err = fd < 0 || n >= IF_NAMESIZE || syscall(SYS_ioctl, fd, req, &r) < 0;
	if (fd >= 0)
		close(fd);
	if (out)
		memcpy(out, err ? "" : r.ifr_name, err ? 1 : IF_NAMESIZE);
	return err ? 0 : (unsigned int)r.ifr_ifindex;
}
#define dev_index(name) dev_ioctl(SIOCGIFINDEX, name, 0, NULL)

/* Is the running kernel older than major.minor?  (Only to word a refusal.) */
static int kernel_older(unsigned int major, unsigned int minor)
{
	struct utsname u;
	unsigned int v[2] = { 0, 0 }, k;
	const char *p = u.release;

	if (uname(&u))
		return 0;
	for (k = 0; k < 2; k++, p += *p == '.')
		for (; *p >= '0' && *p <= '9'; p++)
			v[k] = v[k] * 10 + (unsigned int)(*p - '0');
	return v[0] < major || (v[0] == major && v[1] < minor);
}

/* "<root>/<netns inode>/<dev>-<type>" (dots, which bpffs refuses in names,
 * made '_': "eth0.100" is a VLAN device); 0, or -errno after the message. */
static int pin_path(struct sa_args *a, char *buf, size_t len, const char *dev, const char *type)
{
	struct stat st;
	char *p;
	int n;

	if (stat("/proc/self/ns/net", &st) < 0)
		return sa_fail(&a->ctx, -errno, "/proc/self/ns/net");
	n = snprintf(buf, len, "%s/%lu/%s-%s", NET_PIN_ROOT, (unsigned long)st.st_ino, dev, type);
	if ((size_t)n >= len)
		return sa_fail(&a->ctx, -ENAMETOOLONG, "device '%s'", dev);
	for (p = strrchr(buf, '/') + 1; *p; p++)
		if (*p == '.')
			*p = '_';
	return 0;
}

/* A link's info from fd, which it closes; 0 or -errno. */
static int link_info(int fd, struct bpf_link_info *li)
{
	uint32_t len = sizeof(*li);
	int err;

	memset(li, 0, sizeof(*li));
	if (fd < 0)
		return fd;
	err = sys_obj_get_info_by_fd(fd, li, &len);
	close(fd);
	return err;
}

static int link_error(struct sa_args *a, int err, const struct net_type *t,
		      const char *dev)
{
	if ((err == -EINVAL || err == -EOPNOTSUPP) &&
	    kernel_older(t->since_major, t->since_minor))
		return sa_failx(&a->ctx, err, "%s links need Linux %u.%u; on this kernel use %s",
				t->name, t->since_major, t->since_minor,
				t->prog_type == BPF_PROG_TYPE_XDP ? "'ip link set dev DEV xdp pinned FILE'"
								  : "'tc filter add dev DEV ingress bpf da pinned FILE'");
	if (err == -EBUSY || err == -EEXIST)
		return sa_failx(&a->ctx, err,
				"device '%s' has another tool's XDP program: detach it with ip link first",
				dev);
	if (err == -EOPNOTSUPP && t->xdp_flags == XDP_FLAGS_DRV_MODE)
		return sa_failx(&a->ctx, err, "device '%s' has no driver XDP: use xdpgeneric", dev);
	return sa_fail(&a->ctx, err, "BPF_LINK_CREATE on device '%s' as %s", dev, t->name);
}

static int net_attach(struct sa_args *a, const struct net_type *t, const char *dev, int overwrite)
{
	/* Static, as the command runs once: RIP-relative, not 4-byte rsp
	 * displacements past the buffers. */
	static struct bpf_prog_info info;
	static char what[PATH_MAX + 8], dir[PATH_MAX], path[PATH_MAX];
	const char *done = "attached";
	int prog, link, ifindex, created = 0, err;

	prog = sa_ref_open(a, a->argv + 2, 2, 0, what, sizeof(what));
	if (prog < 0)
		return -prog;
	ifindex = (int)dev_index(dev);
	if (!ifindex) {
		close(prog);
		return no_dev(a, dev);
	}
	err = sa_prog_info(prog, &info, NULL);
	if (err)
		sa_fail(&a->ctx, err, "program %s", what);
	else if (info.type != t->prog_type)
		err = sa_failx(&a->ctx, -EINVAL, "program %s is %s; %s takes a %s program", what,
			       bpf_prog_type_name(info.type), t->name, bpf_prog_type_name(t->prog_type));
	else
		err = pin_path(a, path, sizeof(path), dev, t->name);
	if (err)
		goto out;

	link = sys_obj_get(path);
	if (link >= 0) {
		/* Ours already: swap the program in place, without a gap. */
		done = "replaced";
		if (!overwrite)
			err = sa_failx(&a->ctx, -EEXIST,
				       "%s on '%s' is already attached (link pinned at %s): "
				       "add 'overwrite' to replace its program, or net detach it",
				       t->name, dev, path);
		else if ((err = sys_link_update(link, prog)))
			sa_fail(&a->ctx, err, "BPF_LINK_UPDATE of %s", path);
		goto out_link;
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
	} else if ((err = sys_obj_pin(link, path))) {
		/* Closing the only reference detaches it again. */
		sa_fail(&a->ctx, err, "pin the link at %s", path);
	}
	if (err)
		rmdir(dir);
out_link:
	if (link >= 0)
		close(link);
out:
	close(prog);
	if (err)
		return sa_report(a);
	printf("sockaccel: %s(%d) %s: program %u %s, link pinned at %s\n", dev, ifindex, t->name,
	       info.id, done, path);
	return 0;
}

static int net_detach(struct sa_args *a, const struct net_type *t, const char *dev)
{
	static char path[PATH_MAX];
	int link, err;

	err = pin_path(a, path, sizeof(path), dev, t->name);
	if (err)
		return sa_report(a);
	link = sys_obj_get(path);
	if (link < 0) {
		sa_failx(&a->ctx, link, "%s on '%s' is not attached (no link at %s; see net show)",
			 t->name, dev, path);
		return sa_report(a);
	}
	/* LINK_DETACH detaches even if another process holds the link (an fd,
	 * another pin); the pin is removed after. */
	err = sys_link_detach(link);
	close(link);
	if (err && err != -EOPNOTSUPP)
		sa_fail(&a->ctx, err, "BPF_LINK_DETACH of %s", path);
	else if ((err = unlink(path) < 0 ? -errno : 0))
		sa_fail(&a->ctx, err, "remove %s", path);
	if (err)
		return sa_report(a);
	*strrchr(path, '/') = '\0';
	/* The namespace's directory, then the root, when they are empty. */
	if (!rmdir(path))
		rmdir(NET_PIN_ROOT);
	printf("sockaccel: detached %s from %s\n", t->name, dev);
	return 0;
}

static int net_show(struct sa_args *a)
{
	const char *only = a->argc == 3 && !strcmp(a->argv[1], "dev") ? a->argv[2] : NULL;
	uint32_t id, at;
	int first = 1, kind;

	if (a->argc != 1 && !only)
		return net_usage(a);
	if (only && !dev_index(only))
		return no_dev(a, only);
	for (kind = 0; kind < 2; kind++) {
		if (a->json)
			fputs(kind ? "],\"tc\":[" : "{\"xdp\":[", stdout);
		else
			fputs(kind ? "\ntc:\n" : "xdp:\n", stdout);
		for (id = 0; sys_link_get_next_id(id, &id) == 0;) {
			static struct bpf_link_info li, pi;
			static char path[PATH_MAX], name[IF_NAMESIZE];
			const char *tname = "xdp";
			size_t i;

			/* Devices of other namespaces may share the ifindex:
			 * only this namespace's names are known here. */
			if (link_info(sys_link_get_fd_by_id(id), &li) ||
			    li.type != (kind ? SA_LINK_TYPE_TCX : BPF_LINK_TYPE_XDP) ||
			    (dev_ioctl(SIOCGIFNAME, "", li.xdp.ifindex, name), !name[0]) ||
			    (only && strcmp(name, only)))
				continue;
			/* xdp.ifindex; tcx: { ifindex, attach_type } at the same place. */
			memcpy(&at, (const char *)&li.xdp + 4, 4);
			for (i = 0; i < NTYPES; i++) {
				const struct net_type *t = &net_types[i];

				if (kind ? t->attach_type != at : t->prog_type != BPF_PROG_TYPE_XDP)
					continue;
				if (kind)
					tname = t->name;
				if (!pin_path(a, path, sizeof(path), name, t->name) &&
				    !link_info(sys_obj_get(path), &pi) && pi.id == id) {
					tname = t->name;
					break;
				}
			}
			if (i == NTYPES)
				path[0] = '\0';
			if (a->json) {
				printf(",{\"devname\":" + first);
				sa_json_str(stdout, name);
				printf(",\"ifindex\":%u,\"type\":\"%s\",\"prog_id\":%u,\"link_id\":%u,\"pinned\":",
				       li.xdp.ifindex, tname, li.prog_id, li.id);
				if (path[0])
					sa_json_str(stdout, path);
				else
					fputs("null", stdout);
				putchar('}');
			} else {
				printf("%s(%u) %s prog_id %u link_id %u%s%s\n", name, li.xdp.ifindex, tname,
				       li.prog_id, li.id, path[0] ? " pinned " : "", path);
			}
			first = 0;
		}
		first = 1;
	}
	if (a->json)
		puts("]}");
	return 0;
}

int cmd_net(struct sa_args *a)
{
	const char *verb = a->argv[0];
	int attach = !strcmp(verb, "attach"), k = attach ? 4 : 2;	/* argv[k]: "dev" */
	const struct net_type *t = NULL;
	char list[64] = "", *p = list;
	size_t i;

	if (!strcmp(verb, "show") || !strcmp(verb, "list"))
		return net_show(a);
	if (!attach && strcmp(verb, "detach"))
		return net_usage(a);
	for (i = 0; a->argc > 1 && i < NTYPES; i++) {
		if (!strcmp(net_types[i].name, a->argv[1]))
			t = &net_types[i];
		p = stpcpy(stpcpy(p, ", "), net_types[i].name);
	}
	if (a->argc > 1 && !t)
		return sa_usage_error(a, "'%s' is not a net attach type (%s)", a->argv[1], list + 2);
	if (a->argc < k + 2 || strcmp(a->argv[k], "dev") ||
	    (a->argc > k + 2 && (!attach || a->argc > k + 3 || strcmp(a->argv[k + 2], "overwrite"))))
		return net_usage(a);
	if (sa_check_caps(&a->ctx, attach ? "net attach" : "net detach"))
		return sa_report(a);
	return attach ? net_attach(a, t, a->argv[k + 1], a->argc == k + 3)
		      : net_detach(a, t, a->argv[k + 1]);
}
