// SPDX-License-Identifier: GPL-2.0
/*
 * prog.c: `sockaccel prog load|loadall|show|pin|attach|detach`, bpftool's
 * grammar, and the short forms `load OBJ [--pin-dir DIR]` and `unload`.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/accel.h"
#include "cli/cli.h"
#include "cli/json.h"
#include "load/load.h"
#include "object.h"
#include "sys/bpf.h"
#include "sys/caps.h"
#include "sys/fs.h"
#include "sys/names.h"

/* ---- prog load / loadall ---- */

#define MAX_REFS 16

struct load_args {
	const char *obj, *path, *pinmaps;
	int nrefs;
	struct sa_given refs[MAX_REFS];
};

/* [type TYPE] [map {idx N | name NAME} {id ID | pinned FILE}]... [pinmaps DIR] */
static int load_words(struct sa_args *a, struct load_args *l)
{
	struct sa_given *g;
	int i;

	for (i = 2; i < a->argc; i++) {
		const char *w = a->argv[i];

		if (i + 1 == a->argc)
			return sa_usage_error(a, "'%s' needs a value", w);
		if (!strcmp(w, "type")) {
			a->type = a->argv[++i];
		} else if (!strcmp(w, "pinmaps")) {
			l->pinmaps = a->argv[++i];
		} else if (!strcmp(w, "map") && l->nrefs < MAX_REFS && i + 4 < a->argc &&
			   (!strcmp(a->argv[i + 1], "idx") || !strcmp(a->argv[i + 1], "name"))) {
			g = &l->refs[l->nrefs];
			g->by_idx = a->argv[i + 1][0] == 'i';
			g->sel = a->argv[i + 2];
			g->fd = sa_ref_open(a, a->argv + i + 3, 2, 1, g->what, sizeof(g->what));
			if (g->fd < 0)
				return -g->fd;
			l->nrefs++;
			i += 4;
		} else {
			return sa_usage_error(a, "'%s': expected type, map (at most %d) or pinmaps",
					      w, MAX_REFS);
		}
	}
	return 0;
}

/* The object's map a `map idx N` or `map name NAME` names (templates have no index). */
static int ref_map(struct sa_args *a, const struct bo_object *o, const char *sel, int by_idx)
{
	uint32_t n, k = 0;
	size_t i;

	if (!by_idx) {
		int m = bo_find_map(o, sel);

		return m >= 0 ? m : -sa_usage_error(a, "the object has no map named '%s'", sel);
	}
	if (sa_parse_u32(sel, UINT32_MAX, &n))
		return -sa_usage_error(a, "map idx '%s' is not a number", sel);
	for (i = 0; i < o->nmaps; i++)
		if (!o->maps[i].tmpl && k++ == n)
			return (int)i;
	return -sa_usage_error(a, "map idx %u: the object has %u maps", n, k);
}

/* What a load printed (the short form `load`): every pin, as made. */
static void print_pins(const struct bo_object *o, const struct sa_loaded *l, const char *dir)
{
	static char path[PATH_MAX];
	size_t i, m;

	for (i = 0; i < o->nmaps + o->nprogs; i++) {
		const char *name = (m = i < o->nmaps) ? o->maps[i].name : o->progs[i - o->nmaps].name;

		if (m && o->maps[i].tmpl)
			continue;
		sa_pin_path(path, sizeof(path), dir, name);
		printf("%s %s (%s) %s %s\n", m ? "map" : "program", name,
		       m ? bpf_map_type_name(o->maps[i].type) : bpf_prog_type_name(o->progs[i - o->nmaps].type),
		       m && l->map_reused[i] ? "reused" : "pinned", path);
	}
}

/*
 * The one load path.  prog load (all 0) / loadall (all 1): bpftool's pins;
 * the short form `load` (dir set): every map and program in dir, maps
 * pinned by name shared there, under the directory's lock, and a listing.
 * bpftool: maps pinned by name are shared in /sys/fs/bpf (libbpf's pin
 * root); pinmaps DIR pins every map there and shares by name there.
 */
static int load_cmd(struct sa_args *a, int all, const char *dir)
{
	/* Static, as the command runs once: the fields are reached
	 * RIP-relative, not past 64 KiB of refs on the stack (-80 B). */
	static struct load_args la;
	static struct bo_object o;
	static struct sa_loaded l;
	static struct sa_pins pins;
	int created = 0, err = 0, i, lock = -1;

	la.obj = a->argv[0];
	la.path = dir ? dir : a->argv[1];
	la.pinmaps = dir;
	pins.byname_dir = SA_BPFFS_ROOT;

	if (!dir)
		err = load_words(a, &la);
	if (err)
		goto out;
	if (la.pinmaps)
		pins.map_dir = pins.byname_dir = la.pinmaps;
	if (all)
		pins.prog_dir = la.path;
	else
		pins.first_prog = la.path;
	err = EXIT_FAIL;
	if (sa_check_caps(&a->ctx, a->cmd) || sa_parse_file(a, la.obj, &o))
		goto report;
	for (i = 0; i < la.nrefs; i++) {
		la.refs[i].map = ref_map(a, &o, la.refs[i].sel, la.refs[i].by_idx);
		if (la.refs[i].map < 0) {
			err = -la.refs[i].map;
			goto out;
		}
	}
	if ((la.pinmaps && sa_bpffs_ensure(&a->ctx, la.pinmaps)) ||
	    (dir && (lock = sa_lock(&a->ctx, dir)) < 0) ||
	    (la.pinmaps && !dir && sa_pin_dir_prepare(&a->ctx, la.pinmaps, &created)) ||
	    (all && !dir && sa_bpffs_ensure(&a->ctx, la.path)) ||
	    sa_load_maps_given(&a->ctx, &o, &l, pins.byname_dir, la.refs, la.nrefs) ||
	    sa_load_progs(&a->ctx, &l) ||
	    (all && sa_pin_dir_prepare(&a->ctx, la.path, &created)) ||
	    sa_pin(&a->ctx, &l, &pins)) {
		if (created && dir)
			rmdir(dir);
		goto report;
	}
	if (dir)
		print_pins(&o, &l, dir);
	err = 0;
	goto out;
report:
	err = sa_report(a);
out:
	for (i = 0; i < la.nrefs; i++)
		close(la.refs[i].fd);
	if (l.obj)
		sa_loaded_close(&l);
	if (lock >= 0)
		close(lock);
	bo_object_free(&o);
	return err;
}

static int prog_load(struct sa_args *a) { return load_cmd(a, 0, NULL); }
static int prog_loadall(struct sa_args *a) { return load_cmd(a, 1, NULL); }

/* ---- prog show / pin / attach / detach ---- */

/*
 * 3061: sock_ops  name sockaccel_ops  tag 340737580445301f  gpl
 *	xlated 2256B  jited 1182B  map_ids 7751,7752
 */
static void show_one(struct sa_args *a, int fd, int first)
{
	struct bpf_prog_info pi;
	uint32_t ids[64], i;
	char tag[2 * BPF_TAG_SIZE + 1];
	int j = a->json;

	if (sa_prog_info(fd, &pi, ids))
		return;
	sa_show_head(a, first, pi.id, bpf_prog_type_name(pi.type), pi.name);
	sa_tag_hex(pi.tag, tag);
	printf(j ? ",\"tag\":\"%s\",\"gpl_compatible\":%s,\"bytes_xlated\":%u,\"bytes_jited\":%u,\"map_ids\":["
		 : "  tag %s%s\n\txlated %uB  jited %uB", tag,
	       j ? (pi.gpl_compatible ? "true" : "false") : pi.gpl_compatible ? "  gpl" : "",
	       pi.xlated_prog_len, pi.jited_prog_len);
	for (i = 0; i < pi.nr_map_ids && i < 64; i++)
		printf("%s%u", i ? "," : j ? "" : "  map_ids ", ids[i]);
	fputs(j ? "]}" : "\n", stdout);
}

static int prog_show(struct sa_args *a)
{
	return sa_show_all(a, 0, show_one);
}

static int prog_pin(struct sa_args *a)
{
	return sa_pin_ref(a, 0);
}

/* prog {attach|detach} PROG ATTACH_TYPE MAP */
int sa_prog_attach_cmd(struct sa_args *a, int detach)
{
	const struct bo_attach_def *d;
	static char pw[PATH_MAX + 8], mw[PATH_MAX + 8];
	int prog, map;

	d = sa_attach_arg(a, a->argv[2], BO_ATTACH_MAP);
	if (!d)
		return EXIT_USAGE;
	if (sa_check_caps(&a->ctx, a->cmd))
		return sa_report(a);
	prog = sa_ref_open(a, a->argv, 2, 0, pw, sizeof(pw));
	if (prog < 0)
		return -prog;
	map = sa_ref_open(a, a->argv + 3, 2, 1, mw, sizeof(mw));
	if (map < 0) {
		close(prog);
		return -map;
	}
	return sa_attach_fd(a, prog, pw, d, map, mw, detach, 0);
}

static int prog_attach(struct sa_args *a) { return sa_prog_attach_cmd(a, 0); }
static int prog_detach(struct sa_args *a) { return sa_prog_attach_cmd(a, 1); }

#define PROG_ARG SA_REF
#define LOAD_OPTS "[type TYPE] [map {idx N | name NAME} " SA_REF "]... [pinmaps DIR]"

static const struct sa_verb verbs[] = {
	{ "load", prog_load, 2, 40, "OBJ PATH " LOAD_OPTS },
	{ "loadall", prog_loadall, 2, 40, "OBJ DIR [same as load]" },
	{ "show", prog_show, 0, 2, "[" PROG_ARG "]" },
	{ "pin", prog_pin, 3, 3, PROG_ARG " FILE" },
	{ "attach", prog_attach, 5, 5, "PROG ATTACH_TYPE MAP" },
	{ "detach", prog_detach, 5, 5, "PROG ATTACH_TYPE MAP" },
};
const struct sa_verbs sa_prog_verbs = { verbs, sizeof(verbs) / sizeof(verbs[0]), BO_ATTACH_MAP };

/* ---- the short forms: load OBJ [--pin-dir DIR], unload --pin-dir DIR ---- */

/* /sys/fs/bpf/<file name up to the first '.'> */
static void default_pin_dir(const char *obj, char *buf, size_t len)
{
	const char *base = strrchr(obj, '/');

	base = base ? base + 1 : obj;
	snprintf(buf, len, "%s/%.*s", SA_BPFFS_ROOT, (int)strcspn(base, "."), base);
}

int cmd_load(struct sa_args *a)
{
	static char dir[PATH_MAX];

	if (a->pin_dir)
		snprintf(dir, sizeof(dir), "%s", a->pin_dir);
	else
		default_pin_dir(a->argv[0], dir, sizeof(dir));
	return load_cmd(a, 1, dir);
}

int cmd_unload(struct sa_args *a)
{
	static char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int n = 0, r, lock;
	DIR *d;

	if (!a->pin_dir)
		return sa_usage_error(a, "--pin-dir is required");
	if (sa_check_caps(&a->ctx, "unload"))
		return sa_report(a);
	r = sa_pin_dir_exists(&a->ctx, a->pin_dir);
	if (r < 0)
		return sa_report(a);
	if (r == 0) {
		printf("sockaccel: nothing pinned in %s\n", a->pin_dir);
		return 0;
	}
	sa_path(path, sizeof(path), a->pin_dir, SA_PIN_RECORD);
	if (!lstat(path, &st)) {
		sa_failx(&a->ctx, -EBUSY, "%s holds a sockaccel install; use 'sockaccel remove'",
			 a->pin_dir);
		return sa_report(a);
	}
	lock = sa_lock(&a->ctx, a->pin_dir);
	if (lock < 0)
		return sa_report(a);
	/* "." and ".." fail unlink() as subdirectories do.  (opendir():
	 * accel/instances.c walks bpffs with it already.) */
	d = opendir(a->pin_dir);
	if (!d) {
		sa_fail(&a->ctx, -errno, "pin directory '%s'", a->pin_dir);
		close(lock);
		return sa_report(a);
	}
	while ((de = readdir(d))) {
		if (sa_path(path, sizeof(path), a->pin_dir, de->d_name) || unlink(path) < 0)
			continue;	/* subdirectories are not ours */
		sa_info(&a->ctx, "unpinned %s", path);
		n++;
	}
	closedir(d);
	if (rmdir(a->pin_dir) < 0)
		sa_info(&a->ctx, "pin directory %s kept: %s", a->pin_dir, strerror(errno));
	close(lock);
	printf("sockaccel: unpinned %d objects from %s (attached programs stay until detached)\n",
	       n, a->pin_dir);
	return 0;
}
