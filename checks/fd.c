/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An executable mapping of a file whose fd is open for writing: the
 * code could be rewritten through the fd after any check of it. As in
 * Syd, this is part of W^X: trace/allow_unsafe_exec_memory:1 lifts it.
 *
 * An fd that is not open fails with EBADF, as the kernel fails it and
 * without a record (ACT_FILTER, whatever default/fd says): another
 * thread could open it between the check and the call, so the call
 * must not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "checks/filecheck.h"

#define TIP "default/fd:allow"

static bool fd_enabled(const struct policy *p)
{
	return !p->allow_unsafe_exec_memory;
}

/* Unlike file_exec_call, any fd: one that is not open is refused here. */
static bool exec_file_mapping(const struct mcall *c)
{
	return file_mmap(c) && (c->prot & PROT_EXEC);
}

static void fd_filter(enum msys s, const struct policy *p,
		      struct filter_need *n)
{
	if (msys_is_mmap(s))
		filter_need_bits(n, 2, PROT_EXEC);
}

static unsigned fd_needs(const struct mcall *c, const struct policy *p,
			 const struct facts *f)
{
	return exec_file_mapping(c) ? FACT_FD : 0;
}

static void fd_run(const struct mcall *c, const struct facts *f,
		   const struct policy *p, struct verdict *v)
{
	if (!exec_file_mapping(c))
		return;
	if ((f->have & FACT_FD) && !f->fd_exists) {
		verdict_set(v, p, CAT_FD, "fd", EBADF, TIP,
			    "fd %d is not open", c->fd);
		v->act = ACT_FILTER;
		return;
	}
	if (f->failed & FACT_FD) {
		/* Where the tracer said why, default/fd:allow would not
		 * help: the file checks need the same facts. */
		verdict_set(v, p, CAT_FD, "fd", EACCES,
			    f->file_err[0] ? "" : TIP,
			    "cannot read the state of fd %d%s%s", c->fd,
			    f->file_err[0] ? ": " : "", f->file_err);
		return;
	}
	if ((f->fd_flags & O_ACCMODE) == O_RDONLY)
		return;
	verdict_set(v, p, CAT_FD, "fd", EACCES, TIP,
		    "executable mapping of a file open for writing");
	file_path(f, v);
}

const struct check check_fd = {
	.name = "fd",
	.enabled = fd_enabled,
	.filter = fd_filter,
	.needs = fd_needs,
	.run = fd_run,
};
