/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The memory sandbox and SysV shared memory from an i386 program: a
 * 64 MiB segment attached through the ipc multiplexer (117, SHMAT 21)
 * and through the direct shmat (397); the segment's size counts.
 *
 *   shmgrow32 deny    a limit below 64 MiB is in force: both attaches
 *                     fail with ENOMEM
 *   shmgrow32 allow   no limit in reach: both succeed
 *
 * Exits 1 on a wrong result; the segment is removed at the end.
 */
#include "sys32.h"

#define ENOMEM 12
#define SIZE (64 * 0x100000UL)

static void check(const char *what, long r)
{
	int err = r < 0 && r > -4096;

	if (deny_mode ? r == -ENOMEM : !err)
		return;
	out(2, "FAIL: ");
	out(2, what);
	out(2, deny_mode ? ": not refused with ENOMEM\n" : ": failed\n");
	failed = 1;
}

int tracee_main(void)
{
	unsigned long raddr = 0;
	long id = sys4(NR_ipc, IPC_SHMGET, 0, SIZE, 01600);

	if (id < 0) {
		out(2, "FAIL: ipc(SHMGET) failed\n");
		return 1;
	}
	check("ipc(SHMAT)", sys6(NR_ipc, IPC_SHMAT, id, 0,
				 (unsigned long)&raddr, 0, 0));
	check("shmat", sys3(NR_shmat, id, 0, 0));
	sys4(NR_ipc, IPC_SHMCTL, id, IPC_RMID | IPC_64, 0);
	return failed;
}
