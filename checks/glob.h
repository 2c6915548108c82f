/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Path globs as Syd reads them: `*` and `?` and `[...]` within one
 * component, `**` across components, a trailing `***` after a slash
 * matches the directory itself and everything below it, backslash
 * escapes.
 */
#ifndef MEMTRACE_GLOB_H
#define MEMTRACE_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* 0 if pattern is well formed, else -1 with the reason in err. */
int glob_check(const char *pattern, char *err, size_t errlen);

/* Whether path matches pattern. A malformed pattern matches nothing. */
bool glob_match(const char *pattern, const char *path);

/*
 * A pattern compiled once, for rules matched at every stop: NULL (and
 * the reason in err) if malformed or out of memory. glob_exec(NULL,
 * path) matches nothing.
 */
struct glob;
struct glob *glob_compile(const char *pattern, char *err, size_t errlen);
bool glob_exec(const struct glob *g, const char *path);
void glob_free(struct glob *g);

/*
 * The literal bytes every matching path starts with (escapes undone),
 * into buf; returns their count. A rule index files rules by it.
 */
size_t glob_literal_prefix(const char *pattern, char *buf, size_t len);

/* Whether the pattern has no wildcard: it matches one path only. */
bool glob_is_literal(const char *pattern);

#endif
