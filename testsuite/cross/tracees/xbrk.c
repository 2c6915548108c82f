/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * brk growth past a mem/vm_max limit. Prints "denied" if brk returned
 * the old break (how a refused brk fails), "grew" if the break moved.
 */
#include "../../tracees/tracee.h"

int main(void)
{
	unsigned long cur = (unsigned long)syscall(SYS_brk, 0);
	unsigned long want = cur + (64UL << 20);
	unsigned long got = (unsigned long)syscall(SYS_brk, want);

	if (got == cur)
		puts("denied");
	else if (got == want)
		puts("grew");
	else
		printf("odd %#lx %#lx %#lx\n", cur, want, got);
	return 0;
}
