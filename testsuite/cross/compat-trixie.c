/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Link shims for riscv64, whose target libraries come from trixie
 * (bookworm has no riscv64) while the cross toolchain and libc.a are
 * bookworm's (glibc 2.36; bookworm's riscv64 ld crashes on trixie's
 * libc.a, so that one cannot be used):
 *
 * - __isoc23_strtol: glibc 2.38's C23 strtol (it also accepts a "0b"
 *   prefix with base 0 or 2), referenced by trixie's libelf.a and
 *   libcrypto.a. Plain strtol is enough for what they parse.
 * - eu_search_tree_*, eu_t*: elfutils 0.191+ wraps tsearch in a lock
 *   (lib/eu-search.c), which trixie's libelf.a references but does not
 *   contain. The tree's first member is its root; memtrace calls libelf
 *   from one thread, so the lock is not needed (and not touched, since
 *   its presence depends on how elfutils was configured).
 */
#define _GNU_SOURCE
#include <search.h>
#include <stdlib.h>

long __isoc23_strtol(const char *s, char **end, int base);
long __isoc23_strtol(const char *s, char **end, int base)
{
	return strtol(s, end, base);
}

typedef struct {
	void *root;
} search_tree;

void *eu_tsearch(const void *key, search_tree *tree,
		 int (*compare)(const void *, const void *));
void *eu_tfind(const void *key, search_tree *tree,
	       int (*compare)(const void *, const void *));
void *eu_tdelete(const void *key, search_tree *tree,
		 int (*compare)(const void *, const void *));
void eu_tdestroy(search_tree *tree, void (*free_node)(void *));
void eu_search_tree_init(search_tree *tree);
void eu_search_tree_fini(search_tree *tree, void (*free_node)(void *));

void *eu_tsearch(const void *key, search_tree *tree,
		 int (*compare)(const void *, const void *))
{
	return tsearch(key, &tree->root, compare);
}

void *eu_tfind(const void *key, search_tree *tree,
	       int (*compare)(const void *, const void *))
{
	return tfind(key, &tree->root, compare);
}

void *eu_tdelete(const void *key, search_tree *tree,
		 int (*compare)(const void *, const void *))
{
	return tdelete(key, &tree->root, compare);
}

void eu_tdestroy(search_tree *tree, void (*free_node)(void *))
{
	tdestroy(tree->root, free_node);
	tree->root = NULL;
}

void eu_search_tree_init(search_tree *tree)
{
	tree->root = NULL;
}

void eu_search_tree_fini(search_tree *tree, void (*free_node)(void *))
{
	eu_tdestroy(tree, free_node);
}
