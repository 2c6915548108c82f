/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An i386 program with a 512 MiB .bss, mapped by the kernel at exec
 * without a call memtrace stops. Prints "bigbss32: ran" if it runs.
 */
#include "sys32.h"

static char bss[512UL << 20];

int tracee_main(void)
{
	bss[sizeof(bss) - 1] = 1;
	out(1, "bigbss32: ran\n");
	return bss[0];
}
