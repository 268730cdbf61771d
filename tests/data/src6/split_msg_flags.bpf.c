// SPDX-License-Identifier: GPL-2.0
/* split_msg with other map flags: its pin must be refused (map_flags). */
#define SPLIT_FLAGS BPF_F_NUMA_NODE
#include "split_msg.bpf.c"
