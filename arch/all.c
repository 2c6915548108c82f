/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every architecture table, for unit tests and --version. */
#include "arch/arch.h"

extern const struct arch_desc arch_desc_x86_64;
extern const struct arch_desc arch_desc_aarch64;
extern const struct arch_desc arch_desc_arm;
extern const struct arch_desc arch_desc_riscv64;
extern const struct arch_desc arch_desc_s390x;
extern const struct arch_desc arch_desc_ppc64le;
extern const struct arch_desc arch_desc_loongarch64;

const struct arch_desc *const arch_all[] = {
	&arch_desc_x86_64,
	&arch_desc_aarch64,
	&arch_desc_arm,
	&arch_desc_riscv64,
	&arch_desc_s390x,
	&arch_desc_ppc64le,
	&arch_desc_loongarch64,
};
const size_t arch_nall = sizeof(arch_all) / sizeof(arch_all[0]);
