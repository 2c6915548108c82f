/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * x86_64 kernels run three personalities: x86_64, i386 (IA32
 * emulation) and x32 (x86_64's AUDIT_ARCH with __X32_SYSCALL_BIT).
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* struct user_regs_struct of x86_64, 27 eight-byte words. */
enum {
	R15 = 0, R14 = 8, R13 = 16, R12 = 24, RBP = 32, RBX = 40, R11 = 48,
	R10 = 56, R9 = 64, R8 = 72, RAX = 80, RCX = 88, RDX = 96, RSI = 104,
	RDI = 112, ORIG_RAX = 120, RIP = 128, RSP = 152, X86_64_SIZE = 216
};

/* struct user_regs_struct of i386, 17 four-byte words. */
enum {
	EBX = 0, ECX = 4, EDX = 8, ESI = 12, EDI = 16, EBP = 20, EAX = 24,
	ORIG_EAX = 44, EIP = 48, ESP = 60, I386_SIZE = 68
};

#define Q(o) { (o), 8 }
#define L(o) { (o), 4 }

static const struct regset_layout x86_64_layouts[] = {
	{ X86_64_SIZE, Q(ORIG_RAX),
	  { Q(RDI), Q(RSI), Q(RDX), Q(R10), Q(R8), Q(R9) },
	  Q(RAX), Q(RIP), Q(RSP) },
};

static const struct regset_layout i386_layouts[] = {
	/* A 32-bit process: the compat regset. */
	{ I386_SIZE, L(ORIG_EAX),
	  { L(EBX), L(ECX), L(EDX), L(ESI), L(EDI), L(EBP) },
	  L(EAX), L(EIP), L(ESP) },
	/* int $0x80 from 64-bit code: i386 numbers in the 64-bit regset. */
	{ X86_64_SIZE, Q(ORIG_RAX),
	  { Q(RBX), Q(RCX), Q(RDX), Q(RSI), Q(RDI), Q(RBP) },
	  Q(RAX), Q(RIP), Q(RSP) },
};

static const struct personality pers_x86_64 = {
	.name = "x86_64", .audit_arch = AUDIT_ARCH_X86_64,
	.scmp_arch = SCMP_ARCH_X86_64, .word = 8,
	.mmap2_unit = 0, .err = ERR_NEG,
	.layouts = x86_64_layouts, .nlayouts = 1,
	.exec_clears_rie = true,
};

static const struct raw_number direct_shmat[] = { RAW_SHMAT_397 };

static const struct personality pers_i386 = {
	.name = "i386", .audit_arch = AUDIT_ARCH_I386,
	.scmp_arch = SCMP_ARCH_X86, .word = 4,
	.mmap_is_old = true, .old_mmap_word = 4,
	.mmap2_unit = 4096, .err = ERR_NEG,
	.layouts = i386_layouts, .nlayouts = 2,
	.raw_numbers = direct_shmat, .nraw_numbers = 1,
};

/* x32 passes 64-bit registers (off_t is 64-bit); pointers are 32-bit
 * but the kernel reads the full registers, so word stays 8. */
static const struct personality pers_x32 = {
	.name = "x32", .audit_arch = AUDIT_ARCH_X86_64,
	.scmp_arch = SCMP_ARCH_X32, .word = 8,
	.nr_flag = 0x40000000, .err = ERR_NEG,
	.layouts = x86_64_layouts, .nlayouts = 1,
};

static const struct personality *const x86_64_pers[] = {
	&pers_x86_64, &pers_i386, &pers_x32,
};

const struct arch_desc arch_desc_x86_64 = {
	.name = "x86_64", .pers = x86_64_pers, .npers = 3,
};
