/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An x86_64 program making x32 calls (the call number with
 * __X32_SYSCALL_BIT): seccomp judges them as x32's before the kernel
 * looks at the number, so memtrace's x32 filter must stop them, as
 * must ptrace-only mode, whether or not the kernel runs x32 code.
 * Prints the result of each call: "EACCES" where memtrace refused it;
 * a kernel without x32 says ENOSYS, one with x32 runs it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

static void say(const char *what, long r)
{
	printf("%s: %s\n", what, r >= 0 ? "ran" : strerrorname_np(errno));
}

int main(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	long r = syscall(X32_BIT | SYS_mmap, 0, 4096,
			 PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("x32 mmap rwx", r);
	void *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = syscall(X32_BIT | SYS_mprotect, rw, 4096, PROT_READ | PROT_EXEC);
	say("x32 mprotect rx", r);
	return 0;
#else
	puts("not x86_64");
	return 77;
#endif
}
