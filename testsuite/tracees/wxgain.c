/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exec gain: every way to make memory executable that is not executable
 * now, whatever backs it. Usage: wxgain deny|allow [int80]
 *   deny:  the default policy: each route fails with EACCES and a wx
 *          record "making non-executable memory executable"
 *   allow: trace/allow_unsafe_exec_memory:1 (and allow_unsafe_exec_stack:1,
 *          see testsuite/cases/wx.sh): each route runs
 *   int80: also the i386 mprotect and pkey_mprotect, through int $0x80
 *          from this x86_64 program (a kernel with IA32 emulation)
 * Routes: anonymous RW, written, R, then RX; PROT_NONE to RX; a private
 * file mapping written through PROT_WRITE, then R, then RX; a memfd
 * mapped shared twice, one view RW, the other R and then RX;
 * pkey_mprotect. Memory that is executable everywhere now may be
 * mprotect'ed RX again in both modes (what a program re-protecting its
 * text does); a range with a hole in it is refused (deny) or fails as
 * the kernel fails it (allow: ENOMEM).
 */
#include <fcntl.h>

#include "tracee.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RX (PROT_READ | PROT_EXEC)
#define GAIN "making non-executable memory executable"

/* The record of a refused mprotect or pkey_mprotect on a. */
static void gain_record(const char *pers, const char *name, long a,
			long len, const char *tail)
{
	if (!tracee_deny)
		return;
	printf("memtrace: deny %s %s(%#lx, %ld, PROT_READ|PROT_EXEC%s) = "
	       "-EACCES; wx: " GAIN "; tip: -m "
	       "trace/allow_unsafe_exec_memory:1\n", pers, name,
	       (unsigned long)a, len, tail);
}

static long map_ok(const char *what, long len, int prot, int flags, int fd)
{
	long a = raw_mmap(NULL, len, prot, flags, fd, 0);
	expect_result(what, a, 0);
	return a;
}

static void anon_rw_r_rx(void)
{
	long a = map_ok("mmap rw anon", 4096, PROT_READ | PROT_WRITE, ANON, -1);
	memset((void *)a, 0xc3, 4096);
	expect_result("mprotect rw->r", raw_mprotect((void *)a, 4096,
						      PROT_READ), 0);
	long r = raw_mprotect((void *)a, 4096, RX);
	gain_record(PERS, "mprotect", a, 4096, "");
	expect_result("mprotect rw->r->rx", r, tracee_deny);
}

static void none_rx(void)
{
	long a = map_ok("mmap none anon", 8192, PROT_NONE, ANON, -1);
	long r = raw_mprotect((void *)a, 8192, RX);
	gain_record(PERS, "mprotect", a, 8192, "");
	expect_result("mprotect none->rx", r, tracee_deny);
}

static void pkey_r_rx(void)
{
	long a = map_ok("mmap r anon", 4096, PROT_READ, ANON, -1);
	long r = raw_pkey_mprotect((void *)a, 4096, RX, -1);
	gain_record(PERS, "pkey_mprotect", a, 4096, ", -1");
#ifndef __x86_64__
	if (!tracee_deny && r == -ENOSYS)
		r = 0;		/* a kernel without protection keys */
#endif
	expect_result("pkey_mprotect r->rx", r, tracee_deny);
}

/* A private file mapping, written, then R, then RX: the file checks
 * pass (the file is this program), the written code would run. */
static void file_written(int exe)
{
	long a = map_ok("mmap rw private file", 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE, exe);
	memset((void *)a, 0xc3, 4096);
	expect_result("mprotect file rw->r", raw_mprotect((void *)a, 4096,
							  PROT_READ), 0);
	long r = raw_mprotect((void *)a, 4096, RX);
	gain_record(PERS, "mprotect", a, 4096, "");
	expect_result("mprotect file rw->r->rx", r, tracee_deny);
}

/* One memfd, two shared views: code written through one would run
 * through the other, and could be rewritten at will. */
static void memfd_alias(void)
{
	unsigned char page[4096];
	int fd = (int)syscall(SYS_memfd_create, "wxgain", 0);

	if (fd < 0) {
		fprintf(stderr, "FAIL: memfd_create: %s\n", strerror(errno));
		tracee_failed = 1;
		return;
	}
	/* An ELF header with a non-executable stack: the stack check,
	 * which reads the file behind the range, passes it (allow). */
	elf_stub_page(page);
	if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
		fprintf(stderr, "FAIL: write memfd\n");
		tracee_failed = 1;
	}
	long w = map_ok("mmap rw shared memfd", 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED, fd);
	long x = map_ok("mmap r shared memfd", 4096, PROT_READ, MAP_SHARED, fd);
	long r = raw_mprotect((void *)x, 4096, RX);
	gain_record(PERS, "mprotect", x, 4096, "");
	expect_result("mprotect memfd alias r->rx", r, tracee_deny);
	(void)w;
	close(fd);
}

/* Executable everywhere now: mprotect RX again is no gain. Dropping X
 * and asking for it back is. */
static void already_exec(int exe)
{
	long a = map_ok("mmap rx private file", 8192, RX, MAP_PRIVATE, exe);
	expect_result("mprotect rx->rx", raw_mprotect((void *)a, 8192, RX), 0);
	expect_result("pkey_mprotect rx->rx",
		      raw_pkey_mprotect((void *)a, 4096, RX, -1), 0);
	expect_result("mprotect rx->x", raw_mprotect((void *)a, 4096,
						      PROT_EXEC), 0);
	expect_result("mprotect x->r", raw_mprotect((void *)a, 4096,
						     PROT_READ), 0);
	long r = raw_mprotect((void *)a, 8192, RX);
	gain_record(PERS, "mprotect", a, 8192, "");
	expect_result("mprotect rx,r->rx", r, tracee_deny);

	/* A hole: nothing is executable there either. The kernel fails
	 * the call with ENOMEM (allow). */
	a = map_ok("mmap rx private file", 8192, RX, MAP_PRIVATE, exe);
	expect_result("munmap", munmap((void *)(a + 4096), 4096), 0);
	r = raw_mprotect((void *)a, 8192, RX);
	gain_record(PERS, "mprotect", a, 8192, "");
	if (!tracee_deny && r != -ENOMEM) {
		fprintf(stderr, "FAIL: mprotect over a hole returned %ld, "
			"expected -ENOMEM\n", r);
		tracee_failed = 1;
	} else if (tracee_deny) {
		expect_result("mprotect over a hole", r, 1);
	}
}

#ifdef __x86_64__
/* i386 calls from this x86_64 program: int $0x80 takes the i386 call
 * numbers and 32-bit arguments. */
static long int80(long nr, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b),
			 "d"(c), "S"(d) : "memory");
	return (int)r;
}

static void i386_gain(void)
{
	long a = map_ok("mmap rw anon below 4 GiB", 4096,
			PROT_READ | PROT_WRITE, ANON | MAP_32BIT, -1);
	memset((void *)a, 0xc3, 4096);
	expect_result("i386 mprotect rw->r", int80(125, a, 4096, PROT_READ,
						   0), 0);
	long r = int80(125, a, 4096, RX, 0);
	gain_record("i386", "mprotect", a, 4096, "");
	expect_result("i386 mprotect rw->r->rx", r, tracee_deny);
	r = int80(380, a, 4096, RX, -1);
	gain_record("i386", "pkey_mprotect", a, 4096, ", -1");
	expect_result("i386 pkey_mprotect r->rx", r, tracee_deny);
}
#endif

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0) {
		perror("open /proc/self/exe");
		return 1;
	}
	anon_rw_r_rx();
	none_rx();
	pkey_r_rx();
	file_written(exe);
	memfd_alias();
	already_exec(exe);
	if (argc > 2 && !strcmp(argv[2], "int80")) {
#ifdef __x86_64__
		i386_gain();
#else
		fprintf(stderr, "int80: x86_64 only\n");
		return 2;
#endif
	}
	return tracee_exit();
}
