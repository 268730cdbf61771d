// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_accel: socket acceleration as the kernel's samples/bpf and the
 * libbpf 0.x era wrote it: 5-field struct bpf_map_def in SEC("maps") (which
 * libbpf 1.x refuses), a "version" section, no BTF (built without -g).
 */
#include <linux/bpf.h>
#include <linux/version.h>
#include <bpf/bpf_helpers.h>

/* libbpf removed this in 1.0; programs of that time carry it themselves. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
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

struct bpf_map_def SEC("maps") stats = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 3,
};

#include "accel4.h"

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = LINUX_VERSION_CODE;
