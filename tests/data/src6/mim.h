/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mim.h: the sockops/sk_msg pair of accel4.h, plus a map of maps: the
 * sockops program also counts each socket it adds in counter 0 of the inner
 * map held at key MIM_KEY of `outer` (none if the slot is empty).  The
 * includer declares sock_map, outer and its inner map in its own map style
 * first; the sk_msg program counts redirected bytes in redirected[0].
 */
#ifndef MIM_H
#define MIM_H

#define AF_INET 2

__u64 redirected;	/* .bss */

SEC("sockops")
int mim_ops(struct bpf_sock_ops *ops)
{
	struct sock_key k = {};
	__u32 key = MIM_KEY, zero = 0;
	void *inner;
	__u64 *v;

	if ((ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	     ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) || ops->family != AF_INET)
		return 1;
	k.sip = ops->local_ip4;
	k.dip = ops->remote_ip4;
	k.sport = ops->local_port;
	k.dport = __builtin_bswap32(ops->remote_port);
	if (bpf_sock_hash_update(ops, &sock_map, &k, BPF_NOEXIST))
		return 1;
	inner = bpf_map_lookup_elem(&outer, &key);
	if (!inner)
		return 1;
	v = bpf_map_lookup_elem(inner, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("sk_msg")
int mim_msg(struct sk_msg_md *msg)
{
	struct sock_key peer = {};
	__u64 size = msg->size;

	if (msg->family != AF_INET)
		return SK_PASS;
	peer.sip = msg->remote_ip4;
	peer.dip = msg->local_ip4;
	peer.sport = __builtin_bswap32(msg->remote_port);
	peer.dport = msg->local_port;
	if (bpf_msg_redirect_hash(msg, &sock_map, &peer, BPF_F_INGRESS) == SK_PASS)
		__sync_fetch_and_add(&redirected, size);
	return SK_PASS;
}

#endif
