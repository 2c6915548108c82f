/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one way a verdict is reported, for a call (handle.c) and an exec
 * (program.c) alike: -c counts it, --learn learns from it, and its
 * record is written with the backtrace (-k) taken here, while the
 * thread is stopped. log.c only writes what it is given.
 *
 * The rule: every verdict that decides is counted and learned from,
 * whether a record is written or not (a filter action kills or fails
 * without a record, and still counts); a record is written where the
 * action records, or -v asks.
 */
#include <string.h>

#include "tracer/tracer.h"

/* The record now, with the stack of the stopped thread. */
static void write_record(struct thread *t, const struct mcall *c,
			 const struct verdict *v, bool denied,
			 const struct rec_extra *x)
{
	struct backtrace bt, *btp = NULL;

	if (T.opt.stack) {
		stack_capture(t->tid, c->pers, T.opt.stack_depth, &bt);
		btp = &bt;
	}
	log_emit(t->tid, thread_tgid(t), c, v, denied, btp, x);
	if (btp)
		stack_free(btp);
}

void report(struct thread *t, const struct mcall *c, struct facts *f,
	    const struct verdict *v, unsigned how, const struct rec_extra *x)
{
	pid_t tgid = thread_tgid(t);
	bool exec = c->sys == MSYS_EXEC;

	/* --learn first: -c may read more facts into f. */
	if (T.opt.learn && (how & REPORT_LEARN)) {
		if (exec)
			learn_exec_record(t->tid, tgid, c, f, v);
		else
			learn_call(t->tid, tgid, c, f, v);
	}
	if (T.opt.summary && (how & REPORT_COUNT)) {
		if (exec)
			summary_exec_verdict(v);
		else
			summary_call(t->tid, tgid, c, f, v);
	}
	if (how & REPORT_WRITE)
		write_record(t, c, v, how & REPORT_DENIED, x);
	else if (how & REPORT_PLAN)
		record_plan(t, c, v, x ? x->fd_path : NULL);
}

void report_at_exit(struct thread *t)
{
	struct rec_extra x;
	struct backtrace bt, *btp = NULL;
	const struct mcall *c = record_planned(t);

	if (!c)
		return;
	memset(&x, 0, sizeof(x));
	if (stop_return_value(t->tid, &x.ret) == 0)
		x.has_ret = true;
	else
		x.ret_lost = true;
	/* A thread that ended has no stack left to unwind. */
	if (T.opt.stack && !x.ret_lost) {
		stack_capture(t->tid, c->pers, T.opt.stack_depth, &bt);
		btp = &bt;
	}
	record_write(t, &x, btp);
	if (btp)
		stack_free(btp);
}

void report_lost(struct thread *t)
{
	struct rec_extra x;

	if (!record_planned(t))
		return;
	memset(&x, 0, sizeof(x));
	x.ret_lost = true;
	record_write(t, &x, NULL);
}
