/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An index over a list of glob rules, so that finding the last rule
 * that matches a path does not scan (let alone compile) the whole
 * list at every stop. Each rule is filed under a key every path it
 * can match has: a plain path under itself, any other pattern under
 * its literal prefix up to the last '/' ("/usr/lib/" for
 * "/usr/lib/lib*.so"). A path then looks in its own bucket and in
 * those of its directories ("/", "/usr/", "/usr/lib/"), each holding
 * only the rules that can match it.
 */
#ifndef MEMTRACE_RULEINDEX_H
#define MEMTRACE_RULEINDEX_H

#include <stdbool.h>
#include <stddef.h>

struct rule_index;

/* Whether rule i (0-based, in list order) matches path. */
typedef bool rule_matches_fn(const void *list, size_t i, const char *path);

/* File rule i, with pattern pattern, under its key. -1 if out of
 * memory (*idx may then be NULL: rebuild). */
int rule_index_add(struct rule_index **idx, const char *pattern, size_t i);

void rule_index_free(struct rule_index *idx);

/* The highest i whose rule matches path, or -1. */
long rule_index_last_match(const struct rule_index *idx, const char *path,
			   rule_matches_fn *matches, const void *list);

#endif
