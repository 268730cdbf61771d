// SPDX-License-Identifier: GPL-2.0
/*
 * items.c: the one table of what an install leaves (accel.h), and the
 * small helpers every job of this folder reads the pins with.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "sys/bpf.h"
#include "sys/fs.h"

const struct sa_item sa_items[SA_NITEMS] = {
	[SA_SOCKHASH] = { SA_MAP_SOCKHASH, SA_K_MAP, BPF_MAP_TYPE_SOCKHASH, sizeof(struct sa_key), 0 },
	[SA_COUNTERS] = { SA_MAP_COUNTERS, SA_K_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8 },
	[SA_CONFIG] = { SA_MAP_CONFIG, SA_K_MAP, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sa_config) },
	[SA_PORTS] = { SA_MAP_PORTS, SA_K_MAP, BPF_MAP_TYPE_HASH, 4, 0 },
	[SA_SKSTATE] = { SA_MAP_SKSTATE, SA_K_MAP, BPF_MAP_TYPE_SK_STORAGE, 0, 0 },
	[SA_STREAK] = { SA_MAP_STREAK, SA_K_MAP, BPF_MAP_TYPE_LRU_HASH, 0, 0 },
	[SA_TOSTACK] = { SA_MAP_TOSTACK, SA_K_MAP, BPF_MAP_TYPE_LRU_HASH, 0, 0 },
	[SA_OPS] = { SA_PROG_SOCKOPS, SA_K_PROG, BPF_PROG_TYPE_SOCK_OPS, 0, 0, BPF_CGROUP_SOCK_OPS },
	[SA_MSG] = { SA_PROG_SKMSG, SA_K_PROG, BPF_PROG_TYPE_SK_MSG, 0, 0, BPF_SK_MSG_VERDICT },
	[SA_OPT] = { SA_PROG_SOCKOPT, SA_K_PROG, BPF_PROG_TYPE_CGROUP_SOCKOPT, 0, 0,
		     BPF_CGROUP_SETSOCKOPT },
	[SA_REC_CGROUP] = { "cgroup", SA_K_RECORD, 0, 0, 0 },
	[SA_REC_VERSION] = { "version", SA_K_RECORD, 0, 0, 0 },
	[SA_UNREAD] = { SA_MAP_UNREAD, SA_K_MAP, BPF_MAP_TYPE_HASH, 0, 0 },
	[SA_READERS] = { SA_MAP_READERS, SA_K_MAP, BPF_MAP_TYPE_HASH, 0, 0 },
	[SA_READ] = { SA_PROG_READ, SA_K_PROG, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0 },
	[SA_READ_LINK] = { "read_link", SA_K_LINK, BPF_LINK_TYPE_RAW_TRACEPOINT, 0, 0 },
};

const uint8_t sa_cg_items[SA_NCG] = { SA_OPT, SA_OPS };

const char *const sa_counter_names[SA_COUNTER_MAX] = {
	[SA_SOCK_ADDED] = "sockets_added",
	[SA_SOCK_ADD_FAILED] = "sockets_add_failed",
	[SA_SOCK_FILTERED] = "sockets_not_accelerated",
	[SA_MSG_REDIRECTED] = "msgs_redirected",
	[SA_BYTES_REDIRECTED] = "bytes_redirected",
	[SA_MSG_PASSED] = "msgs_passed",
	[SA_BYTES_PASSED] = "bytes_passed",
	[SA_SOCK_TO_STACK] = "sockets_moved_to_stack",
	[SA_SOCK_BACKPRESSURE] = "sockets_moved_backpressure",
	[SA_SOCK_SOCKOPT] = "sockets_moved_sockopt",
};

const char *const sa_state_names[SA_NSTATES] = {
	"installed", "not_installed", "partial", "detached", "cgroup_gone",
};

int sa_pin_get(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (sa_path(path, sizeof(path), dir, name))
		return -ENAMETOOLONG;
	return sys_obj_get(path);
}

int sa_read_record(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	if (sa_path(path, sizeof(path), dir, name))
		return -ENAMETOOLONG;
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int sa_is_our_ops(int fd, uint32_t *id)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (sys_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	*id = info.id;
	return info.type == sa_items[SA_OPS].type && !strcmp(info.name, sa_items[SA_OPS].name);
}

int sa_query(int target_fd, uint32_t type, uint32_t *ids, uint32_t max)
{
	uint32_t cnt = max;
	int err = sys_prog_query(target_fd, type, NULL, ids, &cnt);

	if (err && err != -ENOSPC)
		return err;
	return (int)(cnt < max ? cnt : max);
}
