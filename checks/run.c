/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of checks, and running them over one call. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "checks/checks.h"

/*
 * The order is Syd's: it decides which answer a call that several
 * checks refuse gets, errno and action both (and a kill is not an
 * ENOMEM). Arguments memtrace cannot read first, then W^X (Syd's
 * seccomp filter, before its handler), then as Syd's handler runs:
 * mremap's arguments (EINVAL, whatever the limits), the file checks
 * (append-only before the writable-fd rule, the executable stack
 * before Force), and the memory limits after all of them.
 */
static const struct check *const checks[] = {
	&check_args,
	&check_bypass,
	&check_wx,
	&check_mremap,
	&check_append,
	&check_fd,
	&check_exec, &check_tpe, &check_stack, &check_force,
	&check_mem,
};
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

/*
 * The checks a frozen policy enables, in order (checks_freeze). The
 * tracer's policy does not change once it is read, and asking every
 * check whether it is on, at each round of each stop, was most of a
 * stop's work in user space.
 */
static struct {
	const struct policy *p;
	const struct check *on[NCHECKS];
	size_t n;
} frozen;

void checks_freeze(const struct policy *p)
{
	frozen.p = p;
	frozen.n = 0;
	for (size_t i = 0; p && i < NCHECKS; i++)
		if (checks[i]->enabled(p))
			frozen.on[frozen.n++] = checks[i];
}

/* The checks p enables: the frozen list, or found now in buf. */
static const struct check *const *enabled_checks(const struct policy *p,
						 const struct check **buf,
						 size_t *n)
{
	if (p == frozen.p) {
		*n = frozen.n;
		return frozen.on;
	}
	*n = 0;
	for (size_t i = 0; i < NCHECKS; i++)
		if (checks[i]->enabled(p))
			buf[(*n)++] = checks[i];
	return buf;
}

bool msys_is_mprotect(enum msys s)
{
	return s == MSYS_MPROTECT || s == MSYS_PKEY_MPROTECT;
}

bool map_shared(uint64_t flags)
{
	uint64_t type = flags & MAP_TYPE;

	return type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
}

void filter_need_always(struct filter_need *n)
{
	n->always = true;
}

static struct filter_cond *new_cond(struct filter_need *n)
{
	if (n->ncond == FILTER_MAX_CONDS) {
		n->always = true;	/* too many to test: stop always */
		return NULL;
	}
	struct filter_cond *c = &n->cond[n->ncond++];
	memset(c, 0, sizeof(*c));
	return c;
}

void filter_need_bits(struct filter_need *n, int arg, uint64_t mask)
{
	for (int i = 0; i < n->ncond; i++) {
		if (n->cond[i].arg == arg && n->cond[i].op == COND_BITS) {
			n->cond[i].mask |= mask;
			return;
		}
	}
	struct filter_cond *c = new_cond(n);
	if (c) {
		c->arg = arg;
		c->mask = mask;
	}
}

void filter_need_eq_and_bits(struct filter_need *n, int arg, uint64_t mask,
			     uint64_t value, int and_arg, uint64_t and_bits)
{
	for (int i = 0; i < n->ncond; i++) {
		const struct filter_cond *c = &n->cond[i];
		if (c->arg == arg && c->op == COND_EQ && c->mask == mask &&
		    c->value == value && c->and_arg == and_arg &&
		    c->and_bits == and_bits)
			return;
	}
	struct filter_cond *c = new_cond(n);
	if (c) {
		c->arg = arg;
		c->op = COND_EQ;
		c->mask = mask;
		c->value = value;
		c->and_arg = and_arg;
		c->and_bits = and_bits;
	}
}

void filter_need_eq(struct filter_need *n, int arg, uint64_t mask,
		    uint64_t value)
{
	filter_need_eq_and_bits(n, arg, mask, value, 0, 0);
}

void filter_need_cmp(struct filter_need *n, int arg, enum cond_op op,
		     uint64_t value)
{
	for (int i = 0; i < n->ncond; i++)
		if (n->cond[i].arg == arg && n->cond[i].op == op &&
		    n->cond[i].value == value && !n->cond[i].mask &&
		    !n->cond[i].and_bits)
			return;
	struct filter_cond *c = new_cond(n);
	if (c) {
		c->arg = arg;
		c->op = op;
		c->value = value;
	}
}

void filter_need_tracer_pid(struct filter_need *n, int arg)
{
	filter_need_cmp(n, arg, COND_TRACER_PID, 0);
}

void filter_need_errno(struct filter_need *n, int e)
{
	n->fail_errno = e;
}

void check_filter_needs(enum msys s, const struct policy *p,
			struct filter_need *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < NCHECKS; i++)
		if (checks[i]->filter && checks[i]->enabled(p))
			checks[i]->filter(s, p, out);
	/* old_mmap's arguments are in memory, where seccomp cannot look:
	 * a condition on them can only be met by stopping always. */
	if (s == MSYS_OLD_MMAP && out->ncond) {
		out->always = true;
		out->ncond = 0;
	}
}

unsigned check_needs_more(const struct mcall *c, const struct policy *p,
			  const struct facts *f)
{
	const struct check *buf[NCHECKS];
	size_t n;
	const struct check *const *on = enabled_checks(p, buf, &n);
	unsigned want = 0;

	for (size_t i = 0; i < n; i++)
		if (on[i]->needs)
			want |= on[i]->needs(c, p, f);
	return want & ~(f->have | f->failed);
}

unsigned check_needs(const struct mcall *c, const struct policy *p)
{
	/* Static: a facts is 5 KiB, and this runs at every stop. */
	static const struct facts none;

	return check_needs_more(c, p, &none);
}

/* An empty verdict. Not a memset: a verdict is 5 KiB, and this runs
 * for every check at every stop. */
void verdict_clear(struct verdict *v)
{
	v->act = ACT_ALLOW;
	v->err = 0;
	v->cat = CAT_WX;
	v->check = NULL;
	v->msg[0] = v->tip[0] = v->path[0] = '\0';
	v->has_path = false;
	v->mem_have = 0;
}

const char *const *check_order(void)
{
	static const char *names[NCHECKS + 1];

	for (size_t i = 0; i < NCHECKS; i++)
		names[i] = checks[i]->name;
	return names;
}

void check_call_warn(const struct mcall *c, const struct facts *f,
		     const struct policy *p, struct verdict *v,
		     warn_fn *warned, void *arg)
{
	const struct check *buf[NCHECKS];
	size_t n;
	const struct check *const *on = enabled_checks(p, buf, &n);
	struct verdict one;
	bool warned_once = false;

	verdict_clear(v);
	for (size_t i = 0; i < n; i++) {
		verdict_clear(&one);
		on[i]->run(c, f, p, &one);
		if (action_denies(one.act)) {
			*v = one;
			return;
		}
		if (one.act != ACT_WARN)
			continue;
		if (warned)
			warned(&one, arg);
		if (!warned_once)
			*v = one;
		warned_once = true;
	}
}

void check_call(const struct mcall *c, const struct facts *f,
		const struct policy *p, struct verdict *v)
{
	check_call_warn(c, f, p, v, NULL, NULL);
}

void verdict_set(struct verdict *v, const struct policy *p,
		 enum category cat, const char *check, int err,
		 const char *tip, const char *fmt, ...)
{
	va_list ap;

	v->act = p->deflt[cat];
	v->cat = cat;
	v->check = check;
	v->err = err;
	snprintf(v->tip, sizeof(v->tip), "%s", tip ? tip : "");
	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
}

/* More rounds than any check asks for: a fetcher that never marks a
 * fact cannot loop. */
#define FACT_ROUNDS 8

/*
 * A file's path is read where a check matches it (FACT_PATH in its
 * needs), and else only where a record may name it: the checks are run
 * once on what is known, and where they warn or refuse, the path is
 * read (and the caller runs them again, with it). Most file calls are
 * allowed without one. True where that run allowed the call: *v is
 * then its verdict, the same a run with the path would give.
 */
static bool allowed_without_path(const struct mcall *c,
				 const struct policy *p, fetch_fn *fetch,
				 void *arg, struct facts *f, struct verdict *v)
{
	if (!(f->have & FACT_FD) || !f->fd_exists ||
	    (f->have & FACT_PATH) || (f->failed & FACT_PATH))
		return false;
	check_call(c, f, p, v);
	if (v->act == ACT_ALLOW)
		return true;
	fetch(c, p, FACT_PATH, f, arg);
	return false;
}

static void gather_rounds(const struct mcall *c, const struct policy *p,
			  fetch_fn *fetch, void *arg, struct facts *f)
{
	unsigned want = check_needs(c, p);

	for (int round = 0; want && round < FACT_ROUNDS; round++) {
		fetch(c, p, want & ~(f->have | f->failed), f, arg);
		want = check_needs_more(c, p, f);
	}
}

void check_facts(const struct mcall *c, const struct policy *p,
		 fetch_fn *fetch, void *arg, struct facts *f)
{
	struct verdict v;

	gather_rounds(c, p, fetch, arg, f);
	allowed_without_path(c, p, fetch, arg, f, &v);
}

/* A call allowed on the facts without its path is decided by that one
 * run of the checks (no warning came, or the verdict would say so). */
void check_decide(const struct mcall *c, const struct policy *p,
		  fetch_fn *fetch, void *arg, struct facts *f,
		  struct verdict *v, warn_fn *warned, void *warn_arg)
{
	gather_rounds(c, p, fetch, arg, f);
	if (allowed_without_path(c, p, fetch, arg, f, v))
		return;
	check_call_warn(c, f, p, v, warned, warn_arg);
}
