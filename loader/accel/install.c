// SPDX-License-Identifier: GPL-2.0
/*
 * install.c: install, and install --replace (see accel.h for what an
 * install leaves and in which order).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "accel/internal.h"
#include "load/load.h"
#include "sys/bpf.h"
#include "sys/fs.h"
#include "sys/names.h"
#include "sys/readfile.h"

/* The object's identity in the version record: FNV-1a over what shapes
 * the programs and maps (names, types, instructions, map definitions). */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static void version_text(const struct bo_object *o, char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < o->nprogs; i++) {
		h = fnv(h, o->progs[i].name, strlen(o->progs[i].name) + 1);
		h = fnv(h, &o->progs[i].type, sizeof(o->progs[i].type));
		h = fnv(h, o->progs[i].insns, o->progs[i].insn_cnt * sizeof(struct bpf_insn));
	}
	for (i = 0; i < o->nmaps; i++) {
		h = fnv(h, o->maps[i].name, strlen(o->maps[i].name) + 1);
		h = fnv(h, &o->maps[i].type, 5 * sizeof(uint32_t));	/* type ... flags */
	}
	snprintf(buf, len, "%s %016llx", SOCKACCEL_VERSION, (unsigned long long)h);
}

static int write_record(struct sa_ctx *c, const char *dir, int item, const char *text)
{
	char path[PATH_MAX];
	int err = sa_path(path, sizeof(path), dir, sa_items[item].name);

	if (!err && symlink(text, path) < 0)
		err = -errno;
	return err ? sa_fail(c, err, "record %s", path) : 0;
}

static int check_object(struct sa_ctx *c, const struct bo_object *obj)
{
	int i, k;

	for (i = 0; i < SA_NITEMS; i++) {
		const struct sa_item *it = &sa_items[i];

		if (it->kind == SA_K_MAP)
			k = bo_find_map(obj, it->name);
		else if (it->kind == SA_K_PROG)
			k = bo_find_prog(obj, it->name);
		else
			continue;
		if (k < 0 && i >= SA_UNREAD)	/* built without backpressure */
			continue;
		if (k < 0 || (it->kind == SA_K_MAP ? obj->maps[k].type : obj->progs[k].type) != it->type)
			return sa_failx(c, -EINVAL,
					"object %s: no %s '%s' of the right type (not a sockaccel object?)",
					obj->name, it->kind == SA_K_MAP ? "map" : "program", it->name);
	}
	return 0;
}

static int has_port(const uint16_t *ports, size_t n, uint16_t p)
{
	while (n--)
		if (ports[n] == p)
			return 1;
	return 0;
}

/* Ports into the config and ports maps; ports not asked for leave (replace).
 * kib: the backpressure bound (bpf/sockaccel.bpf.c "Backpressure"). */
static int write_config(struct sa_ctx *c, const struct sa_loaded *l,
			const struct sa_accel_opts *o, uint32_t kib)
{
	struct sa_config cfg = { o->nports > 0, kib };
	int pfd = sa_map_fd(l, SA_MAP_PORTS), err;
	uint32_t zero = 0, one = 1, port, old[SA_PORTS_MAX];
	size_t i, n = 0;

	while (n < SA_PORTS_MAX && !sys_map_get_next_key(pfd, n ? &old[n - 1] : NULL, &old[n]))
		n++;
	for (i = 0; i < n; i++)
		if (!has_port(o->ports, o->nports, (uint16_t)old[i]))
			sys_map_delete_elem(pfd, &old[i]);
	for (i = 0; i < o->nports; i++) {
		port = o->ports[i];
		err = sys_map_update_elem(pfd, &port, &one, BPF_ANY);
		if (err)
			return sa_fail(c, err, "map '%s': port %u", SA_MAP_PORTS, port);
	}
	err = sys_map_update_elem(sa_map_fd(l, SA_MAP_CONFIG), &zero, &cfg, BPF_ANY);
	if (err)
		return sa_fail(c, err, "map '%s'", SA_MAP_CONFIG);
	return 0;
}

void sa_tag_hex(const uint8_t *tag, char *out)
{
	int i;

	for (i = 0; i < 16; i++)
		out[i] = "0123456789abcdef"[tag[i / 2] >> (i & 1 ? 0 : 4) & 15];
	out[16] = '\0';
}

static void port_list(char *buf, size_t len, const uint16_t *p, size_t n)
{
	size_t i, at = 0;

	snprintf(buf, len, "all");
	for (i = 0; i < n && at + 7 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%u", i ? "," : "", p[i]);
}

/* What differs between the install st and this one: 0 nothing, 1 with
 * --replace, else refuse naming it. */
static int differs(struct sa_ctx *c, const struct sa_status *st,
		   const struct sa_accel_opts *o, const char *ours)
{
	char tags[2][17], was[192], now[192];
	const char *v = strchr(st->version, ' ');
	size_t i;
	int same_ports = st->port_filter == (o->nports > 0), same_obj;

	for (i = 0; same_ports && i < o->nports; i++)
		same_ports = has_port(st->ports, st->nports, o->ports[i]);
	for (i = 0; same_ports && i < st->nports; i++)
		same_ports = has_port(o->ports, o->nports, st->ports[i]);
	same_obj = v && !strcmp(v, strchr(ours, ' '));
	if (same_ports && same_obj)
		return 0;
	if (o->replace)
		return 1;
	if (!same_obj) {
		sa_tag_hex(st->tags[SA_OPS], tags[0]);
		sa_tag_hex(st->tags[SA_MSG], tags[1]);
		snprintf(was, sizeof(was), "programs (tags %s %s) of sockaccel %s", tags[0], tags[1],
			 st->version[0] ? st->version : "(no version record)");
		snprintf(now, sizeof(now), "object %.60s is %s", o->obj->name, ours);
	} else {
		memcpy(was, "ports ", 6);
		port_list(was + 6, sizeof(was) - 6, st->ports, st->port_filter ? st->nports : 0);
		memcpy(now, "this asks for ", 14);
		port_list(now + 14, sizeof(now) - 14, o->ports, o->nports);
	}
	return sa_failx(c, -EEXIST,
			"already installed on cgroup %s (pins in %s) with other %s; %s: "
			"'sockaccel install --replace' swaps without a gap (or 'sockaccel remove' first)",
			st->cgroup, o->pin_dir, was, now);
}

/* Are the pinned maps what obj defines?  Else the first difference into why. */
static int maps_compatible(const struct bo_object *obj, const char *dir, char *why, size_t len)
{
	int i, k, f;

	for (i = 0; i < SA_NITEMS; i++) {
		static struct bpf_map_info mi;	/* scratch: loader/cli/cli.h */
		uint32_t mlen = sizeof(mi), have;
		const struct bo_map *m;
		const char *name = BPF_MAP_FIELD_NAMES;
		int fd;

		k = bo_find_map(obj, sa_items[i].name);
		if (sa_items[i].kind != SA_K_MAP || k < 0)
			continue;
		m = &obj->maps[k];
		memset(&mi, 0, sizeof(mi));
		fd = sa_pin_get(dir, sa_items[i].name);
		if (fd < 0 || sys_obj_get_info_by_fd(fd, &mi, &mlen)) {
			snprintf(why, len, "map '%s' could not be read", m->name);
			if (fd >= 0)
				close(fd);
			return 0;
		}
		close(fd);
		/* bpf_map_info: type, id, then key_size ... map_flags in a row */
		for (f = 0; f < 5; f++, name += strlen(name) + 1) {
			k = (&m->type)[f];
			have = f ? (&mi.key_size)[f - 1] : mi.type;
			if (have != (uint32_t)k) {
				snprintf(why, len, "map '%s' has %s %u, the new object wants %u",
					 m->name, name, have, (uint32_t)k);
				return 0;
			}
		}
	}
	return 1;
}

/*
 * sockaccel_read on the tracepoint sock:sock_recv_length (Linux 6.3), its
 * link pinned in dir; old: the pin directory of the install it replaces,
 * whose link goes first (two programs counting each read would send a
 * writer back early; a read neither counts keeps it on the stack).
 * Returns the bound on a reader's unread bytes, in KiB: half the largest
 * send buffer TCP gives a writer (net.ipv4.tcp_wmem's max, this network
 * namespace), which a stalled reader's writer then queues again through
 * the stack: 2 MiB on Linux's defaults.  0 without the tracepoint: then
 * the sk_msg program moves no stream for backpressure.
 */
static uint32_t read_link(struct sa_ctx *c, const struct sa_loaded *l, const char *dir,
			  const char *old)
{
	const char *name = sa_items[SA_READ_LINK].name;
	char path[PATH_MAX];
	long wmem;
	int fd, err;

	if (old && !sa_path(path, sizeof(path), old, name))
		unlink(path);
	fd = sa_prog_fd(l, SA_PROG_READ);
	if (fd < 0)	/* an object built without backpressure */
		return 0;
	fd = sys_raw_tp_open(fd, "sock_recv_length");
	err = fd < 0 ? fd : sa_path(path, sizeof(path), dir, name);
	if (!err)
		err = sys_obj_pin(fd, path);
	if (fd >= 0)
		close(fd);
	if (err) {
		sa_warn(c, "tracepoint sock:sock_recv_length (Linux 6.3): %s: no backpressure",
			strerror(-err));
		return 0;
	}
	wmem = sa_last_number("/proc/sys/net/ipv4/tcp_wmem");
	return wmem > 2048 ? (uint32_t)(wmem >> 11) : 2048;
}

/*
 * Load the object and attach it: a fresh install (st NULL), or a replace
 * of the attached install st without a gap.  A fresh install pins into the
 * pin directory, records the version and the cgroup, then attaches.
 * A replace pins into <pin dir>/replacing, then: the new sk_msg program
 * replaces the old one on sock_hash (sockets already in it keep the
 * program they were added with, a socket holds its own reference; new ones
 * get the new one); the setsockopt, then the sockops program are swapped
 * in place on the cgroup with BPF_F_REPLACE (Linux 5.6), so every
 * connection established (and option set) after runs the new one and none
 * finds no program; then the pins are renamed
 * over the old ones.  Maps are kept when they are alike.
 */
static int put_in(struct sa_ctx *c, const struct sa_accel_opts *o, int cg,
		  const char *cgroup, const char *version, const struct sa_status *st)
{
	struct sa_accel_opts before = *o;
	static struct bo_object copy;	/* scratch: loader/cli/cli.h */
	struct bo_map *maps = NULL;
	struct sa_loaded l;
	static char dir[PATH_MAX], why[160], from[PATH_MAX], to[PATH_MAX];	/* scratch: loader/cli/cli.h */
	int keep = 0, old_cg[SA_NCG] = { -1, -1 }, old_msg = -1, created = 0, pinned = 0;
	int msg_on = 0, ncg = 0, hash = -1, msg, i, err;
	uint32_t kib = 0;

	copy = *o->obj;
	if (st)
		keep = maps_compatible(o->obj, o->pin_dir, why, sizeof(why));
	if (keep) {	/* reuse every pinned map: sa_load_maps checks each again */
		maps = malloc(copy.nmaps * sizeof(*maps));
		if (!maps)
			return sa_oom(c);
		memcpy(maps, copy.maps, copy.nmaps * sizeof(*maps));
		for (i = 0; i < (int)copy.nmaps; i++)
			maps[i].pinning = BO_PIN_BY_NAME;
		copy.maps = maps;
	}
	for (i = 0; st && i < SA_NCG; i++)
		old_cg[i] = sa_pin_get(o->pin_dir, sa_items[sa_cg_items[i]].name);
	if (st)
		old_msg = sa_pin_get(o->pin_dir, SA_PROG_SKMSG);
	err = sa_load_maps(c, &copy, &l, keep ? o->pin_dir : NULL);
	if (!err)
		err = sa_load_progs(c, &l);
	if (!err)
		err = st ? sa_staging_dir(dir, sizeof(dir), o->pin_dir) :
			   snprintf(dir, sizeof(dir), "%s", o->pin_dir) < (int)sizeof(dir) ? 0 :
			   -ENAMETOOLONG;
	if (err)
		goto out;
	err = sa_pin_dir_prepare(c, dir, &created);
	if (!err)
		err = sa_pin_all(c, &l, dir);
	pinned = !err;
	if (!err)
		err = write_record(c, dir, SA_REC_VERSION, version);
	if (!err && !st)
		err = write_record(c, dir, SA_REC_CGROUP, cgroup);
	if (!err)
		kib = read_link(c, &l, dir, st ? o->pin_dir : NULL);
	if (!err)	/* kept maps: the old programs see the new ports from here */
		err = write_config(c, &l, o, kib);
	if (err)
		goto undo;
	hash = sa_map_fd(&l, SA_MAP_SOCKHASH);
	msg = sa_prog_fd(&l, SA_PROG_SKMSG);

	/* sk_msg on the map first: every socket the sockops program adds
	 * must find its verdict program already there. */
	err = sys_prog_attach(msg, hash, BPF_SK_MSG_VERDICT, 0);
	if (err) {
		sa_fail(c, err, "program '%s': BPF_PROG_ATTACH to map '%s'", SA_PROG_SKMSG,
			SA_MAP_SOCKHASH);
		goto undo;
	}
	msg_on = 1;
	/* ALLOW_MULTI: programs other tools attached to this cgroup stay.
	 * BPF_F_REPLACE came in Linux 5.6; install's pre-check demands 5.15
	 * (bpf_get_netns_cookie() in sock_ops), so every kernel that gets
	 * this far has it.  A replace swaps each old program in place. */
	for (; ncg < SA_NCG; ncg++) {
		const struct sa_item *it = &sa_items[sa_cg_items[ncg]];
		int old = old_cg[ncg];

		err = sys_prog_attach_replace(sa_prog_fd(&l, it->name), cg, it->attach,
					      BPF_F_ALLOW_MULTI | (old >= 0 ? BPF_F_REPLACE : 0),
					      old >= 0 ? old : 0);
		if (err) {
			sa_fail(c, err, "program '%s': BPF_PROG_ATTACH to cgroup '%s'", it->name,
				cgroup);
			goto undo;
		}
	}
	sa_info(c, "attached %s and %s to %s, %s to map %s", SA_PROG_SOCKOPT, SA_PROG_SOCKOPS,
		cgroup, SA_PROG_SKMSG, SA_MAP_SOCKHASH);
	if (!st)
		goto out;
	/* The new pins into place: rename() over the old ones (bpffs:
	 * simple_rename).  Backpressure items the new object lacks go. */
	for (i = 0; i < SA_NITEMS; i++) {
		if (sa_path(from, sizeof(from), dir, sa_items[i].name) ||
		    sa_path(to, sizeof(to), o->pin_dir, sa_items[i].name) || !rename(from, to))
			continue;
		if (errno != ENOENT)
			sa_warn(c, "pin %s not renamed to %s: %s", from, to, strerror(errno));
		else if (i >= SA_UNREAD && (sa_items[i].kind != SA_K_MAP ||
					    bo_find_map(o->obj, sa_items[i].name) < 0))
			unlink(to);	/* (a kept map is not in dir) */
	}
	rmdir(dir);
	if (!keep)
		sa_warn(c, "maps not kept (%s): new ones made; older connections keep the old "
			"ones until closed; counters restart at zero", why);
	goto out;

undo:
	while (ncg-- > 0) {	/* the cgroup's programs as they were */
		const struct sa_item *it = &sa_items[sa_cg_items[ncg]];
		int fd = sa_prog_fd(&l, it->name);

		if (old_cg[ncg] >= 0)
			sys_prog_attach_replace(old_cg[ncg], cg, it->attach,
						BPF_F_ALLOW_MULTI | BPF_F_REPLACE, fd);
		else
			sys_prog_detach(fd, cg, it->attach);
	}
	if (keep && hash >= 0) {	/* the old programs, as they were */
		before.ports = st->ports;
		before.nports = st->port_filter ? st->nports : 0;
		write_config(c, &l, &before, 0);	/* their read link is gone */
		if (old_msg >= 0)
			sys_prog_attach(old_msg, hash, BPF_SK_MSG_VERDICT, 0);
	} else if (msg_on) {
		sys_prog_detach(msg, hash, BPF_SK_MSG_VERDICT);
	}
	for (i = SA_REC_CGROUP; i < SA_NITEMS; i++)
		if (!sa_path(from, sizeof(from), dir, sa_items[i].name))
			unlink(from);
	if (pinned)
		sa_unpin_all(&l, dir);
	if (created)
		rmdir(dir);
out:
	for (i = 0; i < SA_NCG; i++)
		if (old_cg[i] >= 0)
			close(old_cg[i]);
	if (old_msg >= 0)
		close(old_msg);
	sa_loaded_close(&l);
	free(maps);
	return err;
}

/* One accelerator per cgroup subtree: refuse another one above, at or below. */
static int check_overlap(struct sa_ctx *c, const char *cgroup, uint32_t self)
{
	struct sa_instance in;
	size_t n;

	if (sa_find_overlap(c, cgroup, self, &in) != 1)
		return 0;
	n = strlen(in.cgroup);
	return sa_failx(c, -EEXIST,
			"sockaccel is already attached to %s %s (program id %u, pins in %s): one "
			"accelerator per cgroup subtree; remove that one first, or install elsewhere",
			!strcmp(in.cgroup, cgroup) ? "this cgroup," :
			!strncmp(in.cgroup, cgroup, n) && cgroup[n] == '/' ? "its ancestor" :
			"its descendant", in.cgroup, in.ops_id,
			in.pin_dir[0] ? in.pin_dir : "(none found)");
}

int sa_install(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res,
	       char *cgroup_out)
{
	static struct sa_status st;	/* scratch: loader/cli/cli.h */
	static char cgroup[PATH_MAX], staging[PATH_MAX], version[96];
	int cg = -1, lock = -1, staged, err;

	*res = SA_DONE;
	err = check_object(c, o->obj);
	if (err)
		return err;
	version_text(o->obj, version, sizeof(version));
	err = o->cgroup ? 0 : sa_cgroup_default(c, cgroup, sizeof(cgroup));
	if (!err)
		cg = sa_cgroup_open(c, o->cgroup ? o->cgroup : cgroup, cgroup, sizeof(cgroup));
	if (err || cg < 0)
		return err ? err : cg;

	err = sa_bpffs_ensure(c, o->pin_dir);
	if (err)
		goto out;
	lock = sa_lock(c, o->pin_dir);
	err = lock < 0 ? lock : sa_staging_dir(staging, sizeof(staging), o->pin_dir);
	if (!err)
		err = sa_status_read(c, o->pin_dir, &st, SA_READ_BRIEF);
	if (err)
		goto out;
	strcpy(cgroup_out, cgroup);
	staged = sa_has_any_item(staging);
	if (st.state == SA_INSTALLED && !staged) {
		if (strcmp(st.cgroup, cgroup)) {
			err = sa_failx(c, -EEXIST,
				       "already installed on cgroup %s (pins in %s); 'sockaccel remove' first, or another --pin-dir",
				       st.cgroup, o->pin_dir);
			goto out;
		}
		err = differs(c, &st, o, version);
		if (err <= 0) {
			*res = SA_UNCHANGED;
			goto out;
		}
		err = check_overlap(c, cgroup, st.ids[SA_OPS]);
		if (!err)
			err = put_in(c, o, cg, cgroup, version, &st);
		*res = SA_REPLACED;
		goto out;
	}
	if (st.state != SA_NOT_INSTALLED || staged) {
		/* An install (or replace) that was interrupted: undo it first,
		 * its staged programs included, then start over. */
		sa_info(c, "cleaning up an incomplete install in %s", o->pin_dir);
		err = sa_remove_locked(c, o->pin_dir, NULL);
		if (err)
			goto out;
		*res = SA_REPAIRED;
	}
	err = check_overlap(c, cgroup, 0);
	if (err)
		goto out;
	err = put_in(c, o, cg, cgroup, version, NULL);
out:
	if (lock >= 0)
		close(lock);
	close(cg);
	return err;
}
