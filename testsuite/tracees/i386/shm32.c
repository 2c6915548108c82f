/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SysV shared memory attached executable, from an i386 program: the
 * direct shmat (397, which libseccomp 2.5 resolves no number for) and
 * the ipc multiplexer's SHMAT (117, call 21), also with a version in
 * the call's high 16 bits. Other ipc calls run unstopped.
 */
#include "sys32.h"

#define SHM_RDONLY 010000
#define SHM_EXEC 0100000

static void shm_record(const char *head, long call, long id,
		       unsigned long raddr)
{
	struct line a = { .n = 0 };
	if (call >= 0) {
		l_hex(&a, (unsigned long)call);
		l_str(&a, ", ");
	}
	l_hex(&a, (unsigned long)id);
	l_str(&a, call >= 0 ? ", 0x8000, " : ", 0, 0x8000)");
	if (call >= 0) {
		l_hex(&a, raddr);
		l_str(&a, ", 0, 0)");
	}
	expect_record(head, &a, "executable shared memory segment");
}

int tracee_main(void)
{
	unsigned long raddr = 0;
	long id = sys4(NR_ipc, IPC_SHMGET, 0, 4096, 01700);
	unsigned long p = (unsigned long)&raddr;

	expect("ipc(SHMGET)", id, 0);
	shm_record("shmat(", -1, id, 0);
	expect("shmat(SHM_EXEC)", sys3(NR_shmat, id, 0, SHM_EXEC), deny_mode);
	shm_record("ipc(", IPC_SHMAT, id, p);
	expect("ipc(SHMAT, SHM_EXEC)",
	       sys6(NR_ipc, IPC_SHMAT, id, SHM_EXEC, p, 0, 0), deny_mode);
	shm_record("ipc(", IPC_SHMAT | (2 << 16), id, p);
	expect("ipc(SHMAT | 2<<16, SHM_EXEC)",
	       sys6(NR_ipc, IPC_SHMAT | (2 << 16), id, SHM_EXEC, p, 0, 0),
	       deny_mode);
	expect("ipc(SHMAT, SHM_RDONLY)",
	       sys6(NR_ipc, IPC_SHMAT, id, SHM_RDONLY, p, 0, 0), 0);
	expect("ipc(SHMCTL, IPC_RMID)",
	       sys4(NR_ipc, IPC_SHMCTL, id, IPC_RMID | IPC_64, 0), 0);
	return failed;
}
