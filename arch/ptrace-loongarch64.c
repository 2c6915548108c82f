/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loongarch64 host. The kernel rereads the number from a7 (regs[11])
 * after the stop, so a7 = -1 skips the call; a0 (regs[4]) is already
 * -ENOSYS at the stop (argument 0 lives in orig_a0) and is overwritten
 * with the result in the same SETREGSET. a7 keeps the -1 afterwards, as
 * on riscv64.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "arch/arch.h"

/* arch/loongarch64.c's offsets against the host's own headers. */
_Static_assert(sizeof(struct user_pt_regs) == 360, "loongarch regset");
_Static_assert(offsetof(struct user_pt_regs, orig_a0) == 256, "orig_a0");
_Static_assert(offsetof(struct user_pt_regs, csr_era) == 264, "csr_era");

extern const struct arch_desc arch_desc_loongarch64;
const struct arch_desc *const arch_host = &arch_desc_loongarch64;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	return regset_skip_call(tid, p, l, regs, len, retval);
}
