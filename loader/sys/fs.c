// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sys/fs.h"
#include "sys/readfile.h"

/* <linux/magic.h> */
#define CGROUP_SUPER_MAGIC	0x27e0eb
#define CGROUP2_SUPER_MAGIC	0x63677270
#define BPF_FS_MAGIC		0xcafe4a11

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

int sa_cgroup_default(struct sa_ctx *c, char *buf, size_t len)
{
	char *text, *line, *next;
	long n = sa_slurp("/proc/self/mountinfo", &text, 1 << 22);
	int found = 0;

	if (n < 0)
		return sa_fail(c, (int)n, "/proc/self/mountinfo (is /proc mounted?)");
	/* id parent major:minor root mountpoint options [optional...] - fstype ... */
	for (line = text; !found && line && *line; line = next) {
		char *mp;
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strstr(line, " - cgroup2 "))
			continue;
		mp = line;
		for (i = 0; i < 4 && mp; i++) {
			mp = strchr(mp, ' ');
			if (mp)
				mp++;
		}
		if (!mp)
			continue;
		mp[strcspn(mp, " ")] = '\0';
		unescape(mp);
		if (strlen(mp) < len) {
			strcpy(buf, mp);
			found = 1;
		}
	}
	free(text);
	if (!found)
		return sa_failx(c, -ENOENT,
				"no cgroup2 mount (mount -t cgroup2 none /sys/fs/cgroup/unified, or pass --cgroup)");
	return 0;
}

/*
 * Where the kubelet puts pods, per cgroup driver, in the order to try.
 * Both are directly below the cgroup v2 mount: /sys/fs/cgroup on unified
 * hosts; on hybrid ones /sys/fs/cgroup/unified, where systemd mirrors its
 * slices (kubepods.slice); the cgroupfs driver on a hybrid host makes
 * kubepods in the v1 hierarchies only, so the mount itself is chosen.
 */
static const struct { const char *dir, *why; } workload_cgroups[] = {
	{ "kubepods.slice", "Kubernetes pods, systemd cgroup driver" },
	{ "kubepods", "Kubernetes pods, cgroupfs cgroup driver" },
};

int sa_cgroup_auto(struct sa_ctx *c, char *buf, size_t len, const char **why)
{
	static char root[PATH_MAX];	/* scratch: loader/cli/cli.h */
	struct stat st;
	size_t i;
	int err = sa_cgroup_default(c, root, sizeof(root));

	if (err)
		return err;
	for (i = 0; i < sizeof(workload_cgroups) / sizeof(workload_cgroups[0]); i++) {
		if (!sa_path(buf, len, root, workload_cgroups[i].dir) &&
		    !stat(buf, &st) && S_ISDIR(st.st_mode)) {
			*why = workload_cgroups[i].why;
			return 0;
		}
	}
	*why = "no kubepods cgroup: the whole machine";
	if (strlen(root) >= len)
		return sa_failx(c, -ENAMETOOLONG, "cgroup '%s': path too long", root);
	strcpy(buf, root);
	return 0;
}

int sa_cgroup_open(struct sa_ctx *c, const char *dir, char *canon, size_t len)
{
	struct statfs sfs;
	char link[64];
	ssize_t n;
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sa_fail(c, -errno, "cgroup '%s'", dir);
	if (fstatfs(fd, &sfs) < 0) {
		err = sa_fail(c, -errno, "cgroup '%s': statfs", dir);
		goto out;
	}
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		err = sa_failx(c, -ENOTSUP, sfs.f_type == CGROUP_SUPER_MAGIC ?
			       "cgroup '%s' is a cgroup v1 hierarchy; sockops attach to cgroup v2 (see cgroup2 in /proc/self/mountinfo)" :
			       "'%s' is not a cgroup v2 directory (pass one under the cgroup2 mount)",
			       dir);
		goto out;
	}
	/* The kernel's name for what we opened: no symlinks, no "..". */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, canon, len);
	if (n >= 0 && (size_t)n < len) {
		canon[n] = '\0';
		return fd;
	}
	err = sa_fail(c, n < 0 ? -errno : -ENAMETOOLONG,
		      "cgroup '%s': its path (is /proc mounted?)", dir);
out:
	close(fd);
	return err;
}

static int is_bpffs(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return -errno;
	return sfs.f_type == BPF_FS_MAGIC;
}

/* The directory that holds dir ("/a/b" -> "/a", "b" -> "."). */
static void parent_of(const char *dir, char *buf, size_t len)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	snprintf(buf, len, "%.*s", n ? (int)n : 1, n ? dir : ".");
}

int sa_pin_dir_exists(struct sa_ctx *c, const char *dir)
{
	struct stat st;
	int r;

	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return sa_fail(c, -errno, "pin directory '%s'", dir);
	}
	if (S_ISLNK(st.st_mode))
		return sa_failx(c, -ELOOP,
				"pin directory '%s' is a symbolic link; give the real path", dir);
	if (!S_ISDIR(st.st_mode))
		return sa_failx(c, -ENOTDIR, "pin directory '%s' is not a directory", dir);
	r = is_bpffs(dir);
	if (r < 0)
		return sa_fail(c, r, "pin directory '%s'", dir);
	if (!r)
		return sa_failx(c, -EINVAL,
				"pin directory '%s' is not on a bpf file system (mount -t bpf bpf %s)",
				dir, SA_BPFFS_ROOT);
	return 1;
}

int sa_bpffs_ensure(struct sa_ctx *c, const char *dir)
{
	char parent[PATH_MAX];

	parent_of(dir, parent, sizeof(parent));
	if (strcmp(parent, SA_BPFFS_ROOT) || is_bpffs(parent) != 0)
		return 0;
	/* The usual place, not mounted yet (minimal systems): mount it. */
	if (mount("bpf", SA_BPFFS_ROOT, "bpf", 0, "mode=0700") < 0)
		return sa_fail(c, -errno, "mount bpffs at %s", SA_BPFFS_ROOT);
	sa_info(c, "mounted bpffs at %s", SA_BPFFS_ROOT);
	return 0;
}

int sa_pin_dir_prepare(struct sa_ctx *c, const char *dir, int *created)
{
	char parent[PATH_MAX];
	int r;

	*created = 0;
	r = sa_pin_dir_exists(c, dir);
	if (r != 0)
		return r < 0 ? r : 0;
	parent_of(dir, parent, sizeof(parent));
	r = is_bpffs(parent);
	if (r < 0)
		return sa_fail(c, r, "pin directory '%s': parent '%s'", dir, parent);
	if (!r)
		return sa_failx(c, -EINVAL,
				"pin directory '%s' would not be on a bpf file system ('%s' is not bpffs)",
				dir, parent);
	if (mkdir(dir, 0700) < 0)
		return sa_fail(c, -errno, "pin directory '%s': mkdir", dir);
	*created = 1;
	return 0;
}

int sa_lock(struct sa_ctx *c, const char *pin_dir)
{
	char parent[PATH_MAX];
	int fd;

	parent_of(pin_dir, parent, sizeof(parent));
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sa_fail(c, -errno, "pin directory '%s': parent '%s'", pin_dir, parent);
	if (flock(fd, LOCK_EX) < 0) {
		int err = -errno;

		close(fd);
		return sa_fail(c, err, "pin directory '%s': lock", pin_dir);
	}
	return fd;
}

int sa_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* bpffs refuses names with a dot ("reserved for future use", Linux 4.4):
 * a data map "obj.rodata" is pinned as "obj_rodata", as libbpf does. */
int sa_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int err = sa_path(buf, len, dir, name);
	char *c;

	for (c = buf + strlen(dir) + 1; !err && *c; c++)
		if (*c == '.')
			*c = '_';
	return err;
}
