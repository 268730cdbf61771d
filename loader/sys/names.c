// SPDX-License-Identifier: GPL-2.0
/*
 * names.c: UAPI enum values by their UAPI names (minus the common prefix),
 * for -v, inspect and status, spelled as in <linux/bpf.h> so that a reader
 * can grep for them.
 *
 * Each list is written once, in value order, as an X-macro.  It expands to
 * one string of NUL-separated names (no table of pointers: this is in the
 * 64 KiB static binary) and to _Static_asserts that every name sits at its
 * enum's value, so a wrong order cannot compile.  Values newer than the
 * build headers (Linux 6.1 on Debian 12) are listed after the checked part,
 * with the value uapi_compat.h gives them.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "sys/names.h"
#include "uapi_compat.h"

#define CMDS(X) \
	X(MAP_CREATE) X(MAP_LOOKUP_ELEM) X(MAP_UPDATE_ELEM) X(MAP_DELETE_ELEM) \
	X(MAP_GET_NEXT_KEY) X(PROG_LOAD) X(OBJ_PIN) X(OBJ_GET) \
	X(PROG_ATTACH) X(PROG_DETACH) X(PROG_TEST_RUN) X(PROG_GET_NEXT_ID) \
	X(MAP_GET_NEXT_ID) X(PROG_GET_FD_BY_ID) X(MAP_GET_FD_BY_ID) X(OBJ_GET_INFO_BY_FD) \
	X(PROG_QUERY) X(RAW_TRACEPOINT_OPEN) X(BTF_LOAD) X(BTF_GET_FD_BY_ID) \
	X(TASK_FD_QUERY) X(MAP_LOOKUP_AND_DELETE_ELEM) X(MAP_FREEZE) X(BTF_GET_NEXT_ID) \
	X(MAP_LOOKUP_BATCH) X(MAP_LOOKUP_AND_DELETE_BATCH) X(MAP_UPDATE_BATCH) X(MAP_DELETE_BATCH) \
	X(LINK_CREATE) X(LINK_UPDATE) X(LINK_GET_FD_BY_ID) X(LINK_GET_NEXT_ID) \
	X(ENABLE_STATS) X(ITER_CREATE) X(LINK_DETACH) X(PROG_BIND_MAP)

#define MAP_TYPES(X) \
	X(UNSPEC) X(HASH) X(ARRAY) X(PROG_ARRAY) \
	X(PERF_EVENT_ARRAY) X(PERCPU_HASH) X(PERCPU_ARRAY) X(STACK_TRACE) \
	X(CGROUP_ARRAY) X(LRU_HASH) X(LRU_PERCPU_HASH) X(LPM_TRIE) \
	X(ARRAY_OF_MAPS) X(HASH_OF_MAPS) X(DEVMAP) X(SOCKMAP) \
	X(CPUMAP) X(XSKMAP) X(SOCKHASH) X(CGROUP_STORAGE) \
	X(REUSEPORT_SOCKARRAY) X(PERCPU_CGROUP_STORAGE) X(QUEUE) X(STACK) \
	X(SK_STORAGE) X(DEVMAP_HASH) X(STRUCT_OPS) X(RINGBUF) \
	X(INODE_STORAGE) X(TASK_STORAGE) X(BLOOM_FILTER) X(USER_RINGBUF)

#define PROG_TYPES(X) \
	X(UNSPEC) X(SOCKET_FILTER) X(KPROBE) X(SCHED_CLS) \
	X(SCHED_ACT) X(TRACEPOINT) X(XDP) X(PERF_EVENT) \
	X(CGROUP_SKB) X(CGROUP_SOCK) X(LWT_IN) X(LWT_OUT) \
	X(LWT_XMIT) X(SOCK_OPS) X(SK_SKB) X(CGROUP_DEVICE) \
	X(SK_MSG) X(RAW_TRACEPOINT) X(CGROUP_SOCK_ADDR) X(LWT_SEG6LOCAL) \
	X(LIRC_MODE2) X(SK_REUSEPORT) X(FLOW_DISSECTOR) X(CGROUP_SYSCTL) \
	X(RAW_TRACEPOINT_WRITABLE) X(CGROUP_SOCKOPT) X(TRACING) X(STRUCT_OPS) \
	X(EXT) X(LSM) X(SK_LOOKUP) X(SYSCALL)

#define ATTACH_TYPES(X) \
	X(CGROUP_INET_INGRESS) X(CGROUP_INET_EGRESS) X(CGROUP_INET_SOCK_CREATE) X(CGROUP_SOCK_OPS) \
	X(SK_SKB_STREAM_PARSER) X(SK_SKB_STREAM_VERDICT) X(CGROUP_DEVICE) X(SK_MSG_VERDICT) \
	X(CGROUP_INET4_BIND) X(CGROUP_INET6_BIND) X(CGROUP_INET4_CONNECT) X(CGROUP_INET6_CONNECT) \
	X(CGROUP_INET4_POST_BIND) X(CGROUP_INET6_POST_BIND) X(CGROUP_UDP4_SENDMSG) X(CGROUP_UDP6_SENDMSG) \
	X(LIRC_MODE2) X(FLOW_DISSECTOR) X(CGROUP_SYSCTL) X(CGROUP_UDP4_RECVMSG) \
	X(CGROUP_UDP6_RECVMSG) X(CGROUP_GETSOCKOPT) X(CGROUP_SETSOCKOPT) X(TRACE_RAW_TP) \
	X(TRACE_FENTRY) X(TRACE_FEXIT) X(MODIFY_RETURN) X(LSM_MAC) \
	X(TRACE_ITER) X(CGROUP_INET4_GETPEERNAME) X(CGROUP_INET6_GETPEERNAME) X(CGROUP_INET4_GETSOCKNAME) \
	X(CGROUP_INET6_GETSOCKNAME) X(XDP_DEVMAP) X(CGROUP_INET_SOCK_RELEASE) X(XDP_CPUMAP) \
	X(SK_LOOKUP) X(XDP) X(SK_SKB_VERDICT) X(SK_REUSEPORT_SELECT) \
	X(SK_REUSEPORT_SELECT_OR_MIGRATE) X(PERF_EVENT) X(TRACE_KPROBE_MULTI) X(LSM_CGROUP)

#define STR(n) #n "\0"
#define CMD_IDX(n) CMD_##n,
#define MT_IDX(n) MT_##n,
#define PT_IDX(n) PT_##n,
#define AT_IDX(n) AT_##n,
#define CMD_CHECK(n) _Static_assert((int)CMD_##n == (int)BPF_##n, #n " out of order");
#define MT_CHECK(n) _Static_assert((int)MT_##n == (int)BPF_MAP_TYPE_##n, #n " out of order");
#define PT_CHECK(n) _Static_assert((int)PT_##n == (int)BPF_PROG_TYPE_##n, #n " out of order");
#define AT_CHECK(n) _Static_assert((int)AT_##n == (int)BPF_##n, #n " out of order");

enum { CMDS(CMD_IDX) N_CMDS };
enum { MAP_TYPES(MT_IDX) N_MAP_TYPES_CHECKED };
enum { PROG_TYPES(PT_IDX) N_PROG_TYPES };
enum { ATTACH_TYPES(AT_IDX) N_ATTACH_TYPES };
CMDS(CMD_CHECK)
MAP_TYPES(MT_CHECK)
PROG_TYPES(PT_CHECK)
ATTACH_TYPES(AT_CHECK)

static const char cmds[] = CMDS(STR);
/* Then CGRP_STORAGE (Linux 6.2) and ARENA (6.9), right after the checked ones. */
_Static_assert(N_MAP_TYPES_CHECKED == SA_MAP_TYPE_CGRP_STORAGE, "new map types");
static const char map_types[] = MAP_TYPES(STR) "CGRP_STORAGE\0" "ARENA\0";
#define N_MAP_TYPES (SA_MAP_TYPE_ARENA + 1)
static const char prog_types[] = PROG_TYPES(STR);
/* Then, after the checked ones (Debian 12's headers end at LSM_CGROUP):
 * STRUCT_OPS and NETFILTER (Linux 6.4), TCX_INGRESS and TCX_EGRESS (6.6). */
_Static_assert(N_ATTACH_TYPES == SA_ATTACH_STRUCT_OPS, "new attach types");
static const char attach_types[] = ATTACH_TYPES(STR) "STRUCT_OPS\0" "NETFILTER\0"
	"TCX_INGRESS\0" "TCX_EGRESS\0";
#define N_ATTACH_NAMES (SA_ATTACH_TCX_EGRESS + 1)

const char *sa_nth(const char *list, unsigned int n)
{
	while (n--)
		list += strlen(list) + 1;
	return list;
}

/* The nth name of a list, or the number in buf when we have no name for it. */
static const char *nth(const char *list, unsigned int count, unsigned int v,
		       char *buf, size_t len)
{
	if (v >= count) {
		snprintf(buf, len, "%u", v);
		return buf;
	}
	return sa_nth(list, v);
}

const char *bpf_cmd_name(unsigned int v)
{
	static char b[16];

	return nth(cmds, N_CMDS, v, b, sizeof(b));
}

const char *bpf_map_type_name(unsigned int v)
{
	static char b[16];

	return nth(map_types, N_MAP_TYPES, v, b, sizeof(b));
}

const char *bpf_prog_type_name(unsigned int v)
{
	static char b[16];

	return nth(prog_types, N_PROG_TYPES, v, b, sizeof(b));
}

const char *bpf_attach_type_name(unsigned int v)
{
	static char b[16];

	return nth(attach_types, N_ATTACH_NAMES, v, b, sizeof(b));
}

static int by_name(const char *list, int count, const char *name)
{
	int i;

	for (i = 0; i < count; i++, list += strlen(list) + 1)
		if (!strcasecmp(list, name))
			return i;
	return -1;
}

int bpf_attach_type_by_name(const char *name)
{
	return by_name(attach_types, N_ATTACH_NAMES, name);
}

int bpf_map_type_by_name(const char *name)
{
	return by_name(map_types, N_MAP_TYPES, name);
}
