/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A program with a 512 MiB .bss: the kernel maps it at exec, without
 * a call memtrace stops. Prints "bigbss: ran" if it gets to run.
 */
#include <stdio.h>

static char bss[512UL << 20];

int main(void)
{
	bss[sizeof(bss) - 1] = 1;
	printf("bigbss: ran\n");
	return bss[0];
}
