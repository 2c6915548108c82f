/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * x32 tracees without a C library: raw `syscall` instructions with
 * __X32_SYSCALL_BIT in the number, so they build with -mx32 -nostdlib
 * -ffreestanding and need neither multilib nor an x32 libc. Each
 * prints the records memtrace must write and checks its own results
 * (the output and checks are ../freestanding.h's, shared with i386/).
 *
 * x32 runs in 64-bit mode: the kernel reads all 64 bits of each
 * argument register and returns a 64-bit result in %rax, while long
 * and pointers are 32 bits wide. Arguments are passed as long long,
 * pointers zero-extended (as x32 glibc does), and a result is checked
 * at its full width (expect64).
 */
#ifndef MEMTRACE_SYSX32_H
#define MEMTRACE_SYSX32_H

#define RAW_PERS "x32"

#define X32_BIT 0x40000000
#define NR_write (X32_BIT | 1)
#define NR_open (X32_BIT | 2)
#define NR_mmap (X32_BIT | 9)
#define NR_mprotect (X32_BIT | 10)
#define NR_munmap (X32_BIT | 11)
#define NR_brk (X32_BIT | 12)
#define NR_exit (X32_BIT | 60)
#define NR_pkey_mprotect (X32_BIT | 329)

/* A pointer as the kernel must see it: zero-extended. */
#define PTR(p) ((long long)(unsigned long)(p))

static inline long long sys1(long long n, long long a)
{
	long long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long long sys3(long long n, long long a, long long b,
			     long long c)
{
	long long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b),
			 "d"(c) : "rcx", "r11", "memory");
	return r;
}

static inline long long sys4(long long n, long long a, long long b,
			     long long c, long long d)
{
	long long r;
	register long long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b),
			 "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

static inline long long sys6(long long n, long long a, long long b,
			     long long c, long long d, long long e,
			     long long f)
{
	long long r;
	register long long r10 __asm__("r10") = d;
	register long long r8 __asm__("r8") = e;
	register long long r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b),
			 "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

#include "../freestanding.h"

/*
 * A result at the width the kernel gives it: a denial is -EACCES in
 * all 64 bits of %rax (not 0x00000000fffffff3, which an x32 C library
 * takes for success), and a successful mmap is an address below 4 GiB.
 */
RAW_HELPER void expect64(const char *what, long long r, int denied, int addr)
{
	const char *bad = 0;

	if (denied && r != -EACCES)
		bad = r == (long long)(unsigned)-EACCES ?
		      ": -EACCES not sign-extended to 64 bits\n" :
		      ": not denied\n";
	else if (!denied && (unsigned long long)r > -4096ULL)
		bad = ": failed\n";
	else if (!denied && addr && (unsigned long long)r > 0xffffffffULL)
		bad = ": an address above 4 GiB\n";
	if (bad) {
		out(2, "FAIL: ");
		out(2, what);
		out(2, bad);
		failed = 1;
	}
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
	"\tcall start_c\n\thlt\n");

#endif
