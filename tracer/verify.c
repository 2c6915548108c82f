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

/* Whether parent and child share one file table (CLONE_FILES). */
bool files_shared_between(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILES_, 0, 0) == 0;
}

static bool fd_table_shared(const struct thread *t, const struct facts *f)
{
	/* Attached with -p: how the table came to be shared is unknown. */
	return T.opt.attach || f->nthreads != 1 || t->files_shared;
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
		t->verify.on = t->verify.file = true;
		t->verify.dev = f->st.st_dev;
		t->verify.ino = f->st.st_ino;
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
	 * that was checked. */
	bool block = c->sys == MSYS_OLD_MMAP ||
		     (c->sys == MSYS_MMAP2 && p->mmap2_block);

	if (file && (c->prot & PROT_EXEC) && fd_table_shared(t, f)) {
		t->verify.on = t->verify.file = true;
		t->verify.dev = f->st.st_dev;
		t->verify.ino = f->st.st_ino;
	}
	if (block) {
		t->verify.on = t->verify.prot = true;
		t->verify.want_prot = c->prot & (PROT_READ | PROT_WRITE |
						 PROT_EXEC);
		if (file && !t->verify.file) {
			t->verify.file = true;
			t->verify.dev = f->st.st_dev;
			t->verify.ino = f->st.st_ino;
		}
	}
	t->verify.sys = c->sys;
}

struct holder {
	uint64_t addr;
	bool found;
	struct map_entry e;
};

static bool holds(const struct map_entry *e, void *arg)
{
	struct holder *h = arg;

	if (e->lo > h->addr || h->addr >= e->hi)
		return false;
	h->e = *e;
	h->e.path = "";		/* the line is gone after the walk */
	h->found = true;
	return true;
}

/* The mapping that holds addr. */
static int mapping_at(pid_t tid, uint64_t addr, struct map_entry *e)
{
	struct holder h = { .addr = addr };

	if (maps_walk(tid, holds, &h) < 0 || !h.found)
		return -1;
	*e = h.e;
	return 0;
}

static const char *mismatch(const struct thread *t, uint64_t addr)
{
	struct map_entry e;

	if (mapping_at(t->tid, addr, &e) < 0)
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
	char path[64];
	unsigned long persona = 0;
	FILE *f;

	if (T.pol->allow_unsafe_exec_memory)
		return;
	snprintf(path, sizeof(path), "/proc/%d/personality", t->tid);
	f = fopen(path, "re");
	if (!f)
		return;		/* gone: nothing to enforce */
	int ok = fscanf(f, "%lx", &persona) == 1;
	fclose(f);
	if (!ok || !(persona & 0x0400000UL))
		return;
	pid_t tgid = thread_tgid(t);
	log_note("kill pid=%d tid=%d execve: READ_IMPLIES_EXEC is set "
		 "(personality %#lx), every readable mapping would be "
		 "executable; killed; tip: -m trace/allow_unsafe_exec_memory:1",
		 tgid, t->tid, persona);
	kill(tgid, SIGKILL);
}
