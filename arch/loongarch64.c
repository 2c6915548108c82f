/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loongarch64 kernels run loongarch64 (no compat personality). */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/*
 * libseccomp knows LoongArch from 2.5.5/2.6.0 on; Debian 12's 2.5.4
 * does not define the token. Its tokens are the AUDIT_ARCH values, so
 * spell it out: an old libseccomp then rejects the token and resolves
 * no numbers (arch_resolve_numbers fails, the unit test skips), rather
 * than the 0 of SCMP_ARCH_NATIVE resolving the host's numbers.
 */
/* Kernel headers before 5.19 lack it: EM_LOONGARCH (258), 64-bit, LE. */
#ifndef AUDIT_ARCH_LOONGARCH64
#define AUDIT_ARCH_LOONGARCH64 0xc0000102u
#endif

#ifdef SCMP_ARCH_LOONGARCH64
#define MT_SCMP_ARCH_LOONGARCH64 SCMP_ARCH_LOONGARCH64
#else
#define MT_SCMP_ARCH_LOONGARCH64 AUDIT_ARCH_LOONGARCH64
#endif

/* struct user_pt_regs: regs[32] (r4-r11 are a0-a7, r3 sp), orig_a0,
 * csr_era, csr_badv, reserved[10]; 45 eight-byte words. */
enum {
	SP = 3 * 8, A0 = 4 * 8, A1 = 5 * 8, A2 = 6 * 8, A3 = 7 * 8,
	A4 = 8 * 8, A5 = 9 * 8, A7 = 11 * 8, ORIG_A0 = 256, ERA = 264,
	LOONGARCH64_SIZE = 360
};
_Static_assert(LOONGARCH64_SIZE == 45 * 8, "user_pt_regs is 45 words");

#define Q(o) { (o), 8 }

/*
 * The kernel presets a0 = -ENOSYS before the entry stop and passes
 * orig_a0 as argument 0, so argument 0 is read from orig_a0. The
 * number is a7, reread by the kernel after the stop; era is the pc.
 */
static const struct regset_layout loongarch64_layouts[] = {
	{ LOONGARCH64_SIZE, Q(A7),
	  { Q(ORIG_A0), Q(A1), Q(A2), Q(A3), Q(A4), Q(A5) },
	  Q(A0), Q(ERA), Q(SP) },
};

static const struct personality pers_loongarch64 = {
	.name = "loongarch64", .audit_arch = AUDIT_ARCH_LOONGARCH64,
	.scmp_arch = MT_SCMP_ARCH_LOONGARCH64, .word = 8,
	.mmap2_unit = 0, .err = ERR_NEG,
	.layouts = loongarch64_layouts, .nlayouts = 1,
};

static const struct personality *const loongarch64_pers[] = {
	&pers_loongarch64,
};

/* libunwind's loongarch64 numbering: R0-R31 are 0-31, the PC is 33;
 * in NT_PRSTATUS (struct user_pt_regs) regs[32], orig_a0, csr_era. */
static const int16_t loongarch64_unwind_regs[] = {
	0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120,
	128, 136, 144, 152, 160, 168, 176, 184, 192, 200, 208, 216, 224,
	232, 240, 248,
	-1,		/* 32: none */
	ERA,		/* 33: the PC */
};

const struct arch_desc arch_desc_loongarch64 = {
	.name = "loongarch64", .pers = loongarch64_pers, .npers = 1,
	.unwind_regs = loongarch64_unwind_regs,
	.nunwind_regs = sizeof(loongarch64_unwind_regs) /
			sizeof(loongarch64_unwind_regs[0]),
};
