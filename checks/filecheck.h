/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the file checks (exec, tpe, force, stack; fd and append in
 * part) share: which calls map a file executable, the facts they need
 * first, failing closed when those facts are missing, and writing a
 * path into a rule.
 */
#ifndef MEMTRACE_FILECHECK_H
#define MEMTRACE_FILECHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/checks.h"

/*
 * An mmap-family call of a file (not MAP_ANONYMOUS) whose arguments
 * could be read, on any fd (the fd check refuses one that is not
 * open).
 */
bool file_mmap(const struct mcall *c);

/*
 * An executable mapping of a file: an mmap-family call with PROT_EXEC,
 * without MAP_ANONYMOUS, on fd >= 0 (with fd < 0 the kernel fails the
 * call with EBADF, and no other thread can make -1 valid); or the
 * program and its interpreter at exec (MSYS_EXEC, facts from the exe).
 */
bool file_exec_call(const struct mcall *c);

/* The filter every file check declares: PROT_EXEC in arg 2 of the
 * mmap family and of mprotect. */
void file_filter(enum msys s, const struct policy *p, struct filter_need *n);

/* The needs every file check starts from: FACT_FD for an executable
 * file mapping, else nothing. */
unsigned file_needs(const struct mcall *c, const struct policy *p,
		    const struct facts *f);

/* Whether the FACT_FD facts are there and describe an open file. */
bool file_known(const struct facts *f);

/*
 * Decide the call when the file's facts are missing and return true:
 * an fd that is not open fails with EBADF, as the kernel would fail
 * it, without a record (ACT_FILTER; another thread could open it
 * between the check and the call, so it must not run); facts that
 * could not be read deny (fail closed) with the category's action,
 * or ACT_DENY if that action would let the call through.
 */
bool file_unknown(const struct mcall *c, const struct facts *f,
		  const struct policy *p, enum category cat,
		  const char *check, const char *tip, struct verdict *v);

/*
 * A file memtrace cannot name (its path is deeper than PATH_MAX) is
 * refused by the checks that judge a name (exec rules, tpe, force),
 * whatever their default: true, with the verdict set.
 */
bool file_unnamed(const struct facts *f, const struct policy *p,
		  enum category cat, const char *check, const char *tip,
		  struct verdict *v);

/* Put the file's path into the verdict. */
void file_path(const struct facts *f, struct verdict *v);

/* The action to take where a check fails closed: act itself if it
 * denies, ACT_DENY otherwise. */
enum action fail_closed_action(enum action act);

/*
 * path with the glob characters * ? [ \ escaped, so that as a pattern
 * it matches exactly path. -1 if it does not fit or holds a character
 * no rule can (a control character).
 */
int glob_escape(const char *path, char *out, size_t len);

/* Whether path can stand in a rule as it is (no control characters). */
bool rule_safe(const char *path);

#endif
