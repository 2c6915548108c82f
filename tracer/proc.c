/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The thread table: every traced tid, hashed; and small /proc reads. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tracer/tracer.h"

#define NBUCKETS 1024

static struct thread *buckets[NBUCKETS];
static size_t nthreads;
static size_t npending;		/* threads with mem_pending set */

static struct thread **bucket(pid_t tid)
{
	return &buckets[(unsigned)tid % NBUCKETS];
}

/*
 * An address space, as far as the tracer has seen its tasks made: the
 * threads of a process, processes made with CLONE_VM, a vfork child
 * until its exec. users counts the tasks in the table that share it;
 * a task gone but not yet reported still counts, so the count errs
 * high.
 */
struct mm_group {
	unsigned users;
	/* VmSize at most: the last read plus what was allowed to grow
	 * since (thread_vm_*); valid while vm_epoch is the global one. */
	bool vm_known;
	unsigned long vm_epoch;
	uint64_t vm_bound;
};

/* Bumped where every bound may be wrong (an allowed rlimit call). */
static unsigned long vm_epoch;

static void mm_put(struct thread *t)
{
	if (t->mm && --t->mm->users == 0)
		free(t->mm);
	t->mm = NULL;
}

void thread_mm_new(struct thread *t)
{
	mm_put(t);
	t->mm = calloc(1, sizeof(*t->mm));
	if (!t->mm)
		die("out of memory");
	t->mm->users = 1;
}

/* If with's own address space is not known yet (its creator's event
 * has not come), neither is t's: both stay unknown, which counts as
 * shared with everyone, for good. */
void thread_mm_share(struct thread *t, struct thread *with)
{
	if (t->mm == with->mm)
		return;
	mm_put(t);
	t->mm = with->mm;
	if (t->mm)
		t->mm->users++;
}

/*
 * Alone: no other task the tracer knows of shares t's address space.
 * Then no other task can make it grow while t is in a call, and none
 * can join it meanwhile (only a task of an address space can clone
 * into it, and t is the only one, busy in its call). With -p, tasks
 * made before the attach may share it unseen: never alone.
 */
bool thread_mm_alone(const struct thread *t)
{
	return !T.opt.attach && t->mm && t->mm->users == 1;
}

/*
 * Growth no call of the tracee asks for: the stack, up to RLIMIT_STACK
 * (memtrace's own, inherited by the command; an rlimit call the
 * tracee makes forgets every bound), and up to 16 MiB of what the
 * kernel maps for io_setup rings and the like. 0: the stack has no
 * limit, so no bound holds.
 */
static uint64_t vm_slack(void)
{
	static uint64_t slack = 1;
	struct rlimit r;

	if (slack == 1) {
		/* (rlim_t is 32 bits on some personalities: compare
		 * in 64) */
		uint64_t stack = getrlimit(RLIMIT_STACK, &r) < 0 ||
				 r.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
				 (uint64_t)r.rlim_cur;
		slack = stack > (1ULL << 40) ? 0 : stack + (16ULL << 20);
	}
	return slack;
}

/* Never with -p: tasks made before the attach may share the address
 * space unseen. */
bool thread_vm_bound(const struct thread *t, uint64_t *bound)
{
	const struct mm_group *g = t->mm;
	uint64_t slack = vm_slack();

	if (T.opt.attach || !slack || !g ||
	    !g->vm_known || g->vm_epoch != vm_epoch)
		return false;
	*bound = g->vm_bound > UINT64_MAX - slack ? UINT64_MAX :
		 g->vm_bound + slack;
	return true;
}

void thread_vm_set(struct thread *t, uint64_t vmsize)
{
	if (!t->mm)
		return;
	t->mm->vm_known = true;
	t->mm->vm_epoch = vm_epoch;
	t->mm->vm_bound = vmsize;
}

void thread_vm_grow(struct thread *t, uint64_t bytes)
{
	if (!t->mm || !t->mm->vm_known)
		return;
	t->mm->vm_bound = t->mm->vm_bound > UINT64_MAX - bytes ?
			  UINT64_MAX : t->mm->vm_bound + bytes;
}

void thread_vm_forget(struct thread *t)
{
	if (t->mm)
		t->mm->vm_known = false;
}

void thread_vm_forget_all(void)
{
	vm_epoch++;
}

struct thread *thread_find(pid_t tid)
{
	for (struct thread *t = *bucket(tid); t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct thread *thread_add(pid_t tid)
{
	struct thread *t = thread_find(tid);

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		die("out of memory");
	t->tid = tid;
	t->tgid = 0;		/* looked up on demand */
	t->next = *bucket(tid);
	*bucket(tid) = t;
	nthreads++;
	return t;
}

void thread_del(pid_t tid)
{
	for (struct thread **pp = bucket(tid); *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct thread *t = *pp;
			*pp = t->next;
			thread_pending_drop(t);	/* it will not return */
			free(t->verify.pieces);
			free(t->record);
			mm_put(t);
			free(t);
			nthreads--;
			return;
		}
	}
}

/* The thread group of a tid, from /proc (cached). 0 if it vanished. */
pid_t thread_tgid(struct thread *t)
{
	char path[64], line[256];
	FILE *f;

	if (t->tgid)
		return t->tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	f = fopen(path, "re");
	if (!f)
		return t->tid;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5)) {
			t->tgid = (pid_t)atoi(line + 5);
			break;
		}
	}
	fclose(f);
	return t->tgid ? t->tgid : t->tid;
}

void thread_foreach(void (*fn)(struct thread *, void *), void *arg)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct thread *t = buckets[i], *next;
		for (; t; t = next) {
			next = t->next;
			fn(t, arg);
		}
	}
}

size_t thread_count(void)
{
	return nthreads;
}

void thread_pending_set(struct thread *t, pid_t tgid, uint64_t bytes)
{
	thread_pending_drop(t);
	if (!bytes)
		return;
	t->mem_pending = bytes;
	t->mem_tgid = tgid;
	npending++;
}

void thread_pending_drop(struct thread *t)
{
	if (!t->mem_pending)
		return;
	t->mem_pending = 0;
	npending--;
}

/*
 * A walk of the table only while some call is pending at all, which
 * is while a thread is between an allowed growing call and its exit.
 * A task whose address space is not known yet (its parent's clone
 * event has not come) counts against every one, and every pending
 * call counts against it: more than its share, never less.
 */
uint64_t thread_pending_mem(const struct thread *self)
{
	uint64_t sum = 0;

	for (size_t i = 0; npending && i < NBUCKETS; i++)
		for (struct thread *t = buckets[i]; t; t = t->next)
			if (t->mem_pending &&
			    (!self->mm || !t->mm || t->mm == self->mm))
				sum = sum > UINT64_MAX - t->mem_pending ?
				      UINT64_MAX : sum + t->mem_pending;
	return sum;
}

void thread_pending_clear(pid_t tgid)
{
	for (size_t i = 0; npending && i < NBUCKETS; i++)
		for (struct thread *t = buckets[i]; t; t = t->next)
			if (t->mem_tgid == tgid)
				thread_pending_drop(t);
}

ssize_t proc_read(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

void proc_comm(pid_t pid, char *buf, size_t len)
{
	if (proc_read(pid, "comm", buf, len) <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
}
