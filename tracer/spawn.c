/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Starting the command, or attaching to a running process.
 *
 * The child waits on a pipe until the tracer has seized it with
 * PTRACE_O_EXITKILL, so no tracee ever runs a RET_TRACE filter without
 * a tracer; then it sets the kernel's W^X (mdwe.c), installs the
 * filter, makes the probe call whose seccomp stop tells the tracer the
 * filter is live, and execs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"

#define SPAWN_OPTS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP)

static void child_run(int go, char *const argv[])
{
	char c;

	/* Wait for the tracer; EOF means it holds us (or died). */
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	close(go);
	if (getppid() == 1)
		_exit(127);	/* the tracer died before seizing us */

	/* memtrace ignores these while the command runs; the command
	 * gets the defaults back. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);

	bool filtered = false;
	mdwe_set_in_child();
	if (!T.opt.no_seccomp) {
		if (filter_install(T.pol, T.opt.verbose) < 0) {
			fprintf(stderr, "memtrace: cannot install the seccomp "
				"filter (%s); using ptrace-only mode\n",
				strerror(errno));
		} else {
			filter_probe();
			filtered = true;
		}
	}
	/*
	 * The kernel bounds what grows without a call (the stack). Last,
	 * as memtrace's own copy here may be larger than the limit. With
	 * the filter live, the tracer sets it at the probe's stop instead
	 * (here the call would stop as the command's).
	 */
	if (!filtered && rlimit_as_wanted() && rlimit_as_apply(0) < 0) {
		fprintf(stderr, "memtrace: cannot set RLIMIT_AS to mem/vm_max: "
			"%s\n", strerror(errno));
		_exit(126);
	}
	execvp(argv[0], argv);
	int e = errno;
	fprintf(stderr, "memtrace: cannot run %s: %s\n", argv[0],
		strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

/*
 * memtrace runs with the tracees' uid: dumpable, any of them could
 * attach to it or write into its memory and rewrite the policy.
 * Non-dumpable keeps other processes of the same user out (root is
 * kept out by the filter and the bypass check). Done in the parent
 * after the fork, so the child does not inherit it before exec.
 */
static void guard_self(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die("cannot make memtrace non-dumpable: %s", strerror(errno));
}

pid_t spawn_command(char *const argv[])
{
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		child_run(go[0], argv);
	}
	guard_self();
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(SPAWN_OPTS | PTRACE_O_EXITKILL)) < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		die("cannot trace the command: PTRACE_SEIZE: %s", strerror(e));
	}
	struct thread *t = thread_add(pid);
	t->tgid = pid;
	thread_mm_new(t);
	/* Until the exec, the child only sets itself up; the exec event
	 * (or the probe) is where tracing starts. */
	t->seccomp = true;
	close(go[1]);
	T.root = pid;
	return pid;
}

static int seize_thread(pid_t tid)
{
	if (thread_find(tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)SPAWN_OPTS) < 0)
		return errno == ESRCH ? 0 : -1;
	struct thread *t = thread_add(tid);
	t->seccomp = false;
	thread_mm_share(t, thread_find(T.root));
	if (T.opt.stack)
		t->prog_pers = program_pers(tid);
	ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	return 0;
}

/* Seize every thread; loop until a pass finds no new one, since
 * threads may be created while we attach. */
int attach_process(pid_t pid)
{
	char path[64];
	bool found_new = true;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		die("-p %d: no such process", pid);
	guard_self();
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)SPAWN_OPTS) < 0)
		die("-p %d: cannot attach: %s", pid, strerror(errno));
	struct thread *t = thread_add(pid);
	t->seccomp = false;
	t->tgid = pid;
	thread_mm_new(t);
	if (T.opt.stack)
		t->prog_pers = program_pers(pid);
	ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	T.root = pid;
	if (rlimit_as_wanted() && rlimit_as_apply(pid) < 0)
		warnx_("-p %d: cannot set RLIMIT_AS to mem/vm_max (%s): memory "
		       "that grows without a call (the stack) is not bounded",
		       pid, strerror(errno));

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	while (found_new) {
		DIR *d = opendir(path);
		struct dirent *e;

		found_new = false;
		if (!d)
			break;
		while ((e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);
			if (tid <= 0 || thread_find(tid))
				continue;
			if (seize_thread(tid) < 0) {
				closedir(d);
				die("-p %d: cannot attach thread %d: %s", pid,
				    tid, strerror(errno));
			}
			thread_find(tid) ? (void)(thread_find(tid)->tgid = pid)
					 : (void)0;
			found_new = true;
		}
		closedir(d);
	}
	return 0;
}
