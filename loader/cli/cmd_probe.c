// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_probe.c: `sockaccel probe [--json]`: the rows of load/probe.c's table
 * as this kernel answers them.  Unprivileged, the kernel refuses most
 * probes (EPERM); those rows say so instead of guessing.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "load/probe.h"

int cmd_probe(struct sa_args *a)
{
	struct utsname u;
	unsigned int i, unknown = 0;
	const struct sa_feature *missing = NULL;
	static const char *const word[] = { "no", "yes", "?" };

	if (uname(&u))
		strcpy(u.release, "unknown");
	if (a->json) {
		printf("{\"kernel\":");
		sa_json_str(stdout, u.release);
		printf(",\"features\":[");
	} else {
		printf("sockaccel probe: Linux %s\nhas  since  feature\n", u.release);
	}
	for (i = 0; i < sa_nfeatures; i++) {
		const struct sa_feature *f = &sa_features[i];
		const char *since = sa_feature_word(f, SA_F_SINCE), *what = sa_feature_word(f, SA_F_WHAT);
		int r = sa_probe(f);

		if (r < 0) {
			unknown++;
			r = 2;
		} else if (!r && f->install && !missing) {
			missing = f;
		}
		if (a->json) {
			printf("%s{\"id\":\"%s\",\"present\":%s,\"since\":\"%s\",\"what\":", i ? "," : "",
			       f->words, r == 2 ? "null" : r ? "true" : "false", since);
			sa_json_str(stdout, what);
			printf(",\"how\":");
			sa_json_str(stdout, sa_probe_how(f->kind));
			printf("}");
		} else {
			printf("%-4s %-6s %s%s\n", word[r], since, what,
			       f->install ? "" : " (not needed by install)");
		}
	}
	if (a->json) {
		printf("],\"unknown\":%u,\"install\":%s}\n", unknown,
		       missing ? "false" : unknown ? "null" : "true");
		return 0;
	}
	if (unknown)
		printf("%u features could not be probed: the kernel refused the probe "
		       "(run as root, or with CAP_BPF)\n", unknown);
	if (missing)
		printf("install: not possible: this kernel has no %s (Linux %s)\n",
		       sa_feature_word(missing, SA_F_WHAT), sa_feature_word(missing, SA_F_SINCE));
	else
		printf("install: %s\n", unknown ? "unknown" : "possible");
	return 0;
}
