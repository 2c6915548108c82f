/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * 32-bit arm kernels run one personality, arm EABI. The same
 * personality is aarch64's compat one (arch/aarch64.c uses it): both
 * kernels give a 32-bit arm tracee the same 18-word NT_PRSTATUS.
 *
 * OABI is out of scope. An OABI call carries its number in the swi
 * instruction (pc - 4, base 0x900000) rather than r7, __NR_mmap is an
 * old_mmap there, and it reports AUDIT_ARCH_ARM just like EABI, so a
 * table cannot tell the two apart; a kernel with OABI_COMPAT would need
 * its own decoder reading the instruction from tracee memory.
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* struct pt_regs of arm (uregs[18]): r0-r15, cpsr, orig_r0. */
enum {
	R0 = 0, R1 = 4, R2 = 8, R3 = 12, R4 = 16, R5 = 20, R7 = 28,
	R13_SP = 52, R15_PC = 60, ARM_SIZE = 72
};
_Static_assert(ARM_SIZE == 18 * 4, "arm NT_PRSTATUS is 18 words");

#define L(o) { (o), 4 }

static const struct regset_layout arm_layouts[] = {
	/* EABI: the number in r7, arguments r0-r5, result in r0. */
	{ ARM_SIZE, L(R7),
	  { L(R0), L(R1), L(R2), L(R3), L(R4), L(R5) },
	  L(R0), L(R15_PC), L(R13_SP) },
};

/* EABI has no old_mmap (nr 90 is OABI only); mmap2's offset is in
 * 4096-byte units whatever the page size. */
const struct personality arch_pers_arm = {
	.name = "arm", .audit_arch = AUDIT_ARCH_ARM,
	.scmp_arch = SCMP_ARCH_ARM, .word = 4,
	.mmap2_unit = 4096, .err = ERR_NEG,
	.layouts = arm_layouts, .nlayouts = 1,
};

static const struct personality *const arm_pers[] = {
	&arch_pers_arm,
};

const struct arch_desc arch_desc_arm = {
	.name = "arm", .pers = arm_pers, .npers = 1,
};
