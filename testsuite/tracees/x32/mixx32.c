/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An x32 process is not one personality: the kernel takes each call by
 * how it is made. A `syscall` whose number lacks __X32_SYSCALL_BIT is an
 * x86_64 call, and int $0x80 is an i386 one, whatever the program's
 * ELF says. memtrace must decide each such call under the personality
 * it was made in (arch_personality: the bit tells x32 from x86_64 under
 * one AUDIT_ARCH_X86_64), and name that personality in its record.
 *
 *   mixx32 deny    default policy: an RWX anonymous mapping made as an
 *                  x32 mmap, an x86_64 mmap and an i386 mmap2 (int
 *                  $0x80 from 64-bit code, arguments in %ebx..%ebp) is
 *                  refused each time, -EACCES in all 64 bits of %rax;
 *                  prints the three records
 *   mixx32 allow   trace/allow_unsafe_exec_memory:1: all three succeed
 *
 * The x86_64 mmap asks for MAP_32BIT: without it the kernel looks for
 * room above 4 GiB for an x86_64 call and fails an x32 process's with
 * ENOMEM. Needs IA32 emulation for the int $0x80 call.
 */
#include "sysx32.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define MAP_32BIT 0x40
#define NR_x86_64_mmap 9
#define NR_i386_mmap2 192

static const char rwx_anon[] = "NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, "
			       "MAP_PRIVATE|MAP_ANONYMOUS";

/* int $0x80 from 64-bit code: the i386 numbers and registers, %ebp the
 * sixth argument (saved around the call: it may be the frame pointer). */
static long long int80_6(long n, long a, long b, long c, long d, long e,
			 long f)
{
	long long r;
	register long long rbp6 __asm__("r12") = (unsigned long)f;
	__asm__ volatile("push %%rbp\n\tmov %%r12, %%rbp\n\tint $0x80\n\t"
			 "pop %%rbp"
			 : "=a"(r)
			 : "a"((long long)n), "b"(a), "c"(b), "d"(c),
			   "S"(d), "D"(e), "r"(rbp6)
			 : "memory");
	return r;
}

static void record(const char *pers_call, const char *tail)
{
	struct line l = { .n = 0 };

	if (!deny_mode)
		return;
	l_str(&l, "memtrace: deny ");
	l_str(&l, pers_call);
	l_str(&l, rwx_anon);
	l_str(&l, tail);
	l_str(&l, " = -EACCES; wx: writable and executable mapping; "
	      "tip: -m trace/allow_unsafe_exec_memory:1\n");
	out(1, l.b);
}

int tracee_main(void)
{
	long long r = sys6(NR_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			   ANON, -1, 0);
	record("x32 mmap(", ", -1, 0)");
	expect64("x32 mmap rwx anon", r, deny_mode, 1);

	r = sys6(NR_x86_64_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 ANON | MAP_32BIT, -1, 0);
	record("x86_64 mmap(", "|MAP_32BIT, -1, 0)");
	expect64("x86_64 mmap rwx anon", r, deny_mode, 1);

	r = int80_6(NR_i386_mmap2, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    ANON, -1, 0);
	record("i386 mmap2(", ", -1, 0)");
	expect64("i386 mmap2 rwx anon", r, deny_mode, 1);
	return failed;
}
