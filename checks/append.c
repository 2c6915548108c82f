/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Append-only files. Once any append rule exists, a shared mapping of
 * a file through an fd open for writing is refused (EPERM) when
 *   - the fd has O_APPEND (Syd's rule: Syd opens append-only paths
 *     O_APPEND, so such an fd may be one of them), or
 *   - the file's path matches an append rule, with or without
 *     O_APPEND: memtrace does not see opens, so an append-only file
 *     may be open O_RDWR, or have had O_APPEND cleared with F_SETFL.
 * A shared mapping writes anywhere in the file, and one mapped
 * read-only can be made writable later with mprotect, as long as the
 * fd was open for writing. Through a read-only fd it never can.
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
	return shared_file_mapping(c) ? FACT_FD | FACT_PATH : 0;
}

static bool fd_writable(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY;
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
		v->act = fail_closed_action(v->act);
		return;
	}
	if (!f->fd_exists || !fd_writable(f->fd_flags))
		return;
	if (policy_append_match(p, f->path, &rule)) {
		snprintf(tip, sizeof(tip), "append-%s", rule);
		verdict_set(v, p, CAT_APPEND, "append", EPERM, tip,
			    "shared mapping of an append-only file (rule "
			    "append+%s)", rule);
	} else if (f->fd_flags & O_APPEND) {
		verdict_set(v, p, CAT_APPEND, "append", EPERM,
			    "default/append:allow", "shared mapping of a "
			    "writable O_APPEND fd while append rules are in "
			    "force");
	} else {
		return;
	}
	file_path(f, v);
}

const struct check check_append = {
	.name = "append",
	.enabled = append_enabled,
	.filter = append_filter,
	.needs = append_needs,
	.run = append_run,
};
