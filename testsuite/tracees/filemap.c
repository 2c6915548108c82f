/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fd, append and mremap checks. Usage: filemap deny|allow DIR
 *   deny:  the default policy plus append+DIR/ *.log
 *   allow: -m default/fd:allow -m default/mremap:allow, no append rule
 * Calls the kernel itself refuses fail the same way in both modes; in
 * deny mode memtrace refuses them first and writes a record.
 */
#include <fcntl.h>

#include "tracee.h"

static void rec(const char *call, const char *err, const char *what,
		const char *path, const char *tip)
{
	if (!tracee_deny)
		return;
	printf("memtrace: deny x86_64 %s = -%s; %s", call, err, what);
	if (path)
		printf("; path %s", path);
	printf("; tip: -m %s\n", tip);
}

static int make_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CREAT | O_CLOEXEC, 0644);
	unsigned char page[4096];

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	elf_stub_page(page);
	if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
		perror("write");
		exit(1);
	}
	return fd;
}

static void fd_checks(const char *dir)
{
	char path[4096], call[512];
	snprintf(path, sizeof(path), "%s/code.bin", dir);
	int rw = make_file(path, O_RDWR);
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, rw,
			  0);
	snprintf(call, sizeof(call), "mmap(NULL, 4096, PROT_READ|PROT_EXEC, "
		 "MAP_PRIVATE, %d, 0)", rw);
	rec(call, "EACCES", "fd: executable mapping of a file open for "
	    "writing", path, "default/fd:allow");
	if (tracee_deny)
		expect_errno("exec map of rw fd", r, EACCES);
	else
		expect_result("exec map of rw fd", r, 0);

	int ro = open(path, O_RDONLY | O_CLOEXEC);
	expect_result("exec map of ro fd", raw_mmap(NULL, 4096, PROT_READ |
		      PROT_EXEC, MAP_PRIVATE, ro, 0), 0);

	/* An fd that is not open: EBADF, from memtrace or the kernel,
	 * without a record (Syd's silent EBADF). */
	r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, 200, 0);
	expect_errno("exec map of a closed fd", r, EBADF);
}

static void append_checks(const char *dir)
{
	char path[4096], other[4096], call[512];
	snprintf(path, sizeof(path), "%s/journal.log", dir);
	snprintf(other, sizeof(other), "%s/journal.dat", dir);
	int fd = make_file(path, O_RDWR | O_APPEND);
	long r = raw_mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	snprintf(call, sizeof(call), "mmap(NULL, 4096, PROT_READ, MAP_SHARED, "
		 "%d, 0)", fd);
	if (tracee_deny) {
		char what[4200], tip[4200];
		snprintf(what, sizeof(what), "append: shared mapping of an "
			 "append-only file (rule append+%s/*.log)", dir);
		snprintf(tip, sizeof(tip), "append-%s/*.log", dir);
		rec(call, "EPERM", what, path, tip);
		expect_errno("shared map of an append-only file", r, EPERM);
	} else {
		expect_result("shared map of an append-only file", r, 0);
	}
	/* Private mappings never reach the file. */
	expect_result("private map of an append-only file", raw_mmap(NULL,
		      4096, PROT_READ, MAP_PRIVATE, fd, 0), 0);
	/* No rule matches the other file, but its fd is writable and
	 * O_APPEND while append rules exist: refused (Syd's rule). */
	int o = make_file(other, O_RDWR | O_APPEND);
	r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, o, 0);
	snprintf(call, sizeof(call), "mmap(NULL, 4096, PROT_READ|PROT_WRITE, "
		 "MAP_SHARED, %d, 0)", o);
	if (tracee_deny) {
		rec(call, "EPERM", "append: shared mapping of a writable "
		    "O_APPEND fd while append rules are in force", other,
		    "default/append:allow");
		expect_errno("shared map of an unmatched O_APPEND file", r,
			     EPERM);
	} else {
		expect_result("shared map of an unmatched O_APPEND file", r,
			      0);
	}
}

static long raw_mremap(long a, long ol, long nl, long fl, long na)
{
	return ret_of(syscall(SYS_mremap, a, ol, nl, fl, na));
}

static void mremap_one(long a, long ol, long nl, long fl, long na,
		       const char *flags, const char *why)
{
	char call[512], what[256];
	long r = raw_mremap(a, ol, nl, fl, na);

	snprintf(call, sizeof(call), "mremap(%s%#lx, %ld, %ld, %s, %s%#lx)",
		 "", a, ol, nl, flags, "", na);
	/* format_call prints NULL for a zero address. */
	if (!na)
		snprintf(call, sizeof(call), "mremap(%#lx, %ld, %ld, %s, NULL)",
			 a, ol, nl, flags);
	snprintf(what, sizeof(what), "mremap: invalid mremap: %s", why);
	rec(call, "EINVAL", what, NULL, "default/mremap:allow");
	expect_errno(why, r, EINVAL);
}

static void mremap_checks(void)
{
	long a = raw_mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_result("mmap for mremap", a, 0);
	mremap_one(a, 4096, 8192, 8 | 1, 0, "MREMAP_MAYMOVE|0x8",
		   "unknown flags");
	mremap_one(a + 1, 4096, 8192, 1, 0, "MREMAP_MAYMOVE",
		   "old address is not page-aligned");
	mremap_one(a, 4096, 0, 1, 0, "MREMAP_MAYMOVE", "new size is zero");
	mremap_one(a, 4096, 4096, 2, a + 8192, "MREMAP_FIXED",
		   "MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE");
	mremap_one(a, 4096, 8192, 1 | 4, 0, "MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
		   "MREMAP_DONTUNMAP with different sizes");
	mremap_one(a, 4096, 4096, 1 | 2, a + 8192 + 5,
		   "MREMAP_MAYMOVE|MREMAP_FIXED",
		   "new address is not page-aligned");
	/* Valid calls pass: a shrink, and a growth that may move. */
	expect_result("mremap shrink", raw_mremap(a, 3 * 4096, 4096, 0, 0),
		      0);
	expect_result("mremap grow", raw_mremap(a, 4096, 16384, 1, 0), 0);
}

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	if (argc < 3) {
		fprintf(stderr, "usage: filemap deny|allow DIR\n");
		return 2;
	}
	fd_checks(argv[2]);
	append_checks(argv[2]);
	mremap_checks();
	return tracee_exit();
}
