/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_api.h: the little a BPF program needs when it is written against the
 * kernel's UAPI headers alone (no libbpf headers, no vmlinux.h).
 *
 * A BPF helper is called by number: the verifier sees "call N" and N is the
 * BPF_FUNC_* id from <linux/bpf.h>.  Declaring each helper as a pointer whose
 * value is that id makes clang emit exactly that call.
 */
#ifndef SOCKACCEL_BPF_API_H
#define SOCKACCEL_BPF_API_H

#include <linux/types.h>
#include <linux/bpf.h>

/* The loader finds programs and maps by ELF section name. */
#define SEC(name) __attribute__((section(name), used))

/* <linux/stddef.h> defines __always_inline as plain __inline__. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

/*
 * The legacy map definition: one of these per map in the "maps" section.
 * This 5-field layout is the one samples/bpf and iproute2 started from; our
 * loader takes the entry size from the symbol sizes, so longer layouts load too.
 */
struct bpf_map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
};

/*
 * iproute2's layout: the five fields plus its own id, pinning and
 * map-in-map fields (36 bytes).  PIN_GLOBAL_NS (2) pins by name.
 */
struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

/*
 * BTF-defined maps, the convention libbpf's headers use: the numbers live in
 * the member types (a pointer to an array of N, a pointer to T), so they
 * reach the loader through .BTF (compile with -g).
 */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

/* Helpers, by BPF_FUNC_* id. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key,
				   const void *value, __u64 flags) =
	(void *)BPF_FUNC_map_update_elem;
static long (*bpf_sock_hash_update)(struct bpf_sock_ops *skops, void *map,
				    void *key, __u64 flags) =
	(void *)BPF_FUNC_sock_hash_update;
static long (*bpf_msg_redirect_hash)(struct sk_msg_md *msg, void *map,
				     void *key, __u64 flags) =
	(void *)BPF_FUNC_msg_redirect_hash;
/* ctx is struct bpf_sock_ops * or struct sk_msg_md * (Linux 5.15 for both). */
static __u64 (*bpf_get_netns_cookie)(void *ctx) =
	(void *)BPF_FUNC_get_netns_cookie;
static void *(*bpf_sk_storage_get)(void *map, void *sk, void *value,
				   __u64 flags) =
	(void *)BPF_FUNC_sk_storage_get;
static long (*bpf_map_delete_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_delete_elem;
static long (*bpf_sock_ops_cb_flags_set)(struct bpf_sock_ops *skops,
					 int flags) =
	(void *)BPF_FUNC_sock_ops_cb_flags_set;

/* The BPF target is little endian here; UAPI fields say which order they use. */
#define bpf_ntohl(x) __builtin_bswap32(x)
#define bpf_htonl(x) __builtin_bswap32(x)
#define bpf_ntohs(x) __builtin_bswap16(x)

#endif
