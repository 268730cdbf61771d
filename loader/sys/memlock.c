// SPDX-License-Identifier: GPL-2.0
/*
 * memlock.c: before Linux 5.11 the kernel charged every map and program to
 * the caller's RLIMIT_MEMLOCK (64 KiB by default before 5.16), so the
 * first big map fails with EPERM, which reads like a privilege problem.
 * 5.11 moved the charge to the memory cgroup ("bpf: eliminate rlimit-based
 * memory accounting") in the same release that added the helper
 * bpf_ktime_get_coarse_ns(): a program calling it loads exactly where the
 * limit no longer matters (libbpf asks the same question the same way).
 */
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/bpf.h"
#include "sys/memlock.h"

#ifndef BPF_FUNC_ktime_get_coarse_ns
#define BPF_FUNC_ktime_get_coarse_ns 160	/* Linux 5.11 */
#endif

int sa_memlock_charged(void)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ktime_get_coarse_ns },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct sys_prog_load_args a = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER, .license = "GPL",
		.insns = insns, .insn_cnt = 2,
	};
	int fd = sys_prog_load(&a);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return fd == -EINVAL ? 1 : fd;
}

/* prlimit64(2) itself: musl's setrlimit() brings its all-threads machinery
 * (2 KiB) into the static binary, for a program with one thread. */
static int memlock(const struct rlimit *set, struct rlimit *old)
{
	return (int)syscall(SYS_prlimit64, 0, RLIMIT_MEMLOCK, set, old);
}

void sa_memlock_raise(struct sa_ctx *c)
{
	struct rlimit r, was;
	int charged;

	/* Unknown counts as charged: before 5.11 the probe itself fails with
	 * EPERM once the user's locked memory is used up. */
	if (memlock(NULL, &was) || was.rlim_cur == RLIM_INFINITY || !(charged = sa_memlock_charged()))
		return;
	r.rlim_cur = r.rlim_max = RLIM_INFINITY;
	if (memlock(&r, NULL)) {
		/* No CAP_SYS_RESOURCE: as far as the hard limit goes. */
		r.rlim_cur = r.rlim_max = was.rlim_max;
		memlock(&r, NULL);
	}
	if (r.rlim_cur == was.rlim_cur) {
		sa_info(c, "RLIMIT_MEMLOCK stays at %llu KiB (its hard limit; no CAP_SYS_RESOURCE)",
			(unsigned long long)was.rlim_cur >> 10);
		return;
	}
	sa_info(c, "RLIMIT_MEMLOCK was %llu KiB: this kernel %s BPF maps and programs to it "
		"(before Linux 5.11), so it is raised to %s", (unsigned long long)was.rlim_cur >> 10,
		charged > 0 ? "charges" : "did not say whether it charges",
		r.rlim_cur == RLIM_INFINITY ? "unlimited" : "its hard limit");
}
