/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * s390x kernels run two personalities: s390x and, with COMPAT, 31-bit
 * s390. Both are big-endian, and both take __NR_mmap (90) as old_mmap,
 * one pointer to six words (64-bit words on s390x, 32-bit on s390);
 * s390's mmap2 (192) takes such a block too, offset in 4096-byte units.
 *
 * The syscall number: userspace puts it in the svc instruction (or in
 * gpr1 for svc 0), and the kernel keeps it in int_code, which no regset
 * shows. But before any trace stop the kernel copies it into gpr2 (the
 * s390 ptrace ABI: "both the syscall number and the return value use
 * gpr2"), and argument 0 is saved in orig_gpr2, which NT_PRSTATUS
 * does show. So at an entry or seccomp stop: nr = gpr2, args = orig_gpr2,
 * gpr3-gpr7. Writing gpr2 through ptrace at such a stop also rewrites
 * the low 16 bits of int_code (Linux 5.10+), which is how a tracer
 * changes the number; NT_S390_SYSTEM_CALL holds the number a signal
 * restart would use, not the one about to run, so it is not used. At
 * an exit stop gpr2 is the result; the number has to be remembered from
 * the entry stop.
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* s390_regs: psw {mask, addr}, gprs[16], acrs[16] (4 bytes each),
 * orig_gpr2; 216 bytes. */
enum {
	S390X_PSW_ADDR = 8, S390X_GPRS = 16, S390X_ORIG_GPR2 = 208,
	S390X_SIZE = 216
};
#define S390X_GPR(n) (S390X_GPRS + 8 * (n))
_Static_assert(S390X_GPR(16) + 16 * 4 == S390X_ORIG_GPR2, "acrs");
_Static_assert(S390X_ORIG_GPR2 + 8 == S390X_SIZE, "s390_regs size");

/* s390_compat_regs: psw32 {mask, addr}, gprs[16], acrs[16], orig_gpr2,
 * every field 4 bytes; 140 bytes. The psw address carries the 31-bit
 * addressing-mode bit 0x80000000. */
enum {
	S390_PSW_ADDR = 4, S390_GPRS = 8, S390_ORIG_GPR2 = 136,
	S390_SIZE = 140
};
#define S390_GPR(n) (S390_GPRS + 4 * (n))
_Static_assert(S390_GPR(16) + 16 * 4 == S390_ORIG_GPR2, "compat acrs");
_Static_assert(S390_ORIG_GPR2 + 4 == S390_SIZE, "s390_compat_regs size");

#define Q(o) { (o), 8 }
#define L(o) { (o), 4 }

static const struct regset_layout s390x_layouts[] = {
	{ S390X_SIZE, Q(S390X_GPR(2)),
	  { Q(S390X_ORIG_GPR2), Q(S390X_GPR(3)), Q(S390X_GPR(4)),
	    Q(S390X_GPR(5)), Q(S390X_GPR(6)), Q(S390X_GPR(7)) },
	  Q(S390X_GPR(2)), Q(S390X_PSW_ADDR), Q(S390X_GPR(15)) },
};

static const struct regset_layout s390_layouts[] = {
	{ S390_SIZE, L(S390_GPR(2)),
	  { L(S390_ORIG_GPR2), L(S390_GPR(3)), L(S390_GPR(4)),
	    L(S390_GPR(5)), L(S390_GPR(6)), L(S390_GPR(7)) },
	  L(S390_GPR(2)), L(S390_PSW_ADDR), L(S390_GPR(15)) },
};

static const struct raw_number direct_shmat[] = { RAW_SHMAT_397 };

static const struct personality pers_s390x = {
	.name = "s390x", .audit_arch = AUDIT_ARCH_S390X,
	.scmp_arch = SCMP_ARCH_S390X, .word = 8,
	.mmap_is_old = true, .old_mmap_word = 8,
	.mmap2_unit = 0, .err = ERR_NEG,
	.layouts = s390x_layouts, .nlayouts = 1,
	.big_endian = true, .ret_at_exit = true,
	.clone_flags_arg = 1,	/* CLONE_BACKWARDS2: clone(newsp, flags) */
	.raw_numbers = direct_shmat, .nraw_numbers = 1,
};

static const struct personality pers_s390 = {
	.name = "s390", .audit_arch = AUDIT_ARCH_S390,
	.scmp_arch = SCMP_ARCH_S390, .word = 4,
	.mmap_is_old = true, .old_mmap_word = 4,
	.mmap2_block = true, .mmap2_unit = 4096, .err = ERR_NEG,
	.layouts = s390_layouts, .nlayouts = 1,
	.big_endian = true, .ret_at_exit = true,
	.clone_flags_arg = 1,	/* CLONE_BACKWARDS2: clone(newsp, flags) */
	.raw_numbers = direct_shmat, .nraw_numbers = 1,
};

static const struct personality *const s390x_pers[] = {
	&pers_s390x, &pers_s390,
};

const struct arch_desc arch_desc_s390x = {
	.name = "s390x", .pers = s390x_pers, .npers = 2,
};
