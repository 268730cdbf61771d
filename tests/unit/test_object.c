// SPDX-License-Identifier: GPL-2.0
/*
 * test_object: what both ELF readers and the BPF object model make of
 * sockaccel.bpf.o, and that a broken piece gets a message, not a crash.
 * No kernel.  Usage: test_object build/bpf/sockaccel.bpf.o
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../bpf/sockaccel.h"
#include "object.h"
#include "tap.h"

static unsigned char *obj;
static size_t obj_len;

static int read_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	obj_len = (size_t)ftell(f);
	rewind(f);
	obj = malloc(obj_len);
	if (fread(obj, 1, obj_len, f) != obj_len)
		return -1;
	fclose(f);
	return 0;
}

static const struct elf_reader *readers[] = { &elf_reader_builtin, &elf_reader_libelf };

/* The ELF symbol a program's relocation at instruction insn names (main part). */
static const char *reloc_symbol(const struct elf_view *v, const char *section, uint32_t insn)
{
	size_t i, j;

	for (i = 0; i < v->nrelsec; i++) {
		if (strcmp(v->sec[v->relsec[i].target].name, section))
			continue;
		for (j = 0; j < v->relsec[i].count; j++)
			if (v->relsec[i].rel[j].offset == insn * 8ull)
				return v->sym[v->relsec[i].rel[j].sym].name;
	}
	return NULL;
}

static void check_sockaccel(const struct elf_reader *r)
{
	struct bo_object o;
	struct elf_view v;
	size_t i, k;
	int m, err;

	err = bo_object_parse(&o, r, obj, obj_len, "sockaccel.bpf.o", NULL);
	if (!ok(err == 0, "[%s] sockaccel.bpf.o parses", r->name)) {
		diag("%s", o.err);
		return;
	}
	ok(!strcmp(o.license, "GPL"), "[%s] license GPL", r->name);
	ok(o.nprogs == 3, "[%s] three programs", r->name);
	m = bo_find_prog(&o, SA_PROG_SOCKOPS);
	ok(m >= 0 && o.progs[m].type == BPF_PROG_TYPE_SOCK_OPS &&
	   o.progs[m].attach_type == BPF_CGROUP_SOCK_OPS &&
	   !strcmp(o.progs[m].section, "sockops"),
	   "[%s] sockaccel_ops: section sockops, SOCK_OPS, attaches as CGROUP_SOCK_OPS", r->name);
	m = bo_find_prog(&o, SA_PROG_SKMSG);
	ok(m >= 0 && o.progs[m].type == BPF_PROG_TYPE_SK_MSG &&
	   o.progs[m].attach_type == BPF_SK_MSG_VERDICT && !strcmp(o.progs[m].section, "sk_msg"),
	   "[%s] sockaccel_msg: section sk_msg, SK_MSG, attaches as SK_MSG_VERDICT", r->name);
	m = bo_find_prog(&o, SA_PROG_SOCKOPT);
	ok(m >= 0 && o.progs[m].type == BPF_PROG_TYPE_CGROUP_SOCKOPT &&
	   o.progs[m].attach_type == BPF_CGROUP_SETSOCKOPT &&
	   !strcmp(o.progs[m].section, "cgroup/setsockopt"),
	   "[%s] sockaccel_opt: section cgroup/setsockopt, CGROUP_SOCKOPT, attaches as CGROUP_SETSOCKOPT",
	   r->name);

	static const struct { const char *name; uint32_t type, key, value, max, flags; } want[] = {
		{ SA_MAP_SOCKHASH, BPF_MAP_TYPE_SOCKHASH, sizeof(struct sa_key), 8, SA_SOCKHASH_MAX, 0 },
		{ SA_MAP_COUNTERS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, SA_COUNTER_MAX, 0 },
		{ SA_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sa_config), 1, 0 },
		{ SA_MAP_PORTS, BPF_MAP_TYPE_HASH, 4, 4, SA_PORTS_MAX, 0 },
		{ SA_MAP_SKSTATE, BPF_MAP_TYPE_SK_STORAGE, 4, sizeof(struct sa_sk_state), 0,
		  BPF_F_NO_PREALLOC | BPF_F_CLONE },
		{ SA_MAP_STREAK, BPF_MAP_TYPE_LRU_HASH, 8, sizeof(struct sa_streak), SA_STREAK_ENTRIES, 0 },
		{ SA_MAP_TOSTACK, BPF_MAP_TYPE_LRU_HASH, 8, 4, SA_TO_STACK_ENTRIES, 0 },
	};
	ok(o.nmaps == 7, "[%s] seven maps", r->name);
	for (i = 0; i < 7; i++) {
		m = bo_find_map(&o, want[i].name);
		ok(m >= 0 && o.maps[m].type == want[i].type && o.maps[m].key_size == want[i].key &&
		   o.maps[m].value_size == want[i].value && o.maps[m].max_entries == want[i].max &&
		   o.maps[m].flags == want[i].flags && o.maps[m].origin == BO_MAP_LEGACY &&
		   o.maps[m].def_size == 20,
		   "[%s] map %s: type, sizes, max_entries, flags from a 20-byte legacy definition",
		   r->name, want[i].name);
	}
	ok(sizeof(struct sa_key) == 56, "socket key is 56 bytes, no padding");

	/* Every relocation: an ld_imm64, naming the map the ELF relocation names. */
	err = r->read(&v, obj, obj_len, "sockaccel.bpf.o");
	ok(err == 0, "[%s] ELF view reads", r->name);
	for (i = 0; !err && i < o.nprogs; i++) {
		const struct bo_prog *p = &o.progs[i];
		int good = p->nrelocs > 0;
		int fds[7] = { 101, 102, 103, 104, 105, 106, 107 };
		struct bpf_insn *out = malloc(p->insn_cnt * sizeof(*out));

		for (k = 0; k < p->nrelocs; k++) {
			const struct bo_reloc *rl = &p->relocs[k];
			const char *sym = reloc_symbol(&v, p->section, rl->insn);

			good &= p->insns[rl->insn].code == (BPF_LD | BPF_IMM | BPF_DW);
			good &= sym && !strcmp(sym, o.maps[rl->map].name);
			good &= rl->kind == BO_RELOC_MAP_FD;
		}
		ok(good, "[%s] %s: %zu relocations, each on an ld_imm64 naming its map",
		   r->name, p->name, p->nrelocs);
		bo_relocate(p, fds, out);
		good = 1;
		for (k = 0; k < p->insn_cnt; k++) {
			size_t j;
			int relocated = 0;

			if (out[k].code != (BPF_LD | BPF_IMM | BPF_DW))
				continue;
			for (j = 0; j < p->nrelocs; j++)
				if (p->relocs[j].insn == k) {
					relocated = 1;
					good &= out[k].imm == fds[p->relocs[j].map];
				}
			/* a relocated one names its map's fd; a 64-bit constant stays */
			good &= relocated ? out[k].src_reg == BPF_PSEUDO_MAP_FD && out[k + 1].imm == 0
					  : out[k].src_reg == 0 && !memcmp(&out[k], &p->insns[k], 16);
			k++;
		}
		ok(good, "[%s] %s: after relocation each map load is BPF_PSEUDO_MAP_FD with its map's fd, constants untouched",
		   r->name, p->name);
		free(out);
	}
	if (!err)
		elf_view_free(&v);
	bo_object_free(&o);
}

/* A copy of the object with one thing broken, and the words we expect. */
static void expect_error(const char *what, unsigned char *buf, size_t len, const char *words)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		struct bo_object o;
		int err = bo_object_parse(&o, readers[i], buf, len, "broken.o", NULL);

		if (!ok(err < 0 && strstr(o.err, words), "[%s] %s: rejected with \"%s\"",
			readers[i]->name, what, words))
			diag("error was: %s", err ? o.err : "(none: accepted)");
		if (!err)
			bo_object_free(&o);
	}
}

static unsigned char *copy(void)
{
	unsigned char *b = malloc(obj_len);

	memcpy(b, obj, obj_len);
	return b;
}

static Elf64_Shdr *shdr(unsigned char *b, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + eh->e_shoff);
	const char *strs = (const char *)b + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (!strcmp(strs + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

static void check_broken(void)
{
	unsigned char *b;
	Elf64_Shdr *sh;

	b = copy();
	b[1] = 'X';
	expect_error("bad magic", b, obj_len, "not an ELF file");
	free(b);

	expect_error("truncated to half", obj, obj_len / 2, "lies outside the file");

	b = copy();
	((Elf64_Ehdr *)b)->e_machine = EM_X86_64;
	expect_error("x86-64 object", b, obj_len, "is not BPF");
	free(b);

	b = copy();
	sh = shdr(b, "license");
	memcpy((char *)b + ((Elf64_Shdr *)(b + ((Elf64_Ehdr *)b)->e_shoff))
	       [((Elf64_Ehdr *)b)->e_shstrndx].sh_offset + sh->sh_name, "lisence", 7);
	expect_error("no license section", b, obj_len, "no 'license' section");
	free(b);

	b = copy();
	shdr(b, "maps")->sh_size -= 6;
	expect_error("maps section cut short", b, obj_len, "not a multiple of the map definition size");
	free(b);

	b = copy();
	sh = shdr(b, "sockops");
	{	/* the first relocated instruction becomes a plain mov */
		Elf64_Shdr *rs = shdr(b, ".relsockops");
		Elf64_Rel rel;

		memcpy(&rel, b + rs->sh_offset, sizeof(rel));
		b[sh->sh_offset + rel.r_offset] = BPF_ALU64 | BPF_MOV | BPF_K;
	}
	expect_error("relocation not on an ld_imm64", b, obj_len, "is not on an ld_imm64");
	free(b);

	b = copy();
	shdr(b, "sk_msg")->sh_size -= 4;
	expect_error("program size not a multiple of 8", b, obj_len, "not a multiple of 8");
	free(b);

	b = copy();
	((uint32_t *)(b + shdr(b, "maps")->sh_offset))[0] = 4242;	/* sock_hash type */
	expect_error("unknown map type", b, obj_len, "unknown map type 4242");
	free(b);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || read_file(argv[1])) {
		printf("Bail out! usage: test_object sockaccel.bpf.o\n");
		return 1;
	}
	for (i = 0; i < 2; i++)
		check_sockaccel(readers[i]);
	check_broken();
	free(obj);
	return done_testing();
}
