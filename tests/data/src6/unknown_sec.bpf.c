// SPDX-License-Identifier: GPL-2.0
/* unknown_sec: a program in a section no table knows; loads only with --type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("my_filters/drop_none")
int keep_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
