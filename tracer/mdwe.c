/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel's own W^X as a second wall behind the wx check:
 * prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux 6.3) makes the
 * kernel refuse writable and executable mappings and any mprotect that
 * makes memory executable that is not executable now. It is inherited
 * by children and across exec, and cannot be lifted. memtrace's check
 * refuses all of that and more, and stops the call first with a
 * record; the kernel's wall still holds where a check cannot, such as
 * another thread changing the range between the check and the call.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "tracer/tracer.h"

#define PR_SET_MDWE_ 65
#define PR_GET_MDWE_ 66
#define PR_MDWE_REFUSE_EXEC_GAIN_ 1UL

bool mdwe_available(void)
{
	/* PR_GET_MDWE came with PR_SET_MDWE; older kernels: EINVAL. */
	return prctl(PR_GET_MDWE_, 0UL, 0UL, 0UL, 0UL) >= 0;
}

/* The policy refuses exec gain (W^X on, its action not allow or warn)
 * and --no-mdwe was not given. */
bool mdwe_wanted(void)
{
	return !T.opt.no_mdwe && !T.pol->allow_unsafe_exec_memory &&
	       action_denies(T.pol->deflt[CAT_WX]);
}

/* In the child, before exec: the wall, where the kernel has one. A
 * failure leaves memtrace's checks alone in charge, and says so. */
void mdwe_set_in_child(void)
{
	if (!mdwe_wanted() || !mdwe_available())
		return;
	if (prctl(PR_SET_MDWE_, PR_MDWE_REFUSE_EXEC_GAIN_, 0UL, 0UL, 0UL) < 0)
		fprintf(stderr, "memtrace: cannot set PR_SET_MDWE (%s); W^X "
			"rests on memtrace's checks alone\n", strerror(errno));
}

/* -p: a running process cannot be given it; say so once. */
void mdwe_attach_note(void)
{
	if (mdwe_wanted() && mdwe_available())
		log_note("-p: the kernel's W^X (PR_SET_MDWE) cannot be "
			 "set on a running process; W^X rests on memtrace's "
			 "checks alone");
}

/* For -V. */
const char *mdwe_support(void)
{
	return mdwe_available() ? "yes (PR_SET_MDWE, set under W^X unless "
				  "--no-mdwe)"
				: "no (the kernel has no PR_SET_MDWE: Linux "
				  "before 6.3)";
}
