// SPDX-License-Identifier: GPL-2.0
/* bt_ops: the sockops half of the tutorial pair; it fills sock_ops_map. */
#include "bt.h"

SEC("sockops")
int bt_ops(struct bpf_sock_ops *ops)
{
	struct sock_key k = {};

	if ((ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	     ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) || ops->family != 2)
		return 1;
	k.sip = ops->local_ip4;
	k.dip = ops->remote_ip4;
	k.sport = ops->local_port;
	k.dport = bpf_ntohl(ops->remote_port);
	bpf_sock_hash_update(ops, &sock_ops_map, &k, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
