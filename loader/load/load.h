/* SPDX-License-Identifier: GPL-2.0 */
/*
 * load.h: put a parsed BPF object into the kernel: maps (created, or reused
 * from a compatible pin), relocation, programs (with the verifier log on
 * failure), and pinning.  Nothing here attaches.
 */
#ifndef SOCKACCEL_LOAD_H
#define SOCKACCEL_LOAD_H

#include "sys/ctx.h"
#include "object.h"

struct sa_loaded {
	const struct bo_object *obj;
	int *map_fds;		/* per o->maps[i]; -1 until created */
	int *map_reused;	/* 1: taken from an existing pin */
	int *prog_fds;		/* per o->progs[i]; -1 until loaded */
};

/*
 * Create every map.  With share_dir set, maps marked pin-by-name whose pin
 * <share_dir>/<name> exists are reused when compatible (type, key size,
 * value size, max_entries and flags equal) and refused otherwise.
 */
int sa_load_maps(struct sa_ctx *c, const struct bo_object *o,
		 struct sa_loaded *l, const char *share_dir);
/*
 * The same, with maps the caller gives: fd for o->maps[map], checked against
 * its definition like a pin and then used instead of a new map; `what`
 * names it in messages.  (sel, by_idx: the command line's words for it.)
 */
struct sa_given {
	int map, fd;
	char what[4104];
	const char *sel;
	int by_idx;
};
int sa_load_maps_given(struct sa_ctx *c, const struct bo_object *o, struct sa_loaded *l,
		       const char *share_dir, const struct sa_given *g, int ng);
/* Possible CPUs (/sys/devices/system/cpu/possible), fallback if unreadable;
 * and a map's max_entries as created (perf event arrays without one: the CPUs). */
int sa_possible_cpus(int fallback);
uint32_t sa_max_entries(const struct bo_map *m);
/* Relocate and load every program. */
int sa_load_progs(struct sa_ctx *c, struct sa_loaded *l);
/*
 * Pin every map not reused and every program as <dir>/<name>.  On failure
 * the pins made by this call are removed again.
 */
int sa_pin_all(struct sa_ctx *c, struct sa_loaded *l, const char *dir);
/* Where sa_pin() pins: maps into map_dir (all) or, without it, the maps
 * pinned by name into byname_dir; programs into prog_dir (all) or, without
 * it, the first one at first_prog (bpftool's `prog load`). NULL: none. */
struct sa_pins {
	const char *map_dir, *byname_dir, *prog_dir, *first_prog;
};
int sa_pin(struct sa_ctx *c, struct sa_loaded *l, const struct sa_pins *p);
void sa_unpin(const struct sa_loaded *l, const struct sa_pins *p);
/* Remove the pins sa_pin_all() would make (missing ones are fine). */
void sa_unpin_all(const struct sa_loaded *l, const char *dir);
void sa_loaded_close(struct sa_loaded *l);

/* BTF for a local-storage map: [1] int, [3] unsigned char[value_size]
 * (BPF_BTF_LOAD, Linux 4.18); an fd or -errno. */
int sa_btf_load_min(uint32_t value_size);

/* fd of map/prog by name in a loaded object, or -1. */
int sa_map_fd(const struct sa_loaded *l, const char *name);
int sa_prog_fd(const struct sa_loaded *l, const char *name);

#endif
