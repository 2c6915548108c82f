/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy rule parser.
 *
 * A rule is KEY OP VALUE. The key is looked up in one table; each row
 * names the operators the key accepts, a function that applies a value
 * and one that prints the setting back as rules, plus the offset of
 * the field it sets. A new key is a new row. Most rows share a handful
 * of generic handlers (boolean, size, action, glob list).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/force.h"
#include "checks/glob.h"
#include "checks/policy.h"
#include "checks/ruleindex.h"
#include "checks/sydkeys.h"

/* Longer rules and profile lines are refused rather than truncated. */
#define RULE_MAX 8192

/* Room for a reason; the final message adds origin and rule. */
#define WHY_MAX 512

/* Values quoted in messages are cut to this many bytes. */
#define QUOTE_MAX 96

struct key;

typedef int apply_fn(struct policy *p, const struct key *k, char op,
		     const char *val, char *why, size_t whylen);
/* Prints the key's setting as rules: all of it if dflt is NULL, else
 * only where it differs from dflt. */
typedef void dump_fn(const struct policy *p, const struct policy *dflt,
		     const struct key *k, FILE *out);

struct key {
	const char *name;
	const char *ops;	/* the operators it accepts, of ":+-^" */
	apply_fn *apply;
	dump_fn *dump;
	size_t off;		/* the field in struct policy */
	int arg;		/* what the handler needs: an action */
};

static const char *const action_names[ACT__N] = {
	[ACT_ALLOW] = "allow", [ACT_WARN] = "warn", [ACT_FILTER] = "filter",
	[ACT_DENY] = "deny", [ACT_PANIC] = "panic", [ACT_STOP] = "stop",
	[ACT_ABORT] = "abort", [ACT_KILL] = "kill", [ACT_EXIT] = "exit",
};

static const char *const category_names[CAT__N] = {
	[CAT_WX] = "wx", [CAT_FD] = "fd", [CAT_APPEND] = "append",
	[CAT_MREMAP] = "mremap", [CAT_STACK] = "stack", [CAT_EXEC] = "exec",
	[CAT_TPE] = "tpe", [CAT_FORCE] = "force", [CAT_MEM] = "mem",
	[CAT_BYPASS] = "bypass",
};

const char *action_name(enum action a)
{
	return (unsigned)a < ACT__N ? action_names[a] : "?";
}

int action_parse(const char *s, enum action *out)
{
	for (int a = 0; a < ACT__N; a++) {
		if (!strcmp(s, action_names[a])) {
			*out = (enum action)a;
			return 0;
		}
	}
	return -1;
}

const char *category_name(enum category c)
{
	return (unsigned)c < CAT__N ? category_names[c] : "?";
}

/* --- messages --- */

/*
 * s in double quotes, with quotes, backslashes and unprintable bytes
 * escaped, cut at QUOTE_MAX bytes: rules come from anywhere.
 */
static const char *quote(char *buf, size_t len, const char *s)
{
	size_t o = 0, i;

	buf[o++] = '"';
	for (i = 0; s[i] && i < QUOTE_MAX && o + 8 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (s[i])
		o += (size_t)snprintf(buf + o, len - o, "...");
	snprintf(buf + o, len - o, "\"");
	return buf;
}

#define QBUF (QUOTE_MAX * 4 + 16)

/* "a, b, c or d" from a table of names. */
static const char *join_names(char *buf, size_t len, const char *(*name)(int),
			      int n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o < len; i++) {
		const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";

		o += (size_t)snprintf(buf + o, len - o, "%s%s", sep, name(i));
	}
	return buf;
}

static const char *action_name_i(int i)
{
	return action_name((enum action)i);
}

static const char *ops_list(char *buf, size_t len, const char *ops)
{
	size_t o = 0, n = strlen(ops);

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++) {
		const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";

		o += (size_t)snprintf(buf + o, len - o, "%s\"%c\"", sep,
				      ops[i]);
	}
	return buf;
}

/* --- scalars --- */

int parse_bool(const char *s, bool *out)
{
	static const struct {
		const char *word;
		bool val;
	} words[] = {
		{ "1", true }, { "true", true }, { "on", true },
		{ "0", false }, { "false", false }, { "off", false },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcmp(s, words[i].word)) {
			*out = words[i].val;
			return 0;
		}
	}
	return -1;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The binary shift for a K/M/G/T suffix, or -1 if c is none of them. */
static int unit_shift(int c)
{
	switch (lower(c)) {
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	}
	return -1;
}

/*
 * Digits, then optionally K, M, G or T (any case), optionally followed
 * by B or iB: "4096", "64M", "64MiB", "1g", "512B".
 * 0 on success, -1 if malformed, -2 if it does not fit in 64 bits.
 */
static int size_parse(const char *s, uint64_t *out)
{
	uint64_t n = 0;
	int shift = 0;

	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -2;
		n = n * 10 + d;
	}
	if (unit_shift(*s) >= 0) {
		shift = unit_shift(*s++);
		if (lower(*s) == 'i' && lower(s[1]) == 'b')
			s++;
	}
	if (lower(*s) == 'b')
		s++;
	if (*s)
		return -1;
	if (n > UINT64_MAX >> shift)
		return -2;
	*out = n << shift;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	int r = size_parse(s, out);

	if (r == -2)
		errno = ERANGE;
	else if (r < 0)
		errno = EINVAL;
	return r < 0 ? -1 : 0;
}

/* The exact size, with the largest binary suffix that loses nothing. */
static void format_size(char *buf, size_t len, uint64_t n)
{
	static const char units[] = "TGMK";
	static const int shifts[] = { 40, 30, 20, 10 };

	for (int i = 0; n && i < 4; i++) {
		uint64_t unit = UINT64_C(1) << shifts[i];

		if (n % unit == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(n / unit), units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* --- generic handlers --- */

static void *field(struct policy *p, const struct key *k)
{
	return (char *)p + k->off;
}

static const void *cfield(const struct policy *p, const struct key *k)
{
	return (const char *)p + k->off;
}

static int apply_bool(struct policy *p, const struct key *k, char op,
		      const char *val, char *why, size_t whylen)
{
	char q[QBUF];

	(void)op;
	if (parse_bool(val, field(p, k)) < 0) {
		snprintf(why, whylen, "bad boolean %s (expected 1, 0, true, "
			 "false, on or off)", quote(q, sizeof(q), val));
		return -1;
	}
	return 0;
}

static void dump_bool(const struct policy *p, const struct policy *dflt,
		      const struct key *k, FILE *out)
{
	bool v = *(const bool *)cfield(p, k);

	if (!dflt || v != *(const bool *)cfield(dflt, k))
		fprintf(out, "%s:%s\n", k->name, v ? "true" : "false");
}

static int apply_size(struct policy *p, const struct key *k, char op,
		      const char *val, char *why, size_t whylen)
{
	char q[QBUF];
	int r = size_parse(val, field(p, k));

	(void)op;
	if (r == -2)
		snprintf(why, whylen, "size %s is too large (at most %llu "
			 "bytes)", quote(q, sizeof(q), val),
			 (unsigned long long)UINT64_MAX);
	else if (r < 0)
		snprintf(why, whylen, "bad size %s (expected bytes or a "
			 "number with K, M, G or T)", quote(q, sizeof(q), val));
	return r < 0 ? -1 : 0;
}

static void dump_size(const struct policy *p, const struct policy *dflt,
		      const struct key *k, FILE *out)
{
	uint64_t v = *(const uint64_t *)cfield(p, k);
	char buf[32];

	if (dflt && v == *(const uint64_t *)cfield(dflt, k))
		return;
	format_size(buf, sizeof(buf), v);
	fprintf(out, "%s:%s\n", k->name, buf);
}

static int apply_action(struct policy *p, const struct key *k, char op,
			const char *val, char *why, size_t whylen)
{
	char q[QBUF], names[128];

	(void)op;
	if (action_parse(val, field(p, k)) < 0) {
		snprintf(why, whylen, "unknown action %s (expected %s)",
			 quote(q, sizeof(q), val),
			 join_names(names, sizeof(names), action_name_i,
				    ACT__N));
		return -1;
	}
	return 0;
}

static void dump_action(const struct policy *p, const struct policy *dflt,
			const struct key *k, FILE *out)
{
	enum action v = *(const enum action *)cfield(p, k);

	if (!dflt || v != *(const enum action *)cfield(dflt, k))
		fprintf(out, "%s:%s\n", k->name, action_name(v));
}

/* --- rule lists --- */

/*
 * The array v of n elements of size bytes, with room for one more:
 * v itself, or v moved and *cap doubled. NULL (v untouched) if out of
 * memory.
 */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? 2 * *cap : 8;
	if (!(v = reallocarray(v, ncap, size)))
		return NULL;
	*cap = ncap;
	return v;
}

/* --- glob lists: append, allow/exec, deny/exec --- */

/*
 * File every entry in the index again (after a removal renumbered
 * them). Without memory for it, the index is dropped and lookups scan
 * the list: slower, never wrong.
 */
static void list_reindex(struct glob_list *l)
{
	rule_index_free(l->idx);
	l->idx = NULL;
	for (size_t i = 0; i < l->n; i++) {
		if (rule_index_add(&l->idx, l->v[i].pattern, i) < 0) {
			rule_index_free(l->idx);
			l->idx = NULL;
			return;
		}
	}
}

/* The pattern is compiled here, once, not at every match. */
static int list_add(struct glob_list *l, const char *pattern, enum action a)
{
	struct glob_rule *v = grow(l->v, l->n, &l->cap, sizeof(*v));
	struct glob *prog;
	char *copy;

	if (!v)
		return -1;
	l->v = v;
	if (!(prog = glob_compile(pattern, NULL, 0)))
		return -1;
	if (!(copy = strdup(pattern))) {
		glob_free(prog);
		return -1;
	}
	l->v[l->n].pattern = copy;
	l->v[l->n].prog = prog;
	l->v[l->n].act = a;
	l->n++;
	if ((l->idx || l->n == 1) &&
	    rule_index_add(&l->idx, pattern, l->n - 1) < 0)
		list_reindex(l);
	return 0;
}

static void list_del(struct glob_list *l, size_t i)
{
	free(l->v[i].pattern);
	glob_free(l->v[i].prog);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
	list_reindex(l);
}

/*
 * Remove the entries of action a whose pattern is pattern (any pattern
 * if NULL): the last one only, or all of them.
 */
static void list_remove(struct glob_list *l, const char *pattern,
			enum action a, bool all)
{
	for (size_t i = l->n; i-- > 0;) {
		if (l->v[i].act != a)
			continue;
		if (pattern && strcmp(l->v[i].pattern, pattern))
			continue;
		list_del(l, i);
		if (!all)
			return;
	}
}

/*
 * What keeps a path or pattern from ever naming a canonical path (the
 * form memtrace matches: realpath's, as /proc shows mappings), or
 * NULL: "//", a "." or ".." component, a trailing "/". Such rules are
 * refused, not rewritten: "/tmp/a/../x" is not "/tmp/x" when a is a
 * symbolic link, and a rule should say what it matches.
 */
static const char *non_canonical(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t c = i + 1, e;

		if (s[i] != '/')
			continue;
		for (e = c; e < n && s[e] != '/'; e++)
			;
		if (e == c && c < n)
			return "\"//\"";
		if (e - c == 1 && s[c] == '.')
			return "a \".\" component";
		if (e - c == 2 && s[c] == '.' && s[c + 1] == '.')
			return "a \"..\" component";
		if (e == c && n > 1)
			return "a trailing \"/\"";
	}
	return NULL;
}

static int check_canonical(const char *what, const char *s, size_t n,
			   char *why, size_t whylen)
{
	const char *bad = non_canonical(s, n);
	char q[QBUF], copy[QUOTE_MAX + 1];

	if (!bad)
		return 0;
	snprintf(copy, sizeof(copy), "%.*s", (int)n, s);
	snprintf(why, whylen, "%s %s can never match: it has %s, and "
		 "memtrace matches canonical paths (refused, not rewritten)",
		 what, quote(q, sizeof(q), copy), bad);
	return -1;
}

static int check_pattern(const char *val, char *why, size_t whylen)
{
	char q[QBUF], gerr[128];

	if (val[0] != '/') {
		snprintf(why, whylen, "pattern %s is not absolute (expected "
			 "a glob starting with \"/\")", quote(q, sizeof(q), val));
		return -1;
	}
	if (check_canonical("pattern", val, strlen(val), why, whylen) < 0)
		return -1;
	if (glob_check(val, gerr, sizeof(gerr)) < 0) {
		snprintf(why, whylen, "bad glob %s: %s",
			 quote(q, sizeof(q), val), gerr);
		return -1;
	}
	return 0;
}

static int apply_glob(struct policy *p, const struct key *k, char op,
		      const char *val, char *why, size_t whylen)
{
	struct glob_list *l = field(p, k);
	enum action a = (enum action)k->arg;

	if (op == '^') {
		list_remove(l, *val ? val : NULL, a, true);
		return 0;
	}
	if (!*val) {
		snprintf(why, whylen, "expected a glob pattern");
		return -1;
	}
	if (op == '-') {
		list_remove(l, val, a, false);
		return 0;
	}
	if (check_pattern(val, why, whylen) < 0)
		return -1;
	if (list_add(l, val, a) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

/* Printed after the table is known: it looks its rows up there. */
static dump_fn dump_glob;

/* --- tpe/gid --- */

static int apply_gid(struct policy *p, const struct key *k, char op,
		     const char *val, char *why, size_t whylen)
{
	char q[QBUF];
	uint64_t n = 0;
	const char *s;

	(void)k;
	(void)op;
	if (!strcmp(val, "none")) {
		p->tpe_gid_set = false;
		p->tpe_gid = 0;
		return 0;
	}
	for (s = val; is_digit(*s) && n < UINT32_MAX; s++)
		n = n * 10 + (uint64_t)(*s - '0');
	/* (gid_t)-1 means "no group" to the kernel: not a group. */
	if (s == val || *s || n >= UINT32_MAX) {
		snprintf(why, whylen, "bad group %s (expected a numeric gid "
			 "below 4294967295, or none)", quote(q, sizeof(q), val));
		return -1;
	}
	p->tpe_gid_set = true;
	p->tpe_gid = (gid_t)n;
	return 0;
}

static void dump_gid(const struct policy *p, const struct policy *dflt,
		     const struct key *k, FILE *out)
{
	if (p->tpe_gid_set)
		fprintf(out, "%s:%lu\n", k->name, (unsigned long)p->tpe_gid);
	else if (!dflt)
		fprintf(out, "%s:none\n", k->name);
}

/* --- force --- */

static int force_add(struct force_list *l, const char *path, size_t pathlen,
		     int alg, const char *hex, enum action a)
{
	struct force_rule *v = grow(l->v, l->n, &l->cap, sizeof(*v));
	struct force_rule *r;

	if (!v)
		return -1;
	l->v = v;
	r = &v[l->n];
	r->path = strndup(path, pathlen);
	r->hex = strdup(hex);
	if (!r->path || !r->hex) {
		free(r->path);
		free(r->hex);
		return -1;
	}
	r->alg = alg;
	r->act = a;
	l->n++;
	return 0;
}

static void force_del(struct force_list *l, size_t i)
{
	free(l->v[i].path);
	free(l->v[i].hex);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
	l->n--;
}

static void force_remove(struct force_list *l, const char *path, bool all)
{
	for (size_t i = l->n; i-- > 0;) {
		if (path && strcmp(l->v[i].path, path))
			continue;
		force_del(l, i);
		if (!all)
			return;
	}
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return n > 0;
}

/*
 * Whether a last field that names no action was meant as one: it is
 * no digest (a non-hex letter), or a short number (actions are names,
 * never numbers, and no digest is that short).
 */
static bool looks_like_action(const char *f, size_t n)
{
	size_t digits = 0;

	while (digits < n && is_digit(f[digits]))
		digits++;
	return !all_hex(f, n) || (digits == n && n <= 3);
}

/* The last ':'-separated field of s[0..n), and its length. */
static const char *last_field(const char *s, size_t n, size_t *flen)
{
	const char *c = memrchr(s, ':', n);

	if (!c)
		return NULL;
	*flen = n - (size_t)(c + 1 - s);
	return c + 1;
}

static const char *alg_name_i(int i)
{
	return hash_alg_name(i);
}

/* A parsed force+ value; fields point into the value. */
struct force_spec {
	const char *path, *hex, *alg;
	size_t pathlen, hexlen, alglen;
	enum action act;
};

/*
 * Split PATH:[ALG:]HEX[:ACTION] from the right, since a path may hold
 * ':' of its own: the last field is an action if it names one, the
 * one before the digest is an algorithm if it holds no '/'.
 */
static int force_split(const char *val, struct force_spec *fs, char *why,
		       size_t whylen)
{
	size_t n = strlen(val), flen = 0, hlen = 0;
	const char *f = last_field(val, n, &flen);
	char q[QBUF], names[128], word[16];

	fs->act = ACT__N;
	if (f && flen < sizeof(word)) {
		memcpy(word, f, flen);
		word[flen] = '\0';
		if (action_parse(word, &fs->act) == 0)
			n = (size_t)(f - 1 - val);
		else if (looks_like_action(f, flen) &&
		    last_field(val, n - flen - 1, &hlen) &&
		    all_hex(val + n - flen - 1 - hlen, hlen)) {
			snprintf(why, whylen, "unknown action %s (expected %s)",
				 quote(q, sizeof(q), word),
				 join_names(names, sizeof(names),
					    action_name_i, ACT__N));
			return -1;
		}
	}
	if (!(fs->hex = last_field(val, n, &fs->hexlen))) {
		snprintf(why, whylen, "expected PATH:[ALG:]HEX[:ACTION]");
		return -1;
	}
	fs->pathlen = (size_t)(fs->hex - 1 - val);
	fs->alg = last_field(val, fs->pathlen, &fs->alglen);
	if (fs->alg && memchr(fs->alg, '/', fs->alglen))
		fs->alg = NULL;
	if (fs->alg)
		fs->pathlen = (size_t)(fs->alg - 1 - val);
	fs->path = val;
	return 0;
}

/* The algorithm, named or inferred from the digest's length. */
static int force_alg(const struct force_spec *fs, char *why, size_t whylen)
{
	char q[QBUF], name[32], names[160];
	int alg;

	if (!fs->alg) {
		alg = hash_alg_from_hexlen(fs->hexlen);
		if (alg < 0)
			snprintf(why, whylen, "cannot tell the algorithm from "
				 "%zu hex digits (expected 8, 16, 32, 40, 64, "
				 "96 or 128, or PATH:ALG:HEX)", fs->hexlen);
		return alg;
	}
	snprintf(name, sizeof(name), "%.*s", (int)fs->alglen, fs->alg);
	alg = fs->alglen < sizeof(name) ? hash_alg_from_name(name) : -1;
	if (alg < 0)
		snprintf(why, whylen, "unknown algorithm %s (expected %s)",
			 quote(q, sizeof(q), name),
			 join_names(names, sizeof(names), alg_name_i, HASH__N));
	return alg;
}

static int force_plus(struct policy *p, const char *val, char *why,
		      size_t whylen)
{
	struct force_spec fs = { 0 };
	char hex[HASH_MAX_HEX + 1], q[QBUF];
	int alg;

	if (force_split(val, &fs, why, whylen) < 0)
		return -1;
	if (fs.pathlen == 0 || fs.path[0] != '/') {
		snprintf(why, whylen, "path is not absolute (expected "
			 "/PATH:[ALG:]HEX[:ACTION])");
		return -1;
	}
	if (check_canonical("path", fs.path, fs.pathlen, why, whylen) < 0)
		return -1;
	if (!all_hex(fs.hex, fs.hexlen) || fs.hexlen > HASH_MAX_HEX) {
		snprintf(hex, sizeof(hex), "%.*s", (int)fs.hexlen, fs.hex);
		snprintf(why, whylen, "bad digest %s (expected hex digits)",
			 quote(q, sizeof(q), hex));
		return -1;
	}
	if ((alg = force_alg(&fs, why, whylen)) < 0)
		return -1;
	if (fs.hexlen != hash_alg_hexlen(alg)) {
		snprintf(why, whylen, "%s digest has %zu hex digits "
			 "(expected %zu)", hash_alg_name(alg), fs.hexlen,
			 hash_alg_hexlen(alg));
		return -1;
	}
	for (size_t i = 0; i < fs.hexlen; i++)
		hex[i] = (char)lower(fs.hex[i]);
	hex[fs.hexlen] = '\0';
	if (force_add(&p->force, fs.path, fs.pathlen, alg, hex, fs.act) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static int apply_force(struct policy *p, const struct key *k, char op,
		       const char *val, char *why, size_t whylen)
{
	(void)k;
	if (op == '+')
		return force_plus(p, val, why, whylen);
	if (op == '^' && !*val) {
		force_remove(&p->force, NULL, true);
		return 0;
	}
	if (val[0] != '/') {
		snprintf(why, whylen, "expected an absolute path");
		return -1;
	}
	force_remove(&p->force, val, op == '^');
	return 0;
}

static void dump_force(const struct policy *p, const struct policy *dflt,
		       const struct key *k, FILE *out)
{
	if (!dflt)
		fprintf(out, "%s^\n", k->name);	/* the list from empty */
	for (size_t i = 0; i < p->force.n; i++) {
		const struct force_rule *r = &p->force.v[i];

		/* Always name the algorithm: it makes the split exact. */
		fprintf(out, "%s+%s:%s:%s", k->name, r->path,
			hash_alg_name(r->alg), r->hex);
		if (r->act != ACT__N)
			fprintf(out, ":%s", action_name(r->act));
		fputc('\n', out);
	}
}

/* --- the table --- */

#define F(field) offsetof(struct policy, field)
#define BOOL_KEY(name, fld) { name, ":", apply_bool, dump_bool, F(fld), 0 }
#define SIZE_KEY(name, fld) { name, ":", apply_size, dump_size, F(fld), 0 }
#define DEFAULT_KEY(cat, name) \
	{ "default/" name, ":", apply_action, dump_action, F(deflt[cat]), 0 }
#define GLOB_KEY(name, fld, act) \
	{ name, "+-^", apply_glob, dump_glob, F(fld), act }

static const struct key keys[] = {
	BOOL_KEY("trace/allow_unsafe_exec_memory", allow_unsafe_exec_memory),
	BOOL_KEY("trace/allow_unsafe_exec_stack", allow_unsafe_exec_stack),
	BOOL_KEY("trace/allow_unsafe_ptrace", allow_unsafe_ptrace),
	BOOL_KEY("sandbox/mem", sandbox_mem),
	BOOL_KEY("sandbox/exec", sandbox_exec),
	BOOL_KEY("sandbox/tpe", sandbox_tpe),
	BOOL_KEY("sandbox/force", sandbox_force),
	SIZE_KEY("mem/max", mem_max),
	SIZE_KEY("mem/vm_max", mem_vm_max),
	DEFAULT_KEY(CAT_WX, "wx"),
	DEFAULT_KEY(CAT_FD, "fd"),
	DEFAULT_KEY(CAT_APPEND, "append"),
	DEFAULT_KEY(CAT_MREMAP, "mremap"),
	DEFAULT_KEY(CAT_STACK, "stack"),
	DEFAULT_KEY(CAT_EXEC, "exec"),
	DEFAULT_KEY(CAT_TPE, "tpe"),
	DEFAULT_KEY(CAT_FORCE, "force"),
	DEFAULT_KEY(CAT_MEM, "mem"),
	DEFAULT_KEY(CAT_BYPASS, "bypass"),
	GLOB_KEY("append", append, ACT_ALLOW),
	GLOB_KEY("allow/exec", exec, ACT_ALLOW),
	GLOB_KEY("deny/exec", exec, ACT_DENY),
	{ "tpe/gid", ":", apply_gid, dump_gid, F(tpe_gid), 0 },
	BOOL_KEY("tpe/negate", tpe_negate),
	BOOL_KEY("tpe/root_owned", tpe_root_owned),
	BOOL_KEY("tpe/user_owned", tpe_user_owned),
	{ "force", "+-^", apply_force, dump_force, F(force), 0 },
};

static const size_t nkeys = sizeof(keys) / sizeof(keys[0]);

/* The glob-list row that stands for entries of action a in field off. */
static const struct key *glob_row(size_t off, enum action a)
{
	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].apply == apply_glob && keys[i].off == off &&
		    keys[i].arg == (int)a)
			return &keys[i];
	return NULL;
}

/*
 * Several rows may share one list (allow/exec and deny/exec): the
 * first of them prints the whole list, in order, each entry under the
 * row of its action, so that the last match still wins on reading.
 */
static void dump_glob(const struct policy *p, const struct policy *dflt,
		      const struct key *k, FILE *out)
{
	const struct glob_list *l = cfield(p, k);

	for (size_t i = 0; i < nkeys && &keys[i] != k; i++)
		if (keys[i].apply == apply_glob && keys[i].off == k->off)
			return;
	/* Every row of the list from empty, then its entries. */
	for (size_t i = 0; !dflt && i < nkeys; i++)
		if (keys[i].apply == apply_glob && keys[i].off == k->off)
			fprintf(out, "%s^\n", keys[i].name);
	for (size_t i = 0; i < l->n; i++) {
		const struct key *row = glob_row(k->off, l->v[i].act);

		if (row)
			fprintf(out, "%s+%s\n", row->name, l->v[i].pattern);
	}
}

static const struct key *key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strlen(keys[i].name) == len &&
		    !memcmp(keys[i].name, name, len))
			return &keys[i];
	return NULL;
}

/* --- the policy --- */

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	for (int c = 0; c < CAT__N; c++)
		p->deflt[c] = ACT_DENY;
}

static void list_free(struct glob_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].pattern);
		glob_free(l->v[i].prog);
	}
	rule_index_free(l->idx);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void policy_free(struct policy *p)
{
	list_free(&p->append);
	list_free(&p->exec);
	force_remove(&p->force, NULL, true);
	free(p->force.v);
	memset(&p->force, 0, sizeof(p->force));
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static int is_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_' || c == '/';
}

/* Levenshtein distance of a[0..an) and b, at most KEY_NAME_MAX long. */
#define KEY_NAME_MAX 64
static size_t distance(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b), row[KEY_NAME_MAX + 1];

	if (an > KEY_NAME_MAX || bn > KEY_NAME_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= bn; j++)
		row[j] = j;
	for (size_t i = 1; i <= an; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= bn; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[bn];
}

/* The memtrace key name[0..n) is a near miss of, or NULL: a slip of
 * two edits, or of three in a long key. */
static const char *near_key(const char *name, size_t n)
{
	const char *best = NULL;
	size_t bestd = n >= 16 ? 4 : 3;

	for (size_t i = 0; i < nkeys; i++) {
		size_t d = distance(name, n, keys[i].name);

		if (d < bestd) {
			bestd = d;
			best = keys[i].name;
		}
	}
	return best;
}

/* ACTION/exec with an action memtrace's exec rules do not take. */
static bool foreign_exec_rule(const char *name, size_t n)
{
	enum action a;
	char head[16];

	if (n < 6 || n - 5 >= sizeof(head) || memcmp(name + n - 5, "/exec", 5))
		return false;
	memcpy(head, name, n - 5);
	head[n - 5] = '\0';
	return action_parse(head, &a) == 0;
}

/* The reason a key that is not memtrace's is refused; 1 if it is one
 * of Syd's others, to be ignored. */
static int foreign_key(const char *name, size_t klen, char *why,
		       size_t whylen)
{
	char q[QBUF], key[QUOTE_MAX + 1];
	const char *near;

	snprintf(key, sizeof(key), "%.*s", (int)klen, name);
	if (foreign_exec_rule(name, klen)) {
		snprintf(why, whylen, "unknown key %s (memtrace's exec rules "
			 "are allow/exec and deny/exec)", quote(q, sizeof(q),
			 key));
		return -1;
	}
	if (syd_capability_key(name, klen))
		return 1;
	if ((near = near_key(name, klen))) {
		snprintf(why, whylen, "unknown key %s; did you mean %s?",
			 quote(q, sizeof(q), key), near);
		return -1;
	}
	if (syd_family_key(name, klen))
		return 1;
	snprintf(why, whylen, "unknown key %s", quote(q, sizeof(q), key));
	return -1;
}

/* KEY OP VALUE, already trimmed, into why on error. 0 if applied, 1
 * if the key is Syd's and outside memtrace's scope (*klenp: its
 * length), -1 on error. */
static int apply_trimmed(struct policy *p, const char *rule, char *why,
			 size_t whylen, size_t *klenp)
{
	const struct key *k;
	size_t klen = 0;
	char q[QBUF], ops[64], name[QUOTE_MAX + 1];

	if (!rule[0] || rule[0] == '#')
		return 0;
	for (const char *s = rule; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			snprintf(why, whylen, "control character in rule");
			return -1;
		}
	}
	while (is_key_char(rule[klen]))
		klen++;
	*klenp = klen;
	if (klen == 0) {
		snprintf(why, whylen, "expected a key");
		return -1;
	}
	/* The key alone, for the messages below. */
	snprintf(name, sizeof(name), "%.*s", (int)klen, rule);
	if (!strcmp(name, "include") && rule[klen] == ' ') {
		snprintf(why, whylen, "include works in a profile only "
			 "(use -P FILE)");
		return -1;
	}
	if (!rule[klen] || !strchr(":+-^", rule[klen])) {
		snprintf(why, whylen, "expected \":\", \"+\", \"-\" or \"^\" "
			 "after the key %s", quote(q, sizeof(q), name));
		return -1;
	}
	if (!(k = key_find(rule, klen)))
		return foreign_key(rule, klen, why, whylen);
	if (!strchr(k->ops, rule[klen])) {
		snprintf(why, whylen, "key \"%s\" does not take \"%c\" "
			 "(expected %s)", k->name, rule[klen],
			 ops_list(ops, sizeof(ops), k->ops));
		return -1;
	}
	return k->apply(p, k, rule[klen], rule + klen + 1, why, whylen);
}

/* The rule without surrounding blanks into buf (RULE_MAX + 1 bytes);
 * -1 if it is too long. */
static int trim_rule(const char *rule, char *buf)
{
	size_t len;

	while (is_space(*rule))
		rule++;
	len = strlen(rule);
	while (len > 0 && is_space(rule[len - 1]))
		len--;
	if (len > RULE_MAX)
		return -1;
	memcpy(buf, rule, len);
	buf[len] = '\0';
	return 0;
}

/* policy_apply, with the key's length when the key is Syd's. */
static int apply_rule(struct policy *p, const char *rule, const char *origin,
		      char *err, size_t errlen, char *buf, size_t *klen)
{
	char why[WHY_MAX], q[QBUF];
	int r;

	*klen = 0;
	if (trim_rule(rule, buf) < 0) {
		snprintf(why, sizeof(why), "rule longer than %d bytes",
			 RULE_MAX);
	} else {
		if ((r = apply_trimmed(p, buf, why, sizeof(why), klen)) >= 0)
			return r;
		rule = buf;
	}
	if (err && errlen)
		snprintf(err, errlen, "memtrace: %s: %s: %s", origin,
			 quote(q, sizeof(q), rule), why);
	return -1;
}

int policy_apply(struct policy *p, const char *rule, const char *origin,
		 char *err, size_t errlen)
{
	char buf[RULE_MAX + 1], q[QBUF];
	size_t klen;
	int r = apply_rule(p, rule, origin, err, errlen, buf, &klen);

	if (r == 1 && err && errlen)
		snprintf(err, errlen, "memtrace: %s: %s: key \"%.*s\" is "
			 "Syd's, outside memtrace's scope: ignored", origin,
			 quote(q, sizeof(q), buf), (int)klen, buf);
	return r;
}

/* --- profiles --- */

/* Profiles, includes counted, are read up to this many bytes. */
#define PROFILE_MAX (16UL << 20)
/* Includes nest at most this deep. */
#define INCLUDE_DEPTH 8
/* The notice names at most this many of the keys it ignored. */
#define NOTICE_KEYS 8

/* One profile read with -P, with what it includes. */
struct load {
	struct policy *p;
	char *err;
	size_t errlen;
	unsigned long bytes;		/* read so far, all files */
	int depth;
	struct { dev_t dev; ino_t ino; } open[INCLUDE_DEPTH + 1];
	unsigned long ignored;		/* Syd's rules left aside */
	char keys[NOTICE_KEYS][KEY_NAME_MAX + 1];
	int nkeys, more_keys;
};

/* Count a rule left aside, and its key once. */
static void note_ignored(struct load *ld, const char *key, size_t n)
{
	char name[KEY_NAME_MAX + 1];

	ld->ignored++;
	snprintf(name, sizeof(name), "%.*s", (int)n, key);
	for (int i = 0; i < ld->nkeys; i++)
		if (!strcmp(ld->keys[i], name))
			return;
	if (ld->nkeys < NOTICE_KEYS)
		snprintf(ld->keys[ld->nkeys++], KEY_NAME_MAX + 1, "%s", name);
	else
		ld->more_keys = 1;
}

/*
 * Read one line into buf (at most RULE_MAX bytes and a NUL), counting
 * the bytes in ld. Returns 1 for a line, 0 at end of file, -1 if it is
 * too long, -2 if it holds a NUL byte, -3 if the profile is too large:
 * reading stops at once in each case (/dev/zero is read no further).
 */
static int read_line(FILE *f, struct load *ld, char *buf, size_t *len)
{
	int c;

	*len = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (++ld->bytes > PROFILE_MAX)
			return -3;
		if (c == '\0')
			return -2;
		if (*len == RULE_MAX)
			return -1;
		buf[(*len)++] = (char)c;
	}
	if (c == '\n' && ++ld->bytes > PROFILE_MAX)
		return -3;
	buf[*len] = '\0';
	return c == EOF && *len == 0 ? 0 : 1;
}

static int load_file(struct load *ld, const char *path);

/* "include PATH": PATH relative to the including profile's directory. */
static int load_include(struct load *ld, const char *from, const char *arg,
			const char *origin)
{
	const char *slash = strrchr(from, '/');
	char *path;
	int r;

	while (is_space(*arg))
		arg++;
	if (!*arg) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: include: "
			 "expected a path", origin);
		return -1;
	}
	if (ld->depth >= INCLUDE_DEPTH) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: include %s: "
			 "includes nested deeper than %d", origin, arg,
			 INCLUDE_DEPTH);
		return -1;
	}
	if (arg[0] == '/' || !slash)
		path = strdup(arg);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - from), from,
			  arg) < 0)
		path = NULL;
	if (!path) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: out of memory",
			 origin);
		return -1;
	}
	r = load_file(ld, path);
	free(path);
	return r;
}

/* One line of a profile: a rule, or an include. */
static int load_line(struct load *ld, const char *path, char *line,
		     const char *origin)
{
	char buf[RULE_MAX + 1];
	size_t klen;
	int r;

	while (is_space(*line))
		line++;
	if (!strncmp(line, "include", 7) && is_space(line[7]))
		return load_include(ld, path, line + 8, origin);
	r = apply_rule(ld->p, line, origin, ld->err, ld->errlen, buf, &klen);
	if (r == 1)
		note_ignored(ld, buf, klen);
	return r < 0 ? -1 : 0;
}

/* Whether the file is one of those being read (an include loop). */
static int include_loop(struct load *ld, FILE *f, const char *path)
{
	struct stat st;

	if (fstat(fileno(f), &st) < 0) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: %s", path,
			 strerror(errno));
		return -1;
	}
	for (int i = 0; i < ld->depth; i++) {
		if (ld->open[i].dev == st.st_dev &&
		    ld->open[i].ino == st.st_ino) {
			snprintf(ld->err, ld->errlen, "memtrace: %s: include "
				 "loop (the file includes itself)", path);
			return -1;
		}
	}
	if (S_ISREG(st.st_mode) && (unsigned long)st.st_size > PROFILE_MAX) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: profile larger "
			 "than %lu bytes", path, PROFILE_MAX);
		return -1;
	}
	ld->open[ld->depth].dev = st.st_dev;
	ld->open[ld->depth].ino = st.st_ino;
	return 0;
}

#define STR_(x) #x
#define STR(x) STR_(x)
static const char *const read_errors[] = {
	[1] = "line longer than " STR(RULE_MAX) " bytes",
	[2] = "NUL byte in line",
	[3] = "profile larger than 16 MiB (includes counted)",
};

static int load_lines(struct load *ld, FILE *f, const char *path, char *buf)
{
	char origin[4096];
	unsigned long lineno = 0;
	size_t len;
	int r, ret = 0;

	while (ret == 0 && (r = read_line(f, ld, buf, &len)) != 0) {
		lineno++;
		snprintf(origin, sizeof(origin), "%s:%lu", path, lineno);
		if (r < 0) {
			snprintf(ld->err, ld->errlen, "memtrace: %s: %s",
				 origin, read_errors[-r]);
			ret = -1;
		} else {
			ret = load_line(ld, path, buf, origin);
		}
	}
	if (ret == 0 && ferror(f)) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: %s", path,
			 strerror(errno));
		ret = -1;
	}
	return ret;
}

static int load_file(struct load *ld, const char *path)
{
	char *buf;
	FILE *f;
	int ret;

	if (!(f = fopen(path, "re"))) {
		snprintf(ld->err, ld->errlen, "memtrace: %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (include_loop(ld, f, path) < 0) {
		fclose(f);
		return -1;
	}
	if (!(buf = malloc(RULE_MAX + 1))) {
		fclose(f);
		snprintf(ld->err, ld->errlen, "memtrace: %s: out of memory",
			 path);
		return -1;
	}
	ld->depth++;
	ret = load_lines(ld, f, path, buf);
	ld->depth--;
	free(buf);
	fclose(f);
	return ret;
}

/* "N rules outside memtrace's scope ignored (keys ...)". */
static void load_notice(const struct load *ld, const char *path,
			char *notice, size_t len)
{
	size_t o;

	if (!notice || !len)
		return;
	notice[0] = '\0';
	if (!ld->ignored)
		return;
	o = (size_t)snprintf(notice, len, "memtrace: %s: %lu rule%s of "
			     "Syd's outside memtrace's scope ignored (keys:",
			     path, ld->ignored, ld->ignored == 1 ? "" : "s");
	for (int i = 0; i < ld->nkeys && o < len; i++)
		o += (size_t)snprintf(notice + o, len - o, "%s %s",
				      i ? "," : "", ld->keys[i]);
	if (o < len)
		snprintf(notice + o, len - o, "%s)",
			 ld->more_keys ? ", ..." : "");
}

int policy_load_profile(struct policy *p, const char *path, char *notice,
			size_t noticelen, char *err, size_t errlen)
{
	struct load ld = { .p = p, .err = err, .errlen = errlen };
	int r = load_file(&ld, path);

	if (r == 0)
		load_notice(&ld, path, notice, noticelen);
	return r;
}

int policy_load_file(struct policy *p, const char *path, char *err,
		     size_t errlen)
{
	return policy_load_profile(p, path, NULL, 0, err, errlen);
}

void policy_dump(const struct policy *p, FILE *out)
{
	struct policy dflt;

	policy_init(&dflt);
	fprintf(out, "# memtrace policy: the settings that differ from the "
		"default\n");
	for (size_t i = 0; i < nkeys; i++)
		keys[i].dump(p, &dflt, &keys[i], out);
}

/* Each dump_fn prints every setting when given no default. */
void policy_dump_all(const struct policy *p, FILE *out)
{
	fprintf(out, "# memtrace policy: every setting, defaults included\n");
	for (size_t i = 0; i < nkeys; i++)
		keys[i].dump(p, NULL, &keys[i], out);
}

static bool globs_equal(const struct glob_list *a, const struct glob_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].act != b->v[i].act ||
		    strcmp(a->v[i].pattern, b->v[i].pattern))
			return false;
	return true;
}

static bool forces_equal(const struct force_list *a,
			 const struct force_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct force_rule *x = &a->v[i], *y = &b->v[i];

		if (x->alg != y->alg || x->act != y->act ||
		    strcmp(x->path, y->path) || strcmp(x->hex, y->hex))
			return false;
	}
	return true;
}

bool policy_equal(const struct policy *a, const struct policy *b)
{
	return !memcmp(a->deflt, b->deflt, sizeof(a->deflt)) &&
	       a->allow_unsafe_exec_memory == b->allow_unsafe_exec_memory &&
	       a->allow_unsafe_exec_stack == b->allow_unsafe_exec_stack &&
	       a->allow_unsafe_ptrace == b->allow_unsafe_ptrace &&
	       a->sandbox_mem == b->sandbox_mem &&
	       a->sandbox_exec == b->sandbox_exec &&
	       a->sandbox_tpe == b->sandbox_tpe &&
	       a->sandbox_force == b->sandbox_force &&
	       a->mem_max == b->mem_max && a->mem_vm_max == b->mem_vm_max &&
	       globs_equal(&a->append, &b->append) &&
	       globs_equal(&a->exec, &b->exec) &&
	       a->tpe_gid_set == b->tpe_gid_set &&
	       (!a->tpe_gid_set || a->tpe_gid == b->tpe_gid) &&
	       a->tpe_negate == b->tpe_negate &&
	       a->tpe_root_owned == b->tpe_root_owned &&
	       a->tpe_user_owned == b->tpe_user_owned &&
	       forces_equal(&a->force, &b->force);
}

/* --- lookups --- */

/* The last entry of l matching path, its pattern in *rule; NULL (and
 * *rule NULL) if none. */
static bool entry_matches(const void *list, size_t i, const char *path)
{
	return glob_exec(((const struct glob_list *)list)->v[i].prog, path);
}

static const struct glob_rule *list_match(const struct glob_list *l,
					  const char *path, const char **rule)
{
	const struct glob_rule *r = NULL;
	long i;

	if (l->idx) {
		i = rule_index_last_match(l->idx, path, entry_matches, l);
		r = i >= 0 ? &l->v[i] : NULL;
	} else {
		for (size_t j = l->n; j-- > 0 && !r;)
			if (glob_exec(l->v[j].prog, path))
				r = &l->v[j];
	}
	if (rule)
		*rule = r ? r->pattern : NULL;
	return r;
}

enum action policy_exec_match(const struct policy *p, const char *path,
			      const char **rule)
{
	const struct glob_rule *r = list_match(&p->exec, path, rule);

	return r ? r->act : ACT__N;
}

bool policy_append_match(const struct policy *p, const char *path,
			 const char **rule)
{
	return list_match(&p->append, path, rule) != NULL;
}

int policy_force_tip_alg(const struct policy *p)
{
	return p->force.n ? p->force.v[p->force.n - 1].alg : HASH_SHA256;
}

const struct force_rule *policy_force_find(const struct policy *p,
					   const char *path)
{
	for (size_t i = p->force.n; i-- > 0;)
		if (!strcmp(p->force.v[i].path, path))
			return &p->force.v[i];
	return NULL;
}
