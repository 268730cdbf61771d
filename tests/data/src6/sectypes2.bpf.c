// SPDX-License-Identifier: GPL-2.0
/*
 * sectypes2: one program for each row of the attach type table that
 * sectypes.bpf.c does not cover, and the tracing sections, which load by
 * name (attached with perf_event_open, which is not sockaccel's).  Each
 * returns "allow".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} sec2_sockmap SEC(".maps");

SEC("cgroup/sock_create") int u_sock_create(struct bpf_sock *c) { return 1; }
SEC("cgroup/sock_release") int u_sock_release(struct bpf_sock *c) { return 1; }
SEC("cgroup/post_bind4") int u_post_bind4(struct bpf_sock *c) { return 1; }
SEC("cgroup/post_bind6") int u_post_bind6(struct bpf_sock *c) { return 1; }
SEC("cgroup/bind4") int u_bind4(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/bind6") int u_bind6(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/getpeername4") int u_getpeername4(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/getpeername6") int u_getpeername6(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/getsockname4") int u_getsockname4(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/getsockname6") int u_getsockname6(struct bpf_sock_addr *c) { return 1; }
SEC("cgroup/sysctl") int u_sysctl(struct bpf_sysctl *c) { return 1; }
SEC("cgroup/dev") int u_device(struct bpf_cgroup_dev_ctx *c) { return 1; }
SEC("sk_skb/verdict") int u_skb_verdict(struct __sk_buff *c) { return SK_PASS; }

SEC("kprobe/tcp_sendmsg") int u_kprobe(void *c) { return 0; }
SEC("kretprobe/tcp_sendmsg") int u_kretprobe(void *c) { return 0; }
SEC("tracepoint/sock/inet_sock_set_state") int u_tracepoint(void *c) { return 0; }
SEC("tp/tcp/tcp_probe") int u_tp(void *c) { return 0; }
SEC("raw_tracepoint/sys_enter") int u_raw_tracepoint(void *c) { return 0; }
SEC("raw_tp/sys_exit") int u_raw_tp(void *c) { return 0; }
SEC("perf_event") int u_perf_event(void *c) { return 0; }

char LICENSE[] SEC("license") = "GPL";
