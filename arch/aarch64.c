/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * aarch64 kernels run two personalities: aarch64 and, with COMPAT, the
 * 32-bit arm EABI one (arch/arm.c), whose NT_PRSTATUS is the compat
 * 18 x 4-byte arm regset, not the 64-bit one.
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* struct user_pt_regs: regs[31] (x0-x30), sp, pc, pstate. */
enum {
	X0 = 0, X1 = 8, X2 = 16, X3 = 24, X4 = 32, X5 = 40, X8 = 64,
	SP = 248, PC = 256, AARCH64_SIZE = 272
};
_Static_assert(AARCH64_SIZE == 34 * 8, "user_pt_regs is 34 words");

#define Q(o) { (o), 8 }

/*
 * x8 is the number as the tracee passed it. The kernel keeps its own
 * copy (syscallno, NT_ARM_SYSTEM_CALL) and never rereads x8, so x8 is
 * for reading only; arch/ptrace-aarch64.c changes the number through
 * the regset. x0 is both argument 0 and the result: at an entry or
 * seccomp stop it still holds argument 0 until the result is written.
 */
static const struct regset_layout aarch64_layouts[] = {
	{ AARCH64_SIZE, Q(X8),
	  { Q(X0), Q(X1), Q(X2), Q(X3), Q(X4), Q(X5) },
	  Q(X0), Q(PC), Q(SP) },
};

static const struct personality pers_aarch64 = {
	.name = "aarch64", .audit_arch = AUDIT_ARCH_AARCH64,
	.scmp_arch = SCMP_ARCH_AARCH64, .word = 8,
	.mmap2_unit = 0, .err = ERR_NEG,
	.layouts = aarch64_layouts, .nlayouts = 1,
};

extern const struct personality arch_pers_arm;

static const struct personality *const aarch64_pers[] = {
	&pers_aarch64, &arch_pers_arm,
};

const struct arch_desc arch_desc_aarch64 = {
	.name = "aarch64", .pers = aarch64_pers, .npers = 2,
};
