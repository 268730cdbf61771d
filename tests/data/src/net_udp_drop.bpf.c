// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP and tc example this field teaches with: drop UDP to one port,
 * count what passes.  One object, two programs: `udp_drop_xdp` (section
 * "xdp") and `udp_drop_tc` (section "tc", a classifier for tcx).  Both
 * parse Ethernet + IPv4 + UDP the same way and keep
 *   udp_stats[0] = UDP datagrams dropped (destination port DROP_PORT)
 *   udp_stats[1] = UDP datagrams passed
 * in a legacy array map.  tests/kernel/net_attach.t attaches them to a veth
 * with `sockaccel net attach` and compares the counters with what arrived.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include "bpf_api.h"

#define DROP_PORT 7001

struct bpf_map_def SEC("maps") udp_stats = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

/* 1: drop, 0: pass, -1: not UDP over IPv4 (passed, not counted). */
static __always_inline int verdict(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 idx;
	__u64 *n;

	if ((void *)(ip + 1) > end || eth->h_proto != __builtin_bswap16(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return -1;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return -1;
	idx = udp->dest == __builtin_bswap16(DROP_PORT) ? 0 : 1;
	n = bpf_map_lookup_elem(&udp_stats, &idx);
	if (n)
		__sync_fetch_and_add(n, 1);
	return idx == 0;
}

SEC("xdp")
int udp_drop_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	return verdict(data, end) == 1 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int udp_drop_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	return verdict(data, end) == 1 ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
