/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * checks/mem: the size each call asks for, the limits (>=), the order
 * facts are asked in (PSS only when VmSize + requested reaches
 * mem/max), failing closed, the filter, and tips that allow the call
 * they were written for.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/checks.h"
#include "testsuite/unit/unit.h"

#define K 1024ULL
#define M (1024ULL * 1024)
#define PG 4096ULL

/* What /proc would say; which reads fail. */
struct world {
	uint64_t vmsize, pss, brk, shm;
	uint64_t pending;	/* passed by the tracer, not gathered */
	unsigned fail;
	uint64_t bound;		/* the tracer's VmSize bound, if not 0 */
};

/* The facts of a world, answered to checks/'s rounds (check_decide,
 * as the tracer's are), noting every fact asked for, in order. */
struct run {
	struct facts f;
	struct verdict v;
	unsigned asked[8];
	int rounds;
	unsigned all;
};

struct answer {
	const struct world *w;
	struct run *r;
};

static void fetch(const struct mcall *c, const struct policy *p,
		  unsigned want, struct facts *f, void *arg)
{
	const struct answer *a = arg;
	const struct world *w = a->w;
	struct run *r = a->r;
	unsigned fails = want & w->fail;

	if (r->rounds < 8)
		r->asked[r->rounds] = want;
	r->rounds++;
	r->all |= want;
	f->failed |= fails;
	f->have |= want & ~fails;
	/* As tracer/facts.c: the bound where one is kept, unless VmSize
	 * itself is asked for. */
	if ((want & FACT_VMSIZE) && w->bound && !(want & FACT_VMSIZE_EXACT)) {
		f->vmsize = w->bound;
		f->vmsize_bound = true;
	} else if (fails & FACT_VMSIZE_EXACT) {
		f->failed |= FACT_VMSIZE;	/* what was there is not VmSize */
	} else if (want & (FACT_VMSIZE | FACT_VMSIZE_EXACT)) {
		f->vmsize = w->vmsize;
		f->vmsize_bound = false;
		f->have |= FACT_VMSIZE;
	}
	if (want & FACT_PSS)
		f->pss = w->pss;
	if (want & FACT_BRK)
		f->cur_brk = w->brk;
	if (want & FACT_SHM)
		f->shm_size = w->shm;
}

static void decide(const struct mcall *c, const struct policy *p,
		   const struct world *w, struct run *r)
{
	struct answer a = { w, r };

	memset(r, 0, sizeof(*r));
	r->f.pending = w->pending;
	check_decide(c, p, fetch, &a, &r->f, &r->v, NULL, NULL);
}

static void pol(struct policy *p, const char *r1, const char *r2,
		const char *r3)
{
	const char *rules[] = { r1, r2, r3 };

	if (unit_policy(p, "mem/setup", rules, 3) < 0)
		exit(1);
}

static struct mcall mmap_call(enum msys s, uint64_t len)
{
	struct mcall c = unit_call(s);

	c.len = len;
	c.prot = PROT_READ | PROT_WRITE;
	c.flags = MAP_PRIVATE | MAP_ANONYMOUS;
	c.fd = -1;
	return c;
}

static struct mcall brk_call(uint64_t brk)
{
	struct mcall c = mmap_call(MSYS_BRK, 0);

	c.brk = brk;
	return c;
}

static struct mcall mremap_call(uint64_t old_len, uint64_t new_len,
				uint64_t flags)
{
	struct mcall c = mmap_call(MSYS_MREMAP, 0);

	c.addr = 0x10000000;
	c.old_len = old_len;
	c.new_len = new_len;
	c.flags = flags;
	return c;
}

static bool denied(const struct run *r)
{
	return action_denies(r->v.act);
}

/* Allowed exactly when vmsize + req < limit, at the boundary. */
static void boundary(const struct mcall *c, uint64_t req)
{
	struct policy p;
	struct world w = { .brk = 0x555555560000ULL };
	struct run r;

	pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
	w.vmsize = 64 * M - req - 1;
	decide(c, &p, &w, &r);
	EXPECT(!denied(&r));
	w.vmsize = 64 * M - req;
	decide(c, &p, &w, &r);
	EXPECT(denied(&r));
	EXPECT(r.v.err == ENOMEM);
	EXPECT_STR(r.v.check, "mem");
	EXPECT(r.v.cat == CAT_MEM);
	EXPECT(r.v.act == ACT_DENY);
	/* One page less in use, and the call passes: req is exact. */
	w.vmsize = 64 * M - req - PG;
	decide(c, &p, &w, &r);
	EXPECT(!denied(&r));
	policy_free(&p);
}

/* The tip, applied over the same policy, allows the same call. */
static void tip_allows(const char **base_rules,
		       const struct mcall *c, const struct world *w,
		       const char *want_tip)
{
	struct policy p;
	struct run r;
	char err[256];

	pol(&p, base_rules[0], base_rules[1], base_rules[2]);
	decide(c, &p, w, &r);
	EXPECT(denied(&r));
	if (want_tip)
		EXPECT_STR(r.v.tip, want_tip);
	EXPECT(policy_apply(&p, r.v.tip, "tip", err, sizeof(err)) == 0);
	decide(c, &p, w, &r);
	EXPECT(!denied(&r));
	EXPECT(r.v.act == ACT_ALLOW);
	policy_free(&p);
}

int main(void)
{
	struct policy p;
	struct world w;
	struct run r;
	struct mcall c;

	if (sysconf(_SC_PAGESIZE) != (long)PG) {
		UNIT_SKIP("mem/all", "the cases are written for 4 KiB pages");
		return 0;
	}

	UNIT_CASE("mem/enabled") {
		c = mmap_call(MSYS_MMAP, 1ULL << 40);
		w = (struct world){ .vmsize = 1ULL << 40 };
		pol(&p, "mem/vm_max:1M", "mem/max:1M", NULL);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);	/* sandbox off */
		policy_free(&p);
		pol(&p, "sandbox/mem:on", NULL, NULL);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);	/* no limit */
		policy_free(&p);
		pol(&p, "sandbox/mem:on", "mem/vm_max:1M", "mem/vm_max:0");
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		policy_free(&p);
	}

	UNIT_CASE("mem/filter") {
		struct filter_need n;
		/* W^X off, so only mem speaks. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:1G",
		    "trace/allow_unsafe_exec_memory:1");
		enum msys stop[] = { MSYS_BRK, MSYS_MMAP, MSYS_MMAP2,
				     MSYS_OLD_MMAP, MSYS_MREMAP };
		/* What mem itself asks for... */
		EXPECT(check_mem.enabled(&p));
		for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
			memset(&n, 0, sizeof(n));
			check_mem.filter(stop[i], &p, &n);
			EXPECT(n.always);
			/* ...and the merged filter. */
			check_filter_needs(stop[i], &p, &n);
			EXPECT(n.always);
		}
		memset(&n, 0, sizeof(n));
		check_mem.filter(MSYS_MPROTECT, &p, &n);
		EXPECT(!n.always && n.ncond == 0);
		check_mem.filter(MSYS_PKEY_MPROTECT, &p, &n);
		EXPECT(!n.always && n.ncond == 0);
		policy_free(&p);
		/* The default policy: brk never stops (no check can deny
		 * it), old_mmap always (its arguments are in memory). */
		pol(&p, NULL, NULL, NULL);
		EXPECT(!check_mem.enabled(&p));
		check_filter_needs(MSYS_BRK, &p, &n);
		EXPECT(!n.always && n.ncond == 0);
		check_filter_needs(MSYS_OLD_MMAP, &p, &n);
		EXPECT(n.always);
		policy_free(&p);
		/* The switch alone, without a limit, changes nothing. */
		pol(&p, "sandbox/mem:on", NULL, NULL);
		EXPECT(!check_mem.enabled(&p));
		check_filter_needs(MSYS_BRK, &p, &n);
		EXPECT(!n.always && n.ncond == 0);
		policy_free(&p);
	}

	UNIT_CASE("mem/mmap-boundary") {
		c = mmap_call(MSYS_MMAP, 1 * M);
		boundary(&c, 1 * M);
	}
	UNIT_CASE("mem/mmap2-boundary") {
		c = mmap_call(MSYS_MMAP2, 3 * M);
		boundary(&c, 3 * M);
	}
	UNIT_CASE("mem/old_mmap-boundary") {
		c = mmap_call(MSYS_OLD_MMAP, 2 * M);
		boundary(&c, 2 * M);
	}
	UNIT_CASE("mem/mmap-length-page-aligned") {
		c = mmap_call(MSYS_MMAP, 1);
		boundary(&c, PG);
		c = mmap_call(MSYS_MMAP, PG + 1);
		boundary(&c, 2 * PG);
	}
	UNIT_CASE("mem/old_mmap-unreadable") {
		/* Refused by args (EFAULT), never by mem, no facts read. */
		c = mmap_call(MSYS_OLD_MMAP, 0);
		c.block_unreadable = true;
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		w = (struct world){ .vmsize = 63 * M };
		decide(&c, &p, &w, &r);
		EXPECT(r.all == 0);
		EXPECT(r.v.err == EFAULT);
		EXPECT_STR(r.v.check, "args");
		policy_free(&p);
	}
	UNIT_CASE("mem/mmap-huge-length") {
		/* A length that cannot be page-aligned asks for everything. */
		c = mmap_call(MSYS_MMAP, UINT64_MAX - 5);
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		w = (struct world){ .vmsize = 1 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		/* No finite limit allows it: the tip lifts the limit. */
		EXPECT_STR(r.v.tip, "mem/vm_max:0");
		policy_free(&p);
	}

	UNIT_CASE("mem/brk-growth") {
		/* The break from maps is page-rounded: growth counts whole
		 * pages above it. */
		uint64_t cur = 0x555555560000ULL;
		c = brk_call(cur + 1);
		boundary(&c, PG);
		c = brk_call(cur + 5 * PG);
		boundary(&c, 5 * PG);
		c = brk_call(cur + 5 * PG - 1);
		boundary(&c, 5 * PG);
	}
	UNIT_CASE("mem/brk-order") {
		uint64_t cur = 0x555555560000ULL;
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		w = (struct world){ .vmsize = 10 * M, .brk = cur };
		c = brk_call(cur + PG);
		decide(&c, &p, &w, &r);
		EXPECT(r.rounds == 2);
		EXPECT(r.asked[0] == FACT_BRK && r.asked[1] == FACT_VMSIZE);
		EXPECT(!denied(&r));
		policy_free(&p);
	}
	UNIT_CASE("mem/brk-shrink-and-query-pass") {
		uint64_t cur = 0x555555560000ULL;
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "mem/max:64M");
		w = (struct world){ .vmsize = 64 * M, .pss = 64 * M,
				    .brk = cur };
		/* brk(0) is a query: nothing to read. */
		c = brk_call(0);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		/* A shrink: only the break is read. */
		c = brk_call(cur - 16 * PG);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == FACT_BRK);
		/* Inside the page the rounded break already covers. */
		c = brk_call(cur - 100);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == FACT_BRK);
		c = brk_call(cur);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == FACT_BRK);
		/* But one byte above it is a page of growth. */
		c = brk_call(cur + 1);
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		policy_free(&p);
	}

	UNIT_CASE("mem/mremap-growth") {
		c = mremap_call(1 * M, 3 * M, MREMAP_MAYMOVE);
		boundary(&c, 2 * M);
		/* new - old, each page-aligned. */
		c = mremap_call(PG + 1, 2 * PG + 1, MREMAP_MAYMOVE);
		boundary(&c, PG);
		/* old_len 0 duplicates a shared mapping: all of it is new. */
		c = mremap_call(0, 1 * M, MREMAP_MAYMOVE);
		boundary(&c, 1 * M);
	}
	UNIT_CASE("mem/mremap-dontunmap") {
		c = mremap_call(1 * M, 1 * M,
				MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
		boundary(&c, 1 * M);
	}
	UNIT_CASE("mem/mremap-shrink-passes") {
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "mem/max:64M");
		w = (struct world){ .vmsize = 100 * M, .pss = 100 * M };
		c = mremap_call(3 * M, 1 * M, 0);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		c = mremap_call(3 * M, 3 * M - 5, MREMAP_MAYMOVE);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		policy_free(&p);
	}
	UNIT_CASE("mem/mprotect-never") {
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "mem/max:64M");
		w = (struct world){ .vmsize = 100 * M, .pss = 100 * M };
		c = mmap_call(MSYS_MPROTECT, 10 * M);
		c.prot = PROT_READ;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		c.sys = MSYS_PKEY_MPROTECT;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		policy_free(&p);
	}

	UNIT_CASE("mem/pss-only-when-vmsize-reaches-max") {
		pol(&p, "sandbox/mem:on", "mem/max:64M", NULL);
		c = mmap_call(MSYS_MMAP, 1 * M);
		/* VmSize + req < max: PSS cannot reach it, not read. */
		w = (struct world){ .vmsize = 63 * M - 1, .pss = 63 * M - 1 };
		memset(&r.f, 0, sizeof(r.f));
		EXPECT(check_needs(&c, &p) == FACT_VMSIZE);
		r.f.have = FACT_VMSIZE;
		r.f.vmsize = w.vmsize;
		EXPECT(check_needs_more(&c, &p, &r.f) == 0);
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == FACT_VMSIZE);
		/* VmSize + req == max: PSS is asked for, in a second round. */
		r.f.vmsize = 63 * M;
		EXPECT(check_needs_more(&c, &p, &r.f) == FACT_PSS);
		r.f.have |= FACT_PSS;
		EXPECT(check_needs_more(&c, &p, &r.f) == 0);
		policy_free(&p);
	}
	UNIT_CASE("mem/pss-boundary") {
		pol(&p, "sandbox/mem:on", "mem/max:64M", NULL);
		c = mmap_call(MSYS_MMAP, 1 * M);
		w = (struct world){ .vmsize = 1ULL << 32, .pss = 63 * M - 1 };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		EXPECT(r.rounds == 2 && r.asked[0] == FACT_VMSIZE &&
		       r.asked[1] == FACT_PSS);
		w.pss = 63 * M;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == ENOMEM);
		EXPECT_STR(r.v.msg, "PSS 66060288 + 1048576 requested >= "
				    "mem/max 67108864");
		EXPECT_STR(r.v.tip, "mem/max:81M");
		policy_free(&p);
	}
	UNIT_CASE("mem/both-limits") {
		pol(&p, "sandbox/mem:on", "mem/max:64M", "mem/vm_max:1G");
		c = mmap_call(MSYS_MMAP, 1 * M);
		/* vm_max first. */
		w = (struct world){ .vmsize = 1023 * M, .pss = 1 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT(!(r.all & FACT_PSS));
		EXPECT_STR(r.v.msg, "VmSize 1072693248 + 1048576 requested "
				    ">= mem/vm_max 1073741824");
		EXPECT_STR(r.v.tip, "mem/vm_max:1281M");
		/* Under vm_max, PSS decides. */
		w = (struct world){ .vmsize = 512 * M, .pss = 64 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.tip, "mem/max:82M");
		policy_free(&p);
	}

	UNIT_CASE("mem/failed-facts-deny") {
		uint64_t cur = 0x555555560000ULL;
		pol(&p, "sandbox/mem:on", "mem/max:64M", "mem/vm_max:1G");
		c = mmap_call(MSYS_MMAP, PG);
		w = (struct world){ .vmsize = 1 * M, .fail = FACT_VMSIZE };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == ENOMEM);
		EXPECT(!(r.all & FACT_PSS));
		EXPECT_STR(r.v.msg, "cannot read VmSize (mem/vm_max "
				    "1073741824)");
		/* PSS needed and unreadable. */
		w = (struct world){ .vmsize = 64 * M, .fail = FACT_PSS };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.msg, "cannot read PSS (mem/max 67108864)");
		/* The break unreadable: refused, nothing more read. */
		c = brk_call(cur + PG);
		w = (struct world){ .vmsize = 1 * M, .brk = cur,
				    .fail = FACT_BRK };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.all == FACT_BRK);
		/* Facts never gathered at all count as failed. */
		memset(&r.f, 0, sizeof(r.f));
		c = mmap_call(MSYS_MMAP, PG);
		check_call(&c, &r.f, &p, &r.v);
		EXPECT(denied(&r));
		c = brk_call(cur + PG);
		check_call(&c, &r.f, &p, &r.v);
		EXPECT(denied(&r));
		policy_free(&p);
	}

	UNIT_CASE("mem/actions") {
		static const char *const acts[] = {
			"warn", "filter", "deny", "panic", "stop", "abort",
			"kill", "exit"
		};
		c = mmap_call(MSYS_MMAP, 2 * M);
		w = (struct world){ .vmsize = 63 * M };
		for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
			char rule[64];
			enum action a;
			snprintf(rule, sizeof(rule), "default/mem:%s", acts[i]);
			pol(&p, "sandbox/mem:on", "mem/vm_max:64M", rule);
			decide(&c, &p, &w, &r);
			EXPECT(action_parse(acts[i], &a) == 0);
			EXPECT(r.v.act == a);
			EXPECT(r.v.err == ENOMEM);
			policy_free(&p);
		}
		/* Another category's default does not apply. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "default/wx:kill");
		decide(&c, &p, &w, &r);
		EXPECT(r.v.act == ACT_DENY);
		policy_free(&p);
	}

	UNIT_CASE("mem/fields") {
		/* The numbers of a denial, for Syd's mem_* record fields. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "mem/max:32M");
		c = mmap_call(MSYS_MMAP, 2 * M);
		w = (struct world){ .vmsize = 31 * M, .pss = 31 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT(r.v.mem_have == (MEMF_MAX | MEMF_CUR | MEMF_VM_MAX |
					MEMF_VM_CUR | MEMF_SIZE));
		EXPECT(r.v.mem_max == 32 * M && r.v.mem_vm_max == 64 * M);
		EXPECT(r.v.mem_cur == 31 * M && r.v.mem_vm_cur == 31 * M);
		EXPECT(r.v.mem_size == 2 * M);
		/* Refused on VmSize: PSS was never read. */
		w = (struct world){ .vmsize = 63 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && !(r.v.mem_have & MEMF_CUR));
		EXPECT(r.v.mem_vm_cur == 63 * M);
		/* Allowed: no numbers. */
		w = (struct world){ .vmsize = 1 * M, .pss = 1 * M };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.v.mem_have == 0);
		policy_free(&p);
	}

	UNIT_CASE("mem/tip-allows-same-call") {
		const char *vm[3] = { "sandbox/mem:on", "mem/vm_max:64M",
				      NULL };
		const char *pss[3] = { "sandbox/mem:on", "mem/max:64M",
				       "mem/vm_max:1T" };
		uint64_t cur = 0x555555560000ULL;
		/* 64M - 1M + 1M + 1 = 64M + 1, + 25%: 81M. */
		c = mmap_call(MSYS_MMAP, 1 * M);
		w = (struct world){ .vmsize = 63 * M, .pss = 63 * M };
		tip_allows(vm, &c, &w, "mem/vm_max:81M");
		tip_allows(pss, &c, &w, "mem/max:81M");
		/* Small values get at least 4 MiB of room. */
		const char *small[3] = { "sandbox/mem:on", "mem/vm_max:8K",
					 NULL };
		c = mmap_call(MSYS_MMAP, PG);
		w = (struct world){ .vmsize = 2 * PG };
		tip_allows(small, &c, &w, "mem/vm_max:5120K");
		w = (struct world){ .vmsize = 15 * K };
		tip_allows(small, &c, &w, "mem/vm_max:5120K");
		w = (struct world){ .vmsize = 20 * K };
		tip_allows(small, &c, &w, "mem/vm_max:5120K");
		/* Values that are not round. */
		c = brk_call(cur + 3 * PG + 7);
		w = (struct world){ .vmsize = 100 * M + 12345, .brk = cur };
		tip_allows(vm, &c, &w, "mem/vm_max:126M");
		c = mremap_call(1 * M, 5 * (1ULL << 30) + 1 * M, MREMAP_MAYMOVE);
		w = (struct world){ .vmsize = 17ULL << 30, .pss = 40 * M };
		tip_allows(vm, &c, &w, "mem/vm_max:28G");
		tip_allows(pss, &c, &w, "mem/max:6451M");
		/* A limit that is reached by the call alone. */
		c = mmap_call(MSYS_MMAP, 1ULL << 44);
		w = (struct world){ .vmsize = 10 * M, .pss = 1 * M };
		tip_allows(vm, &c, &w, "mem/vm_max:21T");
		c = mmap_call(MSYS_MMAP, UINT64_MAX - PG);
		tip_allows(vm, &c, &w, "mem/vm_max:0");
	}

	UNIT_CASE("mem/pending-counts") {
		/* Other threads' allowed calls that have not returned: in
		 * the sum for both limits, and in the record. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		c = mmap_call(MSYS_MMAP, 30 * M);
		w = (struct world){ .vmsize = 4 * M, .pending = 30 * M - 1 };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		w.pending = 30 * M;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.msg, "VmSize 4194304 + 31457280 pending + "
				    "31457280 requested >= mem/vm_max 67108864");
		EXPECT_STR(r.v.tip, "mem/vm_max:81M");
		policy_free(&p);
		/* PSS: asked for when VmSize + pending + req reaches it. */
		pol(&p, "sandbox/mem:on", "mem/max:64M", NULL);
		w = (struct world){ .vmsize = 4 * M, .pss = 4 * M,
				    .pending = 30 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && (r.all & FACT_PSS));
		EXPECT_STR(r.v.msg, "PSS 4194304 + 31457280 pending + "
				    "31457280 requested >= mem/max 67108864");
		w.pending = 0;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && !(r.all & FACT_PSS));
		policy_free(&p);
	}

	UNIT_CASE("mem/exec") {
		/* The new program's size, nothing requested; not again for
		 * its interpreter. */
		memset(&c, 0, sizeof(c));
		c.sys = MSYS_EXEC;
		c.pers = "x86_64";
		c.fd = -1;
		char err[256];
		/* The stack and W^X segment checks off: they have no
		 * file to look at here. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M",
		    "trace/allow_unsafe_exec_stack:1");
		EXPECT(policy_apply(&p, "trace/allow_unsafe_exec_memory:1",
				    "test", err, sizeof(err)) == 0);
		EXPECT(policy_apply(&p, "mem/max:32M", "test", err,
				    sizeof(err)) == 0);
		w = (struct world){ .vmsize = 64 * M - 1, .pss = 1 * M };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && (r.all & FACT_VMSIZE));
		w.vmsize = 64 * M;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == ENOMEM && r.v.cat == CAT_MEM);
		EXPECT_STR(r.v.msg, "VmSize 67108864 of the new program >= "
				    "mem/vm_max 67108864");
		EXPECT_STR(r.v.tip, "mem/vm_max:81M");
		w = (struct world){ .vmsize = 40 * M, .pss = 32 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.msg, "PSS 33554432 of the new program >= "
				    "mem/max 33554432");
		c.exec_interp = true;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		policy_free(&p);
	}

	UNIT_CASE("mem/shmat") {
		/* The segment's size, from a fact; unreadable: refused. */
		c = mmap_call(MSYS_SHMAT, 0);
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M",
		    "trace/allow_unsafe_exec_memory:1");
		struct filter_need n;
		check_filter_needs(MSYS_SHMAT, &p, &n);
		EXPECT(n.always);
		w = (struct world){ .vmsize = 4 * M, .shm = 60 * M - PG - 1 };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		EXPECT(r.asked[0] == FACT_SHM && r.asked[1] == FACT_VMSIZE);
		w.shm = 60 * M - PG + 1;	/* a page more, once rounded */
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == ENOMEM);
		EXPECT_STR(r.v.msg, "VmSize 4194304 + 62914560 requested >= "
				    "mem/vm_max 67108864");
		w.fail = FACT_SHM;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.all == FACT_SHM);
		EXPECT_STR(r.v.msg, "cannot read the segment's size "
				    "(mem/vm_max 67108864)");
		policy_free(&p);
	}

	UNIT_CASE("mem/rlimit-as") {
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		struct filter_need n;
		check_filter_needs(MSYS_SETRLIMIT, &p, &n);
		EXPECT(n.always);
		/* prlimit64 stops where it sets limits: new_rlim, all
		 * its bits, not NULL; a query (ld.so's RLIMIT_STACK at
		 * every start) runs unstopped. */
		check_filter_needs(MSYS_PRLIMIT64, &p, &n);
		EXPECT(!n.always && n.ncond == 1 && n.cond[0].arg == 2 &&
		       n.cond[0].op == COND_NE && n.cond[0].value == 0);
		w = (struct world){ .vmsize = 1 * M };
		/* setrlimit(RLIMIT_AS, {64M, 64M}): at the limit, allowed. */
		c = mmap_call(MSYS_SETRLIMIT, 0);
		c.raw[0] = 9;
		c.raw[1] = 0x7ffc0000;
		c.rlim_cur = c.rlim_max = 64 * M;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		c.rlim_max = 64 * M + 1;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == EPERM && r.v.cat == CAT_MEM);
		EXPECT_STR(r.v.tip, "mem/vm_max:65M");
		c.rlim_cur = c.rlim_max = UINT64_MAX;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.tip, "mem/vm_max:0");
		c.rlim_unreadable = true;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == EPERM);
		/* Another resource, or only reading: not this check's. */
		c.raw[0] = 3;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		/* prlimit64(pid, resource, new, old): the resource is an
		 * unsigned int, high bits ignored as the kernel does. */
		c = mmap_call(MSYS_PRLIMIT64, 0);
		c.raw[1] = (1ULL << 32) | 9;
		c.raw[2] = 0x7ffc0000;
		c.rlim_cur = c.rlim_max = UINT64_MAX;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		c.raw[2] = 0;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		policy_free(&p);
		/* mem/max alone sets no RLIMIT_AS: nothing refused. */
		pol(&p, "sandbox/mem:on", "mem/max:64M", NULL);
		c.raw[2] = 0x7ffc0000;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		check_filter_needs(MSYS_PRLIMIT64, &p, &n);
		EXPECT(!n.always);
		policy_free(&p);
	}

	UNIT_CASE("mem/frozen-policy") {
		/* A frozen policy's checks are found once; another policy
		 * is asked as before. */
		struct policy q;
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		pol(&q, "sandbox/mem:off", NULL, NULL);
		c = mmap_call(MSYS_MMAP, 1 * M);
		unsigned before = check_needs(&c, &p);
		checks_freeze(&p);
		EXPECT(check_needs(&c, &p) == before);
		EXPECT(before & FACT_VMSIZE);
		EXPECT(!(check_needs(&c, &q) & FACT_VMSIZE));
		w = (struct world){ .vmsize = 63 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		decide(&c, &q, &w, &r);
		EXPECT(!denied(&r));
		checks_freeze(NULL);
		policy_free(&q);
		policy_free(&p);
	}
	UNIT_CASE("mem/bound-settles") {
		/* A bound below the limit decides: VmSize is not read. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", "mem/max:64M");
		c = mmap_call(MSYS_MMAP, 1 * M);
		w = (struct world){ .vmsize = 4 * M, .bound = 62 * M };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == FACT_VMSIZE);
		policy_free(&p);
	}
	UNIT_CASE("mem/bound-reaches-limit") {
		/* A bound that reaches a limit: VmSize is read and decides,
		 * and a denial gives the VmSize read. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		c = mmap_call(MSYS_MMAP, 1 * M);
		w = (struct world){ .vmsize = 4 * M, .bound = 63 * M };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		EXPECT(r.asked[0] == FACT_VMSIZE &&
		       r.asked[1] == FACT_VMSIZE_EXACT);
		w.vmsize = 63 * M;
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.v.err == ENOMEM);
		EXPECT_STR(r.v.msg, "VmSize 66060288 + 1048576 requested >= "
				    "mem/vm_max 67108864");
		/* mem/max alone: the bound asks the same before PSS. */
		policy_free(&p);
		pol(&p, "sandbox/mem:on", "mem/max:64M", NULL);
		w = (struct world){ .vmsize = 4 * M, .pss = 4 * M,
				    .bound = 63 * M };
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && !(r.all & FACT_PSS));
		EXPECT(r.all & FACT_VMSIZE_EXACT);
		policy_free(&p);
	}
	UNIT_CASE("mem/bound-read-fails") {
		/* VmSize cannot be read where the bound settles nothing:
		 * refused, fail closed. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		c = mmap_call(MSYS_MMAP, 1 * M);
		w = (struct world){ .vmsize = 4 * M, .bound = 63 * M,
				    .fail = FACT_VMSIZE_EXACT };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r));
		EXPECT_STR(r.v.msg, "cannot read VmSize (mem/vm_max 67108864)");
		policy_free(&p);
	}
	UNIT_CASE("mem/ipc-shmat") {
		/* i386's ipc(SHMAT): stopped and judged as shmat, the
		 * segment's id in arg1; other ipc calls grow nothing. */
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M",
		    "trace/allow_unsafe_exec_memory:1");
		struct filter_need n;
		check_filter_needs(MSYS_IPC, &p, &n);
		EXPECT(n.ncond == 1 && n.cond[0].arg == 0 &&
		       n.cond[0].mask == 0xffff && n.cond[0].value == 21 &&
		       !n.cond[0].and_bits);
		c = mmap_call(MSYS_IPC, 0);
		c.raw[0] = 21 | (1 << 16);	/* SHMAT, version 1 */
		c.raw[1] = 7;
		int id = 0;
		EXPECT(call_shmat(&c, &id) && id == 7);
		w = (struct world){ .vmsize = 4 * M, .shm = 61 * M };
		decide(&c, &p, &w, &r);
		EXPECT(denied(&r) && r.asked[0] == FACT_SHM);
		w.shm = 59 * M;
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r));
		c.raw[0] = 22;			/* SHMDT */
		decide(&c, &p, &w, &r);
		EXPECT(!denied(&r) && r.all == 0);
		policy_free(&p);
	}

	UNIT_DONE();
}
