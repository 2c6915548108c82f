/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * W^X's exec gain as a pure decision: an mprotect or pkey_mprotect
 * asking for PROT_EXEC is allowed only over memory that is executable
 * everywhere now; facts that could not be read refuse it. At exec,
 * the segments the kernel mapped and READ_IMPLIES_EXEC.
 */
#include <errno.h>
#include <sys/mman.h>

#include "checks/checks.h"
#include "testsuite/unit/unit.h"

#define GAIN "making non-executable memory executable"

static struct mcall protect(enum msys sys, uint64_t prot)
{
	struct mcall c = unit_call(sys);

	c.addr = 0x10000;
	c.len = 8192;
	c.prot = prot;
	return c;
}

/* Anonymous memory (no file behind it), protections as given. */
static struct facts range(bool writable, bool noexec)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.have = FACT_RANGE_PROT | FACT_FD;
	f.range_mapped = true;
	f.range_writable = writable;
	f.range_noexec = noexec;
	f.range_exec = !noexec;
	return f;
}

/* The facts at exec: mappings as range() and the personality. */
static struct facts exec_facts(unsigned long persona)
{
	struct facts f = range(false, false);

	f.have |= FACT_PERSONA;
	f.persona = persona;
	return f;
}

static struct verdict decide(const char *rule, const struct mcall *c,
			     const struct facts *f)
{
	struct policy p;
	struct verdict v;

	unit_policy(&p, "unit", &rule, 1);
	check_call(c, f, &p, &v);
	policy_free(&p);
	return v;
}

static bool refused(const struct verdict *v, const char *msg)
{
	return v->act == ACT_DENY && v->err == EACCES && v->check &&
	       !strcmp(v->check, "wx") && !strcmp(v->msg, msg) &&
	       !strcmp(v->tip, "trace/allow_unsafe_exec_memory:1");
}

int main(void)
{
	static const enum msys both[] = { MSYS_MPROTECT, MSYS_PKEY_MPROTECT };

	for (int i = 0; i < 2; i++) {
		struct mcall c = protect(both[i], PROT_READ | PROT_EXEC);
		struct facts f;
		struct verdict v;

		UNIT_CASE(i ? "wxgain/pkey-needs-range" : "wxgain/needs-range") {
			struct policy p;
			policy_init(&p);
			EXPECT(check_needs(&c, &p) & FACT_RANGE_PROT);
			struct mcall r = protect(both[i], PROT_READ);
			EXPECT(!(check_needs(&r, &p) & FACT_RANGE_PROT));
			policy_free(&p);
		}
		UNIT_CASE(i ? "wxgain/pkey-noexec" : "wxgain/noexec") {
			f = range(false, true);
			v = decide(NULL, &c, &f);
			EXPECT(refused(&v, GAIN));
		}
		UNIT_CASE(i ? "wxgain/pkey-writable" : "wxgain/writable") {
			f = range(true, true);
			v = decide(NULL, &c, &f);
			EXPECT(refused(&v, "making writable memory executable"));
		}
		UNIT_CASE(i ? "wxgain/pkey-hole" : "wxgain/hole") {
			/* Mapped parts executable, a hole: not executable. */
			f = range(false, true);
			f.range_mapped = false;
			f.range_exec = true;
			v = decide(NULL, &c, &f);
			EXPECT(refused(&v, GAIN));
		}
		UNIT_CASE(i ? "wxgain/pkey-already-exec" : "wxgain/already-exec") {
			f = range(false, false);
			v = decide(NULL, &c, &f);
			EXPECT(v.act == ACT_ALLOW);
			struct mcall x = protect(both[i], PROT_EXEC);
			v = decide(NULL, &x, &f);
			EXPECT(v.act == ACT_ALLOW);
		}
		UNIT_CASE(i ? "wxgain/pkey-wx" : "wxgain/wx") {
			struct mcall w = protect(both[i], PROT_READ | PROT_WRITE |
						PROT_EXEC);
			f = range(false, false);
			v = decide(NULL, &w, &f);
			EXPECT(refused(&v, "writable and executable protection"));
		}
		UNIT_CASE(i ? "wxgain/pkey-unreadable" : "wxgain/unreadable") {
			f = range(false, false);
			f.have &= ~FACT_RANGE_PROT;
			f.failed |= FACT_RANGE_PROT;
			v = decide(NULL, &c, &f);
			EXPECT(refused(&v, "cannot read the range's protection"));
		}
		UNIT_CASE(i ? "wxgain/pkey-tip" : "wxgain/tip") {
			f = range(false, true);
			v = decide("trace/allow_unsafe_exec_memory:1", &c, &f);
			EXPECT(v.act == ACT_ALLOW);
			v = decide("default/wx:warn", &c, &f);
			EXPECT(v.act == ACT_WARN && !strcmp(v.msg, GAIN));
		}
	}
	struct mcall x = protect(MSYS_EXEC, PROT_READ | PROT_EXEC);
	UNIT_CASE("wxgain/exec-needs-range") {
		struct policy p;
		policy_init(&p);
		EXPECT(check_needs(&x, &p) & FACT_RANGE_PROT);
		/* The personality with the program, not its interpreter. */
		EXPECT(check_needs(&x, &p) & FACT_PERSONA);
		struct mcall xi = x;
		xi.exec_interp = true;
		EXPECT(!(check_needs(&xi, &p) & FACT_PERSONA));
		policy_free(&p);
	}
	/* READ_IMPLIES_EXEC after the exec: W^X refuses it (the tracer
	 * kills a refused exec), with its action and tip. */
	UNIT_CASE("wxgain/exec-read-implies-exec") {
		struct facts f = exec_facts(0x0400000);
		struct verdict v = decide(NULL, &x, &f);
		EXPECT(refused(&v, "READ_IMPLIES_EXEC is set (personality "
			       "0x400000), every readable mapping would be "
			       "executable"));
		EXPECT_STR(v.tip, "trace/allow_unsafe_exec_memory:1");
		/* Other flags alone are nothing to W^X. */
		f = exec_facts(0x0008000);	/* ADDR_NO_RANDOMIZE... */
		v = decide(NULL, &x, &f);
		EXPECT(v.act == ACT_ALLOW || strcmp(v.check, "wx"));
		/* The category's action: --learn's warn warns. */
		f = exec_facts(0x0400000);
		struct policy p;
		char err[256];
		policy_init(&p);
		EXPECT(policy_apply(&p, "default/wx:warn", "test", err,
				    sizeof(err)) == 0);
		verdict_clear(&v);
		check_wx.run(&x, &f, &p, &v);
		EXPECT(v.act == ACT_WARN && v.check &&
		       !strcmp(v.check, "wx"));
		policy_free(&p);
		v = decide("trace/allow_unsafe_exec_memory:1", &x, &f);
		EXPECT(v.act == ACT_ALLOW || strcmp(v.check, "wx"));
		/* The interpreter's check does not judge it again. */
		struct mcall xi = x;
		xi.exec_interp = true;
		v = decide(NULL, &xi, &f);
		EXPECT(v.act == ACT_ALLOW || strcmp(v.check, "wx"));
	}
	UNIT_CASE("wxgain/exec-personality-unreadable") {
		struct facts f = exec_facts(0);
		f.have &= ~FACT_PERSONA;
		f.failed |= FACT_PERSONA;
		snprintf(f.persona_err, sizeof(f.persona_err),
			 "memtrace may not read the personality");
		struct verdict v = decide(NULL, &x, &f);
		EXPECT(refused(&v, "memtrace may not read the personality; "
			       "whether READ_IMPLIES_EXEC (every readable "
			       "mapping executable) is set cannot be known "
			       "(fail closed)"));
		/* Never gathered counts as unreadable too. */
		f = exec_facts(0);
		f.have &= ~FACT_PERSONA;
		v = decide(NULL, &x, &f);
		EXPECT(v.act == ACT_DENY && v.check && !strcmp(v.check, "wx"));
	}
	UNIT_CASE("wxgain/exec-rwx-segment") {
		struct facts f = exec_facts(0);
		f.range_wx = true;
		struct verdict v = decide(NULL, &x, &f);
		EXPECT(refused(&v, "a writable and executable segment (the "
			       "program's or its interpreter's)"));
		/* (The file checks have no facts here: only W^X counts.) */
		v = decide("trace/allow_unsafe_exec_memory:1", &x, &f);
		EXPECT(v.act == ACT_ALLOW || strcmp(v.check, "wx"));
	}
	UNIT_CASE("wxgain/exec-clean") {
		struct facts f = exec_facts(0);
		struct verdict v = decide(NULL, &x, &f);
		EXPECT(v.act == ACT_ALLOW || strcmp(v.check, "wx"));
	}
	UNIT_CASE("wxgain/exec-unreadable") {
		struct facts f = exec_facts(0);
		f.have &= ~FACT_RANGE_PROT;
		f.failed |= FACT_RANGE_PROT;
		struct verdict v = decide(NULL, &x, &f);
		EXPECT(refused(&v, "cannot read the mappings made at exec"));
	}
	UNIT_DONE();
}
