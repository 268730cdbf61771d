// SPDX-License-Identifier: GPL-2.0
/* Another tool's sockops program: the tests attach it with bpftool to the
 * same cgroup and check that our install and remove leave it attached. */
#include <linux/bpf.h>
#include "bpf_api.h"

SEC("sockops")
int foreign_ops(struct bpf_sock_ops *skops)
{
	return 1;
}

char _license[] SEC("license") = "GPL";
