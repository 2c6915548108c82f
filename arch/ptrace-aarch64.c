/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * aarch64 host. The kernel runs the number it saved at entry
 * (syscallno), not x8/r7, so a call is skipped through the
 * NT_ARM_SYSTEM_CALL regset, for aarch64 tracees and for 32-bit arm
 * ones alike (the compat ptrace view has it too). x0/r0 still holds
 * argument 0 until the result is written: write it in the same stop.
 *
 * At a syscall-entry or -exit stop (not a seccomp stop) the kernel
 * shows the stop direction in x7 (r12 for arm tracees) and puts the
 * saved value back after the stop, so writing the regset back with
 * that scratch value in it is harmless.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "arch/arch.h"

/* arch/aarch64.c's offsets against the host's own headers. */
_Static_assert(sizeof(struct user_regs_struct) == 272, "aarch64 regset");
_Static_assert(offsetof(struct user_regs_struct, pc) == 256, "aarch64 pc");
_Static_assert(offsetof(struct user_regs_struct, sp) == 248, "aarch64 sp");

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL 0x404
#endif

extern const struct arch_desc arch_desc_aarch64;
const struct arch_desc *const arch_host = &arch_desc_aarch64;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	int nr = -1;

	/* Leave x8/r7 as the tracee had them: they are its registers, and
	 * the kernel does not read them again. */
	if (regset_write(tid, NT_ARM_SYSTEM_CALL, &nr, sizeof(nr)) < 0)
		return -1;
	return regset_set_return(tid, p, l, regs, len, retval);
}
