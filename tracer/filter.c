/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The seccomp filters, compiled from the policy with libseccomp: one
 * per personality of the host (so SECCOMP_RET_DATA can name the
 * personality), and one for the rest. A call that no enabled check could
 * deny is allowed in the kernel and never stops; a call from an
 * architecture the filter does not know stops, so memtrace can refuse
 * it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <seccomp.h>

#include "tracer/tracer.h"

#define PROBE_WHICH 0x5a5a	/* getpriority(PROBE_WHICH, 0): EINVAL */

/*
 * The comparison for one condition, at the argument's width: COND_EQ
 * with a mask compares (arg & mask), so a high bit the kernel never
 * reads cannot slip a call past the filter.
 */
static struct scmp_arg_cmp cond_cmp(const struct filter_cond *c,
				    uint64_t bit)
{
	unsigned arg = (unsigned)c->arg;

	switch (c->op) {
	case COND_EQ:
		if (c->mask)
			return SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, c->mask,
					c->value & c->mask);
		return SCMP_CMP(arg, SCMP_CMP_EQ, c->value);
	case COND_GE:
		return SCMP_CMP(arg, SCMP_CMP_GE, c->value);
	case COND_NE:
		return SCMP_CMP(arg, SCMP_CMP_NE, c->value);
	case COND_TRACER_PID:
		/* Built in memtrace's child, before exec: its parent. */
		return SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, WIDTH32,
				(uint64_t)(uint32_t)getppid());
	case COND_BITS:
	default:
		return SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, bit, bit);
	}
}

/*
 * Rules name calls by libseccomp's own numbers (seccomp_rule_add
 * translates them for the filter's architecture): raw numbers through
 * the _exact calls are refused for part of i386's range (350-400,
 * pkey_mprotect and the direct shmat among them) by libseccomp 2.5,
 * which still makes rules for those calls by name. bit: the bit of a
 * COND_BITS condition; and_bit: the bit of its and_bits, if any.
 */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, const char *name,
		    const struct filter_cond *c, uint64_t bit,
		    uint64_t and_bit)
{
	int nr = seccomp_syscall_resolve_name(name);
	struct scmp_arg_cmp cmp[2];
	unsigned n = 0;

	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	if (c)
		cmp[n++] = cond_cmp(c, bit);
	if (c && c->and_bits)
		cmp[n++] = SCMP_CMP((unsigned)c->and_arg, SCMP_CMP_MASKED_EQ,
				    and_bit, and_bit);
	return seccomp_rule_add_array(ctx, act, nr, n, cmp);
}

/* One rule per bit of each mask: any of them set stops. */
static int add_cond_rules(scmp_filter_ctx ctx, uint32_t act,
			  const char *name, const struct filter_cond *c)
{
	uint64_t bits = c->op == COND_BITS ? c->mask : 1;
	uint64_t and_bits = c->and_bits ? c->and_bits : 1;
	int rc = 0;

	for (int i = 0; i < 64 && rc == 0; i++) {
		if (!(bits & (1ULL << i)))
			continue;
		for (int j = 0; j < 64 && rc == 0; j++)
			if (and_bits & (1ULL << j))
				rc = add_rule(ctx, act, name, c, 1ULL << i,
					      1ULL << j);
	}
	return rc;
}

/*
 * What the checks need of call s made in personality p. A call whose
 * arguments are a block in memory (old_mmap; s390's mmap2 too) hides
 * them from seccomp, which sees only the block's address: a condition
 * on them can only be met by stopping always. (check_filter_needs
 * knows this of old_mmap, which is a block on every personality.)
 * ARG_CLONE_FLAGS becomes the personality's flags argument.
 */
static void call_needs(const struct personality *p, enum msys s,
		       const struct policy *pol, struct filter_need *need)
{
	check_filter_needs(s, pol, need);
	if (arch_uses_block(p, s) && need->ncond) {
		need->always = true;
		need->ncond = 0;
	}
	for (int i = 0; i < need->ncond; i++) {
		if (need->cond[i].arg == ARG_CLONE_FLAGS)
			need->cond[i].arg = (int)p->clone_flags_arg;
		if (need->cond[i].and_arg == ARG_CLONE_FLAGS)
			need->cond[i].and_arg = (int)p->clone_flags_arg;
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
		if (need.fail_errno)
			rc = add_rule(ctx, SCMP_ACT_ERRNO(need.fail_errno),
				      name, NULL, 0, 0);
		else if (need.always)
			rc = add_rule(ctx, act, name, NULL, 0, 0);
		for (int i = 0; i < need.ncond && !need.always &&
		     !need.fail_errno && rc == 0; i++)
			rc = add_cond_rules(ctx, act, name, &need.cond[i]);
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

/* The filter of personality idx; a call of any other architecture
 * passes it (another filter judges it). */
static scmp_filter_ctx build_one(int idx, const struct policy *pol,
				 bool verbose)
{
	const struct personality *p = arch_host->pers[idx];
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return NULL;
	if (seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0 ||
	    seccomp_arch_add(ctx, p->scmp_arch) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			     SCMP_ACT_ALLOW) < 0 ||
	    add_call_rules(ctx, idx, pol, verbose) < 0 ||
	    add_probe_rule(ctx, idx) < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* The last filter: every call of the host's personalities passes,
 * any other architecture's stops (and is refused). */
static scmp_filter_ctx build_other_arch(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	bool ok = ctx && seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) == 0;

	for (size_t i = 0; ok && i < arch_host->npers; i++) {
		int rc = seccomp_arch_add(ctx, arch_host->pers[i]->scmp_arch);
		ok = rc == 0 || rc == -EEXIST;
	}
	/* (libseccomp takes the attribute once there is an arch) */
	ok = ok && seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			SCMP_ACT_TRACE(TRACE_DATA(TAG_BADARCH, 0))) == 0;
	if (!ok && ctx) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Without CAP_SYS_ADMIN the kernel wants no_new_privs, which strips
 * setuid from what the command runs, so try without it first.
 */
static int load(scmp_filter_ctx ctx)
{
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

/*
 * In the child, before exec: one filter per personality and one for
 * other architectures. The kernel runs them all and takes the
 * strictest answer; each lets through what is not its own, so at most
 * one of them stops a call and its data names the personality.
 * Several filters rather than one merged: libseccomp's time to
 * generate a merged filter grows with the square of its personalities
 * (about 240 us for three on x86_64, against 3 x 40 us), and that time
 * is part of every start.
 */
int filter_install(const struct policy *pol, bool verbose)
{
	/* memtrace's own personality (the first) goes in last: once its
	 * filter is live, the child's own calls stop too, and the
	 * allocations libseccomp (or ASan) makes to build the others
	 * would be judged against memtrace's size. */
	if (load(build_other_arch()) < 0)
		return -1;
	for (size_t i = arch_host->npers; i-- > 0; )
		if (load(build_one((int)i, pol, verbose)) < 0)
			return -1;
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

	if (n->fail_errno) {
		fprintf(out, "%s %s(%ld): fail %s\n", pers, name, nr,
			strerrorname_np(n->fail_errno));
		return;
	}
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
		const char *a = argname[c->arg];
		fputs(i ? " or" : "", out);
		if (c->op == COND_BITS)
			fprintf(out, " %s & %#llx", a,
				(unsigned long long)c->mask);
		else if (c->op == COND_TRACER_PID)
			fprintf(out, " (u32)%s == memtrace's pid", a);
		else if (c->op == COND_EQ && c->mask == WIDTH32)
			fprintf(out, " (u32)%s == %#llx", a,
				(unsigned long long)c->value);
		else if (c->op == COND_EQ && c->mask)
			fprintf(out, " %s & %#llx == %#llx", a,
				(unsigned long long)c->mask,
				(unsigned long long)c->value);
		else
			fprintf(out, " %s %s %#llx", a,
				c->op == COND_EQ ? "==" :
				c->op == COND_NE ? "!=" : ">=",
				(unsigned long long)c->value);
		if (c->and_bits)
			fprintf(out, " and %s & %#llx", argname[c->and_arg],
				(unsigned long long)c->and_bits);
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
