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

#endif
