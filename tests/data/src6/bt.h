/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bt.h: the sockhash of the bpftool-tutorial pair (bt_ops, bt_msg): two
 * objects compiled apart that each declare it, with no pinning; a load
 * script makes them share it (`prog load ... map name sock_ops_map pinned
 * FILE`).  BTF-defined, so that Debian's bpftool loads them too.
 */
#ifndef BT_H
#define BT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct sock_key);
	__type(value, __u32);
	__uint(max_entries, 1024);
} sock_ops_map SEC(".maps");

#endif
