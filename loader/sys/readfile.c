// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/readfile.h"

#define MAX_FILE (64u << 20)

int sa_read_file(struct sa_ctx *c, const char *path, void **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *b = NULL;
	int fd, err = 0;

	/* O_NONBLOCK: opening a FIFO would wait for a writer forever; the
	 * S_ISREG check below refuses it.  Regular files ignore the flag. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = sa_fail(c, -errno, "object '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		err = sa_failx(c, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
			       "object '%s' is not a regular file of at most %u bytes",
			       path, MAX_FILE);
		goto out;
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		err = sa_oom(c);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = sa_fail(c, n < 0 ? -errno : -EIO, "object '%s': read", path);
			goto out;
		}
		got += (size_t)n;
	}
	*buf = b;
	*len = got;
	b = NULL;
out:
	free(b);
	if (fd >= 0)
		close(fd);
	return err;
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


long sa_last_number(const char *path)
{
	char *text, *p;
	long n = sa_slurp(path, &text, 4096), v = 0, last = -EINVAL;

	if (n < 0)
		return n;
	for (p = text; *p; p++) {
		v = *p >= '0' && *p <= '9' && v < (1L << 40) ? v * 10 + (*p - '0') : 0;
		if (v || *p == '0')
			last = v;
	}
	free(text);
	return last;
}
