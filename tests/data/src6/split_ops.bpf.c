// SPDX-License-Identifier: GPL-2.0
/* split_ops: only the sockops half; the sk_msg half is split_msg.bpf.c. */
#include "split.h"

__u64 ops_added;	/* .bss */

SEC("sockops")
int split_ops(struct bpf_sock_ops *ops)
{
	struct sock_key k = {};

	if ((ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	     ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) || ops->family != 2)
		return 1;
	k.sip = ops->local_ip4;
	k.dip = ops->remote_ip4;
	k.sport = ops->local_port;
	k.dport = bpf_ntohl(ops->remote_port);
	if (bpf_sock_hash_update(ops, &shared_socks, &k, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&ops_added, 1);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
