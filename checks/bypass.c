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
 *  - clone(CLONE_UNTRACED) would start a child nobody traces: its exec
 *    is never checked, and with the filter its memory calls stop for
 *    whoever traces it instead (a parent it PTRACE_TRACEMEs to lets
 *    them all run). Refused in both modes. clone3's flags live in
 *    memory another thread can rewrite after the check: clone3 fails
 *    with ENOSYS (in the kernel where the filter runs), and the C
 *    library falls back to clone, whose flags are in a register.
 *  - ptrace(PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_TRACEME): a tracee that
 *    traces another takes its seccomp stops (a process parked by the
 *    stop action keeps memtrace's filter) and lets every memory call
 *    run. Refused unless trace/allow_unsafe_ptrace:1; a debugger
 *    outside the traced tree is not memtrace's to stop.
 *  - memtrace itself: attaching to it, writing into it with
 *    process_vm_writev, or a pidfd of it (pidfd_getfd takes its files)
 *    would let a tracee rewrite the policy. memtrace is non-dumpable,
 *    which keeps other users out; these refusals keep root out too,
 *    whatever the policy says.
 *  - prctl(PR_SET_DUMPABLE, 0): a non-dumpable tracee's /proc files
 *    are closed to a memtrace without CAP_SYS_PTRACE, which could then
 *    check none of its calls.
 * Arguments are compared at the kernel's width: seccomp's op, prctl's
 * option, personality and pids are ints, whatever the register holds
 * above them.
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
#define PR_SET_DUMPABLE_ 4
#define PTRACE_TRACEME_ 0
#define PTRACE_ATTACH_ 16
#define PTRACE_SEIZE_ 0x4206
#define PTRACE_TIP "trace/allow_unsafe_ptrace:1"

static bool bypass_enabled(const struct policy *p)
{
	return true;
}

static void bypass_filter(enum msys s, const struct policy *p,
			  struct filter_need *n)
{
	switch (s) {
	case MSYS_SECCOMP:
		filter_need_eq(n, 0, WIDTH32, SET_MODE_FILTER);
		break;
	case MSYS_PRCTL:
		filter_need_eq(n, 0, WIDTH32, PR_SET_SECCOMP_);
		filter_need_eq(n, 0, WIDTH32, PR_SET_DUMPABLE_);
		break;
	case MSYS_PERSONALITY:
		if (!p->allow_unsafe_exec_memory)
			filter_need_bits(n, 0, READ_IMPLIES_EXEC);
		break;
	case MSYS_CLONE:
		filter_need_bits(n, ARG_CLONE_FLAGS, CLONE_UNTRACED_FLAG);
		break;
	case MSYS_CLONE3:
		filter_need_errno(n, ENOSYS);
		break;
	case MSYS_PTRACE:
		/* The request is a long on 64-bit personalities but an
		 * int on compat ones (x32 among them): compared at 32
		 * bits, which at worst stops a call the kernel would
		 * refuse. Attaching to memtrace is refused even when
		 * ptrace is allowed. */
		if (p->allow_unsafe_ptrace) {
			filter_need_tracer_pid(n, 1);
			break;
		}
		filter_need_eq(n, 0, WIDTH32, PTRACE_ATTACH_);
		filter_need_eq(n, 0, WIDTH32, PTRACE_SEIZE_);
		filter_need_eq(n, 0, WIDTH32, PTRACE_TRACEME_);
		break;
	case MSYS_PROCESS_VM_WRITEV:
	case MSYS_PIDFD_OPEN:
		filter_need_tracer_pid(n, 0);
		break;
	default:
		break;
	}
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

/* memtrace protects itself whatever the bypass action says. */
static void refuse_self(struct verdict *v, const struct policy *p,
			const char *what)
{
	verdict_set(v, p, CAT_BYPASS, "bypass", EPERM, NULL,
		    "%s would let a tracee rewrite memtrace", what);
	if (!action_denies(v->act))
		v->act = ACT_DENY;
}

static bool is_tracer(const struct mcall *c, uint64_t pid)
{
	return c->tracer_pid > 0 && (uint32_t)pid == (uint32_t)c->tracer_pid;
}

static void ptrace_run(const struct mcall *c, const struct policy *p,
		       struct verdict *v)
{
	uint32_t req = (uint32_t)c->raw[0];
	bool attach = req == PTRACE_ATTACH_ || req == PTRACE_SEIZE_;

	if (attach && is_tracer(c, c->raw[1]))
		refuse_self(v, p, "attaching to memtrace");
	else if ((attach || req == PTRACE_TRACEME_) && !p->allow_unsafe_ptrace)
		verdict_set(v, p, CAT_BYPASS, "bypass", EPERM, PTRACE_TIP,
			    "a traced process that traces another would "
			    "take its stops from memtrace");
}

static void prctl_run(const struct mcall *c, const struct policy *p,
		      struct verdict *v)
{
	uint32_t option = (uint32_t)c->raw[0];

	if (option == PR_SET_SECCOMP_ && c->raw[1] == MODE_FILTER &&
	    c->trace_data_untrusted)
		refuse(v, p, EPERM, FORGE);
	else if (option == PR_SET_DUMPABLE_ && c->raw[1] == 0)
		refuse(v, p, EPERM, "a non-dumpable process closes its /proc "
		       "files to memtrace, which could not check its calls");
}

static void bypass_run(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	switch (c->sys) {
	case MSYS_SECCOMP:
		if ((uint32_t)c->raw[0] != SET_MODE_FILTER)
			break;
		if (c->raw[1] & FLAG_NEW_LISTENER)
			refuse(v, p, EPERM, "a seccomp filter with a "
			       "user-notification listener could let memory "
			       "calls run unseen");
		else if (c->trace_data_untrusted)
			refuse(v, p, EPERM, FORGE);
		break;
	case MSYS_PRCTL:
		prctl_run(c, p, v);
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
		if (c->raw[c->clone_flags_arg] & CLONE_UNTRACED_FLAG)
			refuse(v, p, EPERM, "CLONE_UNTRACED would start a "
			       "child that nobody traces");
		break;
	case MSYS_CLONE3:
		verdict_set(v, p, CAT_BYPASS, "bypass", ENOSYS, NULL,
			    "clone3 takes its flags from memory; refused so "
			    "that clone is used");
		/* Routine: glibc falls back to clone. No record. */
		v->act = ACT_FILTER;
		break;
	case MSYS_PTRACE:
		ptrace_run(c, p, v);
		break;
	case MSYS_PROCESS_VM_WRITEV:
		if (is_tracer(c, c->raw[0]))
			refuse_self(v, p, "writing into memtrace");
		break;
	case MSYS_PIDFD_OPEN:
		if (is_tracer(c, c->raw[0]))
			refuse_self(v, p, "a pidfd of memtrace");
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
