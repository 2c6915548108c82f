/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Arguments at the kernel's width: for every argument the filter or a
 * check compares, a call whose register has high bits set above what
 * the kernel reads (an int) must still stop in the filter (as the
 * conditions say; tracer/filter.c compiles them to the same masks) and
 * be refused by the check, in both modes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "checks/checks.h"
#include "testsuite/unit/unit.h"

#define HIGH (1ULL << 32)
#define TRACER 4242

/* What the compiled filter does with condition c on raw. */
static bool cond_stops(const struct filter_cond *c, const uint64_t raw[6])
{
	uint64_t a = raw[c->arg];
	bool hit;

	switch (c->op) {
	case COND_BITS:
		hit = a & c->mask;
		break;
	case COND_EQ:
		hit = (a & (c->mask ? c->mask : ~0ULL)) == c->value;
		break;
	case COND_GE:
		hit = a >= c->value;
		break;
	case COND_NE:
		hit = a != c->value;
		break;
	case COND_TRACER_PID:
	default:
		hit = (uint32_t)a == TRACER;
		break;
	}
	return hit && (!c->and_bits || (raw[c->and_arg] & c->and_bits));
}

static bool filter_stops(enum msys s, const struct policy *p,
			 const uint64_t raw[6], unsigned clone_arg)
{
	struct filter_need n;

	check_filter_needs(s, p, &n);
	if (n.always || n.fail_errno)
		return true;
	for (int i = 0; i < n.ncond; i++) {
		struct filter_cond c = n.cond[i];
		if (c.arg == ARG_CLONE_FLAGS)
			c.arg = (int)clone_arg;
		if (cond_stops(&c, raw))
			return true;
	}
	return false;
}

struct wide_case {
	const char *name;
	enum msys sys;
	uint64_t raw[6];
	int err;
	const char *rule;	/* a policy rule, or NULL */
	unsigned clone_arg;
};

static const struct wide_case cases[] = {
	{ "width/seccomp-op", MSYS_SECCOMP, { 1 | HIGH, 1u << 3 }, EPERM, NULL, 0 },
	{ "width/prctl-dumpable", MSYS_PRCTL, { 4 | HIGH, 0 }, EPERM, NULL, 0 },
	{ "width/personality", MSYS_PERSONALITY, { 0x0400000 | HIGH }, EPERM, NULL, 0 },
	{ "width/clone-flags", MSYS_CLONE, { 0x00800011 | HIGH }, EPERM, NULL, 0 },
	{ "width/clone-flags-s390", MSYS_CLONE, { 0, 0x00800011 | HIGH },
	  EPERM, NULL, 1 },
	{ "width/shmat-flags", MSYS_SHMAT, { 1, 0, 0100000 | HIGH }, EACCES, NULL, 0 },
	{ "width/ipc-call", MSYS_IPC, { 21 | (2 << 16) | HIGH, 1,
	  0100000 | HIGH }, EACCES, NULL, 0 },
	{ "width/ioctl-cmd", MSYS_IOCTL, { 3, 0xAA00 | HIGH }, EPERM, NULL, 0 },
	{ "width/ptrace-request", MSYS_PTRACE, { 16 | HIGH, 1 }, EPERM, NULL, 0 },
	{ "width/ptrace-pid", MSYS_PTRACE, { 0x4206, TRACER | HIGH }, EPERM,
	  "trace/allow_unsafe_ptrace:1", 0 },
	{ "width/process_vm_writev-pid", MSYS_PROCESS_VM_WRITEV,
	  { TRACER | HIGH }, EPERM, NULL, 0 },
	{ "width/pidfd_open-pid", MSYS_PIDFD_OPEN, { TRACER | HIGH }, EPERM, NULL, 0 },
	{ "width/userfaultfd", MSYS_USERFAULTFD, { HIGH }, EPERM, NULL, 0 },
};

static struct mcall call_of(const struct wide_case *w, bool ptrace_only)
{
	struct mcall c;

	memset(&c, 0, sizeof(c));
	c.sys = w->sys;
	c.pers = "x86_64";
	c.word = 8;
	c.fd = -1;
	memcpy(c.raw, w->raw, sizeof(c.raw));
	c.clone_flags_arg = w->clone_arg;
	c.ptrace_only = ptrace_only;
	c.tracer_pid = TRACER;
	return c;
}

static void width_tests(void)
{
	static const struct facts none;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wide_case *w = &cases[i];
		struct policy p;
		char err[256];

		policy_init(&p);
		if (w->rule)
			policy_apply(&p, w->rule, "test", err, sizeof(err));
		UNIT_CASE(w->name) {
			EXPECT(filter_stops(w->sys, &p, w->raw, w->clone_arg));
			for (int mode = 0; mode < 2; mode++) {
				struct mcall c = call_of(w, mode);
				struct verdict v;
				check_call(&c, &none, &p, &v);
				EXPECT(action_denies(v.act));
				EXPECT(v.err == w->err);
			}
		}
		policy_free(&p);
	}
}

/* Calls that must keep running: the filter lets them through. */
static void allowed_tests(void)
{
	struct policy p;

	policy_init(&p);
	UNIT_CASE("width/ipc-other-calls-run") {
		uint64_t semop[6] = { 1, 1, 0100000 };
		uint64_t shmat_ro[6] = { 21, 1, 010000 };
		EXPECT(!filter_stops(MSYS_IPC, &p, semop, 0));
		EXPECT(!filter_stops(MSYS_IPC, &p, shmat_ro, 0));
	}
	UNIT_CASE("width/ioctl-other-requests-run") {
		uint64_t tcgets[6] = { 0, 0x5401 };
		EXPECT(!filter_stops(MSYS_IOCTL, &p, tcgets, 0));
	}
	UNIT_CASE("width/clone-threads-run") {
		uint64_t thread[6] = { 0x3d0f00, 0x00800000 };
		EXPECT(!filter_stops(MSYS_CLONE, &p, thread, 0));
	}
	UNIT_CASE("width/clone3-fails-enosys") {
		struct filter_need n;
		check_filter_needs(MSYS_CLONE3, &p, &n);
		EXPECT(n.fail_errno == ENOSYS);
	}
	UNIT_CASE("width/dumpable-1-runs") {
		uint64_t on[6] = { 4, 1 };
		static const struct facts none;
		struct mcall c;
		struct verdict v;
		memset(&c, 0, sizeof(c));
		c.sys = MSYS_PRCTL;
		memcpy(c.raw, on, sizeof(on));
		check_call(&c, &none, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
	}
	UNIT_CASE("bypass/self-refused-under-default-bypass-allow") {
		struct policy q;
		char err[256];
		static const struct facts none;
		struct mcall c;
		struct verdict v;
		policy_init(&q);
		policy_apply(&q, "default/bypass:allow", "test", err,
			     sizeof(err));
		memset(&c, 0, sizeof(c));
		c.sys = MSYS_PROCESS_VM_WRITEV;
		c.raw[0] = TRACER;
		c.tracer_pid = TRACER;
		check_call(&c, &none, &q, &v);
		EXPECT(v.act == ACT_DENY && v.err == EPERM);
		policy_free(&q);
	}
	policy_free(&p);
}

int main(void)
{
	width_tests();
	allowed_tests();
	UNIT_DONE();
}
