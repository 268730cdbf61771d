// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c: -v prints every bpf() call as it returns, with the attr fields
 * the command read, in the spirit of strace:
 *
 *   bpf(BPF_MAP_CREATE, {map_type=SOCKHASH, key_size=48, ...}) = 5
 *   bpf(BPF_PROG_ATTACH, {...}) = -1 EPERM (Operation not permitted)
 *
 * The fields are data, not code: one table of (name, union bpf_attr
 * member, how to print it), and per command the run of that table it reads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sys/bpf.h"
#include "sys/names.h"
#include "uapi_compat.h"

/* How a field prints.  OPT(n): this field and the n-1 after it print only
 * when this one is not 0 (BTF ids without a btf_fd, and the like). */
enum { U, HEX, U64, STR, NAME, MAPT, PROGT, ATTT, AFLAGS };
#define OPT(n) ((n) << 4)

/* X(label, printed name, member of union bpf_attr, kind) */
#define FIELDS(X) \
	X(map_create, map_type, map_type, MAPT) X(key_size, key_size, key_size, U) \
	X(value_size, value_size, value_size, U) X(max_entries, max_entries, max_entries, U) \
	X(map_flags, map_flags, map_flags, HEX) X(btf_fd, btf_fd, btf_fd, U | OPT(3)) \
	X(btf_key, btf_key_type_id, btf_key_type_id, U) \
	X(btf_value, btf_value_type_id, btf_value_type_id, U) \
	X(map_name, map_name, map_name, NAME) \
	X(prog_load, prog_type, prog_type, PROGT) X(insn_cnt, insn_cnt, insn_cnt, U) \
	X(license, license, license, STR) X(log_level, log_level, log_level, U) \
	X(eat, expected_attach_type, expected_attach_type, ATTT | OPT(1)) \
	X(prog_name, prog_name, prog_name, NAME) \
	X(prog_btf_fd, prog_btf_fd, prog_btf_fd, U | OPT(3)) \
	X(func_info_cnt, func_info_cnt, func_info_cnt, U) \
	X(line_info_cnt, line_info_cnt, line_info_cnt, U) \
	X(btf_load, btf_size, btf_size, U) \
	X(obj_pin, bpf_fd, bpf_fd, U) X(obj_get, pathname, pathname, STR) \
	X(attach, target_fd, target_fd, U) X(attach_bpf_fd, attach_bpf_fd, attach_bpf_fd, U) \
	X(attach_type, attach_type, attach_type, ATTT) \
	X(attach_flags, attach_flags, attach_flags, AFLAGS) \
	X(query, target_fd, query.target_fd, U) \
	X(query_type, attach_type, query.attach_type, ATTT) \
	X(prog_cnt, prog_cnt, query.prog_cnt, U) \
	X(map_fd, map_fd, map_fd, U) X(flags, flags, flags, U64) \
	X(info, bpf_fd, info.bpf_fd, U) X(info_len, info_len, info.info_len, U) \
	X(by_id, id, prog_id, U) X(next_id, start_id, start_id, U) \
	X(link_create, prog_fd, link_create.prog_fd, U) \
	X(ifindex, target_ifindex, link_create.target_ifindex, U) \
	X(link_type, attach_type, link_create.attach_type, ATTT) \
	X(link_flags, flags, link_create.flags, HEX) \
	X(link_fd, link_fd, link_update.link_fd, U) \
	X(new_prog_fd, new_prog_fd, link_update.new_prog_fd, U)

#define F_IDX(l, n, m, k) F_##l,
#define F_DEF(l, n, m, k) { offsetof(union bpf_attr, m), k },
#define F_NAME(l, n, m, k) #n "\0"

enum { FIELDS(F_IDX) N_FIELDS };
static const struct { uint8_t off, kind; } fields[] = { FIELDS(F_DEF) };
const char bpf_attr_field_names[] = FIELDS(F_NAME);	/* names.h */
_Static_assert(F_map_create == 0 && F_key_size == 1 && F_value_size == 2 &&
	       F_max_entries == 3 && F_map_flags == 4, "names.h: BPF_MAP_FIELD_NAMES");

/* Per command: its first and last field; a command reading a prefix or a
 * suffix of another's fields shares them. */
#define RUN(cmd, first, last) [BPF_##cmd] = { F_##first, F_##last - F_##first + 1 }
static const uint8_t runs[][2] = {
	RUN(MAP_CREATE, map_create, map_name),
	RUN(MAP_LOOKUP_ELEM, map_fd, map_fd),
	RUN(MAP_UPDATE_ELEM, map_fd, flags),
	RUN(MAP_DELETE_ELEM, map_fd, map_fd),
	RUN(MAP_GET_NEXT_KEY, map_fd, map_fd),
	RUN(MAP_FREEZE, map_fd, map_fd),
	RUN(PROG_LOAD, prog_load, line_info_cnt),
	RUN(BTF_LOAD, btf_load, btf_load),
	RUN(OBJ_PIN, obj_pin, obj_get),
	RUN(OBJ_GET, obj_get, obj_get),
	RUN(PROG_ATTACH, attach, attach_flags),
	RUN(PROG_DETACH, attach, attach_type),
	RUN(PROG_QUERY, query, prog_cnt),
	RUN(OBJ_GET_INFO_BY_FD, info, info_len),
	RUN(PROG_GET_FD_BY_ID, by_id, by_id),
	RUN(MAP_GET_FD_BY_ID, by_id, by_id),
	RUN(LINK_GET_FD_BY_ID, by_id, by_id),
	RUN(PROG_GET_NEXT_ID, next_id, next_id),
	RUN(MAP_GET_NEXT_ID, next_id, next_id),
	RUN(LINK_GET_NEXT_ID, next_id, next_id),
	RUN(LINK_CREATE, link_create, link_flags),
	RUN(LINK_UPDATE, link_fd, new_prog_fd),
	RUN(LINK_DETACH, link_fd, link_fd),
};

/* The errnos bpf() returns, by name; ENOTSUPP is kernel-internal. */
static const uint16_t errnos[] = {
	EPERM, ENOENT, ESRCH, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY,
	EEXIST, ENOTDIR, EINVAL, ENOSPC, E2BIG, EOPNOTSUPP, SA_ENOTSUPP,
};
static const char errno_names[] = "EPERM\0ENOENT\0ESRCH\0EBADF\0EAGAIN\0ENOMEM\0"
	"EACCES\0EFAULT\0EBUSY\0EEXIST\0ENOTDIR\0EINVAL\0ENOSPC\0E2BIG\0EOPNOTSUPP\0"
	"ENOTSUPP\0E?";

void sys_trace_call(int cmd, const union bpf_attr *a, int ret)
{
	unsigned int i = 0, n = 0, hide = 0, e;
	const char *name, *sep = "";
	FILE *f = stderr;

	fprintf(f, "bpf(BPF_%s, {", bpf_cmd_name((unsigned int)cmd));
	if ((unsigned int)cmd < sizeof(runs) / sizeof(runs[0])) {
		i = runs[cmd][0];
		n = runs[cmd][1];
	}
	if (!n)
		fputs("...", f);
	for (name = sa_nth(bpf_attr_field_names, i); n--; i++, name += strlen(name) + 1) {
		const char *p = (const char *)a + fields[i].off;
		unsigned int k = fields[i].kind, v;
		uint64_t q;

		memcpy(&v, p, sizeof(v));
		memcpy(&q, p, sizeof(q));
		if (hide || (k >> 4 && !v)) {
			hide = hide ? hide - 1 : (k >> 4) - 1;
			continue;
		}
		fprintf(f, "%s%s=", sep, name);
		sep = ", ";
		switch (k & 15) {
		case U:	/* the u32 fields as u64: "%llu" and "%#llx" print them alike */
		case HEX:
		case U64:
			fprintf(f, (k & 15) == HEX ? "%#llx" : "%llu",
				(unsigned long long)((k & 15) == U64 ? q : v));
			break;
		case STR: fprintf(f, "\"%s\"", (const char *)(uintptr_t)q); break;
		case NAME: fprintf(f, "\"%.*s\"", BPF_OBJ_NAME_LEN, p); break;
		case MAPT:
		case PROGT:
		case ATTT:
			fputs(((k & 15) == MAPT ? bpf_map_type_name : (k & 15) == PROGT ?
			       bpf_prog_type_name : bpf_attach_type_name)(v), f);
			break;
		default:
			fputs(v == BPF_F_ALLOW_MULTI ? "BPF_F_ALLOW_MULTI" :
			      v == (BPF_F_ALLOW_MULTI | BPF_F_REPLACE) ?
			      "BPF_F_ALLOW_MULTI|BPF_F_REPLACE" : v ? "?" : "0", f);
		}
	}
	/* BPF_F_REPLACE (Linux 5.6): the program being replaced. */
	if ((cmd == BPF_PROG_ATTACH || cmd == BPF_PROG_DETACH) && a->attach_flags & BPF_F_REPLACE)
		fprintf(f, ", replace_bpf_fd=%u", a->replace_bpf_fd);
	if (ret >= 0) {
		fprintf(f, "}) = %d\n", ret);
		return;
	}
	for (e = 0; e < sizeof(errnos) / sizeof(errnos[0]) && errnos[e] != -ret; e++)
		;
	fprintf(f, "}) = -1 %s (%s)\n", sa_nth(errno_names, e), strerror(-ret));
}
