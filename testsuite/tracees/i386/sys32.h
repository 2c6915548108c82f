/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * i386 tracees without a C library: raw int $0x80 calls, so they build
 * with -m32 -nostdlib -ffreestanding and need no multilib. Each prints
 * the records memtrace must write and checks its own results (the
 * output and checks are ../freestanding.h's, shared with x32/).
 */
#ifndef MEMTRACE_SYS32_H
#define MEMTRACE_SYS32_H

#define RAW_PERS "i386"

#define NR_exit 1
#define NR_write 4
#define NR_open 5
#define NR_brk 45
#define NR_old_mmap 90
#define NR_mprotect 125
#define NR_mmap2 192
#define NR_pkey_mprotect 380

/* SysV shared memory: the ipc multiplexer (its call in the low 16
 * bits) and the direct shmat of Linux 5.1. */
#define NR_ipc 117
#define NR_shmat 397
#define IPC_SHMAT 21
#define IPC_SHMGET 23
#define IPC_SHMCTL 24
#define IPC_RMID 0
#define IPC_64 0x100

static inline long sys1(long n, long a)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a) : "memory");
	return r;
}

static inline long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b),
			 "d"(c) : "memory");
	return r;
}

static inline long sys4(long n, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b),
			 "d"(c), "S"(d) : "memory");
	return r;
}

/* Six arguments: ebp is the frame pointer, so pass arg 6 and the
 * number through memory (eax points at them; an "m" operand could be
 * esp-relative, and the push moves esp) and swap ebp around the call. */
static inline long sys6(long n, long a, long b, long c, long d, long e,
			long f)
{
	long r;
	long args6[2] = { f, n };
	__asm__ volatile(
		"push %%ebp\n\t"
		"mov 0(%%eax), %%ebp\n\t"
		"mov 4(%%eax), %%eax\n\t"
		"int $0x80\n\t"
		"pop %%ebp"
		: "=a"(r)
		: "a"(args6), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
		: "memory");
	return r;
}

/* old_mmap (nr 90): the six arguments in a block in memory. */
static inline long old_mmap(long addr, long len, long prot, long flags,
			    long fd, long off)
{
	unsigned long block[6] = { addr, len, prot, flags, fd, off };
	return sys1(NR_old_mmap, (long)block);
}

/* The two i386 mmap calls: mmap2 (nr 192, OFF in pages) or, with OLD,
 * old_mmap (nr 90, the block, OFF in bytes). */
static inline long mmap32(int old, long addr, long len, long prot,
			  long flags, long fd, long off)
{
	return old ? old_mmap(addr, len, prot, flags, fd, off)
		   : sys6(NR_mmap2, addr, len, prot, flags, fd, off);
}

#include "../freestanding.h"

__asm__(".globl _start\n_start:\n\tmov %esp, %eax\n\tand $-16, %esp\n"
	"\tsub $12, %esp\n\tpush %eax\n\tcall start_c\n\thlt\n");

#endif
