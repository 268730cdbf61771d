// SPDX-License-Identifier: GPL-2.0
/*
 * pin_link: attach a loaded raw tracepoint program and pin the link.
 *
 *   pin_link PROG_PIN LINK_PIN TRACEPOINT
 *
 * The tests load the backpressure build of our programs with Debian's
 * bpftool (7.1), which loads and pins a raw tracepoint program but cannot
 * attach one.  Attaching is one command: BPF_RAW_TRACEPOINT_OPEN with the
 * tracepoint's name and the program fd (Linux 4.17) returns a link (an fd
 * that holds the attachment); pinning the link (5.7) keeps it after we
 * exit, and unlinking the pin detaches it.  This is also what the built-in
 * loader lacks to install the backpressure build itself.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

int main(int argc, char **argv)
{
	union bpf_attr a;
	int prog, link;

	if (argc != 4) {
		fprintf(stderr, "usage: pin_link PROG_PIN LINK_PIN TRACEPOINT\n");
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)argv[1];
	prog = sys_bpf(BPF_OBJ_GET, &a);
	if (prog < 0) {
		fprintf(stderr, "pin_link: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (unsigned long)argv[3];
	a.raw_tracepoint.prog_fd = prog;
	link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
	if (link < 0) {
		fprintf(stderr, "pin_link: attach %s to %s: %s\n", argv[1], argv[3], strerror(errno));
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)argv[2];
	a.bpf_fd = link;
	if (sys_bpf(BPF_OBJ_PIN, &a)) {
		fprintf(stderr, "pin_link: pin %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
