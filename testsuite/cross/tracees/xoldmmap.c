/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * s390x only: __NR_mmap (90) is old_mmap, one pointer to a block of six
 * 64-bit words. An allowed call (read-write), a denied one (RWX), the
 * same through glibc's mmap() (which builds the block itself), and a
 * block that is not readable (EFAULT, as the kernel would, no record).
 */
#include "../../tracees/tracee.h"

#ifndef __s390x__
#error "xoldmmap is an s390x tracee"
#endif

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);

	unsigned long block[6] = { 0, 4096, PROT_READ | PROT_WRITE, ANON,
				   (unsigned long)-1, 0 };
	long r = ret_of(syscall(90, block));
	expect_result("old_mmap rw", r, 0);
	if (r > 0 && ((char *)r)[0] == 0)
		((char *)r)[1] = 1;	/* really mapped, writable */

	block[2] = PROT_READ | PROT_WRITE | PROT_EXEC;
	r = ret_of(syscall(90, block));
	expect_wx_record("old_mmap({NULL, 4096, PROT_READ|PROT_WRITE|"
			 "PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0})",
			 "writable and executable mapping");
	expect_result("old_mmap rwx", r, tracee_deny);

	/* glibc's mmap() on s390x passes the same kind of block. */
	void *p = mmap(NULL, 12288, PROT_READ | PROT_EXEC, ANON, -1, 0);
	r = p == MAP_FAILED ? -errno : (long)p;
	expect_wx_record("old_mmap({NULL, 12288, PROT_READ|PROT_EXEC, "
			 "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0})",
			 "executable anonymous mapping");
	expect_result("mmap() rx anon", r, tracee_deny);

	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, ANON, -1, 0);
	expect_result("mmap() rw anon", p == MAP_FAILED ? -errno : (long)p, 0);

	r = ret_of(syscall(90, 16UL));
	if (r != -EFAULT) {
		fprintf(stderr, "FAIL: old_mmap with a bad block returned "
			"%ld, expected -EFAULT\n", r);
		tracee_failed = 1;
	}
	return tracee_exit();
}
