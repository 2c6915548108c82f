/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The answer a call gets when several checks have something to say:
 * Syd's order, errnos and records. Usage: order deny STEP [ARGS]
 * (the policy each step needs is the case script's, see
 * testsuite/cases/order.sh). Each step prints the records memtrace
 * must write and checks the result itself.
 *
 *   mremap          mremap(a, 4096, 1 GiB, 8): EINVAL, under any limit
 *   append-fd DIR   W^X warns, then append refuses (EPERM, not the fd
 *                   check's EACCES): two records
 *   badf            an exec mapping of fd 200 (not open): EBADF, no
 *                   record, whatever default/fd says
 *   wx-fd DIR       an exec mapping through a writable fd, under
 *                   trace/allow_unsafe_exec_memory:1: allowed
 *   append DIR      shared mappings through writable fds: of a file an
 *                   append rule names (O_RDWR, O_APPEND cleared) and of
 *                   a writable O_APPEND fd no rule names: EPERM
 *   force-stale FILE WANT GOT
 *                   FILE (a pinned library) changed through a shared
 *                   mapping whose page was already dirty, after it was
 *                   hashed: refused at its next mapping
 */
#include <fcntl.h>
#include <time.h>

#include "tracee.h"

static void rec(const char *act, const char *call, const char *err,
		const char *tail)
{
	printf("memtrace: %s %s %s", act, PERS, call);
	if (err)
		printf(" = -%s", err);
	printf("; %s\n", tail);
}

static int make_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	unsigned char page[4096];

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	elf_stub_page(page);
	if (pwrite(fd, page, sizeof(page), 0) != (ssize_t)sizeof(page)) {
		perror("write");
		exit(1);
	}
	return fd;
}

static void mmap_call(char *buf, size_t len, const char *prot,
		      const char *flags, int fd)
{
	snprintf(buf, len, "mmap(NULL, 4096, %s, %s, %d, 0)", prot, flags,
		 fd);
}

static void step_mremap(void)
{
	char call[256];
	long a = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect_result("mmap for mremap", a, 0);
	snprintf(call, sizeof(call), "mremap(%#lx, 4096, 1073741824, 0x8, "
		 "NULL)", a);
	rec("deny", call, "EINVAL", "mremap: invalid mremap: unknown flags; "
	    "tip: -m default/mremap:allow");
	long r = ret_of(syscall(SYS_mremap, a, 4096L, 1L << 30, 8L, 0L));
	expect_errno("mremap with an unknown flag", r, EINVAL);
}

static void step_append_fd(const char *dir)
{
	char path[4096], call[256], tail[8400];
	snprintf(path, sizeof(path), "%s/fd.log", dir);
	int fd = make_file(path, O_RDWR | O_APPEND);

	mmap_call(call, sizeof(call), "PROT_READ|PROT_EXEC", "MAP_SHARED", fd);
	rec("warn", call, NULL, "wx: executable shared mapping; tip: -m "
	    "trace/allow_unsafe_exec_memory:1");
	snprintf(tail, sizeof(tail), "append: shared mapping of an "
		 "append-only file (rule append+%s/*.log); path %s; tip: -m "
		 "append-%s/*.log", dir, path, dir);
	rec("deny", call, "EPERM", tail);
	expect_errno("shared exec mapping of an append-only file",
		     raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED,
			      fd, 0), EPERM);
}

static void step_badf(void)
{
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			  200, 0);

	expect_errno("exec mapping of fd 200", r, EBADF);
}

static void step_wx_fd(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/code.bin", dir);
	int fd = make_file(path, O_RDWR);

	expect_result("exec mapping through a writable fd",
		      raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			       fd, 0), 0);
}

static void append_one(const char *what, int fd, const char *tail)
{
	char call[256];

	mmap_call(call, sizeof(call), "PROT_READ|PROT_WRITE", "MAP_SHARED",
		  fd);
	rec("deny", call, "EPERM", tail);
	expect_errno(what, raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0), EPERM);
}

static void step_append(const char *dir)
{
	char named[4096], other[4096], tail[8400];
	snprintf(named, sizeof(named), "%s/journal.log", dir);
	snprintf(other, sizeof(other), "%s/data.bin", dir);

	snprintf(tail, sizeof(tail), "append: shared mapping of an "
		 "append-only file (rule append+%s/*.log); path %s; tip: -m "
		 "append-%s/*.log", dir, named, dir);
	/* Opened O_RDWR, as memtrace does not see (or rewrite) opens. */
	int rw = make_file(named, O_RDWR);
	append_one("shared map of an append-only file through O_RDWR", rw,
		   tail);
	/* O_APPEND cleared with F_SETFL. */
	int ap = make_file(named, O_RDWR | O_APPEND);
	if (fcntl(ap, F_SETFL, 0) < 0) {
		perror("F_SETFL");
		exit(1);
	}
	append_one("shared map after F_SETFL cleared O_APPEND", ap, tail);
	/* No rule names it, but the fd has O_APPEND (Syd's rule). */
	int o = make_file(other, O_RDWR | O_APPEND);
	snprintf(tail, sizeof(tail), "append: shared mapping of a writable "
		 "O_APPEND fd while append rules are in force; path %s; tip: "
		 "-m default/append:allow", other);
	append_one("shared map of a writable O_APPEND fd", o, tail);
	/* Read-only fds cannot write through any mapping. */
	int ro = open(named, O_RDONLY | O_CLOEXEC);
	expect_result("shared map through a read-only fd",
		      raw_mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0), 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Byte 200 of the library becomes 'X' (testsuite/cases/files.sh's
 * libmod.so), WANT and GOT being the digests before and after. */
static void step_force_stale(const char *file, const char *want,
			     const char *got)
{
	char call[256], tail[8400];
	int w = open(file, O_RDWR | O_CLOEXEC);
	int r = open(file, O_RDONLY | O_CLOEXEC);
	if (w < 0 || r < 0) {
		perror(file);
		exit(1);
	}
	volatile char *m = (volatile char *)raw_mmap(NULL, 4096,
		PROT_READ | PROT_WRITE, MAP_SHARED, w, 0);
	expect_result("shared writable mapping", (long)m, 0);
	if (tracee_failed)
		return;
	char orig = m[200];
	m[200] = orig;		/* the page is dirty and writable now */

	expect_result("first exec mapping (digest matches)",
		      raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			       r, 0), 0);
	m[200] = 'X';		/* no fault: no time changes */
	mmap_call(call, sizeof(call), "PROT_READ|PROT_EXEC", "MAP_PRIVATE", r);
	snprintf(tail, sizeof(tail), "force: sha256 digest mismatch: expected "
		 "%s, got %s; path %s; tip: -m force+%s:sha256:%s", want, got,
		 file, file, got);
	rec("deny", call, "EACCES", tail);
	expect_errno("exec mapping after the change", raw_mmap(NULL, 4096,
		     PROT_READ | PROT_EXEC, MAP_PRIVATE, r, 0), EACCES);

	/* The writer gone, memtrace may cache the (bad) digest under a
	 * lease; opening the file for writing breaks it, and must not
	 * wait for the lease to time out. */
	munmap((void *)m, 4096);
	close(w);
	rec("deny", call, "EACCES", tail);
	expect_errno("exec mapping, writer gone", raw_mmap(NULL, 4096,
		     PROT_READ | PROT_EXEC, MAP_PRIVATE, r, 0), EACCES);
	double t0 = now();
	w = open(file, O_RDWR | O_CLOEXEC);
	if (w < 0 || pwrite(w, &orig, 1, 200) != 1) {
		perror("restore");
		exit(1);
	}
	close(w);
	if (now() - t0 > 5) {
		fprintf(stderr, "FAIL: opening the file for writing waited "
			"%.1f s (a lease not let go)\n", now() - t0);
		tracee_failed = 1;
	}
	expect_result("exec mapping, restored", raw_mmap(NULL, 4096,
		      PROT_READ | PROT_EXEC, MAP_PRIVATE, r, 0), 0);
}

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	const char *step = argc > 2 ? argv[2] : "";
	const char *a3 = argc > 3 ? argv[3] : NULL;

	if (!strcmp(step, "mremap"))
		step_mremap();
	else if (!strcmp(step, "badf"))
		step_badf();
	else if (a3 && !strcmp(step, "append-fd"))
		step_append_fd(a3);
	else if (a3 && !strcmp(step, "wx-fd"))
		step_wx_fd(a3);
	else if (a3 && !strcmp(step, "append"))
		step_append(a3);
	else if (argc > 5 && !strcmp(step, "force-stale"))
		step_force_stale(a3, argv[4], argv[5]);
	else {
		fprintf(stderr, "usage: order deny STEP [ARGS]\n");
		return 2;
	}
	return tracee_exit();
}
