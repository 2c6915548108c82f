/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The memory sandbox: mem/vm_max bounds the virtual size (VmSize),
 * mem/max the proportional set size (PSS). A call is refused when the
 * current value, plus what the process's other threads were allowed
 * and have not yet got (pending: their calls have not returned, so
 * VmSize may not show it), plus the size it asks for reaches the
 * limit.
 *
 * The size a call asks for, in whole pages:
 *   brk        the growth above the current break (a shrink passes)
 *   mmap, mmap2, old_mmap   the length
 *   mremap     new - old, or the new size with MREMAP_DONTUNMAP
 *   shmat      the segment's size
 *   mprotect   nothing
 *
 * At exec (MSYS_EXEC, the program only) nothing is asked for: the new
 * program's VmSize (a large .bss grows it without a call) must already
 * be below the limits, or the program is killed.
 *
 * setrlimit and prlimit64 that would raise RLIMIT_AS past mem/vm_max
 * are refused (EPERM): the tracer gives the kernel mem/vm_max as
 * RLIMIT_AS, which bounds what grows without a call (the stack, by
 * page faults).
 *
 * Facts are asked for in order of cost: the break (brk) or the
 * segment's size (shmat), then VmSize, then PSS only when VmSize +
 * pending + requested reaches mem/max, since PSS never exceeds
 * VmSize. A fact that could not be read refuses the call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
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

bool mem_limits_on(const struct policy *p)
{
	return mem_enabled(p);
}

/* The calls that may grow the process. */
static bool mem_call(enum msys s)
{
	return s == MSYS_BRK || msys_is_mmap(s) || s == MSYS_MREMAP ||
	       s == MSYS_SHMAT;
}

/* The calls that can grow the process: those above, and ipc(SHMAT). */
static bool growing(const struct mcall *c)
{
	int shmid;

	return mem_call(c->sys) || call_shmat(c, &shmid);
}

static bool rlimit_call(enum msys s)
{
	return s == MSYS_SETRLIMIT || s == MSYS_PRLIMIT64;
}

static void mem_filter(enum msys s, const struct policy *p,
		       struct filter_need *n)
{
	/* Whether a call grows the process depends on its size and, for
	 * brk, mremap and shmat, on the state of the process: stop
	 * always. The resource of the rlimit calls is an unsigned int
	 * that seccomp sees in a full register: stop whatever it is, but
	 * not for a prlimit64 that only asks (new_rlim NULL), which the
	 * C library's start-up makes in every program (RLIMIT_STACK). */
	if (mem_call(s) || (s == MSYS_SETRLIMIT && p->mem_vm_max))
		filter_need_always(n);
	else if (s == MSYS_PRLIMIT64 && p->mem_vm_max)
		filter_need_cmp(n, 2, COND_NE, 0);
	else if (s == MSYS_IPC)
		filter_need_eq(n, 0, IPC_CALL_MASK, IPC_SHMAT);
}

/* The growing calls this check judges: an exec's program, not its
 * interpreter (the process's size was judged with the program). */
static bool judged(const struct mcall *c)
{
	return growing(c) || (c->sys == MSYS_EXEC && !c->exec_interp);
}

/* The fact the size a call asks for comes from, 0 if the call alone
 * says it. brk(0) is a query. */
static unsigned size_fact(const struct mcall *c)
{
	if (c->sys == MSYS_BRK && c->brk != 0)
		return FACT_BRK;
	int shmid;

	if (call_shmat(c, &shmid))
		return FACT_SHM;
	return 0;
}

/* brk needs the current break: not known when not gathered or failed. */
bool mem_request(const struct mcall *c, const struct facts *f,
		 uint64_t *req)
{
	uint64_t want;
	int shmid;

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
	case MSYS_IPC:
		if (!call_shmat(c, &shmid))
			return true;	/* grows nothing */
		/* fall through */
	case MSYS_SHMAT:
		if (!(f->have & FACT_SHM) || (f->failed & FACT_SHM))
			return false;
		*req = page_align(f->shm_size);
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
	unsigned size = size_fact(c);
	uint64_t req;

	if (!judged(c))
		return 0;
	if (size && !(f->have & size) && !(f->failed & size))
		return size;
	if (!mem_request(c, f, &req) || (req == 0 && c->sys != MSYS_EXEC))
		return 0;		/* failed size: refused, no more reads */
	if (!(f->have & FACT_VMSIZE) && !(f->failed & FACT_VMSIZE))
		return FACT_VMSIZE;
	if (!have(f, FACT_VMSIZE))
		return 0;		/* refused without PSS */
	uint64_t want = sat_add(sat_add(f->vmsize, f->pending), req);
	/* A bound that reaches a limit settles nothing: read VmSize. */
	if (f->vmsize_bound && !(f->failed & FACT_VMSIZE_EXACT) &&
	    ((p->mem_vm_max && want >= p->mem_vm_max) ||
	     (p->mem_max && want >= p->mem_max)))
		return FACT_VMSIZE_EXACT;
	/* Refused on VmSize already: PSS cannot change that. */
	if (p->mem_vm_max && want >= p->mem_vm_max)
		return 0;
	/* PSS <= VmSize: only when VmSize + requested reaches mem/max. */
	if (p->mem_max && want >= p->mem_max)
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

uint64_t mem_headroom(uint64_t need)
{
	const uint64_t mib = (uint64_t)1 << 20;
	uint64_t pct = need / 100 * MEM_HEADROOM_PCT +
		       need % 100 * MEM_HEADROOM_PCT / 100;
	uint64_t room = pct > MEM_HEADROOM_MIN ? pct : MEM_HEADROOM_MIN;

	if (need > UINT64_MAX - room - mib)
		return UINT64_MAX;
	uint64_t m = need + room;
	return (m / mib + (m % mib != 0)) * mib;
}

/* The current value, what is pending and what is requested. */
struct usage {
	uint64_t cur, pending, req;
};

static uint64_t usage_sum(const struct usage *u)
{
	return sat_add(sat_add(u->cur, u->pending), u->req);
}

static void deny_limit(const struct mcall *c, const struct policy *p,
		       struct verdict *v, const char *what, const char *key,
		       uint64_t limit, const struct usage *u)
{
	char tip[64], size[32], pend[48] = "";

	/* Room above what this call needed: the rerun must pass. */
	friendly_size(mem_headroom(sat_add(usage_sum(u), 1)), size,
		      sizeof(size));
	snprintf(tip, sizeof(tip), "%s:%s", key, size);
	if (c->sys == MSYS_EXEC) {
		verdict_set(v, p, CAT_MEM, "mem", ENOMEM, tip,
			    "%s %" PRIu64 " of the new program >= %s %"
			    PRIu64, what, u->cur, key, limit);
		return;
	}
	if (u->pending)
		snprintf(pend, sizeof(pend), " + %" PRIu64 " pending",
			 u->pending);
	verdict_set(v, p, CAT_MEM, "mem", ENOMEM, tip,
		    "%s %" PRIu64 "%s + %" PRIu64 " requested >= %s %" PRIu64,
		    what, u->cur, pend, u->req, key, limit);
}

static void deny_unread(const struct policy *p, struct verdict *v,
			const char *what, const char *key, uint64_t limit)
{
	verdict_set(v, p, CAT_MEM, "mem", ENOMEM, "sandbox/mem:off",
		    "cannot read %s (%s %" PRIu64 ")", what, key, limit);
}

/*
 * setrlimit(RLIMIT_AS, new) and prlimit64(pid, RLIMIT_AS, new, old):
 * the kernel reads the resource as an unsigned int. The new limits
 * were read by the tracer (the i386 setrlimit's 32-bit infinity made
 * UINT64_MAX).
 */
bool mem_rlimit_as(const struct mcall *c)
{
	int res = c->sys == MSYS_SETRLIMIT ? 0 : 1;

	return rlimit_call(c->sys) && (uint32_t)c->raw[res] == RLIMIT_AS &&
	       c->raw[res + 1] != 0;
}

bool rlimit_sets(const struct mcall *c)
{
	return c->sys == MSYS_SETRLIMIT ||
	       (c->sys == MSYS_PRLIMIT64 && c->raw[2] != 0);
}

static void rlimit_run(const struct mcall *c, const struct policy *p,
		       struct verdict *v)
{
	char tip[64], size[32];

	if (!p->mem_vm_max || !mem_rlimit_as(c))
		return;
	if (c->rlim_unreadable) {
		verdict_set(v, p, CAT_MEM, "mem", EPERM, "sandbox/mem:off",
			    "cannot read the new RLIMIT_AS (mem/vm_max %"
			    PRIu64 ")", p->mem_vm_max);
		return;
	}
	uint64_t most = c->rlim_cur > c->rlim_max ? c->rlim_cur : c->rlim_max;
	if (most <= p->mem_vm_max)
		return;
	/* A limit that allows it; none for RLIM_INFINITY ("0"). */
	friendly_size(most, size, sizeof(size));
	snprintf(tip, sizeof(tip), "mem/vm_max:%s", size);
	verdict_set(v, p, CAT_MEM, "mem", EPERM, tip,
		    "RLIMIT_AS soft %" PRIu64 " hard %" PRIu64 " would exceed "
		    "mem/vm_max %" PRIu64, c->rlim_cur, c->rlim_max,
		    p->mem_vm_max);
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

/* The decision; *req the size asked for, and whether it is known. */
static bool mem_decide(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v,
		       uint64_t *req)
{
	/* The tighter limit names the rule in a fail-closed record. */
	const char *key = p->mem_vm_max ? "mem/vm_max" : "mem/max";
	uint64_t limit = p->mem_vm_max ? p->mem_vm_max : p->mem_max;
	struct usage u = { .pending = f->pending };

	if (!mem_request(c, f, &u.req)) {
		deny_unread(p, v, c->sys != MSYS_BRK ? "the segment's size"
			    : "the current break", key, limit);
		return false;
	}
	*req = u.req;
	if (u.req == 0 && c->sys != MSYS_EXEC)
		return true;
	if (!have(f, FACT_VMSIZE) || (f->vmsize_bound &&
				       (f->failed & FACT_VMSIZE_EXACT))) {
		deny_unread(p, v, "VmSize", key, limit);
		return true;
	}
	u.cur = f->vmsize;
	if (p->mem_vm_max && usage_sum(&u) >= p->mem_vm_max) {
		deny_limit(c, p, v, "VmSize", "mem/vm_max", p->mem_vm_max, &u);
		return true;
	}
	if (!p->mem_max || usage_sum(&u) < p->mem_max)
		return true;
	if (!have(f, FACT_PSS)) {
		deny_unread(p, v, "PSS", "mem/max", p->mem_max);
		return true;
	}
	u.cur = f->pss;
	if (usage_sum(&u) >= p->mem_max)
		deny_limit(c, p, v, "PSS", "mem/max", p->mem_max, &u);
	return true;
}

static void mem_run(const struct mcall *c, const struct facts *f,
		    const struct policy *p, struct verdict *v)
{
	uint64_t req = 0;

	if (rlimit_call(c->sys)) {
		rlimit_run(c, p, v);
		return;
	}
	if (!judged(c))
		return;
	bool known = mem_decide(c, f, p, v, &req);
	mem_fields(f, p, known, req, v);
}

const struct check check_mem = {
	.name = "mem",
	.enabled = mem_enabled,
	.filter = mem_filter,
	.needs = mem_needs,
	.run = mem_run,
};
