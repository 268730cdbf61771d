// SPDX-License-Identifier: GPL-2.0
/*
 * ref.bpf.c: the reference peer of the benchmark.  The minimal sockmap
 * accelerator the public write-ups start from, written here from scratch:
 * an IPv4 4-tuple key, sockops puts every established socket in a sockhash,
 * sk_msg redirects every sendmsg() to the key with the ends swapped.  No
 * network namespace in the key, no per-socket state, no counters, no
 * fallback for small writes, no IPv6.  Never shipped: make bench loads it
 * with `sockaccel load` + `attach` beside ours, to price what ours does more.
 */
#include <linux/bpf.h>
#include "bpf_api.h"

struct ref_key {
	__u32 sip;		/* network byte order */
	__u32 dip;
	__u32 sport;		/* host byte order */
	__u32 dport;
};

struct bpf_map_def SEC("maps") ref_hash = {
	.type = BPF_MAP_TYPE_SOCKHASH,
	.key_size = sizeof(struct ref_key),
	.value_size = sizeof(__u64),
	.max_entries = 65536,
};

SEC("sockops")
int ref_ops(struct bpf_sock_ops *skops)
{
	struct ref_key k;

	if (skops->family != 2 /* AF_INET */)
		return 1;
	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	k.sip = skops->local_ip4;
	k.dip = skops->remote_ip4;
	k.sport = skops->local_port;
	k.dport = bpf_ntohl(skops->remote_port);
	bpf_sock_hash_update(skops, &ref_hash, &k, BPF_NOEXIST);
	return 1;
}

SEC("sk_msg")
int ref_msg(struct sk_msg_md *msg)
{
	struct ref_key k;

	if (msg->family != 2)
		return SK_PASS;
	k.sip = msg->remote_ip4;	/* the peer's own key: ends swapped */
	k.dip = msg->local_ip4;
	k.sport = bpf_ntohl(msg->remote_port);
	k.dport = msg->local_port;
	/* As the write-ups do: the verdict is SK_PASS either way, and the
	 * message goes through the stack when the peer is not in the map. */
	bpf_msg_redirect_hash(msg, &ref_hash, &k, BPF_F_INGRESS);
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";
