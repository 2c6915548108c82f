/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy: an immutable set of rules once parsing is over.
 * Rules use Syd's line grammar (see memtrace.conf(5)):
 *   key:value   set          key+value  add
 *   key-value   remove last  key^value  remove all matches
 * The keys are rows of a table in policy.c; a new key is a new row.
 */
#ifndef MEMTRACE_POLICY_H
#define MEMTRACE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Syd's actions, in order of severity. Names, never numbers. */
enum action {
	ACT_ALLOW,	/* allow */
	ACT_WARN,	/* allow, record */
	ACT_FILTER,	/* deny, no record */
	ACT_DENY,	/* deny, record */
	ACT_PANIC,	/* deny, record, memtrace aborts, tracees die */
	ACT_STOP,	/* deny, record, leave process stopped and detached */
	ACT_ABORT,	/* deny, record, SIGABRT to the process */
	ACT_KILL,	/* SIGKILL to the process */
	ACT_EXIT,	/* record, memtrace exits with errno, tracees killed */
	ACT__N
};

/*
 * Check categories: each has a default action (default/NAME:ACTION)
 * that is taken when the check denies and no more specific rule says
 * otherwise.
 */
enum category {
	CAT_WX,		/* W^X: writable+executable, exec anon/shared */
	CAT_FD,		/* exec mapping of a file open for writing */
	CAT_APPEND,	/* shared mapping of an append-only file */
	CAT_MREMAP,	/* mremap argument validation */
	CAT_STACK,	/* library or program with executable stack */
	CAT_EXEC,	/* exec rules on the mapped file's path */
	CAT_TPE,	/* trusted path execution */
	CAT_FORCE,	/* checksum verification */
	CAT_MEM,	/* memory limits */
	CAT_BYPASS,	/* calls that would open a way around the tracer */
	CAT__N
};

/* A list of glob patterns, each with the action it stands for. */
struct glob_rule {
	char *pattern;
	struct glob *prog;	/* compiled when the rule is read */
	enum action act;
};

struct glob_list {
	struct glob_rule *v;
	size_t n, cap;
	struct rule_index *idx;	/* checks/ruleindex.h; NULL: scan */
};

/* force+PATH:[ALG:]HEX[:ACTION] */
struct force_rule {
	char *path;
	int alg;		/* enum hash_alg, see force.h */
	char *hex;		/* lower-case hex digest */
	enum action act;	/* ACT__N: none named (deny) */
};

struct force_list {
	struct force_rule *v;
	size_t n, cap;
};

struct policy {
	enum action deflt[CAT__N];

	bool allow_unsafe_exec_memory;	/* trace/allow_unsafe_exec_memory */
	bool allow_unsafe_exec_stack;	/* trace/allow_unsafe_exec_stack */
	bool allow_unsafe_ptrace;	/* trace/allow_unsafe_ptrace */

	bool sandbox_mem, sandbox_exec, sandbox_tpe, sandbox_force;

	uint64_t mem_max;		/* PSS limit, 0 = none */
	uint64_t mem_vm_max;		/* VmSize limit, 0 = none */

	struct glob_list append;	/* append+GLOB (act unused) */
	struct glob_list exec;		/* allow/exec+, deny/exec+ in order */

	bool tpe_gid_set;
	gid_t tpe_gid;
	bool tpe_negate, tpe_root_owned, tpe_user_owned;

	struct force_list force;
};

/* The built-in default: W^X and executable-stack refusal on. */
void policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * Apply one rule. origin names where it came from ("-m argument",
 * "FILE:LINE") for the error message. Returns 0, or -1 with a message
 * in err that names origin, the rule and what was expected, or 1 when
 * the key is one of Syd's outside memtrace's scope (sandbox/read,
 * allow/net/connect, lock...): the rule is ignored, and err holds a
 * notice that says so.
 */
int policy_apply(struct policy *p, const char *rule, const char *origin,
		 char *err, size_t errlen);

/*
 * Apply every rule of a profile file, and of the files it includes
 * ("include PATH", relative to the including file; loops and nesting
 * deeper than 8 refused). Lines are at most 8192 bytes and profiles
 * 16 MiB, includes counted. Same error convention as policy_apply;
 * rules of Syd's that were ignored leave one line in notice (empty
 * if none).
 */
int policy_load_profile(struct policy *p, const char *path, char *notice,
			size_t noticelen, char *err, size_t errlen);

/* policy_load_profile without the notice. */
int policy_load_file(struct policy *p, const char *path,
		     char *err, size_t errlen);

/* Print the effective policy as rules that read back to the same:
 * the settings that differ from the default (policy_dump), or every
 * key with its value, lists reset first (policy_dump_all). */
void policy_dump(const struct policy *p, FILE *out);
void policy_dump_all(const struct policy *p, FILE *out);

/* Deep equality, for the round-trip test. */
bool policy_equal(const struct policy *a, const struct policy *b);

const char *action_name(enum action a);
int action_parse(const char *s, enum action *out);
const char *category_name(enum category c);

/* Last matching exec rule; ACT__N and *rule NULL if none matched. */
enum action policy_exec_match(const struct policy *p, const char *path,
			      const char **rule);

/* Whether an append rule matches path. */
bool policy_append_match(const struct policy *p, const char *path,
			 const char **rule);

/* The force rule for path, or NULL. The last matching rule wins. */
/* The algorithm of the force rule a tip proposes for a file no rule
 * names: that of the profile's last force rule, else sha256. */
int policy_force_tip_alg(const struct policy *p);
const struct force_rule *policy_force_find(const struct policy *p,
					   const char *path);

/* Scalars, shared with other parsers. 0 on success, -1 on bad input. */
int parse_bool(const char *s, bool *out);
int parse_size(const char *s, uint64_t *out);	/* K/M/G/T, binary */

/* Whether an action denies the call (everything but allow and warn). */
static inline bool action_denies(enum action a)
{
	return a != ACT_ALLOW && a != ACT_WARN;
}

/* Whether an action writes a record (everything but allow, filter). */
static inline bool action_records(enum action a)
{
	return a != ACT_ALLOW && a != ACT_FILTER;
}

#endif
