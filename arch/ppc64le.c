/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ppc64le kernels run ppc64le (32-bit little-endian powerpc userland
 * does not exist in practice, and big-endian ppc64 is another arch).
 *
 * Errors: a call made by sc fails with a positive errno in r3 and the
 * SO bit of CR field 0 set; one made by scv (POWER9, Linux 5.9+, glibc
 * 2.33+) returns -errno. The trap word tells them apart.
 */
#include <linux/audit.h>
#include <seccomp.h>

#include "arch/arch.h"

/* The powerpc NT_PRSTATUS: struct pt_regs as ptrace shows it, gpr[32],
 * nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr,
 * result, padded to ELF_NGREG = 48 eight-byte words. */
enum {
	R0 = 0, R1 = 8, R3 = 24, R4 = 32, R5 = 40, R6 = 48, R7 = 56,
	R8 = 64, NIP = 256, ORIG_GPR3 = 272, CCR = 304, TRAP = 320,
	PPC64_SIZE = 384
};
_Static_assert(NIP == 32 * 8 && CCR == 38 * 8 && TRAP == 40 * 8,
	       "pt_regs word order");
_Static_assert(PPC64_SIZE == 48 * 8, "ELF_NGREG");

#define Q(o) { (o), 8 }

/*
 * At a seccomp stop the kernel has already put -ENOSYS in r3 and keeps
 * argument 0 in orig_gpr3 (at a syscall-entry stop both hold it), so
 * argument 0 is read from orig_gpr3. The number is r0.
 */
static const struct regset_layout ppc64le_layouts[] = {
	{ PPC64_SIZE, Q(R0),
	  { Q(ORIG_GPR3), Q(R4), Q(R5), Q(R6), Q(R7), Q(R8) },
	  Q(R3), Q(NIP), Q(R1) },
};

static const struct raw_number direct_shmat[] = { RAW_SHMAT_397 };

static const struct personality pers_ppc64le = {
	.name = "ppc64le", .audit_arch = AUDIT_ARCH_PPC64LE,
	.scmp_arch = SCMP_ARCH_PPC64LE, .word = 8,
	.mmap2_unit = 0, .err = ERR_PPC_SO,
	.layouts = ppc64le_layouts, .nlayouts = 1,
	.err_flag = Q(CCR), .err_trap = Q(TRAP),
	.raw_numbers = direct_shmat, .nraw_numbers = 1,
};

static const struct personality *const ppc64le_pers[] = {
	&pers_ppc64le,
};

const struct arch_desc arch_desc_ppc64le = {
	.name = "ppc64le", .pers = ppc64le_pers, .npers = 1,
};
