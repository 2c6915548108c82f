/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * W^X: no mapping that is writable and executable, no executable
 * anonymous or shared mapping, and no exec gain: an mprotect may ask
 * for PROT_EXEC only over memory that is executable everywhere now,
 * whatever backs it, since memory that is not executable may have been
 * written (RW, then R, then RX; or through a second, writable view of
 * the same shared pages). That is at least what the kernel's
 * PR_MDWE_REFUSE_EXEC_GAIN refuses. trace/allow_unsafe_exec_memory:1
 * turns it off.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/personality.h>

#include "checks/checks.h"

#define TIP "trace/allow_unsafe_exec_memory:1"
#define SHM_EXEC_FLAG 0100000	/* shmat: map the segment executable */
/* ioctl on /dev/userfaultfd: _IO(0xAA, 0x00). */
#define USERFAULTFD_IOC_NEW_ 0xAA00

static bool wx_enabled(const struct policy *p)
{
	return !p->allow_unsafe_exec_memory;
}

static void wx_filter(enum msys s, const struct policy *p,
		      struct filter_need *n)
{
	if (s == MSYS_SHMAT)
		filter_need_bits(n, 2, SHM_EXEC_FLAG);
	else if (s == MSYS_IPC)
		filter_need_eq_and_bits(n, 0, IPC_CALL_MASK, IPC_SHMAT,
					IPC_SHMFLG_ARG, SHM_EXEC_FLAG);
	else if (s == MSYS_USERFAULTFD)
		filter_need_always(n);
	else if (s == MSYS_IOCTL)	/* cmd is an unsigned int */
		filter_need_eq(n, 1, WIDTH32, USERFAULTFD_IOC_NEW_);
	else if (msys_is_mmap(s) || msys_is_mprotect(s))
		filter_need_bits(n, 2, PROT_EXEC);
}

static unsigned wx_needs(const struct mcall *c, const struct policy *p,
			 const struct facts *f)
{
	/* Only an X-without-W mprotect needs to know what is there now:
	 * an exec gain is refused. At exec, what the kernel mapped. */
	if (msys_is_mprotect(c->sys) && (c->prot & PROT_EXEC) &&
	    !(c->prot & PROT_WRITE))
		return FACT_RANGE_PROT;
	if (c->sys != MSYS_EXEC)
		return 0;
	/* The personality is the process's: judged with the program,
	 * not again with its interpreter. */
	return c->exec_interp ? FACT_RANGE_PROT :
				FACT_RANGE_PROT | FACT_PERSONA;
}

static void wx_mmap(const struct mcall *c, const struct policy *p,
		    struct verdict *v)
{
	if (c->block_unreadable || !(c->prot & PROT_EXEC))
		return;
	if (c->prot & PROT_WRITE)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "writable and executable mapping");
	else if (c->flags & MAP_ANONYMOUS)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "executable anonymous mapping");
	else if (map_shared(c->flags))
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "executable shared mapping");
}

static void wx_mprotect(const struct mcall *c, const struct facts *f,
			const struct policy *p, struct verdict *v)
{
	if (!(c->prot & PROT_EXEC))
		return;
	if (c->prot & PROT_WRITE) {
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "writable and executable protection");
		return;
	}
	/* The facts could not be read: fail closed. */
	if (f->failed & FACT_RANGE_PROT) {
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "cannot read the range's protection");
		return;
	}
	if (f->range_writable)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "making writable memory executable");
	else if (f->range_noexec)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "making non-executable memory executable");
	else if (f->range_shared)
		/* Another mapping of the same pages may be writable. */
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "making shared memory executable");
}

/* The kernel maps the program's and the interpreter's segments as
 * their headers say, with no call memtrace could stop: a writable and
 * executable segment is found in the maps right after the exec. */
/*
 * After an exec, the kernel may have set READ_IMPLIES_EXEC (an i386
 * program without PT_GNU_STACK, for one), or the process may carry it
 * from before: every readable mapping would then be executable, behind
 * every other rule of W^X. Its exec is done, so a refusal kills it.
 * A personality that cannot be read (a user's memtrace and a process
 * made non-dumpable by an execute-only program) is refused too: that
 * the flag is not set cannot be known.
 */
static bool wx_persona(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	if (c->exec_interp)
		return false;
	if (!(f->have & FACT_PERSONA) || (f->failed & FACT_PERSONA)) {
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "%.200s; whether READ_IMPLIES_EXEC (every "
			    "readable mapping executable) is set cannot be "
			    "known (fail closed)",
			    f->persona_err[0] ? f->persona_err :
			    "cannot read the personality");
		return true;
	}
	if (!(f->persona & READ_IMPLIES_EXEC))
		return false;
	verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
		    "READ_IMPLIES_EXEC is set (personality %#lx), every "
		    "readable mapping would be executable", f->persona);
	return true;
}

static void wx_exec(const struct mcall *c, const struct facts *f,
		    const struct policy *p, struct verdict *v)
{
	if (wx_persona(c, f, p, v))
		return;
	if (!(f->have & FACT_RANGE_PROT) || (f->failed & FACT_RANGE_PROT))
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "cannot read the mappings made at exec");
	else if (f->range_wx)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "a writable and executable segment (the "
			    "program's or its interpreter's)");
}

static bool shm_exec(const struct mcall *c)
{
	if (c->sys == MSYS_SHMAT)
		return c->raw[2] & SHM_EXEC_FLAG;
	return c->sys == MSYS_IPC &&
	       ((uint32_t)c->raw[0] & IPC_CALL_MASK) == IPC_SHMAT &&
	       (c->raw[IPC_SHMFLG_ARG] & SHM_EXEC_FLAG);
}

/* userfaultfd's UFFDIO_COPY fills a page of an executable mapping
 * that was never writable: code placed with no mprotect. */
static bool userfaultfd(const struct mcall *c)
{
	return c->sys == MSYS_USERFAULTFD ||
	       (c->sys == MSYS_IOCTL &&
		(uint32_t)c->raw[1] == USERFAULTFD_IOC_NEW_);
}

static void wx_run(const struct mcall *c, const struct facts *f,
		   const struct policy *p, struct verdict *v)
{
	if (msys_is_mmap(c->sys))
		wx_mmap(c, p, v);
	else if (msys_is_mprotect(c->sys))
		wx_mprotect(c, f, p, v);
	else if (c->sys == MSYS_EXEC)
		wx_exec(c, f, p, v);
	else if (shm_exec(c))
		/* A segment can be attached writable elsewhere. */
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "executable shared memory segment");
	else if (userfaultfd(c))
		verdict_set(v, p, CAT_WX, "wx", EPERM, TIP,
			    "userfaultfd could fill executable memory");
}

const struct check check_wx = {
	.name = "wx",
	.enabled = wx_enabled,
	.filter = wx_filter,
	.needs = wx_needs,
	.run = wx_run,
};
