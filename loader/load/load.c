// SPDX-License-Identifier: GPL-2.0
/*
 * load.c: maps, relocation, programs and pins for any parsed BPF object.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/bpf.h"
#include "load/load.h"
#include "load/core.h"
#include "sys/fs.h"
#include "sys/names.h"
#include "sys/readfile.h"
#include "uapi_compat.h"

#define LOAD_RETRIES	5		/* BPF_PROG_LOAD may say EAGAIN */
#define LOG_START	(64u << 10)
#define LOG_MAX		(16u << 20)	/* the kernel caps log_size (UINT_MAX >> 2) */

/* ---- maps ---- */

/*
 * Local-storage maps (sk, inode, task, cgroup) can only be created with BTF
 * for their key and value (the kernel checks the key is a 32-bit int).  We
 * describe them with the smallest BTF that says so: [1] int, [2] unsigned
 * char, [3] unsigned char[value_size].  BPF_BTF_LOAD: Linux 4.18.
 */
static int needs_btf(uint32_t type)
{
	return type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
	       type == BPF_MAP_TYPE_TASK_STORAGE || type == SA_MAP_TYPE_CGRP_STORAGE;
}

/* UAPI <linux/btf.h> documents these encodings but only ships decoders. */
#define BTF_INFO(kind, vlen)	((uint32_t)(kind) << 24 | (vlen))
#define BTF_INT(enc, bits)	((uint32_t)(enc) << 24 | (bits))

#define STRS "\0int\0unsigned char"
struct min_btf {
	struct btf_header h;
	struct btf_type t_int;
	uint32_t int_enc;
	struct btf_type t_uchar;
	uint32_t uchar_enc;
	struct btf_type t_arr;
	struct btf_array arr;
	char strs[sizeof(STRS)];
} __attribute__((packed));

int sa_btf_load_min(uint32_t value_size)
{
	static const struct min_btf tmpl = {
		.h = {
			.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(struct btf_header),
			.type_off = 0, .type_len = offsetof(struct min_btf, strs) - sizeof(struct btf_header),
			.str_off = offsetof(struct min_btf, strs) - sizeof(struct btf_header),
			.str_len = sizeof(STRS),
		},
		.t_int = { .name_off = 1, .info = BTF_INFO(BTF_KIND_INT, 0), .size = 4 },	/* "int" */
		.int_enc = BTF_INT(BTF_INT_SIGNED, 32),
		.t_uchar = { .name_off = 5, .info = BTF_INFO(BTF_KIND_INT, 0), .size = 1 },	/* "unsigned char" */
		.uchar_enc = BTF_INT(0, 8),
		.t_arr = { .info = BTF_INFO(BTF_KIND_ARRAY, 0) },
		.arr = { .type = 2, .index_type = 1 },
		.strs = STRS,
	};
	struct min_btf b = tmpl;

	b.arr.nelems = value_size;
	return sys_btf_load(&b, sizeof(b));
}

/*
 * The number of possible CPUs: one more than the highest in
 * /sys/devices/system/cpu/possible ("0-3", "0,2-5"), the indexes a per-CPU
 * map or a perf event array must cover; fallback if it cannot be read
 * (1 to size a map; status passes -errno: a per-CPU lookup into too small
 * a buffer would overrun it).
 */
int sa_possible_cpus(int fallback)
{
	static int n;
	long v;

	if (!n) {	/* the ranges go up: the highest CPU is the last number */
		v = sa_last_number("/sys/devices/system/cpu/possible");
		n = v >= 0 && v < 65536 ? (int)v + 1 : 0;
	}
	return n ? n : fallback;
}

/* max_entries as the kernel gets it: libbpf sizes a perf event array
 * written without max_entries to the possible CPUs; so do we. */
uint32_t sa_max_entries(const struct bo_map *m)
{
	if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->max_entries)
		return (uint32_t)sa_possible_cpus(1);
	return m->max_entries;
}

static int create_map(struct sa_ctx *c, const struct bo_map *m, int inner_fd)
{
	struct sys_map_create_args a = {
		.type = m->type, .key_size = m->key_size,
		.value_size = m->value_size, .max_entries = sa_max_entries(m),
		.flags = m->flags, .numa_node = m->numa_node,
		.inner_map_fd = inner_fd,
	};
	int fd, btf = -1, zero = 0, err;
	const char *what;

	a.name = m->name;	/* the kernel keeps 15 bytes of [A-Za-z0-9_.] */
	if (needs_btf(m->type)) {
		btf = sa_btf_load_min(m->value_size);
		if (btf < 0)
			return sa_fail(c, btf, "map '%s': BPF_BTF_LOAD (its type needs BTF)",
				       m->name);
		a.btf_fd = btf;
		a.btf_key_type_id = 1;
		a.btf_value_type_id = 3;
	}
	fd = sys_map_create(&a);
	if (btf >= 0)
		close(btf);	/* the map holds its own reference */
	if (fd < 0)
		return sa_fail(c, fd, "map '%s' (%s): BPF_MAP_CREATE", m->name,
			       bpf_map_type_name(m->type));
	what = "initial value";
	err = m->origin == BO_MAP_DATA && m->init ?
	      sys_map_update_elem(fd, &zero, m->init, BPF_ANY) : 0;
	if (!err && m->frozen) {
		what = "BPF_MAP_FREEZE";
		err = sys_map_freeze(fd);	/* Linux 5.2 */
	}
	if (err) {
		close(fd);
		return sa_fail(c, err, "map '%s': %s", m->name, what);
	}
	return fd;
}

/* A pinned (or given) map fits when everything that shapes it is equal. */
static int check_pinned(struct sa_ctx *c, const struct bo_map *m, int fd,
			const char *path)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info), i;
	int err;

	memset(&info, 0, sizeof(info));
	err = sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return sa_fail(c, err, "map '%s': pinned at %s: BPF_OBJ_GET_INFO_BY_FD",
			       m->name, path);
	/* struct bpf_map_info opens with type, id, key_size, value_size,
	 * max_entries, map_flags (Linux 4.13): all but the id must match. */
	const uint32_t ours[] = { m->type, m->key_size, m->value_size, sa_max_entries(m), m->flags };
	const uint32_t *pinned = (const uint32_t *)&info;
	const char *field = BPF_MAP_FIELD_NAMES;

	_Static_assert(offsetof(struct bpf_map_info, map_flags) == 5 * 4, "bpf_map_info");
	for (i = 0; i < 5; i++, field += strlen(field) + 1)	/* not the id, pinned[1] */
		if (pinned[i + !!i] != ours[i])
			return sa_failx(c, -EEXIST,
					"map '%s': pinned at %s with %s %u, the object wants %u (remove the pin or rename the map)",
					m->name, path, field, pinned[i + !!i], ours[i]);
	return 0;
}

/* Initial values of maps of maps: slot key holds inner map j (Linux 4.12). */
static int fill_slots(struct sa_ctx *c, struct sa_loaded *l)
{
	const struct bo_object *o = l->obj;
	size_t i, k;
	int err;

	for (i = 0; i < o->nmaps; i++) {
		const struct bo_map *m = &o->maps[i];

		for (k = 0; !l->map_reused[i] && k < m->nslots; k++) {
			uint32_t fd = (uint32_t)l->map_fds[m->slots[k].map];

			err = sys_map_update_elem(l->map_fds[i], &m->slots[k].key, &fd, BPF_ANY);
			if (err)
				return sa_fail(c, err, "map '%s': slot %u = map '%s'", m->name,
					       m->slots[k].key, o->maps[m->slots[k].map].name);
		}
	}
	return 0;
}

/* A map the object shares: given by the caller, or pinned by name in
 * share_dir; checked against the definition.  fd, -ENOENT, or -errno. */
static int shared_map(struct sa_ctx *c, const struct bo_map *m, const char *share_dir,
		      const struct sa_given *g)
{
	static char buf[4096];	/* scratch: loader/cli/cli.h */
	const char *path = buf;
	int fd, err;

	if (g) {
		path = g->what;
		fd = sys_dup_cloexec(g->fd);
		if (fd < 0)
			return sa_fail(c, fd, "map '%s': %s", m->name, path);
	} else {
		if (!share_dir || m->pinning != BO_PIN_BY_NAME)
			return -ENOENT;
		err = sa_pin_path(buf, sizeof(buf), share_dir, m->name);
		if (err)
			return sa_fail(c, err, "map '%s': pin path", m->name);
		fd = sys_obj_get(path);
		if (fd == -ENOENT)
			return fd;
		if (fd < 0)
			return sa_fail(c, fd, "map '%s': BPF_OBJ_GET %s", m->name, path);
	}
	err = check_pinned(c, m, fd, path);
	if (err) {
		close(fd);
		return err;
	}
	sa_info(c, "map '%s': reusing %s", m->name, path);
	return fd;
}

int sa_load_maps(struct sa_ctx *c, const struct bo_object *o,
		 struct sa_loaded *l, const char *share_dir)
{
	return sa_load_maps_given(c, o, l, share_dir, NULL, 0);
}

int sa_load_maps_given(struct sa_ctx *c, const struct bo_object *o, struct sa_loaded *l,
		       const char *share_dir, const struct sa_given *g, int ng)
{
	size_t i, n = o->nmaps;
	int fd, pass, k;

	/* One block: the map fds, the programs' fds, then map_reused. */
	memset(l, 0, sizeof(*l));
	l->map_fds = malloc((2 * n + o->nprogs + 1) * sizeof(int));
	if (!l->map_fds)
		return sa_oom(c);
	l->obj = o;
	l->prog_fds = l->map_fds + n;
	l->map_reused = l->prog_fds + o->nprogs;
	for (i = 0; i < n + o->nprogs; i++)
		l->map_fds[i] = -1;
	memset(l->map_reused, 0, n * sizeof(int));

	/* Maps of maps last: their inner map (the template) must exist. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < o->nmaps; i++) {
			const struct bo_map *m = &o->maps[i];

			if ((m->inner >= 0) != pass)
				continue;
			for (k = 0; k < ng && g[k].map != (int)i; k++)
				;
			fd = shared_map(c, m, share_dir, k < ng ? &g[k] : NULL);
			if (fd >= 0) {
				l->map_reused[i] = 1;
			} else if (fd == -ENOENT) {
				fd = create_map(c, m, m->inner >= 0 ? l->map_fds[m->inner] : 0);
			}
			if (fd < 0)
				return fd;
			l->map_fds[i] = fd;
		}
	}
	return fill_slots(c, l);
}

/* ---- programs ---- */

/*
 * Load once quietly; on failure load again with the verifier log on, in a
 * buffer grown until the whole log fits (ENOSPC means it was cut short).
 */
static int load_prog(struct sa_ctx *c, const struct bo_object *o,
		     const struct bo_prog *p, const struct bpf_insn *insns)
{
	static struct sys_prog_load_args a;	/* scratch: loader/cli/cli.h */
	uint32_t size;
	int fd = -EAGAIN, i;

	a = (struct sys_prog_load_args){
		.type = p->type, .expected_attach_type = p->expected_attach_type,
		.kern_version = o->kern_version, .name = p->name,
		.license = o->license, .insns = insns,
		.insn_cnt = (uint32_t)p->insn_cnt,
	};
	sa_core_btf_args(c, o, p, &a);
	for (i = 0; i < LOAD_RETRIES && fd == -EAGAIN; i++)
		fd = sys_prog_load(&a);
	fd = sa_core_without_btf(c, p, &a, fd);
	if (fd >= 0)
		return fd;

	for (size = LOG_START; size <= LOG_MAX; size *= 4) {
		char *log = calloc(1, size);
		int fd2;

		if (!log)
			break;
		a.log_level = 1;
		a.log_buf = log;
		a.log_size = size;
		fd2 = sys_prog_load(&a);
		if (fd2 >= 0) {		/* it passed this time: use it */
			free(log);
			return fd2;
		}
		free(c->vlog);
		c->vlog = log;
		if (fd2 != -ENOSPC) {
			fd = fd2;
			break;
		}
	}
	/* A log means the verifier read the program and said no (EACCES,
	 * EINVAL): the message points at it rather than at errno. */
	sa_core_explain(c, o, p);
	return sa_failx(c, fd, "program '%s' (section '%s', %s, %zu instructions): BPF_PROG_LOAD: %s",
			p->name, p->section, bpf_prog_type_name(p->type), p->insn_cnt,
			c->vlog && c->vlog[0] ? "rejected by the verifier (log above)" : strerror(-fd));
}

int sa_load_progs(struct sa_ctx *c, struct sa_loaded *l)
{
	const struct bo_object *o = l->obj;
	size_t i;
	int fd = 0;

	sa_core_release();
	for (i = 0; fd >= 0 && i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];
		struct bpf_insn *insns = malloc(p->insn_cnt * sizeof(*insns));

		if (!insns)
			return sa_oom(c);
		bo_relocate(p, l->map_fds, insns);
		fd = sa_core_apply(c, o, p, insns);
		if (!fd)
			fd = load_prog(c, o, p, insns);
		free(insns);
		if (fd >= 0)
			l->prog_fds[i] = fd;
	}
	sa_core_release();
	return fd < 0 ? fd : 0;
}

/* ---- pins ---- */

/*
 * Where item k (the maps, then the programs) is pinned under plan p: 1 with
 * its path in buf, 0 when it is not pinned, or -errno.  Maps taken from
 * elsewhere and inner map templates are never pinned.
 */
static int pin_path_of(const struct sa_loaded *l, const struct sa_pins *p, size_t k,
		       char *buf, size_t len)
{
	const struct bo_object *o = l->obj;
	const char *dir;
	int err;

	if (k < o->nmaps) {
		const struct bo_map *m = &o->maps[k];

		dir = p->map_dir ? p->map_dir : m->pinning == BO_PIN_BY_NAME ? p->byname_dir : NULL;
		if (l->map_reused[k] || m->tmpl || !dir)
			return 0;
		err = sa_pin_path(buf, len, dir, m->name);
		return err ? err : 1;
	}
	k -= o->nmaps;
	if (p->prog_dir) {
		err = sa_pin_path(buf, len, p->prog_dir, o->progs[k].name);
		return err ? err : 1;
	}
	if (k || !p->first_prog)
		return 0;
	if ((size_t)snprintf(buf, len, "%s", p->first_prog) >= len)
		return -ENAMETOOLONG;
	return 1;
}

void sa_unpin(const struct sa_loaded *l, const struct sa_pins *p)
{
	static char path[4096];	/* scratch: loader/cli/cli.h */
	size_t k;

	for (k = 0; k < l->obj->nmaps + l->obj->nprogs; k++)
		if (pin_path_of(l, p, k, path, sizeof(path)) > 0)
			unlink(path);
}

void sa_unpin_all(const struct sa_loaded *l, const char *dir)
{
	struct sa_pins p = { .map_dir = dir, .prog_dir = dir };

	sa_unpin(l, &p);
}

/*
 * Pins go in object order, maps then programs; on failure exactly the pins
 * this call made are removed (a pin that was already there, EEXIST, is not
 * ours to delete).
 */
int sa_pin(struct sa_ctx *c, struct sa_loaded *l, const struct sa_pins *p)
{
	const struct bo_object *o = l->obj;
	size_t i, n = o->nmaps + o->nprogs, done;
	char path[4096];
	int err = 0, r;

	for (done = 0; !err && done < n; done++) {
		int is_map = done < o->nmaps;
		size_t k = is_map ? done : done - o->nmaps;
		const char *name = is_map ? o->maps[k].name : o->progs[k].name;
		const char *kind = is_map ? "map" : "program";

		r = pin_path_of(l, p, done, path, sizeof(path));
		if (r < 0)
			err = sa_fail(c, r, "%s '%s': pin path", kind, name);
		if (r <= 0)
			continue;
		err = sys_obj_pin(is_map ? l->map_fds[k] : l->prog_fds[k], path);
		if (err == -EEXIST)
			sa_failx(c, err, "%s '%s': %s exists already (unload what is pinned there first)",
				 kind, name, path);
		else if (err)
			sa_fail(c, err, "%s '%s': BPF_OBJ_PIN %s", kind, name, path);
	}
	if (!err)
		return 0;
	for (i = 0; i + 1 < done; i++)
		if (pin_path_of(l, p, i, path, sizeof(path)) > 0)
			unlink(path);
	return err;
}

int sa_pin_all(struct sa_ctx *c, struct sa_loaded *l, const char *dir)
{
	struct sa_pins p = { .map_dir = dir, .prog_dir = dir };

	return sa_pin(c, l, &p);
}

void sa_loaded_close(struct sa_loaded *l)
{
	size_t i;

	if (l->obj) {
		for (i = 0; l->map_fds && i < l->obj->nmaps; i++)
			if (l->map_fds[i] >= 0)
				close(l->map_fds[i]);
		for (i = 0; l->prog_fds && i < l->obj->nprogs; i++)
			if (l->prog_fds[i] >= 0)
				close(l->prog_fds[i]);
	}
	free(l->map_fds);	/* and prog_fds, map_reused: one block */
	memset(l, 0, sizeof(*l));
}

int sa_map_fd(const struct sa_loaded *l, const char *name)
{
	int i = bo_find_map(l->obj, name);

	return i < 0 ? -1 : l->map_fds[i];
}

int sa_prog_fd(const struct sa_loaded *l, const char *name)
{
	int i = bo_find_prog(l->obj, name);

	return i < 0 ? -1 : l->prog_fds[i];
}
