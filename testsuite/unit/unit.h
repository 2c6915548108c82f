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

#define UNIT_DONE() return unit_failed_total ? 1 : 0

#endif
