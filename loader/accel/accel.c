// SPDX-License-Identifier: GPL-2.0
/*
 * accel.c: install, remove and status of socket acceleration (see accel.h
 * for what an install leaves and in which order).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/accel.h"
#include "sys/bpf.h"
#include "sys/fs.h"
#include "load/load.h"
#include "object.h"
#include "sys/readfile.h"

const char *const sa_map_names[SA_NMAPS] = {
	SA_MAP_SOCKHASH, SA_MAP_COUNTERS, SA_MAP_CONFIG, SA_MAP_PORTS, SA_MAP_SKSTATE,
	SA_MAP_STREAK,
};
static const char *const prog_names[2] = { SA_PROG_SOCKOPS, SA_PROG_SKMSG };

const char *const sa_counter_names[SA_COUNTER_MAX] = {
	[SA_SOCK_ADDED] = "sockets_added",
	[SA_SOCK_ADD_FAILED] = "sockets_add_failed",
	[SA_SOCK_FILTERED] = "sockets_not_accelerated",
	[SA_MSG_REDIRECTED] = "msgs_redirected",
	[SA_BYTES_REDIRECTED] = "bytes_redirected",
	[SA_MSG_PASSED] = "msgs_passed",
	[SA_BYTES_PASSED] = "bytes_passed",
	[SA_SOCK_TO_STACK] = "sockets_moved_to_stack",
	[SA_SOCK_BACKPRESSURE] = "sockets_moved_backpressure",
};

/* ---- the installed state, read back from the pins ---- */

/* Every name an install leaves in the pin directory: maps, programs, record. */
#define SA_NPINS (SA_NMAPS + 3)

static const char *pin_name(int i)
{
	if (i < SA_NMAPS)
		return sa_map_names[i];
	return i < SA_NMAPS + 2 ? prog_names[i - SA_NMAPS] : SA_PIN_RECORD;
}


static int pin_get(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (sa_path(path, sizeof(path), dir, name))
		return -ENAMETOOLONG;
	return sys_obj_get(path);
}

static int read_record(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	if (sa_path(path, sizeof(path), dir, SA_PIN_RECORD))
		return -ENAMETOOLONG;
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static uint32_t obj_id(int fd)
{
	struct bpf_prog_info info;	/* id is the first field of map info too */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || sys_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/* Is program id attached to target (cgroup or map) for this attach type? */
static int is_attached(int target_fd, uint32_t type, uint32_t id)
{
	uint32_t ids[64], cnt = 64, i;
	int err = sys_prog_query(target_fd, type, NULL, ids, &cnt);

	if (err)
		return err;
	for (i = 0; i < cnt && i < 64; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Port filter as installed: config[0].port_filter and the keys of ports. */
static int read_ports(int cfg_fd, int ports_fd, int *filter, uint16_t *ports,
		      size_t *n)
{
	struct sa_config cfg;
	uint32_t zero = 0, key, next;
	int err, first = 1;

	*n = 0;
	err = sys_map_lookup_elem(cfg_fd, &zero, &cfg);
	if (err)
		return err;
	*filter = cfg.port_filter != 0;
	while (*n < SA_PORTS_MAX &&
	       !sys_map_get_next_key(ports_fd, first ? NULL : &key, &next)) {
		ports[(*n)++] = (uint16_t)next;
		key = next;
		first = 0;
	}
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return *(const uint16_t *)a - *(const uint16_t *)b;
}

/* Highest CPU number in a list like "0-3,8-11" (sysfs), plus one. */
static int possible_cpus(void)
{
	char *text, *p;
	long n = sa_slurp("/sys/devices/system/cpu/possible", &text, 4096);
	long max = -1;

	if (n < 0)
		return (int)n;
	for (p = text; *p >= '0' && *p <= '9';) {
		long v = 0;

		while (*p >= '0' && *p <= '9' && v < 1000000)
			v = v * 10 + (*p++ - '0');
		if (v > max)
			max = v;
		if (*p != '-' && *p != ',')
			break;
		p++;
	}
	free(text);
	return max < 0 || max > 65535 ? -EINVAL : (int)max + 1;
}

static int read_counters(int fd, uint64_t *out)
{
	int ncpu = possible_cpus();
	uint64_t *vals;
	uint32_t k;
	int i, err = 0;

	if (ncpu < 0)
		return ncpu;
	/* A per-CPU lookup returns one 8-byte-aligned value per possible CPU. */
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (k = 0; k < SA_COUNTER_MAX && !err; k++) {
		err = sys_map_lookup_elem(fd, &k, vals);
		out[k] = 0;
		for (i = 0; !err && i < ncpu; i++)
			out[k] += vals[i];
	}
	free(vals);
	return err;
}

static uint64_t count_keys(int fd)
{
	struct sa_key key, next;
	uint64_t n = 0;
	int first = 1;

	while (n < 2 * SA_SOCKHASH_MAX &&
	       !sys_map_get_next_key(fd, first ? NULL : &key, &next)) {
		key = next;
		first = 0;
		n++;
	}
	return n;
}

/*
 * The largest key and value status reads each map with (count_keys,
 * read_counters, read_ports): the kernel writes key_size and value_size
 * bytes (per CPU for per-CPU maps) into buffers of these sizes.  A map of
 * another layout pinned under one of our names (another tool's, or another
 * sockaccel version's) would overflow them: it is not read, nor counted as
 * ours.
 */
static const uint8_t read_size[SA_NMAPS][2] = {	/* key, value; 0: not read */
	{ sizeof(struct sa_key), 0 }, { 0, 8 }, { 0, sizeof(struct sa_config) }, { 4, 0 },
};

int sa_status_read(struct sa_ctx *c, const char *pin_dir, struct sa_status *s)
{
	int fds[SA_NMAPS], ops = -1, msg = -1, cg, i, have = 0, r;

	memset(s, 0, sizeof(*s));
	s->msg_attached = -1;
	r = sa_pin_dir_exists(c, pin_dir);
	if (r <= 0)
		return r;
	for (i = 0; i < SA_NMAPS; i++) {
		struct bpf_map_info mi;
		uint32_t len = sizeof(mi);

		memset(&mi, 0, sizeof(mi));
		fds[i] = pin_get(pin_dir, sa_map_names[i]);
		if (fds[i] >= 0 && (sys_obj_get_info_by_fd(fds[i], &mi, &len) ||
				    (read_size[i][0] && mi.key_size > read_size[i][0]) ||
				    (read_size[i][1] && mi.value_size > read_size[i][1]))) {
			close(fds[i]);	/* not ours: another layout */
			fds[i] = -1;
		}
		have += fds[i] >= 0;
		s->map_ids[i] = fds[i] >= 0 ? mi.id : 0;
	}
	ops = pin_get(pin_dir, SA_PROG_SOCKOPS);
	msg = pin_get(pin_dir, SA_PROG_SKMSG);
	have += (ops >= 0) + (msg >= 0);
	s->ops_id = obj_id(ops);
	s->msg_id = obj_id(msg);
	if (read_record(pin_dir, s->cgroup, sizeof(s->cgroup)) == 0)
		have++;
	s->installed = have == SA_NPINS;
	s->partial = have > 0 && have < SA_NPINS;

	if (ops >= 0 && s->cgroup[0]) {
		cg = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg >= 0) {
			s->attached = is_attached(cg, BPF_CGROUP_SOCK_OPS, s->ops_id) == 1;
			close(cg);
		}
	}
	if (msg >= 0 && fds[0] >= 0) {
		/* BPF_PROG_QUERY on a sockmap: Linux 6.0; older kernels: unknown. */
		r = is_attached(fds[0], BPF_SK_MSG_VERDICT, s->msg_id);
		s->msg_attached = r < 0 ? -1 : r;
	}
	if (fds[0] >= 0)
		s->sockets = count_keys(fds[0]);
	if (fds[1] >= 0 && (r = read_counters(fds[1], s->counters)) < 0)
		sa_fail(c, r, "map '%s': per-CPU counters", SA_MAP_COUNTERS);
	if (fds[2] >= 0 && fds[3] >= 0)
		read_ports(fds[2], fds[3], &s->port_filter, s->ports, &s->nports);
	ev_sort(s->ports, s->nports, sizeof(s->ports[0]), cmp_u16);

	for (i = 0; i < SA_NMAPS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (ops >= 0)
		close(ops);
	if (msg >= 0)
		close(msg);
	return 0;
}

/* ---- remove ---- */

static void unlink_ours(const char *dir)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < SA_NPINS; i++)
		if (!sa_path(path, sizeof(path), dir, pin_name(i)))
			unlink(path);
}

/* Detach prog from the cgroup at path; not attached (ENOENT) is fine. */
static int detach_cgroup(struct sa_ctx *c, int prog, const char *path)
{
	int cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (cg < 0) {
		/* A removed cgroup took its attachments with it. */
		if (errno == ENOENT)
			return 0;
		return sa_fail(c, -errno, "cgroup '%s'", path);
	}
	err = sys_prog_detach(prog, cg, BPF_CGROUP_SOCK_OPS);
	close(cg);
	if (err && err != -ENOENT)
		return sa_fail(c, err, "program '%s': BPF_PROG_DETACH from cgroup '%s'",
			       SA_PROG_SOCKOPS, path);
	sa_info(c, "detached %s from %s%s", SA_PROG_SOCKOPS, path,
		err ? " (it was not attached)" : "");
	return 0;
}

/*
 * Undo an install, complete or not, in reverse order.  Sockets already in
 * the sockhash keep their programs until they close (each holds a reference
 * to the sk_msg program, which holds the map), so traffic in flight is
 * neither dropped nor reordered: new connections simply use the stack.
 */
static int remove_locked(struct sa_ctx *c, const char *dir, const char *cgroup)
{
	char rec[PATH_MAX];
	int ops = pin_get(dir, SA_PROG_SOCKOPS);
	int msg = pin_get(dir, SA_PROG_SKMSG);
	int hash = pin_get(dir, SA_MAP_SOCKHASH);
	int err = 0;

	if (ops >= 0 && read_record(dir, rec, sizeof(rec)) == 0)
		err = detach_cgroup(c, ops, rec);
	if (!err && ops >= 0 && cgroup && (read_record(dir, rec, sizeof(rec)) ||
					   strcmp(rec, cgroup)))
		err = detach_cgroup(c, ops, cgroup);
	if (!err && msg >= 0 && hash >= 0) {
		int r = sys_prog_detach(msg, hash, BPF_SK_MSG_VERDICT);

		if (r && r != -ENOENT && r != -EINVAL)
			err = sa_fail(c, r, "program '%s': BPF_PROG_DETACH from map '%s'",
				      SA_PROG_SKMSG, SA_MAP_SOCKHASH);
	}
	if (ops >= 0)
		close(ops);
	if (msg >= 0)
		close(msg);
	if (hash >= 0)
		close(hash);
	if (err)	/* keep the pins: the next remove can finish the job */
		return err;
	unlink_ours(dir);
	if (rmdir(dir) < 0 && errno != ENOENT)
		sa_info(c, "pin directory %s kept: %s", dir, strerror(errno));
	return 0;
}

static int has_any_of_ours(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	int i;

	for (i = 0; i < SA_NPINS; i++)
		if (!sa_path(path, sizeof(path), dir, pin_name(i)) && !lstat(path, &st))
			return 1;
	return 0;
}

int sa_remove(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res)
{
	int lock, r, err;

	*res = SA_NOTHING;
	r = sa_pin_dir_exists(c, o->pin_dir);
	if (r <= 0)
		return r;
	lock = sa_lock(c, o->pin_dir);
	if (lock < 0)
		return lock;
	r = sa_pin_dir_exists(c, o->pin_dir);
	if (r <= 0) {
		close(lock);
		return r;
	}
	if (!has_any_of_ours(o->pin_dir)) {
		rmdir(o->pin_dir);	/* an empty leftover; others' files stay */
		close(lock);
		return 0;
	}
	err = remove_locked(c, o->pin_dir, o->cgroup);
	close(lock);
	if (!err)
		*res = SA_DONE;
	return err;
}

/* ---- install ---- */

static int check_object(struct sa_ctx *c, const struct bo_object *obj)
{
	static const uint32_t types[2] = { BPF_PROG_TYPE_SOCK_OPS, BPF_PROG_TYPE_SK_MSG };
	int i, p;

	for (i = 0; i < SA_NMAPS; i++)
		if (bo_find_map(obj, sa_map_names[i]) < 0)
			return sa_failx(c, -EINVAL, "object %s: no map '%s' (not a sockaccel object?)",
					obj->name, sa_map_names[i]);
	for (i = 0; i < 2; i++) {
		p = bo_find_prog(obj, prog_names[i]);
		if (p < 0 || obj->progs[p].type != types[i])
			return sa_failx(c, -EINVAL,
					"object %s: no program '%s' of the right type (not a sockaccel object?)",
					obj->name, prog_names[i]);
	}
	return 0;
}

static int write_config(struct sa_ctx *c, const struct sa_loaded *l,
			const struct sa_accel_opts *o)
{
	struct sa_config cfg = { .port_filter = o->nports > 0 };
	uint32_t zero = 0, one = 1, port;
	size_t i;
	int err;

	for (i = 0; i < o->nports; i++) {
		port = o->ports[i];
		err = sys_map_update_elem(sa_map_fd(l, SA_MAP_PORTS), &port, &one, BPF_ANY);
		if (err)
			return sa_fail(c, err, "map '%s': port %u", SA_MAP_PORTS, port);
	}
	err = sys_map_update_elem(sa_map_fd(l, SA_MAP_CONFIG), &zero, &cfg, BPF_ANY);
	if (err)
		return sa_fail(c, err, "map '%s'", SA_MAP_CONFIG);
	return 0;
}

static int has_port(const uint16_t *ports, size_t n, uint16_t p)
{
	while (n--)
		if (ports[n] == p)
			return 1;
	return 0;
}

/* Installed already: the same cgroup and ports is "unchanged", else refuse. */
static int compare_installed(struct sa_ctx *c, const struct sa_status *st,
			     const char *cgroup, const struct sa_accel_opts *o)
{
	size_t i;
	int same = st->port_filter == (o->nports > 0);

	if (strcmp(st->cgroup, cgroup))
		return sa_failx(c, -EEXIST,
				"already installed on cgroup %s (pin directory %s); run 'sockaccel remove' first",
				st->cgroup, o->pin_dir);
	/* The same set of ports, whatever the order or repeats. */
	for (i = 0; same && i < o->nports; i++)
		same = has_port(st->ports, st->nports, o->ports[i]);
	for (i = 0; same && i < st->nports; i++)
		same = has_port(o->ports, o->nports, st->ports[i]);
	if (!same)
		return sa_failx(c, -EEXIST,
				"already installed with a different port filter; run 'sockaccel remove' first");
	return 0;
}

static int install_locked(struct sa_ctx *c, const struct sa_accel_opts *o,
			  const struct bo_object *obj, int cg, const char *cgroup)
{
	struct sa_loaded l;
	char path[PATH_MAX];
	int created = 0, pinned = 0, recorded = 0, msg_on = 0, err;
	int hash, ops, msg;

	err = sa_load_maps(c, obj, &l, NULL);
	if (!err)
		err = write_config(c, &l, o);
	if (!err)
		err = sa_load_progs(c, &l);
	if (err)
		goto out;
	hash = sa_map_fd(&l, SA_MAP_SOCKHASH);
	ops = sa_prog_fd(&l, SA_PROG_SOCKOPS);
	msg = sa_prog_fd(&l, SA_PROG_SKMSG);

	err = sa_pin_dir_prepare(c, o->pin_dir, &created);
	if (err)
		goto out;
	err = sa_pin_all(c, &l, o->pin_dir);
	if (err)
		goto undo;
	pinned = 1;
	err = sa_path(path, sizeof(path), o->pin_dir, SA_PIN_RECORD);
	if (!err && symlink(cgroup, path) < 0)
		err = -errno;
	if (err) {
		sa_fail(c, err, "record %s", path);
		goto undo;
	}
	recorded = 1;

	/* sk_msg on the map first: every socket the sockops program adds
	 * must find its verdict program already there. */
	err = sys_prog_attach(msg, hash, BPF_SK_MSG_VERDICT, 0);
	if (err) {
		sa_fail(c, err, "program '%s': BPF_PROG_ATTACH to map '%s'",
			SA_PROG_SKMSG, SA_MAP_SOCKHASH);
		goto undo;
	}
	msg_on = 1;
	/* ALLOW_MULTI: programs other tools attached to this cgroup stay. */
	err = sys_prog_attach(ops, cg, BPF_CGROUP_SOCK_OPS, BPF_F_ALLOW_MULTI);
	if (err) {
		sa_fail(c, err, "program '%s': BPF_PROG_ATTACH to cgroup '%s'",
			SA_PROG_SOCKOPS, cgroup);
		goto undo;
	}
	sa_info(c, "attached %s to %s and %s to map %s", SA_PROG_SOCKOPS, cgroup,
		SA_PROG_SKMSG, SA_MAP_SOCKHASH);
	goto out;

undo:
	if (msg_on)
		sys_prog_detach(msg, hash, BPF_SK_MSG_VERDICT);
	if (recorded)
		unlink(path);
	if (pinned)
		sa_unpin_all(&l, o->pin_dir);
	if (created)
		rmdir(o->pin_dir);
out:
	sa_loaded_close(&l);
	return err;
}

int sa_install(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res,
	       char *cgroup_out)
{
	struct bo_object obj;
	struct sa_status st;
	char cgroup[PATH_MAX];
	int cg = -1, lock = -1, err;

	*res = SA_DONE;
	err = bo_object_parse(&obj, o->reader, o->obj, o->obj_len, o->obj_name, NULL);
	if (err)
		return sa_failx(c, err, "elf: %s: %s", o->obj_name, obj.err);
	err = check_object(c, &obj);
	if (err)
		goto out;

	if (o->cgroup) {
		cg = sa_cgroup_open(c, o->cgroup, cgroup, sizeof(cgroup));
	} else {
		err = sa_cgroup_default(c, cgroup, sizeof(cgroup));
		if (!err)
			cg = sa_cgroup_open(c, cgroup, cgroup, sizeof(cgroup));
	}
	if (err || cg < 0) {
		err = err ? err : cg;
		goto out;
	}

	err = sa_bpffs_ensure(c, o->pin_dir);
	if (err)
		goto out;
	lock = sa_lock(c, o->pin_dir);
	if (lock < 0) {
		err = lock;
		goto out;
	}
	err = sa_status_read(c, o->pin_dir, &st);
	if (err)
		goto out;
	strcpy(cgroup_out, cgroup);
	if (st.installed && st.attached) {
		err = compare_installed(c, &st, cgroup, o);
		if (!err)
			*res = SA_UNCHANGED;
		goto out;
	}
	if (has_any_of_ours(o->pin_dir)) {
		/* An install that was interrupted: undo it, then start over. */
		sa_info(c, "cleaning up an incomplete install in %s", o->pin_dir);
		err = remove_locked(c, o->pin_dir, NULL);
		if (err)
			goto out;
		*res = SA_REPAIRED;
	}
	err = install_locked(c, o, &obj, cg, cgroup);
out:
	if (lock >= 0)
		close(lock);
	if (cg >= 0)
		close(cg);
	bo_object_free(&obj);
	return err;
}
