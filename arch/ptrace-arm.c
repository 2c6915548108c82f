/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * 32-bit arm host. The kernel runs the number it saved at entry, not
 * r7, so a call is skipped with PTRACE_SET_SYSCALL. The number goes in
 * as -1: masking it with 0xffff (as one tracer did) makes it 65535, an
 * unknown call that fails with ENOSYS instead of being skipped with our
 * result. r0 still holds argument 0 until the result is written.
 */
#include <elf.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "arch/arch.h"

/* arch/arm.c's regset size against the host's own headers. */
_Static_assert(sizeof(struct user_regs) == 72, "arm regset");

#ifndef PTRACE_SET_SYSCALL
#define PTRACE_SET_SYSCALL 23
#endif

extern const struct arch_desc arch_desc_arm;
const struct arch_desc *const arch_host = &arch_desc_arm;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	/* glibc's wrappers need the request as the enum type. */
	if (ptrace((enum __ptrace_request)PTRACE_SET_SYSCALL, tid, NULL,
		   (void *)(intptr_t)-1) < 0)
		return -1;
	return regset_set_return(tid, p, l, regs, len, retval);
}
