/* SPDX-License-Identifier: GPL-2.0 */
/*
 * accel4.h: the sockops/sk_msg pair of the classic sockmap examples (IPv4
 * only, no netns key), shared by the legacy-map test objects: they differ
 * only in how the maps are declared.  The includer defines the maps
 * sock_map (SOCKHASH, struct sock_key -> u32) and stats (ARRAY, u32 -> u64,
 * STAT_MAX entries) before including this.
 */
#ifndef ACCEL4_H
#define ACCEL4_H

#define AF_INET 2

enum { STAT_SOCKS, STAT_MSGS, STAT_BYTES, STAT_MAX };

static __always_inline void stat_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

/* Ports: local_port is host order, remote_port network order (UAPI). */
SEC("sockops")
int accel_ops(struct bpf_sock_ops *ops)
{
	struct sock_key k = {};

	if (ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (ops->family != AF_INET)
		return 1;
	k.sip = ops->local_ip4;
	k.dip = ops->remote_ip4;
	k.sport = ops->local_port;
	k.dport = __builtin_bswap32(ops->remote_port);
	if (bpf_sock_hash_update(ops, &sock_map, &k, BPF_NOEXIST) == 0)
		stat_add(STAT_SOCKS, 1);
	return 1;
}

SEC("sk_msg")
int accel_msg(struct sk_msg_md *msg)
{
	struct sock_key peer = {};
	__u64 size = msg->size;

	if (msg->family != AF_INET)
		return SK_PASS;
	peer.sip = msg->remote_ip4;
	peer.dip = msg->local_ip4;
	peer.sport = __builtin_bswap32(msg->remote_port);
	peer.dport = msg->local_port;
	if (bpf_msg_redirect_hash(msg, &sock_map, &peer, BPF_F_INGRESS) == SK_PASS) {
		stat_add(STAT_MSGS, 1);
		stat_add(STAT_BYTES, size);
	}
	return SK_PASS;
}

#endif
