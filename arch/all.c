/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every architecture table, for unit tests and --version. */
#include "arch/arch.h"

extern const struct arch_desc arch_desc_x86_64;

const struct arch_desc *const arch_all[] = {
	&arch_desc_x86_64,
};
const size_t arch_nall = sizeof(arch_all) / sizeof(arch_all[0]);
