/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Whether two tasks share a file table or an address space (kcmp, in
 * tracer/verify.c): a comparison that cannot be made counts as shared,
 * so the fd-swap verification at the exit stop runs (fail closed). A
 * user's memtrace cannot compare a process that is not dumpable; here
 * a pid that does not exist makes kcmp fail the same way.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"
#include "unit.h"

/* A child that waits for SIGKILL; fork: nothing shared. */
static pid_t idle_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A pid no task has: the highest the kernel hands out, plus one. */
static pid_t no_such_pid(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	long max = 4194304;

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 4194304;
		fclose(f);
	}
	return (pid_t)max + 1;
}

int main(void)
{
	UNIT_CASE("share/files/fork-is-not-shared") {
		pid_t c = idle_child();
		EXPECT(!files_shared_between(getpid(), c));
		EXPECT(!vm_shared_between(getpid(), c));
		reap(c);
	}
	UNIT_CASE("share/files/self-is-shared") {
		EXPECT(files_shared_between(getpid(), getpid()));
		EXPECT(vm_shared_between(getpid(), getpid()));
	}
	UNIT_CASE("share/files/failed-kcmp-counts-as-shared") {
		/* kcmp fails (ESRCH): counted as shared, never as not. */
		EXPECT(files_shared_between(getpid(), no_such_pid()));
		EXPECT(vm_shared_between(getpid(), no_such_pid()));
	}
	UNIT_DONE();
}
