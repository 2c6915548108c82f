/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A unit test binary prints one line per case, which the runner counts:
 *   PASS group/name
 *   FAIL group/name: what went wrong (file:line)
 *   SKIP group/name: why
 * and exits non-zero if any case failed.
 *
 *   UNIT_CASE("parse/bool") { EXPECT(x == 1); ... }
 */
#ifndef MEMTRACE_UNIT_H
#define MEMTRACE_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/call.h"
#include "checks/policy.h"

static int unit_failed_total;
static int unit_case_failed;
static const char *unit_case_name;

static inline void unit_begin(const char *name)
{
	unit_case_name = name;
	unit_case_failed = 0;
}

static inline void unit_end(void)
{
	if (!unit_case_failed)
		printf("PASS %s\n", unit_case_name);
	fflush(stdout);
}

#define UNIT_CASE(name) \
	for (int unit_once_ = (unit_begin(name), 1); unit_once_; \
	     unit_once_ = 0, unit_end())

#define EXPECT(cond) do { \
	if (!(cond) && !unit_case_failed) { \
		printf("FAIL %s: %s (%s:%d)\n", unit_case_name, #cond, \
		       __FILE__, __LINE__); \
		unit_case_failed = 1; unit_failed_total++; \
	} } while (0)

#define EXPECT_STR(a, b) do { \
	const char *ua_ = (a), *ub_ = (b); \
	if ((!ua_ || !ub_ || strcmp(ua_, ub_)) && !unit_case_failed) { \
		printf("FAIL %s: \"%s\" != \"%s\" (%s:%d)\n", unit_case_name, \
		       ua_ ? ua_ : "(null)", ub_ ? ub_ : "(null)", \
		       __FILE__, __LINE__); \
		unit_case_failed = 1; unit_failed_total++; \
	} } while (0)

#define UNIT_SKIP(name, why) printf("SKIP %s: %s\n", name, why)

/*
 * A policy for a case: P made fresh, then the N RULES applied in order
 * (NULL ones skipped). A rule that does not apply prints
 * "FAIL NAME: rule RULE: ERROR" and stops there with -1: the caller
 * decides whether its cases can go on.
 */
static inline int unit_policy(struct policy *p, const char *name,
			      const char *const *rules, int n)
{
	char err[256];

	policy_init(p);
	for (int i = 0; i < n; i++)
		if (rules[i] && policy_apply(p, rules[i], "test", err,
					     sizeof(err)) < 0) {
			printf("FAIL %s: rule %s: %s\n", name, rules[i], err);
			return -1;
		}
	return 0;
}

/* A call of sys in the x86_64 personality, every argument 0: each
 * test sets the ones it is about. */
static inline struct mcall unit_call(enum msys sys)
{
	struct mcall c;

	memset(&c, 0, sizeof(c));
	c.sys = sys;
	c.pers = "x86_64";
	c.word = 8;
	return c;
}

#define UNIT_DONE() return unit_failed_total ? 1 : 0

#endif
