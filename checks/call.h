/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The call vocabulary: which calls memtrace stops on (enum msys) and
 * one decoded call (struct mcall). arch/ fills a struct mcall from a
 * stop's registers; checks/ judges it. Nothing here knows the policy,
 * so the decoding layer includes this header and never checks/check.h
 * nor checks/policy.h (the suite's case layers/arch-no-policy holds
 * arch/ to that).
 */
#ifndef MEMTRACE_CALL_H
#define MEMTRACE_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The memory calls memtrace stops on, whatever their number. */
enum msys {
	MSYS_NONE,
	MSYS_BRK,
	MSYS_MMAP,		/* six register arguments, offset in bytes */
	MSYS_MMAP2,		/* offset in the personality's unit */
	MSYS_OLD_MMAP,		/* one pointer to six words */
	MSYS_MREMAP,
	MSYS_MPROTECT,
	MSYS_PKEY_MPROTECT,
	MSYS_EXEC,		/* not a call: the program and interpreter at exec */
	/* Calls that could open a way around the tracer (see bypass.c). */
	MSYS_SECCOMP,
	MSYS_PRCTL,
	MSYS_PERSONALITY,
	MSYS_CLONE,
	MSYS_CLONE3,
	MSYS_SHMAT,		/* SysV shared memory: SHM_EXEC (W^X), size (mem) */
	MSYS_SETRLIMIT,		/* RLIMIT_AS raised past mem/vm_max (mem) */
	MSYS_PRLIMIT64,
	MSYS_IPC,		/* the SysV multiplexer: ipc(SHMAT, ...) */
	MSYS_PTRACE,		/* attach, seize, traceme: bypass */
	MSYS_PROCESS_VM_WRITEV,	/* into memtrace itself: bypass */
	MSYS_PIDFD_OPEN,	/* of memtrace itself: bypass */
	MSYS_USERFAULTFD,	/* fills pages behind W^X */
	MSYS_IOCTL,		/* USERFAULTFD_IOC_NEW on /dev/userfaultfd */
	MSYS__N
};

const char *msys_name(enum msys s);
/* brk, mmap and friends: the calls that change the memory map. */
bool msys_is_memory(enum msys s);
/* mmap, mmap2 and old_mmap. */
bool msys_is_mmap(enum msys s);

/*
 * One decoded call. For the mmap family, addr/len/prot/flags/fd/off
 * are normalised (offset in bytes) whatever the calling convention;
 * raw[] keeps the register values as the tracee passed them.
 */
struct mcall {
	enum msys sys;
	long nr;			/* as the kernel saw it */
	const char *pers;		/* personality name */
	unsigned word;			/* personality word size, bytes */
	uint64_t raw[6];
	bool block_unreadable;		/* old_mmap: block could not be read */
	uint64_t block_addr;		/* old_mmap: the pointer */

	uint64_t addr, len;
	uint64_t prot, flags;
	int fd;
	uint64_t off;
	/* mremap */
	uint64_t old_len, new_len, new_addr;
	/* brk */
	uint64_t brk;
	/* clone: which raw argument holds the flags (s390: 1) */
	unsigned clone_flags_arg;
	/* The thread is traced without a seccomp filter (every call
	 * stops; a child that escapes tracing escapes everything). */
	bool ptrace_only;
	/* The kernel has no PTRACE_GET_SYSCALL_INFO: the personality of a
	 * seccomp stop comes from its SECCOMP_RET_DATA, which a tracee
	 * filter could forge. */
	bool trace_data_untrusted;
	/* MSYS_EXEC: the check is of the program's interpreter (the
	 * process's facts, such as its size, were judged with the
	 * program). */
	bool exec_interp;
	/* setrlimit, prlimit64 of RLIMIT_AS: the new limits as the
	 * kernel will read them (RLIM_INFINITY as UINT64_MAX), or
	 * rlim_unreadable. rlim_set: the call sets RLIMIT_AS. */
	bool rlim_set, rlim_unreadable;
	uint64_t rlim_cur, rlim_max;
	/* memtrace's own pid: calls that reach it are refused. */
	pid_t tracer_pid;
};

/* ipc(call, first, second, ...): the call in the low 16 bits of the
 * first argument (a version above them); for SHMAT, the segment's id
 * in "first", arg1, and shmflg in "second", arg2. */
#define IPC_CALL_MASK 0xffff
#define IPC_SHMAT 21
#define IPC_SHMID_ARG 1
#define IPC_SHMFLG_ARG 2

/* shmat, or ipc(SHMAT): the segment's id in *shmid. */
bool call_shmat(const struct mcall *c, int *shmid);

#endif
