// SPDX-License-Identifier: GPL-2.0
/*
 * remove.c: undo an install, whole or interrupted, from its pins.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/internal.h"
#include "sys/bpf.h"
#include "sys/fs.h"

int sa_staging_dir(char *buf, size_t len, const char *pin_dir)
{
	return sa_path(buf, len, pin_dir, "replacing");
}

/* Each item's path in dir: unlink it (del), or is any there? */
static int each_item(const char *dir, int del)
{
	static char path[PATH_MAX];	/* scratch: loader/cli/cli.h */
	struct stat st;
	int i, any = 0;

	for (i = 0; i < SA_NITEMS; i++)
		if (!sa_path(path, sizeof(path), dir, sa_items[i].name))
			any |= del ? unlink(path) : !lstat(path, &st);
	return any;
}

void sa_unlink_items(const char *dir)
{
	each_item(dir, 1);
}

int sa_has_any_item(const char *dir)
{
	return each_item(dir, 0);
}

static int detach_cgroup(struct sa_ctx *c, int prog, const char *path, const struct sa_item *it)
{
	int cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (cg < 0) {
		/* A removed cgroup took its attachments with it. */
		if (errno == ENOENT)
			return 0;
		return sa_fail(c, -errno, "cgroup '%s'", path);
	}
	err = sys_prog_detach(prog, cg, it->attach);
	close(cg);
	if (err && err != -ENOENT)
		return sa_fail(c, err, "program '%s': BPF_PROG_DETACH from cgroup '%s'",
			       it->name, path);
	sa_info(c, "detached %s from %s%s", it->name, path,
		err ? " (it was not attached)" : "");
	return 0;
}

/* Detach what the pins of dir hold from the cgroups rec and cgroup. */
static int detach_dir(struct sa_ctx *c, const char *dir, const char *rec, const char *cgroup)
{
	int fd[SA_NCG + 2] = { sa_pin_get(dir, SA_PROG_SKMSG), sa_pin_get(dir, SA_MAP_SOCKHASH) };
	int msg = fd[0], hash = fd[1], err = 0, i, n;

	/* The cgroup's programs in reverse order: sockaccel_ops stops adding
	 * sockets before sockaccel_opt stops watching their options. */
	for (n = SA_NCG; n-- > 0;) {
		const struct sa_item *it = &sa_items[sa_cg_items[n]];
		int p = fd[n + 2] = sa_pin_get(dir, it->name);

		if (!err && p >= 0 && rec[0])
			err = detach_cgroup(c, p, rec, it);
		if (!err && p >= 0 && cgroup && strcmp(rec, cgroup))
			err = detach_cgroup(c, p, cgroup, it);
	}
	if (!err && msg >= 0 && hash >= 0) {
		int r = sys_prog_detach(msg, hash, BPF_SK_MSG_VERDICT);

		if (r && r != -ENOENT && r != -EINVAL)
			err = sa_fail(c, r, "program '%s': BPF_PROG_DETACH from map '%s'",
				      SA_PROG_SKMSG, SA_MAP_SOCKHASH);
	}
	for (i = 0; i < SA_NCG + 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return err;
}

/*
 * Undo an install, complete or not, in reverse order; and a replace cut
 * short (its new programs pinned in <dir>/replacing, maybe attached).  Sockets
 * already in the sockhash keep their programs until they close (each holds
 * a reference to the sk_msg program, which holds the map), so traffic in
 * flight is neither dropped nor reordered: new connections use the stack.
 */
int sa_remove_locked(struct sa_ctx *c, const char *dir, const char *cgroup)
{
	static char rec[PATH_MAX], staging[PATH_MAX];	/* scratch: loader/cli/cli.h */
	int err;

	rec[0] = '\0';	/* no record: "" */
	sa_read_record(dir, "cgroup", rec, sizeof(rec));
	err = sa_staging_dir(staging, sizeof(staging), dir);
	if (!err)
		err = detach_dir(c, staging, rec, cgroup);
	if (!err)
		err = detach_dir(c, dir, rec, cgroup);
	if (err)	/* keep the pins: the next remove can finish the job */
		return err;
	sa_unlink_items(staging);
	rmdir(staging);
	sa_unlink_items(dir);
	if (rmdir(dir) < 0 && errno != ENOENT)
		sa_info(c, "pin directory %s kept: %s", dir, strerror(errno));
	return 0;
}

int sa_remove(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res)
{
	int lock, r, err;

	*res = SA_NOTHING;
	r = sa_pin_dir_exists(c, o->pin_dir);
	if (r <= 0)
		return r;
	lock = sa_lock(c, o->pin_dir);
	if (lock < 0)
		return lock;
	r = sa_pin_dir_exists(c, o->pin_dir);
	if (r <= 0) {
		close(lock);
		return r;
	}
	if (!sa_has_any_item(o->pin_dir)) {
		rmdir(o->pin_dir);	/* an empty leftover; others' files stay */
		close(lock);
		return 0;
	}
	err = sa_remove_locked(c, o->pin_dir, o->cgroup);
	close(lock);
	if (!err)
		*res = SA_DONE;
	return err;
}
