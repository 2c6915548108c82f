/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wait loop: classify each stop and resume it. Runs until waitpid
 * says ECHILD, never until a count of processes reaches zero.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static bool detaching;

bool wants_exit_stop(const struct thread *t)
{
	return t->pending_ret || t->restore_args || t->verify.on ||
	       t->mem_pending || t->rlimit_verify || t->record;
}

static void resume(struct thread *t, int sig)
{
	enum __ptrace_request req = PTRACE_SYSCALL;

	if (t->seccomp && !wants_exit_stop(t))
		req = PTRACE_CONT;
	if (ptrace(req, t->tid, NULL, (void *)(long)sig) < 0 &&
	    errno != ESRCH)
		warnx_("cannot resume %d: %s", t->tid, strerror(errno));
}

static void detach(struct thread *t, int sig)
{
	ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)sig);
	thread_del(t->tid);
}

/* A new thread or process inherits the tree's mode: every task of the
 * spawned tree carries the filter once it is live. */
static struct thread *new_thread(pid_t tid)
{
	struct thread *t = thread_add(tid);

	t->seccomp = T.seccomp_live;
	t->in_syscall = false;
	/* Until its parent's event says otherwise (a task's first stop
	 * may come first), its fd table counts as shared: a shared one
	 * verifies the executable mappings at their exit stop. */
	t->files_shared = true;
	return t;
}

static void on_exit_status(pid_t pid, int status)
{
	struct thread *t = thread_find(pid);

	if (pid == T.root) {
		T.root_done = true;
		T.root_status = status;
	}
	if (t && t->record)
		report_lost(t);	/* -v: its call never returned */
	if (t)
		thread_del(pid);
	ff_close(pid);	/* -ff: the process's file, if pid led one */
}

/*
 * Decide the call read at an entry or seccomp stop (r: what stop_read_*
 * returned) and resume the thread. A call that cannot be read does not
 * run: its process is killed (fail closed).
 */
static void decide(struct thread *t, int r, struct stop_call *sc)
{
	if (r == -1) {
		if (errno == ESRCH)
			return;
		fail_closed(t, "cannot read the call (%s)", strerror(errno));
	} else {
		handle_call(t, r == -2 ? NULL : sc);
		/* Inside the call now: without syscall info to tell, the
		 * next syscall stop is this call's exit. */
		if (wants_exit_stop(t))
			t->in_syscall = true;
	}
	resume(t, 0);
}

/*
 * At the exit stop, memtrace finishes what it changed at the entry: a
 * refused call gets the result memtrace chose, a rewritten one (brk(0)
 * for a refused brk, i386 old_mmap made mmap2) gives its caller the
 * argument registers back. A step that fails would leave the thread
 * running on with a result or registers memtrace did not intend, and
 * the call is done, too late to deny: the process is killed (fail
 * closed). Returns false then.
 */
static bool finish_rewrite(struct thread *t)
{
	if (t->pending_ret) {
		t->pending_ret = false;
		if (stop_set_return(t, t->ret) < 0 && errno != ESRCH) {
			t->restore_args = false;
			fail_closed(t, "cannot set the return value of a "
				    "refused call (%s)", strerror(errno));
			return false;
		}
	}
	if (t->restore_args) {
		t->restore_args = false;
		if (stop_restore_args(t) < 0 && errno != ESRCH) {
			fail_closed(t, "cannot restore the argument registers "
				    "of a rewritten call (%s)",
				    strerror(errno));
			return false;
		}
	}
	return true;
}

/*
 * A syscall-enter-stop resumed with PTRACE_SYSCALL is followed by its
 * syscall-exit-stop, a PTRACE_EVENT stop or the thread's death, never
 * by another entry (ptrace(2)), so after an entry memtrace read itself
 * the next syscall stop is that call's exit. Where the call needs
 * nothing there, the stop is resumed unread: one ptrace call instead
 * of two on most of a ptrace-only run's stops. Any other way into a
 * syscall stop (attach, exec, a seccomp stop, a new thread) reads it.
 */
static bool exit_idle(struct thread *t)
{
	if (!t->exit_idle || t->seccomp)
		return false;
	t->exit_idle = false;
	t->in_syscall = false;
	T.stops_exit++;
	T.exits_unread++;
	resume(t, 0);
	return true;
}

static void on_syscall_stop(struct thread *t)
{
	struct stop_call sc;
	int op;

	if (exit_idle(t))
		return;
	int r = stop_read_syscall(t->tid, !t->in_syscall && !t->seccomp, &sc,
				  &op);
	bool is_exit = op >= 0 ? op == STOP_EXIT : t->in_syscall;

	if (is_exit) {
		t->in_syscall = false;
		T.stops_exit++;
		if (!finish_rewrite(t))
			t->verify.on = false;	/* dying: nothing to verify */
		if (t->verify.on)
			verify_at_exit(t);
		/* Done: what it added shows in VmSize and PSS now. */
		thread_pending_drop(t);
		if (t->rlimit_verify)
			rlimit_verify_at_exit(t);
		/* -v: the result, as the tracee sees it (after the
		 * fix-ups above). */
		if (t->record)
			report_at_exit(t);
		resume(t, 0);
		return;
	}
	t->in_syscall = true;
	T.stops_syscall++;
	if (t->seccomp) {
		/* Only reached while waiting for an exit stop. */
		resume(t, 0);
		return;
	}
	decide(t, r, &sc);
	t->exit_idle = r >= 0 && !wants_exit_stop(t);
}

static void on_seccomp_stop(struct thread *t)
{
	unsigned long data = 0;
	struct stop_call sc;

	if (!T.kf.known)
		probe_kernel_features_at(t->tid);
	/* A thread that turns seccomp here may be resumed without its
	 * exit stop: what its entry stop planned no longer holds. */
	t->exit_idle = false;
	int r = stop_read_seccomp(t->tid, &sc, &data);
	int tag = (int)((data >> 8) & 0xff);

	/* The probe comes once, from the command before its exec. The
	 * data of a seccomp stop can be forged by a tracee filter, so a
	 * probe tag at any other time is an ordinary stop. */
	if (tag == TAG_PROBE && !T.seccomp_live && t->tid == T.root) {
		T.seccomp_live = true;
		t->seccomp = true;
		/* RLIMIT_AS for the command, just before its exec. */
		if (rlimit_as_wanted() && rlimit_as_apply(t->tid) < 0)
			die("cannot set RLIMIT_AS to mem/vm_max on the command: "
			    "%s", strerror(errno));
		resume(t, 0);
		return;
	}
	T.stops_seccomp++;
	if (!t->seccomp) {
		/* A ptrace-only thread has decided at its entry stop. */
		resume(t, 0);
		return;
	}
	decide(t, r, &sc);
}

/* A new task's address space: its parent's for a thread, and for a
 * process made with CLONE_VM or vfork, or where kcmp cannot tell (one
 * of them gone, or not comparable): it then counts as shared, and the
 * verification at exit stops runs. A task of another thread group is
 * the child of a fork, vfork or clone without CLONE_THREAD, whatever
 * the event. */
static void task_mm(struct thread *c, struct thread *parent)
{
	if (c->tgid == thread_tgid(parent) ||
	    vm_shared_between(parent->tid, c->tid))
		thread_mm_share(c, parent);
	else
		thread_mm_new(c);
}

/*
 * A new task, whatever event reported it: clone(CLONE_FILES|SIGCHLD)
 * makes a process that shares its parent's fd table and is reported
 * as a fork, and a thread made without CLONE_FILES has a table of its
 * own. So the sharing is asked of the kernel (kcmp) for every task.
 */
static void on_new_task(struct thread *parent, int event)
{
	unsigned long msg = 0;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, NULL, &msg) == 0 &&
	    msg) {
		pid_t child = (pid_t)msg;
		struct thread *c = thread_find(child);
		if (!c)
			c = new_thread(child);
		pid_t pg = thread_tgid(parent);
		c->tgid = child;
		if (event == PTRACE_EVENT_CLONE) {
			char path[64];
			struct stat st;
			snprintf(path, sizeof(path), "/proc/%d/task/%d", pg,
				 child);
			if (stat(path, &st) == 0)
				c->tgid = pg;
		}
		c->prog_pers = parent->prog_pers;	/* the same program */
		c->files_shared = files_shared_between(parent->tid, child);
		if (c->files_shared)
			parent->files_shared = true;
		task_mm(c, parent);
	}
	resume(parent, 0);
}

/* The exec'ing thread may not be the leader: its state moves to the
 * tgid, and the old tid is gone. */
static void on_exec(struct thread *t)
{
	unsigned long old = 0;

	if (!T.kf.known)
		probe_kernel_features();	/* the filter did not go in */
	ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &old);
	if (old && (pid_t)old != t->tid) {
		struct thread *o = thread_find((pid_t)old);
		if (o) {
			t->seccomp = o->seccomp;
			thread_del((pid_t)old);
		}
	}
	t->tgid = t->tid;
	t->exit_idle = false;	/* the execve's exit stop is read */
	t->pending_ret = false;
	t->restore_args = false;
	t->verify.on = false;
	t->rlimit_verify = false;
	/* A new address space: nothing pending counts against it. */
	thread_pending_clear(t->tgid);
	thread_mm_new(t);
	t->files_shared = false;	/* execve unshares the fd table */
	if (t->tid == T.root && !T.seccomp_live && t->seccomp) {
		/* The first exec of the command without a probe: the
		 * filter is not there; trace every call instead. */
		t->seccomp = false;
	}
	/* The execve's own exit stop follows in PTRACE_SYSCALL mode. */
	t->in_syscall = !t->seccomp;
	stack_flush();		/* a new address space: nothing cached holds */
	/* The checks at exec (W^X's READ_IMPLIES_EXEC and segments
	 * first, then the file checks) and -c's count of the exec; they
	 * set -k's personality where they read the program's header. */
	t->prog_pers = NULL;
	program_check(t);
	if (T.opt.stack && !t->prog_pers)
		t->prog_pers = program_pers(t->tid);
	resume(t, 0);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

static void on_event_stop(struct thread *t, int sig)
{
	if (t->detached) {
		detach(t, 0);
		return;
	}
	if (is_stop_signal(sig)) {
		/* A group-stop: stay stopped until SIGCONT. */
		if (ptrace(PTRACE_LISTEN, t->tid, NULL, NULL) < 0 &&
		    errno != ESRCH)
			warnx_("%d: PTRACE_LISTEN: %s", t->tid,
			       strerror(errno));
		return;
	}
	/* PTRACE_INTERRUPT, or a new task's first stop. */
	resume(t, 0);
}

static void on_stop(pid_t pid, int status)
{
	struct thread *t = thread_find(pid);
	int sig = WSTOPSIG(status), event = (status >> 16) & 0xff;

	if (!t)
		t = new_thread(pid);	/* reported before its parent's event */
	if (detaching && !wants_exit_stop(t) && event != PTRACE_EVENT_EXEC) {
		int deliver = 0;
		if (sig != (SIGTRAP | 0x80) && !event && sig != SIGTRAP)
			deliver = sig;
		detach(t, deliver);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t);
		return;
	}
	switch (event) {
	case 0:
		/* Signal-delivery-stop: deliver it unchanged. */
		resume(t, sig);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(t, event);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(t);
		return;
	case PTRACE_EVENT_STOP:
		on_event_stop(t, sig);
		return;
	default:
		resume(t, 0);
		return;
	}
}

static void interrupt_one(struct thread *t, void *arg)
{
	(void)arg;
	ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL);
}

/* A signal to memtrace: -p detaches, a spawned command is killed (it
 * would otherwise run on with nobody enforcing the policy). */
static void on_our_signal(void)
{
	int sig = T.got_signal;

	T.got_signal = 0;
	if (T.opt.attach) {
		if (!detaching) {
			detaching = true;
			thread_foreach(interrupt_one, NULL);
		}
		return;
	}
	if (sig == SIGINT || sig == SIGQUIT)
		return;		/* the terminal sent it to the command too */
	kill_all_tracees();
	T.exiting = true;
	T.exit_code = 128 + sig;
}

int trace_loop(void)
{
	for (;;) {
		int status;
		pid_t pid;

		if (T.got_signal)
			on_our_signal();
		pid = waitpid(-1, &status, __WALL);
		T.stop_gen++;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("waitpid: %s", strerror(errno));
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			on_exit_status(pid, status);
		else if (WIFSTOPPED(status))
			on_stop(pid, status);
		if (detaching && thread_count() == 0)
			break;	/* -p: every thread is detached */
	}
	return 0;
}
