/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Path globs.
 *
 * A pattern is compiled into a short list of tokens and run as a
 * non-deterministic automaton over the path: the set of live token
 * positions is advanced one path byte at a time. That costs
 * O(strlen(path) * tokens) whatever the pattern, so `**a**a**a**b`
 * against a long path cannot blow up the way a backtracking matcher
 * does.
 *
 *   *       any run of bytes other than '/'
 *   ?       one byte other than '/'
 *   [...]   one byte of the class, never '/'; ranges a-z, negation
 *           with a leading ! or ^, a ']' first in the class is literal
 *   **      any run of bytes, '/' included; between two slashes the
 *           whole "slash, two stars, slash" may also match one '/',
 *           so that "/usr/lib/" "**" "/x.so" matches /usr/lib/x.so as
 *           well as /usr/lib/a/b/x.so
 *   ***     after a slash, at the end of the pattern: the directory
 *           itself and everything below it ("/usr" "/" "***" matches
 *           /usr and /usr/lib/x); anywhere else, the same as **
 *   \c      the byte c, literally
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/glob.h"

enum tok_kind {
	T_CHAR,		/* one given byte */
	T_ANY,		/* ? */
	T_CLASS,	/* [...] */
	T_STAR,		/* * */
	T_DSTAR,	/* ** */
	T_DSTAR_DIR,	/* ** between two slashes: may also skip the next '/' */
};

struct tok {
	uint8_t kind;
	uint8_t ch;		/* T_CHAR */
	uint32_t cls;		/* T_CLASS: index into the class bitmaps */
};

struct cls {
	uint32_t bits[8];	/* one bit per byte value */
};

struct prog {
	struct tok *tok;
	struct cls *cls;
	size_t ntok, ncls;
	long accept_at;		/* trailing slash+"***": the '/' accepts too */
};

/* Patterns up to this long compile on the stack, without malloc. */
#define SMALL_PATTERN 256

static void cls_set(struct cls *c, unsigned char lo, unsigned char hi)
{
	for (unsigned v = lo; v <= hi; v++)
		c->bits[v / 32] |= UINT32_C(1) << (v % 32);
}

static int cls_has(const struct cls *c, unsigned char v)
{
	return (c->bits[v / 32] >> (v % 32)) & 1;
}

/* Say what is wrong and, when at >= 0, where. */
static int fail(char *err, size_t errlen, const char *what, long at)
{
	if (!err || !errlen)
		return -1;
	if (at < 0)
		snprintf(err, errlen, "%s", what);
	else
		snprintf(err, errlen, "%s at offset %ld", what, at);
	return -1;
}

/* One class member, possibly escaped; returns its end or NULL. */
static const char *class_byte(const char *s, unsigned char *out)
{
	if (*s == '\\')
		s++;
	if (!*s)
		return NULL;
	*out = (unsigned char)*s;
	return s + 1;
}

/*
 * Parse the class starting at pat[at] == '['. Fills c when not NULL.
 * Returns the offset just past the closing ']', or -1.
 */
static long parse_class(const char *pat, size_t at, struct cls *c,
			char *err, size_t errlen)
{
	const char *s = pat + at + 1;
	int negate = 0, first = 1;
	struct cls tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (*s == '!' || *s == '^') {
		negate = 1;
		s++;
	}
	while (*s != ']' || first) {
		unsigned char lo, hi;

		first = 0;
		if (!(s = class_byte(s, &lo)))
			break;
		hi = lo;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			if (!(s = class_byte(s + 1, &hi)))
				break;
			if (hi < lo)
				return fail(err, errlen,
				    "reversed range in \"[\"", (long)at);
		}
		cls_set(&tmp, lo, hi);
	}
	if (!s || !*s)
		return fail(err, errlen, "unterminated \"[\"", (long)at);
	if (negate)
		for (int i = 0; i < 8; i++)
			tmp.bits[i] = ~tmp.bits[i];
	tmp.bits['/' / 32] &= ~(UINT32_C(1) << ('/' % 32));
	if (c)
		*c = tmp;
	return s + 1 - pat;
}

static void emit(struct prog *pg, enum tok_kind kind, unsigned char ch)
{
	if (pg->tok) {
		pg->tok[pg->ntok].kind = (uint8_t)kind;
		pg->tok[pg->ntok].ch = ch;
		pg->tok[pg->ntok].cls = (uint32_t)pg->ncls;
	}
	pg->ntok++;
}

static int prev_is_slash(const struct prog *pg)
{
	const struct tok *t;

	if (!pg->tok || pg->ntok == 0)
		return 0;
	t = &pg->tok[pg->ntok - 1];
	return t->kind == T_CHAR && t->ch == '/';
}

/* A run of n >= 2 stars at pat[i]. */
static void emit_stars(struct prog *pg, const char *pat, size_t i, size_t n)
{
	const char *after = pat + i + n;

	if (n == 3 && !*after && prev_is_slash(pg)) {
		pg->accept_at = (long)pg->ntok - 1;
		emit(pg, T_DSTAR, 0);
	} else if (*after == '/' && prev_is_slash(pg)) {
		emit(pg, T_DSTAR_DIR, 0);
	} else {
		emit(pg, T_DSTAR, 0);
	}
}

/*
 * Compile pat into pg. With pg->tok NULL only count (and check);
 * the counts are then an upper bound for the filling pass.
 */
static int compile(const char *pat, struct prog *pg, char *err,
		   size_t errlen)
{
	size_t i = 0;

	pg->ntok = pg->ncls = 0;
	pg->accept_at = -1;
	if (!*pat)
		return fail(err, errlen, "empty pattern", -1);
	while (pat[i]) {
		size_t n;
		long end;

		switch (pat[i]) {
		case '\\':
			if (!pat[i + 1])
				return fail(err, errlen, "trailing backslash",
					    (long)i);
			emit(pg, T_CHAR, (unsigned char)pat[i + 1]);
			i += 2;
			break;
		case '?':
			emit(pg, T_ANY, 0);
			i++;
			break;
		case '[':
			end = parse_class(pat, i,
			    pg->cls ? &pg->cls[pg->ncls] : NULL, err, errlen);
			if (end < 0)
				return -1;
			emit(pg, T_CLASS, 0);
			pg->ncls++;
			i = (size_t)end;
			break;
		case '*':
			for (n = 0; pat[i + n] == '*'; n++)
				;
			if (n == 1)
				emit(pg, T_STAR, 0);
			else
				emit_stars(pg, pat, i, n);
			i += n;
			break;
		default:
			emit(pg, T_CHAR, (unsigned char)pat[i]);
			i++;
		}
	}
	return 0;
}

int glob_check(const char *pattern, char *err, size_t errlen)
{
	struct prog pg = { 0 };

	if (!pattern)
		return fail(err, errlen, "no pattern", -1);
	return compile(pattern, &pg, err, errlen);
}

/* Follow the moves that consume nothing; they all point forward. */
static void closure(const struct prog *pg, unsigned char *live)
{
	for (size_t i = 0; i < pg->ntok; i++) {
		if (!live[i])
			continue;
		switch (pg->tok[i].kind) {
		case T_STAR:
		case T_DSTAR:
			live[i + 1] = 1;
			break;
		case T_DSTAR_DIR:
			live[i + 1] = 1;
			live[i + 2] = 1;	/* "/ ** /" as a single '/' */
			break;
		}
	}
}

/* Advance every live position over byte c; 0 if none survives. */
static int step(const struct prog *pg, const unsigned char *cur,
		unsigned char *next, unsigned char c)
{
	int alive = 0;

	memset(next, 0, pg->ntok + 1);
	for (size_t i = 0; i < pg->ntok; i++) {
		const struct tok *t = &pg->tok[i];
		size_t to = i + 1;

		if (!cur[i])
			continue;
		switch (t->kind) {
		case T_CHAR:
			if (c != t->ch)
				continue;
			break;
		case T_ANY:
			if (c == '/')
				continue;
			break;
		case T_CLASS:
			if (!cls_has(&pg->cls[t->cls], c))
				continue;
			break;
		case T_STAR:
			if (c == '/')
				continue;
			to = i;
			break;
		default:	/* T_DSTAR, T_DSTAR_DIR */
			to = i;
		}
		next[to] = 1;
		alive = 1;
	}
	closure(pg, next);
	return alive;
}

static bool run(const struct prog *pg, const char *path, unsigned char *cur,
		unsigned char *next)
{
	memset(cur, 0, pg->ntok + 1);
	cur[0] = 1;
	closure(pg, cur);
	for (const char *s = path; *s; s++) {
		unsigned char *swap;

		if (!step(pg, cur, next, (unsigned char)*s))
			return false;
		swap = cur;
		cur = next;
		next = swap;
	}
	return cur[pg->ntok] || (pg->accept_at >= 0 && cur[pg->accept_at]);
}

/* A compiled pattern: the program and its arrays in one block. */
struct glob {
	struct prog pg;
};

struct glob *glob_compile(const char *pattern, char *err, size_t errlen)
{
	struct prog pg = { 0 };
	struct glob *g;
	size_t tsz, csz;

	if (!pattern) {
		fail(err, errlen, "no pattern", -1);
		return NULL;
	}
	if (compile(pattern, &pg, err, errlen) < 0)
		return NULL;
	tsz = pg.ntok * sizeof(*pg.tok);
	csz = pg.ncls * sizeof(*pg.cls);
	/* Classes right after the header: they need the stricter alignment. */
	if (!(g = malloc(sizeof(*g) + csz + tsz))) {
		fail(err, errlen, "out of memory", -1);
		return NULL;
	}
	g->pg.cls = (struct cls *)(g + 1);
	g->pg.tok = (struct tok *)((char *)(g + 1) + csz);
	compile(pattern, &g->pg, NULL, 0);
	return g;
}

void glob_free(struct glob *g)
{
	free(g);
}

bool glob_exec(const struct glob *g, const char *path)
{
	unsigned char sstate[2 * (SMALL_PATTERN + 1)], *state = sstate;
	bool matched;

	if (!g || !path)
		return false;
	if (g->pg.ntok > SMALL_PATTERN &&
	    !(state = malloc(2 * (g->pg.ntok + 1))))
		return false;
	matched = run(&g->pg, path, state, state + g->pg.ntok + 1);
	if (state != sstate)
		free(state);
	return matched;
}

bool glob_match(const char *pattern, const char *path)
{
	struct glob *g = path ? glob_compile(pattern, NULL, 0) : NULL;
	bool matched = glob_exec(g, path);

	glob_free(g);
	return matched;
}

/*
 * The bytes every path the pattern matches starts with, unescaped,
 * up to the first wildcard; a trailing slash+"***" also matches the
 * directory without its slash, so that slash is left out.
 */
size_t glob_literal_prefix(const char *pattern, char *buf, size_t len)
{
	const char *s = pattern;
	size_t o = 0;

	if (!len)
		return 0;
	for (; *s && o + 1 < len; s++) {
		if (*s == '*' || *s == '?' || *s == '[')
			break;
		if (*s == '\\' && s[1])
			s++;
		buf[o++] = *s;
	}
	if (o && buf[o - 1] == '/' && !strcmp(s, "***"))
		o--;
	buf[o] = '\0';
	return o;
}

/* Whether the pattern is a plain path: no wildcard, escapes aside. */
bool glob_is_literal(const char *pattern)
{
	for (const char *s = pattern; *s; s++) {
		if (*s == '*' || *s == '?' || *s == '[')
			return false;
		if (*s == '\\' && s[1])
			s++;
	}
	return true;
}
