// SPDX-License-Identifier: GPL-2.0
/* split_msg: only the sk_msg half; the sockops half is split_ops.bpf.c. */
#include "split.h"

__u64 msg_bytes;	/* .bss */

SEC("sk_msg")
int split_msg(struct sk_msg_md *msg)
{
	struct sock_key peer = {};
	__u64 size = msg->size;

	if (msg->family != 2)
		return SK_PASS;
	peer.sip = msg->remote_ip4;
	peer.dip = msg->local_ip4;
	peer.sport = bpf_ntohl(msg->remote_port);
	peer.dport = msg->local_port;
	if (bpf_msg_redirect_hash(msg, &shared_socks, &peer, BPF_F_INGRESS) == SK_PASS)
		__sync_fetch_and_add(&msg_bytes, size);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
