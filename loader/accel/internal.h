/* SPDX-License-Identifier: GPL-2.0 */
/* internal.h: what the files of loader/accel/ share (remove.c). */
#ifndef SOCKACCEL_ACCEL_INTERNAL_H
#define SOCKACCEL_ACCEL_INTERNAL_H

#include <stddef.h>

#include "sys/ctx.h"

/* Where a replace pins the new programs first: "<pin_dir>/replacing"
 * (bpffs refuses names with a '.'; inside, the lock on the parent covers it). */
int sa_staging_dir(char *buf, size_t len, const char *pin_dir);
void sa_unlink_items(const char *dir);
int sa_has_any_item(const char *dir);
/* Undo whatever the pins of dir (and its staging dir) hold; the lock is held. */
int sa_remove_locked(struct sa_ctx *c, const char *dir, const char *cgroup);

#endif
