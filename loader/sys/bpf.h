/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf.h: one function per bpf() command, named after it.  Each fills only
 * the part of union bpf_attr that the command reads and returns an fd, 0,
 * or -errno.  fds returned are never 0, 1 or 2: the BPF UAPI reads fd 0 as
 * "no fd" in places (attach_bpf_fd, btf_fd), and we do not want a map to
 * end up as someone's stdout.
 */
#ifndef SOCKACCEL_BPF_H
#define SOCKACCEL_BPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* -v: print each bpf() call, decoded, to stderr as it returns. */
extern int sys_trace;

struct sys_map_create_args {
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t numa_node;
	const char *name;		/* up to 15 chars reach the kernel */
	int btf_fd;			/* 0: no BTF */
	int inner_map_fd;		/* map-in-map: template map; 0: none */
	uint32_t btf_key_type_id, btf_value_type_id;
};

struct sys_prog_load_args {
	uint32_t type, expected_attach_type, kern_version;
	const char *name;
	const char *license;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint32_t log_level;		/* 0: no log */
	char *log_buf;
	uint32_t log_size;
	int prog_btf_fd;		/* 0: none (Linux 5.0 for all three) */
	const struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
};

/* A close-on-exec copy of fd numbered 3 or above (F_DUPFD_CLOEXEC, Linux
 * 2.6.24): the new fd or -errno. */
int sys_dup_cloexec(int fd);
int sys_map_create(const struct sys_map_create_args *o);
int sys_prog_load(const struct sys_prog_load_args *o);
int sys_btf_load(const void *data, uint32_t size);
int sys_obj_pin(int fd, const char *path);
int sys_obj_get(const char *path);
int sys_prog_attach(int prog_fd, int target_fd, uint32_t type, uint32_t flags);
/* BPF_F_REPLACE (Linux 5.6): with BPF_F_ALLOW_MULTI, swap the program
 * replace_fd for prog_fd in its place in the cgroup's list, atomically. */
int sys_prog_attach_replace(int prog_fd, int target_fd, uint32_t type, uint32_t flags,
			    int replace_fd);
int sys_prog_detach(int prog_fd, int target_fd, uint32_t type);
/* ids: room for *cnt ids on entry; on return *cnt is how many are attached. */
int sys_prog_query(int target_fd, uint32_t type, uint32_t *attach_flags,
		   uint32_t *ids, uint32_t *cnt);
int sys_map_lookup_elem(int fd, const void *key, void *value);
int sys_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
int sys_map_delete_elem(int fd, const void *key);
int sys_map_get_next_key(int fd, const void *key, void *next_key);
int sys_map_freeze(int fd);
int sys_obj_get_info_by_fd(int fd, void *info, uint32_t *len);
int sys_prog_get_fd_by_id(uint32_t id);
int sys_map_get_fd_by_id(uint32_t id);
/* The next id after id (0: the first); -ENOENT after the last. */
int sys_prog_get_next_id(uint32_t id, uint32_t *next);
int sys_map_get_next_id(uint32_t id, uint32_t *next);
/* target: an ifindex (XDP, tcx) or an fd, as the attach type says. */
int sys_link_create(int prog_fd, int target, uint32_t attach_type, uint32_t flags);
/* BPF_RAW_TRACEPOINT_OPEN (Linux 4.17; a link to pin since 5.7): link fd or -errno. */
int sys_raw_tp_open(int prog_fd, const char *name);
int sys_link_update(int link_fd, int new_prog_fd);
int sys_link_detach(int link_fd);
/* 0 with *next set, -ENOENT after the last. */
int sys_link_get_next_id(uint32_t id, uint32_t *next);
int sys_link_get_fd_by_id(uint32_t id);

/* trace.c: print one call; ret is what the wrapper returns. */
void sys_trace_call(int cmd, const union bpf_attr *attr, int ret);

#endif
