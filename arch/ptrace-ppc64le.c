/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ppc64le host. r0 = -1 skips the call; r3 and CR.SO carry the result
 * in the sc convention (positive errno plus SO), or -errno for scv;
 * arch_encode_return picks by the trap word. The kernel cleared SO on
 * entry and only ever sets it, so a result written at the entry or
 * seccomp stop stands.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <asm/ptrace.h>

#include "arch/arch.h"

/* arch/ppc64le.c's offsets against the host's own headers. */
_Static_assert(offsetof(struct pt_regs, nip) == 256, "ppc64le nip");
_Static_assert(offsetof(struct pt_regs, orig_gpr3) == 272, "ppc orig_gpr3");
_Static_assert(offsetof(struct pt_regs, ccr) == 304, "ppc64le ccr");
_Static_assert(offsetof(struct pt_regs, trap) == 320, "ppc64le trap");

extern const struct arch_desc arch_desc_ppc64le;
const struct arch_desc *const arch_host = &arch_desc_ppc64le;

int host_skip_call(pid_t tid, const struct personality *p,
		   const struct regset_layout *l, void *regs, size_t len,
		   int64_t retval)
{
	return regset_skip_call(tid, p, l, regs, len, retval);
}
