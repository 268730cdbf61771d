// SPDX-License-Identifier: GPL-2.0
/* bt_msg: the sk_msg half of the tutorial pair; it redirects through
 * sock_ops_map, which must be bt_ops' for anything to happen. */
#include "bt.h"

SEC("sk_msg")
int bt_msg(struct sk_msg_md *msg)
{
	struct sock_key peer = {};

	if (msg->family != 2)
		return SK_PASS;
	peer.sip = msg->remote_ip4;
	peer.dip = msg->local_ip4;
	peer.sport = bpf_ntohl(msg->remote_port);
	peer.dport = msg->local_port;
	bpf_msg_redirect_hash(msg, &sock_ops_map, &peer, BPF_F_INGRESS);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
