/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * W^X for the x32 personality (x86_64's AUDIT_ARCH, numbers with
 * __X32_SYSCALL_BIT): mmap, mprotect and pkey_mprotect, as wx32 does
 * for i386. memtrace names the personality "x32" in its records.
 *
 *   wxx32 deny    default policy: RWX and RX anonymous mmap, mprotect
 *                 RW->RX, R->RX and RWX, pkey_mprotect RWX are refused
 *                 with -EACCES; prints the records memtrace must write
 *   wxx32 allow   trace/allow_unsafe_exec_memory:1: all succeed
 *
 * An RW mmap is allowed in both modes. Exits 1 on a wrong result.
 */
#include "sysx32.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static long long mmap6(unsigned long len, int prot)
{
	return sys6(NR_mmap, 0, len, prot, ANON, -1, 0);
}

static void map_rwx(void)
{
	long long r = mmap6(4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	struct line a = { .n = 0 };
	l_str(&a, "NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, "
	      "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	expect_record("mmap(", &a, "writable and executable mapping");
	expect64("mmap rwx anon", r, deny_mode, 1);
}

static void map_rx(void)
{
	long long r = mmap6(8192, PROT_READ | PROT_EXEC);
	struct line a = { .n = 0 };
	l_str(&a, "NULL, 8192, PROT_READ|PROT_EXEC, "
	      "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	expect_record("mmap(", &a, "executable anonymous mapping");
	expect64("mmap rx anon", r, deny_mode, 1);
}

static void protect(void)
{
	long long a = mmap6(4096, PROT_READ | PROT_WRITE);
	expect64("mmap rw anon", a, 0, 1);
	if ((unsigned long long)a > 0xffffffffULL)
		return;

	long long r = sys3(NR_mprotect, a, 4096, PROT_READ | PROT_EXEC);
	expect_addr_record("mprotect(", (unsigned long)a,
			   ", 4096, PROT_READ|PROT_EXEC)",
			   "making writable memory executable");
	expect64("mprotect rw->rx", r, deny_mode, 0);

	r = sys3(NR_mprotect, a, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	expect_addr_record("mprotect(", (unsigned long)a,
			   ", 4096, PROT_READ|PROT_WRITE|PROT_EXEC)",
			   "writable and executable protection");
	expect64("mprotect rwx", r, deny_mode, 0);

	r = sys4(NR_pkey_mprotect, a, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 -1);
	expect_addr_record("pkey_mprotect(", (unsigned long)a,
			   ", 4096, PROT_READ|PROT_WRITE|PROT_EXEC, -1)",
			   "writable and executable protection");
	expect64("pkey_mprotect rwx", r, deny_mode, 0);

	/* Read-only memory may not become executable either (exec
	 * gain: it may have been written before). */
	long long b = mmap6(4096, PROT_READ);
	expect64("mmap r anon", b, 0, 1);
	if ((unsigned long long)b > 0xffffffffULL)
		return;
	r = sys3(NR_mprotect, b, 4096, PROT_READ | PROT_EXEC);
	expect_addr_record("mprotect(", (unsigned long)b,
			   ", 4096, PROT_READ|PROT_EXEC)",
			   "making non-executable memory executable");
	expect64("mprotect r->rx", r, deny_mode, 0);
}

int tracee_main(void)
{
	map_rwx();
	map_rx();
	protect();
	return failed;
}
