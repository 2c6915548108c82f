/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * riscv64 host. The kernel rereads the number from a7 after the stop,
 * so a7 = -1 skips the call. Since Linux 6.5 a skipped call no longer
 * gets a0 = -ENOSYS from the kernel at that point, and on 6.2-6.4 any
 * skipped call returned -ENOSYS whatever a0 said; writing a0 in the
 * same SETREGSET is right for every version but 6.2-6.4, where the
 * denial shows up as ENOSYS.
 *
 * a7 keeps the -1 after the call: glibc declares a7 an input of its
 * inline syscalls, so compiled code may reuse it for an identical
 * second call. strace does the same; restoring a7 would cost an exit
 * stop.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "arch/arch.h"

/* arch/riscv64.c's offsets against the host's own headers. */
_Static_assert(sizeof(struct user_regs_struct) == 256, "riscv64 regset");
_Static_assert(offsetof(struct user_regs_struct, a0) == 80, "riscv64 a0");
_Static_assert(offsetof(struct user_regs_struct, a7) == 136, "riscv64 a7");

extern const struct arch_desc arch_desc_riscv64;
const struct arch_desc *const arch_host = &arch_desc_riscv64;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	return regset_skip_call(tid, p, l, regs, len, retval);
}
