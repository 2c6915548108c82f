/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * x86_64 host: a call is skipped by orig_rax = -1 and its result is rax,
 * both written with one SETREGSET at the same stop.
 */
#include <elf.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "arch/arch.h"

extern const struct arch_desc arch_desc_x86_64;
const struct arch_desc *const arch_host = &arch_desc_x86_64;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	return regset_skip_call(tid, p, l, regs, len, retval);
}
