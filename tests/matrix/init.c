// SPDX-License-Identifier: GPL-2.0
/*
 * init: PID 1 of the kernel matrix's initramfs (tests/boot/matrix.t).
 * Static, musl.  The initramfs holds this program and the kernel's own
 * modules for virtio and virtiofs (/modules/order lists them, dependencies
 * first); the host shares its root file system over virtiofs.
 *
 * init loads the modules, mounts the host's root read-only on /host, mounts
 * proc, sysfs, devtmpfs and tmpfs for the writable places under it, chroots
 * there and runs
 *     /bin/bash $sa_top/tests/matrix/guest.sh
 * (sa_top comes from the kernel command line: the kernel hands init every
 * unknown name=value parameter as an environment variable).  When that
 * ends, init powers the machine off.  Every line init prints starts with
 * "SA-INIT" and goes to the console (ttyS0); the tests' results go to the
 * second serial port (ttyS1), which the guest script writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOST "/host"
#define TAG "hostroot"		/* -device vhost-user-fs-pci,tag=... */

static void console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void fail(const char *what)
{
	printf("SA-INIT FAIL: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	power_off();
}

/* /modules/order: one module name a line, dependencies first. */
static void load_modules(void)
{
	char name[128], path[192];
	FILE *f = fopen("/modules/order", "r");

	if (!f)
		return;
	while (fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = 0;
		if (!name[0])
			continue;
		snprintf(path, sizeof(path), "/modules/%s.ko", name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail(path);
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			fail(path);
		close(fd);
	}
	fclose(f);
}

static const struct {
	const char *type, *dir;
	unsigned long flags;
} mounts[] = {
	{ "proc", HOST "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", HOST "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs", HOST "/dev", MS_NOSUID },
	{ "tmpfs", HOST "/dev/shm", MS_NOSUID | MS_NODEV },
	{ "devpts", HOST "/dev/pts", MS_NOSUID | MS_NOEXEC },
	{ "tmpfs", HOST "/tmp", MS_NOSUID | MS_NODEV },
	{ "tmpfs", HOST "/var/tmp", MS_NOSUID | MS_NODEV },
	{ "tmpfs", HOST "/run", MS_NOSUID | MS_NODEV },
	{ "cgroup2", HOST "/sys/fs/cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "bpf", HOST "/sys/fs/bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC },
};

/* mkdir -p: the directories down to a hidden checkout, in a tmpfs. */
static void make_path(char *path)
{
	char *p;

	for (p = path + 1; (p = strchr(p, '/')); *p++ = '/') {
		*p = 0;
		mkdir(path, 0755);
	}
	mkdir(path, 0755);
}

int main(void)
{
	const char *top = getenv("sa_top");
	char script[512], checkout[512];
	struct stat before, after;
	int keep;
	unsigned i;
	pid_t pid;
	int st;

	console();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!top)
		top = "/";
	load_modules();
	mkdir(HOST, 0755);
	/* virtiofs registers its tag when the device is probed, which may
	 * come a little after its module loaded. */
	for (i = 0; mount(TAG, HOST, "virtiofs", MS_RDONLY, NULL); i++) {
		if (i == 50)
			fail("mount virtiofs " TAG);
		usleep(100000);
	}
	/* A checkout under /tmp, /var/tmp or /run (make test in a scratch
	 * clone) would be hidden by the tmpfs mounted there below: hold it
	 * with a bind mount first, and put it back in its place after. */
	snprintf(checkout, sizeof(checkout), HOST "%s", top);
	mkdir("/checkout", 0755);
	keep = !stat(checkout, &before) && !mount(checkout, "/checkout", NULL, MS_BIND, NULL);
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		if (mkdir(mounts[i].dir, 0755), mount(mounts[i].type, mounts[i].dir, mounts[i].type, mounts[i].flags, NULL))
			fail(mounts[i].dir);
	if (keep && (stat(checkout, &after) || after.st_dev != before.st_dev || after.st_ino != before.st_ino)) {
		make_path(checkout);
		if (mount("/checkout", checkout, NULL, MS_BIND, NULL))
			fail(checkout);
		printf("SA-INIT %s was under a tmpfs: bound back in its place\n", top);
	}
	/* udev's links: bash's <(...) reads /dev/fd/N. */
	symlink("/proc/self/fd", HOST "/dev/fd");
	symlink("/proc/self/fd/0", HOST "/dev/stdin");
	symlink("/proc/self/fd/1", HOST "/dev/stdout");
	symlink("/proc/self/fd/2", HOST "/dev/stderr");
	snprintf(script, sizeof(script), "%s/tests/matrix/guest.sh", top);
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		if (chroot(HOST) || chdir("/"))
			fail("chroot " HOST);
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
		setenv("HOME", "/tmp", 1);
		execl("/bin/bash", "bash", script, (char *)NULL);
		fail(script);
	}
	/* PID 1 reaps every orphan; the script's end is the machine's end. */
	while (wait(&st) != pid)
		;
	printf("SA-INIT guest.sh exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	power_off();
}
