/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One memory call at a stop: decode, gather the facts the checks ask
 * for, decide, record, and carry the verdict out.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tracer/tracer.h"

static void decode(struct thread *t, struct stop_call *sc, enum msys s,
		   struct mcall *c)
{
	unsigned char block[6 * 8];
	const struct personality *p = sc->pers;
	bool uses_block = s == MSYS_OLD_MMAP ||
			  (s == MSYS_MMAP2 && p->mmap2_block);
	const void *b = NULL;

	if (uses_block && vm_read(t->tid, sc->rc.args[0], block,
				  arch_block_size(p)) == 0)
		b = block;
	arch_fill_call(p, s, &sc->rc, b, c);
}

static void gather(struct thread *t, const struct mcall *c, struct facts *f)
{
	unsigned want = check_needs(c, T.pol);

	memset(f, 0, sizeof(*f));
	/* Cheap facts first; a check may then ask for more. */
	for (int round = 0; want && round < 8; round++) {
		facts_gather(t->tid, c, T.pol, want, f);
		want = check_needs_more(c, T.pol, f);
	}
}

/* The failure value of a denied call: -errno, except brk, which fails
 * by leaving the break where it is (see deny_brk). */
static int deny(struct thread *t, struct stop_call *sc,
		const struct mcall *c, int err, bool *need_exit)
{
	if (c->sys == MSYS_BRK)
		return stop_brk_query(t, sc);
	return stop_deny(t, sc, -(int64_t)err, need_exit);
}

static void fail_unknown(struct thread *t)
{
	pid_t tgid = thread_tgid(t);

	log_note("kill pid=%d tid=%d: a memory call from an unknown "
		 "personality cannot be decoded; killed (fail closed)",
		 tgid, t->tid);
	kill(tgid, SIGKILL);
}

static __attribute__((noreturn)) void die_now(int code)
{
	kill_all_tracees();
	if (T.log)
		fflush(T.log);
	exit(code);
}

static __attribute__((noreturn)) void panic_now(void)
{
	struct rlimit no_core = { 0, 0 };

	kill_all_tracees();
	if (T.log)
		fflush(T.log);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGABRT, SIG_DFL);
	abort();
}

static void mark_detach(struct thread *t, void *tgid)
{
	if (thread_tgid(t) == *(pid_t *)tgid)
		t->detached = true;
}

/*
 * ACT_STOP: leave the process in a group-stop, detached, for gdb. Each
 * of its threads is detached at its group-stop (see loop.c), so the
 * process stays stopped with no tracer. memtrace goes on waiting: were
 * it to exit, the stopped process's group could be orphaned, and the
 * kernel sends SIGHUP to an orphaned group with a stopped member.
 */
static void stop_for_debugger(struct thread *t)
{
	pid_t tgid = thread_tgid(t);

	log_note("process %d is stopped at the denied call and detached; "
		 "attach with: gdb -p %d", tgid, tgid);
	thread_foreach(mark_detach, &tgid);
	kill(tgid, SIGSTOP);
}

static void carry_out(struct thread *t, struct stop_call *sc,
		      const struct mcall *c, const struct verdict *v,
		      bool *need_exit)
{
	pid_t tgid = thread_tgid(t);

	switch (v->act) {
	case ACT_ALLOW:
	case ACT_WARN:
		return;
	case ACT_EXIT:
		die_now(v->err ? v->err : 1);
	case ACT_KILL:
		deny(t, sc, c, v->err, need_exit);
		kill(tgid, SIGKILL);
		return;
	default:
		break;
	}
	if (deny(t, sc, c, v->err, need_exit) < 0 && errno != ESRCH) {
		/* Could not skip the call: never let it run. */
		warnx_("%d: cannot deny the call (%s); killing the process",
		       t->tid, strerror(errno));
		kill(tgid, SIGKILL);
		return;
	}
	if (v->act == ACT_PANIC)
		panic_now();
	if (v->act == ACT_ABORT)
		kill(tgid, SIGABRT);
	if (v->act == ACT_STOP)
		stop_for_debugger(t);
}

void handle_call(struct thread *t, struct stop_call *sc, bool *need_exit,
		 bool *handled)
{
	struct mcall c;
	struct facts f;
	struct verdict v;

	*handled = false;
	*need_exit = false;
	if (!sc) {
		fail_unknown(t);
		return;
	}
	enum msys s = arch_classify(sc->pers, &T.nums[sc->pidx], sc->rc.nr);
	if (s == MSYS_NONE)
		return;
	T.stops_checked++;
	decode(t, sc, s, &c);
	gather(t, &c, &f);
	check_call(&c, &f, T.pol, &v);
	if (action_records(v.act) || T.opt.verbose)
		log_record(t->tid, thread_tgid(t), &c, &v,
			   action_denies(v.act));
	carry_out(t, sc, &c, &v, need_exit);
}
