/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The seccomp filter, compiled from the policy with libseccomp: one
 * filter per personality of the host (so SECCOMP_RET_DATA can name the
 * personality), merged into one. A call that no enabled check could
 * deny is allowed in the kernel and never stops; a call from an
 * architecture the filter does not know stops, so memtrace can refuse
 * it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <seccomp.h>

#include "tracer/tracer.h"

#define PROBE_WHICH 0x5a5a	/* getpriority(PROBE_WHICH, 0): EINVAL */

/*
 * Rules name calls by libseccomp's own numbers (seccomp_rule_add
 * translates them for the filter's architecture): raw numbers through
 * the _exact calls are refused for part of i386's range (350-400,
 * pkey_mprotect among them) by libseccomp 2.5.
 */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, const char *name,
		    const struct filter_cond *c, uint64_t bit)
{
	int nr = seccomp_syscall_resolve_name(name);
	int rc;

	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	if (!c)
		rc = seccomp_rule_add(ctx, act, nr, 0);
	else if (c->op != COND_BITS)
		rc = seccomp_rule_add(ctx, act, nr, 1,
				      SCMP_CMP((unsigned)c->arg,
					       c->op == COND_EQ ? SCMP_CMP_EQ
								: SCMP_CMP_GE,
					       c->value));
	else
		rc = seccomp_rule_add(ctx, act, nr, 1,
				      SCMP_CMP((unsigned)c->arg,
					       SCMP_CMP_MASKED_EQ, bit, bit));
	return rc;
}

/*
 * What the checks need of call s made in personality p. A call whose
 * arguments are a block in memory (old_mmap; s390's mmap2 too) hides
 * them from seccomp, which sees only the block's address: a condition
 * on them can only be met by stopping always. (check_filter_needs
 * knows this of old_mmap, which is a block on every personality.)
 */
static void call_needs(const struct personality *p, enum msys s,
		       const struct policy *pol, struct filter_need *need)
{
	check_filter_needs(s, pol, need);
	if (arch_uses_block(p, s) && need->ncond) {
		need->always = true;
		need->ncond = 0;
	}
}

static int add_call_rules(scmp_filter_ctx ctx, int idx,
			  const struct policy *pol, bool verbose)
{
	const struct msys_numbers *nums = &T.nums[idx];
	uint32_t act = SCMP_ACT_TRACE(TRACE_DATA(TAG_CALL, idx));

	for (int s = 1; s < MSYS__N; s++) {
		struct filter_need need;
		const char *name = arch_scmp_name((enum msys)s);
		int rc = 0;

		if (nums->nr[s] < 0 || !name)
			continue;
		call_needs(arch_host->pers[idx], (enum msys)s, pol, &need);
		/* -v stops every memory call, since it records them all. */
		if (verbose && msys_is_memory((enum msys)s))
			need.always = true;
		if (need.always)
			rc = add_rule(ctx, act, name, NULL, 0);
		for (int i = 0; i < need.ncond && !need.always && rc == 0;
		     i++) {
			if (need.cond[i].op != COND_BITS) {
				rc = add_rule(ctx, act, name, &need.cond[i], 0);
				continue;
			}
			/* One rule per bit: any of them set stops. */
			for (int bit = 0; bit < 64 && rc == 0; bit++) {
				uint64_t m = 1ULL << bit;
				if (need.cond[i].mask & m)
					rc = add_rule(ctx, act, name,
						      &need.cond[i], m);
			}
		}
		if (rc < 0) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

static int add_probe_rule(scmp_filter_ctx ctx, int idx)
{
	int nr = seccomp_syscall_resolve_name("getpriority");
	int rc = seccomp_rule_add(ctx,
		SCMP_ACT_TRACE(TRACE_DATA(TAG_PROBE, idx)), nr, 1,
		SCMP_A0(SCMP_CMP_EQ, PROBE_WHICH));

	return rc < 0 ? (errno = -rc, -1) : 0;
}

static scmp_filter_ctx build_one(int idx, const struct policy *pol,
				 bool verbose)
{
	const struct personality *p = arch_host->pers[idx];
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return NULL;
	if (seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0 ||
	    seccomp_arch_add(ctx, p->scmp_arch) < 0 ||
	    add_call_rules(ctx, idx, pol, verbose) < 0 ||
	    add_probe_rule(ctx, idx) < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx build_filter(const struct policy *pol, bool verbose)
{
	scmp_filter_ctx all = NULL;

	for (size_t i = 0; i < arch_host->npers; i++) {
		scmp_filter_ctx one = build_one((int)i, pol, verbose);
		if (!one) {
			if (all)
				seccomp_release(all);
			return NULL;
		}
		if (!all) {
			all = one;
		} else if (seccomp_merge(all, one) < 0) {
			seccomp_release(one);
			seccomp_release(all);
			return NULL;
		}
	}
	if (all && seccomp_attr_set(all, SCMP_FLTATR_ACT_BADARCH,
			SCMP_ACT_TRACE(TRACE_DATA(TAG_BADARCH, 0))) < 0) {
		seccomp_release(all);
		return NULL;
	}
	return all;
}

/*
 * In the child, before exec. Without CAP_SYS_ADMIN the kernel wants
 * no_new_privs, which strips setuid from what the command runs, so
 * try without it first.
 */
int filter_install(const struct policy *pol, bool verbose)
{
	scmp_filter_ctx ctx = build_filter(pol, verbose);
	int rc;

	if (!ctx)
		return -1;
	/* Raw kernel errors instead of libseccomp's ECANCELED. */
	seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	rc = seccomp_load(ctx);
	if (rc == -EACCES || rc == -EPERM || rc == -ECANCELED) {
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
		rc = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

/* The probe the child makes once the filter is live. */
void filter_probe(void)
{
	getpriority((__priority_which_t)PROBE_WHICH, 0);
}

static void dump_need(FILE *out, const char *pers, enum msys s,
		      long nr, const struct filter_need *n, bool verbose)
{
	static const char *const argname[6] = {
		"arg0", "arg1", "arg2", "arg3", "arg4", "arg5"
	};

	const char *name = msys_name(s);

	if ((verbose && msys_is_memory(s)) || n->always) {
		fprintf(out, "%s %s(%ld): trace always\n", pers, name, nr);
		return;
	}
	if (!n->ncond) {
		fprintf(out, "%s %s(%ld): allow\n", pers, name, nr);
		return;
	}
	fprintf(out, "%s %s(%ld): trace if", pers, name, nr);
	for (int i = 0; i < n->ncond; i++) {
		const struct filter_cond *c = &n->cond[i];
		if (c->op != COND_BITS)
			fprintf(out, "%s %s %s %#llx", i ? " or" : "",
				argname[c->arg], c->op == COND_EQ ? "==" : ">=",
				(unsigned long long)c->value);
		else
			fprintf(out, "%s %s & %#llx", i ? " or" : "",
				argname[c->arg], (unsigned long long)c->mask);
	}
	fputc('\n', out);
}

int filter_dump(const struct policy *pol, bool verbose, FILE *out)
{
	for (size_t i = 0; i < arch_host->npers; i++) {
		const struct personality *p = arch_host->pers[i];
		for (int s = 1; s < MSYS__N; s++) {
			struct filter_need need;
			if (T.nums[i].nr[s] < 0)
				continue;
			call_needs(p, (enum msys)s, pol, &need);
			dump_need(out, p->name, (enum msys)s,
				  T.nums[i].nr[s], &need, verbose);
		}
	}
	fprintf(out, "any other architecture: trace (refused)\n");
	return 0;
}
