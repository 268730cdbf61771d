// SPDX-License-Identifier: GPL-2.0
/*
 * cgprogs: the programs attached to a cgroup, one "ID ATTACH_TYPE" line
 * each (attach types by number), from BPF_PROG_QUERY for every attach
 * type.  bpftool 7.1 (Debian 12) asks with fields Linux 6.0 added and so
 * lists nothing on older kernels; this passes only what 4.15 knew.
 *
 *   cgprogs CGROUP_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint32_t ids[64], t, i;
	union bpf_attr a;
	size_t sz = offsetof(union bpf_attr, query.prog_cnt) + sizeof(a.query.prog_cnt);
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: cgprogs CGROUP_DIR\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (t = 0; t < __MAX_BPF_ATTACH_TYPE; t++) {
		memset(&a, 0, sz);
		a.query.target_fd = (uint32_t)fd;
		a.query.attach_type = t;
		a.query.prog_ids = (uint64_t)(uintptr_t)ids;
		a.query.prog_cnt = 64;
		/* Attach types this kernel or this target does not know: EINVAL. */
		if (syscall(__NR_bpf, BPF_PROG_QUERY, &a, sz) < 0)
			continue;
		for (i = 0; i < a.query.prog_cnt && i < 64; i++)
			printf("%u %u\n", ids[i], t);
	}
	return 0;
}
