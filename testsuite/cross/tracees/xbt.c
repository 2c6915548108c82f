/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tracee of the native -k case (testsuite/cross/init.c): main calls
 * xbt_caller, which calls xbt_map_rwx, which maps RWX memory with the
 * target's mapping call (mmap, arm's mmap2, s390x's old_mmap), issued
 * by its own system call instruction. With "deny" the call is refused
 * and the tracee prints the record memtrace must write; memtrace -k
 * must then give the frames #0 xbt_map_rwx, #1 xbt_caller, #2 main.
 *
 * "deny libc" makes the same call through glibc's mmap() instead
 * (xbt_map_libc), as real programs do: frame #0 is then glibc's mmap,
 * which on aarch64, riscv64 and s390x is a leaf that allocates no
 * frame, so frame #1 has the same stack pointer as frame #0 (a trace
 * must not stop there).
 *
 * build.sh keeps what the unwinder needs in this static program: its
 * symbol table (no -s), unwind tables for every function
 * (-fasynchronous-unwind-tables -funwind-tables; arm's are .ARM.exidx)
 * and a PT_GNU_EH_FRAME header (-Wl,--eh-frame-hdr, which gcc leaves
 * out of -static links). The helpers are noinline and do work after
 * their calls, so that each keeps its own frame; xbt_map_rwx calls
 * xbt_prot first, so that it is no leaf and sets up a frame.
 */
#include "../../tracees/tracee.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

__attribute__((noinline, noclone)) int xbt_prot(void)
{
	int p = PROT_READ | PROT_WRITE | PROT_EXEC;

	__asm__ volatile("" : "+r"(p));
	return p;
}

/* The mapping call of the target, with its own instruction; -errno on
 * failure, as the kernel returns it. */
__attribute__((noinline, noclone)) long xbt_map_rwx(unsigned long len)
{
	unsigned long prot = (unsigned long)xbt_prot();
	long ret;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = ANON;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = 0;
	ret = SYS_mmap;
	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(0L), "S"(len), "d"(prot), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = SYS_mmap;
	register long x0 __asm__("x0") = 0;
	register long x1 __asm__("x1") = (long)len;
	register long x2 __asm__("x2") = (long)prot;
	register long x3 __asm__("x3") = ANON;
	register long x4 __asm__("x4") = -1;
	register long x5 __asm__("x5") = 0;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	ret = x0;
#elif defined(__arm__)
	/* EABI: the number in r7, which Thumb code may use as its frame
	 * pointer: kept in ip around the call, as glibc does. */
	register long r0 __asm__("r0") = 0;
	register long r1 __asm__("r1") = (long)len;
	register long r2 __asm__("r2") = (long)prot;
	register long r3 __asm__("r3") = ANON;
	register long r4 __asm__("r4") = -1;
	register long r5 __asm__("r5") = 0;	/* mmap2: in 4096 units */
	__asm__ volatile("mov ip, r7\n\tmov r7, %[nr]\n\tsvc #0\n\tmov r7, ip"
			 : "+r"(r0)
			 : [nr] "r"((long)SYS_mmap2), "r"(r1), "r"(r2), "r"(r3),
			   "r"(r4), "r"(r5)
			 : "ip", "memory");
	ret = r0;
#elif defined(__riscv)
	register long a7 __asm__("a7") = SYS_mmap;
	register long a0 __asm__("a0") = 0;
	register long a1 __asm__("a1") = (long)len;
	register long a2 __asm__("a2") = (long)prot;
	register long a3 __asm__("a3") = ANON;
	register long a4 __asm__("a4") = -1;
	register long a5 __asm__("a5") = 0;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	ret = a0;
#elif defined(__s390x__)
	/* old_mmap (90): one pointer to a block of six words. */
	unsigned long block[6] = { 0, len, prot, ANON, (unsigned long)-1, 0 };
	register long r1 __asm__("r1") = 90;
	register long r2 __asm__("r2") = (long)block;
	__asm__ volatile("svc 0" : "+r"(r2) : "r"(r1) : "memory");
	ret = r2;
#elif defined(__powerpc64__)
	/* An error sets CR0.SO and returns the positive errno in r3. */
	register long r0 __asm__("r0") = SYS_mmap;
	register long r3 __asm__("r3") = 0;
	register long r4 __asm__("r4") = (long)len;
	register long r5 __asm__("r5") = (long)prot;
	register long r6 __asm__("r6") = ANON;
	register long r7 __asm__("r7") = -1;
	register long r8 __asm__("r8") = 0;
	__asm__ volatile("sc\n\tbns+ 1f\n\tneg 3,3\n1:"
			 : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
			   "+r"(r7), "+r"(r8)
			 :
			 : "r9", "r10", "r11", "r12", "cr0", "ctr", "xer",
			   "memory");
	ret = r3;
#elif defined(__loongarch64)
	register long a7 __asm__("$a7") = SYS_mmap;
	register long a0 __asm__("$a0") = 0;
	register long a1 __asm__("$a1") = (long)len;
	register long a2 __asm__("$a2") = (long)prot;
	register long a3 __asm__("$a3") = ANON;
	register long a4 __asm__("$a4") = -1;
	register long a5 __asm__("$a5") = 0;
	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6",
			   "$t7", "$t8", "memory");
	ret = a0;
#else
#error "no system call for xbt on this architecture"
#endif
	__asm__ volatile("" : "+r"(ret));	/* no tail call */
	return ret;
}

/* The same call through glibc's mmap(), a leaf without a frame of its
 * own on aarch64, riscv64 and s390x (its return address stays in the
 * link register). */
__attribute__((noinline, noclone)) long xbt_map_libc(unsigned long len)
{
	void *p = mmap(NULL, len, xbt_prot(), ANON, -1, 0);
	long ret = p == MAP_FAILED ? -errno : (long)p;

	__asm__ volatile("" : "+r"(ret));	/* no tail call */
	return ret;
}

static int via_libc;

__attribute__((noinline, noclone)) int xbt_caller(unsigned long len)
{
	long r = via_libc ? xbt_map_libc(len) : xbt_map_rwx(len);

	__asm__ volatile("" : "+r"(r));
	expect_wx_record(MMAP_NAME "NULL, 4096, PROT_READ|PROT_WRITE|"
			 "PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0" MMAP_END,
			 "writable and executable mapping");
	expect_result("mmap rwx anon", r, tracee_deny);
	return r < 0 && r > -4096 ? 1 : 0;
}

int main(int argc, char **argv)
{
	via_libc = argc > 2 && !strcmp(argv[2], "libc");
	tracee_mode(argc, argv);
	int denied = xbt_caller(4096);
	if (denied != tracee_deny) {
		fprintf(stderr, "FAIL: the call was %s\n",
			denied ? "refused" : "allowed");
		tracee_failed = 1;
	}
	return tracee_exit();
}
