// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c: one table of what sockaccel uses, each row with how the kernel
 * is asked and the first mainline version known to have it.  The helper
 * rows are the calls bpf/sockaccel.bpf.c makes, per program type (a
 * helper is allowed or not per type: bpf_get_netns_cookie() came to
 * sock_ops in 5.15, long after the helper itself).
 *
 * A helper is probed as bpftool does: a program of the type that calls it
 * with no arguments set up.  The verifier refuses it either way; its log
 * says "unknown func" / "invalid func" when the helper is not allowed
 * there, and something about the arguments when it is.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "load/load.h"
#include "load/probe.h"
#include "sys/bpf.h"
#include "sys/memlock.h"
#include "sys/names.h"

#define H(T, t, fn, since) \
	{ #t ":" #fn "\0bpf_" #fn "() for " #t " programs\0" since, SA_P_HELPER, 1, \
	  BPF_PROG_TYPE_##T, BPF_FUNC_##fn }

/* Each row's words: "id\0what\0" "since" (apart: "\0" "4.13" is not "\04.13"). */
const struct sa_feature sa_features[] = {
	{ "prog:sock_ops\0sock_ops programs\0" "4.13", SA_P_PROG, 1, BPF_PROG_TYPE_SOCK_OPS, 0 },
	{ "prog:sk_msg\0sk_msg programs\0" "4.17", SA_P_PROG, 1, BPF_PROG_TYPE_SK_MSG, 0 },
	{ "map:sockhash\0sockhash maps\0" "4.18", SA_P_MAP, 1, BPF_MAP_TYPE_SOCKHASH, 0 },
	{ "map:array\0array maps\0" "3.19", SA_P_MAP, 1, BPF_MAP_TYPE_ARRAY, 0 },
	{ "map:hash\0hash maps\0" "3.19", SA_P_MAP, 1, BPF_MAP_TYPE_HASH, 0 },
	{ "map:percpu_array\0per-CPU array maps\0" "4.6", SA_P_MAP, 1, BPF_MAP_TYPE_PERCPU_ARRAY, 0 },
	{ "map:lru_hash\0LRU hash maps\0" "4.10", SA_P_MAP, 1, BPF_MAP_TYPE_LRU_HASH, 0 },
	{ "map:sk_storage\0socket-local storage maps\0" "5.2", SA_P_MAP, 1, BPF_MAP_TYPE_SK_STORAGE, 0 },
	H(SOCK_OPS, sock_ops, map_lookup_elem, "4.13"),
	H(SOCK_OPS, sock_ops, sock_hash_update, "4.18"),
	/* 6cf1770d63dd "bpf: Allow bpf_get_netns_cookie in BPF_PROG_TYPE_SOCK_OPS" */
	H(SOCK_OPS, sock_ops, get_netns_cookie, "5.15"),
	H(SOCK_OPS, sock_ops, sk_storage_get, "5.3"),
	H(SK_MSG, sk_msg, map_lookup_elem, "4.17"),
	H(SK_MSG, sk_msg, map_update_elem, "4.17"),
	H(SK_MSG, sk_msg, msg_redirect_hash, "4.18"),
	/* 13d70f5a5ecf "bpf, sk_msg: Add get socket storage helpers" */
	H(SK_MSG, sk_msg, sk_storage_get, "5.10"),
	{ "flag:allow_multi\0BPF_F_ALLOW_MULTI for cgroup programs\0" "4.10", SA_P_FLAG, 1,
	  BPF_F_ALLOW_MULTI, 0 },
	{ "flag:replace\0BPF_F_REPLACE for cgroup programs\0" "5.6", SA_P_FLAG, 0,
	  BPF_F_ALLOW_MULTI | BPF_F_REPLACE, 0 },
	{ "btf:load\0BTF loading (BPF_BTF_LOAD)\0" "4.18", SA_P_BTF, 1, 0, 0 },
	{ "btf:kernel\0kernel BTF (/sys/kernel/btf/vmlinux)\0" "5.4", SA_P_KBTF, 0, 0, 0 },
	{ "link\0bpf_link (BPF_LINK_CREATE)\0" "5.7", SA_P_LINK, 0, 0, 0 },
	{ "memcg\0BPF memory charged to the memory cgroup, not RLIMIT_MEMLOCK\0" "5.11",
	  SA_P_MEMCG, 0, 0, 0 },
};
const unsigned int sa_nfeatures = sizeof(sa_features) / sizeof(sa_features[0]);

const char *sa_feature_word(const struct sa_feature *f, enum sa_feature_word w)
{
	return sa_nth(f->words, w);
}

#ifndef SOCKACCEL_SMALL
const char *const sa_probe_how_words[] = {
	[SA_P_PROG] = "BPF_PROG_LOAD of 'return 1'",
	[SA_P_MAP] = "BPF_MAP_CREATE",
	[SA_P_HELPER] = "BPF_PROG_LOAD calling it, verifier log",
	[SA_P_FLAG] = "BPF_PROG_ATTACH with the flag and no program: EBADF, not EINVAL",
	[SA_P_BTF] = "BPF_BTF_LOAD of 3 types",
	[SA_P_KBTF] = "the file exists",
	[SA_P_LINK] = "BPF_LINK_CREATE with no program: EBADF, not EINVAL",
	[SA_P_MEMCG] = "BPF_PROG_LOAD calling bpf_ktime_get_coarse_ns() (5.11, as libbpf)",
};
#endif

/* What a load or create says: 1 it worked, -EPERM the kernel would not
 * say (unprivileged; the verifier says EACCES or EINVAL), 0 it has not. */
static int answer(int fd)
{
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 1 : fd == -EPERM ? fd : 0;
}

static int prog(unsigned int type, int helper)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* Zeroed whole: valgrind does not know that bpf() writes the log. */
	char log[256] = { 0 };
	struct sys_prog_load_args a = {
		.type = type, .license = "GPL", .insns = insns + !helper,
		.insn_cnt = helper ? 3 : 2,
		.log_level = helper ? 1 : 0, .log_buf = helper ? log : NULL,
		.log_size = helper ? sizeof(log) : 0,
	};
	int fd;

	fd = sys_prog_load(&a);
	if (fd >= 0 || fd == -EPERM || !helper)
		return answer(fd);
	log[sizeof(log) - 1] = 0;
	return !strstr(log, "unknown func") && !strstr(log, "invalid func");
}

static int map(unsigned int type)
{
	struct sys_map_create_args a = {
		.type = type, .key_size = 4, .value_size = 8, .max_entries = 1,
	};
	int fd;

	if (type == BPF_MAP_TYPE_SOCKHASH)
		a.value_size = 4;	/* a socket fd */
	if (type == BPF_MAP_TYPE_SK_STORAGE) {
		a.flags = BPF_F_NO_PREALLOC;
		a.max_entries = 0;
		a.btf_fd = sa_btf_load_min(8);
		if (a.btf_fd < 0)
			return answer(a.btf_fd);
		a.btf_key_type_id = 1;
		a.btf_value_type_id = 3;
	}
	fd = sys_map_create(&a);
	if (a.btf_fd > 0)
		close(a.btf_fd);
	return answer(fd);
}

/* A command or flag the kernel knows gets as far as the missing fd. */
static int known(int ret)
{
	return ret == -EBADF ? 1 : ret == -EINVAL ? 0 : ret;
}

int sa_probe(const struct sa_feature *f)
{
	int fd;

	switch (f->kind) {
	case SA_P_PROG:
		return prog(f->a, 0);
	case SA_P_MAP:
		return map(f->a);
	case SA_P_HELPER:
		return prog(f->a, f->b);
	case SA_P_FLAG:
		return known(sys_prog_attach(-1, -1, BPF_CGROUP_SOCK_OPS, f->a));
	case SA_P_BTF:
		return answer(sa_btf_load_min(8));
	case SA_P_KBTF:
		return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	case SA_P_LINK:
		return known(sys_link_create(-1, -1, BPF_CGROUP_SOCK_OPS, 0));
	default:
		fd = sa_memlock_charged();
		return fd < 0 ? fd : !fd;
	}
}

int sa_probe_install(struct sa_ctx *c)
{
	unsigned int i;

	for (i = 0; i < sa_nfeatures; i++) {
		const struct sa_feature *f = &sa_features[i];

		if (f->install && sa_probe(f) == 0)
			return sa_failx(c, -EOPNOTSUPP, "this kernel has no %s (Linux %s); "
					"nothing was changed (see 'sockaccel probe')",
					sa_feature_word(f, SA_F_WHAT), sa_feature_word(f, SA_F_SINCE));
	}
	return 0;
}
