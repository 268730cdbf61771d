// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define MAX_FILE (64u << 20)

int sa_read_file(struct sa_ctx *c, const char *path, void **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *b;
	int fd, err;

	/* O_NONBLOCK: opening a FIFO would wait for a writer forever; the
	 * S_ISREG check below refuses it.  Regular files ignore the flag. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return sa_fail(c, -errno, "object '%s'", path);
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return sa_fail(c, err, "object '%s'", path);
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		close(fd);
		return sa_failx(c, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				"object '%s' is not a regular file of at most %u bytes",
				path, MAX_FILE);
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		close(fd);
		return sa_failx(c, -ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			free(b);
			close(fd);
			return sa_fail(c, err, "object '%s': read", path);
		}
		got += (size_t)n;
	}
	close(fd);
	*buf = b;
	*len = got;
	return 0;
}

long sa_slurp(const char *path, char **buf, size_t max)
{
	size_t cap = 4096, len = 0;
	char *b = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !b) {
		int err = fd < 0 ? -errno : -ENOMEM;

		free(b);
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (;;) {
		if (len + 1 == cap) {
			if (cap >= max || !(nb = realloc(b, cap * 2))) {
				n = -1;
				errno = cap >= max ? EFBIG : ENOMEM;
				break;
			}
			b = nb;
			cap *= 2;
		}
		n = read(fd, b + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		int err = -errno;

		free(b);
		return err;
	}
	b[len] = '\0';
	*buf = b;
	return (long)len;
}

void sa_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

#ifndef CAP_BPF
#define CAP_BPF 39	/* Linux 5.8; before it, CAP_SYS_ADMIN */
#endif

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int sa_check_caps(struct sa_ctx *c, const char *what)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	int admin;

	if (syscall(SYS_capget, &h, d) < 0)
		return 0;	/* cannot tell: let the kernel decide */
	admin = has_cap(d, CAP_SYS_ADMIN);
	if ((admin || has_cap(d, CAP_BPF)) && (admin || has_cap(d, CAP_NET_ADMIN)))
		return 0;
	return sa_failx(c, -EPERM,
			"%s needs root, or CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN before Linux 5.8)",
			what);
}
