// SPDX-License-Identifier: GPL-2.0
/*
 * bpf.c: the only place in sockaccel that calls the bpf() system call.
 *
 * Every wrapper zeroes union bpf_attr up to the last field its command uses
 * and passes exactly that size.  The kernel accepts a shorter attr and
 * rejects non-zero bytes past the fields it knows (E2BIG), so passing no more
 * than we use is what lets one binary run on older kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/bpf.h"

#define offsetofend(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))
#define ATTR_SIZE(f) offsetofend(union bpf_attr, f)

int sys_trace;

/* syscall(), not fcntl(): musl's fcntl() adapts every command (400 bytes). */
int sys_dup_cloexec(int fd)
{
	long r = syscall(__NR_fcntl, fd, F_DUPFD_CLOEXEC, 3);

	return r < 0 ? -errno : (int)r;
}

/* fds 0-2 are moved up (see bpf.h). */
static int fd_above_stdio(int fd)
{
	int nfd;

	if (fd < 0 || fd > 2)
		return fd;
	nfd = sys_dup_cloexec(fd);
	close(fd);
	return nfd;
}

/* The choke point: -errno on failure, traced with -v. */
static int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);
	int ret = r < 0 ? -errno : (int)r;

	if (sys_trace)
		sys_trace_call(cmd, attr, ret);
	return ret;
}

static int sys_bpf_fd(int cmd, union bpf_attr *attr, unsigned int size)
{
	return fd_above_stdio(sys_bpf(cmd, attr, size));
}

static void copy_name(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
	/* The kernel takes [A-Za-z0-9_.] (Linux 4.15); others become '_'. */
	size_t i;

	for (i = 0; src && src[i] && i < BPF_OBJ_NAME_LEN - 1; i++) {
		char c = src[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '.';

		dst[i] = ok ? c : '_';
	}
}

int sys_map_create(const struct sys_map_create_args *o)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(btf_value_type_id));
	a.map_type = o->type;
	a.inner_map_fd = (uint32_t)o->inner_map_fd;	/* map-in-map: the template */
	a.key_size = o->key_size;
	a.value_size = o->value_size;
	a.max_entries = o->max_entries;
	a.map_flags = o->flags;
	a.numa_node = o->numa_node;
	copy_name(a.map_name, o->name);
	a.btf_fd = o->btf_fd;
	a.btf_key_type_id = o->btf_key_type_id;
	a.btf_value_type_id = o->btf_value_type_id;
	return sys_bpf_fd(BPF_MAP_CREATE, &a, ATTR_SIZE(btf_value_type_id));
}

int sys_prog_load(const struct sys_prog_load_args *o)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(line_info_cnt));
	a.prog_type = o->type;
	a.insns = (uint64_t)(uintptr_t)o->insns;
	a.insn_cnt = o->insn_cnt;
	a.license = (uint64_t)(uintptr_t)o->license;
	a.log_level = o->log_level;
	a.log_buf = (uint64_t)(uintptr_t)o->log_buf;
	a.log_size = o->log_size;
	a.kern_version = o->kern_version;
	copy_name(a.prog_name, o->name);
	a.expected_attach_type = o->expected_attach_type;
	if (o->prog_btf_fd > 0) {
		a.prog_btf_fd = (uint32_t)o->prog_btf_fd;
		a.func_info_rec_size = sizeof(*o->func_info);
		a.func_info = (uint64_t)(uintptr_t)o->func_info;
		a.func_info_cnt = o->func_info_cnt;
		a.line_info_rec_size = sizeof(*o->line_info);
		a.line_info = (uint64_t)(uintptr_t)o->line_info;
		a.line_info_cnt = o->line_info_cnt;
	}
	/* The size covers fields older kernels do not know only when they
	 * are used: a kernel checks that bytes past its own attr are zero. */
	return sys_bpf_fd(BPF_PROG_LOAD, &a, o->prog_btf_fd > 0 ? ATTR_SIZE(line_info_cnt) :
			  ATTR_SIZE(expected_attach_type));
}

int sys_btf_load(const void *data, uint32_t size)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(btf_log_level));
	a.btf = (uint64_t)(uintptr_t)data;
	a.btf_size = size;
	return sys_bpf_fd(BPF_BTF_LOAD, &a, ATTR_SIZE(btf_log_level));
}

int sys_obj_pin(int fd, const char *path)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(file_flags));
	a.pathname = (uint64_t)(uintptr_t)path;
	a.bpf_fd = (uint32_t)fd;
	return sys_bpf(BPF_OBJ_PIN, &a, ATTR_SIZE(file_flags));
}

int sys_obj_get(const char *path)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(file_flags));
	a.pathname = (uint64_t)(uintptr_t)path;
	return sys_bpf_fd(BPF_OBJ_GET, &a, ATTR_SIZE(file_flags));
}

int sys_prog_attach_replace(int prog_fd, int target_fd, uint32_t type, uint32_t flags,
			    int replace_fd)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(replace_bpf_fd));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = type;
	a.attach_flags = flags;
	a.replace_bpf_fd = (uint32_t)replace_fd;
	return sys_bpf(BPF_PROG_ATTACH, &a, ATTR_SIZE(replace_bpf_fd));
}

int sys_prog_attach(int prog_fd, int target_fd, uint32_t type, uint32_t flags)
{
	return sys_prog_attach_replace(prog_fd, target_fd, type, flags, 0);
}

int sys_prog_detach(int prog_fd, int target_fd, uint32_t type)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(replace_bpf_fd));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = type;
	return sys_bpf(BPF_PROG_DETACH, &a, ATTR_SIZE(replace_bpf_fd));
}

int sys_prog_query(int target_fd, uint32_t type, uint32_t *attach_flags,
		   uint32_t *ids, uint32_t *cnt)
{
	union bpf_attr a;
	int ret;

	memset(&a, 0, ATTR_SIZE(query.prog_cnt));
	a.query.target_fd = (uint32_t)target_fd;
	a.query.attach_type = type;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = *cnt;
	ret = sys_bpf(BPF_PROG_QUERY, &a, ATTR_SIZE(query.prog_cnt));
	/* ENOSPC still reports the full count in prog_cnt. */
	if (ret == 0 || ret == -ENOSPC) {
		*cnt = a.query.prog_cnt;
		if (attach_flags)
			*attach_flags = a.query.attach_flags;
	}
	return ret;
}

static int map_elem(int cmd, int fd, const void *key, void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(flags));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = flags;
	return sys_bpf(cmd, &a, ATTR_SIZE(flags));
}

int sys_map_lookup_elem(int fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int sys_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, (void *)value, flags);
}

int sys_map_delete_elem(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int sys_map_get_next_key(int fd, const void *key, void *next_key)
{
	/* next_key shares its slot in the attr with value. */
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

int sys_map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(map_fd));
	a.map_fd = (uint32_t)fd;
	return sys_bpf(BPF_MAP_FREEZE, &a, ATTR_SIZE(map_fd));
}

int sys_obj_get_info_by_fd(int fd, void *info, uint32_t *len)
{
	union bpf_attr a;
	int ret;

	memset(&a, 0, ATTR_SIZE(info));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *len;
	a.info.info = (uint64_t)(uintptr_t)info;
	ret = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_SIZE(info));
	if (ret == 0)
		*len = a.info.info_len;
	return ret;
}

static int get_fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(open_flags));
	a.prog_id = id;	/* map_id shares the slot */
	return sys_bpf_fd(cmd, &a, ATTR_SIZE(open_flags));
}

int sys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

int sys_map_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

/* ---- links (BPF_LINK_CREATE: Linux 5.7; XDP links 5.9, tcx 6.6) ---- */

int sys_link_create(int prog_fd, int target, uint32_t attach_type, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(link_create.flags));
	a.link_create.prog_fd = (uint32_t)prog_fd;
	a.link_create.target_ifindex = (uint32_t)target;
	a.link_create.attach_type = attach_type;
	a.link_create.flags = flags;
	return sys_bpf_fd(BPF_LINK_CREATE, &a, ATTR_SIZE(link_create.flags));
}

int sys_raw_tp_open(int prog_fd, const char *name)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(raw_tracepoint.prog_fd));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t)name;
	a.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return sys_bpf_fd(BPF_RAW_TRACEPOINT_OPEN, &a, ATTR_SIZE(raw_tracepoint.prog_fd));
}

int sys_link_update(int link_fd, int new_prog_fd)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(link_update.old_prog_fd));
	a.link_update.link_fd = (uint32_t)link_fd;
	a.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	return sys_bpf(BPF_LINK_UPDATE, &a, ATTR_SIZE(link_update.old_prog_fd));
}

int sys_link_detach(int link_fd)
{
	union bpf_attr a;

	memset(&a, 0, ATTR_SIZE(link_detach.link_fd));
	a.link_detach.link_fd = (uint32_t)link_fd;
	return sys_bpf(BPF_LINK_DETACH, &a, ATTR_SIZE(link_detach.link_fd));
}

static int get_next_id(int cmd, uint32_t id, uint32_t *next)
{
	union bpf_attr a;
	int ret;

	memset(&a, 0, ATTR_SIZE(open_flags));
	a.start_id = id;
	ret = sys_bpf(cmd, &a, ATTR_SIZE(open_flags));
	if (!ret)
		*next = a.next_id;
	return ret;
}

int sys_prog_get_next_id(uint32_t id, uint32_t *next)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, id, next);
}

int sys_map_get_next_id(uint32_t id, uint32_t *next)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, id, next);
}

int sys_link_get_next_id(uint32_t id, uint32_t *next)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, id, next);
}

int sys_link_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
}
