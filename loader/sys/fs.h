/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs.h: the two file systems sockaccel works with: cgroup v2 (where the
 * sockops program attaches) and bpffs (where pins live).
 */
#ifndef SOCKACCEL_FS_H
#define SOCKACCEL_FS_H

#include <stddef.h>

#include "sys/ctx.h"

#define SA_BPFFS_ROOT	"/sys/fs/bpf"
#define SA_PIN_DIR	SA_BPFFS_ROOT "/sockaccel"

/* The cgroup v2 mount point from /proc/self/mountinfo. */
int sa_cgroup_default(struct sa_ctx *c, char *buf, size_t len);
/*
 * --cgroup auto: where a node's workloads live.  The kubelet's cgroup
 * (kubepods.slice with the systemd cgroup driver, kubepods with cgroupfs)
 * under the cgroup v2 mount, else the mount itself.  *why says which.
 */
int sa_cgroup_auto(struct sa_ctx *c, char *buf, size_t len, const char **why);
/* Open dir if it is a cgroup v2 directory; its canonical path into canon. */
int sa_cgroup_open(struct sa_ctx *c, const char *dir, char *canon, size_t len);
/* When dir is directly below /sys/fs/bpf and bpffs is not mounted there, mount it. */
int sa_bpffs_ensure(struct sa_ctx *c, const char *dir);
/*
 * Make sure dir can hold pins: a real directory on bpffs, created 0700 if
 * missing (*created is set then).
 */
int sa_pin_dir_prepare(struct sa_ctx *c, const char *dir, int *created);
/* dir exists and is a directory on bpffs: 1; missing: 0; else -errno. */
int sa_pin_dir_exists(struct sa_ctx *c, const char *dir);
/*
 * Serialise install/remove on one pin directory: an exclusive flock on its
 * parent directory (the pin directory itself comes and goes).  Returns the
 * lock fd, closed to unlock.
 */
int sa_lock(struct sa_ctx *c, const char *pin_dir);

/* "<dir>/<name>" into buf; -ENAMETOOLONG if it does not fit. */
int sa_path(char *buf, size_t len, const char *dir, const char *name);
/* The pin of a map or program: sa_path() with '.' in name made '_'. */
int sa_pin_path(char *buf, size_t len, const char *dir, const char *name);

#endif
