// SPDX-License-Identifier: GPL-2.0
/*
 * btf_accel: socket acceleration as libbpf 1.x users write it: BTF-defined
 * maps in ".maps" (built with -g and libbpf's <bpf/bpf_helpers.h>), the
 * sockhash pinned by name, global data (.rodata settings, .data, .bss
 * counters, a string in .rodata.str1.1) and BPF-to-BPF calls: the key is
 * built by a static subprogram, counting is done by a global one, and one
 * subprogram calls another.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2

struct sock_key {
	__u32 sip, dip, sport, dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(key_size, sizeof(struct sock_key));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sock_map SEC(".maps");

/* Not pinned by name: a per-object map. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} ports_seen SEC(".maps");

/* .rodata: settings the verifier sees as constants (the map is frozen). */
const volatile __u32 redirect_flags = BPF_F_INGRESS;
const volatile __u32 want_family = AF_INET;
/* .data: initialised, writable. */
__u64 generation = 6;
/* .bss: counters user space reads from the pinned map. */
__u64 socks_added, msgs_redirected, bytes_redirected, redirect_failed;

/* Static subprogram: clang calls it through the .text section symbol. */
static __noinline int fill_key(struct sock_key *k, __u32 sip, __u32 dip,
			       __u32 sport, __u32 dport)
{
	k->sip = sip;
	k->dip = dip;
	k->sport = sport;
	k->dport = dport;
	return sip != 0 && dip != 0;
}

static __noinline void note_port(__u32 port)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&ports_seen, &port);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&ports_seen, &port, &one, BPF_NOEXIST);
}

/* Global subprogram that calls another subprogram. */
__noinline int count_msg(__u32 size, __u32 port)
{
	__sync_fetch_and_add(&msgs_redirected, 1);
	__sync_fetch_and_add(&bytes_redirected, size);
	note_port(port);
	return 0;
}

SEC("sockops")
int btf_ops(struct bpf_sock_ops *ops)
{
	struct sock_key k = {};

	if (ops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (ops->family != want_family)
		return 1;
	if (!fill_key(&k, ops->local_ip4, ops->remote_ip4, ops->local_port,
		      bpf_ntohl(ops->remote_port)))
		return 1;
	if (bpf_sock_hash_update(ops, &sock_map, &k, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&socks_added, generation);
	return 1;
}

SEC("sk_msg")
int btf_msg(struct sk_msg_md *msg)
{
	struct sock_key peer = {};
	__u32 size = msg->size;

	if (msg->family != want_family)
		return SK_PASS;
	if (!fill_key(&peer, msg->remote_ip4, msg->local_ip4,
		      bpf_ntohl(msg->remote_port), msg->local_port))
		return SK_PASS;
	if (bpf_msg_redirect_hash(msg, &sock_map, &peer, redirect_flags) == SK_PASS) {
		count_msg(size, msg->local_port);
	} else {
		/* A string literal: clang puts it in .rodata.str1.1. */
		bpf_trace_printk("btf_msg: no peer\n", sizeof("btf_msg: no peer\n"));
		__sync_fetch_and_add(&redirect_failed, 1);
	}
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
