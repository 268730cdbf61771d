// SPDX-License-Identifier: GPL-2.0
/*
 * suffixed: section names with a suffix, as the kernel's sockmap selftests
 * write them (sk_skb1, sk_skb2, sk_msg1) and sockops_x: libbpf before 1.0
 * matched them by prefix, so does sockaccel.  One object mixes sk_skb and
 * sk_msg programs, which no single --type could cover.  Every program counts
 * its runs in hits[] and lets the data through.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum { H_OPS, H_PARSER, H_VERDICT, H_MSG, H_MAX };

__u64 hits[H_MAX];

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} sock_map SEC(".maps");

#define HIT(i) __sync_fetch_and_add(&hits[i], 1)

SEC("sockops_x")
int sfx_ops(struct bpf_sock_ops *c)
{
	__u32 key = c->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB;

	HIT(H_OPS);
	if (c->family == 2 && (c->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
			       c->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB))
		bpf_sock_map_update(c, &sock_map, &key, BPF_ANY);
	return 1;
}

SEC("sk_skb1")
int sfx_parser(struct __sk_buff *c) { HIT(H_PARSER); return c->len; }

SEC("sk_skb2")
int sfx_verdict(struct __sk_buff *c) { HIT(H_VERDICT); return SK_PASS; }

SEC("sk_msg1")
int sfx_msg(struct sk_msg_md *c) { HIT(H_MSG); return SK_PASS; }

char LICENSE[] SEC("license") = "GPL";
