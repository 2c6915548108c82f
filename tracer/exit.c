/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ways out of a run that end every tracee: memtrace's own signal
 * (loop.c), a verdict's exit or panic action (handle.c at a call,
 * program.c at exec), and the kill of a process memtrace cannot check
 * (fail_closed). One file, below all of them, so that none of
 * them calls into another for it.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tracer/tracer.h"

static void kill_one(struct thread *t, void *arg)
{
	(void)arg;
	kill(t->tid, SIGKILL);
}

void kill_all_tracees(void)
{
	thread_foreach(kill_one, NULL);
	if (T.root > 0)
		kill(T.root, SIGKILL);
}

/* Every kill of a process that memtrace cannot check, read or undo
 * goes through here, so that its record is the same in text and
 * JSON (a note to standard error alone would miss --json readers). */
void fail_closed(struct thread *t, const char *fmt, ...)
{
	pid_t tgid = thread_tgid(t);
	char msg[1024];
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	used = strlen(msg);
	snprintf(msg + used, sizeof(msg) - used, "; killed (fail closed)");
	log_kill(tgid, t->tid, msg);
	kill(tgid, SIGKILL);
}

/* ACT_EXIT: every tracee dies, memtrace exits with the errno. */
void tracer_exit(int code)
{
	kill_all_tracees();
	if (T.log)
		fflush(T.log);
	exit(code);
}

/* ACT_PANIC: every tracee dies, memtrace aborts (without a core). */
void tracer_panic(void)
{
	struct rlimit no_core = { 0, 0 };

	kill_all_tracees();
	if (T.log)
		fflush(T.log);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGABRT, SIG_DFL);
	abort();
}
