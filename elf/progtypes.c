// SPDX-License-Identifier: GPL-2.0
/*
 * progtypes.c: the two tables every command reads for program and attach
 * types.  inspect, load, attach, the help text and the error messages all
 * come from here; nothing else spells these facts.
 *
 * attach_defs: bpftool's name for each attach type this loader attaches
 * with BPF_PROG_ATTACH ("msg_verdict", "ingress", "connect4"...), and what
 * it attaches to (a cgroup v2 directory or a sockmap/sockhash).
 *
 * sec_defs: section name -> program type, the expected attach type that
 * BPF_PROG_LOAD needs, and the attach type the program is meant for.  The
 * names are libbpf's and iproute2's; they are also what bpftool's
 * `prog load ... type TYPE` takes.  A section matches, in this order:
 *   1. an entry's name exactly ("sk_skb/stream_parser");
 *   2. an entry's name as a prefix, the entries in table order, the more
 *      specific first: "sk_skb/stream_parser1" -> sk_skb/stream_parser,
 *      "sk_skb1" -> sk_skb, "sk_msg2" -> sk_msg, "sockops_x" -> sockops.
 *      libbpf before 1.0 and the kernel's samples/bpf loader matched by
 *      prefix (the kernel's sockmap selftests name sections "sk_skb1"...),
 *      libbpf 1.0 only at a '/'; we take both.
 */
#include <string.h>

#include "object.h"

#define NONE BO_NO_ATTACH
#define CG BO_ATTACH_CGROUP
#define MAP BO_ATTACH_MAP

/* bpftool's spelling (its attach_type_strings, prog attach's names). */
static const struct bo_attach_def attach_defs[] = {
	{ "sock_ops", BPF_CGROUP_SOCK_OPS, CG },
	{ "ingress", BPF_CGROUP_INET_INGRESS, CG },
	{ "egress", BPF_CGROUP_INET_EGRESS, CG },
	{ "sock_create", BPF_CGROUP_INET_SOCK_CREATE, CG },
	{ "sock_release", BPF_CGROUP_INET_SOCK_RELEASE, CG },
	{ "post_bind4", BPF_CGROUP_INET4_POST_BIND, CG },
	{ "post_bind6", BPF_CGROUP_INET6_POST_BIND, CG },
	{ "bind4", BPF_CGROUP_INET4_BIND, CG },
	{ "bind6", BPF_CGROUP_INET6_BIND, CG },
	{ "connect4", BPF_CGROUP_INET4_CONNECT, CG },
	{ "connect6", BPF_CGROUP_INET6_CONNECT, CG },
	{ "getpeername4", BPF_CGROUP_INET4_GETPEERNAME, CG },
	{ "getpeername6", BPF_CGROUP_INET6_GETPEERNAME, CG },
	{ "getsockname4", BPF_CGROUP_INET4_GETSOCKNAME, CG },
	{ "getsockname6", BPF_CGROUP_INET6_GETSOCKNAME, CG },
	{ "sendmsg4", BPF_CGROUP_UDP4_SENDMSG, CG },
	{ "sendmsg6", BPF_CGROUP_UDP6_SENDMSG, CG },
	{ "recvmsg4", BPF_CGROUP_UDP4_RECVMSG, CG },
	{ "recvmsg6", BPF_CGROUP_UDP6_RECVMSG, CG },
	{ "getsockopt", BPF_CGROUP_GETSOCKOPT, CG },
	{ "setsockopt", BPF_CGROUP_SETSOCKOPT, CG },
	{ "sysctl", BPF_CGROUP_SYSCTL, CG },
	{ "device", BPF_CGROUP_DEVICE, CG },
	{ "msg_verdict", BPF_SK_MSG_VERDICT, MAP },
	{ "stream_parser", BPF_SK_SKB_STREAM_PARSER, MAP },
	{ "stream_verdict", BPF_SK_SKB_STREAM_VERDICT, MAP },
	{ "skb_verdict", BPF_SK_SKB_VERDICT, MAP },	/* Linux 5.15 */
};

const struct bo_attach_def *bo_attach_defs(size_t *n)
{
	*n = sizeof(attach_defs) / sizeof(attach_defs[0]);
	return attach_defs;
}

const struct bo_attach_def *bo_attach_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(attach_defs) / sizeof(attach_defs[0]); i++)
		if (!strcmp(name, attach_defs[i].name))
			return &attach_defs[i];
	return NULL;
}

const struct bo_attach_def *bo_attach_by_type(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(attach_defs) / sizeof(attach_defs[0]); i++)
		if (attach_defs[i].type == type)
			return &attach_defs[i];
	return NULL;
}

/* The kernel needs expected_attach_type at load for these (E: both). */
#define E(t) t, t

static const struct bo_sec_def sec_defs[] = {
	/* socket acceleration */
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, 0, BPF_CGROUP_SOCK_OPS },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, 0, BPF_SK_MSG_VERDICT },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_PARSER },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT },
	{ "sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_VERDICT },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT },
	/* cgroup socket address hooks: the kernel needs the attach type at load */
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET4_CONNECT) },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET6_CONNECT) },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET4_BIND) },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET6_BIND) },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_UDP4_SENDMSG) },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_UDP6_SENDMSG) },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_UDP4_RECVMSG) },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_UDP6_RECVMSG) },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET4_GETPEERNAME) },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET6_GETPEERNAME) },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET4_GETSOCKNAME) },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, E(BPF_CGROUP_INET6_GETSOCKNAME) },
	/* cgroup socket options and socket lifetime */
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, E(BPF_CGROUP_GETSOCKOPT) },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, E(BPF_CGROUP_SETSOCKOPT) },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, E(BPF_CGROUP_INET_SOCK_CREATE) },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, E(BPF_CGROUP_INET_SOCK_RELEASE) },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, E(BPF_CGROUP_INET4_POST_BIND) },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, E(BPF_CGROUP_INET6_POST_BIND) },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, E(BPF_CGROUP_INET_SOCK_CREATE) },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, E(BPF_CGROUP_SYSCTL) },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, E(BPF_CGROUP_DEVICE) },
	/* cgroup packet filters: the attach type at load is optional (Linux 4.10) */
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_EGRESS },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS },
	/* loaded and pinned; attached by setsockopt, netlink or bpf links */
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, NONE },
	{ "xdp", BPF_PROG_TYPE_XDP, 0, NONE },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, NONE },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, NONE },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, NONE },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, NONE },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, 0, NONE },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, 0, BPF_FLOW_DISSECTOR },
	/* tracing: loaded and pinned, attached with perf_event_open (not here) */
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, NONE },
	{ "kretprobe", BPF_PROG_TYPE_KPROBE, 0, NONE },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, NONE },
	{ "tp/", BPF_PROG_TYPE_TRACEPOINT, 0, NONE },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NONE },
	{ "raw_tp/", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NONE },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, NONE },
};
#define NSEC (sizeof(sec_defs) / sizeof(sec_defs[0]))

const struct bo_sec_def *bo_sec_def_find(const char *section)
{
	const char *c;
	size_t i;

	for (i = 0; i < NSEC; i++)
		if (!strcmp(section, sec_defs[i].name))
			return &sec_defs[i];
	/* A suffix of control characters is no suffix: such a name stays
	 * unknown (and is never printed as it is). */
	for (c = section; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return NULL;
	for (i = 0; i < NSEC; i++)
		if (!strncmp(section, sec_defs[i].name, strlen(sec_defs[i].name)))
			return &sec_defs[i];
	return NULL;
}

/* --type / `type`: a name of the table, exactly ("tp" for "tp/"). */
const struct bo_sec_def *bo_sec_def_by_type(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < NSEC; i++)
		if (!strncmp(name, sec_defs[i].name, n) &&
		    (!sec_defs[i].name[n] || !strcmp(sec_defs[i].name + n, "/")))
			return &sec_defs[i];
	return NULL;
}

const char *bo_sec_def_name(size_t i)
{
	return i < NSEC ? sec_defs[i].name : NULL;
}

int bo_attach_to(const struct bo_sec_def *d)
{
	const struct bo_attach_def *a = bo_attach_by_type(d->attach_type);

	return a ? a->to : BO_ATTACH_NONE;
}
