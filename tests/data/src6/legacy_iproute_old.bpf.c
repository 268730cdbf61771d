// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_iproute_old: the sockops/sk_msg pair with iproute2's older 7-field
 * struct bpf_elf_map (28 bytes: type, size_key, size_value, max_elem, flags,
 * id, pinning), the same size as samples/bpf's bpf_map_def.  sock_map is
 * pinned in the global namespace (pinning 2, which as a numa_node would be
 * ignored for want of BPF_F_NUMA_NODE): the rule reads it as iproute2's.
 * No BTF.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

static void *(*bpf_map_lookup_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_sock_hash_update)(struct bpf_sock_ops *skops, void *map,
				    void *key, __u64 flags) =
	(void *)BPF_FUNC_sock_hash_update;
static long (*bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map,
				     void *key, __u64 flags) =
	(void *)BPF_FUNC_msg_redirect_hash;

struct bpf_elf_map_old {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning;
};

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct bpf_elf_map_old SEC("maps") sock_map = {
	.type = BPF_MAP_TYPE_SOCKHASH,
	.size_key = sizeof(struct sock_key),
	.size_value = sizeof(__u32),
	.max_elem = 1024,
	.id = 1,
	.pinning = 2,	/* PIN_GLOBAL_NS */
};

struct bpf_elf_map_old SEC("maps") stats = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 3,
	.id = 2,
};

#include "accel4.h"

char _license[] SEC("license") = "GPL";
