/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for checks/policy.c: every key, operator and rejection. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/force.h"
#include "checks/glob.h"
#include "checks/policy.h"
#include "testsuite/unit/unit.h"

static char err[1024];

#define SHA256_A "0123456789abcdef0123456789abcdef" \
		 "0123456789abcdef0123456789abcdef"
#define MD5_A "0123456789abcdef0123456789abcdef"
#define CRC32_A "deadbeef"

static int apply(struct policy *p, const char *rule)
{
	err[0] = '\0';
	return policy_apply(p, rule, "-m argument", err, sizeof(err));
}

/* Applies to a fresh policy and expects a failure mentioning want. */
static int rejects(const char *rule, const char *want)
{
	struct policy p;
	int ok;

	policy_init(&p);
	ok = apply(&p, rule) == -1 && strstr(err, want) != NULL;
	if (!ok)
		printf("# %s: got \"%s\", wanted \"%s\"\n", rule, err, want);
	policy_free(&p);
	return ok;
}

/* Writes text to a temporary profile; the caller unlinks it. */
static char *profile(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/memtrace-unit-XXXXXX");
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w")))
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

/* Dump a, read the dump back into a fresh policy, compare. */
static int round_trips_by(const struct policy *a,
			  void (*dump)(const struct policy *, FILE *))
{
	struct policy b;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ok = 1;

	if (!f)
		return 0;
	dump(a, f);
	fclose(f);
	policy_init(&b);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (apply(&b, line) < 0) {
			printf("# dump line \"%s\": %s\n", line, err);
			ok = 0;
		}
	}
	if (!policy_equal(a, &b)) {
		printf("# dump does not read back:\n%s", text);
		ok = 0;
	}
	policy_free(&b);
	free(text);
	return ok;
}

/* Both dumps: the settings that differ, and every setting. */
static int round_trips(const struct policy *a)
{
	return round_trips_by(a, policy_dump) &&
	       round_trips_by(a, policy_dump_all);
}

static void test_names(void)
{
	enum action a;

	UNIT_CASE("policy/action/names") {
		for (int i = 0; i < ACT__N; i++) {
			EXPECT(action_parse(action_name((enum action)i),
					    &a) == 0);
			EXPECT(a == (enum action)i);
		}
		EXPECT_STR(action_name(ACT_FILTER), "filter");
		EXPECT_STR(action_name(ACT__N), "?");
		EXPECT(action_parse("3", &a) == -1);
		EXPECT(action_parse("Deny", &a) == -1);
		EXPECT(action_parse("", &a) == -1);
	}
	UNIT_CASE("policy/category/names") {
		static const char *const want[CAT__N] = {
			"wx", "fd", "append", "mremap", "stack", "exec",
			"tpe", "force", "mem", "bypass",
		};

		for (int i = 0; i < CAT__N; i++)
			EXPECT_STR(category_name((enum category)i), want[i]);
		EXPECT_STR(category_name(CAT__N), "?");
	}
}

static void test_scalars(void)
{
	bool b;
	uint64_t n;

	UNIT_CASE("policy/parse_bool") {
		const char *yes[] = { "1", "true", "on" };
		const char *no[] = { "0", "false", "off" };

		for (int i = 0; i < 3; i++) {
			b = false;
			EXPECT(parse_bool(yes[i], &b) == 0 && b);
			b = true;
			EXPECT(parse_bool(no[i], &b) == 0 && !b);
		}
		EXPECT(parse_bool("yes", &b) == -1);
		EXPECT(parse_bool("", &b) == -1);
		EXPECT(parse_bool("2", &b) == -1);
		EXPECT(parse_bool("on ", &b) == -1);
	}
	UNIT_CASE("policy/parse_size") {
		EXPECT(parse_size("0", &n) == 0 && n == 0);
		EXPECT(parse_size("4096", &n) == 0 && n == 4096);
		EXPECT(parse_size("1k", &n) == 0 && n == 1024);
		EXPECT(parse_size("1K", &n) == 0 && n == 1024);
		EXPECT(parse_size("1KB", &n) == 0 && n == 1024);
		EXPECT(parse_size("1KiB", &n) == 0 && n == 1024);
		EXPECT(parse_size("64M", &n) == 0 && n == 64ULL << 20);
		EXPECT(parse_size("64MiB", &n) == 0 && n == 64ULL << 20);
		EXPECT(parse_size("3g", &n) == 0 && n == 3ULL << 30);
		EXPECT(parse_size("2T", &n) == 0 && n == 2ULL << 40);
		EXPECT(parse_size("512B", &n) == 0 && n == 512);
		EXPECT(parse_size("18446744073709551615", &n) == 0 &&
		       n == UINT64_MAX);
		EXPECT(parse_size("16777215T", &n) == 0 &&
		       n == 16777215ULL << 40);
	}
	UNIT_CASE("policy/parse_size/rejects") {
		const char *bad[] = {
			"", "K", "12Q", "1.5M", "-1", "+1", " 1", "1 ", "0x10",
			"1Mi", "1MBB", "1iB", "1KM",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			errno = 0;
			EXPECT(parse_size(bad[i], &n) == -1 && errno == EINVAL);
		}
	}
	UNIT_CASE("policy/parse_size/overflow") {
		errno = 0;
		EXPECT(parse_size("18446744073709551616", &n) == -1);
		EXPECT(errno == ERANGE);
		EXPECT(parse_size("16777216T", &n) == -1);
		EXPECT(parse_size("99999999999999999999999K", &n) == -1);
	}
}

static void test_bool_keys(void)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "trace/allow_unsafe_exec_memory",
		  offsetof(struct policy, allow_unsafe_exec_memory) },
		{ "trace/allow_unsafe_exec_stack",
		  offsetof(struct policy, allow_unsafe_exec_stack) },
		{ "trace/allow_unsafe_ptrace",
		  offsetof(struct policy, allow_unsafe_ptrace) },
		{ "sandbox/mem", offsetof(struct policy, sandbox_mem) },
		{ "sandbox/exec", offsetof(struct policy, sandbox_exec) },
		{ "sandbox/tpe", offsetof(struct policy, sandbox_tpe) },
		{ "sandbox/force", offsetof(struct policy, sandbox_force) },
		{ "tpe/negate", offsetof(struct policy, tpe_negate) },
		{ "tpe/root_owned", offsetof(struct policy, tpe_root_owned) },
		{ "tpe/user_owned", offsetof(struct policy, tpe_user_owned) },
	};
	struct policy p;
	char rule[128];

	UNIT_CASE("policy/key/booleans") {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			bool *v;

			policy_init(&p);
			v = (bool *)((char *)&p + keys[i].off);
			EXPECT(!*v);
			snprintf(rule, sizeof(rule), "%s:on", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && *v);
			snprintf(rule, sizeof(rule), "%s:0", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && !*v);
			snprintf(rule, sizeof(rule), "%s:true", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && *v);
			snprintf(rule, sizeof(rule), "%s:off", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && !*v);
			snprintf(rule, sizeof(rule), "%s:1", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && *v);
			snprintf(rule, sizeof(rule), "%s:false", keys[i].key);
			EXPECT(apply(&p, rule) == 0 && !*v);
			snprintf(rule, sizeof(rule), "%s+on", keys[i].key);
			EXPECT(apply(&p, rule) == -1);
			policy_free(&p);
		}
	}
	UNIT_CASE("policy/key/bad-bool") {
		EXPECT(rejects("sandbox/mem:yes", "bad boolean \"yes\" "
			       "(expected 1, 0, true, false, on or off)"));
		EXPECT(rejects("sandbox/exec:", "bad boolean \"\""));
	}
}

static void test_size_keys(void)
{
	struct policy p;

	UNIT_CASE("policy/key/mem") {
		policy_init(&p);
		EXPECT(p.mem_max == 0 && p.mem_vm_max == 0);
		EXPECT(apply(&p, "mem/max:64M") == 0);
		EXPECT(p.mem_max == 64ULL << 20);
		EXPECT(apply(&p, "mem/vm_max:4G") == 0);
		EXPECT(p.mem_vm_max == 4ULL << 30);
		EXPECT(apply(&p, "mem/max:0") == 0 && p.mem_max == 0);
		EXPECT(apply(&p, "mem/vm_max:123456") == 0);
		EXPECT(p.mem_vm_max == 123456);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/bad-size") {
		EXPECT(rejects("mem/max:12Q", "bad size \"12Q\" (expected "
			       "bytes or a number with K, M, G or T)"));
		EXPECT(rejects("mem/vm_max:", "bad size"));
		EXPECT(rejects("mem/max+1", "does not take \"+\""));
	}
	UNIT_CASE("policy/key/size-overflow") {
		EXPECT(rejects("mem/max:18446744073709551616", "too large"));
		EXPECT(rejects("mem/vm_max:16777216T", "too large"));
	}
}

static void test_defaults(void)
{
	struct policy p;
	char rule[64];

	UNIT_CASE("policy/init") {
		policy_init(&p);
		for (int c = 0; c < CAT__N; c++)
			EXPECT(p.deflt[c] == ACT_DENY);
		EXPECT(!p.allow_unsafe_exec_memory);
		EXPECT(!p.allow_unsafe_exec_stack);
		EXPECT(!p.sandbox_mem && !p.sandbox_exec);
		EXPECT(!p.sandbox_tpe && !p.sandbox_force);
		EXPECT(p.append.n == 0 && p.exec.n == 0 && p.force.n == 0);
		EXPECT(!p.tpe_gid_set);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/default") {
		policy_init(&p);
		for (int c = 0; c < CAT__N; c++) {
			for (int a = 0; a < ACT__N; a++) {
				snprintf(rule, sizeof(rule), "default/%s:%s",
					 category_name((enum category)c),
					 action_name((enum action)a));
				EXPECT(apply(&p, rule) == 0);
				EXPECT(p.deflt[c] == (enum action)a);
			}
		}
		policy_free(&p);
	}
	UNIT_CASE("policy/key/default/only-its-category") {
		policy_init(&p);
		EXPECT(apply(&p, "default/force:warn") == 0);
		for (int c = 0; c < CAT__N; c++)
			EXPECT(p.deflt[c] == (c == CAT_FORCE ? ACT_WARN
							       : ACT_DENY));
		policy_free(&p);
	}
	UNIT_CASE("policy/key/bad-action") {
		EXPECT(rejects("default/wx:nope", "unknown action \"nope\" "
			       "(expected allow, warn, filter, deny, panic, "
			       "stop, abort, kill or exit)"));
		EXPECT(rejects("default/wx:3", "unknown action \"3\""));
		EXPECT(rejects("default/wx:DENY", "unknown action"));
		EXPECT(rejects("default/nosuch:deny", "unknown key"));
		EXPECT(rejects("default/wx+deny", "does not take \"+\" "
			       "(expected \":\")"));
	}
}

static void test_glob_keys(void)
{
	struct policy p;
	const char *rule;

	UNIT_CASE("policy/key/append") {
		policy_init(&p);
		EXPECT(apply(&p, "append+/var/log/**") == 0);
		EXPECT(apply(&p, "append+/tmp/*.log") == 0);
		EXPECT(apply(&p, "append+/var/log/**") == 0);
		EXPECT(p.append.n == 3);
		EXPECT(policy_append_match(&p, "/var/log/x/y", &rule));
		EXPECT_STR(rule, "/var/log/**");
		EXPECT(policy_append_match(&p, "/tmp/a.log", &rule));
		EXPECT_STR(rule, "/tmp/*.log");
		EXPECT(!policy_append_match(&p, "/tmp/a/b.log", &rule));
		EXPECT(rule == NULL);
		/* - removes the last entry with that pattern only. */
		EXPECT(apply(&p, "append-/var/log/**") == 0);
		EXPECT(p.append.n == 2);
		EXPECT_STR(p.append.v[0].pattern, "/var/log/**");
		EXPECT_STR(p.append.v[1].pattern, "/tmp/*.log");
		EXPECT(apply(&p, "append-/no/such") == 0);
		EXPECT(p.append.n == 2);
		EXPECT(apply(&p, "append+/var/log/**") == 0);
		EXPECT(apply(&p, "append^/var/log/**") == 0);
		EXPECT(p.append.n == 1);
		EXPECT_STR(p.append.v[0].pattern, "/tmp/*.log");
		EXPECT(apply(&p, "append^") == 0);
		EXPECT(p.append.n == 0);
		EXPECT(!policy_append_match(&p, "/tmp/a.log", NULL));
		EXPECT(apply(&p, "append:/x") == -1);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/exec") {
		policy_init(&p);
		EXPECT(policy_exec_match(&p, "/usr/bin/ls", &rule) == ACT__N);
		EXPECT(rule == NULL);
		EXPECT(apply(&p, "allow/exec+/usr/***") == 0);
		EXPECT(apply(&p, "deny/exec+/usr/bin/*") == 0);
		EXPECT(apply(&p, "allow/exec+/usr/bin/ls") == 0);
		EXPECT(p.exec.n == 3);
		EXPECT(p.exec.v[1].act == ACT_DENY);
		/* The last match wins, across allow and deny. */
		EXPECT(policy_exec_match(&p, "/usr/bin/ls", &rule) ==
		       ACT_ALLOW);
		EXPECT_STR(rule, "/usr/bin/ls");
		EXPECT(policy_exec_match(&p, "/usr/bin/cat", &rule) ==
		       ACT_DENY);
		EXPECT_STR(rule, "/usr/bin/*");
		EXPECT(policy_exec_match(&p, "/usr", &rule) == ACT_ALLOW);
		EXPECT_STR(rule, "/usr/***");
		EXPECT(policy_exec_match(&p, "/opt/x", &rule) == ACT__N);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/exec/remove") {
		policy_init(&p);
		EXPECT(apply(&p, "allow/exec+/a/*") == 0);
		EXPECT(apply(&p, "deny/exec+/a/*") == 0);
		EXPECT(apply(&p, "allow/exec+/a/*") == 0);
		EXPECT(apply(&p, "deny/exec+/b") == 0);
		/* allow/exec- leaves deny entries alone. */
		EXPECT(apply(&p, "allow/exec-/a/*") == 0);
		EXPECT(p.exec.n == 3);
		EXPECT(p.exec.v[0].act == ACT_ALLOW);
		EXPECT(p.exec.v[1].act == ACT_DENY);
		EXPECT(policy_exec_match(&p, "/a/x", NULL) == ACT_DENY);
		EXPECT(apply(&p, "deny/exec-/a/*") == 0);
		EXPECT(policy_exec_match(&p, "/a/x", NULL) == ACT_ALLOW);
		EXPECT(apply(&p, "allow/exec+/a/*") == 0);
		EXPECT(apply(&p, "allow/exec^/a/*") == 0);
		EXPECT(p.exec.n == 1);
		EXPECT(p.exec.v[0].act == ACT_DENY);
		EXPECT(apply(&p, "allow/exec+/c") == 0);
		EXPECT(apply(&p, "deny/exec^") == 0);
		EXPECT(p.exec.n == 1);
		EXPECT_STR(p.exec.v[0].pattern, "/c");
		EXPECT(apply(&p, "allow/exec^") == 0);
		EXPECT(p.exec.n == 0);
		EXPECT(apply(&p, "allow/exec-") == -1);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/bad-glob") {
		EXPECT(rejects("allow/exec+/usr/[lib", "bad glob "
			       "\"/usr/[lib\": unterminated \"[\""));
		EXPECT(rejects("append+/x\\", "trailing backslash"));
		EXPECT(rejects("deny/exec+/a[z-a]", "reversed range"));
		EXPECT(rejects("deny/exec+", "expected a glob pattern"));
	}
	UNIT_CASE("policy/key/relative-glob") {
		EXPECT(rejects("allow/exec+usr/lib/*", "pattern \"usr/lib/*\" "
			       "is not absolute"));
		EXPECT(rejects("append+*.log", "not absolute"));
		EXPECT(rejects("deny/exec+**", "not absolute"));
	}
}

static void test_tpe(void)
{
	struct policy p;

	UNIT_CASE("policy/key/tpe/gid") {
		policy_init(&p);
		EXPECT(apply(&p, "tpe/gid:100") == 0);
		EXPECT(p.tpe_gid_set && p.tpe_gid == 100);
		EXPECT(apply(&p, "tpe/gid:0") == 0);
		EXPECT(p.tpe_gid_set && p.tpe_gid == 0);
		EXPECT(apply(&p, "tpe/gid:4294967294") == 0);
		EXPECT(p.tpe_gid == 4294967294U);
		EXPECT(apply(&p, "tpe/gid:none") == 0);
		EXPECT(!p.tpe_gid_set);
		policy_free(&p);
		EXPECT(rejects("tpe/gid:wheel", "bad group \"wheel\""));
		EXPECT(rejects("tpe/gid:4294967295", "bad group"));
		EXPECT(rejects("tpe/gid:99999999999999999999", "bad group"));
		EXPECT(rejects("tpe/gid:-1", "bad group"));
		EXPECT(rejects("tpe/gid:", "bad group"));
		EXPECT(rejects("tpe/gid+1", "does not take"));
	}
}

static void test_force(void)
{
	struct policy p;
	const struct force_rule *r;

	UNIT_CASE("policy/key/force/inferred") {
		policy_init(&p);
		EXPECT(apply(&p, "force+/bin/ls:" CRC32_A) == 0);
		r = policy_force_find(&p, "/bin/ls");
		EXPECT(r && r->alg == HASH_CRC32 && r->act == ACT__N);
		EXPECT(r && !strcmp(r->hex, CRC32_A));
		EXPECT(apply(&p, "force+/bin/ls:" MD5_A ":warn") == 0);
		r = policy_force_find(&p, "/bin/ls");
		EXPECT(r && r->alg == HASH_MD5 && r->act == ACT_WARN);
		/* 64 hex digits: sha3-256 by Syd's inference. */
		EXPECT(apply(&p, "force+/bin/cat:" SHA256_A) == 0);
		r = policy_force_find(&p, "/bin/cat");
		EXPECT(r && r->alg == HASH_SHA3_256);
		EXPECT(policy_force_find(&p, "/bin/sh") == NULL);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/force/named") {
		policy_init(&p);
		EXPECT(apply(&p, "force+/bin/ls:sha256:" SHA256_A ":kill")
		       == 0);
		r = policy_force_find(&p, "/bin/ls");
		EXPECT(r && r->alg == HASH_SHA256 && r->act == ACT_KILL);
		EXPECT(apply(&p, "force+/bin/x:sha256:" SHA256_A) == 0);
		r = policy_force_find(&p, "/bin/x");
		EXPECT(r && r->alg == HASH_SHA256 && r->act == ACT__N);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/force/lowercase") {
		policy_init(&p);
		EXPECT(apply(&p, "force+/bin/ls:DEADBEEF") == 0);
		r = policy_force_find(&p, "/bin/ls");
		EXPECT(r && !strcmp(r->hex, "deadbeef"));
		policy_free(&p);
	}
	UNIT_CASE("policy/key/force/colon-in-path") {
		policy_init(&p);
		EXPECT(apply(&p, "force+/a:b/c:" CRC32_A ":deny") == 0);
		r = policy_force_find(&p, "/a:b/c");
		EXPECT(r && r->act == ACT_DENY && r->alg == HASH_CRC32);
		EXPECT(apply(&p, "force+/d:e:md5:" MD5_A) == 0);
		r = policy_force_find(&p, "/d:e");
		EXPECT(r && r->alg == HASH_MD5);
		EXPECT(round_trips(&p));
		policy_free(&p);
	}
	UNIT_CASE("policy/key/force/remove") {
		policy_init(&p);
		EXPECT(apply(&p, "force+/a:" CRC32_A) == 0);
		EXPECT(apply(&p, "force+/a:" MD5_A) == 0);
		EXPECT(apply(&p, "force+/b:" CRC32_A) == 0);
		EXPECT(apply(&p, "force-/a") == 0);
		r = policy_force_find(&p, "/a");
		EXPECT(r && r->alg == HASH_CRC32);
		EXPECT(apply(&p, "force+/a:" MD5_A) == 0);
		EXPECT(apply(&p, "force^/a") == 0);
		EXPECT(policy_force_find(&p, "/a") == NULL);
		EXPECT(policy_force_find(&p, "/b") != NULL);
		EXPECT(apply(&p, "force^") == 0);
		EXPECT(p.force.n == 0);
		EXPECT(apply(&p, "force-") == -1);
		EXPECT(apply(&p, "force:/a:" CRC32_A) == -1);
		policy_free(&p);
	}
	UNIT_CASE("policy/key/force/rejects") {
		EXPECT(rejects("force+/bin/ls:xyzxyzxy", "bad digest "
			       "\"xyzxyzxy\" (expected hex digits)"));
		EXPECT(rejects("force+/bin/ls:deadbee", "cannot tell the "
			       "algorithm from 7 hex digits"));
		EXPECT(rejects("force+/bin/ls:sha256:" MD5_A, "sha256 digest "
			       "has 32 hex digits (expected 64)"));
		EXPECT(rejects("force+/bin/ls:sha999:" MD5_A, "unknown "
			       "algorithm \"sha999\" (expected crc32, crc64"));
		EXPECT(rejects("force+bin/ls:" CRC32_A, "not absolute"));
		EXPECT(rejects("force+:" CRC32_A, "not absolute"));
		EXPECT(rejects("force+/bin/ls", "expected PATH:[ALG:]HEX"));
		EXPECT(rejects("force+/bin/ls:" CRC32_A ":nope", "unknown "
			       "action \"nope\""));
		EXPECT(rejects("force+/bin/ls:" CRC32_A ":3", "unknown "
			       "action \"3\" (expected allow"));
		EXPECT(rejects("force+/bin/ls:kill", "expected PATH:"));
	}
}

static void test_grammar(void)
{
	struct policy p;
	char *long_rule;

	UNIT_CASE("policy/unknown-key") {
		struct policy q;

		policy_init(&q);
		EXPECT(policy_apply(&q, "foo/bar:1", "-m argument", err,
				    sizeof(err)) == -1);
		EXPECT_STR(err, "memtrace: -m argument: \"foo/bar:1\": "
			   "unknown key \"foo/bar\"");
		policy_free(&q);
		EXPECT(rejects("sandbox/MEM:on", "unknown key"));
		EXPECT(rejects("sandbox:on", "unknown key \"sandbox\""));
	}
	UNIT_CASE("policy/operator") {
		EXPECT(rejects("sandbox/mem", "expected \":\", \"+\", \"-\" "
			       "or \"^\" after the key \"sandbox/mem\""));
		EXPECT(rejects("sandbox/mem=on", "expected \":\""));
		EXPECT(rejects(":on", "expected a key"));
		EXPECT(rejects("append:/x", "does not take \":\" (expected "
			       "\"+\", \"-\" or \"^\")"));
	}
	UNIT_CASE("policy/whitespace-and-comments") {
		policy_init(&p);
		EXPECT(apply(&p, "  \tsandbox/mem:on \r\n") == 0);
		EXPECT(p.sandbox_mem);
		EXPECT(apply(&p, "") == 0);
		EXPECT(apply(&p, "   ") == 0);
		EXPECT(apply(&p, "# sandbox/exec:on") == 0);
		EXPECT(apply(&p, "   # comment") == 0);
		EXPECT(!p.sandbox_exec);
		policy_free(&p);
		EXPECT(rejects("append+/a\nb", "control character"));
		EXPECT(rejects("sandbox/mem:on\tx", "control character"));
	}
	UNIT_CASE("policy/quoting") {
		EXPECT(rejects("foo\"x:1", "\"foo\\\"x:1\""));
	}
	UNIT_CASE("policy/long-rule") {
		long_rule = malloc(20000);
		EXPECT(long_rule != NULL);
		if (long_rule) {
			memcpy(long_rule, "append+/", 8);
			memset(long_rule + 8, 'a', 20000 - 9);
			long_rule[20000 - 1] = '\0';
			EXPECT(rejects(long_rule, "rule longer than 8192"));
			free(long_rule);
		}
	}
	UNIT_CASE("policy/later-wins") {
		policy_init(&p);
		EXPECT(apply(&p, "mem/max:1M") == 0);
		EXPECT(apply(&p, "mem/max:2M") == 0);
		EXPECT(p.mem_max == 2ULL << 20);
		EXPECT(apply(&p, "default/wx:kill") == 0);
		EXPECT(apply(&p, "default/wx:warn") == 0);
		EXPECT(p.deflt[CAT_WX] == ACT_WARN);
		policy_free(&p);
	}
	UNIT_CASE("policy/error-keeps-policy") {
		policy_init(&p);
		EXPECT(apply(&p, "mem/max:1M") == 0);
		EXPECT(apply(&p, "mem/max:1X") == -1);
		EXPECT(p.mem_max == 1ULL << 20);
		EXPECT(apply(&p, "default/mem:nope") == -1);
		EXPECT(p.deflt[CAT_MEM] == ACT_DENY);
		policy_free(&p);
	}
}

static void test_files(void)
{
	struct policy p;
	char *path, want[256];

	UNIT_CASE("policy/file/load") {
		path = profile("# a profile\n"
			       "\n"
			       "sandbox/exec:on\n"
			       "   # indented comment\n"
			       "allow/exec+/usr/***\n"
			       "\t\n"
			       "mem/max:1M\n"
			       "mem/max:2M\n"
			       "default/exec:kill");	/* no final newline */
		EXPECT(path != NULL);
		policy_init(&p);
		EXPECT(policy_load_file(&p, path, err, sizeof(err)) == 0);
		EXPECT(p.sandbox_exec && p.exec.n == 1);
		EXPECT(p.mem_max == 2ULL << 20);
		EXPECT(p.deflt[CAT_EXEC] == ACT_KILL);
		policy_free(&p);
		if (path)
			unlink(path);
	}
	UNIT_CASE("policy/file/error-line") {
		path = profile("sandbox/mem:on\n# x\nmem/max:12Q\n");
		EXPECT(path != NULL);
		policy_init(&p);
		EXPECT(policy_load_file(&p, path, err, sizeof(err)) == -1);
		snprintf(want, sizeof(want), "memtrace: %s:3: \"mem/max:12Q\": "
			 "bad size \"12Q\" (expected bytes or a number with "
			 "K, M, G or T)", path ? path : "");
		EXPECT_STR(err, want);
		policy_free(&p);
		if (path)
			unlink(path);
	}
	UNIT_CASE("policy/file/unreadable") {
		policy_init(&p);
		EXPECT(policy_load_file(&p, "/nonexistent/memtrace.conf", err,
					sizeof(err)) == -1);
		EXPECT_STR(err, "memtrace: /nonexistent/memtrace.conf: "
			   "No such file or directory");
		EXPECT(policy_load_file(&p, "/", err, sizeof(err)) == -1);
		EXPECT_STR(err, "memtrace: /: Is a directory");
		policy_free(&p);
	}
	UNIT_CASE("policy/file/long-line") {
		static char text[10000];

		memset(text, 'x', sizeof(text) - 2);
		text[sizeof(text) - 2] = '\n';
		path = profile(text);
		EXPECT(path != NULL);
		policy_init(&p);
		EXPECT(policy_load_file(&p, path, err, sizeof(err)) == -1);
		EXPECT(strstr(err, ":1: line longer than 8192 bytes"));
		policy_free(&p);
		if (path)
			unlink(path);
	}
}

static void test_dump(void)
{
	struct policy p;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	UNIT_CASE("policy/dump/default") {
		policy_init(&p);
		f = open_memstream(&text, &len);
		EXPECT(f != NULL);
		if (f) {
			policy_dump(&p, f);
			fclose(f);
			/* Only the header comment: nothing differs. */
			EXPECT(text[0] == '#');
			EXPECT(strchr(text, '\n') == text + len - 1);
			free(text);
		}
		EXPECT(round_trips(&p));
		policy_free(&p);
	}
	UNIT_CASE("policy/dump/round-trip") {
		static const char *const rules[] = {
			"trace/allow_unsafe_exec_memory:on",
			"trace/allow_unsafe_exec_stack:1",
			"sandbox/mem:on", "sandbox/exec:true",
			"sandbox/tpe:on", "sandbox/force:on",
			"mem/max:64MiB", "mem/vm_max:12345",
			"default/wx:kill", "default/fd:warn",
			"default/append:filter", "default/mremap:panic",
			"default/stack:stop", "default/exec:abort",
			"default/tpe:exit", "default/force:allow",
			"append+/var/log/**", "append+/tmp/[a-z]*.log",
			"allow/exec+/usr/***", "deny/exec+/usr/bin/*",
			"allow/exec+/usr/bin/ls", "deny/exec+/opt/\\*x",
			"tpe/gid:100", "tpe/negate:on", "tpe/root_owned:on",
			"tpe/user_owned:on",
			"force+/bin/ls:" CRC32_A,
			"force+/bin/ls:sha256:" SHA256_A ":kill",
			"force+/a:b:md5:" MD5_A ":warn",
		};

		policy_init(&p);
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			EXPECT(apply(&p, rules[i]) == 0);
		EXPECT(round_trips(&p));
		policy_free(&p);
	}
	UNIT_CASE("policy/dump/format") {
		policy_init(&p);
		EXPECT(apply(&p, "mem/max:67108864") == 0);
		EXPECT(apply(&p, "mem/vm_max:1025") == 0);
		EXPECT(apply(&p, "sandbox/mem:1") == 0);
		EXPECT(apply(&p, "deny/exec+/a") == 0);
		EXPECT(apply(&p, "allow/exec+/b") == 0);
		EXPECT(apply(&p, "force+/c:" CRC32_A) == 0);
		f = open_memstream(&text, &len);
		EXPECT(f != NULL);
		if (f) {
			policy_dump(&p, f);
			fclose(f);
			EXPECT(strstr(text, "\nsandbox/mem:true\n"));
			EXPECT(strstr(text, "\nmem/max:64M\n"));
			EXPECT(strstr(text, "\nmem/vm_max:1025\n"));
			EXPECT(strstr(text, "\ndeny/exec+/a\nallow/exec+/b\n"));
			EXPECT(strstr(text, "\nforce+/c:crc32:" CRC32_A "\n"));
			free(text);
		}
		policy_free(&p);
	}
	UNIT_CASE("policy/equal") {
		struct policy q;

		policy_init(&p);
		policy_init(&q);
		EXPECT(policy_equal(&p, &q));
		EXPECT(apply(&p, "allow/exec+/a") == 0);
		EXPECT(!policy_equal(&p, &q));
		EXPECT(apply(&q, "deny/exec+/a") == 0);
		EXPECT(!policy_equal(&p, &q));
		EXPECT(apply(&p, "allow/exec^") == 0);
		EXPECT(apply(&q, "deny/exec^") == 0);
		EXPECT(policy_equal(&p, &q));
		EXPECT(apply(&p, "tpe/gid:5") == 0);
		EXPECT(apply(&p, "tpe/gid:none") == 0);
		EXPECT(policy_equal(&p, &q));
		EXPECT(apply(&q, "force+/x:" CRC32_A) == 0);
		EXPECT(!policy_equal(&p, &q));
		policy_free(&p);
		policy_free(&q);
	}
}

/* The last entry of l matching path by glob_match: what the index
 * must find. */
static long brute_last(const struct glob_list *l, const char *path)
{
	for (size_t i = l->n; i-- > 0;)
		if (glob_match(l->v[i].pattern, path))
			return (long)i;
	return -1;
}

static void test_index(void)
{
	static const char *const pats[] = {
		"/usr/***", "/usr/lib/**", "/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/*.so", "/usr/lib/**/libm.so*", "/tmp/**", "/***",
		"/usr/l?b/libz.so", "/usr/lib/[a-c]*", "/opt/a\\*b", "/opt/**/x",
		"/usr", "/usr/lib/x86_64-linux-gnu/***", "/home/*/bin/**",
		"/usr/lib/libc.so.6", "/x/y/z",
	};
	static const char *const paths[] = {
		"/usr", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/libm.so.6",
		"/usr/lib/a/b/libm.so", "/usr/lib/libz.so", "/usr/lib/libc.so.6",
		"/tmp/x", "/tmp", "/opt/a*b", "/opt/axb", "/opt/x", "/opt/q/r/x",
		"/home/u/bin/sh", "/x/y/z", "/x/y", "/", "/usr/lib/bz", "/usr/lib",
	};
	size_t np = sizeof(pats) / sizeof(pats[0]);
	size_t nq = sizeof(paths) / sizeof(paths[0]);
	struct policy p;
	char rule[256];
	unsigned seed = 12345;

	UNIT_CASE("policy/index/same-as-scan") {
		policy_init(&p);
		for (int round = 0; round < 400; round++) {
			seed = seed * 1103515245 + 12345;
			const char *pat = pats[(seed >> 8) % np];
			int op = (seed >> 20) % 10;

			snprintf(rule, sizeof(rule), "%s/exec%c%s",
				 (seed >> 16) & 1 ? "allow" : "deny",
				 op == 0 ? '-' : op == 1 && round % 50 == 0 ?
				 '^' : '+', pat);
			EXPECT(apply(&p, rule) == 0);
			for (size_t q = 0; q < nq; q++) {
				const char *r;
				enum action a = policy_exec_match(&p, paths[q],
								  &r);
				long want = brute_last(&p.exec, paths[q]);

				EXPECT(want < 0 ? a == ACT__N && !r :
				       r == p.exec.v[want].pattern &&
				       a == p.exec.v[want].act);
				if (unit_case_failed) {
					printf("# round %d, %s after %s\n",
					       round, paths[q], rule);
					break;
				}
			}
		}
		policy_free(&p);
	}
	UNIT_CASE("policy/index/ten-thousand") {
		policy_init(&p);
		for (int i = 0; i < 10000; i++) {
			snprintf(rule, sizeof(rule), "deny/exec+/opt/app%d/**",
				 i);
			EXPECT(apply(&p, rule) == 0);
		}
		EXPECT(apply(&p, "allow/exec+/opt/app77/bin/ok") == 0);
		EXPECT(policy_exec_match(&p, "/opt/app9999/x", NULL) ==
		       ACT_DENY);
		EXPECT(policy_exec_match(&p, "/opt/app77/bin/ok", NULL) ==
		       ACT_ALLOW);
		EXPECT(policy_exec_match(&p, "/opt/app77/bin/no", NULL) ==
		       ACT_DENY);
		EXPECT(policy_exec_match(&p, "/usr/bin/true", NULL) == ACT__N);
		EXPECT(apply(&p, "deny/exec-/opt/app9999/**") == 0);
		EXPECT(policy_exec_match(&p, "/opt/app9999/x", NULL) ==
		       ACT__N);
		policy_free(&p);
	}
}

static void test_syd(void)
{
	struct policy p;
	char notice[512], *path, want[600];

	UNIT_CASE("policy/canonical") {
		EXPECT(rejects("deny/exec+/tmp//x/**", "it has \"//\""));
		EXPECT(rejects("deny/exec+/tmp/./x/**", "a \".\" component"));
		EXPECT(rejects("deny/exec+/tmp/a/../x/**",
			       "a \"..\" component"));
		EXPECT(rejects("deny/exec+/tmp/..", "a \"..\" component"));
		EXPECT(rejects("allow/exec+/tmp/x/", "a trailing \"/\""));
		EXPECT(rejects("append+/a//b", "can never match"));
		EXPECT(rejects("force+/a/./b:" CRC32_A, "path \"/a/./b\""));
		policy_init(&p);
		EXPECT(apply(&p, "allow/exec+/***") == 0);
		EXPECT(apply(&p, "allow/exec+/tmp/.x/..y/**") == 0);
		EXPECT(apply(&p, "allow/exec+/") == 0);
		policy_free(&p);
	}
	UNIT_CASE("policy/syd/ignored") {
		policy_init(&p);
		EXPECT(apply(&p, "sandbox/read:on") == 1);
		EXPECT(strstr(err, "key \"sandbox/read\" is Syd's"));
		EXPECT(apply(&p, "allow/net/connect+127.0.0.1!80") == 1);
		EXPECT(apply(&p, "lock:on") == 1);
		EXPECT(apply(&p, "trace/allow_unsafe_ptrace_xyz:1") == 1);
		EXPECT(apply(&p, "default/pid:kill") == 1);
		EXPECT(apply(&p, "kill/lock/read+/x") == 1);
		EXPECT(p.exec.n == 0 && !p.sandbox_mem);
		policy_free(&p);
	}
	UNIT_CASE("policy/syd/near-miss") {
		EXPECT(rejects("trace/allow_unsafe_exec_memroy:1",
			       "did you mean trace/allow_unsafe_exec_memory?"));
		EXPECT(rejects("sandbox/mme:on", "did you mean sandbox/mem?"));
		EXPECT(rejects("default/stak:kill",
			       "did you mean default/stack?"));
		EXPECT(rejects("nonsense/key:1", "unknown key"));
		EXPECT(rejects("kill/exec+/tmp/**",
			       "exec rules are allow/exec and deny/exec"));
		EXPECT(rejects("sandbox/MEM:on", "unknown key"));
	}
	UNIT_CASE("policy/syd/notice") {
		path = profile("sandbox/read:on\nallow/read+/etc/**\n"
			       "sandbox/read:off\nsandbox/exec:on\n");
		EXPECT(path != NULL);
		policy_init(&p);
		EXPECT(policy_load_profile(&p, path, notice, sizeof(notice),
					   err, sizeof(err)) == 0);
		snprintf(want, sizeof(want), "memtrace: %s: 3 rules of Syd's "
			 "outside memtrace's scope ignored (keys: sandbox/read, "
			 "allow/read)", path ? path : "");
		EXPECT_STR(notice, want);
		EXPECT(p.sandbox_exec);
		policy_free(&p);
		if (path)
			unlink(path);
	}
	UNIT_CASE("policy/file/nul-stops-at-once") {
		policy_init(&p);
		EXPECT(policy_load_file(&p, "/dev/zero", err, sizeof(err)) ==
		       -1);
		EXPECT_STR(err, "memtrace: /dev/zero:1: NUL byte in line");
		policy_free(&p);
	}
}

int main(void)
{
	test_names();
	test_scalars();
	test_bool_keys();
	test_size_keys();
	test_defaults();
	test_glob_keys();
	test_tpe();
	test_force();
	test_grammar();
	test_files();
	test_dump();
	test_index();
	test_syd();
	UNIT_DONE();
}
