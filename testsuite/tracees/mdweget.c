/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Prints the kernel's W^X flags of this process, as PR_GET_MDWE gives
 * them: "mdwe=1" (PR_MDWE_REFUSE_EXEC_GAIN), "mdwe=0", or
 * "mdwe=unsupported" on a kernel without it (before 6.3). The kernel
 * shows them nowhere else (/proc/PID/status has no line for them).
 */
#include <stdio.h>
#include <sys/prctl.h>

#define PR_GET_MDWE_ 66

int main(void)
{
	int r = prctl(PR_GET_MDWE_, 0L, 0L, 0L, 0L);

	if (r < 0)
		puts("mdwe=unsupported");
	else
		printf("mdwe=%d\n", r);
	return 0;
}
