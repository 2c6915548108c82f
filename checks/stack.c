/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Executable stacks: an executable mapping of an ELF file whose
 * PT_GNU_STACK has PF_X, or that has no PT_GNU_STACK on a machine
 * where that means an executable stack, is refused (EACCES) unless
 * trace/allow_unsafe_exec_stack:1. On by default.
 *
 * A file that cannot be read as ELF (truncated, malformed, or not ELF
 * at all) fails closed, the record naming the file and the ELF error:
 * what it would need of the stack cannot be known. Code in other
 * formats (Wine's PE images, JIT caches in files) therefore needs
 * trace/allow_unsafe_exec_stack:1, as the record's tip says.
 */
#include <errno.h>

#include "checks/elfstack.h"
#include "checks/filecheck.h"

#define TIP "trace/allow_unsafe_exec_stack:1"

static bool stack_enabled(const struct policy *p)
{
	return !p->allow_unsafe_exec_stack;
}

/* The ELF headers only once the file is known to be there. */
static unsigned stack_needs(const struct mcall *c, const struct policy *p,
			    const struct facts *f)
{
	if (!file_exec_call(c))
		return 0;
	return file_known(f) ? FACT_FD | FACT_ELF : FACT_FD;
}

static void stack_run(const struct mcall *c, const struct facts *f,
		      const struct policy *p, struct verdict *v)
{
	if (!file_exec_call(c))
		return;
	if (file_unknown(c, f, p, CAT_STACK, "stack", TIP, v))
		return;
	if (!(f->have & FACT_ELF)) {
		verdict_set(v, p, CAT_STACK, "stack", EACCES, TIP,
			    "cannot read the ELF headers (fail closed)");
		v->act = fail_closed_action(v->act);
		file_path(f, v);
		return;
	}
	switch ((enum elf_stack)f->elf_stack) {
	case ELF_STACK_NOEXEC:
		return;
	case ELF_STACK_NOT_ELF:
		/* No stack header to read: what the file would do with
		 * the stack is unknown, so fail closed. */
		verdict_set(v, p, CAT_STACK, "stack", EACCES, TIP,
			    "%s (fail closed)",
			    f->elf_err[0] ? f->elf_err : "not an ELF file");
		v->act = fail_closed_action(v->act);
		break;
	case ELF_STACK_EXEC:
		verdict_set(v, p, CAT_STACK, "stack", EACCES, TIP,
			    "executable stack requested (PT_GNU_STACK "
			    "with PF_X)");
		break;
	case ELF_STACK_MISSING_EXEC:
		verdict_set(v, p, CAT_STACK, "stack", EACCES, TIP,
			    "no PT_GNU_STACK: the stack is executable by "
			    "default on this machine");
		break;
	case ELF_STACK_ERROR:
	default:
		verdict_set(v, p, CAT_STACK, "stack", EACCES, TIP,
			    "malformed ELF file (fail closed): %s",
			    f->elf_err[0] ? f->elf_err : "unknown error");
		v->act = fail_closed_action(v->act);
		break;
	}
	file_path(f, v);
}

const struct check check_stack = {
	.name = "stack",
	.enabled = stack_enabled,
	.filter = file_filter,
	.needs = stack_needs,
	.run = stack_run,
};
