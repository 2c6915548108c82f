/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * attacher PID ERRNO: what a debugger finds in a process memtrace left
 * stopped for it (the stop action, --stop-on-deny).
 *
 * Seizes PID with a second ptrace (PTRACE_SEIZE, PTRACE_INTERRUPT),
 * reads its registers (PTRACE_GETREGSET) and checks, on x86_64, that
 * the thread sits right after a syscall instruction (0f 05, read with
 * PTRACE_PEEKTEXT at rip - 2) with rax == -ERRNO: the denied call has
 * returned its error and nothing has run since. Prints
 * "rip=0x... rax=N insn=0f05" and exits 0 if so, 1 if not, 2 if it
 * cannot attach; kills PID in every case.
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t target;

static void on_alarm(int sig)
{
	(void)sig;
	kill(target, SIGKILL);
	static const char msg[] = "attacher: no stop within 10 s\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(2);
}

static int finish(int rc)
{
	int st;

	kill(target, SIGKILL);
	/* Reap the tracee's exit as its tracer; bounded by the alarm. */
	while (waitpid(target, &st, __WALL) == target && !WIFEXITED(st) &&
	       !WIFSIGNALED(st))
		ptrace(PTRACE_CONT, target, NULL, NULL);
	return rc;
}

int main(int argc, char **argv)
{
	int st, want;

	if (argc != 3) {
		fprintf(stderr, "usage: attacher PID ERRNO\n");
		return 2;
	}
	target = atoi(argv[1]);
	want = atoi(argv[2]);
	signal(SIGALRM, on_alarm);
	alarm(10);
	if (ptrace(PTRACE_SEIZE, target, NULL, NULL) < 0) {
		fprintf(stderr, "attacher: PTRACE_SEIZE %d: %s\n", target,
			strerror(errno));
		kill(target, SIGKILL);
		return 2;
	}
	if (ptrace(PTRACE_INTERRUPT, target, NULL, NULL) < 0) {
		fprintf(stderr, "attacher: PTRACE_INTERRUPT: %s\n",
			strerror(errno));
		return finish(2);
	}
	if (waitpid(target, &st, __WALL) != target || !WIFSTOPPED(st)) {
		fprintf(stderr, "attacher: no stop (status %#x)\n", st);
		return finish(2);
	}
#ifdef __x86_64__
	struct user_regs_struct regs;
	struct iovec iov = { &regs, sizeof(regs) };

	if (ptrace(PTRACE_GETREGSET, target, (void *)NT_PRSTATUS, &iov) < 0) {
		fprintf(stderr, "attacher: PTRACE_GETREGSET: %s\n",
			strerror(errno));
		return finish(2);
	}
	errno = 0;
	long word = ptrace(PTRACE_PEEKTEXT, target,
			   (void *)(regs.rip - 2), NULL);
	if (errno) {
		fprintf(stderr, "attacher: PTRACE_PEEKTEXT %#llx: %s\n",
			regs.rip - 2, strerror(errno));
		return finish(2);
	}
	unsigned b0 = (unsigned)word & 0xff, b1 = ((unsigned)word >> 8) & 0xff;
	printf("rip=%#llx rax=%lld insn=%02x%02x\n", regs.rip,
	       (long long)regs.rax, b0, b1);
	if (b0 != 0x0f || b1 != 0x05) {
		fprintf(stderr, "attacher: the instruction before rip is not "
			"syscall (0f 05)\n");
		return finish(1);
	}
	if ((long long)regs.rax != -(long long)want) {
		fprintf(stderr, "attacher: rax is %lld, not -%d\n",
			(long long)regs.rax, want);
		return finish(1);
	}
	return finish(0);
#else
	(void)want;
	fprintf(stderr, "attacher: the register check is written for "
		"x86_64 only\n");
	return finish(3);
#endif
}
