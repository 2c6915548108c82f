/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for checks/glob.c. */
#include <string.h>

#include "checks/glob.h"
#include "testsuite/unit/unit.h"

struct match_case {
	const char *pattern, *path;
	bool want;
};

/* Every case that disagrees is named in the failure. */
static int run_cases(const struct match_case *c, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		if (glob_match(c[i].pattern, c[i].path) != c[i].want) {
			printf("# %s vs %s: expected %s\n", c[i].pattern,
			       c[i].path, c[i].want ? "match" : "no match");
			bad++;
		}
	}
	return bad;
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static const struct match_case literal[] = {
	{ "/usr/lib/libc.so.6", "/usr/lib/libc.so.6", true },
	{ "/usr/lib/libc.so.6", "/usr/lib/libc.so.7", false },
	{ "/usr/lib", "/usr/lib/", false },
	{ "/usr/lib/", "/usr/lib", false },
	{ "/a", "/ab", false },
	{ "/ab", "/a", false },
	{ "/", "/", true },
	{ "/", "", false },
};

static const struct match_case star[] = {
	{ "/usr/lib/*.so", "/usr/lib/libx.so", true },
	{ "/usr/lib/*.so", "/usr/lib/.so", true },
	{ "/usr/lib/*.so", "/usr/lib/a/b.so", false },
	{ "/usr/lib/*", "/usr/lib/", true },
	{ "/usr/lib/*", "/usr/lib", false },
	{ "/usr/*/x", "/usr/lib/x", true },
	{ "/usr/*/x", "/usr/lib/a/x", false },
	{ "/*", "/etc", true },
	{ "/*", "/etc/passwd", false },
	{ "/a*b*c", "/aXbYc", true },
	{ "/a*b*c", "/abc", true },
	{ "/a*b*c", "/aXbY/c", false },
	{ "/lib*.so*", "/libc.so.6", true },
};

static const struct match_case question[] = {
	{ "/lib?.so", "/libc.so", true },
	{ "/lib?.so", "/lib.so", false },
	{ "/lib?.so", "/libcc.so", false },
	{ "/a?b", "/a/b", false },
	{ "/??", "/ab", true },
};

static const struct match_case klass[] = {
	{ "/lib[abc].so", "/libb.so", true },
	{ "/lib[abc].so", "/libd.so", false },
	{ "/lib[a-c].so", "/libc.so", true },
	{ "/lib[a-c].so", "/libd.so", false },
	{ "/lib[!a-c].so", "/libd.so", true },
	{ "/lib[!a-c].so", "/liba.so", false },
	{ "/lib[^a-c].so", "/libz.so", true },
	{ "/lib[^a-c].so", "/libb.so", false },
	{ "/a[!x]b", "/a/b", false },
	{ "/a[/]b", "/a/b", false },
	{ "/a[]]b", "/a]b", true },
	{ "/a[!]]b", "/a]b", false },
	{ "/a[!]]b", "/axb", true },
	{ "/a[-x]b", "/a-b", true },
	{ "/a[x-]b", "/a-b", true },
	{ "/a[\\]]b", "/a]b", true },
	{ "/a[0-9][0-9]", "/a42", true },
	{ "/a[0-9][0-9]", "/a4x", false },
};

static const struct match_case dstar[] = {
	{ "/usr/**", "/usr/lib/x.so", true },
	{ "/usr/**", "/usr/", true },
	{ "/usr/**", "/usr", false },
	{ "/usr/**", "/usrx/lib", false },
	{ "/usr/lib/**/*.so", "/usr/lib/a/b/c.so", true },
	{ "/usr/lib/**/*.so", "/usr/lib/a/c.so", true },
	{ "/usr/lib/**/*.so", "/usr/lib/c.so", true },
	{ "/usr/lib/**/*.so", "/usr/lib/a/c.so.6", false },
	{ "/usr/lib/**/*.so", "/usr/libc.so", false },
	{ "/**", "/anything/at/all", true },
	{ "/a**b", "/a/x/y/b", true },
	{ "/a**b", "/ab", true },
	{ "/**/x", "/x", true },
	{ "/**/x", "/a/b/x", true },
	{ "/**/x", "/a/b/y", false },
};

static const struct match_case tstar[] = {
	{ "/usr/***", "/usr", true },
	{ "/usr/***", "/usr/", true },
	{ "/usr/***", "/usr/lib/x", true },
	{ "/usr/***", "/usrx", false },
	{ "/usr/***", "/us", false },
	{ "/usr/***", "/", false },
	{ "/usr/l*/***", "/usr/lib", true },
	{ "/usr/l*/***", "/usr/lib/a/b", true },
	{ "/usr/l*/***", "/usr/x/lib", false },
	/* Not trailing: the same as two stars. */
	{ "/a/***/b", "/a/x/y/b", true },
	{ "/a/***/b", "/a/b", true },
	/* Not after a slash: the same as two stars. */
	{ "/usr***", "/usr", true },
	{ "/usr***", "/usrlib/x", true },
};

static const struct match_case escape[] = {
	{ "/a\\*b", "/a*b", true },
	{ "/a\\*b", "/axb", false },
	{ "/a\\?b", "/a?b", true },
	{ "/a\\?b", "/axb", false },
	{ "/a\\[b]", "/a[b]", true },
	{ "/a\\[b]", "/ab", false },
	{ "/a\\\\b", "/a\\b", true },
	{ "/a\\xb", "/axb", true },
	{ "/usr/\\***", "/usr/*", true },
	{ "/usr/\\***", "/usr/*x/y", true },
	{ "/usr/\\***", "/usr", false },
};

int main(void)
{
	char err[128];

	UNIT_CASE("glob/literal") { EXPECT(RUN(literal) == 0); }
	UNIT_CASE("glob/star") { EXPECT(RUN(star) == 0); }
	UNIT_CASE("glob/question") { EXPECT(RUN(question) == 0); }
	UNIT_CASE("glob/class") { EXPECT(RUN(klass) == 0); }
	UNIT_CASE("glob/doublestar") { EXPECT(RUN(dstar) == 0); }
	UNIT_CASE("glob/triplestar") { EXPECT(RUN(tstar) == 0); }
	UNIT_CASE("glob/escape") { EXPECT(RUN(escape) == 0); }

	UNIT_CASE("glob/check/good") {
		EXPECT(glob_check("/usr/lib/**/*.so", err, sizeof(err)) == 0);
		EXPECT(glob_check("/a[!a-z]\\*", err, sizeof(err)) == 0);
		EXPECT(glob_check("/usr/***", err, sizeof(err)) == 0);
		EXPECT(glob_check("/a[]]", err, sizeof(err)) == 0);
	}
	UNIT_CASE("glob/check/empty") {
		EXPECT(glob_check("", err, sizeof(err)) < 0);
		EXPECT_STR(err, "empty pattern");
	}
	UNIT_CASE("glob/check/unterminated") {
		EXPECT(glob_check("/a[bc", err, sizeof(err)) < 0);
		EXPECT_STR(err, "unterminated \"[\" at offset 2");
		EXPECT(glob_check("/a[", err, sizeof(err)) < 0);
		EXPECT(glob_check("/a[]", err, sizeof(err)) < 0);
		EXPECT(glob_check("/a[!]", err, sizeof(err)) < 0);
		EXPECT(glob_check("/a[b\\", err, sizeof(err)) < 0);
	}
	UNIT_CASE("glob/check/backslash") {
		EXPECT(glob_check("/a\\", err, sizeof(err)) < 0);
		EXPECT_STR(err, "trailing backslash at offset 2");
	}
	UNIT_CASE("glob/check/range") {
		EXPECT(glob_check("/a[z-a]", err, sizeof(err)) < 0);
		EXPECT(strstr(err, "reversed range") != NULL);
	}
	UNIT_CASE("glob/check/null-err") {
		EXPECT(glob_check("/a[", NULL, 0) < 0);
	}
	UNIT_CASE("glob/malformed-matches-nothing") {
		EXPECT(!glob_match("/a[", "/a["));
		EXPECT(!glob_match("/a\\", "/a\\"));
		EXPECT(!glob_match("", ""));
	}

	UNIT_CASE("glob/long-pattern") {
		/* Longer than the on-stack limit: the heap path. */
		char pat[2048], path[2048];

		memset(pat, 'a', sizeof(pat) - 1);
		pat[0] = '/';
		pat[sizeof(pat) - 2] = '*';
		pat[sizeof(pat) - 1] = '\0';
		memcpy(path, pat, sizeof(path));
		path[sizeof(path) - 2] = 'z';
		EXPECT(glob_match(pat, path));
		path[sizeof(path) - 3] = 'b';
		EXPECT(!glob_match(pat, path));
	}
	UNIT_CASE("glob/many-classes") {
		char pat[4096], path[1024];
		size_t o = 0;

		pat[o++] = '/';
		path[0] = '/';
		for (int i = 1; i < 600; i++) {
			memcpy(pat + o, "[a-c]", 5);
			o += 5;
			path[i] = 'b';
		}
		pat[o] = '\0';
		path[600] = '\0';
		EXPECT(glob_match(pat, path));
		path[300] = 'd';
		EXPECT(!glob_match(pat, path));
	}

	UNIT_CASE("glob/pathological") {
		/* Exponential for a naive backtracker; linear here. */
		static char path[8192], pat[512];
		size_t o = 0;

		path[0] = '/';
		memset(path + 1, 'a', sizeof(path) - 2);
		pat[o++] = '/';
		for (int i = 0; i < 40; i++) {
			memcpy(pat + o, "**a", 3);
			o += 3;
		}
		memcpy(pat + o, "**b", 4);
		EXPECT(!glob_match(pat, path));
		path[sizeof(path) - 2] = 'b';
		EXPECT(glob_match(pat, path));
		memset(pat, 0, sizeof(pat));
		o = 0;
		pat[o++] = '/';
		for (int i = 0; i < 40; i++) {
			memcpy(pat + o, "*a", 2);
			o += 2;
		}
		pat[o] = 'c';
		EXPECT(!glob_match(pat, path));
	}
	UNIT_CASE("glob/compiled-once") {
		struct glob *g = glob_compile("/usr/lib/**/lib*.so", err,
					      sizeof(err));

		EXPECT(g != NULL);
		for (int i = 0; i < 3; i++) {
			EXPECT(glob_exec(g, "/usr/lib/libc.so"));
			EXPECT(glob_exec(g, "/usr/lib/a/b/libm.so"));
			EXPECT(!glob_exec(g, "/usr/lib/a/b/m.so"));
			EXPECT(!glob_exec(g, "/usr/bin/libc.so"));
		}
		glob_free(g);
		EXPECT(glob_compile("/a[", err, sizeof(err)) == NULL);
		EXPECT(strstr(err, "unterminated"));
		EXPECT(!glob_exec(NULL, "/a"));
	}
	UNIT_CASE("glob/literal-prefix") {
		static const struct {
			const char *pat, *prefix;
			bool literal;
		} v[] = {
			{ "/usr/lib/*.so", "/usr/lib/", false },
			{ "/usr/***", "/usr", false },
			{ "/***", "", false },
			{ "/usr/lib/libc.so.6", "/usr/lib/libc.so.6", true },
			{ "/a\\*b/c", "/a*b/c", true },
			{ "/a[bc]/d", "/a", false },
			{ "/usr/l?b", "/usr/l", false },
			{ "/usr/**/x", "/usr/", false },
		};
		char buf[64];

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			glob_literal_prefix(v[i].pat, buf, sizeof(buf));
			EXPECT_STR(buf, v[i].prefix);
			EXPECT(glob_is_literal(v[i].pat) == v[i].literal);
		}
	}
	UNIT_DONE();
}
