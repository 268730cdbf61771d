// SPDX-License-Identifier: GPL-2.0
/*
 * tiny_libc.c: the printf family and malloc of the static build only.
 *
 * musl's printf brings floating-point formatting and the FILE machinery,
 * its malloc a hardened allocator: about 25 KiB of a 64 KiB budget, for
 * things sockaccel never does; its strerror() a table of every errno
 * (2 KiB).  These versions cover what sockaccel does: integer
 * and string conversions written straight to fds 1 and 2 (so stdout and
 * stderr never interleave out of order), and an allocator for a process
 * that lives for milliseconds.  The default build uses the C library's;
 * the formatter and the errno texts live in tiny_fmt.c, which
 * tests/unit/test_tiny_fmt.c checks against glibc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libc/tiny_fmt.h"

/* ---- stdout and stderr are just their fds ---- */
FILE *const stdout = (FILE *)(uintptr_t)1;
FILE *const stderr = (FILE *)(uintptr_t)2;

static int fd_of(FILE *f)
{
	return f == stdout ? 1 : 2;
}

int vsnprintf(char *buf, size_t cap, const char *f, va_list ap)
{
	return tiny_vsnprintf(buf, cap, f, ap);
}

int snprintf(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, INT_MAX, f, ap);	/* as musl's: no limit but int's */
	va_end(ap);
	return n;
}

int vfprintf(FILE *fp, const char *f, va_list ap)
{
	return tiny_vdprintf(fd_of(fp), f, ap);
}

int fprintf(FILE *fp, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vfprintf(fp, f, ap);
	va_end(ap);
	return n;
}

int printf(const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vfprintf(stdout, f, ap);
	va_end(ap);
	return n;
}

/* The compiler turns some printf calls into these. */
size_t fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	tiny_write(fd_of(fp), p, size * n);
	return n;
}

int fputs(const char *str, FILE *fp)
{
	fwrite(str, 1, strlen(str), fp);
	return 0;
}

int fputc(int c, FILE *fp)
{
	char ch = (char)c;

	fwrite(&ch, 1, 1, fp);
	return c;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int puts(const char *str)
{
	fputs(str, stdout);
	return fputc('\n', stdout) < 0 ? -1 : 0;
}

char *strerror(int no)
{
	return (char *)tiny_strerror(no);
}

/* ---- the system calls themselves ---- */
/*
 * On x86_64 a C function's first three arguments arrive in %rdi, %rsi and
 * %rdx, where the kernel wants them (a 4th: %rcx, the kernel's %r10).  So
 * each call below is: its number in %eax, syscall, and musl's
 * __syscall_ret() to turn -4095..-1 into errno; 15 or 18 bytes.  musl's
 * versions add what sockaccel never needs: stat(), lstat() and fstat() go
 * through fstatat(), which converts the kernel's struct (on x86_64 it is
 * musl's, byte for byte) with fallbacks for kernels before 2.6.39 (0.7 KiB);
 * open() and socket() fall back for kernels without O_CLOEXEC (2.6.23) or
 * SOCK_CLOEXEC (2.6.27), long before bpf() (3.18); read(), write() and
 * poll() are thread cancellation points; readlink() of size 0.
 * open() passes its mode as is: the kernel reads it only with O_CREAT or
 * O_TMPFILE, when the caller passes one.
 */
#if defined(__x86_64__)
#define NR_(n) #n
#define NR(n) NR_(n)
#define SYSCALL3(n) __asm__("mov $" NR(n) ", %eax\n\tsyscall\n\tmov %rax, %rdi\n\tjmp __syscall_ret")
#define SYSCALL5(n) __asm__("mov %rcx, %r10\n\t"); SYSCALL3(n)
#define NAKED __attribute__((naked))
#define A __attribute__((unused))

NAKED int stat(const char *p A, struct stat *st A) { SYSCALL3(SYS_stat); }
NAKED int lstat(const char *p A, struct stat *st A) { SYSCALL3(SYS_lstat); }
NAKED int fstat(int fd A, struct stat *st A) { SYSCALL3(SYS_fstat); }
NAKED int statfs(const char *p A, struct statfs *st A) { SYSCALL3(SYS_statfs); }
NAKED int fstatfs(int fd A, struct statfs *st A) { SYSCALL3(SYS_fstatfs); }
NAKED int open(const char *p A, int flags A, ...) { SYSCALL3(SYS_open); }
NAKED ssize_t read(int fd A, void *b A, size_t n A) { SYSCALL3(SYS_read); }
NAKED ssize_t write(int fd A, const void *b A, size_t n A) { SYSCALL3(SYS_write); }
NAKED ssize_t readlink(const char *restrict p A, char *restrict b A, size_t n A) { SYSCALL3(SYS_readlink); }
NAKED int socket(int d A, int t A, int pr A) { SYSCALL3(SYS_socket); }
NAKED int poll(struct pollfd *f A, nfds_t n A, int ms A) { SYSCALL3(SYS_poll); }
NAKED int access(const char *p A, int m A) { SYSCALL3(SYS_access); }
NAKED int mkdir(const char *p A, mode_t m A) { SYSCALL3(SYS_mkdir); }
NAKED int rmdir(const char *p A) { SYSCALL3(SYS_rmdir); }
NAKED int unlink(const char *p A) { SYSCALL3(SYS_unlink); }
NAKED int rename(const char *a A, const char *b A) { SYSCALL3(SYS_rename); }
NAKED int symlink(const char *a A, const char *b A) { SYSCALL3(SYS_symlink); }
NAKED int flock(int fd A, int op A) { SYSCALL3(SYS_flock); }
NAKED int uname(struct utsname *u A) { SYSCALL3(SYS_uname); }
NAKED int mount(const char *s A, const char *t A, const char *fs A, unsigned long fl A,
		const void *d A) { SYSCALL5(SYS_mount); }

#undef NAKED
#undef A

/* Linux closes the fd even when close() says EINTR: musl's answer, 0, so
 * that nobody closes it again. */
int close(int fd)
{
	int r = (int)syscall(SYS_close, fd);

	return r && errno == EINTR ? 0 : r;
}

/* The same for syscall(): the number moves to %rax, the arguments one
 * register down (the 6th from the stack).  musl's takes them through
 * va_arg and checks a stack canary: 0.1 KiB. */
__attribute__((naked)) long syscall(long n __attribute__((unused)), ...)
{
	__asm__("mov %rdi, %rax\n\t"
		"mov %rsi, %rdi\n\t"
		"mov %rdx, %rsi\n\t"
		"mov %rcx, %rdx\n\t"
		"mov %r8, %r10\n\t"
		"mov %r9, %r8\n\t"
		"mov 8(%rsp), %r9\n\t"
		"syscall\n\t"
		"mov %rax, %rdi\n\t"
		"jmp __syscall_ret");
}

/* ---- start-up: no thread-local storage ---- */
/*
 * musl's start-up (__init_libc, __init_tls: 1.3 KiB) reads the aux vector,
 * copies the TLS image into a thread control block and seeds the stack
 * protector.  sockaccel is one thread with no thread-local variables, and
 * its C library calls need only two things of the thread pointer: errno,
 * a plain int below, and the canary that Debian's musl, built with the
 * stack protector, checks at %fs:0x28 (the x86_64 ABI's slot) in functions
 * with arrays on the stack (its syscall() and readlink() did, before ours
 * above): a static block holds it, so a musl function added later works.
 * musl opens /dev/null on closed fds 0-2 for set-id programs; here always,
 * so that no file sockaccel opens ever receives what it prints.
 */
static int err_no;

int *__errno_location(void)
{
	return &err_no;
}
int *___errno_location(void) __attribute__((const, alias("__errno_location")));	/* musl's own name */

_Noreturn void exit(int);

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv)
{
	static unsigned long tcb[6];
	long r;
	int fd;

	__asm__ volatile("syscall" : "=a"(r) : "a"(SYS_arch_prctl), "D"(0x1002 /* ARCH_SET_FS */), "S"(tcb)
			 : "rcx", "r11", "memory");
	for (fd = 0; fd < 3; fd++)
		if (syscall(SYS_fcntl, fd, F_GETFD) < 0)
			syscall(SYS_open, "/dev/null", O_RDWR);
	exit(main(argc, argv, argv + argc + 1));
}
#endif

/* ---- malloc: bump allocation from mmap'd arenas ---- */
/*
 * sockaccel allocates a few hundred KiB and exits.  Blocks come from 1 MiB
 * arenas in order; free() gives back the newest block (so grow-by-realloc
 * loops reuse their space) and large blocks, which have mappings of their
 * own.  Everything else is returned when the process ends.
 */
#define ARENA	(1u << 20)
#define LARGE	(ARENA / 4)
#define ALIGN	16

struct hdr {
	size_t size;	/* usable bytes; LARGE blocks have their own mapping */
	size_t mapped;	/* length of that mapping, 0 if in an arena */
};

static char *cur, *end;

/* The system calls themselves: musl's mmap() and munmap() also check
 * offsets and wait for a concurrent MAP_FIXED (0.3 KiB), neither of
 * which can happen here.  NULL when the kernel says no. */
static void *map(size_t len)
{
	long r = syscall(SYS_mmap, 0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return r == -1 ? NULL : (void *)r;
}

void *malloc(size_t n)
{
	struct hdr *h;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n >= LARGE) {
		size_t len = (n + sizeof(*h) + 4095) & ~(size_t)4095;
		void *m = map(len);

		if (!m) {
			errno = ENOMEM;
			return NULL;
		}
		h = m;
		h->size = n;
		h->mapped = len;
		/* gcc -flto -fipa-pta took these two stores for dead (the block
		 * comes from an integer, the syscall's result): a realloc() of
		 * it then copied 0 bytes, and free() left it mapped. */
		__asm__ volatile("" : : "r"(h) : "memory");
		return h + 1;
	}
	if (!cur || (size_t)(end - cur) < n + sizeof(*h)) {
		void *m = map(ARENA);

		if (!m) {
			errno = ENOMEM;
			return NULL;
		}
		cur = m;
		end = cur + ARENA;
	}
	h = (struct hdr *)cur;
	h->size = n;
	h->mapped = 0;
	cur += sizeof(*h) + n;
	return h + 1;
}

void free(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;

	if (!p)
		return;
	if (h->mapped)
		syscall(SYS_munmap, h, h->mapped);
	else if ((char *)p + h->size == cur)
		cur = (char *)h;
}

void *calloc(size_t a, size_t b)
{
	void *p;

	if (b && a > SIZE_MAX / b) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(a * b);
	if (p)
		memset(p, 0, a * b);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct hdr *h = (struct hdr *)p - 1;
	void *np;

	if (!p)
		return malloc(n);
	if (n <= h->size)
		return p;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!h->mapped && (char *)p + h->size == cur && n < LARGE &&
	    (size_t)(end - (char *)p) >= n) {
		cur = (char *)p + n;	/* the newest block grows in place */
		h->size = n;
		return p;
	}
	np = malloc(n);
	if (np) {
		memcpy(np, p, h->size);
		free(p);
	}
	return np;
}
