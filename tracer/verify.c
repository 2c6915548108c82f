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
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/tracer.h"

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

static bool fd_table_shared(const struct thread *t, const struct facts *f)
{
	/* Attached with -p: how the table came to be shared is unknown. */
	return T.opt.attach || f->nthreads != 1 || t->files_shared;
}

/* At the exit stop, the mapping must be backed by the checked file. */
static void plan_file(struct thread *t, const struct facts *f)
{
	t->verify.on = t->verify.file = true;
	t->verify.dev = f->st.st_dev;
	t->verify.ino = f->st.st_ino;
}

void verify_plan(struct thread *t, const struct mcall *c,
		 const struct facts *f, const struct personality *p)
{
	memset(&t->verify, 0, sizeof(t->verify));
	if ((c->sys == MSYS_MPROTECT || c->sys == MSYS_PKEY_MPROTECT) &&
	    (c->prot & PROT_EXEC) && f->range_file && (f->have & FACT_FD) &&
	    f->fd_exists && (T.opt.attach || f->nthreads != 1)) {
		/* Another thread could map another file over the range
		 * between the check and the kernel's mprotect. */
		plan_file(t, f);
		t->verify.addr = c->addr;
		t->verify.sys = c->sys;
		return;
	}
	if (!msys_is_mmap(c->sys) || c->block_unreadable)
		return;
	bool file = !(c->flags & MAP_ANONYMOUS) && c->fd >= 0 &&
		    (f->have & FACT_FD) && f->fd_exists;
	/* A block in memory (s390x old_mmap) cannot be moved into
	 * registers: check the mapping that resulted against the block
	 * that was checked, and its file whatever the fd table. */
	bool block = arch_uses_block(p, c->sys);

	if (file && (block || ((c->prot & PROT_EXEC) &&
			       fd_table_shared(t, f))))
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

void verify_at_exit(struct thread *t)
{
	int64_t rv;
	const char *why;

	if (!t->verify.on)
		return;
	t->verify.on = false;
	if (stop_return_value(t->tid, &rv) < 0) {
		why = "cannot read the call's result";
	} else if (rv < 0 && rv >= -4095) {
		return;		/* the call failed: nothing was mapped */
	} else if (!(why = mismatch(t, t->verify.addr ? t->verify.addr
						      : (uint64_t)rv))) {
		return;
	}
	pid_t tgid = thread_tgid(t);
	log_note("kill pid=%d tid=%d %s: %s; killed (a mapping cannot be "
		 "undone safely)", tgid, t->tid, msys_name(t->verify.sys),
		 why);
	kill(tgid, SIGKILL);
}

/*
 * After an exec, the kernel may have set READ_IMPLIES_EXEC (an i386
 * program without PT_GNU_STACK, for one), or the process may carry it
 * from before: every readable mapping would then be executable, behind
 * W^X's back. Such a process is killed, since its exec is done.
 */
void personality_check(struct thread *t)
{
	char buf[32];
	unsigned long persona = 0;

	if (T.pol->allow_unsafe_exec_memory)
		return;
	/* Unreadable: the process is gone, nothing to enforce. */
	if (proc_read(t->tid, "personality", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lx", &persona) != 1 || !(persona & 0x0400000UL))
		return;
	pid_t tgid = thread_tgid(t);
	log_note("kill pid=%d tid=%d execve: READ_IMPLIES_EXEC is set "
		 "(personality %#lx), every readable mapping would be "
		 "executable; killed; tip: -m trace/allow_unsafe_exec_memory:1",
		 tgid, t->tid, persona);
	kill(tgid, SIGKILL);
}
