// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_elf: libFuzzer target for the ELF reading and relocation step, no
 * kernel: bytes -> ELF reader -> BPF object (programs, maps, relocations)
 * -> every program relocated with made-up map fds.  Built once per reader:
 *
 *   -DFUZZ_READER_builtin   the built-in reader (the static build's)
 *   -DFUZZ_READER_libelf    libelf (the default build's)
 *   -DFUZZ_READER_diff      both, and any difference between them is a crash
 *
 * A crash, a sanitizer report, a leak, an input slower than -timeout or an
 * error without a message is a finding (tests/fuzz/run.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_relo.h"
#include "objcmp.h"
#include "object.h"

static void check(int cond, const char *what, const struct bo_object *o)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz_elf: %s (%s)\n", what, o ? o->err : "");
	abort();
}

/* CO-RE relocations from the (hostile) .BTF.ext, resolved against the
 * object's own BTF as the target and written into a copy of the program. */
static void core_self(const struct bo_object *o)
{
	struct btf b;
	struct btf *t[1] = { &b };
	size_t i, k;

	if (!o->btf || btf_open(&b, o->btf, o->btf_len, NULL, NULL)) {
		if (o->btf)
			btf_close(&b);
		return;
	}
	for (i = 0; i < o->nprogs; i++) {
		const struct bo_prog *p = &o->progs[i];
		struct bpf_insn *in = malloc(p->insn_cnt * sizeof(*in));

		check(in != NULL, "out of memory", o);
		memcpy(in, p->insns, p->insn_cnt * sizeof(*in));
		for (k = 0; k < p->ncore; k++) {
			struct bo_core_res res;
			const char *why = NULL;
			int err = bo_core_resolve(&b, t, 1, &p->core[k], &res, &why);

			if (!err)
				err = bo_core_patch(in, p->insn_cnt, &p->core[k], &res, &why);
			check(err >= 0 || why, "a CO-RE error without a message", o);
		}
		free(in);
	}
	btf_close(&b);
}

/* Parse and relocate as the loader does; 0 or -errno. */
static int parse(const struct elf_reader *r, const uint8_t *data, size_t size,
		 struct bo_object *o)
{
	int err = bo_object_parse(o, r, data, size, "fuzz.o", NULL);

	if (err) {
		check(err < 0, "an error that is not -errno", o);
		check(o->err[0] && memchr(o->err, '\0', sizeof(o->err)),
		      "an error without a message", o);
		check(o->nprogs == 0 && o->nmaps == 0, "a failed parse kept programs or maps", o);
		return err;
	}
	check(o->nprogs > 0, "an object without programs was accepted", o);
	check(bo_relocates(o), "a relocation does not land on its ld_imm64 and map", o);
	core_self(o);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bo_object a;
#ifdef FUZZ_READER_diff
	struct bo_object b;
	int ea = parse(&elf_reader_builtin, data, size, &a);
	int eb = parse(&elf_reader_libelf, data, size, &b);

	if (ea != eb || strcmp(a.err, b.err))
		fprintf(stderr, "builtin: %d %s\nlibelf:  %d %s\n", ea, a.err, eb, b.err);
	check(ea == eb, "the readers disagree on the error code", NULL);
	check(!strcmp(a.err, b.err), "the readers disagree on the message", NULL);
	if (!ea) {
		const char *d = bo_differs(&a, &b);

		if (d[0])
			fprintf(stderr, "the readers differ in %s\n", d);
		check(!d[0], "the readers parsed different objects", NULL);
		bo_object_free(&a);
		bo_object_free(&b);
	}
#else
#if defined(FUZZ_READER_builtin)
	const struct elf_reader *r = &elf_reader_builtin;
#elif defined(FUZZ_READER_libelf)
	const struct elf_reader *r = &elf_reader_libelf;
#else
#error "build with -DFUZZ_READER_builtin, -DFUZZ_READER_libelf or -DFUZZ_READER_diff"
#endif
	if (!parse(r, data, size, &a))
		bo_object_free(&a);
#endif
	return 0;
}
