// SPDX-License-Identifier: GPL-2.0
/*
 * sectypes: one small program for each section name of issue 6's table, in
 * libbpf style.  Each counts its runs in hits[] (.bss) so that a test can
 * tell it ran after attaching it, and returns "allow".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum {
	H_SOCKOPS, H_SK_MSG, H_PARSER, H_VERDICT, H_SK_SKB,
	H_CONNECT4, H_CONNECT6, H_SENDMSG4, H_SENDMSG6, H_RECVMSG4, H_RECVMSG6,
	H_GETSOCKOPT, H_SETSOCKOPT, H_SOCK, H_INGRESS, H_EGRESS,
	H_SOCKET, H_XDP, H_TC, H_CLASSIFIER, H_SK_LOOKUP, H_MAX
};

__u64 hits[H_MAX];
/* No program reads it: its .data section becomes no map. */
__u32 unused_setting = 42;

/* The sk_msg and sk_skb programs attach to this sockmap. */
struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} sec_sockmap SEC(".maps");

#define HIT(i) __sync_fetch_and_add(&hits[i], 1)

/* Puts established sockets in the sockmap, where sk_msg and sk_skb see them. */
SEC("sockops")
int t_sockops(struct bpf_sock_ops *c)
{
	__u32 key = c->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB;

	HIT(H_SOCKOPS);
	if (c->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
	    c->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		bpf_sock_map_update(c, &sec_sockmap, &key, BPF_ANY);
	return 1;
}

SEC("sk_msg")
int t_sk_msg(struct sk_msg_md *c) { HIT(H_SK_MSG); return SK_PASS; }

SEC("sk_skb/stream_parser")
int t_parser(struct __sk_buff *c) { HIT(H_PARSER); return c->len; }

SEC("sk_skb/stream_verdict")
int t_verdict(struct __sk_buff *c) { HIT(H_VERDICT); return SK_PASS; }

SEC("sk_skb")
int t_sk_skb(struct __sk_buff *c) { HIT(H_SK_SKB); return SK_PASS; }

SEC("cgroup/connect4")
int t_connect4(struct bpf_sock_addr *c) { HIT(H_CONNECT4); return 1; }

SEC("cgroup/connect6")
int t_connect6(struct bpf_sock_addr *c) { HIT(H_CONNECT6); return 1; }

SEC("cgroup/sendmsg4")
int t_sendmsg4(struct bpf_sock_addr *c) { HIT(H_SENDMSG4); return 1; }

SEC("cgroup/sendmsg6")
int t_sendmsg6(struct bpf_sock_addr *c) { HIT(H_SENDMSG6); return 1; }

SEC("cgroup/recvmsg4")
int t_recvmsg4(struct bpf_sock_addr *c) { HIT(H_RECVMSG4); return 1; }

SEC("cgroup/recvmsg6")
int t_recvmsg6(struct bpf_sock_addr *c) { HIT(H_RECVMSG6); return 1; }

SEC("cgroup/getsockopt")
int t_getsockopt(struct bpf_sockopt *c) { HIT(H_GETSOCKOPT); return 1; }

SEC("cgroup/setsockopt")
int t_setsockopt(struct bpf_sockopt *c) { HIT(H_SETSOCKOPT); return 1; }

SEC("cgroup/sock")
int t_sock(struct bpf_sock *c) { HIT(H_SOCK); return 1; }

SEC("cgroup_skb/ingress")
int t_ingress(struct __sk_buff *c) { HIT(H_INGRESS); return 1; }

SEC("cgroup_skb/egress")
int t_egress(struct __sk_buff *c) { HIT(H_EGRESS); return 1; }

SEC("socket")
int t_socket(struct __sk_buff *c) { HIT(H_SOCKET); return c->len; }

SEC("xdp")
int t_xdp(struct xdp_md *c) { HIT(H_XDP); return XDP_PASS; }

SEC("tc")
int t_tc(struct __sk_buff *c) { HIT(H_TC); return 0; /* TC_ACT_OK */ }

SEC("classifier")
int t_classifier(struct __sk_buff *c) { HIT(H_CLASSIFIER); return 0; }

SEC("sk_lookup")
int t_sk_lookup(struct bpf_sk_lookup *c) { HIT(H_SK_LOOKUP); return SK_PASS; }

char LICENSE[] SEC("license") = "GPL";
