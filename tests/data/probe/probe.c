// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c: one program per row of `sockaccel probe` (loader/load/probe.c),
 * built once per row with -DP_<row> (the Makefile's PROBE_OBJS), each using
 * what its row names for real: the helper called as our programs call it,
 * the map type created.  tests/kernel/probe.t loads them with
 * `sockaccel load`: a row probe reports present must load, one it reports
 * absent must be refused.  -DP_memlock: a program with a 4 MiB map.
 */
#include <linux/bpf.h>
#include "bpf_api.h"

#define MAP(name, t, k, v, max, fl) \
	struct bpf_map_def SEC("maps") name = { t, k, v, max, fl }

#if defined(P_sock_ops_map_lookup_elem) || defined(P_sk_msg_map_lookup_elem) || defined(P_map_array)
MAP(m, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
#elif defined(P_sock_ops_sock_hash_update) || defined(P_sk_msg_msg_redirect_hash) || defined(P_map_sockhash)
MAP(m, BPF_MAP_TYPE_SOCKHASH, 4, 8, 1, 0);
#elif defined(P_sock_ops_sk_storage_get) || defined(P_sk_msg_sk_storage_get) || defined(P_map_sk_storage)
MAP(m, BPF_MAP_TYPE_SK_STORAGE, 4, 8, 0, BPF_F_NO_PREALLOC);
#elif defined(P_sk_msg_map_update_elem) || defined(P_map_hash)
MAP(m, BPF_MAP_TYPE_HASH, 4, 8, 1, 0);
#elif defined(P_map_percpu_array)
MAP(m, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0);
#elif defined(P_map_lru_hash)
MAP(m, BPF_MAP_TYPE_LRU_HASH, 4, 8, 1, 0);
#elif defined(P_memlock)
/* 4 MiB: far over the 64 KiB RLIMIT_MEMLOCK of kernels before 5.16. */
MAP(m, BPF_MAP_TYPE_ARRAY, 4, 64, 65536, 0);
#endif

#if defined(P_sk_msg_map_lookup_elem) || defined(P_sk_msg_map_update_elem) || \
	defined(P_sk_msg_msg_redirect_hash) || defined(P_sk_msg_sk_storage_get) || defined(P_prog_sk_msg)
SEC("sk_msg")
int probe(struct sk_msg_md *ctx)
{
	__u32 k = 0;
	__u64 v = 1;

	(void)k, (void)v;
#if defined(P_sk_msg_map_lookup_elem)
	if (bpf_map_lookup_elem(&m, &k))
		return SK_DROP;
#elif defined(P_sk_msg_map_update_elem)
	bpf_map_update_elem(&m, &k, &v, BPF_ANY);
#elif defined(P_sk_msg_msg_redirect_hash)
	return bpf_msg_redirect_hash(ctx, &m, &k, BPF_F_INGRESS);
#elif defined(P_sk_msg_sk_storage_get)
	if (ctx->sk && bpf_sk_storage_get(&m, ctx->sk, 0, 0))
		return SK_DROP;
#endif
	return SK_PASS;
}
#else
SEC("sockops")
int probe(struct bpf_sock_ops *ctx)
{
	__u32 k = 0;

	(void)k;
#if defined(P_sock_ops_map_lookup_elem)
	if (bpf_map_lookup_elem(&m, &k))
		return 0;
#elif defined(P_sock_ops_sock_hash_update)
	bpf_sock_hash_update(ctx, &m, &k, BPF_NOEXIST);
#elif defined(P_sock_ops_get_netns_cookie)
	return bpf_get_netns_cookie(ctx) == 0;
#elif defined(P_sock_ops_sk_storage_get)
	if (ctx->sk && bpf_sk_storage_get(&m, ctx->sk, 0, 0))
		return 0;
#endif
	return 1;
}
#endif

char _license[] SEC("license") = "GPL";
