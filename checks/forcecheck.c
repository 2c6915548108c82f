/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sandbox/force: a file mapped executable (and the program and its
 * interpreter at exec) must match the digest of its force rule. The
 * rule is found by the file's canonical path, the last rule for that
 * path counts. A mismatch takes the rule's action, or deny if it
 * names none: default/force is for the files no rule names, and a
 * pinned file that changed is refused even where unpinned files are
 * allowed. A digest that cannot be computed is a plain EACCES (deny),
 * whatever the rule or default/force say, as in Syd.
 *
 * The hashing itself (libcrypto, the cache) is checks/force.c; this is
 * the check that compares.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checks/filecheck.h"
#include "checks/force.h"

static bool force_enabled(const struct policy *p)
{
	return p->sandbox_force;
}

/* Whether a file no rule names gets a record with a tip: its own
 * force rule, whose digest must then be computed. */
static bool tip_wanted(const struct policy *p)
{
	enum action a = p->deflt[CAT_FORCE];

	return a != ACT_ALLOW && a != ACT_FILTER;
}

/* The digest only once the path is known and a rule names it, or the
 * tip of a file no rule names needs it. */
static unsigned force_needs(const struct mcall *c, const struct policy *p,
			    const struct facts *f)
{
	if (!file_exec_call(c))
		return 0;
	if (file_known(f) && (f->have & FACT_PATH) &&
	    (policy_force_find(p, f->path) || tip_wanted(p)))
		return FACT_FD | FACT_PATH | FACT_HASH;
	return FACT_FD | FACT_PATH;
}

/* The tip for a file no rule names: its own force rule (the digest in
 * the algorithm of the profile's force rules, sha256 if none). */
static void own_rule_tip(const struct facts *f, char *tip, size_t len)
{
	if (!(f->have & FACT_HASH) || f->hash_alg < 0 ||
	    !rule_safe(f->path) ||
	    (size_t)snprintf(tip, len, "force+%s:%s:%s", f->path,
			     hash_alg_name(f->hash_alg), f->hash_hex) >= len)
		snprintf(tip, len, "default/force:allow");
}

static enum action rule_action(const struct force_rule *r)
{
	return r->act != ACT__N ? r->act : ACT_DENY;
}

static void force_run(const struct mcall *c, const struct facts *f,
		      const struct policy *p, struct verdict *v)
{
	char tip[sizeof(v->tip)];

	if (!file_exec_call(c))
		return;
	if (file_unknown(c, f, p, CAT_FORCE, "force", "sandbox/force:off",
			 v))
		return;
	if (file_unnamed(f, p, CAT_FORCE, "force", "sandbox/force:off",
			 v))
		return;
	const struct force_rule *r = policy_force_find(p, f->path);
	if (!r) {
		own_rule_tip(f, tip, sizeof(tip));
		verdict_set(v, p, CAT_FORCE, "force", EACCES, tip,
			    "no force rule for the file");
		file_path(f, v);
		return;
	}
	const char *alg = hash_alg_name(r->alg);
	if (!(f->have & FACT_HASH) || f->hash_alg != r->alg) {
		verdict_set(v, p, CAT_FORCE, "force", EACCES,
			    "sandbox/force:off", "cannot compute the %s "
			    "digest (fail closed)", alg);
		v->act = ACT_DENY;
		file_path(f, v);
		return;
	}
	if (!strcmp(f->hash_hex, r->hex))
		return;
	if (!rule_safe(f->path) ||
	    (size_t)snprintf(tip, sizeof(tip), "force+%s:%s:%s", f->path,
			     alg, f->hash_hex) >= sizeof(tip))
		snprintf(tip, sizeof(tip), "sandbox/force:off");
	verdict_set(v, p, CAT_FORCE, "force", EACCES, tip,
		    "%s digest mismatch: expected %s, got %s", alg, r->hex,
		    f->hash_hex);
	v->act = rule_action(r);
	file_path(f, v);
}

const struct check check_force = {
	.name = "force",
	.enabled = force_enabled,
	.filter = file_filter,
	.needs = force_needs,
	.run = force_run,
};
