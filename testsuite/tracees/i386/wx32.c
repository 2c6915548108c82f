/* SPDX-License-Identifier: GPL-3.0-or-later */
/* W^X for the i386 personality: old_mmap (nr 90), mmap2, mprotect. */
#include "sys32.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static void old_mmap_rwx(void)
{
	long r = old_mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, ANON,
			  -1, 0);
	struct line a = { .n = 0 };
	l_str(&a, "{NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, "
	      "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0})");
	expect_record("old_mmap(", &a, "writable and executable mapping");
	expect("old_mmap rwx", r, deny_mode);

	/* The same call with a read-write block is allowed. */
	expect("old_mmap rw", old_mmap(0, 4096, PROT_READ | PROT_WRITE, ANON,
				       -1, 0), 0);
}

static void old_mmap_unreadable(void)
{
	/* The kernel fails it with EFAULT; so does memtrace. */
	long r = sys1(NR_old_mmap, 16);
	if (r != -EFAULT) {
		out(2, "FAIL: old_mmap with a bad block did not fail EFAULT\n");
		failed = 1;
	}
}

static void mmap2_rx(void)
{
	long r = sys6(NR_mmap2, 0, 8192, PROT_READ | PROT_EXEC, ANON, -1, 0);
	struct line a = { .n = 0 };
	l_str(&a, "NULL, 8192, PROT_READ|PROT_EXEC, "
	      "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	expect_record("mmap2(", &a, "executable anonymous mapping");
	expect("mmap2 rx anon", r, deny_mode);
}

static void protect(void)
{
	long a = sys6(NR_mmap2, 0, 4096, PROT_READ | PROT_WRITE, ANON, -1, 0);
	expect("mmap2 rw", a, 0);
	long r = sys3(NR_mprotect, a, 4096, PROT_READ | PROT_EXEC);
	expect_addr_record("mprotect(", (unsigned long)a,
			   ", 4096, PROT_READ|PROT_EXEC)",
			   "making writable memory executable");
	expect("mprotect rw->rx", r, deny_mode);

	r = sys4(NR_pkey_mprotect, a, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 -1);
	expect_addr_record("pkey_mprotect(", (unsigned long)a,
			   ", 4096, PROT_READ|PROT_WRITE|PROT_EXEC, -1)",
			   "writable and executable protection");
	expect("pkey_mprotect rwx", r, deny_mode);
}

int tracee_main(void)
{
	old_mmap_rwx();
	old_mmap_unreadable();
	mmap2_rx();
	protect();
	return failed;
}
