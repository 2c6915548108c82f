/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * -c, --summary: at exit, to the log (stderr or -o FILE), in aligned
 * columns like strace -c, or as one JSON object with --json:
 *   - per memory call and personality: calls stopped, allowed, warned,
 *     denied (every denying action), bytes requested;
 *   - per check: hits (verdicts other than allow it gave);
 *   - per process: peak VmSize and, where PSS was read, peak PSS;
 *   - the wall time traced and the number of ptrace stops.
 *
 * Bytes requested are counted as the mem check counts them (its
 * call_request, checks/mem.c), in whole
 * pages: the length for the mmap family, the growth over the current
 * break for brk, new - old for mremap (the new size with
 * MREMAP_DONTUNMAP), 0 for mprotect and for a shrink.
 *
 * VmSize is sampled at every checked stop while -c is on (one read of
 * /proc/PID/statm, taken from the facts when a check already read it),
 * so the peak is the largest VmSize seen when a call stopped, before
 * the call ran. PSS is costly to read (smaps_rollup walks every page
 * table) and is only taken from the facts, where the mem check or a
 * learning run read it.
 *
 * execve shows the program checks made at each exec (tracer/program.c):
 * a program the checks refused is counted denied (it was killed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tracer/tracer.h"

struct row {
	enum msys sys;
	char pers[16];
	unsigned long calls, allowed, warned, denied;
	uint64_t bytes;
};

struct hit {
	char check[32];
	unsigned long hits;
};

struct proc {
	pid_t pid;
	char comm[64];
	uint64_t vm, pss;
	bool have_vm, have_pss;
};

static struct {
	struct row *rows;
	size_t nrows;
	struct hit *hits;
	size_t nhits;
	struct proc *procs;
	size_t nprocs;
	struct timespec start;
	pid_t self;		/* print from memtrace, never a child */
	bool started, done;
	/* The exec being checked: its row, and the most severe verdict
	 * of its records so far (program, interpreter). */
	bool exec_open;
	size_t exec_row;
	enum action exec_act;
} S;

static void *grow(void *v, size_t n, size_t size)
{
	/* One more element; n is the count before. */
	void *nv = realloc(v, (n + 1) * size);

	if (!nv)
		die("out of memory");
	memset((char *)nv + n * size, 0, size);
	return nv;
}

void summary_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &S.start);
	S.self = getpid();
	S.started = true;
}

static struct row *row_get(enum msys sys, const char *pers)
{
	const char *p = pers ? pers : "?";

	for (size_t i = 0; i < S.nrows; i++)
		if (S.rows[i].sys == sys && !strcmp(S.rows[i].pers, p))
			return &S.rows[i];
	S.rows = grow(S.rows, S.nrows, sizeof(*S.rows));
	struct row *r = &S.rows[S.nrows++];
	r->sys = sys;
	snprintf(r->pers, sizeof(r->pers), "%s", p);
	return r;
}

static struct proc *proc_get(pid_t pid)
{
	for (size_t i = 0; i < S.nprocs; i++)
		if (S.procs[i].pid == pid)
			return &S.procs[i];
	S.procs = grow(S.procs, S.nprocs, sizeof(*S.procs));
	struct proc *p = &S.procs[S.nprocs++];
	p->pid = pid;
	proc_comm(pid, p->comm, sizeof(p->comm));
	return p;
}

static void count_hit(const struct verdict *v)
{
	if (v->act == ACT_ALLOW || !v->check)
		return;
	for (size_t i = 0; i < S.nhits; i++) {
		if (!strcmp(S.hits[i].check, v->check)) {
			S.hits[i].hits++;
			return;
		}
	}
	S.hits = grow(S.hits, S.nhits, sizeof(*S.hits));
	struct hit *h = &S.hits[S.nhits++];
	snprintf(h->check, sizeof(h->check), "%s", v->check);
	h->hits = 1;
}

static unsigned long *act_counter(struct row *r, enum action act)
{
	if (act == ACT_ALLOW)
		return &r->allowed;
	if (act == ACT_WARN)
		return &r->warned;
	return &r->denied;
}

static void count_act(struct row *r, enum action act)
{
	++*act_counter(r, act);
}

void summary_call(pid_t tid, pid_t tgid, const struct mcall *c,
		  struct facts *f, const struct verdict *v)
{
	/* The peak is of VmSize read, never of the checks' bound. */
	unsigned want = FACT_VMSIZE | FACT_VMSIZE_EXACT;

	if (c->sys == MSYS_BRK && c->brk)
		want |= FACT_BRK;
	want &= ~(f->have | f->failed);
	if (want)
		facts_gather(tid, c, T.pol, want, NULL, f);

	struct row *r = row_get(c->sys, c->pers);
	r->calls++;
	count_act(r, v->act);
	uint64_t req = call_request(c, f);
	r->bytes = r->bytes > UINT64_MAX - req ? UINT64_MAX : r->bytes + req;
	count_hit(v);

	struct proc *p = proc_get(tgid ? tgid : tid);
	if ((f->have & FACT_VMSIZE_EXACT) && !(f->failed & FACT_VMSIZE) &&
	    (!p->have_vm || f->vmsize > p->vm)) {
		p->vm = f->vmsize;
		p->have_vm = true;
	}
	if ((f->have & FACT_PSS) && !(f->failed & FACT_PSS) &&
	    (!p->have_pss || f->pss > p->pss)) {
		p->pss = f->pss;
		p->have_pss = true;
	}
}

void summary_exec(pid_t tgid, const char *pers)
{
	struct row *r = row_get(MSYS_EXEC, pers);
	struct proc *p = proc_get(tgid);

	/* Counted allowed until a record of the program checks, which
	 * follow at once (tracer/program.c), says otherwise. */
	r->calls++;
	r->allowed++;
	S.exec_open = true;
	S.exec_row = (size_t)(r - S.rows);
	S.exec_act = ACT_ALLOW;
	proc_comm(p->pid, p->comm, sizeof(p->comm));
}

void summary_exec_verdict(const struct verdict *v)
{
	count_hit(v);
	/* One exec, one count: the most severe of its records. */
	if (!S.exec_open || v->act <= S.exec_act)
		return;
	struct row *r = &S.rows[S.exec_row];
	unsigned long *old = act_counter(r, S.exec_act);
	if (*old)
		--*old;
	count_act(r, v->act);
	S.exec_act = v->act;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->sys != y->sys)
		return x->sys < y->sys ? -1 : 1;
	return strcmp(x->pers, y->pers);
}

static double wall_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!S.started)
		return 0;
	return (double)(now.tv_sec - S.start.tv_sec) +
	       (double)(now.tv_nsec - S.start.tv_nsec) / 1e9;
}

static void print_text(FILE *f, double wall)
{
	struct row tot;
	static const char dash[] = "--------------------";

	memset(&tot, 0, sizeof(tot));
	fprintf(f, "memtrace: summary: %.6f s traced, %lu stops "
		"(%lu seccomp, %lu syscall-entry), %lu calls decided\n",
		wall, T.stops_seccomp + T.stops_syscall, T.stops_seccomp,
		T.stops_syscall, T.stops_checked);
	fprintf(f, "%-14s %-11s %9s %9s %9s %9s %16s\n", "syscall",
		"personality", "calls", "allowed", "warned", "denied",
		"bytes requested");
	fprintf(f, "%.14s %.11s %.9s %.9s %.9s %.9s %.16s\n", dash, dash,
		dash, dash, dash, dash, dash);
	for (size_t i = 0; i < S.nrows; i++) {
		const struct row *r = &S.rows[i];
		fprintf(f, "%-14s %-11s %9lu %9lu %9lu %9lu %16" PRIu64 "\n",
			msys_name(r->sys), r->pers, r->calls, r->allowed,
			r->warned, r->denied, r->bytes);
		tot.calls += r->calls;
		tot.allowed += r->allowed;
		tot.warned += r->warned;
		tot.denied += r->denied;
		tot.bytes = tot.bytes > UINT64_MAX - r->bytes ? UINT64_MAX
							      : tot.bytes + r->bytes;
	}
	fprintf(f, "%.14s %.11s %.9s %.9s %.9s %.9s %.16s\n", dash, dash,
		dash, dash, dash, dash, dash);
	fprintf(f, "%-14s %-11s %9lu %9lu %9lu %9lu %16" PRIu64 "\n",
		"total", "", tot.calls, tot.allowed, tot.warned, tot.denied,
		tot.bytes);

	fprintf(f, "\n%-14s %9s\n", "check", "hits");
	fprintf(f, "%.14s %.9s\n", dash, dash);
	for (size_t i = 0; i < S.nhits; i++)
		fprintf(f, "%-14s %9lu\n", S.hits[i].check, S.hits[i].hits);
	if (!S.nhits)
		fprintf(f, "%-14s %9s\n", "(none)", "0");

	fprintf(f, "\n%10s %16s %16s  %s\n", "pid", "peak VmSize KiB",
		"peak PSS KiB", "command");
	fprintf(f, "%.10s %.16s %.16s  %.16s\n", dash, dash, dash, dash);
	for (size_t i = 0; i < S.nprocs; i++) {
		const struct proc *p = &S.procs[i];
		char vm[32], pss[32];
		snprintf(vm, sizeof(vm), p->have_vm ? "%" PRIu64 : "-",
			 p->vm / 1024);
		snprintf(pss, sizeof(pss), p->have_pss ? "%" PRIu64 : "-",
			 p->pss / 1024);
		fprintf(f, "%10d %16s %16s  ", p->pid, vm, pss);
		text_str(f, p->comm);	/* a tracee names itself */
		fputc('\n', f);
	}
}

static void print_json(FILE *f, double wall)
{
	fprintf(f, "{\"ctx\":\"summary\",\"wall\":%.6f,\"stops\":%lu,"
		"\"calls\":[", wall, T.stops_seccomp + T.stops_syscall);
	for (size_t i = 0; i < S.nrows; i++) {
		const struct row *r = &S.rows[i];
		fprintf(f, "%s{\"sys\":\"%s\",\"arch\":", i ? "," : "",
			msys_name(r->sys));
		json_str(f, r->pers);
		fprintf(f, ",\"calls\":%lu,\"allowed\":%lu,\"warned\":%lu,"
			"\"denied\":%lu,\"bytes\":%" PRIu64 "}", r->calls,
			r->allowed, r->warned, r->denied, r->bytes);
	}
	fprintf(f, "],\"checks\":[");
	for (size_t i = 0; i < S.nhits; i++) {
		fprintf(f, "%s{\"cap\":", i ? "," : "");
		json_str(f, S.hits[i].check);
		fprintf(f, ",\"hits\":%lu}", S.hits[i].hits);
	}
	fprintf(f, "],\"procs\":[");
	for (size_t i = 0; i < S.nprocs; i++) {
		const struct proc *p = &S.procs[i];
		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", p->pid);
		json_str(f, p->comm);
		if (p->have_vm)
			fprintf(f, ",\"vm_peak\":%" PRIu64, p->vm);
		else
			fprintf(f, ",\"vm_peak\":null");
		if (p->have_pss)
			fprintf(f, ",\"pss_peak\":%" PRIu64, p->pss);
		else
			fprintf(f, ",\"pss_peak\":null");
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

void summary_finish(void)
{
	if (!T.opt.summary || S.done || getpid() != S.self)
		return;
	S.done = true;

	FILE *f = T.log ? T.log : stderr;
	double wall = wall_seconds();

	S.exec_open = false;	/* its index is about to move */
	qsort(S.rows, S.nrows, sizeof(*S.rows), row_cmp);
	if (T.opt.json)
		print_json(f, wall);
	else
		print_text(f, wall);
	fflush(f);
}
