/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * features: what this kernel offers that the test suite's results
 * depend on and that a shell cannot ask about, one "name: answer" line
 * each, for the line testsuite/run prints at its start:
 *
 *   MDWE: yes|no (why)   prctl(PR_GET_MDWE) answers (Linux 6.3+)
 *
 * Exits 0; a feature it cannot tell is printed with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#define MT_PR_GET_MDWE 66

int main(void)
{
	int r = prctl(MT_PR_GET_MDWE, 0L, 0L, 0L, 0L);

	if (r >= 0)
		printf("MDWE: yes (PR_GET_MDWE flags %#x)\n", r);
	else
		printf("MDWE: no (PR_GET_MDWE: %s)\n", strerror(errno));
	return 0;
}
