/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shape every check has. One check per file (checks/wx.c, ...),
 * each a row of the table in checks/run.c.
 */
#ifndef MEMTRACE_CHECKS_H
#define MEMTRACE_CHECKS_H

#include "checks/check.h"

struct check {
	const char *name;
	/* Whether the policy switches the check on at all. */
	bool (*enabled)(const struct policy *p);
	/* When a call of kind s may be denied (drives the filter), as
	 * conditions on its register arguments; for old_mmap, whose
	 * arguments are in memory, check_filter_needs makes any condition
	 * a stop always. */
	void (*filter)(enum msys s, const struct policy *p,
		       struct filter_need *n);
	/* Facts the check needs for c, given what f holds already. */
	unsigned (*needs)(const struct mcall *c, const struct policy *p,
			  const struct facts *f);
	/* Decide; leave v->act at ACT_ALLOW to allow. */
	void (*run)(const struct mcall *c, const struct facts *f,
		    const struct policy *p, struct verdict *v);
};

/* mprotect and pkey_mprotect. */
bool msys_is_mprotect(enum msys s);
/* MAP_SHARED or MAP_SHARED_VALIDATE among mmap flags. */
bool map_shared(uint64_t flags);

extern const struct check check_args;
extern const struct check check_bypass;
extern const struct check check_wx;
extern const struct check check_exec, check_tpe, check_force, check_stack;
extern const struct check check_mem;
extern const struct check check_fd;
extern const struct check check_append;
extern const struct check check_mremap;

#endif
