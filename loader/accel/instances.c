// SPDX-License-Identifier: GPL-2.0
/*
 * instances.c: sockaccel instances found from the kernel's state: the
 * sock_ops programs attached to each cgroup (BPF_PROG_QUERY, Linux 4.19
 * for sock_ops) that are ours by name and type, and the pin directories
 * that hold them.  One accelerator per cgroup subtree: two sockops
 * programs that both put a socket into their own sockhash make the second
 * insert fail (a socket takes one sk_msg program), so neither accelerates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "sys/bpf.h"
#include "sys/fs.h"

#define WALK_DEPTH	32	/* cgroup trees are shallow; bpffs pins at depth <= 3 */
#define BPFFS_DEPTH	3

struct walk {
	struct sa_ctx *c;
	uint32_t self;		/* our own program: not an overlap */
	int (*fn)(const struct sa_instance *in, void *arg);
	void *arg;
	struct sa_instance *in;
	const char *want;	/* find_pin_dir: the program id to find, as a string key */
	uint32_t want_id;
	unsigned int budget;	/* directories visited at most */
};

/* The sockaccel_ops programs attached to the cgroup at path (not self). */
static int check_cgroup(struct walk *w, const char *path)
{
	uint32_t ids[64], id;
	int cg, n, i, fd, r = 0;

	cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return 0;
	n = sa_query(cg, BPF_CGROUP_SOCK_OPS, ids, 64);
	close(cg);
	for (i = 0; i < n && !r; i++) {
		if (ids[i] == w->self)
			continue;
		fd = sys_prog_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (sa_is_our_ops(fd, &id)) {
			memset(w->in, 0, sizeof(*w->in));
			w->in->ops_id = id;
			snprintf(w->in->cgroup, sizeof(w->in->cgroup), "%s", path);
			r = w->fn(w->in, w->arg);
		}
		close(fd);
	}
	return r;
}

/* Depth-first over the directories below path (path itself first). */
static int walk_dirs(struct walk *w, char *path, size_t len, int depth,
		     int (*visit)(struct walk *w, const char *path))
{
	size_t n = strlen(path);
	struct dirent *e;
	DIR *d;
	int r;

	if (!w->budget--)
		return 0;
	r = visit(w, path);
	if (r || depth == 0)
		return r;
	d = opendir(path);
	if (!d)
		return 0;
	while (!r && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.' ||
		    n + 2 + strlen(e->d_name) > len)
			continue;
		path[n] = '/';
		strcpy(path + n + 1, e->d_name);
		r = walk_dirs(w, path, len, depth - 1, visit);
		path[n] = '\0';
	}
	closedir(d);
	return r;
}

/* bpffs: a directory whose sockaccel_ops pin is program want_id. */
static int visit_pins(struct walk *w, const char *path)
{
	uint32_t id;
	int fd = sa_pin_get(path, SA_PROG_SOCKOPS), r = 0;

	if (fd < 0)
		return 0;
	if (sa_is_our_ops(fd, &id)) {
		if (!w->want_id || id == w->want_id) {
			snprintf(w->in->pin_dir, sizeof(w->in->pin_dir), "%s", path);
			w->in->ops_id = id;
			r = w->fn ? w->fn(w->in, w->arg) : 1;
		}
	}
	close(fd);
	return r;
}

static void find_pin_dir(struct sa_instance *in)
{
	char path[PATH_MAX] = SA_BPFFS_ROOT;
	struct walk w = { .in = in, .want_id = in->ops_id, .budget = 4096 };

	walk_dirs(&w, path, sizeof(path), BPFFS_DEPTH, visit_pins);
}

static int found(const struct sa_instance *in, void *arg)
{
	(void)in;
	(void)arg;
	return 1;
}

int sa_find_overlap(struct sa_ctx *c, const char *cgroup, uint32_t self,
		    struct sa_instance *out)
{
	char path[PATH_MAX], root[PATH_MAX];
	struct walk w = { .c = c, .self = self, .fn = found, .in = out, .budget = 100000 };
	char *slash;
	int r;

	if (sa_cgroup_default(c, root, sizeof(root)))
		return -ENOENT;
	/* The cgroup and every descendant... */
	snprintf(path, sizeof(path), "%s", cgroup);
	r = walk_dirs(&w, path, sizeof(path), WALK_DEPTH, check_cgroup);
	/* ...then each ancestor up to the root. */
	while (!r && strlen(path) > strlen(root) && (slash = strrchr(path, '/'))) {
		*slash = '\0';
		r = check_cgroup(&w, path);
	}
	if (r == 1)
		find_pin_dir(out);
	return r;
}

/* status --all: attachments and pin directories, collected, then matched. */
#define ALL_MAX 32	/* instances and pin directories listed, each */
struct all {
	struct sa_instance v[ALL_MAX];
	int n;
};

static int collect(const struct sa_instance *in, void *arg)
{
	struct all *a = arg;

	if (a->n < ALL_MAX)
		a->v[a->n++] = *in;
	return 0;
}

int sa_instances_all(struct sa_ctx *c,
		     int (*fn)(const struct sa_instance *in, void *arg), void *arg)
{
	static struct all att, pins;	/* 2 x 32 x 8 KiB: not on the stack */
	char path[PATH_MAX];
	struct sa_instance in;
	struct walk w = { .c = c, .fn = collect, .arg = &att, .in = &in, .budget = 100000 };
	int r = sa_cgroup_default(c, path, sizeof(path)), i, j;

	if (r)
		return r;
	att.n = pins.n = 0;
	walk_dirs(&w, path, sizeof(path), WALK_DEPTH, check_cgroup);
	w.arg = &pins;
	w.budget = 4096;
	memset(&in, 0, sizeof(in));
	strcpy(path, SA_BPFFS_ROOT);
	walk_dirs(&w, path, sizeof(path), BPFFS_DEPTH, visit_pins);
	for (i = 0; i < att.n + pins.n && !r; i++) {
		struct sa_instance *x = i < att.n ? &att.v[i] : &pins.v[i - att.n];
		int other = -1;

		for (j = 0; j < (i < att.n ? pins.n : att.n); j++)
			if ((i < att.n ? pins.v[j].ops_id : att.v[j].ops_id) == x->ops_id)
				other = j;
		if (i < att.n && other >= 0)
			strcpy(x->pin_dir, pins.v[other].pin_dir);
		if (i >= att.n && other >= 0)
			continue;	/* listed with its cgroup */
		r = fn(x, arg);
	}
	return r;
}
