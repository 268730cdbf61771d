// SPDX-License-Identifier: GPL-2.0
/*
 * capexec ROOT CAPS CMD [ARG...]: what a container runtime does last,
 * for the image test (tests/deploy/image.t): chroot to ROOT, keep only the
 * capabilities CAPS ("bpf,net_admin": the names after CAP_, lower case) in
 * the bounding set, set no_new_privs, exec CMD (a path inside ROOT).  As
 * root, the new program's capabilities are then exactly CAPS.
 */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct { const char *name; int cap; } caps[] = {
	{ "bpf", CAP_BPF }, { "net_admin", CAP_NET_ADMIN }, { "sys_admin", CAP_SYS_ADMIN },
	{ "perfmon", CAP_PERFMON }, { "sys_resource", CAP_SYS_RESOURCE },
};

int main(int argc, char **argv)
{
	int keep[CAP_LAST_CAP + 1] = { 0 };
	char *list, *tok;
	size_t i;
	int c;

	if (argc < 4) {
		fprintf(stderr, "usage: capexec ROOT CAPS CMD [ARG...]\n");
		return 2;
	}
	list = argv[2];
	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]) && strcmp(caps[i].name, tok); i++)
			;
		if (i == sizeof(caps) / sizeof(caps[0])) {
			fprintf(stderr, "capexec: unknown capability '%s'\n", tok);
			return 2;
		}
		keep[caps[i].cap] = 1;
	}
	if (chroot(argv[1]) || chdir("/")) {
		perror("capexec: chroot");
		return 1;
	}
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (!keep[c] && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && c <= CAP_BPF) {
			perror("capexec: PR_CAPBSET_DROP");
			return 1;
		}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("capexec: PR_SET_NO_NEW_PRIVS");
		return 1;
	}
	execv(argv[3], argv + 3);
	perror("capexec: exec");
	return 127;
}
