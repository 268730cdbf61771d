// SPDX-License-Identifier: GPL-2.0
/*
 * map.c: `sockaccel map show|pin|dump|create`, bpftool's grammar and
 * (close enough for scripts that grep it) bpftool's output.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "load/load.h"
#include "sys/bpf.h"
#include "sys/caps.h"
#include "sys/fs.h"
#include "sys/names.h"

static int map_info(int fd, struct bpf_map_info *mi)
{
	uint32_t len = sizeof(*mi);

	memset(mi, 0, sizeof(*mi));
	return sys_obj_get_info_by_fd(fd, mi, &len);
}

void sa_show_head(const struct sa_args *a, int first, uint32_t id, const char *type,
		  const char *name)
{
	if (a->json) {
		printf(",{\"id\":%u,\"type\":\"%s\",\"name\":" + first, id, sa_lower(type));
		sa_json_str(stdout, name);
	} else {
		printf("%u: %s  name %s", id, sa_lower(type), name);
	}
}

/*
 * 7749: sockhash  name sock_hash  flags 0x0
 *	key 56B  value 8B  max_entries 65536
 */
static void show_one(struct sa_args *a, int fd, int first)
{
	struct bpf_map_info mi;

	if (map_info(fd, &mi))
		return;
	sa_show_head(a, first, mi.id, bpf_map_type_name(mi.type), mi.name);
	printf(a->json ? ",\"flags\":%u,\"bytes_key\":%u,\"bytes_value\":%u,\"max_entries\":%u}"
		       : "  flags 0x%x\n\tkey %uB  value %uB  max_entries %u\n",
	       mi.map_flags, mi.key_size, mi.value_size, mi.max_entries);
}

/* show: one map, or every map the kernel holds (BPF_MAP_GET_NEXT_ID). */
int sa_show_all(struct sa_args *a, int is_map, void (*show)(struct sa_args *, int, int))
{
	static char what[PATH_MAX + 8];
	uint32_t id = 0;
	int fd, first = 1;

	if (a->argc) {	/* 1 or 2 words (run_verb): sa_ref_open checks them */
		fd = sa_ref_open(a, a->argv, a->argc, is_map, what, sizeof(what));
		if (fd < 0)
			return -fd;
		show(a, fd, 1);
		if (a->json)
			putchar('\n');
		close(fd);
		return 0;
	}
	if (a->json)
		putchar('[');
	while (!(is_map ? sys_map_get_next_id(id, &id) : sys_prog_get_next_id(id, &id))) {
		fd = is_map ? sys_map_get_fd_by_id(id) : sys_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;	/* gone meanwhile */
		show(a, fd, first);
		first = 0;
		close(fd);
	}
	if (a->json)
		puts("]");
	return 0;
}

static int map_show(struct sa_args *a)
{
	return sa_show_all(a, 1, show_one);
}

/* {prog|map} pin {id ID | pinned FILE} FILE */
int sa_pin_ref(struct sa_args *a, int is_map)
{
	static char what[PATH_MAX + 8];
	int fd, err;

	if (sa_check_caps(&a->ctx, a->cmd))
		return sa_report(a);
	fd = sa_ref_open(a, a->argv, a->argc - 1, is_map, what, sizeof(what));
	if (fd < 0)
		return -fd;
	err = sys_obj_pin(fd, a->argv[2]);
	close(fd);
	if (err == -EEXIST)
		sa_failx(&a->ctx, err, "%s exists already (remove it first)", a->argv[2]);
	else if (err)
		sa_fail(&a->ctx, err, "%s: BPF_OBJ_PIN %s", what, a->argv[2]);
	return err ? sa_report(a) : 0;
}

static int map_pin(struct sa_args *a)
{
	return sa_pin_ref(a, 1);
}

static void hex(const uint8_t *p, uint32_t n, int json)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		printf(json ? "%s\"0x%02x\"" : "%s%02x", i ? (json ? "," : " ") : "", p[i]);
}

/* Per-CPU maps give one value per possible CPU, each rounded up to 8 bytes. */
static int percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* key: 00 00 00 00  value: 2a 00 00 00 00 00 00 00 ... Found N elements */
static int map_dump(struct sa_args *a)
{
	static char what[PATH_MAX + 8];
	struct bpf_map_info mi;
	uint8_t *key, *next, *val;
	uint32_t ncpu, vs, n = 0, c;
	int fd, err;

	fd = sa_ref_open(a, a->argv, a->argc, 1, what, sizeof(what));
	if (fd < 0)
		return -fd;
	err = map_info(fd, &mi);
	if (err) {
		close(fd);
		sa_fail(&a->ctx, err, "map %s", what);
		return sa_report(a);
	}
	ncpu = 1;
	vs = mi.value_size;
	if (percpu(mi.type)) {
		ncpu = sa_possible_cpus(1);
		vs = (vs + 7) / 8 * 8;
	}
	/* One buffer: the key, the next key, the value(s). */
	key = calloc(2 * (size_t)mi.key_size + (size_t)vs * ncpu + 8, 1);
	if (!key) {
		err = sa_oom(&a->ctx);
		goto out;
	}
	next = key + mi.key_size;
	val = next + mi.key_size;
	if (a->json)
		putchar('[');
	/* NULL first: the first key (Linux 4.12).  JSON: a per-CPU map's
	 * values one after the other in "value". */
	for (err = sys_map_get_next_key(fd, NULL, next); !err;
	     err = sys_map_get_next_key(fd, key, next)) {
		memcpy(key, next, mi.key_size);
		printf(a->json ? "%s{\"key\":[" : "key: ", n++ ? "," : "");
		hex(key, mi.key_size, a->json);
		if (a->json)
			printf("],\"value\":[");
		err = sys_map_lookup_elem(fd, key, val);	/* a sockmap: no value */
		for (c = 0; !err && c < ncpu; c++) {
			if (!a->json)
				printf(ncpu > 1 ? "\nvalue (CPU %02u): " : "  value: ", c);
			else if (c)
				putchar(',');
			hex(val + (size_t)c * vs, mi.value_size, a->json);
		}
		printf(a->json ? "]}" : "\n");
	}
	if (a->json)
		puts("]");
	else
		printf("Found %u element%s\n", n, n == 1 ? "" : "s");
	err = err == -ENOENT ? 0 : sa_fail(&a->ctx, err, "map %s: BPF_MAP_GET_NEXT_KEY", what);
out:
	free(key);
	close(fd);
	return err ? sa_report(a) : 0;
}

/* map create FILE type TYPE key N value N entries N name NAME [flags F] [inner_map MAP] */
static int map_create(struct sa_args *a)
{
	static const char *const words[] = { "type", "key", "value", "entries", "flags", "name" };
	struct sys_map_create_args c = { 0 };
	uint32_t num[5] = { 0 };	/* by words[] (1-4) */
	static char what[PATH_MAX + 8];
	int i, k, fd, inner = -1, err, type = -1;

	for (i = 1; i < a->argc; i += 2) {
		if (!strcmp(a->argv[i], "inner_map")) {
			if (inner >= 0)
				close(inner);
			inner = sa_ref_open(a, a->argv + i + 1, a->argc - i - 1, 1, what, sizeof(what));
			if (inner < 0)
				return -inner;
			i++;
			continue;
		}
		for (k = 0; k < 6 && strcmp(a->argv[i], words[k]); k++)
			;
		if (k == 6 || i + 1 == a->argc) {
			err = sa_usage_error(a, k == 6 ? "unknown word '%s'" : "'%s' needs a value",
					     a->argv[i]);
			goto out;
		}
		if (k == 0 && (type = bpf_map_type_by_name(a->argv[i + 1])) < 0) {
			err = sa_usage_error(a, "unknown map type '%s' (hash, array, sockhash...)",
					     a->argv[i + 1]);
			goto out;
		}
		if (k == 5)
			c.name = a->argv[i + 1];
		if (k && k < 5 && sa_parse_u32(a->argv[i + 1], UINT32_MAX, &num[k])) {
			err = sa_usage_error(a, "%s '%s' is not a number", words[k], a->argv[i + 1]);
			goto out;
		}
	}
	if (type < 0 || !c.name) {
		err = sa_usage_error(a, "'type' and 'name' are needed");
		goto out;
	}
	c.type = (uint32_t)type;
	c.key_size = num[1];
	c.value_size = num[2];
	c.max_entries = num[3];
	c.flags = num[4];
	c.inner_map_fd = inner < 0 ? 0 : inner;
	err = sa_check_caps(&a->ctx, a->cmd);
	fd = err ? err : sys_map_create(&c);
	if (fd < 0) {
		err = sa_fail(&a->ctx, fd, "map '%s' (%s): BPF_MAP_CREATE", c.name, a->argv[0]);
	} else {
		err = sys_obj_pin(fd, a->argv[0]);
		if (err)
			sa_fail(&a->ctx, err, "map '%s': BPF_OBJ_PIN %s", c.name, a->argv[0]);
		close(fd);
	}
	err = err ? sa_report(a) : 0;
out:
	if (inner >= 0)
		close(inner);
	return err;
}

#define MAP_ARG SA_REF

static const struct sa_verb verbs[] = {
	{ "show", map_show, 0, 2, "[" MAP_ARG "]" },
	{ "pin", map_pin, 3, 3, MAP_ARG " FILE" },
	{ "dump", map_dump, 2, 2, MAP_ARG },
	{ "create", map_create, 11, 15,
	  "FILE type TYPE key KEY_SIZE value VALUE_SIZE entries N name NAME [flags F] [inner_map " MAP_ARG "]" },
};
const struct sa_verbs sa_map_verbs = { verbs, sizeof(verbs) / sizeof(verbs[0]), -2 };
