// SPDX-License-Identifier: GPL-2.0
/*
 * test_malformed: every object of a corpus (tests/data/malformed/) through
 * every ELF reader, with the verdict its MANIFEST gives: rejected with a
 * message containing the expected words, or parsed.  Both readers must
 * agree exactly: the same error code and message, or the same object down
 * to the last instruction and relocation.  No kernel.
 *
 * Usage: test_malformed DIR...  (each DIR has a MANIFEST: FILE<TAB>expected)
 * Every *.o in DIR must be listed in one of its MANIFEST* files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "objcmp.h"
#include "object.h"
#include "tap.h"

static const struct elf_reader *readers[] = { &elf_reader_builtin, &elf_reader_libelf };
#define NREADERS (sizeof(readers) / sizeof(readers[0]))

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	b = malloc(n ? (size_t)n : 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void run_case(const char *dir, const char *file, const char *expect)
{
	char path[4096];
	struct bo_object o[NREADERS];
	int err[NREADERS];
	unsigned char *buf;
	size_t len, i;
	int want_ok = !strcmp(expect, "=ok");

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = slurp(path, &len);
	if (!ok(buf != NULL, "%s: readable", path))
		return;
	for (i = 0; i < NREADERS; i++) {
		/* A copy of exactly len bytes: ASan sees any read past the end. */
		unsigned char *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		err[i] = bo_object_parse(&o[i], readers[i], copy, len, file, NULL);
		free(copy);
		if (want_ok) {
			if (!ok(err[i] == 0, "[%s] %s: parses", readers[i]->name, file))
				diag("error: %s", o[i].err);
			else
				ok(bo_relocates(&o[i]), "[%s] %s: relocates", readers[i]->name, file);
		} else if (!ok(err[i] < 0 && strstr(o[i].err, expect),
			       "[%s] %s: rejected: %s", readers[i]->name, file, expect)) {
			diag("got: %s", err[i] ? o[i].err : "(accepted)");
		}
	}
	for (i = 1; i < NREADERS; i++) {
		const char *d = err[0] || err[i] ? "" : bo_differs(&o[0], &o[i]);

		if (!ok(err[0] == err[i] && !strcmp(o[0].err, o[i].err) && !d[0],
			"%s: %s and %s agree", file, readers[0]->name, readers[i]->name)) {
			diag("%s: %d %s", readers[0]->name, err[0], o[0].err);
			diag("%s: %d %s%s%s", readers[i]->name, err[i], o[i].err, d[0] ? " differ in " : "", d);
		}
	}
	for (i = 0; i < NREADERS; i++)
		if (!err[i])
			bo_object_free(&o[i]);
	free(buf);
}

/* Run the cases of one manifest; their file names into *listed. */
static int run_manifest(const char *dir, const char *name, char ***listed, size_t *nlisted)
{
	char path[4096], line[1024];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (nl)
			*nl = '\0';
		if (!ok(tab && tab[1], "%s: '%s' is FILE<TAB>expected", path, line))
			continue;
		*tab = '\0';
		run_case(dir, line, tab + 1);
		*listed = realloc(*listed, (*nlisted + 1) * sizeof(**listed));
		(*listed)[(*nlisted)++] = strdup(line);
		n++;
	}
	fclose(f);
	return n;
}

static void run_dir(const char *dir)
{
	char **listed = NULL;
	size_t nlisted = 0, i;
	struct dirent *de;
	int cases = 0, r;
	DIR *d = opendir(dir);

	if (!ok(d != NULL, "%s: corpus directory", dir))
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "MANIFEST", 8))
			continue;
		r = run_manifest(dir, de->d_name, &listed, &nlisted);
		ok(r > 0, "%s/%s: %d cases", dir, de->d_name, r);
		cases += r > 0 ? r : 0;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		int found = 0;

		if (n < 3 || strcmp(de->d_name + n - 2, ".o"))
			continue;
		for (i = 0; i < nlisted && !found; i++)
			found = !strcmp(listed[i], de->d_name);
		ok(found, "%s/%s is in a MANIFEST", dir, de->d_name);
	}
	closedir(d);
	diag("%s: %d cases, %zu readers", dir, cases, NREADERS);
	for (i = 0; i < nlisted; i++)
		free(listed[i]);
	free(listed);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		printf("Bail out! usage: test_malformed CORPUS_DIR...\n");
		return 1;
	}
	for (i = 1; i < argc; i++)
		run_dir(argv[i]);
	return done_testing();
}
