/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Append-only files: a shared mapping, writable or not, of an fd open
 * with O_APPEND whose path matches an append rule would let the
 * process write anywhere in the file (a read-only shared mapping can
 * be made writable later with mprotect). EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include "checks/filecheck.h"

static bool append_enabled(const struct policy *p)
{
	return p->append.n > 0;
}

static bool shared_file_mapping(const struct mcall *c)
{
	return file_mmap(c) && map_shared(c->flags);
}

static void append_filter(enum msys s, const struct policy *p,
			  struct filter_need *n)
{
	if (msys_is_mmap(s))
		filter_need_bits(n, 3, MAP_SHARED);	/* and _VALIDATE */
}

static unsigned append_needs(const struct mcall *c, const struct policy *p,
			     const struct facts *f)
{
	return shared_file_mapping(c) ? FACT_FD : 0;
}

static void append_run(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	const char *rule = NULL;
	char tip[4200];

	if (!shared_file_mapping(c))
		return;
	if (f->failed & FACT_FD) {
		verdict_set(v, p, CAT_APPEND, "append", EPERM, NULL,
			    "cannot read the state of fd %d", c->fd);
		return;
	}
	if (!f->fd_exists || !(f->fd_flags & O_APPEND))
		return;
	if (!policy_append_match(p, f->path, &rule))
		return;
	snprintf(tip, sizeof(tip), "append-%s", rule);
	verdict_set(v, p, CAT_APPEND, "append", EPERM, tip,
		    "shared mapping of an append-only file (rule append+%s)",
		    rule);
	file_path(f, v);
}

const struct check check_append = {
	.name = "append",
	.enabled = append_enabled,
	.filter = append_filter,
	.needs = append_needs,
	.run = append_run,
};
