/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * riscv64 kernels run riscv64. (rv32 compat tasks exist with
 * CONFIG_COMPAT, but libseccomp 2.5 has no riscv32 and they are rare;
 * they would be a second personality with a 32 x 4-byte regset.)
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* struct user_regs_struct: pc, ra, sp, gp, tp, t0-t2, s0, s1, a0-a7,
 * s2-s11, t3-t6; 32 eight-byte words and no orig_a0. */
enum {
	PC = 0, SP = 16, A0 = 80, A1 = 88, A2 = 96, A3 = 104, A4 = 112,
	A5 = 120, A7 = 136, RISCV64_SIZE = 256
};
_Static_assert(RISCV64_SIZE == 32 * 8, "user_regs_struct is 32 words");

/* NT_RISCV_ORIG_A0 from <linux/elf.h> of Linux 6.14; spelled out for
 * older headers. */
#define MT_NT_RISCV_ORIG_A0 0x903

#define Q(o) { (o), 8 }

/*
 * The kernel reads the number from a7 after the entry stop, so a7 is
 * where a tracer changes it. Argument 0 is a0 up to the kernels that
 * preset a0 = -ENOSYS (see arg0_note in arch.h); the result is a0.
 */
static const struct regset_layout riscv64_layouts[] = {
	{ RISCV64_SIZE, Q(A7),
	  { Q(A0), Q(A1), Q(A2), Q(A3), Q(A4), Q(A5) },
	  Q(A0), Q(PC), Q(SP) },
};

static const struct personality pers_riscv64 = {
	.name = "riscv64", .audit_arch = AUDIT_ARCH_RISCV64,
	.scmp_arch = SCMP_ARCH_RISCV64, .word = 8,
	.mmap2_unit = 0, .err = ERR_NEG,
	.layouts = riscv64_layouts, .nlayouts = 1,
	.arg0_note = MT_NT_RISCV_ORIG_A0,
};

static const struct personality *const riscv64_pers[] = {
	&pers_riscv64,
};

const struct arch_desc arch_desc_riscv64 = {
	.name = "riscv64", .pers = riscv64_pers, .npers = 1,
};
