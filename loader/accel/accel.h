/* SPDX-License-Identifier: GPL-2.0 */
/*
 * accel.h: install, remove and status of socket acceleration.
 *
 * What an install leaves, all under the pin directory:
 *   sock_hash counters config ports sk_state streak   maps (bpf/sockaccel.h)
 *   sockaccel_ops sockaccel_msg                  programs
 *   cgroup -> /sys/fs/cgroup/...                 symlink: where sockops is attached
 * and two attachments: sockaccel_msg on sock_hash (BPF_SK_MSG_VERDICT) and
 * sockaccel_ops on the cgroup (BPF_CGROUP_SOCK_OPS, BPF_F_ALLOW_MULTI).
 *
 * Order, and why it makes every interrupted install repairable: pins first,
 * then the cgroup record, then the attachments; so whatever is attached is
 * reachable from a pin, and remove (or the next install) can undo it.
 */
#ifndef SOCKACCEL_ACCEL_H
#define SOCKACCEL_ACCEL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/sockaccel.h"
#include "sys/ctx.h"
#include "elf_view.h"

#define SA_PIN_RECORD "cgroup"
#define SA_NMAPS 6	/* sa_map_names */

struct sa_accel_opts {
	const char *cgroup;		/* NULL: the cgroup v2 mount point */
	const char *pin_dir;
	const uint16_t *ports;		/* port filter; nports == 0: all ports */
	size_t nports;
	const void *obj;		/* sockaccel.bpf.o bytes */
	size_t obj_len;
	const char *obj_name;
	const struct elf_reader *reader;
};

enum sa_result {
	SA_DONE,
	SA_UNCHANGED,	/* install: already installed like this */
	SA_NOTHING,	/* remove: nothing was installed */
	SA_REPAIRED,	/* install: an interrupted install was cleaned up first */
};

/* cgroup_out (PATH_MAX bytes) receives the cgroup installed on, or already installed on. */
int sa_install(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res,
	       char *cgroup_out);
int sa_remove(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res);

struct sa_status {
	int installed;		/* every pin is there */
	int partial;		/* some of ours, not all */
	char cgroup[PATH_MAX];	/* from the record, "" if none */
	int attached;		/* sockops attached to that cgroup */
	int msg_attached;	/* sk_msg attached to sock_hash; -1 unknown */
	uint32_t ops_id, msg_id;
	uint32_t map_ids[SA_NMAPS];	/* in the order of sa_map_names */
	uint64_t sockets;	/* entries in sock_hash now */
	uint64_t counters[SA_COUNTER_MAX];
	int port_filter;
	uint16_t ports[SA_PORTS_MAX];
	size_t nports;
};

extern const char *const sa_map_names[SA_NMAPS];
extern const char *const sa_counter_names[SA_COUNTER_MAX];

int sa_status_read(struct sa_ctx *c, const char *pin_dir, struct sa_status *s);

#endif
