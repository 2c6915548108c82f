/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Closing the window between the check and the kernel's use of what
 * was checked. The calling thread is stopped, but other threads (or a
 * process sharing the file table through CLONE_FILES) run on: one can
 * dup2() another file onto the checked fd, or rewrite an old_mmap
 * argument block, after the check. So an allowed executable file
 * mapping whose fd table is shared is verified at the call's exit
 * stop: the new mapping must be backed by the file that was checked.
 * There is no safe way to undo a mapping, so a mismatch kills the
 * process.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/tracer.h"

#define KCMP_VM_ 1
#define KCMP_FILES_ 2

/* Whether parent and child share one file table (CLONE_FILES). A
 * kcmp that fails (a non-dumpable process, as a user) counts as
 * shared: the fd-swap verification then runs (fail closed). kcmp
 * returns 0 for the same table, 1 to 3 for different ones. */
bool files_shared_between(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_FILES_, 0, 0);

	return r < 0 || r == 0;
}

/* Whether two tasks share one address space (CLONE_VM without
 * CLONE_THREAD); a comparison that fails counts as shared. kcmp: 0
 * the same, 1 or 2 different. */
bool vm_shared_between(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_VM_, 0, 0);

	return r != 1 && r != 2;
}

/* Another task may swap the fd between the check and the call: one
 * that shares the table (kcmp at its creation, loop.c), or any other
 * task of the address space the tracer knows of (a thread; never
 * alone with -p, where how the table came to be shared is unknown). */
static bool fd_table_shared(const struct thread *t)
{
	return T.opt.attach || !thread_mm_alone(t) || t->files_shared;
}

/* At the exit stop, the mapping must be backed by the checked file. */
static void plan_file(struct thread *t, const struct facts *f)
{
	t->verify.on = t->verify.file = true;
	t->verify.dev = f->st.st_dev;
	t->verify.ino = f->st.st_ino;
}

/* Nothing planned (the piece array is kept for the next plan). */
static void verify_clear(struct thread *t)
{
	struct verify_piece *keep = t->verify.pieces;

	memset(&t->verify, 0, sizeof(t->verify));
	t->verify.pieces = keep;
}

void verify_plan_range(struct thread *t, const struct mcall *c,
		       const struct range_piece *pcs,
		       const struct facts *pf, size_t n)
{
	bool any_file = false, alone = !T.opt.attach;

	verify_clear(t);
	for (size_t i = 0; i < n; i++) {
		if (pcs[i].ref.kind != FSRC_MAP)
			continue;
		any_file = true;
		/* Another thread (or a process sharing the address
		 * space) could map another file over a piece between the
		 * check and the kernel's mprotect. */
		alone &= (pf[i].have & FACT_FD) && thread_mm_alone(t);
	}
	if (!any_file || alone)
		return;
	struct verify_piece *v = realloc(t->verify.pieces, n * sizeof(*v));
	if (!v)
		die("out of memory");
	t->verify.pieces = v;
	for (size_t i = 0; i < n; i++) {
		v[i].addr = pcs[i].c.addr;
		v[i].file = pcs[i].ref.kind == FSRC_MAP;
		v[i].dev = makedev(pcs[i].ref.maj, pcs[i].ref.min);
		v[i].ino = (ino_t)pcs[i].ref.ino;
	}
	t->verify.npieces = n;
	t->verify.on = true;
	t->verify.addr = c->addr;
	t->verify.sys = c->sys;
}

void verify_plan(struct thread *t, const struct mcall *c,
		 const struct facts *f, const struct personality *p)
{
	verify_clear(t);
	if (!msys_is_mmap(c->sys) || c->block_unreadable)
		return;
	bool file = !(c->flags & MAP_ANONYMOUS) && c->fd >= 0 &&
		    (f->have & FACT_FD) && f->fd_exists;
	/* A block in memory (s390x old_mmap) cannot be moved into
	 * registers: check the mapping that resulted against the block
	 * that was checked, and its file whatever the fd table. */
	bool block = arch_uses_block(p, c->sys);

	if (file && (block || ((c->prot & PROT_EXEC) &&
			       fd_table_shared(t))))
		plan_file(t, f);
	if (block) {
		t->verify.on = t->verify.prot = true;
		t->verify.want_prot = c->prot & (PROT_READ | PROT_WRITE |
						 PROT_EXEC);
	}
	t->verify.sys = c->sys;
}

static bool holds(const struct map_entry *e, void *addr)
{
	return e->lo <= *(uint64_t *)addr && *(uint64_t *)addr < e->hi;
}

static const char *mismatch(const struct thread *t, uint64_t addr)
{
	struct map_entry e;

	if (maps_find(t->tid, holds, &addr, &e, NULL, 0) <= 0)
		return "the new mapping is gone";
	if (t->verify.file && (makedev(e.maj, e.min) != t->verify.dev ||
			       e.ino != t->verify.ino))
		return "file changed between check and mapping";
	if (t->verify.prot) {
		uint64_t got = (e.perms[0] == 'r' ? PROT_READ : 0) |
			       (e.perms[1] == 'w' ? PROT_WRITE : 0) |
			       (e.perms[2] == 'x' ? PROT_EXEC : 0);
		if (got != t->verify.want_prot)
			return "protection changed between check and mapping";
		if (!t->verify.file && e.ino != 0)
			return "a file was mapped where the checked call "
			       "mapped none";
	}
	return NULL;
}

/* Each piece of an mprotect range still holds what was checked. */
static const char *pieces_mismatch(const struct thread *t)
{
	for (size_t i = 0; i < t->verify.npieces; i++) {
		const struct verify_piece *p = &t->verify.pieces[i];
		struct map_entry e;
		uint64_t addr = p->addr;

		int found = maps_find(t->tid, holds, &addr, &e, NULL, 0);
		if (found < 0)
			return "cannot read the process's maps";
		if (!found)
			continue;	/* unmapped: mprotect fails there */
		if (p->file && (makedev(e.maj, e.min) != p->dev ||
				e.ino != p->ino))
			return "file changed between check and mprotect";
		if (!p->file && e.ino != 0)
			return "a file was mapped where the checked range "
			       "held anonymous memory";
	}
	return NULL;
}

void verify_at_exit(struct thread *t)
{
	int64_t rv;
	const char *why;

	if (!t->verify.on)
		return;
	t->verify.on = false;
	if (t->verify.npieces) {
		why = pieces_mismatch(t);
		t->verify.npieces = 0;
		if (!why)
			return;
	} else if (stop_return_value(t->tid, &rv) < 0) {
		why = "cannot read the call's result";
	} else if (rv < 0 && rv >= -4095) {
		return;		/* the call failed: nothing was mapped */
	} else if (!(why = mismatch(t, t->verify.addr ? t->verify.addr
						      : (uint64_t)rv))) {
		return;
	}
	fail_closed(t, "%s: %s (a mapping cannot be undone safely)",
		    msys_name(t->verify.sys), why);
}

/*
 * RLIMIT_AS = mem/vm_max, soft and hard, on pid (0: memtrace's child
 * before its exec), so that the kernel bounds what grows without a
 * call memtrace stops (the stack, MAP_GROWSDOWN regions, by page
 * faults). A lower limit already there is kept: never raised.
 */
/* Only where the memory limits refuse: under warn (and --learn) the
 * kernel must not refuse what memtrace lets through. */
bool rlimit_as_wanted(void)
{
	return T.pol->sandbox_mem && T.pol->mem_vm_max &&
	       action_denies(T.pol->deflt[CAT_MEM]);
}

int rlimit_as_apply(pid_t pid)
{
	struct rlimit old, new;
	uint64_t vm = T.pol->mem_vm_max;

	if (prlimit(pid, RLIMIT_AS, NULL, &old) < 0)
		return -1;
	new.rlim_cur = old.rlim_cur == RLIM_INFINITY || old.rlim_cur > vm ?
		       (rlim_t)vm : old.rlim_cur;
	new.rlim_max = old.rlim_max == RLIM_INFINITY || old.rlim_max > vm ?
		       (rlim_t)vm : old.rlim_max;
	if (new.rlim_cur > new.rlim_max)
		new.rlim_cur = new.rlim_max;
	return prlimit(pid, RLIMIT_AS, &new, NULL);
}

/* The process whose limit the call sets: prlimit64's pid, or the
 * caller's own (pid 0, setrlimit). */
void rlimit_plan(struct thread *t, const struct mcall *c)
{
	pid_t pid = c->sys == MSYS_PRLIMIT64 ? (pid_t)(int32_t)c->raw[0] : 0;

	t->rlimit_verify = true;
	t->rlimit_pid = pid > 0 ? pid : thread_tgid(t);
}

/*
 * The new limit was read from tracee memory, which another thread
 * could rewrite between the check and the kernel's read. At the exit
 * stop the limit in force must still be within mem/vm_max; if it is
 * not, it is put back and the caller's process killed (it raced the
 * check).
 */
void rlimit_verify_at_exit(struct thread *t)
{
	struct rlimit r;
	uint64_t vm = T.pol->mem_vm_max;
	int64_t rv;

	t->rlimit_verify = false;
	if (stop_return_value(t->tid, &rv) == 0 && rv < 0 && rv >= -4095)
		return;		/* the call failed: nothing changed */
	if (prlimit(t->rlimit_pid, RLIMIT_AS, NULL, &r) < 0) {
		if (errno == ESRCH)
			return;
	} else if ((r.rlim_cur != RLIM_INFINITY && r.rlim_cur <= vm) &&
		   (r.rlim_max != RLIM_INFINITY && r.rlim_max <= vm)) {
		return;
	}
	rlimit_as_apply(t->rlimit_pid);
	fail_closed(t, "RLIMIT_AS of process %d is above mem/vm_max after an "
		    "allowed setrlimit or prlimit64 (changed between check "
		    "and call, or unreadable); put back", t->rlimit_pid);
}
