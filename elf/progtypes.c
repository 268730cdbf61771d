// SPDX-License-Identifier: GPL-2.0
/*
 * progtypes.c: the one table from ELF section name to program type, the
 * expected attach type BPF_PROG_LOAD needs, and how the program is attached.
 *
 * A section matches an entry when it equals the entry's name or starts with
 * the name followed by '/' ("sockops/x" is a sockops program), the more
 * specific entries first.  The names are the ones libbpf and iproute2 use.
 */
#include <string.h>

#include "object.h"

#define NONE BO_NO_ATTACH

static const struct bo_sec_def defs[] = {
	/* socket acceleration */
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, 0, BPF_CGROUP_SOCK_OPS, BO_ATTACH_CGROUP },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, 0, BPF_SK_MSG_VERDICT, BO_ATTACH_MAP },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_PARSER, BO_ATTACH_MAP },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT, BO_ATTACH_MAP },
	{ "sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_VERDICT, BO_ATTACH_MAP },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT, BO_ATTACH_MAP },
	/* cgroup socket address hooks: the kernel needs the attach type at load */
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET4_CONNECT, BO_ATTACH_CGROUP },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_INET6_CONNECT, BO_ATTACH_CGROUP },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET4_BIND, BO_ATTACH_CGROUP },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET6_BIND, BO_ATTACH_CGROUP },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP4_SENDMSG, BO_ATTACH_CGROUP },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, BPF_CGROUP_UDP6_SENDMSG, BO_ATTACH_CGROUP },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP4_RECVMSG, BO_ATTACH_CGROUP },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, BPF_CGROUP_UDP6_RECVMSG, BO_ATTACH_CGROUP },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, BPF_CGROUP_INET4_GETPEERNAME, BO_ATTACH_CGROUP },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, BPF_CGROUP_INET6_GETPEERNAME, BO_ATTACH_CGROUP },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, BPF_CGROUP_INET4_GETSOCKNAME, BO_ATTACH_CGROUP },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, BPF_CGROUP_INET6_GETSOCKNAME, BO_ATTACH_CGROUP },
	/* cgroup socket options and socket lifetime */
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, BPF_CGROUP_GETSOCKOPT, BO_ATTACH_CGROUP },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, BPF_CGROUP_SETSOCKOPT, BO_ATTACH_CGROUP },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE, BO_ATTACH_CGROUP },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, BPF_CGROUP_INET_SOCK_RELEASE, BO_ATTACH_CGROUP },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, BPF_CGROUP_INET4_POST_BIND, BO_ATTACH_CGROUP },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, BPF_CGROUP_INET6_POST_BIND, BO_ATTACH_CGROUP },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE, BO_ATTACH_CGROUP },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, BO_ATTACH_CGROUP },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, BPF_CGROUP_DEVICE, BO_ATTACH_CGROUP },
	/* cgroup packet filters: the attach type at load is optional (Linux 4.10) */
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS, BO_ATTACH_CGROUP },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_EGRESS, BO_ATTACH_CGROUP },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS, BO_ATTACH_CGROUP },
	/* loaded and pinned; attached by setsockopt, netlink or bpf links */
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, NONE, BO_ATTACH_NONE },
	{ "xdp", BPF_PROG_TYPE_XDP, 0, NONE, BO_ATTACH_NONE },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, NONE, BO_ATTACH_NONE },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, NONE, BO_ATTACH_NONE },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, NONE, BO_ATTACH_NONE },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, NONE, BO_ATTACH_NONE },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, 0, NONE, BO_ATTACH_NONE },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, 0, BPF_FLOW_DISSECTOR, BO_ATTACH_NONE },
};

const struct bo_sec_def *bo_sec_def_find(const char *section)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		size_t n = strlen(defs[i].name);

		if (strncmp(section, defs[i].name, n) == 0 &&
		    (section[n] == '\0' || section[n] == '/'))
			return &defs[i];
	}
	return NULL;
}
