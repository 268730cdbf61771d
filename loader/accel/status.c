// SPDX-License-Identifier: GPL-2.0
/*
 * status.c: the installed state, read back from the pins and the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "load/load.h"
#include "sys/bpf.h"
#include "sys/fs.h"

/* Is program id attached to target (cgroup or map) for this attach type? */
static int is_attached(int target_fd, uint32_t type, uint32_t id)
{
	uint32_t ids[64];
	int n = sa_query(target_fd, type, ids, 64);

	while (n > 0)
		if (ids[--n] == id)
			return 1;
	return n;
}

/* Port filter as installed: config[0].port_filter and the keys of ports. */
static int read_ports(int cfg_fd, int ports_fd, struct sa_status *s)
{
	struct sa_config cfg;
	uint32_t zero = 0, key, next;
	int err;

	err = sys_map_lookup_elem(cfg_fd, &zero, &cfg);
	if (err)
		return err;
	s->port_filter = cfg.port_filter != 0;
	s->unread_max_kib = cfg.unread_max_kib;
	while (s->nports < SA_PORTS_MAX &&
	       !sys_map_get_next_key(ports_fd, s->nports ? &key : NULL, &next))
		s->ports[s->nports++] = (uint16_t)(key = next);
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return *(const uint16_t *)a - *(const uint16_t *)b;
}

static int read_counters(int fd, uint64_t *out)
{
	int ncpu = sa_possible_cpus(-ENOENT);
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

/* Count the keys of sock_hash; with keep, also store them (at most max). */
static void read_sockets(int fd, struct sa_status *s, int keep)
{
	struct sa_key key, next;
	uint64_t n = 0, max = s->sockhash_max;

	if (keep && max)
		s->conns = malloc(max * sizeof(*s->conns));
	while (n < max && !sys_map_get_next_key(fd, n ? &key : NULL, &next)) {
		key = next;
		if (s->conns)
			s->conns[s->nconns++] = key;
		n++;
	}
	s->sockets = n;
}

/* Open one pinned item; maps and programs of another layout or type are not ours. */
static int open_item(const char *dir, int i, struct sa_status *s)
{
	const struct sa_item *it = &sa_items[i];
	union {
		struct bpf_map_info m;
		struct bpf_prog_info p;
	} info;
	uint32_t len = sizeof(info);
	int fd = sa_pin_get(dir, it->name);

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	/* type is the first field of the map, program and link infos */
	if (sys_obj_get_info_by_fd(fd, &info, &len) || info.m.type != it->type ||
	    (it->kind == SA_K_MAP && ((it->key_max && info.m.key_size > it->key_max) ||
				      (it->value_max && info.m.value_size > it->value_max)))) {
		close(fd);
		return -EINVAL;
	}
	/* id is the second field of all three */
	s->ids[i] = info.m.id;
	if (it->kind == SA_K_PROG)
		memcpy(s->tags[i], info.p.tag, 8);
	if (i == SA_SOCKHASH)
		s->sockhash_max = info.m.max_entries;
	return fd;
}

/* The cgroup's other sock_ops programs, and an instance above or below it. */
static void read_cgroup(struct sa_ctx *c, int cg, struct sa_status *s)
{
	struct sa_instance in;
	uint32_t ids[64];
	int n = sa_query(cg, BPF_CGROUP_SOCK_OPS, ids, 64), i;

	for (i = 0; i < n && s->nothers < 16; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd;

		if (ids[i] == s->ids[SA_OPS])
			continue;
		memset(&info, 0, sizeof(info));
		fd = sys_prog_get_fd_by_id(ids[i]);
		if (fd >= 0 && !sys_obj_get_info_by_fd(fd, &info, &len))
			memcpy(s->other_names[s->nothers], info.name, 16);
		if (fd >= 0)
			close(fd);
		s->others[s->nothers++] = ids[i];
	}
	if (sa_find_overlap(c, s->cgroup, s->ids[SA_OPS], &in) == 1) {
		s->overlap_id = in.ops_id;
		strcpy(s->overlap_cgroup, in.cgroup);
		sa_warn(c, "another sockaccel (program id %u, pins in %s) is attached to cgroup %s, "
			"which overlaps %s: remove one",
			in.ops_id, in.pin_dir[0] ? in.pin_dir : "(none found)", in.cgroup, s->cgroup);
	}
}

int sa_status_read(struct sa_ctx *c, const char *pin_dir, struct sa_status *s,
		   int what)
{
	int fds[SA_NITEMS], cg, i, r;

	memset(s, 0, sizeof(*s));
	s->msg_attached = -1;
	s->state = SA_NOT_INSTALLED;
	r = sa_pin_dir_exists(c, pin_dir);
	if (r <= 0)
		return r;
	for (i = 0; i < SA_NITEMS; i++) {
		fds[i] = -1;
		if (sa_items[i].kind != SA_K_RECORD)
			fds[i] = open_item(pin_dir, i, s);
		else if (!sa_read_record(pin_dir, sa_items[i].name,
					 i == SA_REC_CGROUP ? s->cgroup : s->version,
					 i == SA_REC_CGROUP ? sizeof(s->cgroup) : sizeof(s->version)))
			s->present |= 1u << i;
		if (fds[i] >= 0)
			s->present |= 1u << i;
	}
	if (!s->present)
		return 0;
	if (fds[SA_CONFIG] >= 0 && fds[SA_PORTS] >= 0)
		read_ports(fds[SA_CONFIG], fds[SA_PORTS], s);
	if ((s->present & SA_REQUIRED) != SA_REQUIRED) {
		s->state = SA_PARTIAL;
	} else {
		cg = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg >= 0) {
			for (i = 0, s->attached = 1; i < SA_NCG; i++) {
				r = sa_cg_items[i];
				s->attached &= is_attached(cg, sa_items[r].attach, s->ids[r]) == 1;
			}
			if (what & SA_READ_CGROUP)
				read_cgroup(c, cg, s);
			close(cg);
		}
		/* BPF_PROG_QUERY on a sockmap: Linux 6.0; older kernels: unknown. */
		r = is_attached(fds[SA_SOCKHASH], BPF_SK_MSG_VERDICT, s->ids[SA_MSG]);
		s->msg_attached = r < 0 ? -1 : r;
		/* The install had a read link exactly when config's bound is
		 * not 0: install writes the bound only once the link is pinned
		 * (install.c read_link()).  A pinned sockaccel_read says less:
		 * it is pinned also where the tracepoint is missing (before
		 * Linux 6.3), with bound 0.  Without the link no read is
		 * counted, and a writer moved to the stack for backpressure
		 * never comes back: partial, install repairs it. */
		s->state = cg < 0 ? SA_CGROUP_GONE : !s->attached || !s->msg_attached ?
			   SA_DETACHED : s->unread_max_kib && !s->ids[SA_READ_LINK] ?
			   SA_PARTIAL : SA_INSTALLED;
	}
	if (fds[SA_SOCKHASH] >= 0 && !(what & SA_READ_BRIEF))
		read_sockets(fds[SA_SOCKHASH], s, what & SA_READ_SOCKETS);
	if (fds[SA_COUNTERS] >= 0 && !(what & SA_READ_BRIEF) &&
	    (r = read_counters(fds[SA_COUNTERS], s->counters)) < 0)
		sa_warn(c, "map '%s': per-CPU counters not read: %s", SA_MAP_COUNTERS, strerror(-r));
	ev_sort(s->ports, s->nports, sizeof(s->ports[0]), cmp_u16);

	for (i = 0; i < SA_NITEMS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return 0;
}

void sa_status_free(struct sa_status *s)
{
	free(s->conns);
	s->conns = NULL;
}
