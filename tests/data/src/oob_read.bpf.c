// SPDX-License-Identifier: GPL-2.0
/*
 * A program the verifier must refuse (tests/kernel/hostile_verifier.t):
 * oob_read reads 8 bytes at offset 64 of an 8-byte map value.  oob_ok comes
 * first and loads fine: the loader must drop it too, pinning nothing.
 *
 * Before the bad read, ~2000 instructions of arithmetic (kept apart by an
 * empty asm, so clang cannot fold them) make the verifier's log longer than
 * the loader's first 64 KiB log buffer: the whole log must still arrive.
 */
#include <linux/bpf.h>
#include "bpf_api.h"

struct bpf_map_def SEC("maps") oob_vals = {
	.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1,
};

SEC("sockops/ok")
int oob_ok(struct bpf_sock_ops *skops)
{
	return 1;
}

SEC("sockops/oob")
int oob_read(struct bpf_sock_ops *skops)
{
	__u64 acc = skops->remote_port, step = skops->local_port;
	__u64 *v;
	__u32 key = 0;

#pragma unroll
	for (int i = 0; i < 1000; i++) {
		acc = acc * 3 + step;
		asm volatile("" : "+r"(acc));
	}
	v = bpf_map_lookup_elem(&oob_vals, &key);
	if (!v)
		return 1;
	return (int)(v[8] + acc);	/* offset 64 of an 8-byte value */
}

char _license[] SEC("license") = "GPL";
