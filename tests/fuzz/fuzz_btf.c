// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_btf: libFuzzer target for a target BTF file (what `--btf FILE` or
 * /sys/kernel/btf/vmlinux hands the loader): the bytes are opened as BTF
 * and every CO-RE relocation of a real object (FUZZ_CORE_OBJ, default
 * build/tests/data/core_sockops.bpf.o) is resolved against them and
 * written into its instructions; then the same with the bytes as a
 * module's split BTF on top of the object's own BTF.  A crash, a sanitizer
 * report, a leak or a hang is a finding; refusing the bytes is fine.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_relo.h"
#include "object.h"

static struct bo_object obj;
static struct btf local;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_CORE_OBJ");
	static uint8_t buf[1 << 20];
	FILE *f;
	size_t n;

	(void)argc;
	(void)argv;
	f = fopen(path ? path : "build/tests/data/core_sockops.bpf.o", "rb");
	n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	if (!n || bo_object_parse(&obj, &elf_reader_builtin, buf, n, "core.o", NULL) ||
	    !obj.btf || btf_open(&local, obj.btf, obj.btf_len, NULL, NULL)) {
		fprintf(stderr, "fuzz_btf: cannot read the CO-RE object (set FUZZ_CORE_OBJ): %s\n", obj.err);
		exit(1);
	}
	return 0;
}

static void resolve_all(struct btf *t)
{
	struct btf *targ[1] = { t };
	size_t i, k;

	for (i = 0; i < obj.nprogs; i++) {
		const struct bo_prog *p = &obj.progs[i];
		struct bpf_insn *in = malloc(p->insn_cnt * sizeof(*in));

		if (!in)
			abort();
		memcpy(in, p->insns, p->insn_cnt * sizeof(*in));
		for (k = 0; k < p->ncore; k++) {
			struct bo_core_res res;
			const char *why = NULL;
			int err = bo_core_resolve(&local, targ, 1, &p->core[k], &res, &why);

			if (!err)
				err = bo_core_patch(in, p->insn_cnt, &p->core[k], &res, &why);
			if (err < 0 && !why) {
				fprintf(stderr, "fuzz_btf: an error without a message\n");
				abort();
			}
			if (err < 0)
				break;	/* the loader stops at the first error too */
		}
		free(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	struct btf t;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!btf_open(&t, copy, size, NULL, NULL))
		resolve_all(&t);
	btf_close(&t);
	if (!btf_open(&t, copy, size, &local, NULL))
		resolve_all(&t);
	btf_close(&t);
	free(copy);
	return 0;
}
