// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_mim_samples: a map of maps in samples/bpf's 28-byte bpf_map_def:
 * outer's inner_map_idx (2) names inner_tmpl, the template of the maps it
 * may hold; it starts empty, so the sockops program counts nothing there.
 * No BTF.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define MIM_KEY 0

static void *(*bpf_map_lookup_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_sock_hash_update)(struct bpf_sock_ops *skops, void *map,
				    void *key, __u64 flags) =
	(void *)BPF_FUNC_sock_hash_update;
static long (*bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map,
				     void *key, __u64 flags) =
	(void *)BPF_FUNC_msg_redirect_hash;

struct bpf_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
	unsigned int inner_map_idx, numa_node;
};

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct bpf_map_def SEC("maps") sock_map = {
	.type = BPF_MAP_TYPE_SOCKHASH,
	.key_size = sizeof(struct sock_key),
	.value_size = sizeof(__u32),
	.max_entries = 1024,
};

struct bpf_map_def SEC("maps") spare = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
	.map_flags = BPF_F_NUMA_NODE,
	.numa_node = 0,
};

struct bpf_map_def SEC("maps") inner_tmpl = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

struct bpf_map_def SEC("maps") outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
	.inner_map_idx = 2,
};

#include "mim.h"

char _license[] SEC("license") = "GPL";
