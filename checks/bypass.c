/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Calls that would open a way around the tracer:
 *  - seccomp(SECCOMP_SET_MODE_FILTER) with SECCOMP_FILTER_FLAG_NEW_LISTENER:
 *    a tracee filter returning SECCOMP_RET_USER_NOTIF outranks
 *    SECCOMP_RET_TRACE, and its supervisor could let a memory call run
 *    (SECCOMP_USER_NOTIF_FLAG_CONTINUE) without memtrace seeing it.
 *    Other tracee filters only narrow what runs, and a filter installed
 *    with prctl(PR_SET_SECCOMP) cannot have a listener.
 *    Every filter install stops (it is rare): a tracee filter that
 *    returns SECCOMP_RET_TRACE can forge memtrace's SECCOMP_RET_DATA,
 *    which is harmless where PTRACE_GET_SYSCALL_INFO names the
 *    personality, but on an older kernel the data is all memtrace has,
 *    so there tracee filters are refused, by seccomp() and by
 *    prctl(PR_SET_SECCOMP) alike.
 *  - personality(READ_IMPLIES_EXEC): every readable mapping would
 *    become executable behind W^X's back.
 *  - with no seccomp filter (ptrace-only mode), clone(CLONE_UNTRACED)
 *    would start a child nobody traces, and clone3's flags live in
 *    memory another thread can rewrite after the check: clone3 fails
 *    with ENOSYS (the C library falls back to clone, whose flags are
 *    in a register). With the filter, an untraced child keeps it and
 *    its memory calls fail with ENOSYS: nothing escapes.
 */
#include <errno.h>

#include "checks/checks.h"

#define SET_MODE_FILTER 1
#define PR_SET_SECCOMP_ 22
#define MODE_FILTER 2
#define FLAG_NEW_LISTENER (1u << 3)
#define READ_IMPLIES_EXEC 0x0400000u
#define PERSONALITY_QUERY 0xffffffffu
#define CLONE_UNTRACED_FLAG 0x00800000u

static bool bypass_enabled(const struct policy *p)
{
	return true;
}

static void bypass_filter(enum msys s, const struct policy *p,
			  struct filter_need *n)
{
	if (s == MSYS_SECCOMP)
		filter_need_cmp(n, 0, COND_EQ, SET_MODE_FILTER);
	else if (s == MSYS_PRCTL)
		filter_need_cmp(n, 0, COND_EQ, PR_SET_SECCOMP_);
	else if (s == MSYS_PERSONALITY && !p->allow_unsafe_exec_memory)
		filter_need_bits(n, 0, READ_IMPLIES_EXEC);
}

/* Both ways of installing a filter refuse it for the same reason. */
#define FORGE "a seccomp filter could forge memtrace's trace data on a " \
	"kernel without PTRACE_GET_SYSCALL_INFO"

static void refuse(struct verdict *v, const struct policy *p, int err,
		   const char *msg)
{
	verdict_set(v, p, CAT_BYPASS, "bypass", err, "default/bypass:allow",
		    "%s", msg);
}

static void bypass_run(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	switch (c->sys) {
	case MSYS_SECCOMP:
		if (c->raw[0] != SET_MODE_FILTER)
			break;
		if (c->raw[1] & FLAG_NEW_LISTENER)
			refuse(v, p, EPERM, "a seccomp filter with a "
			       "user-notification listener could let memory "
			       "calls run unseen");
		else if (c->trace_data_untrusted)
			refuse(v, p, EPERM, FORGE);
		break;
	case MSYS_PRCTL:
		if (c->raw[0] == PR_SET_SECCOMP_ && c->raw[1] == MODE_FILTER &&
		    c->trace_data_untrusted)
			refuse(v, p, EPERM, FORGE);
		break;
	case MSYS_PERSONALITY:
		if (!p->allow_unsafe_exec_memory &&
		    (uint32_t)c->raw[0] != PERSONALITY_QUERY &&
		    (c->raw[0] & READ_IMPLIES_EXEC))
			/* The tip is W^X's: with W^X on, the flag would
			 * be refused again at the next exec. */
			verdict_set(v, p, CAT_BYPASS, "bypass", EPERM,
				    "trace/allow_unsafe_exec_memory:1",
				    "READ_IMPLIES_EXEC would make every "
				    "readable mapping executable");
		break;
	case MSYS_CLONE:
		if (c->ptrace_only &&
		    (c->raw[c->clone_flags_arg] & CLONE_UNTRACED_FLAG))
			refuse(v, p, EPERM, "CLONE_UNTRACED would start a "
			       "child that nobody traces");
		break;
	case MSYS_CLONE3:
		if (!c->ptrace_only)
			break;
		verdict_set(v, p, CAT_BYPASS, "bypass", ENOSYS, NULL,
			    "clone3 takes its flags from memory; refused so "
			    "that clone is used");
		/* Routine: glibc falls back to clone. No record. */
		v->act = ACT_FILTER;
		break;
	default:
		break;
	}
}

const struct check check_bypass = {
	.name = "bypass",
	.enabled = bypass_enabled,
	.filter = bypass_filter,
	.run = bypass_run,
};
