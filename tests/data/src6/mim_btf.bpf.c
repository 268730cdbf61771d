// SPDX-License-Identifier: GPL-2.0
/*
 * mim_btf: libbpf-style maps of issue 11: an ARRAY_OF_MAPS whose inner map
 * is described by __array(values, struct {...}) with a static initial value
 * (slot 1 holds counters_a), and a perf event array without max_entries
 * (libbpf sizes it to the possible CPUs), which the sockops program writes
 * one event per socket into.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MIM_KEY 1

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__type(key, struct sock_key);
	__type(value, __u32);
	__uint(max_entries, 1024);
} sock_map SEC(".maps");

struct counters {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
};

struct counters counters_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct counters);
} outer SEC(".maps") = {
	.values = { [MIM_KEY] = &counters_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

#include "mim.h"

SEC("sockops")
int mim_events(struct bpf_sock_ops *ops)
{
	__u64 port = ops->local_port;

	if (ops->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		bpf_perf_event_output(ops, &events, BPF_F_CURRENT_CPU, &port, sizeof(port));
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
