// SPDX-License-Identifier: GPL-2.0
/*
 * test_generic: what both ELF readers and the BPF object model make of the
 * issue 6 test objects (tests/data/src6: legacy 20- and 28-byte map
 * definitions, iproute2's bpf_elf_map, BTF-defined maps with pinning, global
 * data, subprograms, every section type), and that the two readers agree on
 * every field and instruction.  No kernel.
 * Usage: test_generic build/tests/data/src6
 */
#include <errno.h>
#include <linux/version.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "tap.h"

static const char *dir;
static const struct elf_reader *readers[] = { &elf_reader_builtin, &elf_reader_libelf };

static unsigned char *read_obj(const char *name, size_t *len)
{
	char path[512];
	unsigned char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len);
	if (fread(buf, 1, *len, f) != *len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Parse name with reader r (and an optional --type); 0 or -errno. */
static int parse(const struct elf_reader *r, const char *name, const char *type,
		 struct bo_object *o)
{
	size_t len;
	unsigned char *buf = read_obj(name, &len);
	int err;

	if (!buf) {
		snprintf(o->err, sizeof(o->err), "cannot read %s/%s", dir, name);
		return -1;
	}
	err = bo_object_parse(o, r, buf, len, name, type);
	free(buf);
	return err;
}

static const struct bo_map *map(const struct bo_object *o, const char *name)
{
	int i = bo_find_map(o, name);

	return i < 0 ? NULL : &o->maps[i];
}

static const struct bo_prog *prog(const struct bo_object *o, const char *name)
{
	int i = bo_find_prog(o, name);

	return i < 0 ? NULL : &o->progs[i];
}

static int map_is(const struct bo_map *m, uint32_t type, uint32_t key, uint32_t value,
		  uint32_t max, uint32_t flags, enum bo_map_origin origin, uint32_t def_size,
		  enum bo_pinning pin)
{
	return m && m->type == type && m->key_size == key && m->value_size == value &&
	       m->max_entries == max && m->flags == flags && m->origin == origin &&
	       m->def_size == def_size && m->pinning == pin;
}

/* Every relocation is on an ld_imm64 and names a map of the object. */
static int relocs_sane(const struct bo_object *o, const struct bo_prog *p)
{
	size_t k;

	for (k = 0; k < p->nrelocs; k++) {
		const struct bo_reloc *r = &p->relocs[k];

		if (r->insn + 1 >= p->insn_cnt || p->insns[r->insn].code != (BPF_LD | BPF_IMM | BPF_DW) ||
		    r->map >= o->nmaps)
			return 0;
		if (r->kind == BO_RELOC_MAP_VALUE &&
		    (o->maps[r->map].origin != BO_MAP_DATA || r->off >= o->maps[r->map].value_size))
			return 0;
		if (r->kind == BO_RELOC_MAP_FD && o->maps[r->map].origin == BO_MAP_DATA)
			return 0;
	}
	return 1;
}

/*
 * Every BPF-to-BPF call lands on an appended subprogram: after the
 * program's own instructions, right after an exit (where one function ends
 * and the next begins).  Returns the number of calls, or -1.
 */
static int calls_fixed(const struct bo_prog *p)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->insn_cnt; i++) {
		const struct bpf_insn *in = &p->insns[i];
		int64_t to;

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != BPF_PSEUDO_CALL)
			continue;
		to = (int64_t)i + 1 + in->imm;
		if (to < (int64_t)p->main_cnt || to >= (int64_t)p->insn_cnt ||
		    p->insns[to - 1].code != (BPF_JMP | BPF_EXIT))
			return -1;
		n++;
	}
	return n;
}

/* Relocations whose instruction lies in an appended subprogram. */
static size_t relocs_in_subprogs(const struct bo_prog *p)
{
	size_t k, n = 0;

	for (k = 0; k < p->nrelocs; k++)
		n += p->relocs[k].insn >= p->main_cnt;
	return n;
}

static void check_legacy(const struct elf_reader *r, const char *file, uint32_t def_size)
{
	struct bo_object o;
	const struct bo_prog *p;
	const struct bo_map *st;
	size_t i;

	if (!ok(parse(r, file, NULL, &o) == 0, "[%s] %s parses", r->name, file)) {
		diag("%s", o.err);
		return;
	}
	ok(o.kern_version == LINUX_VERSION_CODE, "[%s] %s: version section read (%#x)",
	   r->name, file, o.kern_version);
	ok(!strcmp(o.license, "GPL"), "[%s] %s: license", r->name, file);
	ok(o.nmaps == 2 && map_is(map(&o, "sock_map"), BPF_MAP_TYPE_SOCKHASH, 16, 4, 1024, 0,
				  BO_MAP_LEGACY, def_size, BO_PIN_NONE),
	   "[%s] %s: sock_map SOCKHASH 16/4/1024 from a %u-byte definition", r->name, file,
	   def_size);
	st = map(&o, "stats");
	ok(map_is(st, BPF_MAP_TYPE_ARRAY, 4, 8, 3, def_size == 28 ? BPF_F_NUMA_NODE : 0,
		  BO_MAP_LEGACY, def_size, BO_PIN_NONE) && st->numa_node == 0,
	   "[%s] %s: stats ARRAY 4/8/3%s", r->name, file,
	   def_size == 28 ? " with BPF_F_NUMA_NODE, numa_node 0" : "");
	p = prog(&o, "accel_ops");
	ok(p && p->type == BPF_PROG_TYPE_SOCK_OPS && p->attach_type == BPF_CGROUP_SOCK_OPS &&
	   p->attach_to == BO_ATTACH_CGROUP && p->nrelocs == 2 && relocs_sane(&o, p),
	   "[%s] %s: accel_ops is SOCK_OPS for a cgroup, 2 map relocations", r->name, file);
	p = prog(&o, "accel_msg");
	ok(p && p->type == BPF_PROG_TYPE_SK_MSG && p->attach_type == BPF_SK_MSG_VERDICT &&
	   p->attach_to == BO_ATTACH_MAP && p->nrelocs == 3 && relocs_sane(&o, p),
	   "[%s] %s: accel_msg is SK_MSG for a map, 3 map relocations", r->name, file);
	for (i = 0; i < o.nprogs; i++)
		ok(o.progs[i].nsubprogs == 0 && o.progs[i].insn_cnt == o.progs[i].main_cnt,
		   "[%s] %s: %s has no subprograms", r->name, file, o.progs[i].name);
	bo_object_free(&o);
}

static void check_elf_map(const struct elf_reader *r)
{
	struct bo_object o;

	if (!ok(parse(r, "elf_accel.bpf.o", NULL, &o) == 0, "[%s] elf_accel parses", r->name)) {
		diag("%s", o.err);
		return;
	}
	ok(o.nmaps == 2, "[%s] elf_accel: two maps (the .maps.stats annotation is no map)", r->name);
	ok(map_is(map(&o, "sock_map"), BPF_MAP_TYPE_SOCKHASH, 16, 4, 1024, 0, BO_MAP_LEGACY, 36,
		  BO_PIN_BY_NAME),
	   "[%s] elf_accel: sock_map from a 36-byte bpf_elf_map, PIN_GLOBAL_NS -> pinned by name",
	   r->name);
	ok(map_is(map(&o, "stats"), BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0, BO_MAP_LEGACY, 36, BO_PIN_NONE),
	   "[%s] elf_accel: stats, PIN_NONE", r->name);
	ok(o.kern_version == 0, "[%s] elf_accel: no version section, version 0", r->name);
	bo_object_free(&o);
}

static void check_btf(const struct elf_reader *r)
{
	static const uint8_t rodata[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };	/* BPF_F_INGRESS, AF_INET */
	static const uint8_t data[8] = { 6 };
	static const char str[] = "btf_msg: no peer\n";
	struct bo_object o;
	const struct bo_map *m;
	const struct bo_prog *p;

	if (!ok(parse(r, "btf_accel.bpf.o", NULL, &o) == 0, "[%s] btf_accel parses", r->name)) {
		diag("%s", o.err);
		return;
	}
	ok(map_is(map(&o, "sock_map"), BPF_MAP_TYPE_SOCKHASH, 16, 4, 1024, 0, BO_MAP_BTF, 0,
		  BO_PIN_BY_NAME),
	   "[%s] btf_accel: sock_map from BTF (__uint key_size/value_size), LIBBPF_PIN_BY_NAME",
	   r->name);
	ok(map_is(map(&o, "ports_seen"), BPF_MAP_TYPE_HASH, 4, 8, 64, BPF_F_NO_PREALLOC,
		  BO_MAP_BTF, 0, BO_PIN_NONE),
	   "[%s] btf_accel: ports_seen from BTF (__type key/value, map_flags)", r->name);
	m = map(&o, "btf_acce.rodata");
	ok(map_is(m, BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_RDONLY_PROG, BO_MAP_DATA, 0, BO_PIN_NONE) &&
	   m->frozen && m->init && !memcmp(m->init, rodata, 8),
	   "[%s] btf_accel: .rodata -> array map 'btf_acce.rodata', read-only to programs, frozen, initial value",
	   r->name);
	m = map(&o, "btf_acce.data");
	ok(map_is(m, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, BO_MAP_DATA, 0, BO_PIN_NONE) && !m->frozen &&
	   m->init && !memcmp(m->init, data, 8),
	   "[%s] btf_accel: .data -> writable array map with its initial value", r->name);
	m = map(&o, "btf_acce.bss");
	ok(map_is(m, BPF_MAP_TYPE_ARRAY, 4, 32, 1, 0, BO_MAP_DATA, 0, BO_PIN_NONE) && !m->init,
	   "[%s] btf_accel: .bss -> array map of 32 zero bytes", r->name);
	m = map(&o, "btf_acce.rodata.str1.1");
	ok(map_is(m, BPF_MAP_TYPE_ARRAY, 4, sizeof(str), 1, BPF_F_RDONLY_PROG, BO_MAP_DATA, 0,
		  BO_PIN_NONE) && m->frozen && m->init && !memcmp(m->init, str, sizeof(str)),
	   "[%s] btf_accel: the string literal section .rodata.str1.1 -> frozen map", r->name);
	ok(o.nmaps == 6, "[%s] btf_accel: 6 maps in all", r->name);

	p = prog(&o, "btf_ops");
	ok(p && p->type == BPF_PROG_TYPE_SOCK_OPS && p->nsubprogs == 1 && calls_fixed(p) == 1 &&
	   relocs_sane(&o, p),
	   "[%s] btf_ops: fill_key appended, its call fixed up", r->name);
	p = prog(&o, "btf_msg");
	ok(p && p->type == BPF_PROG_TYPE_SK_MSG && p->nsubprogs == 3 && calls_fixed(p) == 3 &&
	   relocs_sane(&o, p),
	   "[%s] btf_msg: fill_key, count_msg and the note_port it calls appended, 3 calls fixed up",
	   r->name);
	ok(p && relocs_in_subprogs(p) >= 4,
	   "[%s] btf_msg: the subprograms' own map and data relocations are kept (%zu)", r->name,
	   p ? relocs_in_subprogs(p) : 0);
	bo_object_free(&o);
}

static void check_split(const struct elf_reader *r)
{
	static const struct { const char *file, *prog, *bss; uint32_t type, max, flags; } s[] = {
		{ "split_ops.bpf.o", "split_ops", "split_op.bss", BPF_PROG_TYPE_SOCK_OPS, 4096, 0 },
		{ "split_msg.bpf.o", "split_msg", "split_ms.bss", BPF_PROG_TYPE_SK_MSG, 4096, 0 },
		{ "split_msg_small.bpf.o", "split_msg", "split_ms.bss", BPF_PROG_TYPE_SK_MSG, 1024, 0 },
		{ "split_msg_flags.bpf.o", "split_msg", "split_ms.bss", BPF_PROG_TYPE_SK_MSG, 4096,
		  BPF_F_NUMA_NODE },
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct bo_object o;
		const struct bo_prog *p;

		if (!ok(parse(r, s[i].file, NULL, &o) == 0, "[%s] %s parses", r->name, s[i].file)) {
			diag("%s", o.err);
			continue;
		}
		p = prog(&o, s[i].prog);
		ok(o.nmaps == 2 && o.nprogs == 1 && p && p->type == s[i].type &&
		   map_is(map(&o, "shared_socks"), BPF_MAP_TYPE_SOCKHASH, 16, 8, s[i].max, s[i].flags,
			  BO_MAP_BTF, 0, BO_PIN_BY_NAME) && map(&o, s[i].bss),
		   "[%s] %s: one program, shared_socks (max_entries %u, flags %u) pinned by name, its own '%s'",
		   r->name, s[i].file, s[i].max, s[i].flags, s[i].bss);
		bo_object_free(&o);
	}
}

static const struct {
	const char *prog, *section;
	uint32_t type, expected, attach;
	int to;
} sectypes[] = {
	{ "t_sockops", "sockops", BPF_PROG_TYPE_SOCK_OPS, 0, BPF_CGROUP_SOCK_OPS, BO_ATTACH_CGROUP },
	{ "t_sk_msg", "sk_msg", BPF_PROG_TYPE_SK_MSG, 0, BPF_SK_MSG_VERDICT, BO_ATTACH_MAP },
	{ "t_parser", "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_PARSER, BO_ATTACH_MAP },
	{ "t_verdict", "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT, BO_ATTACH_MAP },
	{ "t_sk_skb", "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, BPF_SK_SKB_STREAM_VERDICT, BO_ATTACH_MAP },
	{ "t_connect4", "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET4_CONNECT, BO_ATTACH_CGROUP },
	{ "t_connect6", "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, BPF_CGROUP_INET6_CONNECT, BO_ATTACH_CGROUP },
	{ "t_sendmsg4", "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP4_SENDMSG, BO_ATTACH_CGROUP },
	{ "t_sendmsg6", "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, BPF_CGROUP_UDP6_SENDMSG, BO_ATTACH_CGROUP },
	{ "t_recvmsg4", "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, BPF_CGROUP_UDP4_RECVMSG, BO_ATTACH_CGROUP },
	{ "t_recvmsg6", "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, BPF_CGROUP_UDP6_RECVMSG, BO_ATTACH_CGROUP },
	{ "t_getsockopt", "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, BPF_CGROUP_GETSOCKOPT, BO_ATTACH_CGROUP },
	{ "t_setsockopt", "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, BPF_CGROUP_SETSOCKOPT, BO_ATTACH_CGROUP },
	{ "t_sock", "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_CREATE, BO_ATTACH_CGROUP },
	{ "t_ingress", "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS, BO_ATTACH_CGROUP },
	{ "t_egress", "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_EGRESS, BO_ATTACH_CGROUP },
	{ "t_socket", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, ~0u, BO_ATTACH_NONE },
	{ "t_xdp", "xdp", BPF_PROG_TYPE_XDP, 0, ~0u, BO_ATTACH_NONE },
	{ "t_tc", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, ~0u, BO_ATTACH_NONE },
	{ "t_classifier", "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, ~0u, BO_ATTACH_NONE },
	{ "t_sk_lookup", "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, ~0u, BO_ATTACH_NONE },
};

static void check_sectypes(const struct elf_reader *r)
{
	size_t n = sizeof(sectypes) / sizeof(sectypes[0]), i;
	struct bo_object o;

	if (!ok(parse(r, "sectypes.bpf.o", NULL, &o) == 0, "[%s] sectypes parses", r->name)) {
		diag("%s", o.err);
		return;
	}
	ok(o.nprogs == n, "[%s] sectypes: %zu programs", r->name, n);
	ok(o.nmaps == 2 && map(&o, "sec_sockmap") && map(&o, "sectypes.bss"),
	   "[%s] sectypes: the sockmap and .bss; the unreferenced .data is skipped", r->name);
	for (i = 0; i < n; i++) {
		const struct bo_prog *p = prog(&o, sectypes[i].prog);
		size_t k, hit = 0;

		/* HIT(i): r = &hits; lock *(u64 *)(r + 8 * i) += 1 */
		for (k = 0; p && k < p->nrelocs; k++)
			hit += p->relocs[k].kind == BO_RELOC_MAP_VALUE &&
			       p->relocs[k].off + p->insns[p->relocs[k].insn + 2].off == 8 * i;
		ok(p && !strcmp(p->section, sectypes[i].section) && p->type == sectypes[i].type &&
		   p->expected_attach_type == sectypes[i].expected &&
		   p->attach_type == sectypes[i].attach && p->attach_to == sectypes[i].to &&
		   hit == 1 && relocs_sane(&o, p),
		   "[%s] section '%s': type %u, expected attach type %u, attach %d, counts in hits[%zu]",
		   r->name, sectypes[i].section, sectypes[i].type, sectypes[i].expected,
		   (int)sectypes[i].attach, i);
	}
	bo_object_free(&o);
}

static void check_unknown(const struct elf_reader *r)
{
	struct bo_object o;
	int err;

	err = parse(r, "unknown_sec.bpf.o", NULL, &o);
	if (!ok(err == -EINVAL && strstr(o.err, "section 'my_filters/drop_none': unknown program type"),
		"[%s] unknown section: refused, naming the section", r->name))
		diag("error: %s", err ? o.err : "(none)");
	if (!err)
		bo_object_free(&o);
	err = parse(r, "unknown_sec.bpf.o", "xdp", &o);
	ok(err == 0 && o.nprogs == 1 && o.progs[0].type == BPF_PROG_TYPE_XDP &&
	   !strcmp(o.progs[0].section, "my_filters/drop_none"),
	   "[%s] unknown section with --type xdp: an XDP program", r->name);
	if (!err)
		bo_object_free(&o);
	err = parse(r, "unknown_sec.bpf.o", "nope", &o);
	ok(err == -EINVAL && strstr(o.err, "unknown program type 'nope'"),
	   "[%s] --type nope: refused, naming it", r->name);
	if (!err)
		bo_object_free(&o);
}

/* The two readers must give the same object, field for field. */
static void check_same(const char *file, const char *type)
{
	struct bo_object a, b;
	size_t i;
	int same;

	if (parse(readers[0], file, type, &a)) {
		ok(0, "%s: both readers agree (builtin failed: %s)", file, a.err);
		return;
	}
	if (parse(readers[1], file, type, &b)) {
		ok(0, "%s: both readers agree (libelf failed: %s)", file, b.err);
		bo_object_free(&a);
		return;
	}
	same = a.nmaps == b.nmaps && a.nprogs == b.nprogs && a.kern_version == b.kern_version &&
	       !strcmp(a.license, b.license);
	for (i = 0; same && i < a.nmaps; i++) {
		const struct bo_map *x = &a.maps[i], *y = &b.maps[i];

		same = !strcmp(x->name, y->name) && x->type == y->type &&
		       x->key_size == y->key_size && x->value_size == y->value_size &&
		       x->max_entries == y->max_entries && x->flags == y->flags &&
		       x->numa_node == y->numa_node && x->pinning == y->pinning &&
		       x->origin == y->origin && x->def_size == y->def_size &&
		       x->frozen == y->frozen && !x->init == !y->init &&
		       (!x->init || !memcmp(x->init, y->init, x->value_size)) &&
		       x->inner == y->inner && x->tmpl == y->tmpl && x->nslots == y->nslots &&
		       (!x->nslots || !memcmp(x->slots, y->slots, x->nslots * sizeof(*x->slots)));
	}
	for (i = 0; same && i < a.nprogs; i++) {
		const struct bo_prog *x = &a.progs[i], *y = &b.progs[i];

		same = !strcmp(x->name, y->name) && !strcmp(x->section, y->section) &&
		       x->type == y->type && x->expected_attach_type == y->expected_attach_type &&
		       x->attach_type == y->attach_type && x->insn_cnt == y->insn_cnt &&
		       x->main_cnt == y->main_cnt && x->nsubprogs == y->nsubprogs &&
		       x->nrelocs == y->nrelocs &&
		       !memcmp(x->insns, y->insns, x->insn_cnt * sizeof(*x->insns)) &&
		       !memcmp(x->relocs, y->relocs, x->nrelocs * sizeof(*x->relocs));
	}
	ok(same, "%s: both readers give the same maps, programs, instructions and relocations", file);
	bo_object_free(&a);
	bo_object_free(&b);
}

static void check_table(void)
{
	static const char *const names[] = {
		"sockops", "sk_msg", "sk_skb/stream_parser", "sk_skb/stream_verdict", "sk_skb",
		"cgroup/connect4", "cgroup/connect6", "cgroup/sendmsg4", "cgroup/sendmsg6",
		"cgroup/recvmsg4", "cgroup/recvmsg6", "cgroup/getsockopt", "cgroup/setsockopt",
		"cgroup/sock", "cgroup_skb/ingress", "cgroup_skb/egress", "socket", "xdp", "tc",
		"classifier", "sk_lookup",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct bo_sec_def *d = bo_sec_def_find(names[i]);
		char sub[80];

		snprintf(sub, sizeof(sub), "%s/anything", names[i]);
		ok(d && d->name == bo_sec_def_find(sub)->name && !strcmp(d->name, names[i]),
		   "section table: '%s' and '%s' have an entry of their own", names[i], sub);
	}
	ok(!bo_sec_def_find("my_filters/x") && !bo_sec_def_find("sk_xyz") && !bo_sec_def_find(""),
	   "section table: 'my_filters/x', 'sk_xyz', '' are unknown");
	/* libbpf before 1.0: a prefix without '/', exact names first. */
	ok(!strcmp(bo_sec_def_find("sk_skb1")->name, "sk_skb") &&
	   !strcmp(bo_sec_def_find("sk_msg2")->name, "sk_msg") &&
	   !strcmp(bo_sec_def_find("sockops_x")->name, "sockops") &&
	   !strcmp(bo_sec_def_find("sk_skb/stream_parser1")->name, "sk_skb/stream_parser") &&
	   bo_sec_def_find("cgroup/sock_create")->attach_type == BPF_CGROUP_INET_SOCK_CREATE &&
	   !bo_sec_def_find("sk_msg\033[31m"),
	   "section table: sk_skb1, sk_msg2, sockops_x, sk_skb/stream_parser1 match by prefix; control characters do not");
	ok(bo_sec_def_find("kprobe/tcp_sendmsg")->prog_type == BPF_PROG_TYPE_KPROBE &&
	   bo_sec_def_find("kretprobe/x")->prog_type == BPF_PROG_TYPE_KPROBE &&
	   bo_sec_def_find("tracepoint/sock/inet_sock_set_state")->prog_type == BPF_PROG_TYPE_TRACEPOINT &&
	   bo_sec_def_find("tp/a/b")->prog_type == BPF_PROG_TYPE_TRACEPOINT &&
	   bo_sec_def_find("raw_tp/x")->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT &&
	   bo_sec_def_find("perf_event")->prog_type == BPF_PROG_TYPE_PERF_EVENT,
	   "section table: kprobe, kretprobe, tracepoint, tp, raw_tp, perf_event");
	ok(bo_sec_def_by_type("tp") && bo_sec_def_by_type("kprobe") && bo_sec_def_by_type("sockops") &&
	   !bo_sec_def_by_type("sockops_x") && !bo_sec_def_by_type("sk_ms"),
	   "type names: exact table names only ('tp' for 'tp/')");
	{
		size_t n = bo_attach_count(), k, bad = 0;

		/* Every attach type of a section has its bpftool name. */
		for (k = 0; bo_sec_def_name(k); k++) {
			const struct bo_sec_def *sd = bo_sec_def_find(bo_sec_def_name(k));

			if (sd->attach_type != BO_NO_ATTACH && sd->attach_type != BPF_FLOW_DISSECTOR &&
			    !bo_attach_by_type(sd->attach_type))
				bad++;
		}
		for (k = 0; k < n; k++) {
			const struct bo_attach_def *d = bo_attach_nth(k);
			const char *name = d->name;
			uint8_t type = d->type;

			bad += bo_attach_find(name)->name != name || bo_attach_by_type(type)->name != name;
		}
		ok(bad == 0 && bo_attach_find("msg_verdict")->to == BO_ATTACH_MAP &&
		   bo_attach_find("ingress")->type == BPF_CGROUP_INET_INGRESS,
		   "attach table: %zu names, one per type, every section's attach type among them", n);
	}
}

/* Issue 11's map styles: maps of maps, the 28-byte layouts, perf arrays. */
static void check_styles(const struct elf_reader *r)
{
	const struct bo_map *m, *t;
	struct bo_object o;
	int i;

	if (ok(parse(r, "mim_btf.bpf.o", NULL, &o) == 0, "[%s] mim_btf parses", r->name)) {
		m = map(&o, "outer");
		t = map(&o, "outer.inner");
		i = bo_find_map(&o, "counters_a");
		ok(m && t && m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS && m->value_size == 4 &&
		   &o.maps[m->inner] == t && t->tmpl && t->type == BPF_MAP_TYPE_ARRAY &&
		   t->key_size == 4 && t->value_size == 8 && t->max_entries == 1 &&
		   m->nslots == 1 && m->slots[0].key == 1 && (int)m->slots[0].map == i,
		   "[%s] mim_btf: outer holds maps like its template outer.inner, slot 1 = counters_a", r->name);
		m = map(&o, "events");
		ok(m && m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && m->max_entries == 0,
		   "[%s] mim_btf: the perf event array keeps max_entries 0 (sized at load)", r->name);
		ok(!o.maps_layout, "[%s] mim_btf: no legacy layout", r->name);
		bo_object_free(&o);
	}
	if (ok(parse(r, "legacy_mim_samples.bpf.o", NULL, &o) == 0, "[%s] legacy_mim_samples parses", r->name)) {
		m = map(&o, "outer");
		ok(m && m->inner == bo_find_map(&o, "inner_tmpl") && !m->nslots &&
		   !o.maps[m->inner].tmpl && strstr(o.maps_layout, "samples/bpf"),
		   "[%s] legacy_mim_samples: samples/bpf layout, inner_map_idx names inner_tmpl", r->name);
		bo_object_free(&o);
	}
	if (ok(parse(r, "legacy_mim_iproute.bpf.o", NULL, &o) == 0, "[%s] legacy_mim_iproute parses", r->name)) {
		m = map(&o, "outer");
		i = bo_find_map(&o, "counters_a");
		ok(m && m->inner == i && m->nslots == 1 && m->slots[0].key == 2 &&
		   (int)m->slots[0].map == i && strstr(o.maps_layout, "36 bytes"),
		   "[%s] legacy_mim_iproute: inner_id names counters_a, which goes in at its inner_idx 2", r->name);
		bo_object_free(&o);
	}
	if (ok(parse(r, "legacy_iproute_old.bpf.o", NULL, &o) == 0, "[%s] legacy_iproute_old parses", r->name)) {
		m = map(&o, "sock_map");
		ok(m && m->pinning == BO_PIN_BY_NAME && m->numa_node == 0 && m->id == 1 &&
		   strstr(o.maps_layout, "old (28 bytes") &&
		   strstr(o.maps_why, "field 6 is 2 without BPF_F_NUMA_NODE"),
		   "[%s] legacy_iproute_old: iproute2's 7 fields, pinned by name, and why (%s)",
		   r->name, o.maps_why);
		bo_object_free(&o);
	}
	if (ok(parse(r, "legacy_samples_accel.bpf.o", NULL, &o) == 0, "[%s] legacy_samples_accel parses", r->name)) {
		ok(strstr(o.maps_layout, "samples/bpf") && !map(&o, "stats")->pinning,
		   "[%s] legacy_samples_accel: the samples/bpf layout (numa_node with its flag)", r->name);
		bo_object_free(&o);
	}
	if (ok(parse(r, "suffixed.bpf.o", NULL, &o) == 0, "[%s] suffixed parses", r->name)) {
		ok(prog(&o, "sfx_ops")->type == BPF_PROG_TYPE_SOCK_OPS &&
		   prog(&o, "sfx_parser")->type == BPF_PROG_TYPE_SK_SKB &&
		   prog(&o, "sfx_verdict")->type == BPF_PROG_TYPE_SK_SKB &&
		   prog(&o, "sfx_msg")->type == BPF_PROG_TYPE_SK_MSG,
		   "[%s] suffixed: sockops_x, sk_skb1, sk_skb2, sk_msg1 by prefix", r->name);
		bo_object_free(&o);
	}
}

int main(int argc, char **argv)
{
	static const char *const files[] = {
		"legacy_accel.bpf.o", "legacy_samples_accel.bpf.o", "elf_accel.bpf.o",
		"btf_accel.bpf.o", "split_ops.bpf.o", "split_msg.bpf.o", "sectypes.bpf.o",
		"disasm.bpf.o", "mim_btf.bpf.o", "legacy_mim_samples.bpf.o",
		"legacy_mim_iproute.bpf.o", "legacy_iproute_old.bpf.o", "suffixed.bpf.o",
		"sectypes2.bpf.o",
	};
	size_t i;

	if (argc < 2) {
		printf("Bail out! usage: test_generic DIR\n");
		return 1;
	}
	dir = argv[1];
	for (i = 0; i < 2; i++) {
		check_legacy(readers[i], "legacy_accel.bpf.o", 20);
		check_legacy(readers[i], "legacy_samples_accel.bpf.o", 28);
		check_elf_map(readers[i]);
		check_btf(readers[i]);
		check_split(readers[i]);
		check_sectypes(readers[i]);
		check_unknown(readers[i]);
		check_styles(readers[i]);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_same(files[i], NULL);
	check_same("unknown_sec.bpf.o", "xdp");
	check_table();
	return done_testing();
}
