/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One memory call at a stop: decode, gather the facts the checks ask
 * for, decide, record, and carry the verdict out.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <unistd.h>

#include "checks/checks.h"
#include "tracer/tracer.h"

static void decode(struct thread *t, struct stop_call *sc, enum msys s,
		   struct mcall *c)
{
	unsigned char block[6 * 8];
	const struct personality *p = sc->pers;
	const void *b = NULL;

	if (arch_uses_block(p, s) && vm_read(t->tid, sc->rc.args[0], block,
				  arch_block_size(p)) == 0)
		b = block;
	arch_fill_call(p, s, &sc->rc, b, c);
}

/*
 * The new limits of setrlimit (a struct rlimit of the personality's
 * words) and prlimit64 (always two 64-bit words), from tracee memory.
 * A 32-bit RLIM_INFINITY (all ones) is the kernel's RLIM_INFINITY.
 */
static void decode_rlimit(struct thread *t, const struct personality *p,
			  struct mcall *c)
{
	bool set = c->sys == MSYS_SETRLIMIT;
	uint64_t ptr = set ? c->raw[1] : c->raw[2];
	unsigned w = set ? p->word : 8;
	unsigned char b[16];

	if (!ptr)
		return;
	if (vm_read(t->tid, ptr, b, 2 * w) < 0) {
		c->rlim_unreadable = true;
		return;
	}
	uint64_t v[2];
	for (int i = 0; i < 2; i++) {
		if (w == 8) {
			memcpy(&v[i], b + 8 * i, 8);
			continue;
		}
		uint32_t v32;
		memcpy(&v32, b + 4 * i, 4);
		v[i] = v32 == UINT32_MAX ? UINT64_MAX : v32;
	}
	c->rlim_cur = v[0];
	c->rlim_max = v[1];
}

/*
 * The failure value of a denied call: -errno, except brk, which fails
 * by leaving the break where it is and returning it. The call becomes
 * the query brk(0); where argument 0 cannot be rewritten through the
 * registers (riscv64 keeps it in orig_a0), the call is skipped and
 * returns the break read from the process's maps instead.
 */
static int deny(struct thread *t, struct stop_call *sc,
		const struct mcall *c, int err)
{
	if (c->sys != MSYS_BRK)
		return stop_deny(t, sc, -(int64_t)err);
	if (T.use_set_info || !sc->pers->arg0_note)
		return stop_brk_query(t, sc);
	struct facts f;
	memset(&f, 0, sizeof(f));
	facts_gather(t->tid, c, T.pol, FACT_BRK, NULL, &f);
	if (!(f.have & FACT_BRK))
		return errno = EIO, -1;
	return stop_deny(t, sc, (int64_t)f.cur_brk);
}

static void fail_unknown(struct thread *t)
{
	fail_closed(t, "a memory call from an unknown personality cannot "
		    "be decoded");
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
	/* The hint is for whoever is at the terminal, not only the log. */
	if (T.log)
		warnx_("process %d is stopped at the denied call and "
		       "detached; attach with: gdb -p %d", tgid, tgid);
	thread_foreach(mark_detach, &tgid);
	kill(tgid, SIGSTOP);
}

static void carry_out(struct thread *t, struct stop_call *sc,
		      const struct mcall *c, const struct verdict *v)
{
	pid_t tgid = thread_tgid(t);

	switch (v->act) {
	case ACT_ALLOW:
	case ACT_WARN:
		return;
	case ACT_EXIT:
		tracer_exit(v->err ? v->err : 1);
	case ACT_KILL:
		deny(t, sc, c, v->err);
		kill(tgid, SIGKILL);
		return;
	default:
		break;
	}
	if (deny(t, sc, c, v->err) < 0 && errno != ESRCH) {
		/* Could not skip the call: never let it run. */
		fail_closed(t, "cannot deny the call (%s)", strerror(errno));
		return;
	}
	if (v->act == ACT_PANIC)
		tracer_panic();
	if (v->act == ACT_ABORT)
		kill(tgid, SIGABRT);
	if (v->act == ACT_STOP)
		stop_for_debugger(t);
}

/*
 * i386 old_mmap: the kernel would read the six words again after the
 * check, and another thread may have changed them by then. Make it an
 * mmap2 with the checked values in registers instead. The offset must
 * be page-aligned, as the kernel's old_mmap requires.
 */
static void old_mmap_to_mmap2(struct thread *t, struct stop_call *sc,
			      const struct mcall *c)
{
	const struct personality *p = sc->pers;
	long nr2 = T.nums[sc->pidx].nr[MSYS_MMAP2];

	if (c->off % p->mmap2_unit) {
		stop_deny(t, sc, -EINVAL);
		return;
	}
	uint64_t args[6] = { c->addr, c->len, c->prot, c->flags,
			     (uint32_t)c->fd, c->off / p->mmap2_unit };
	if (stop_rewrite(t, sc, nr2, args) < 0 && errno != ESRCH) {
		fail_closed(t, "cannot rewrite old_mmap (%s)",
			    strerror(errno));
	}
}

/* The pieces of an mprotect range checked one by one (decide_pieces). */
struct pieces {
	struct range_piece *v;
	struct facts *f;	/* the facts of each */
	size_t n;
};

/* An allowed call: make sure what runs is what was checked. */
static void after_allow(struct thread *t, struct stop_call *sc,
			const struct mcall *c, const struct facts *f,
			const struct pieces *pc)
{
	const struct personality *p = sc->pers;

	if (pc->n) {
		verify_plan_range(t, c, pc->v, pc->f, pc->n);
		return;
	}
	if (c->sys == MSYS_OLD_MMAP && !c->block_unreadable &&
	    p->mmap2_unit && !p->mmap2_block &&
	    T.nums[sc->pidx].nr[MSYS_MMAP2] >= 0) {
		old_mmap_to_mmap2(t, sc, c);
		/* The registers now hold the checked values; only the
		 * fd can still change under it. */
		struct mcall as2 = *c;
		as2.sys = MSYS_MMAP2;
		verify_plan(t, &as2, f, p);
		return;
	}
	verify_plan(t, c, f, p);
}

/*
 * The address space's VmSize bound (proc.c) grows by what an allowed
 * call may add (req, where known); where that cannot be counted it is
 * forgotten: a MAP_GROWSDOWN mapping (it grows by itself, past the
 * stack's room in the bound), an rlimit call that sets limits
 * (RLIMIT_STACK may have changed, for any process). A prlimit64 that
 * only asks grows it by nothing (mem_request: 0).
 */
static void grow_bound(struct thread *t, const struct mcall *c,
		       bool known, uint64_t req)
{
	if (rlimit_sets(c))
		thread_vm_forget_all();
	else if (!known || (msys_is_mmap(c->sys) &&
			    (c->flags & MAP_GROWSDOWN)))
		thread_vm_forget(t);
	else
		thread_vm_grow(t, req);
}

/* What an allowed call adds counts against its address space's
 * limits until the call returns (the exit stop), so that calls of
 * other tasks sharing it decided meanwhile see it. A task alone in its
 * address space races no one: its call returns before its next, with
 * no exit stop. */
static void count_pending(struct thread *t, const struct mcall *c,
			  const struct facts *f)
{
	uint64_t req;

	if (!mem_limits_on(T.pol))
		return;
	grow_bound(t, c, mem_request(c, f, &req), req);
	if (!thread_mm_alone(t))
		thread_pending_set(t, thread_tgid(t), req);
	if (rlimit_as_wanted() && mem_rlimit_as(c))
		rlimit_plan(t, c);
}

/* Each warning is a record of its own, in the order of the checks. */
struct warn_ctx {
	struct thread *t;
	const struct mcall *c;
};

static void record_warning(const struct verdict *w, void *arg)
{
	const struct warn_ctx *x = arg;

	report(x->t, x->c, NULL, w, REPORT_WRITE, NULL);
}

/* Whether the pieces leave part of c's range unmapped. */
static bool pieces_hole(const struct mcall *c, const struct pieces *pc)
{
	uint64_t covered = c->addr;

	for (size_t i = 0; i < pc->n; i++) {
		const struct mcall *pcall = &pc->v[i].c;
		if (pcall->addr > covered)
			return true;
		if (pcall->addr + pcall->len > covered)
			covered = pcall->addr + pcall->len;
	}
	return covered < c->addr + page_align(c->len);
}

/*
 * A hole in the range is no piece, but the kernel makes executable
 * what lies before it and then fails: W^X judges the whole range
 * (unmapped memory counts as not executable).
 */
static void hole_verdict(struct thread *t, const struct mcall *c,
			 struct facts *f, struct verdict *v)
{
	struct facts whole;
	struct verdict wv;

	if (!check_wx.enabled(T.pol))
		return;
	memset(&whole, 0, sizeof(whole));
	facts_gather(t->tid, c, T.pol, FACT_RANGE_PROT, NULL, &whole);
	verdict_clear(&wv);
	check_wx.run(c, &whole, T.pol, &wv);
	if (action_denies(wv.act)) {
		*v = wv;
		*f = whole;
	}
}

/*
 * mprotect adding PROT_EXEC where a file check looks at the file: the
 * range may span several mappings, and each is a piece checked as its
 * own call (its file against exec, tpe, force and the stack check;
 * anonymous and shared memory against W^X), the first denial
 * deciding, else the first warning. f and v get the deciding piece's
 * facts and verdict (the first piece's if all allow). --learn learns
 * every piece. Returns false (nothing done) for any other call.
 */
static bool decide_pieces(struct thread *t, const struct mcall *c,
			  struct pieces *pc, struct facts *f,
			  struct verdict *v)
{
	pc->n = 0;
	if (!range_exec_call(c) || !(check_needs(c, T.pol) & FACT_FD) ||
	    range_pieces(t->tid, c, &pc->v, &pc->n) < 0 || !pc->n)
		return false;
	pc->f = calloc(pc->n, sizeof(*pc->f));
	if (!pc->f)
		die("out of memory");
	bool decided = false;
	verdict_clear(v);
	for (size_t i = 0; i < pc->n; i++) {
		struct verdict pv;
		struct warn_ctx wx = { t, &pc->v[i].c };
		/* Each piece's warnings are recorded as they come. */
		facts_decide(t->tid, &pc->v[i].c, T.pol, &pc->v[i].ref,
			     &pc->f[i], &pv, record_warning, &wx);
		report(t, &pc->v[i].c, &pc->f[i], &pv, REPORT_LEARN, NULL);
		if (action_denies(pv.act) ||
		    (pv.act == ACT_WARN && !decided)) {
			*v = pv;
			*f = pc->f[i];
			decided = true;
		}
		if (action_denies(pv.act))
			break;
	}
	if (!decided)
		*f = pc->f[0];
	if (!action_denies(v->act) && pieces_hole(c, pc))
		hole_verdict(t, c, f, v);
	return true;
}

static void pieces_free(struct pieces *pc)
{
	if (pc->v) {
		free(pc->v);
		free(pc->f);
	}
	pc->v = NULL;
	pc->f = NULL;
	pc->n = 0;
}

/* The file of c's fd argument where the facts read it (else NULL:
 * the record reads /proc/TID/fd/N). */
static const char *facts_fd_path(const struct mcall *c,
				 const struct facts *f)
{
	if (!call_has_fd(c) || !(f->have & FACT_FD) ||
	    f->ref.kind != FSRC_FD || !f->fd_exists || !f->path_real)
		return NULL;
	return f->path;
}

/* A verdict's record now; -v's record of an allowed call at its exit
 * stop, with the call's result (no extra stop without -v). */
static unsigned record_how(const struct mcall *c, const struct verdict *v)
{
	bool verbose = T.opt.verbose && msys_is_memory(c->sys) &&
		       trace_selected(c->sys);

	if (action_records(v->act) || (verbose && action_denies(v->act)))
		return REPORT_WRITE |
		       (action_denies(v->act) ? REPORT_DENIED : 0);
	return verbose ? REPORT_PLAN : 0;
}

/* The caller resumes the thread afterwards; whether to its exit stop
 * follows from the thread's state (wants_exit_stop). */
void handle_call(struct thread *t, struct stop_call *sc)
{
	struct mcall c;
	struct facts f;
	struct verdict v;

	if (!sc) {
		fail_unknown(t);
		return;
	}
	enum msys s = arch_classify(sc->pers, &T.nums[sc->pidx], sc->rc.nr);
	if (s == MSYS_NONE)
		return;
	T.stops_checked++;
	decode(t, sc, s, &c);
	if (s == MSYS_SETRLIMIT || s == MSYS_PRLIMIT64)
		decode_rlimit(t, sc->pers, &c);
	c.ptrace_only = !t->seccomp;
	c.trace_data_untrusted = !T.kf.get_info;
	c.tracer_pid = T.self;
	memset(&f, 0, sizeof(f));
	if (mem_limits_on(T.pol))
		f.pending = thread_pending_mem(t);
	struct pieces pc = { NULL, NULL, 0 };
	bool by_piece = decide_pieces(t, &c, &pc, &f, &v);
	if (!by_piece) {
		struct warn_ctx wx = { t, &c };
		facts_decide(t->tid, &c, T.pol, NULL, &f, &v, record_warning,
			     &wx);
	}
	facts_explain(t->tid, &f, &v);
	/* --stop-on-deny: a denial that leaves the process running
	 * (deny, abort) stops it for a debugger instead; filter (no
	 * record wanted), kill, exit and panic keep their meaning. */
	if (T.opt.stop_on_deny && (v.act == ACT_DENY || v.act == ACT_ABORT))
		v.act = ACT_STOP;
	/* --learn learned each piece already. A warning verdict was
	 * recorded as it came (record_warning); -e trace=SET narrows -v's
	 * records, never a verdict's. */
	struct rec_extra x = { .fd_path = facts_fd_path(&c, &f) };
	unsigned how = REPORT_COUNT | (by_piece ? 0 : REPORT_LEARN);
	if (v.act != ACT_WARN)
		how |= record_how(&c, &v);
	report(t, &c, &f, &v, how, &x);
	carry_out(t, sc, &c, &v);
	if (!action_denies(v.act)) {
		after_allow(t, sc, &c, &f, &pc);
		count_pending(t, &c, &f);
	}
	pieces_free(&pc);
}
