/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * s390x host. gpr2 carries both the number and the result. At an entry
 * or seccomp stop gpr2 = -1 skips the call (a ptrace write of gpr2 also
 * sets the number the kernel runs, Linux 5.10+); the kernel then returns
 * -ENOSYS, and the result can only be written at the exit stop
 * (p->ret_at_exit): host_skip_call writes the -1 alone, regset_set_return
 * the result. Kernels before 5.10 skip on the same -1.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "arch/arch.h"

/* arch/s390x.c's offsets against the host's own headers. */
_Static_assert(sizeof(s390_regs) == 216, "s390x regset");
_Static_assert(offsetof(s390_regs, gprs) == 16, "s390x gprs");
_Static_assert(offsetof(s390_regs, orig_gpr2) == 208, "s390x orig_gpr2");

extern const struct arch_desc arch_desc_s390x;
const struct arch_desc *const arch_host = &arch_desc_s390x;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	return regset_skip_call(tid, p, l, regs, len, retval);
}
