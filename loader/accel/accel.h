/* SPDX-License-Identifier: GPL-2.0 */
/*
 * accel.h: install, replace, remove and status of socket acceleration.
 *
 * What an install leaves is one table, sa_items[] (items.c): seven maps and
 * three programs pinned under the pin directory, and two records (symlinks:
 * bpffs holds no regular files): "cgroup" -> where sockops is attached,
 * "version" -> the sockaccel version and object that installed it.  Three
 * attachments: sockaccel_msg on sock_hash (BPF_SK_MSG_VERDICT), and on the
 * cgroup (BPF_F_ALLOW_MULTI) sockaccel_opt (BPF_CGROUP_SETSOCKOPT) and
 * sockaccel_ops (BPF_CGROUP_SOCK_OPS).  An install made before
 * sockaccel_opt existed has neither it nor to_stack: status calls it
 * partial, and the next install repairs it.
 * The backpressure build adds two maps, a program and, on Linux 6.3 and
 * later, the pinned link of that program on the tracepoint
 * sock:sock_recv_length ("read_link"; removing the pin detaches it).
 * Creation, pinning, status, repair and removal all walk that table.
 *
 * Order, and why it makes every interrupted install repairable: pins first,
 * then the records, then the attachments; so whatever is attached is
 * reachable from a pin, and remove (or the next install) can undo it.
 * A replace pins the new programs in <pin dir>/replacing first (reachable),
 * swaps the attachments, then renames the pins into place.
 */
#ifndef SOCKACCEL_ACCEL_H
#define SOCKACCEL_ACCEL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/sockaccel.h"
#include "sys/ctx.h"
#include "object.h"

/* ---- the install's maps, programs and records: one table ---- */
enum sa_item_id {
	SA_SOCKHASH, SA_COUNTERS, SA_CONFIG, SA_PORTS, SA_SKSTATE, SA_STREAK, SA_TOSTACK,
	SA_OPS, SA_MSG, SA_OPT,
	SA_REC_CGROUP, SA_REC_VERSION,
	/* Last, what only an object built with backpressure has (bpf/sockaccel.h
	 * SA_BACKPRESSURE); its read link, only on Linux 6.3 and later (the
	 * tracepoint sock:sock_recv_length). */
	SA_UNREAD, SA_READERS, SA_READ, SA_READ_LINK,
	SA_NITEMS
};
#define SA_REQUIRED ((1u << SA_UNREAD) - 1)	/* bits of the items every install has */
enum sa_item_kind { SA_K_MAP, SA_K_PROG, SA_K_RECORD, SA_K_LINK };

struct sa_item {
	const char *name;	/* pin name, and the kernel object's name */
	uint8_t kind;		/* enum sa_item_kind */
	uint8_t type;		/* BPF_MAP_TYPE_*, BPF_PROG_TYPE_* or BPF_LINK_TYPE_* */
	/*
	 * The largest key and value status reads the map with: the kernel
	 * writes key_size and value_size bytes (per CPU for per-CPU maps) into
	 * buffers of these sizes.  A map of another layout pinned under one of
	 * our names (another tool's, or another sockaccel version's) would
	 * overflow them: it is not read, nor counted as ours.  0: not read.
	 */
	uint8_t key_max, value_max;
	uint8_t attach;		/* programs: BPF_* attach type */
};
extern const struct sa_item sa_items[SA_NITEMS];
/* The programs attached to the cgroup, in the order install attaches them
 * (remove detaches backwards): sockaccel_opt must see options before
 * sockaccel_ops adds sockets. */
#define SA_NCG 2
extern const uint8_t sa_cg_items[SA_NCG];
/* The record every install leaves (unload refuses a directory holding one). */
#define SA_PIN_RECORD (sa_items[SA_REC_CGROUP].name)
extern const char *const sa_counter_names[SA_COUNTER_MAX];

/* ---- status ---- */
/*
 * What status finds; also its exit status: 0 only for SA_INSTALLED, else
 * SA_EXIT_STATE + state (3 not installed, 4 partial, 5 detached, 6 cgroup
 * gone).  Names: sa_state_names[] (JSON "state", man page).
 */
enum sa_state {
	SA_INSTALLED,		/* every pin there, every program attached */
	SA_NOT_INSTALLED,	/* no pin of ours */
	SA_PARTIAL,		/* some pins: an interrupted install or remove */
	SA_DETACHED,		/* every pin, but a program is not attached */
	SA_CGROUP_GONE,		/* the recorded cgroup was deleted */
	SA_NSTATES
};
#define SA_EXIT_STATE 2
extern const char *const sa_state_names[SA_NSTATES];

/* The scalars first, the arrays after, the path buffers last: a field
 * within 128 bytes of the start takes a 1-byte displacement. */
struct sa_status {
	enum sa_state state;
	unsigned int present;	/* bit i: sa_items[i] is there (and ours) */
	int attached;		/* sockops and setsockopt attached to that cgroup */
	int msg_attached;	/* sk_msg attached to sock_hash; -1 unknown */
	uint32_t sockhash_max;	/* max_entries of sock_hash */
	int port_filter;
	uint64_t sockets;	/* entries in sock_hash now */
	uint32_t unread_max_kib;	/* config's backpressure bound; 0: none */
	uint32_t overlap_id;
	size_t nports;
	/* SA_READ_SOCKETS: the keys of sock_hash (at most sockhash_max). */
	struct sa_key *conns;
	size_t nconns;
	/* SA_READ_CGROUP: the other programs attached to the cgroup (sock_ops),
	 * and a sockaccel instance attached above or below it (0: none). */
	size_t nothers;
	uint32_t ids[SA_NITEMS];	/* kernel ids of maps and programs; 0: absent */
	uint64_t counters[SA_COUNTER_MAX];
	uint16_t ports[SA_PORTS_MAX];
	uint8_t tags[SA_NITEMS][8];	/* programs: the kernel's tag (bpftool's) */
	uint32_t others[16];
	char other_names[16][16];	/* BPF_OBJ_NAME_LEN */
	char version[96];	/* from the record: "VERSION OBJECT_HASH", "" if none */
	char cgroup[PATH_MAX];	/* from the record, "" if none */
	char overlap_cgroup[PATH_MAX];
};
#define SA_READ_SOCKETS	1
#define SA_READ_CGROUP	2
#define SA_READ_BRIEF	4	/* state, ids and ports only: no sockets, no counters */

/* Reads what is there; problems of the install are its state, problems
 * reading it are warnings (sa_warn).  Fails only when the pin directory
 * cannot be looked at.  sa_status_free() releases conns. */
int sa_status_read(struct sa_ctx *c, const char *pin_dir, struct sa_status *s,
		   int what);
void sa_status_free(struct sa_status *s);

/* ---- install, replace, remove ---- */
struct sa_accel_opts {
	const char *cgroup;		/* NULL: the cgroup v2 mount point */
	const char *pin_dir;
	const uint16_t *ports;		/* port filter; nports == 0: all ports */
	size_t nports;
	const struct bo_object *obj;	/* parsed sockaccel.bpf.o */
	int replace;			/* --replace */
};

enum sa_result {
	SA_DONE,
	SA_UNCHANGED,	/* install: already installed like this */
	SA_NOTHING,	/* remove: nothing was installed */
	SA_REPAIRED,	/* install: an interrupted install was cleaned up first */
	SA_REPLACED,	/* install --replace: programs swapped */
};

/* cgroup_out (PATH_MAX bytes) receives the cgroup installed on, or already installed on. */
int sa_install(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res,
	       char *cgroup_out);
int sa_remove(struct sa_ctx *c, const struct sa_accel_opts *o, enum sa_result *res);

/* ---- other instances (instances.c) ---- */
/* A sockaccel_ops program attached to a cgroup: where, and its pins. */
struct sa_instance {
	uint32_t ops_id;
	char cgroup[PATH_MAX];
	char pin_dir[PATH_MAX];		/* "" if no pin directory holds it */
};
/*
 * A sockaccel instance other than prog id `self` attached to cgroup, one of
 * its ancestors or one of its descendants (BPF_PROG_QUERY on each, programs
 * known by name and type): 1 and *out filled, 0 none, or -errno.
 */
int sa_find_overlap(struct sa_ctx *c, const char *cgroup, uint32_t self,
		    struct sa_instance *out);
/* Every instance on the host: attachments below the cgroup v2 root, and
 * pin directories (under /sys/fs/bpf) whose programs are attached nowhere
 * (cgroup ""). fn is called for each; a non-zero return stops. */
int sa_instances_all(struct sa_ctx *c,
		     int (*fn)(const struct sa_instance *in, void *arg), void *arg);

/* ---- shared by the files of this folder ---- */
int sa_pin_get(const char *dir, const char *name);
int sa_read_record(const char *dir, const char *name, char *buf, size_t len);
/* Is the program sa_items[SA_OPS] describes; its id into *id. */
int sa_is_our_ops(int prog_fd, uint32_t *id);
/* The programs of type attach type on target (cgroup or map): count, or -errno. */
int sa_query(int target_fd, uint32_t type, uint32_t *ids, uint32_t max);
/* A program tag as 16 hex digits and a NUL into out. */
void sa_tag_hex(const uint8_t *tag, char *out);

#endif
