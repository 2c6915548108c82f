/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing a regset back, and the register steps every host shares: a
 * skip that needs nothing beyond NT_PRSTATUS, and setting a result at
 * an exit stop. The host files (arch/ptrace-<host>.c) add only what
 * their kernel needs besides.
 */
#include <elf.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "arch/arch.h"

int regset_write(pid_t tid, unsigned type, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	return ptrace(PTRACE_SETREGSET, tid, (void *)(uintptr_t)type, &iov) < 0
		? -1 : 0;
}

int regset_skip_call(pid_t tid, const struct personality *p,
		     const struct regset_layout *l, void *regs, size_t len,
		     int64_t retval)
{
	arch_encode_skip(p, l, regs, retval);
	return regset_write(tid, NT_PRSTATUS, regs, len);
}

int regset_set_return(pid_t tid, const struct personality *p,
		      const struct regset_layout *l, void *regs, size_t len,
		      int64_t retval)
{
	arch_encode_return(p, l, regs, retval);
	return regset_write(tid, NT_PRSTATUS, regs, len);
}
