// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_mim_iproute: a map of maps in iproute2's 36-byte bpf_elf_map:
 * outer's inner_id (7) names counters_a by its id, and counters_a goes into
 * outer at its inner_idx (2), where the sockops program counts sockets.
 * No BTF.
 */
#include <linux/bpf.h>
#include <iproute2/bpf_elf.h>

#define SEC(name) __attribute__((section(name), used))
#define MIM_KEY 2

static void *(*bpf_map_lookup_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_sock_hash_update)(struct bpf_sock_ops *skops, void *map,
				    void *key, __u64 flags) =
	(void *)BPF_FUNC_sock_hash_update;
static long (*bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map,
				     void *key, __u64 flags) =
	(void *)BPF_FUNC_msg_redirect_hash;

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct bpf_elf_map SEC("maps") sock_map = {
	.type = BPF_MAP_TYPE_SOCKHASH,
	.size_key = sizeof(struct sock_key),
	.size_value = sizeof(__u32),
	.max_elem = 1024,
	.id = 1,
};

struct bpf_elf_map SEC("maps") counters_a = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 1,
	.id = 7,
	.inner_idx = MIM_KEY,
};

struct bpf_elf_map SEC("maps") outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 4,
	.id = 8,
	.inner_id = 7,
};

#include "mim.h"

char _license[] SEC("license") = "GPL";
