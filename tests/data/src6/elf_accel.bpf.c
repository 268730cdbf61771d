// SPDX-License-Identifier: GPL-2.0
/*
 * elf_accel: socket acceleration written for iproute2's loader: struct
 * bpf_elf_map from <iproute2/bpf_elf.h> (36 bytes: id, pinning, inner_id,
 * inner_idx), the sockhash pinned in the global namespace, and iproute2's
 * BTF key/value annotation (sections ".maps.<name>", which carry no map).
 */
#include <linux/bpf.h>
#include <iproute2/bpf_elf.h>
#include <bpf/bpf_helpers.h>

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct bpf_elf_map SEC("maps") sock_map = {
	.type = BPF_MAP_TYPE_SOCKHASH,
	.size_key = sizeof(struct sock_key),
	.size_value = sizeof(__u32),
	.max_elem = 1024,
	.id = 1,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map SEC("maps") stats = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 3,
	.id = 2,
	.pinning = PIN_NONE,
};

BPF_ANNOTATE_KV_PAIR(stats, __u32, __u64);

#include "accel4.h"

char __license[] SEC("license") = "GPL";
