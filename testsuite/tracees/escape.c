/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ways around the tracer, each of which must fail:
 *   listener: a seccomp filter with a user-notification listener;
 *   personality: READ_IMPLIES_EXEC;
 *   traceme: PTRACE_TRACEME while traced;
 *   untraced: a clone(CLONE_UNTRACED) child mapping W^X memory;
 *   shm: SysV shared memory attached with SHM_EXEC.
 * Usage: escape seccomp|ptrace (which mode memtrace runs in). Prints
 * the records memtrace must write; exits 1 on a result it did not
 * expect.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "tracee.h"

static int seccomp_mode;

static void check(const char *what, long got, long want)
{
	if (got != want) {
		fprintf(stderr, "FAIL: %s: got %ld, expected %ld\n", what, got,
			want);
		tracee_failed = 1;
	}
}

static long install(unsigned flags, unsigned ret_for_mmap)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ret_for_mmap),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, code };
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	return r < 0 ? -errno : r;
}

static void listener(void)
{
	long r = install(SECCOMP_FILTER_FLAG_NEW_LISTENER,
			 SECCOMP_RET_USER_NOTIF);
	check("seccomp with a listener", r, -EPERM);
	/* A filter without a listener only narrows: allowed. */
	check("seccomp without a listener", install(0, SECCOMP_RET_ALLOW), 0);
	/* A filter that returns SECCOMP_RET_TRACE with memtrace's own
	 * probe tag (0x0200) and with another personality's index (x32,
	 * 0x0102): the newest filter's data wins the tie, so memtrace
	 * sees forged data; W^X must hold all the same. */
	check("seccomp forging the probe", install(0, SECCOMP_RET_TRACE |
	      0x0200), 0);
	check("mmap rwx under a forged probe tag", raw_mmap(NULL, 4096,
	      PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	      -1, 0), -EACCES);
	check("seccomp forging a personality", install(0, SECCOMP_RET_TRACE |
	      0x0102), 0);
	check("mmap rwx under a forged personality", raw_mmap(NULL, 4096,
	      PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	      -1, 0), -EACCES);
	/* W^X still holds. */
	check("mmap rwx after the filters", raw_mmap(NULL, 4096, PROT_READ |
	      PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	      -EACCES);
}

static void persona(void)
{
	long r = syscall(SYS_personality, READ_IMPLIES_EXEC);
	check("personality(READ_IMPLIES_EXEC)", r < 0 ? -errno : 0, -EPERM);
	/* A query changes nothing and passes. */
	r = syscall(SYS_personality, 0xffffffffUL);
	check("personality query", r < 0 ? -errno : 0, 0);
	check("READ_IMPLIES_EXEC not set", r & READ_IMPLIES_EXEC, 0);
}

static void traceme(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0);
	int st;
	waitpid(pid, &st, 0);
	check("PTRACE_TRACEME in a traced child", WEXITSTATUS(st), EPERM);
}

static char stack[65536] __attribute__((aligned(16)));

static int child(void *arg)
{
	(void)arg;
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* 0: mapped (escaped); else the errno. */
	_exit(r > 0 ? 0 : (int)-r);
}

static void untraced(void)
{
	pid_t pid = clone(child, stack + sizeof(stack),
			  CLONE_UNTRACED | SIGCHLD, NULL);
	if (seccomp_mode) {
		/* The child is not traced but keeps the filter: its
		 * memory call fails with ENOSYS, nothing runs unseen. */
		int st;
		check("clone(CLONE_UNTRACED)", pid > 0, 1);
		waitpid(pid, &st, 0);
		check("untraced child's mmap", WEXITSTATUS(st), ENOSYS);
	} else {
		/* Without a filter the child would be free: refused. */
		check("clone(CLONE_UNTRACED)", pid < 0 ? -errno : pid, -EPERM);
	}
}

/* SysV shared memory attached executable: another attach can write. */
static void shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	void *a = shmat(id, NULL, SHM_EXEC);
	check("shmat(SHM_EXEC)", a == (void *)-1 ? -errno : 0, -EACCES);
	a = shmat(id, NULL, SHM_RDONLY);
	check("shmat(SHM_RDONLY)", a == (void *)-1 ? -errno : 0, 0);
	shmctl(id, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	seccomp_mode = !strcmp(argv[1], "seccomp");
	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	persona();
	traceme();
	untraced();
	listener();
	shm();
	return tracee_failed;
}
