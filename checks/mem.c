/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The memory sandbox: mem/vm_max bounds the virtual size (VmSize),
 * mem/max the proportional set size (PSS). A call is refused when the
 * current value plus the size it asks for reaches the limit.
 *
 * The size a call asks for, in whole pages:
 *   brk        the growth above the current break (a shrink passes)
 *   mmap, mmap2, old_mmap   the length
 *   mremap     new - old, or the new size with MREMAP_DONTUNMAP
 *   mprotect   nothing
 *
 * Facts are asked for in order of cost: the break (brk only), then
 * VmSize, then PSS only when VmSize + requested reaches mem/max, since
 * PSS never exceeds VmSize. A fact that could not be read refuses the
 * call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "checks/checks.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

uint64_t page_size(void)
{
	static uint64_t ps;

	if (!ps) {
		long v = sysconf(_SC_PAGESIZE);
		ps = v > 0 ? (uint64_t)v : 4096;
	}
	return ps;
}

/* Round up to a page; a length that cannot be rounded saturates. */
uint64_t page_align(uint64_t v)
{
	uint64_t ps = page_size();

	if (v > UINT64_MAX - (ps - 1))
		return UINT64_MAX;
	return (v + ps - 1) & ~(ps - 1);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static bool mem_enabled(const struct policy *p)
{
	return p->sandbox_mem && (p->mem_max || p->mem_vm_max);
}

static bool mem_call(enum msys s)
{
	return s == MSYS_BRK || msys_is_mmap(s) || s == MSYS_MREMAP;
}

static void mem_filter(enum msys s, const struct policy *p,
		       struct filter_need *n)
{
	/* Whether a call grows the process depends on its size and, for
	 * brk and mremap, on the state of the process: stop always. */
	if (mem_call(s))
		filter_need_always(n);
}

/* The calls whose size is known from the call alone. */
static bool size_known(const struct mcall *c)
{
	/* brk(0) and a break below any heap are queries or shrinks. */
	return c->sys != MSYS_BRK || c->brk == 0;
}

/* brk needs the current break: not known when not gathered or failed. */
bool mem_request(const struct mcall *c, const struct facts *f,
		 uint64_t *req)
{
	uint64_t want;

	*req = 0;
	switch (c->sys) {
	case MSYS_BRK:
		if (c->brk == 0)
			return true;
		if (!(f->have & FACT_BRK) || (f->failed & FACT_BRK))
			return false;
		/* The break read from maps is page-rounded. */
		want = page_align(c->brk);
		*req = want > f->cur_brk ? want - f->cur_brk : 0;
		return true;
	case MSYS_MMAP:
	case MSYS_MMAP2:
	case MSYS_OLD_MMAP:
		/* An unreadable block is refused by the args check. */
		if (!c->block_unreadable)
			*req = page_align(c->len);
		return true;
	case MSYS_MREMAP:
		if (c->flags & MREMAP_DONTUNMAP) {
			*req = page_align(c->new_len);
		} else {
			uint64_t o = page_align(c->old_len);
			uint64_t n = page_align(c->new_len);
			*req = n > o ? n - o : 0;
		}
		return true;
	default:
		return true;
	}
}

uint64_t call_request(const struct mcall *c, const struct facts *f)
{
	uint64_t req;

	mem_request(c, f, &req);
	return req;
}

static bool have(const struct facts *f, unsigned bit)
{
	return (f->have & bit) && !(f->failed & bit);
}

static unsigned mem_needs(const struct mcall *c, const struct policy *p,
			  const struct facts *f)
{
	uint64_t req;

	if (!mem_call(c->sys))
		return 0;
	if (!size_known(c) && !(f->have & FACT_BRK) &&
	    !(f->failed & FACT_BRK))
		return FACT_BRK;
	if (!mem_request(c, f, &req) || req == 0)
		return 0;		/* failed break: refused, no more reads */
	if (!(f->have & FACT_VMSIZE) && !(f->failed & FACT_VMSIZE))
		return FACT_VMSIZE;
	if (!have(f, FACT_VMSIZE))
		return 0;		/* refused without PSS */
	/* Refused on VmSize already: PSS cannot change that. */
	if (p->mem_vm_max && sat_add(f->vmsize, req) >= p->mem_vm_max)
		return 0;
	/* PSS <= VmSize: only when VmSize + requested reaches mem/max. */
	if (p->mem_max && sat_add(f->vmsize, req) >= p->mem_max)
		return FACT_PSS;
	return 0;
}

/*
 * A size that parse_size() reads back, at least v: rounded up to the
 * largest binary unit of which v holds at least 16, so the number
 * stays readable and the slack small. "0" (no limit) if v overflows.
 */
static void friendly_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	if (v == UINT64_MAX) {
		snprintf(buf, len, "0");
		return;
	}
	for (int i = 0; i < 4; i++)
		if (v / ((uint64_t)1 << (10 * (i + 1))) >= 16)
			u = i;
	if (u < 0) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	uint64_t unit = (uint64_t)1 << (10 * (u + 1));
	uint64_t n = v / unit + (v % unit != 0);
	if (n > UINT64_MAX / unit) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%" PRIu64 "%c", n, units[u]);
}

static void deny_limit(const struct policy *p, struct verdict *v,
		       const char *what, const char *key, uint64_t limit,
		       uint64_t cur, uint64_t req)
{
	char tip[64], size[32];

	friendly_size(sat_add(sat_add(cur, req), 1), size, sizeof(size));
	snprintf(tip, sizeof(tip), "%s:%s", key, size);
	verdict_set(v, p, CAT_MEM, "mem", ENOMEM, tip,
		    "%s %" PRIu64 " + %" PRIu64 " requested >= %s %" PRIu64,
		    what, cur, req, key, limit);
}

static void deny_unread(const struct policy *p, struct verdict *v,
			const char *what, const char *key, uint64_t limit)
{
	verdict_set(v, p, CAT_MEM, "mem", ENOMEM, "sandbox/mem:off",
		    "cannot read %s (%s %" PRIu64 ")", what, key, limit);
}

/* The numbers of a denial, as fields of the record (Syd's mem_max,
 * mem_cur, mem_vm_max, mem_vm_cur, mem_size): those that are known. */
static void mem_fields(const struct facts *f, const struct policy *p,
		       bool req_known, uint64_t req, struct verdict *v)
{
	if (!action_denies(v->act) && v->act != ACT_WARN)
		return;
	v->mem_max = p->mem_max;
	v->mem_vm_max = p->mem_vm_max;
	v->mem_have = MEMF_MAX | MEMF_VM_MAX;
	if (have(f, FACT_VMSIZE)) {
		v->mem_vm_cur = f->vmsize;
		v->mem_have |= MEMF_VM_CUR;
	}
	if (have(f, FACT_PSS)) {
		v->mem_cur = f->pss;
		v->mem_have |= MEMF_CUR;
	}
	if (req_known) {
		v->mem_size = req;
		v->mem_have |= MEMF_SIZE;
	}
}

static void mem_decide(const struct mcall *c, const struct facts *f,
		       const struct policy *p, uint64_t req,
		       struct verdict *v)
{
	/* The tighter limit names the rule in a fail-closed record. */
	const char *key = p->mem_vm_max ? "mem/vm_max" : "mem/max";
	uint64_t limit = p->mem_vm_max ? p->mem_vm_max : p->mem_max;

	if (!have(f, FACT_VMSIZE)) {
		deny_unread(p, v, "VmSize", key, limit);
		return;
	}
	if (p->mem_vm_max && sat_add(f->vmsize, req) >= p->mem_vm_max) {
		deny_limit(p, v, "VmSize", "mem/vm_max", p->mem_vm_max,
			   f->vmsize, req);
		return;
	}
	if (!p->mem_max || sat_add(f->vmsize, req) < p->mem_max)
		return;
	if (!have(f, FACT_PSS)) {
		deny_unread(p, v, "PSS", "mem/max", p->mem_max);
		return;
	}
	if (sat_add(f->pss, req) >= p->mem_max)
		deny_limit(p, v, "PSS", "mem/max", p->mem_max, f->pss, req);
}

static void mem_run(const struct mcall *c, const struct facts *f,
		    const struct policy *p, struct verdict *v)
{
	uint64_t req;

	if (!mem_call(c->sys))
		return;
	if (!mem_request(c, f, &req)) {
		deny_unread(p, v, "the current break",
			    p->mem_vm_max ? "mem/vm_max" : "mem/max",
			    p->mem_vm_max ? p->mem_vm_max : p->mem_max);
		mem_fields(f, p, false, 0, v);
		return;
	}
	if (req == 0)
		return;
	mem_decide(c, f, p, req, v);
	mem_fields(f, p, true, req, v);
}

const struct check check_mem = {
	.name = "mem",
	.enabled = mem_enabled,
	.filter = mem_filter,
	.needs = mem_needs,
	.run = mem_run,
};
