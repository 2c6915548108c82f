/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Arguments memtrace cannot read: an old_mmap block that is not mapped
 * readable. The kernel would fail the call with EFAULT; memtrace fails
 * it the same way without letting it run, since the block could become
 * readable (with other contents) after the check.
 */
#include <errno.h>

#include "checks/checks.h"

static bool args_enabled(const struct policy *p)
{
	return true;
}

static void args_run(const struct mcall *c, const struct facts *f,
		     const struct policy *p, struct verdict *v)
{
	if (!c->block_unreadable)
		return;
	verdict_set(v, p, CAT_WX, "args", EFAULT, NULL,
		    "argument block at %#llx is unreadable",
		    (unsigned long long)c->block_addr);
	v->act = ACT_FILTER;	/* as the kernel would fail it: no record */
}

const struct check check_args = {
	.name = "args",
	.enabled = args_enabled,
	.run = args_run,
};
