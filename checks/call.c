/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The names and kinds of the calls memtrace stops on (checks/call.h). */
#include "checks/call.h"

static const char *const msys_names[MSYS__N] = {
	[MSYS_NONE] = "?",
	[MSYS_BRK] = "brk",
	[MSYS_MMAP] = "mmap",
	[MSYS_MMAP2] = "mmap2",
	[MSYS_OLD_MMAP] = "old_mmap",
	[MSYS_MREMAP] = "mremap",
	[MSYS_MPROTECT] = "mprotect",
	[MSYS_PKEY_MPROTECT] = "pkey_mprotect",
	[MSYS_EXEC] = "execve",
	[MSYS_SECCOMP] = "seccomp",
	[MSYS_PRCTL] = "prctl",
	[MSYS_PERSONALITY] = "personality",
	[MSYS_CLONE] = "clone",
	[MSYS_CLONE3] = "clone3",
	[MSYS_SHMAT] = "shmat",
	[MSYS_SETRLIMIT] = "setrlimit",
	[MSYS_PRLIMIT64] = "prlimit64",
	[MSYS_IPC] = "ipc",
	[MSYS_PTRACE] = "ptrace",
	[MSYS_PROCESS_VM_WRITEV] = "process_vm_writev",
	[MSYS_PIDFD_OPEN] = "pidfd_open",
	[MSYS_USERFAULTFD] = "userfaultfd",
	[MSYS_IOCTL] = "ioctl",
};

const char *msys_name(enum msys s)
{
	return s < MSYS__N && msys_names[s] ? msys_names[s] : "?";
}

bool msys_is_memory(enum msys s)
{
	return s >= MSYS_BRK && s <= MSYS_PKEY_MPROTECT;
}

bool msys_is_mmap(enum msys s)
{
	return s == MSYS_MMAP || s == MSYS_MMAP2 || s == MSYS_OLD_MMAP;
}

bool call_shmat(const struct mcall *c, int *shmid)
{
	if (c->sys == MSYS_SHMAT) {
		*shmid = (int)c->raw[0];
		return true;
	}
	if (c->sys == MSYS_IPC &&
	    ((uint32_t)c->raw[0] & IPC_CALL_MASK) == IPC_SHMAT) {
		*shmid = (int)c->raw[IPC_SHMID_ARG];
		return true;
	}
	return false;
}
