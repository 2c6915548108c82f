/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exec gain for the i386 personality, as testsuite/tracees/wxgain.c
 * does it natively: anonymous RW, written, R, then RX (mprotect, nr
 * 125); PROT_NONE to RX; pkey_mprotect (nr 380) R to RX; a private
 * mapping of this program written through PROT_WRITE, then R, then RX;
 * a memfd (nr 356) mapped shared twice, one view RW, the other R and
 * then RX. Usage: wxgain32 deny|allow
 *   deny:  each is refused with EACCES and a wx record
 *   allow: trace/allow_unsafe_exec_memory:1 (and allow_unsafe_exec_stack:1,
 *          see testsuite/cases/wx.sh): each runs
 */
#include "sys32.h"

#define NR_read 3
#define NR_close 6
#define NR_memfd_create 356
#define O_RDONLY 0
#define PROT_NONE 0
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RX (PROT_READ | PROT_EXEC)
#define GAIN "making non-executable memory executable"

static long mmap2(long len, long prot, long flags, long fd)
{
	return sys6(NR_mmap2, 0, len, prot, flags, fd, 0);
}

static void fill(long a, unsigned char byte)
{
	unsigned char *p = (unsigned char *)a;
	for (int i = 0; i < 4096; i++)
		p[i] = byte;
}

/* mprotect RX of a, which must be refused (deny) with its record. */
static void gain(const char *what, long nr, const char *name, long a,
		 long len)
{
	struct line rest = { .n = 0 };
	long r = nr == NR_pkey_mprotect ? sys4(nr, a, len, RX, -1)
					: sys3(nr, a, len, RX);

	l_str(&rest, ", ");
	l_dec(&rest, len);
	l_str(&rest, nr == NR_pkey_mprotect ? ", PROT_READ|PROT_EXEC, -1)"
					    : ", PROT_READ|PROT_EXEC)");
	expect_addr_record(name, (unsigned long)a, rest.b, GAIN);
	expect(what, r, deny_mode);
}

static void anon_routes(void)
{
	long a = mmap2(4096, PROT_READ | PROT_WRITE, ANON, -1);
	expect("mmap2 rw", a, 0);
	fill(a, 0xc3);
	expect("mprotect rw->r", sys3(NR_mprotect, a, 4096, PROT_READ), 0);
	gain("mprotect rw->r->rx", NR_mprotect, "mprotect(", a, 4096);

	long b = mmap2(8192, PROT_NONE, ANON, -1);
	expect("mmap2 none", b, 0);
	gain("mprotect none->rx", NR_mprotect, "mprotect(", b, 8192);

	long c = mmap2(4096, PROT_READ, ANON, -1);
	expect("mmap2 r", c, 0);
	gain("pkey_mprotect r->rx", NR_pkey_mprotect, "pkey_mprotect(", c,
	     4096);
}

static void file_routes(void)
{
	static unsigned char head[4096];
	long exe = sys3(NR_open, (long)"/proc/self/exe", O_RDONLY, 0);
	expect("open /proc/self/exe", exe, 0);

	long a = mmap2(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, exe);
	expect("mmap2 rw private file", a, 0);
	fill(a, 0xc3);
	expect("mprotect file rw->r", sys3(NR_mprotect, a, 4096, PROT_READ),
	       0);
	gain("mprotect file rw->r->rx", NR_mprotect, "mprotect(", a, 4096);

	/* The memfd holds this program's first page: an ELF header with
	 * a non-executable stack, which the stack check passes (allow). */
	long fd = sys3(NR_memfd_create, (long)"wxgain32", 0, 0);
	expect("memfd_create", fd, 0);
	expect("read", sys3(NR_read, exe, (long)head, sizeof(head)), 0);
	expect("write", sys3(NR_write, fd, (long)head, sizeof(head)), 0);
	long w = mmap2(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	expect("mmap2 rw shared memfd", w, 0);
	long x = mmap2(4096, PROT_READ, MAP_SHARED, fd);
	expect("mmap2 r shared memfd", x, 0);
	gain("mprotect memfd alias r->rx", NR_mprotect, "mprotect(", x, 4096);
	sys1(NR_close, fd);
	sys1(NR_close, exe);
}

int tracee_main(void)
{
	anon_routes();
	file_routes();
	return failed;
}
