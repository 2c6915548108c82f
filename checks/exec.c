/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sandbox/exec: an executable mapping of a file (and the program and
 * its interpreter at exec) is matched on the file's canonical path
 * against allow/exec and deny/exec; the last matching rule wins. A
 * deny rule denies (ACT_DENY), an allow rule allows, and a file no
 * rule matches takes default/exec. Deleted files and memfds have
 * paths such as "deleted:/x" and "memfd:name", which no rule (rules
 * are absolute) can match.
 */
#include <errno.h>
#include <stdio.h>

#include "checks/filecheck.h"

static bool exec_enabled(const struct policy *p)
{
	return p->sandbox_exec;
}

/* allow/exec+PATH, escaped; sandbox/exec:off where no rule can name
 * the file (a deleted file, a memfd). */
static void exec_tip(const struct facts *f, char *tip, size_t len)
{
	char pat[4096];

	if (f->path_real && glob_escape(f->path, pat, sizeof(pat)) == 0 &&
	    (size_t)snprintf(tip, len, "allow/exec+%s", pat) < len)
		return;
	snprintf(tip, len, "sandbox/exec:off");
}

static void exec_run(const struct mcall *c, const struct facts *f,
		     const struct policy *p, struct verdict *v)
{
	char tip[sizeof(v->tip)];
	const char *rule = NULL;

	if (!file_exec_call(c))
		return;
	if (file_unknown(c, f, p, CAT_EXEC, "exec", "sandbox/exec:off", v))
		return;
	if (file_unnamed(f, p, CAT_EXEC, "exec", "sandbox/exec:off",
			 v))
		return;
	enum action act = policy_exec_match(p, f->path, &rule);
	if (act == ACT_ALLOW)
		return;
	exec_tip(f, tip, sizeof(tip));
	if (act == ACT__N) {
		verdict_set(v, p, CAT_EXEC, "exec", EACCES, tip,
			    "no exec rule matched (default/exec:%s)",
			    action_name(p->deflt[CAT_EXEC]));
	} else {
		verdict_set(v, p, CAT_EXEC, "exec", EACCES, tip,
			    "deny/exec rule %s matched", rule);
		v->act = act;
	}
	file_path(f, v);
}

const struct check check_exec = {
	.name = "exec",
	.enabled = exec_enabled,
	.filter = file_filter,
	.needs = file_needs,
	.run = exec_run,
};
