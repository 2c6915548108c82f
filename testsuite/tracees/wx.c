/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * W^X on the target's mapping call (mmap, arm's mmap2, s390x's
 * old_mmap), mprotect and pkey_mprotect, native personality. Built
 * for make check and, as t/xwx, by testsuite/cross/build.sh for every
 * cross target.
 */
#include <fcntl.h>

#include "tracee.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static void map_anon_rwx(void)
{
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  ANON, -1, 0);
	expect_wx_record(MMAP_NAME "NULL, 4096, PROT_READ|PROT_WRITE|"
			 "PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0" MMAP_END,
			 "writable and executable mapping");
	expect_result("mmap rwx anon", r, tracee_deny);
}

static void map_anon_rx(void)
{
	long r = raw_mmap(NULL, 8192, PROT_READ | PROT_EXEC, ANON, -1, 0);
	expect_wx_record(MMAP_NAME "NULL, 8192, PROT_READ|PROT_EXEC, "
			 "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0" MMAP_END,
			 "executable anonymous mapping");
	expect_result("mmap rx anon", r, tracee_deny);
}

static void map_file(int fd)
{
	char call[256];
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd,
			  0);
	snprintf(call, sizeof(call), MMAP_NAME "NULL, 4096, PROT_READ|"
		 "PROT_EXEC, MAP_SHARED, %d, 0" MMAP_END, fd);
	expect_wx_record(call, "executable shared mapping");
	expect_result("mmap rx shared file", r, tracee_deny);

	/* A private read-exec file mapping is how libraries load. */
	r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	expect_result("mmap rx private file", r, 0);

	r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		     MAP_PRIVATE, fd, 0);
	snprintf(call, sizeof(call), MMAP_NAME "NULL, 4096, PROT_READ|"
		 "PROT_WRITE|PROT_EXEC, MAP_PRIVATE, %d, 0" MMAP_END, fd);
	expect_wx_record(call, "writable and executable mapping");
	expect_result("mmap rwx private file", r, tracee_deny);
}

static void protect(void)
{
	char call[256];
	long a = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE, ANON, -1, 0);
	expect_result("mmap rw anon", a, 0);

	long r = raw_mprotect((void *)a, 4096, PROT_READ | PROT_EXEC);
	snprintf(call, sizeof(call), "mprotect(%#lx, 4096, PROT_READ|"
		 "PROT_EXEC)", (unsigned long)a);
	expect_wx_record(call, "making writable memory executable");
	expect_result("mprotect rw->rx", r, tracee_deny);

	r = raw_mprotect((void *)a, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	snprintf(call, sizeof(call), "mprotect(%#lx, 4096, PROT_READ|"
		 "PROT_WRITE|PROT_EXEC)", (unsigned long)a);
	expect_wx_record(call, "writable and executable protection");
	expect_result("mprotect rwx", r, tracee_deny);

	r = raw_pkey_mprotect((void *)a, 4096, PROT_READ | PROT_WRITE |
			      PROT_EXEC, -1);
	snprintf(call, sizeof(call), "pkey_mprotect(%#lx, 4096, PROT_READ|"
		 "PROT_WRITE|PROT_EXEC, -1)", (unsigned long)a);
	expect_wx_record(call, "writable and executable protection");
#ifndef __x86_64__
	/* Allowed, it reaches a kernel that may have no protection keys
	 * (arm64 before 6.12, riscv64, s390x, arm): ENOSYS is its answer.
	 * x86_64 kernels have had the call since 4.9. */
	if (!tracee_deny && r == -ENOSYS)
		r = 0;
#endif
	expect_result("pkey_mprotect rwx", r, tracee_deny);

	/* Read-only memory may not become executable either: it may
	 * have been written before (exec gain). */
	long b = raw_mmap(NULL, 4096, PROT_READ, ANON, -1, 0);
	expect_result("mmap r anon", b, 0);
	r = raw_mprotect((void *)b, 4096, PROT_READ | PROT_EXEC);
	snprintf(call, sizeof(call), "mprotect(%#lx, 4096, PROT_READ|"
		 "PROT_EXEC)", (unsigned long)b);
	expect_wx_record(call, "making non-executable memory executable");
	expect_result("mprotect r->rx", r, tracee_deny);
}

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("open /proc/self/exe");
		return 1;
	}
	map_anon_rwx();
	map_anon_rx();
	map_file(fd);
	protect();
	/* An ordinary anonymous mapping is never denied. */
	expect_result("mmap rw anon", raw_mmap(NULL, 65536, PROT_READ |
		      PROT_WRITE, ANON, -1, 0), 0);
	return tracee_exit();
}
