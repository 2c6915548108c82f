/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rule index: a hash table (FNV-1a, chained) from key to the
 * rules filed under it, in list order. Keys are marked with their
 * kind ('=' a plain path, '/' a directory prefix) so that the plain
 * path "/a/" and the directory "/a/" stay apart.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/glob.h"
#include "checks/ruleindex.h"

struct bucket {
	struct bucket *next;
	uint64_t hash;
	size_t *rules, n, cap;
	size_t keylen;
	char key[];		/* kind byte, then the key */
};

struct rule_index {
	struct bucket **slot;
	size_t nslot, nbucket;
};

static uint64_t fnv1a(char kind, const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = (h ^ (unsigned char)kind) * 0x100000001b3ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static struct bucket *find(const struct rule_index *idx, char kind,
			   const char *key, size_t n, uint64_t h)
{
	struct bucket *b = idx->slot[h % idx->nslot];

	for (; b; b = b->next)
		if (b->hash == h && b->keylen == n + 1 && b->key[0] == kind &&
		    !memcmp(b->key + 1, key, n))
			return b;
	return NULL;
}

/* Twice the slots when the table is full; 0, or -1 if out of memory. */
static int grow_table(struct rule_index *idx)
{
	size_t nslot = idx->nslot ? 2 * idx->nslot : 64;
	struct bucket **slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < idx->nslot; i++) {
		for (struct bucket *b = idx->slot[i], *next; b; b = next) {
			next = b->next;
			b->next = slot[b->hash % nslot];
			slot[b->hash % nslot] = b;
		}
	}
	free(idx->slot);
	idx->slot = slot;
	idx->nslot = nslot;
	return 0;
}

static struct bucket *bucket_get(struct rule_index *idx, char kind,
				 const char *key, size_t n)
{
	uint64_t h = fnv1a(kind, key, n);
	struct bucket *b;

	if (idx->nslot && (b = find(idx, kind, key, n, h)))
		return b;
	if (idx->nbucket >= idx->nslot && grow_table(idx) < 0)
		return NULL;
	if (!(b = calloc(1, sizeof(*b) + n + 2)))
		return NULL;
	b->hash = h;
	b->keylen = n + 1;
	b->key[0] = kind;
	memcpy(b->key + 1, key, n);
	b->next = idx->slot[h % idx->nslot];
	idx->slot[h % idx->nslot] = b;
	idx->nbucket++;
	return b;
}

int rule_index_add(struct rule_index **idxp, const char *pattern, size_t i)
{
	size_t len = strlen(pattern) + 1, n;
	char *key = malloc(len), kind = '=';
	struct bucket *b = NULL;

	if (!*idxp)
		*idxp = calloc(1, sizeof(**idxp));
	if (key && *idxp) {
		n = glob_literal_prefix(pattern, key, len);
		if (!glob_is_literal(pattern)) {
			kind = '/';
			while (n > 0 && key[n - 1] != '/')
				n--;
		}
		b = bucket_get(*idxp, kind, key, n);
	}
	free(key);
	if (!b)
		return -1;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4;
		size_t *v = reallocarray(b->rules, cap, sizeof(*v));

		if (!v)
			return -1;
		b->rules = v;
		b->cap = cap;
	}
	b->rules[b->n++] = i;
	return 0;
}

void rule_index_free(struct rule_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->nslot; i++) {
		for (struct bucket *b = idx->slot[i], *next; b; b = next) {
			next = b->next;
			free(b->rules);
			free(b);
		}
	}
	free(idx->slot);
	free(idx);
}

/* The last rule of bucket kind:key above best that matches path. */
static long bucket_best(const struct rule_index *idx, char kind,
			const char *key, size_t n, const char *path,
			rule_matches_fn *matches, const void *list, long best)
{
	const struct bucket *b = find(idx, kind, key, n,
				      fnv1a(kind, key, n));

	for (size_t j = b ? b->n : 0; j-- > 0 && (long)b->rules[j] > best;)
		if (kind == '=' || matches(list, b->rules[j], path))
			return (long)b->rules[j];
	return best;
}

long rule_index_last_match(const struct rule_index *idx, const char *path,
			   rule_matches_fn *matches, const void *list)
{
	size_t len = strlen(path);
	long best = -1;

	if (!idx || !idx->nslot)
		return -1;
	best = bucket_best(idx, '=', path, len, path, matches, list, best);
	/* Every directory prefix, "" included, each with its slash. */
	best = bucket_best(idx, '/', path, 0, path, matches, list, best);
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			best = bucket_best(idx, '/', path, i + 1, path,
					   matches, list, best);
	return best;
}
