/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file checks (exec, tpe, force, stack) as pure functions: a call,
 * facts and a policy in, a verdict out. Every denial's tip is applied
 * to the policy as a rule and must then let the call through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/checks.h"
#include "checks/elfstack.h"
#include "checks/filecheck.h"
#include "checks/force.h"
#include "tracer/tracer.h"
#include "testsuite/unit/unit.h"

#define SHA_A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_B "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"

static struct mcall call(void)
{
	struct mcall c = unit_call(MSYS_MMAP);

	c.len = 4096;
	c.prot = PROT_READ | PROT_EXEC;
	c.flags = MAP_PRIVATE;
	c.fd = 3;
	return c;
}

/* An open, read-only file in a root-owned 0755 directory. */
static struct facts file(const char *path)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.have = FACT_FD | FACT_PATH | FACT_DIR;
	f.fd_exists = true;
	f.fd_flags = O_RDONLY;
	snprintf(f.path, sizeof(f.path), "%s", path);
	f.path_real = path[0] == '/';
	f.st.st_mode = S_IFREG | 0755;
	f.dir_ok = f.path_real;
	f.dir_st.st_mode = S_IFDIR | 0755;
	f.dir_st.st_uid = 0;
	f.proc_uid = 1000;
	f.have |= FACT_ELF;
	f.elf_stack = ELF_STACK_NOEXEC;
	return f;
}

static void pol(struct policy *p, ...)
{
	char err[512];
	va_list ap;
	const char *r;

	policy_init(p);
	va_start(ap, p);
	while ((r = va_arg(ap, const char *))) {
		if (policy_apply(p, r, "test", err, sizeof(err)) < 0) {
			printf("FAIL setup: %s\n", err);
			unit_failed_total++;
		}
	}
	va_end(ap);
}

static void run(const struct check *k, const struct mcall *c,
		const struct facts *f, const struct policy *p,
		struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->act = ACT_ALLOW;
	k->run(c, f, p, v);
}

/* The tip, applied as a rule, lets the call through that check. */
static bool tip_allows(const struct check *k, const struct mcall *c,
		       const struct facts *f, const struct policy *p0,
		       const char *tip)
{
	struct policy p;
	struct verdict v;
	char err[512];

	/* Rebuild p0 by dumping it and reading it back, then add the tip. */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	policy_dump(p0, m);
	fclose(m);
	policy_init(&p);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			policy_apply(&p, line, "dump", err, sizeof(err));
	free(buf);
	if (policy_apply(&p, tip, "tip", err, sizeof(err)) < 0) {
		printf("    tip does not parse: %s\n", err);
		policy_free(&p);
		return false;
	}
	bool ok = !k->enabled(&p);
	if (!ok) {
		run(k, c, f, &p, &v);
		ok = v.act == ACT_ALLOW;
	}
	policy_free(&p);
	return ok;
}

static void exec_tests(void)
{
	struct mcall c = call();
	struct facts f = file("/opt/app/lib/libx.so");
	struct policy p;
	struct verdict v;

	UNIT_CASE("exec/off") {
		pol(&p, NULL);
		EXPECT(!check_exec.enabled(&p));
		policy_free(&p);
	}
	UNIT_CASE("exec/no-match-default") {
		pol(&p, "sandbox/exec:on", NULL);
		run(&check_exec, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		EXPECT_STR(v.check, "exec");
		EXPECT_STR(v.msg, "no exec rule matched (default/exec:deny)");
		EXPECT_STR(v.tip, "allow/exec+/opt/app/lib/libx.so");
		EXPECT(v.has_path);
		EXPECT_STR(v.path, "/opt/app/lib/libx.so");
		EXPECT(tip_allows(&check_exec, &c, &f, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("exec/no-match-takes-default-action") {
		static const char *const acts[] = { "warn", "filter", "kill",
			"abort", "exit", "stop", "panic" };
		for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++) {
			char r[64];
			enum action a;
			snprintf(r, sizeof(r), "default/exec:%s", acts[i]);
			pol(&p, "sandbox/exec:on", r, NULL);
			run(&check_exec, &c, &f, &p, &v);
			EXPECT(action_parse(acts[i], &a) == 0 && v.act == a);
			policy_free(&p);
		}
		pol(&p, "sandbox/exec:on", "default/exec:allow", NULL);
		run(&check_exec, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("exec/allow-glob") {
		pol(&p, "sandbox/exec:on", "allow/exec+/opt/**/*.so", NULL);
		run(&check_exec, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("exec/deny-rule-is-deny") {
		pol(&p, "sandbox/exec:on", "default/exec:kill",
		    "allow/exec+/opt/***", "deny/exec+/opt/app/lib/lib?.so",
		    NULL);
		run(&check_exec, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		EXPECT_STR(v.msg, "deny/exec rule /opt/app/lib/lib?.so matched");
		EXPECT(tip_allows(&check_exec, &c, &f, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("exec/last-match-wins") {
		pol(&p, "sandbox/exec:on", "deny/exec+/opt/**",
		    "allow/exec+/opt/app/***", NULL);
		run(&check_exec, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("exec/tip-escapes-glob-characters") {
		struct facts g = file("/opt/a*b/[x]?\\.so");
		pol(&p, "sandbox/exec:on", "allow/exec+/opt/a*b/[x]?\\.so",
		    NULL);
		/* As a glob the rule matches other names, not this one. */
		run(&check_exec, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.tip, "allow/exec+/opt/a\\*b/\\[x]\\?\\\\.so");
		EXPECT(tip_allows(&check_exec, &c, &g, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("exec/deleted-and-memfd-never-match") {
		struct facts d = file("deleted:/opt/app/lib/libx.so");
		struct facts m = file("memfd:jit");
		pol(&p, "sandbox/exec:on", "allow/exec+/**",
		    "allow/exec+/opt/app/lib/libx.so", NULL);
		run(&check_exec, &c, &d, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.tip, "sandbox/exec:off");
		EXPECT_STR(v.path, "deleted:/opt/app/lib/libx.so");
		run(&check_exec, &c, &m, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.path, "memfd:jit");
		EXPECT(tip_allows(&check_exec, &c, &m, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("exec/fail-closed") {
		struct facts x = f;
		x.failed = FACT_FD;
		pol(&p, "sandbox/exec:on", "allow/exec+/**",
		    "default/exec:allow", NULL);
		run(&check_exec, &c, &x, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		policy_free(&p);
	}
	UNIT_CASE("exec/fd-not-open-is-ebadf") {
		struct facts x;
		memset(&x, 0, sizeof(x));
		x.have = FACT_FD;
		x.failed = FACT_FD;
		pol(&p, "sandbox/exec:on", "allow/exec+/**", NULL);
		run(&check_exec, &c, &x, &p, &v);
		EXPECT(v.act == ACT_FILTER && v.err == EBADF);
		policy_free(&p);
	}
	UNIT_CASE("exec/not-a-file-mapping") {
		struct mcall a = call(), w = call(), m = call();
		a.flags |= MAP_ANONYMOUS;
		a.fd = -1;
		w.prot = PROT_READ;
		m.sys = MSYS_MPROTECT;
		struct facts none;
		memset(&none, 0, sizeof(none));
		pol(&p, "sandbox/exec:on", NULL);
		run(&check_exec, &a, &none, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		run(&check_exec, &w, &none, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		/* mprotect adding PROT_EXEC is checked on the file behind
		 * the range: it asks for the file, passes anonymous memory
		 * and fails closed when the file cannot be read. */
		EXPECT(check_exec.needs(&m, &p, &none) ==
		       (FACT_FD | FACT_PATH));
		struct facts anon;
		memset(&anon, 0, sizeof(anon));
		anon.have = FACT_FD;
		run(&check_exec, &m, &anon, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		struct facts lost;
		memset(&lost, 0, sizeof(lost));
		lost.failed = FACT_FD;
		run(&check_exec, &m, &lost, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		EXPECT(check_exec.needs(&a, &p, &none) == 0);
		EXPECT(check_exec.needs(&c, &p, &none) == (FACT_FD | FACT_PATH));
		policy_free(&p);
	}
	UNIT_CASE("exec/program-at-exec") {
		struct mcall e = call();
		e.sys = MSYS_EXEC;
		e.fd = -1;
		pol(&p, "sandbox/exec:on", "deny/exec+/opt/***", NULL);
		run(&check_exec, &e, &f, &p, &v);
		EXPECT(v.act == ACT_DENY);
		struct facts gone;
		memset(&gone, 0, sizeof(gone));
		gone.have = FACT_FD;
		gone.failed = FACT_FD;
		run(&check_exec, &e, &gone, &p, &v);
		EXPECT(v.act == ACT_DENY);	/* not EBADF: fail closed */
		policy_free(&p);
	}
}

static struct facts in_dir(unsigned mode, uid_t owner)
{
	struct facts f = file("/srv/bin/libt.so");

	f.dir_st.st_mode = S_IFDIR | mode;
	f.dir_st.st_uid = owner;
	return f;
}

static void tpe_tests(void)
{
	struct mcall c = call();
	struct policy p;
	struct verdict v;

	UNIT_CASE("tpe/ok") {
		struct facts f = in_dir(0755, 0);
		pol(&p, "sandbox/tpe:on", "tpe/root_owned:true", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("tpe/world-writable") {
		struct facts f = in_dir(01777, 0);
		pol(&p, "sandbox/tpe:on", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		EXPECT_STR(v.msg, "parent directory /srv/bin is "
			   "world-writable (mode 1777)");
		EXPECT_STR(v.tip, "sandbox/tpe:off");
		EXPECT(tip_allows(&check_tpe, &c, &f, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("tpe/group-writable") {
		struct facts f = in_dir(0775, 0);
		pol(&p, "sandbox/tpe:on", "default/tpe:warn", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_WARN);
		EXPECT_STR(v.msg, "parent directory /srv/bin is "
			   "group-writable (mode 0775)");
		policy_free(&p);
	}
	UNIT_CASE("tpe/root-owned") {
		struct facts f = in_dir(0755, 1000);
		pol(&p, "sandbox/tpe:on", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);	/* off: owner not checked */
		policy_free(&p);
		pol(&p, "sandbox/tpe:on", "tpe/root_owned:1", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "parent directory /srv/bin is owned by "
			   "uid 1000, not root (tpe/root_owned)");
		EXPECT_STR(v.tip, "tpe/root_owned:false");
		EXPECT(tip_allows(&check_tpe, &c, &f, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("tpe/user-owned") {
		struct facts mine = in_dir(0755, 1000);
		struct facts other = in_dir(0755, 65534);
		pol(&p, "sandbox/tpe:on", "tpe/user_owned:1", NULL);
		run(&check_tpe, &c, &mine, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		run(&check_tpe, &c, &other, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "parent directory /srv/bin is owned by "
			   "uid 65534, not root or the user 1000 "
			   "(tpe/user_owned)");
		EXPECT_STR(v.tip, "tpe/user_owned:false");
		EXPECT(tip_allows(&check_tpe, &c, &other, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("tpe/both-owned-tip") {
		struct facts mine = in_dir(0755, 1000);
		struct facts other = in_dir(0755, 65534);
		pol(&p, "sandbox/tpe:on", "tpe/user_owned:1",
		    "tpe/root_owned:1", NULL);
		run(&check_tpe, &c, &mine, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.tip, "tpe/root_owned:false");
		EXPECT(tip_allows(&check_tpe, &c, &mine, &p, v.tip));
		run(&check_tpe, &c, &other, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.tip, "sandbox/tpe:off");
		EXPECT(tip_allows(&check_tpe, &c, &other, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("tpe/gid-negate") {
		struct facts f = in_dir(0777, 0);
		struct facts member = f;
		member.proc_in_tpe_gid = true;
		/* tpe/gid: only members are checked. */
		pol(&p, "sandbox/tpe:on", "tpe/gid:100", NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		run(&check_tpe, &c, &member, &p, &v);
		EXPECT(v.act == ACT_DENY);
		policy_free(&p);
		/* tpe/negate: members are trusted, the others checked. */
		pol(&p, "sandbox/tpe:on", "tpe/gid:100", "tpe/negate:1",
		    NULL);
		run(&check_tpe, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY);
		run(&check_tpe, &c, &member, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
		/* negate alone changes nothing. */
		pol(&p, "sandbox/tpe:on", "tpe/negate:1", NULL);
		run(&check_tpe, &c, &member, &p, &v);
		EXPECT(v.act == ACT_DENY);
		policy_free(&p);
	}
	UNIT_CASE("tpe/no-directory-fails-closed") {
		struct facts d = file("deleted:/srv/bin/libt.so");
		struct facts u = in_dir(0755, 0);
		u.dir_ok = false;
		pol(&p, "sandbox/tpe:on", "default/tpe:warn", NULL);
		run(&check_tpe, &c, &d, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "the file has no parent directory to trust "
			   "(deleted:/srv/bin/libt.so)");
		run(&check_tpe, &c, &u, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "cannot read the parent directory /srv/bin "
			   "(fail closed)");
		policy_free(&p);
	}
}

static void stack_tests(void)
{
	struct mcall c = call();
	struct facts f = file("/usr/lib/libs.so");
	struct policy p;
	struct verdict v;

	UNIT_CASE("stack/on-by-default") {
		pol(&p, NULL);
		EXPECT(check_stack.enabled(&p));
		policy_free(&p);
		pol(&p, "trace/allow_unsafe_exec_stack:1", NULL);
		EXPECT(!check_stack.enabled(&p));
		policy_free(&p);
	}
	UNIT_CASE("stack/needs-elf-after-fd") {
		struct facts none;
		memset(&none, 0, sizeof(none));
		pol(&p, NULL);
		EXPECT(check_stack.needs(&c, &p, &none) == FACT_FD);
		EXPECT(check_stack.needs(&c, &p, &f) & FACT_ELF);
		policy_free(&p);
	}
	UNIT_CASE("stack/verdicts") {
		static const struct {
			int st;
			enum action act;
			const char *msg;
		} t[] = {
			{ ELF_STACK_NOEXEC, ACT_ALLOW, NULL },
			{ ELF_STACK_NOT_ELF, ACT_DENY, "truncated (fail "
			  "closed)" },
			{ ELF_STACK_EXEC, ACT_DENY, "executable stack requested "
			  "(PT_GNU_STACK with PF_X)" },
			{ ELF_STACK_MISSING_EXEC, ACT_DENY, "no PT_GNU_STACK: "
			  "the stack is executable by default on this machine" },
			{ ELF_STACK_ERROR, ACT_DENY, "malformed ELF file (fail "
			  "closed): truncated" },
		};
		pol(&p, NULL);
		for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
			struct facts g = f;
			g.elf_stack = t[i].st;
			snprintf(g.elf_err, sizeof(g.elf_err), "truncated");
			run(&check_stack, &c, &g, &p, &v);
			EXPECT(v.act == t[i].act);
			if (t[i].msg) {
				EXPECT_STR(v.msg, t[i].msg);
				EXPECT(v.err == EACCES);
				EXPECT_STR(v.tip,
					   "trace/allow_unsafe_exec_stack:1");
				EXPECT_STR(v.path, "/usr/lib/libs.so");
				EXPECT(tip_allows(&check_stack, &c, &g, &p,
						  v.tip));
			}
		}
		policy_free(&p);
	}
	UNIT_CASE("stack/actions") {
		struct facts g = f;
		g.elf_stack = ELF_STACK_EXEC;
		pol(&p, "default/stack:warn", NULL);
		run(&check_stack, &c, &g, &p, &v);
		EXPECT(v.act == ACT_WARN);
		policy_free(&p);
		/* An ELF error fails closed even where stacks only warn. */
		g.elf_stack = ELF_STACK_ERROR;
		pol(&p, "default/stack:warn", NULL);
		run(&check_stack, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY);
		policy_free(&p);
		pol(&p, "default/stack:kill", NULL);
		run(&check_stack, &c, &g, &p, &v);
		EXPECT(v.act == ACT_KILL);
		policy_free(&p);
	}
	UNIT_CASE("stack/elf-unread-fails-closed") {
		struct facts g = f;
		g.have = FACT_FD;
		g.failed = FACT_ELF;
		pol(&p, NULL);
		run(&check_stack, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "cannot read the ELF headers (fail closed)");
		policy_free(&p);
	}
}

static void force_tests(void)
{
	struct mcall c = call();
	struct facts f = file("/usr/lib/libf.so");
	struct policy p;
	struct verdict v;

	f.have |= FACT_HASH;
	f.hash_alg = HASH_SHA256;
	snprintf(f.hash_hex, sizeof(f.hash_hex), "%s", SHA_A);

	UNIT_CASE("force/match") {
		pol(&p, "sandbox/force:on",
		    "force+/usr/lib/libf.so:sha256:" SHA_A, NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("force/needs-hash-with-a-rule-or-for-the-tip") {
		struct facts none, nf = f, nopath = f;
		memset(&none, 0, sizeof(none));
		nf.have = FACT_FD | FACT_PATH;
		nopath.have = FACT_FD;
		/* No rule for the file: its digest only for a tip (its own
		 * force rule), not where default/force allows or filters. */
		pol(&p, "sandbox/force:on", "force+/other:sha256:" SHA_A,
		    "default/force:allow", NULL);
		EXPECT(check_force.needs(&c, &p, &none) ==
		       (FACT_FD | FACT_PATH));
		EXPECT(!(check_force.needs(&c, &p, &nf) & FACT_HASH));
		policy_free(&p);
		pol(&p, "sandbox/force:on", "force+/other:sha256:" SHA_A,
		    "default/force:filter", NULL);
		EXPECT(!(check_force.needs(&c, &p, &nf) & FACT_HASH));
		policy_free(&p);
		pol(&p, "sandbox/force:on", "force+/other:sha256:" SHA_A,
		    NULL);
		EXPECT(check_force.needs(&c, &p, &nf) & FACT_HASH);
		policy_free(&p);
		pol(&p, "sandbox/force:on",
		    "force+/usr/lib/libf.so:sha256:" SHA_A, NULL);
		EXPECT(check_force.needs(&c, &p, &nf) & FACT_HASH);
		/* The rule is found by the path: that comes first. */
		EXPECT(check_force.needs(&c, &p, &nopath) ==
		       (FACT_FD | FACT_PATH));
		policy_free(&p);
	}
	UNIT_CASE("force/mismatch-default") {
		pol(&p, "sandbox/force:on",
		    "force+/usr/lib/libf.so:sha256:" SHA_B, NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		EXPECT_STR(v.msg, "sha256 digest mismatch: expected " SHA_B
			   ", got " SHA_A);
		EXPECT_STR(v.tip, "force+/usr/lib/libf.so:sha256:" SHA_A);
		EXPECT(tip_allows(&check_force, &c, &f, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("force/mismatch-rule-action") {
		pol(&p, "sandbox/force:on", "default/force:warn",
		    "force+/usr/lib/libf.so:sha256:" SHA_B ":kill", NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_KILL);
		policy_free(&p);
		/* A rule without an action denies: default/force is for
		 * the files no rule names. */
		pol(&p, "sandbox/force:on", "default/force:abort",
		    "force+/usr/lib/libf.so:sha256:" SHA_B, NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY);
		policy_free(&p);
	}
	UNIT_CASE("force/mismatch-under-default-allow") {
		/* Pin a few, allow the rest: a pinned file that changed is
		 * still refused. */
		pol(&p, "sandbox/force:on", "default/force:allow",
		    "force+/usr/lib/libf.so:sha256:" SHA_B, NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		policy_free(&p);
		pol(&p, "sandbox/force:on", "default/force:allow",
		    "force+/usr/lib/libf.so:sha256:" SHA_B ":kill", NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_KILL);
		policy_free(&p);
	}
	UNIT_CASE("force/long-digests-fit") {
		struct facts g = f;
		char want[HASH_MAX_HEX + 1], rule[512];
		memset(g.hash_hex, 'a', 128);
		g.hash_hex[128] = '\0';
		g.hash_alg = HASH_SHA512;
		memset(want, 'b', 128);
		want[128] = '\0';
		snprintf(rule, sizeof(rule), "force+/usr/lib/libf.so:sha512:%s",
			 want);
		pol(&p, "sandbox/force:on", rule, NULL);
		run(&check_force, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT(strstr(v.msg, want) && strstr(v.msg, g.hash_hex));
		EXPECT(tip_allows(&check_force, &c, &g, &p, v.tip));
		policy_free(&p);
	}
	UNIT_CASE("force/no-rule") {
		pol(&p, "sandbox/force:on", NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "no force rule for the file");
		/* The tip is the file's own rule, its digest computed. */
		EXPECT_STR(v.tip, "force+/usr/lib/libf.so:sha256:" SHA_A);
		EXPECT(tip_allows(&check_force, &c, &f, &p, v.tip));
		policy_free(&p);
		/* No digest (it could not be computed): allow the file. */
		struct facts nh = f;
		nh.have &= ~FACT_HASH;
		pol(&p, "sandbox/force:on", NULL);
		run(&check_force, &c, &nh, &p, &v);
		EXPECT_STR(v.tip, "default/force:allow");
		policy_free(&p);
		pol(&p, "sandbox/force:on", "default/force:allow", NULL);
		run(&check_force, &c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("force/hash-failed-fails-closed") {
		struct facts g = f;
		g.have = FACT_FD;
		g.failed = FACT_HASH;
		pol(&p, "sandbox/force:on", "default/force:allow",
		    "force+/usr/lib/libf.so:sha256:" SHA_A, NULL);
		run(&check_force, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY);
		EXPECT_STR(v.msg, "cannot compute the sha256 digest (fail "
			   "closed)");
		policy_free(&p);
		/* A plain EACCES, as in Syd: not the rule's kill, not
		 * default/force's. */
		pol(&p, "sandbox/force:on", "default/force:kill",
		    "force+/usr/lib/libf.so:sha256:" SHA_A ":kill", NULL);
		run(&check_force, &c, &g, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		policy_free(&p);
	}
}

static void table_tests(void)
{
	struct policy p;
	struct filter_need n;
	struct mcall c = call();
	struct verdict v;

	UNIT_CASE("files/tip-test-can-fail") {
		struct facts f = file("/opt/x.so");
		pol(&p, "sandbox/exec:on", NULL);
		EXPECT(!tip_allows(&check_exec, &c, &f, &p, "default/exec:kill"));
		EXPECT(!tip_allows(&check_exec, &c, &f, &p, "allow/exec+/opt/y.so"));
		EXPECT(!tip_allows(&check_exec, &c, &f, &p, "no/such:key"));
		policy_free(&p);
	}
	UNIT_CASE("files/filter") {
		pol(&p, "trace/allow_unsafe_exec_memory:1", "sandbox/exec:on",
		    NULL);
		check_filter_needs(MSYS_MMAP, &p, &n);
		bool exec_bit = false;
		for (int i = 0; i < n.ncond; i++)
			if (n.cond[i].arg == 2 && (n.cond[i].mask & PROT_EXEC))
				exec_bit = true;
		EXPECT(exec_bit);
		check_filter_needs(MSYS_OLD_MMAP, &p, &n);
		EXPECT(n.always);
		policy_free(&p);
	}
	UNIT_CASE("files/first-denial-is-exec") {
		/* A file that every check refuses: the exec rule speaks,
		 * then tpe, then the stack, then force (Syd's order). */
		struct facts f = in_dir(0777, 0);
		f.elf_stack = ELF_STACK_EXEC;
		f.have |= FACT_HASH;
		f.hash_alg = -1;
		pol(&p, "sandbox/exec:on", "sandbox/tpe:on",
		    "sandbox/force:on", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "exec");
		policy_free(&p);
		pol(&p, "sandbox/tpe:on", "sandbox/force:on", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "tpe");
		policy_free(&p);
		pol(&p, "sandbox/force:on", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "stack");
		policy_free(&p);
		pol(&p, "sandbox/force:on", "trace/allow_unsafe_exec_stack:1",
		    NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "force");
		policy_free(&p);
	}
	UNIT_CASE("files/needs-are-cheap-first") {
		struct facts none;
		memset(&none, 0, sizeof(none));
		pol(&p, "sandbox/exec:on", "sandbox/tpe:on",
		    "sandbox/force:on", "force+/usr/lib/x.so:sha256:" SHA_A,
		    NULL);
		EXPECT((check_needs(&c, &p) & (FACT_ELF | FACT_HASH)) == 0);
		EXPECT(check_needs(&c, &p) & FACT_FD);
		policy_free(&p);
	}
}

/* Every warning, in order, as check_call_warn hands them over. */
struct seen {
	int n;
	const char *check[16];
	enum action act[16];
};

static void saw(const struct verdict *w, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->check[s->n] = w->check;
		s->act[s->n++] = w->act;
	}
}

/* The order of the checks is Syd's: it decides the errno and the
 * action a call that several checks refuse gets (issue: the seed's
 * order, errnos and records). */
static void order_tests(void)
{
	struct policy p;
	struct verdict v;

	UNIT_CASE("order/pinned") {
		static const char *const want[] = { "args", "bypass", "wx",
			"mremap", "append", "fd", "exec", "tpe", "stack",
			"force", "mem", NULL };
		const char *const *got = check_order();
		size_t i = 0;
		for (; want[i] && got[i]; i++)
			EXPECT_STR(got[i], want[i]);
		EXPECT(!want[i] && !got[i]);
	}
	UNIT_CASE("order/stack-before-force") {
		/* An executable stack and a force mismatch that kills:
		 * EACCES from the stack check, not the kill. */
		struct mcall c = call();
		struct facts f = file("/usr/lib/libf.so");
		f.elf_stack = ELF_STACK_EXEC;
		f.have |= FACT_HASH;
		f.hash_alg = HASH_SHA256;
		snprintf(f.hash_hex, sizeof(f.hash_hex), "%s", SHA_A);
		pol(&p, "sandbox/force:on",
		    "force+/usr/lib/libf.so:sha256:" SHA_B ":kill", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "stack");
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		policy_free(&p);
	}
	UNIT_CASE("order/append-before-fd") {
		/* A shared exec mapping of an append-only file through a
		 * writable fd, W^X only warning: EPERM, not EACCES. */
		struct mcall c = call();
		struct facts f = file("/var/log/app.log");
		struct seen s = { 0 };
		c.flags = MAP_SHARED;
		f.fd_flags = O_RDWR | O_APPEND;
		pol(&p, "default/wx:warn", "append+/var/log/*.log",
		    "trace/allow_unsafe_exec_stack:1", NULL);
		check_call_warn(&c, &f, &p, &v, saw, &s);
		EXPECT_STR(v.check, "append");
		EXPECT(v.act == ACT_DENY && v.err == EPERM);
		EXPECT(s.n == 1 && !strcmp(s.check[0], "wx"));
		policy_free(&p);
	}
	UNIT_CASE("order/mem-after-file-checks") {
		/* A file refused by an exec rule that kills, over the
		 * memory limit too: killed, not ENOMEM. */
		struct mcall c = call();
		struct facts f = file("/opt/x.so");
		c.len = 1ULL << 30;
		f.have |= FACT_VMSIZE;
		f.vmsize = 10 << 20;
		pol(&p, "sandbox/exec:on", "default/exec:kill",
		    "sandbox/mem:on", "mem/vm_max:64M", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "exec");
		EXPECT(v.act == ACT_KILL);
		policy_free(&p);
	}
	UNIT_CASE("order/mremap-before-mem") {
		/* An invalid mremap gets EINVAL whatever the limits. */
		struct mcall c = call();
		struct facts f;
		memset(&f, 0, sizeof(f));
		c.sys = MSYS_MREMAP;
		c.addr = 0x10000;
		c.old_len = 4096;
		c.new_len = 0x40000000;
		c.flags = 8;
		f.have = FACT_VMSIZE;
		f.vmsize = 10 << 20;
		pol(&p, "sandbox/mem:on", "mem/vm_max:64M", NULL);
		check_call(&c, &f, &p, &v);
		EXPECT_STR(v.check, "mremap");
		EXPECT(v.act == ACT_DENY && v.err == EINVAL);
		policy_free(&p);
	}
	UNIT_CASE("order/every-warning-in-order") {
		/* TPE warns, the stack check warns, force denies: two
		 * warnings handed over, in the order of the checks, then
		 * the denial decides. */
		struct mcall c = call();
		struct facts f = in_dir(0777, 0);
		struct seen s = { 0 };
		f.elf_stack = ELF_STACK_EXEC;
		f.have |= FACT_HASH;
		f.hash_alg = HASH_SHA256;
		snprintf(f.hash_hex, sizeof(f.hash_hex), "%s", SHA_A);
		pol(&p, "sandbox/tpe:on", "default/tpe:warn",
		    "default/stack:warn", "sandbox/force:on",
		    "force+/srv/bin/libt.so:sha256:" SHA_B, NULL);
		check_call_warn(&c, &f, &p, &v, saw, &s);
		EXPECT(s.n == 2);
		EXPECT_STR(s.check[0], "tpe");
		EXPECT_STR(s.check[1], "stack");
		EXPECT(s.act[0] == ACT_WARN && s.act[1] == ACT_WARN);
		EXPECT_STR(v.check, "force");
		EXPECT(v.act == ACT_DENY);
		/* Without the denial, the verdict is the first warning. */
		memset(&s, 0, sizeof(s));
		policy_free(&p);
		pol(&p, "sandbox/tpe:on", "default/tpe:warn",
		    "default/stack:warn", NULL);
		check_call_warn(&c, &f, &p, &v, saw, &s);
		EXPECT(s.n == 2);
		EXPECT(v.act == ACT_WARN);
		EXPECT_STR(v.check, "tpe");
		policy_free(&p);
	}
}

/* A fetcher for check_facts that knows every fact of src: it hands
 * over what is asked for (the path only with FACT_PATH) and keeps
 * what was asked. */
struct known {
	struct facts src;
	unsigned asked;
};

static void fetch_known(const struct mcall *c, const struct policy *p,
			unsigned needs, struct facts *f, void *arg)
{
	struct known *k = arg;
	char path[sizeof(f->path)];
	bool real = f->path_real;

	k->asked |= needs;
	memcpy(path, f->path, sizeof(path));
	unsigned have = f->have | (needs & k->src.have);
	*f = k->src;
	f->have = have;
	if (!(have & FACT_PATH)) {
		memcpy(f->path, path, sizeof(path));
		f->path_real = real;
	}
}

static void path_tests(void)
{
	struct policy p;
	struct verdict v;

	/* The default policy reads no path for an allowed mapping; a
	 * refused one is read, and its record names it. */
	UNIT_CASE("path/only-for-a-record") {
		struct mcall c = call();
		struct known k = { .src = file("/opt/code.bin") };
		struct facts f;
		memset(&f, 0, sizeof(f));
		pol(&p, NULL);
		check_facts(&c, &p, fetch_known, &k, &f);
		check_call(&c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW && (k.asked & FACT_FD) &&
		       !(k.asked & FACT_PATH) && !f.path[0]);
		k.asked = 0;
		k.src.fd_flags = O_RDWR;
		memset(&f, 0, sizeof(f));
		check_facts(&c, &p, fetch_known, &k, &f);
		check_call(&c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && (k.asked & FACT_PATH) &&
		       v.has_path && !strcmp(v.path, "/opt/code.bin"));
		policy_free(&p);
	}
	/* A check that matches paths asks for it on every file. */
	UNIT_CASE("path/for-exec-rules") {
		struct mcall c = call();
		struct known k = { .src = file("/opt/code.bin") };
		struct facts f;
		memset(&f, 0, sizeof(f));
		pol(&p, "sandbox/exec:on", "allow/exec+/opt/***", NULL);
		check_facts(&c, &p, fetch_known, &k, &f);
		check_call(&c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW && (k.asked & FACT_PATH));
		policy_free(&p);
	}
}

static void fd_append_tests(void)
{
	struct policy p;
	struct verdict v;

	UNIT_CASE("fd/not-open-is-silent-ebadf") {
		/* Whatever default/fd says: the kernel's EBADF, no record. */
		struct mcall c = call();
		struct facts f;
		memset(&f, 0, sizeof(f));
		f.have = FACT_FD;
		pol(&p, "default/fd:kill", NULL);
		run(&check_fd, &c, &f, &p, &v);
		EXPECT(v.act == ACT_FILTER && v.err == EBADF);
		check_call(&c, &f, &p, &v);
		EXPECT(v.act == ACT_FILTER && v.err == EBADF);
		policy_free(&p);
	}
	UNIT_CASE("fd/writable-is-wx") {
		struct mcall c = call();
		struct facts f = file("/opt/code.bin");
		f.fd_flags = O_RDWR;
		pol(&p, NULL);
		EXPECT(check_fd.enabled(&p));
		run(&check_fd, &c, &f, &p, &v);
		EXPECT(v.act == ACT_DENY && v.err == EACCES);
		policy_free(&p);
		/* Part of W^X, as in Syd: lifted with it. */
		pol(&p, "trace/allow_unsafe_exec_memory:1", NULL);
		EXPECT(!check_fd.enabled(&p));
		check_call(&c, &f, &p, &v);
		EXPECT(v.act == ACT_ALLOW);
		policy_free(&p);
	}
	UNIT_CASE("append/which-fds") {
		static const struct {
			const char *path;
			int flags;
			bool shared;
			int err;
		} t[] = {
			/* Named by a rule: any writable fd. */
			{ "/var/log/a.log", O_RDWR | O_APPEND, true, EPERM },
			{ "/var/log/a.log", O_RDWR, true, EPERM },
			{ "/var/log/a.log", O_WRONLY, true, EPERM },
			/* Not named: a writable O_APPEND fd (Syd). */
			{ "/srv/data.bin", O_WRONLY | O_APPEND, true, EPERM },
			{ "/srv/data.bin", O_RDWR | O_APPEND, true, EPERM },
			{ "/srv/data.bin", O_RDWR, true, 0 },
			/* Read-only fds cannot write, private maps never. */
			{ "/var/log/a.log", O_RDONLY | O_APPEND, true, 0 },
			{ "/var/log/a.log", O_RDWR, false, 0 },
		};
		pol(&p, "append+/var/log/*.log", NULL);
		for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
			struct mcall c = call();
			struct facts f = file(t[i].path);
			c.prot = PROT_READ;
			c.flags = t[i].shared ? MAP_SHARED : MAP_PRIVATE;
			f.fd_flags = t[i].flags;
			run(&check_append, &c, &f, &p, &v);
			if (t[i].err) {
				EXPECT(v.act == ACT_DENY && v.err == EPERM);
				EXPECT(tip_allows(&check_append, &c, &f, &p,
						  v.tip));
			} else {
				EXPECT(v.act == ACT_ALLOW);
			}
		}
		policy_free(&p);
		pol(&p, NULL);
		EXPECT(!check_append.enabled(&p));
		policy_free(&p);
	}
	UNIT_CASE("mremap/host-page-size") {
		/* 16 and 64 KiB pages: valid calls pass, and what is
		 * aligned to 4 KiB only is refused. */
		struct mcall c = call();
		c.sys = MSYS_MREMAP;
		c.addr = 0x40000;
		c.old_len = 0x4000;
		c.new_len = 0x1000;
		c.flags = MREMAP_MAYMOVE | 4;	/* MREMAP_DONTUNMAP */
		EXPECT(mremap_invalid(&c, 65536) == NULL);
		EXPECT(mremap_invalid(&c, 16384) == NULL);
		EXPECT(mremap_invalid(&c, 4096) != NULL);
		c.flags = MREMAP_MAYMOVE;
		c.addr = 0x41000;
		EXPECT(mremap_invalid(&c, 4096) == NULL);
		EXPECT_STR(mremap_invalid(&c, 16384),
			   "old address is not page-aligned");
		/* Rounding wraps as the kernel's: a size within a page of
		 * 2^64 is zero. */
		c.addr = 0x40000;
		c.new_len = UINT64_MAX - 100;
		EXPECT_STR(mremap_invalid(&c, 65536), "new size is zero");
		c.new_len = UINT64_MAX - 4096;
		EXPECT(mremap_invalid(&c, 4096) == NULL);
		EXPECT_STR(mremap_invalid(&c, 65536), "new size is zero");
	}
}

/* hash_command's output, read back as a rule. */
static void hashcmd_tests(void)
{
	char dir[] = "/tmp/memtrace-unit-XXXXXX";
	char file[64], out[64], line[512];

	UNIT_CASE("hashcmd/rule") {
		EXPECT(mkdtemp(dir) != NULL);
		snprintf(file, sizeof(file), "%s/abc", dir);
		snprintf(out, sizeof(out), "%s/out", dir);
		FILE *w = fopen(file, "w");
		EXPECT(w && fputs("abc", w) >= 0 && fclose(w) == 0);
		char *argv[] = { file, NULL };
		fflush(stdout);
		int saved = dup(1);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(o, 1);
		close(o);
		int rc = hash_command(NULL, 1, argv);
		int rc_md5 = hash_command("md5", 1, argv);
		fflush(stdout);
		dup2(saved, 1);
		close(saved);
		EXPECT(rc == 0 && rc_md5 == 0);
		FILE *r = fopen(out, "r");
		EXPECT(r && fgets(line, sizeof(line), r));
		line[strcspn(line, "\n")] = '\0';
		char want[256];
		snprintf(want, sizeof(want), "force+%s:sha256:" SHA_A, file);
		EXPECT_STR(line, want);
		EXPECT(fgets(line, sizeof(line), r));
		line[strcspn(line, "\n")] = '\0';
		snprintf(want, sizeof(want), "force+%s:md5:"
			 "900150983cd24fb0d6963f7d28e17f72", file);
		EXPECT_STR(line, want);
		if (r)
			fclose(r);
		struct policy p;
		char err[256];
		policy_init(&p);
		EXPECT(policy_apply(&p, line, "out", err, sizeof(err)) == 0);
		EXPECT(policy_force_find(&p, file) != NULL);
		policy_free(&p);
	}
	UNIT_CASE("hashcmd/errors") {
		char missing[96];
		snprintf(missing, sizeof(missing), "%s/missing", dir);
		char *argv[] = { missing, dir, NULL };
		char *one[] = { file, NULL };
		int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		close(devnull);
		int rc_missing = hash_command("sha256", 1, argv);
		int rc_dir = hash_command("sha256", 1, argv + 1);
		int rc_alg = hash_command("sha7", 1, one);
		int rc_crc64 = hash_command("crc64", 1, one);
		int rc_none = hash_command(NULL, 0, argv);
		dup2(saved, 2);
		close(saved);
		EXPECT(rc_missing == 1);
		EXPECT(rc_dir == 1);
		EXPECT(rc_alg == 2);
		EXPECT(rc_crc64 == 0);	/* computed, not "unavailable" */
		EXPECT(rc_none == 2);
		unlink(file);
		unlink(out);
		rmdir(dir);
	}
}

int main(void)
{
	exec_tests();
	tpe_tests();
	stack_tests();
	force_tests();
	table_tests();
	order_tests();
	fd_append_tests();
	path_tests();
	hashcmd_tests();
	UNIT_DONE();
}
