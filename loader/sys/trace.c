// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c: -v prints every bpf() call as it returns, with the attr fields
 * the command read, in the spirit of strace:
 *
 *   bpf(BPF_MAP_CREATE, {map_type=SOCKHASH, key_size=48, ...}) = 5
 *   bpf(BPF_PROG_ATTACH, {...}) = -1 EPERM (Operation not permitted)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sys/bpf.h"
#include "sys/names.h"
#include "uapi_compat.h"

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case E2BIG: return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case SA_ENOTSUPP: return "ENOTSUPP";	/* kernel-internal, seen from bpf() */
	default: return "E?";
	}
}

static void map_fields(FILE *f, const union bpf_attr *a)
{
	fprintf(f, "map_type=%s, key_size=%u, value_size=%u, max_entries=%u, map_flags=%#x",
		bpf_map_type_name(a->map_type), a->key_size, a->value_size,
		a->max_entries, a->map_flags);
	if (a->btf_fd)
		fprintf(f, ", btf_fd=%u, btf_key_type_id=%u, btf_value_type_id=%u",
			a->btf_fd, a->btf_key_type_id, a->btf_value_type_id);
	fprintf(f, ", map_name=\"%.*s\"", BPF_OBJ_NAME_LEN, a->map_name);
}

static void prog_fields(FILE *f, const union bpf_attr *a)
{
	fprintf(f, "prog_type=%s, insn_cnt=%u, license=\"%s\", log_level=%u",
		bpf_prog_type_name(a->prog_type), a->insn_cnt,
		(const char *)(uintptr_t)a->license, a->log_level);
	if (a->expected_attach_type)
		fprintf(f, ", expected_attach_type=%s",
			bpf_attach_type_name(a->expected_attach_type));
	fprintf(f, ", prog_name=\"%.*s\"", BPF_OBJ_NAME_LEN, a->prog_name);
	if (a->prog_btf_fd)
		fprintf(f, ", prog_btf_fd=%u, func_info_cnt=%u, line_info_cnt=%u",
			a->prog_btf_fd, a->func_info_cnt, a->line_info_cnt);
}

void sys_trace_call(int cmd, const union bpf_attr *a, int ret)
{
	FILE *f = stderr;

	fprintf(f, "bpf(BPF_%s, {", bpf_cmd_name((unsigned int)cmd));
	switch (cmd) {
	case BPF_MAP_CREATE:
		map_fields(f, a);
		break;
	case BPF_PROG_LOAD:
		prog_fields(f, a);
		break;
	case BPF_BTF_LOAD:
		fprintf(f, "btf_size=%u", a->btf_size);
		break;
	case BPF_OBJ_PIN:
	case BPF_OBJ_GET:
		if (cmd == BPF_OBJ_PIN)
			fprintf(f, "bpf_fd=%u, ", a->bpf_fd);
		fprintf(f, "pathname=\"%s\"", (const char *)(uintptr_t)a->pathname);
		break;
	case BPF_PROG_ATTACH:
	case BPF_PROG_DETACH:
		fprintf(f, "target_fd=%u, attach_bpf_fd=%u, attach_type=%s",
			a->target_fd, a->attach_bpf_fd,
			bpf_attach_type_name(a->attach_type));
		if (cmd == BPF_PROG_ATTACH)
			fprintf(f, ", attach_flags=%s",
				a->attach_flags == BPF_F_ALLOW_MULTI ? "BPF_F_ALLOW_MULTI" :
				a->attach_flags == (BPF_F_ALLOW_MULTI | BPF_F_REPLACE) ?
				"BPF_F_ALLOW_MULTI|BPF_F_REPLACE" : a->attach_flags ? "?" : "0");
		if (a->attach_flags & BPF_F_REPLACE)
			fprintf(f, ", replace_bpf_fd=%u", a->replace_bpf_fd);
		break;
	case BPF_PROG_QUERY:
		fprintf(f, "target_fd=%u, attach_type=%s, prog_cnt=%u",
			a->query.target_fd, bpf_attach_type_name(a->query.attach_type),
			a->query.prog_cnt);
		break;
	case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_GET_NEXT_KEY:
		fprintf(f, "map_fd=%u", a->map_fd);
		if (cmd == BPF_MAP_UPDATE_ELEM)
			fprintf(f, ", flags=%llu", (unsigned long long)a->flags);
		break;
	case BPF_MAP_FREEZE:
		fprintf(f, "map_fd=%u", a->map_fd);
		break;
	case BPF_OBJ_GET_INFO_BY_FD:
		fprintf(f, "bpf_fd=%u, info_len=%u", a->info.bpf_fd, a->info.info_len);
		break;
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_LINK_GET_FD_BY_ID:
		fprintf(f, "id=%u", a->prog_id);
		break;
	case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
		fprintf(f, "start_id=%u", a->start_id);
		break;
	case BPF_LINK_CREATE:
		fprintf(f, "prog_fd=%u, target_ifindex=%u, attach_type=%s, flags=%#x",
			a->link_create.prog_fd, a->link_create.target_ifindex,
			bpf_attach_type_name(a->link_create.attach_type), a->link_create.flags);
		break;
	case BPF_LINK_UPDATE:
		fprintf(f, "link_fd=%u, new_prog_fd=%u", a->link_update.link_fd,
			a->link_update.new_prog_fd);
		break;
	case BPF_LINK_DETACH:
		fprintf(f, "link_fd=%u", a->link_detach.link_fd);
		break;
	default:
		fprintf(f, "...");
	}
	if (ret >= 0)
		fprintf(f, "}) = %d\n", ret);
	else
		fprintf(f, "}) = -1 %s (%s)\n", errno_name(-ret), strerror(-ret));
}
