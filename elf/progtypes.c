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

#include "internal.h"

#define NONE BO_NO_ATTACH
#define CG BO_ATTACH_CGROUP
#define MAP BO_ATTACH_MAP

/*
 * bpftool's spelling (its attach_type_strings, prog attach's names).  Each
 * table is written once as an X-macro that expands to one string of
 * NUL-separated names and a byte array of the rest: no pointer per row in
 * the size-limited static binary.
 */
#define ATTACH_DEFS(X) \
	X("sock_ops", BPF_CGROUP_SOCK_OPS, CG) \
	X("ingress", BPF_CGROUP_INET_INGRESS, CG) \
	X("egress", BPF_CGROUP_INET_EGRESS, CG) \
	X("sock_create", BPF_CGROUP_INET_SOCK_CREATE, CG) \
	X("sock_release", BPF_CGROUP_INET_SOCK_RELEASE, CG) \
	X("post_bind4", BPF_CGROUP_INET4_POST_BIND, CG) \
	X("post_bind6", BPF_CGROUP_INET6_POST_BIND, CG) \
	X("bind4", BPF_CGROUP_INET4_BIND, CG) \
	X("bind6", BPF_CGROUP_INET6_BIND, CG) \
	X("connect4", BPF_CGROUP_INET4_CONNECT, CG) \
	X("connect6", BPF_CGROUP_INET6_CONNECT, CG) \
	X("getpeername4", BPF_CGROUP_INET4_GETPEERNAME, CG) \
	X("getpeername6", BPF_CGROUP_INET6_GETPEERNAME, CG) \
	X("getsockname4", BPF_CGROUP_INET4_GETSOCKNAME, CG) \
	X("getsockname6", BPF_CGROUP_INET6_GETSOCKNAME, CG) \
	X("sendmsg4", BPF_CGROUP_UDP4_SENDMSG, CG) \
	X("sendmsg6", BPF_CGROUP_UDP6_SENDMSG, CG) \
	X("recvmsg4", BPF_CGROUP_UDP4_RECVMSG, CG) \
	X("recvmsg6", BPF_CGROUP_UDP6_RECVMSG, CG) \
	X("getsockopt", BPF_CGROUP_GETSOCKOPT, CG) \
	X("setsockopt", BPF_CGROUP_SETSOCKOPT, CG) \
	X("sysctl", BPF_CGROUP_SYSCTL, CG) \
	X("device", BPF_CGROUP_DEVICE, CG) \
	X("msg_verdict", BPF_SK_MSG_VERDICT, MAP) \
	X("stream_parser", BPF_SK_SKB_STREAM_PARSER, MAP) \
	X("stream_verdict", BPF_SK_SKB_STREAM_VERDICT, MAP) \
	X("skb_verdict", BPF_SK_SKB_VERDICT, MAP)	/* Linux 5.15 */

#define A_NAME(n, t, to) n "\0"
#define A_INFO(n, t, to) { t, to },
static const char attach_names[] = ATTACH_DEFS(A_NAME);
static const uint8_t attach_info[][2] = { ATTACH_DEFS(A_INFO) };
#define NATTACH (sizeof(attach_info) / sizeof(attach_info[0]))

/* The nth name of a NUL-separated list. */
static const char *nth(const char *list, size_t n)
{
	while (n--)
		list += strlen(list) + 1;
	return list;
}

static const struct bo_attach_def *attach_def(size_t i)
{
	static struct bo_attach_def d[2];
	static int k;

	if (i >= NATTACH)
		return NULL;
	k ^= 1;
	d[k].name = nth(attach_names, i);
	d[k].type = attach_info[i][0];
	d[k].to = attach_info[i][1];
	return &d[k];
}

size_t bo_attach_count(void)
{
	return NATTACH;
}

const struct bo_attach_def *bo_attach_nth(size_t i)
{
	return attach_def(i);
}

const struct bo_attach_def *bo_attach_find(const char *name)
{
	int i = bo_name_index(attach_names, name);

	return i < 0 ? NULL : attach_def((size_t)i);
}

const struct bo_attach_def *bo_attach_by_type(uint32_t type)
{
	size_t i;

	for (i = 0; i < NATTACH; i++)
		if (attach_info[i][0] == type)
			return attach_def(i);
	return NULL;
}

/* The kernel needs expected_attach_type at load for these (E: both). */

#define SEC_DEFS(X) \
	/* socket acceleration */ \
	X("sockops", BPF_PROG_TYPE_SOCK_OPS, 0, BPF_CGROUP_SOCK_OPS) \
	X("sk_msg", BPF_PROG_TYPE_SK_MSG, 0, BPF_SK_MSG_VERDICT) \
	X("sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_PARSER) \
	X("sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT) \
	X("sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_VERDICT) \
	X("sk_skb", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT) \
	/* cgroup socket address hooks: the kernel needs the attach type at load */ \
	X("cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET4_CONNECT) \
	X("cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_INET6_CONNECT) \
	X("cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET4_BIND) \
	X("cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET6_BIND) \
	X("cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP4_SENDMSG) \
	X("cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, BPF_CGROUP_UDP6_SENDMSG) \
	X("cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP4_RECVMSG) \
	X("cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, BPF_CGROUP_UDP6_RECVMSG) \
	X("cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, BPF_CGROUP_INET4_GETPEERNAME) \
	X("cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, BPF_CGROUP_INET6_GETPEERNAME) \
	X("cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, BPF_CGROUP_INET4_GETSOCKNAME) \
	X("cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, BPF_CGROUP_INET6_GETSOCKNAME) \
	/* cgroup socket options and socket lifetime */ \
	X("cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, BPF_CGROUP_GETSOCKOPT) \
	X("cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, BPF_CGROUP_SETSOCKOPT) \
	X("cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE) \
	X("cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, BPF_CGROUP_INET_SOCK_RELEASE) \
	X("cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, BPF_CGROUP_INET4_POST_BIND) \
	X("cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, BPF_CGROUP_INET6_POST_BIND) \
	X("cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE) \
	X("cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL) \
	X("cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, BPF_CGROUP_DEVICE) \
	/* cgroup packet filters: the attach type at load is optional (Linux 4.10) */ \
	X("cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS) \
	X("cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_EGRESS) \
	X("cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS) \
	/* loaded and pinned; attached by setsockopt, netlink or bpf links */ \
	X("socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, NONE) \
	X("xdp", BPF_PROG_TYPE_XDP, 0, NONE) \
	X("tc", BPF_PROG_TYPE_SCHED_CLS, 0, NONE) \
	X("classifier", BPF_PROG_TYPE_SCHED_CLS, 0, NONE) \
	X("action", BPF_PROG_TYPE_SCHED_ACT, 0, NONE) \
	X("sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, NONE) \
	X("sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, 0, NONE) \
	X("flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, 0, BPF_FLOW_DISSECTOR) \
	/* tracing: loaded and pinned, attached with perf_event_open (not here) */ \
	X("kprobe", BPF_PROG_TYPE_KPROBE, 0, NONE) \
	X("kretprobe", BPF_PROG_TYPE_KPROBE, 0, NONE) \
	X("tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, NONE) \
	X("tp/", BPF_PROG_TYPE_TRACEPOINT, 0, NONE) \
	X("raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NONE) \
	X("raw_tp/", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NONE) \
	X("perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, NONE)

#define S_NAME(n, p, e, a) n "\0"
#define S_INFO(n, p, e, a) { p, e, a },
static const char sec_names[] = SEC_DEFS(S_NAME);
static const uint8_t sec_info[][3] = { SEC_DEFS(S_INFO) };
#define NSEC (sizeof(sec_info) / sizeof(sec_info[0]))

/* Row i as a struct; two may be held at once (a static pair). */
static const struct bo_sec_def *sec_def(size_t i)
{
	static struct bo_sec_def d[2];
	static int k;

	k ^= 1;
	d[k].name = nth(sec_names, i);
	d[k].prog_type = sec_info[i][0];
	d[k].expected_attach_type = sec_info[i][1];
	d[k].attach_type = sec_info[i][2];
	return &d[k];
}

const struct bo_sec_def *bo_sec_def_find(const char *section)
{
	const char *c;
	size_t i;
	int k = bo_name_index(sec_names, section);

	if (k >= 0)
		return sec_def((size_t)k);
	/* A suffix of control characters is no suffix: such a name stays
	 * unknown (and is never printed as it is). */
	for (c = section; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return NULL;
	for (i = 0; i < NSEC; i++)
		if (!strncmp(section, nth(sec_names, i), strlen(nth(sec_names, i))))
			return sec_def(i);
	return NULL;
}

/* --type / `type`: a name of the table, exactly ("tp" for "tp/"). */
const struct bo_sec_def *bo_sec_def_by_type(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < NSEC; i++) {
		const char *t = nth(sec_names, i);

		if (!strncmp(name, t, n) && (!t[n] || !strcmp(t + n, "/")))
			return sec_def(i);
	}
	return NULL;
}

const char *bo_sec_def_name(size_t i)
{
	return i < NSEC ? nth(sec_names, i) : NULL;
}

int bo_attach_to(const struct bo_sec_def *d)
{
	const struct bo_attach_def *a = bo_attach_by_type(d->attach_type);

	return a ? a->to : BO_ATTACH_NONE;
}
