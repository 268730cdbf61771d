// SPDX-License-Identifier: GPL-2.0
/* split_msg with a smaller sockhash: its pin must be refused (max_entries). */
#define SPLIT_MAX 1024
#include "split_msg.bpf.c"
