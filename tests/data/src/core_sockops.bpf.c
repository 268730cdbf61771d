// SPDX-License-Identifier: GPL-2.0
/*
 * core_sockops: a sockops program that reads the kernel's structures through
 * local declarations that do NOT match the kernel's layout, as CO-RE
 * programs do (clang's preserve_access_index): only a loader that applies
 * the .BTF.ext relocations against the kernel's BTF reads the right values.
 * The kernel test (tests/kernel/core_relo.t) compares what it recorded with
 * what user space knows: the ports, the family, the socket options set.
 *
 * -DCORE_LIVE reads a field no kernel has, unguarded: the load must be
 * refused, naming it.  Without it the same read sits behind
 * bpf_core_field_exists() and the object loads.
 *
 * Helpers by id, no libbpf headers: it builds like bpf/sockaccel.bpf.c.
 */
#include <linux/bpf.h>
#include "bpf_api.h"

#define __core __attribute__((preserve_access_index))

/* __builtin_preserve_field_info() kinds (enum bpf_core_relo_kind) */
#define F_OFFSET	0
#define F_SIZE		1
#define F_EXISTS	2
#define F_SIGNED	3
#define F_LSHIFT	4
#define F_RSHIFT	5

/* BPF_FUNC_skc_to_tcp_sock (Linux 5.9): a pointer the verifier types with
 * the kernel's BTF (PTR_TO_BTF_ID), read with plain loads whose offsets the
 * verifier checks against that BTF. */
static struct tcp_sock *(*skc_to_tcp_sock)(void *sk) = (void *)137;

/* The kernel's struct bpf_sock_ops in another order, a field it has never
 * had, and a ___flavor suffix (matched as "bpf_sock_ops"). */
struct bpf_sock_ops___mine {
	__u32 remote_port;
	__u32 future_field;
	__u32 local_port;
	__u64 family;		/* __u32 in the kernel: the load shrinks to 4 bytes */
	__u32 local_ip6[4];	/* read by array index */
	__u32 local_ip4;
	__u32 remote_ip4;
	__u32 op;
	__bpf_md_ptr(struct bpf_sock *, sk);
} __core;

/* struct sock_common: skc_num lives in the kernel inside an anonymous
 * union and struct; the bitfields are in another order here. */
struct sock_common {
	unsigned char skc_net_refcnt:1;
	unsigned char skc_reuse:4;
	unsigned char skc_reuseport:1;
	unsigned short skc_num;
	unsigned short skc_family;
	unsigned short skc_dport;
} __core;

/* Fields far into struct sock, which move between kernel versions (the
 * kernel matrix's 5.10, 6.1 and 6.12 each put them elsewhere). */
struct sock {
	unsigned short sk_type;
	struct sock_common __sk_common;
	__u32 sk_mark;
	int sk_rcvbuf;
	unsigned short sk_protocol;
} __core;

/* struct tcp_sock: Linux 6.8 regrouped it (hot fields first), so these
 * offsets differ most between the kernels; user_mss sits in a named
 * nested struct. */
struct tcp_options_received {
	__u16 user_mss;
} __core;

struct tcp_sock {
	__u32 notsent_lowat;
	struct tcp_options_received rx_opt;
} __core;

enum sock_type___local {
	SOCK_STREAM___local = 99,	/* the kernel says 1 */
	SOCK_NO_SUCH_TYPE = 98,
};

/* A type of a module: drivers/net/veth.c's private data.  Where veth is a
 * module its BTF is the module's split BTF (/sys/kernel/btf/veth, Linux
 * 5.11), in vmlinux where it is built in; without either it does not exist
 * and the guarded read below never runs. */
struct veth_priv {
	unsigned int requested_headroom;
} __attribute__((preserve_access_index));

struct core_out {
	__u32 ops_seen;		/* bit per sockops op that fired */
	__u32 local_port;	/* ctx, at ACTIVE_ESTABLISHED_CB */
	__u32 remote_port;	/* ctx, host order */
	__u32 family;		/* ctx */
	__u32 local_ip4, remote_ip4;	/* ctx, network order */
	__u32 sk_family;	/* struct sock_common, read from kernel memory */
	__u32 sk_num;
	__u32 sk_dport;		/* host order */
	__u32 sk_type;
	__u32 reuse, reuseport, net_refcnt;	/* bitfields */
	__u32 stream;		/* enum sock_type: SOCK_STREAM */
	__u32 no_such_type;	/* enumerator exists? */
	__u32 future_exists;	/* field exists? */
	__u32 future_value;
	__u32 ops_size;		/* sizeof(struct bpf_sock_ops) in the kernel */
	__u32 sock_exists;	/* type exists? */
	__u32 sock_id;		/* the kernel's BTF id of struct sock */
	__u32 sock_local_id;	/* ours */
	__u32 local_ip6_2;	/* local_ip6[2], by array index */
	__u32 sk_mark;		/* SO_MARK */
	__u32 sk_rcvbuf;	/* SO_RCVBUF (what getsockopt says) */
	__u32 sk_protocol;	/* IPPROTO_TCP */
	__u32 user_mss;		/* TCP_MAXSEG, set before connect */
	__u32 notsent_lowat;	/* TCP_NOTSENT_LOWAT */
	__u32 veth_exists;	/* type exists? (module BTF) */
	__u32 veth_headroom;	/* byte offset of veth_priv.requested_headroom */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct core_out);
} core_out SEC(".maps");

/* A bitfield, wherever the kernel put it: load the bytes that hold it,
 * shift out what is around it (each number relocated). */
#define READ_BITFIELD(s, field) ({						\
	const void *p = (const char *)(s) +					\
		__builtin_preserve_field_info((s)->field, F_OFFSET);		\
	__u64 v;								\
	switch (__builtin_preserve_field_info((s)->field, F_SIZE)) {		\
	case 1: v = *(const __u8 *)p; break;					\
	case 2: v = *(const __u16 *)p; break;					\
	case 4: v = *(const __u32 *)p; break;					\
	default: v = *(const __u64 *)p; break;					\
	}									\
	v <<= __builtin_preserve_field_info((s)->field, F_LSHIFT);		\
	v >>= __builtin_preserve_field_info((s)->field, F_RSHIFT);		\
	(__u32)v;								\
})

/* A global function: with func_info the verifier checks it on its own,
 * for any argument (a global function takes scalars and the context). */
__attribute__((noinline)) int op_bit(__u32 op)
{
	return op < 32 ? 1u << op : 0;
}

static __attribute__((noinline)) int record_sock(struct core_out *out, struct tcp_sock *tp)
{
	struct sock *sk = (void *)tp;

	if (!tp)
		return 0;
	out->sk_mark = sk->sk_mark;
	out->sk_rcvbuf = sk->sk_rcvbuf;
	out->sk_protocol = sk->sk_protocol;
	out->user_mss = tp->rx_opt.user_mss;
	out->notsent_lowat = tp->notsent_lowat;
	out->sk_family = sk->__sk_common.skc_family;
	out->sk_num = sk->__sk_common.skc_num;
	out->sk_dport = bpf_ntohs(sk->__sk_common.skc_dport);
	out->sk_type = sk->sk_type;
	out->reuse = READ_BITFIELD(&sk->__sk_common, skc_reuse);
	out->reuseport = READ_BITFIELD(&sk->__sk_common, skc_reuseport);
	out->net_refcnt = READ_BITFIELD(&sk->__sk_common, skc_net_refcnt);
	return 1;
}

SEC("sockops")
int core_ops(struct bpf_sock_ops *ctx)
{
	struct bpf_sock_ops___mine *skops = (void *)ctx;
	__u32 key = 0, op = skops->op;
	struct core_out *out = bpf_map_lookup_elem(&core_out, &key);
	struct bpf_sock *sk;

	if (!out)
		return 1;
	out->ops_seen |= op_bit(op);
	if (op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		return 1;
	out->local_port = skops->local_port;
	out->remote_port = bpf_ntohl(skops->remote_port);
	out->family = skops->family;
	out->local_ip6_2 = skops->local_ip6[2];
	out->local_ip4 = skops->local_ip4;
	out->remote_ip4 = skops->remote_ip4;
	out->stream = __builtin_preserve_enum_value(*(enum sock_type___local *)SOCK_STREAM___local, 1);
	out->no_such_type = __builtin_preserve_enum_value(*(enum sock_type___local *)SOCK_NO_SUCH_TYPE, 0);
	out->ops_size = __builtin_preserve_type_info(*skops, 1);
	out->future_exists = __builtin_preserve_field_info(skops->future_field, F_EXISTS);
#ifdef CORE_LIVE
	out->future_value = skops->future_field;
#else
	if (out->future_exists)
		out->future_value = skops->future_field;
	else
		out->future_value = 0xdead;
#endif
	out->sock_exists = __builtin_preserve_type_info(*(struct sock *)0, 0);
	out->sock_id = __builtin_btf_type_id(*(struct sock *)0, 1);
	out->sock_local_id = __builtin_btf_type_id(*(struct sock *)0, 0);
	out->veth_exists = __builtin_preserve_type_info(*(struct veth_priv *)0, 0);
	if (out->veth_exists)
		out->veth_headroom = __builtin_preserve_field_info(
			((struct veth_priv *)0)->requested_headroom, F_OFFSET);
	sk = skops->sk;
	if (sk)
		record_sock(out, skc_to_tcp_sock(sk));
	return 1;
}

char _license[] SEC("license") = "GPL";
