/* SPDX-License-Identifier: GPL-2.0 */
/*
 * split.h: what split_ops and split_msg have in common, as two libbpf-style
 * objects that only meet in a sockhash pinned by name: the key, and the map.
 * SPLIT_MAX and SPLIT_FLAGS let a test build a variant that does not fit.
 */
#ifndef SPLIT_H
#define SPLIT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef SPLIT_MAX
#define SPLIT_MAX 4096
#endif
#ifndef SPLIT_FLAGS
#define SPLIT_FLAGS 0
#endif

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct sock_key);
	__type(value, __u64);
	__uint(max_entries, SPLIT_MAX);
	__uint(map_flags, SPLIT_FLAGS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_socks SEC(".maps");

#endif
