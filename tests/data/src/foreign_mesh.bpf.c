// SPDX-License-Identifier: GPL-2.0
/*
 * Another tool's socket acceleration, the way a libbpf-based tool ships it:
 * BTF-defined maps (the Makefile builds this one with -g, since bpftool
 * reads no other kind), its own sockhash and its own sk_msg program, and a
 * sockops program that counts every connection it sees and takes those with
 * MESH_PORT at one end.  datapath_coexist.t loads it with bpftool, attaches
 * it before ours and checks that it keeps working through our install and
 * remove.
 */
#include <linux/bpf.h>
#include "bpf_api.h"

#define AF_INET		2
#define MESH_PORT	7401

struct mesh_key {
	__u64 netns;
	__u32 local_ip4, remote_ip4;
	__u32 local_port, remote_port;	/* host byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct mesh_key);
	__type(value, __u64);
	__uint(max_entries, 1024);
} mesh_hash SEC(".maps");

/* mesh_stats[MS_*], read by the test with bpftool. */
enum { MS_SEEN, MS_ADDED, MS_MSGS, MS_BYTES, MS_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, MS_MAX);
} mesh_stats SEC(".maps");

/* Set once a message went through the stack: later ones must not overtake it. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} mesh_stack SEC(".maps");

static __always_inline void stat_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&mesh_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("sockops")
int mesh_ops(struct bpf_sock_ops *skops)
{
	struct mesh_key k = {};
	__u32 op = skops->op;

	if (op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	stat_add(MS_SEEN, 1);
	if (skops->family != AF_INET)
		return 1;
	k.netns = bpf_get_netns_cookie(skops);
	k.local_ip4 = skops->local_ip4;
	k.remote_ip4 = skops->remote_ip4;
	k.local_port = skops->local_port;
	k.remote_port = bpf_ntohl(skops->remote_port);
	if (k.local_port != MESH_PORT && k.remote_port != MESH_PORT)
		return 1;
	if (bpf_sock_hash_update(skops, &mesh_hash, &k, BPF_ANY) == 0)
		stat_add(MS_ADDED, 1);
	return 1;
}

SEC("sk_msg")
int mesh_msg(struct sk_msg_md *msg)
{
	struct mesh_key peer = {};
	struct bpf_sock *sk = msg->sk;
	__u32 *stack;

	if (!sk)
		return SK_PASS;
	stack = bpf_sk_storage_get(&mesh_stack, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!stack || *stack)
		return SK_PASS;
	peer.netns = bpf_get_netns_cookie(msg);
	peer.local_ip4 = msg->remote_ip4;
	peer.remote_ip4 = msg->local_ip4;
	peer.local_port = bpf_ntohl(msg->remote_port);
	peer.remote_port = msg->local_port;
	if (bpf_msg_redirect_hash(msg, &mesh_hash, &peer, BPF_F_INGRESS) == SK_PASS) {
		stat_add(MS_MSGS, 1);
		stat_add(MS_BYTES, msg->size);
		return SK_PASS;
	}
	*stack = 1;
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";
