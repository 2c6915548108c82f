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

#include "checks/checks.h"

#define TIP "trace/allow_unsafe_exec_memory:1"
#define SHM_EXEC_FLAG 0100000	/* shmat: map the segment executable */

static bool wx_enabled(const struct policy *p)
{
	return !p->allow_unsafe_exec_memory;
}

static void wx_filter(enum msys s, const struct policy *p,
		      struct filter_need *n)
{
	if (s == MSYS_SHMAT)
		filter_need_bits(n, 2, SHM_EXEC_FLAG);
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
	return c->sys == MSYS_EXEC ? FACT_RANGE_PROT : 0;
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
static void wx_exec(const struct facts *f, const struct policy *p,
		    struct verdict *v)
{
	if (!(f->have & FACT_RANGE_PROT) || (f->failed & FACT_RANGE_PROT))
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "cannot read the mappings made at exec");
	else if (f->range_wx)
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "a writable and executable segment (the "
			    "program's or its interpreter's)");
}

static void wx_run(const struct mcall *c, const struct facts *f,
		   const struct policy *p, struct verdict *v)
{
	if (msys_is_mmap(c->sys))
		wx_mmap(c, p, v);
	else if (msys_is_mprotect(c->sys))
		wx_mprotect(c, f, p, v);
	else if (c->sys == MSYS_EXEC)
		wx_exec(f, p, v);
	else if (c->sys == MSYS_SHMAT && (c->raw[2] & SHM_EXEC_FLAG))
		/* A segment can be attached writable elsewhere. */
		verdict_set(v, p, CAT_WX, "wx", EACCES, TIP,
			    "executable shared memory segment");
}

const struct check check_wx = {
	.name = "wx",
	.enabled = wx_enabled,
	.filter = wx_filter,
	.needs = wx_needs,
	.run = wx_run,
};
