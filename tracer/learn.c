/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --learn FILE: run the command with every check on and set to warn,
 * and write a profile under which the same run passes with no denial.
 *
 * Two policies are kept besides the one the run is traced with:
 *   base     the policy the command line gave (a deep copy);
 *   learned  base with the exec, tpe, force and mem sandboxes on, plus
 *            every rule learned so far.
 * The traced policy is base with every default/CATEGORY set to warn,
 * all four sandboxes on, trace/allow_unsafe_* off and the memory
 * limits at their maximum (so every call the mem check could refuse
 * stops, and VmSize is read at each). At each call a check warned
 * about, the checks are run again under learned, and while they do
 * not allow the call, the rule that allows it is added to learned:
 * the check's tip (allow/exec+PATH, trace/allow_unsafe_exec_memory:1,
 * ...), except for force, where the file is hashed (sha256, through
 * the tracee's own descriptor) and force+PATH:sha256:HEX added. A rule
 * is thus only written where the run needed it, and the profile is
 * checked call by call against the same facts the run saw.
 *
 * Memory: at every call that asks for memory, VmSize and Rss (read
 * here, from smaps_rollup) plus the size asked for; mem/vm_max and
 * mem/max are the largest of these + 25%, rounded up to a MiB. mem/max
 * limits PSS, which is at most Rss but shrinks and grows with the
 * number of other processes sharing the pages: a limit learned from
 * PSS could refuse the same run on a quieter machine.
 *
 * The program and interpreter checks at exec (tracer/program.c) come
 * in through their records, with the facts (and the file_ref in them)
 * the exec was checked with.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checks/force.h"
#include "tracer/tracer.h"

#define MIB ((uint64_t)1 << 20)

struct lrule {
	char *rule;
	char *why;		/* comment: which process and call */
};

static struct {
	bool on, done;
	pid_t self;
	const char *file;
	FILE *out;		/* FILE, open from before the run */
	char *command;
	struct policy base, learned;
	struct lrule *rules;
	size_t nrules;
	char **unlearned;	/* calls no rule could allow */
	size_t nunlearned;
	uint64_t vm_peak, pss_peak;
	char vm_why[800], pss_why[800];
	bool have_vm, have_pss;
} L;

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

/* A deep copy, through the dump that reads back to the same policy. */
static int policy_clone(const struct policy *src, struct policy *dst)
{
	char *buf = NULL, err[1024];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc = 0;

	if (!m)
		return -1;
	policy_dump(src, m);
	fclose(m);
	policy_init(dst);
	for (char *line = buf, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (!*line || *line == '#')
			continue;
		if (policy_apply(dst, line, "learn", err, sizeof(err)) < 0) {
			warnx_("--learn: cannot copy the policy: %s", err);
			rc = -1;
			break;
		}
	}
	free(buf);
	if (rc == 0 && !policy_equal(src, dst)) {
		warnx_("--learn: the policy does not copy exactly");
		rc = -1;
	}
	return rc;
}

int learn_setup(struct policy *pol, const char *file, char *const argv[])
{
	size_t len = 1;

	/* Opened now, so that a file that cannot be written stops the
	 * run before it starts rather than losing its profile after. */
	if (!(L.out = fopen(file, "we"))) {
		warnx_("--learn %s: %s", file, strerror(errno));
		return -1;
	}
	if (policy_clone(pol, &L.base) < 0 || policy_clone(pol, &L.learned) < 0)
		return -1;
	L.learned.sandbox_exec = L.learned.sandbox_tpe = true;
	L.learned.sandbox_force = L.learned.sandbox_mem = true;
	/* Learned at the end, from the peaks. */
	L.learned.mem_max = L.learned.mem_vm_max = 0;

	for (int c = 0; c < CAT__N; c++)
		pol->deflt[c] = ACT_WARN;
	pol->sandbox_exec = pol->sandbox_tpe = true;
	pol->sandbox_force = pol->sandbox_mem = true;
	pol->allow_unsafe_exec_memory = pol->allow_unsafe_exec_stack = false;
	pol->mem_max = pol->mem_vm_max = UINT64_MAX;

	/* The command as a shell would take it back, for the header. */
	for (size_t i = 0; argv[i]; i++)
		len += 4 * strlen(argv[i]) + 3;
	L.command = calloc(1, len);
	if (!L.command)
		die("out of memory");
	char *o = L.command;
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a && !a[strspn(a, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789-_./=:+,%@")];
		if (i)
			*o++ = ' ';
		if (plain) {
			o = stpcpy(o, a);
			continue;
		}
		*o++ = '\'';
		for (; *a; a++)
			o = *a == '\'' ? stpcpy(o, "'\\''") : (*o++ = *a, o);
		*o++ = '\'';
	}
	*o = '\0';
	for (char *s = L.command; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = '?';
	L.file = file;
	L.self = getpid();
	L.on = true;
	return 0;
}

/* "pid 12 (sh): mmap(...)" */
static void describe(pid_t tgid, const struct mcall *c, const char *what,
		     char *buf, size_t len)
{
	char comm[64], call[512];

	proc_comm(tgid, comm, sizeof(comm));
	if (what)
		snprintf(call, sizeof(call), "%s", what);
	else
		format_call(c, call, sizeof(call));
	snprintf(buf, len, "pid %d (%s): %s", tgid, comm, call);
}

/* One call and the facts the run gathered about it (their file_ref
 * says where the file came from). */
struct source {
	pid_t tid;
	const struct mcall *c;
};

/* force+PATH:sha256:HEX for the file the facts describe. */
static int force_rule(const struct source *s, const struct facts *f,
		      char *rule, size_t len)
{
	char hex[HASH_MAX_HEX + 1], why[256];
	int fd;

	if (!f->path_real || strchr(f->path, '\n') || !(f->have & FACT_FD))
		return -1;
	fd = fileref_reopen(s->tid, &f->ref, &f->st, why, sizeof(why));
	if (fd < 0)
		return -1;
	if (hash_fd(fd, &f->st, HASH_SHA256, hex) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if ((size_t)snprintf(rule, len, "force+%s:sha256:%s", f->path, hex)
	    >= len)
		return -1;
	return 0;
}

static void add_rule(const char *rule, const char *why)
{
	L.rules = reallocarray(L.rules, L.nrules + 1, sizeof(*L.rules));
	if (!L.rules)
		die("out of memory");
	L.rules[L.nrules].rule = xstrdup(rule);
	L.rules[L.nrules].why = xstrdup(why);
	L.nrules++;
}

static void unlearned(const char *who, const struct verdict *w,
		      const char *why)
{
	char line[2048];

	snprintf(line, sizeof(line), "%s: %s: %s (%s)", who,
		 w->check ? w->check : "?", w->msg, why);
	for (char *s = line; *s; s++)
		if (*s == '\n')
			*s = ' ';
	for (size_t i = 0; i < L.nunlearned; i++)
		if (!strcmp(L.unlearned[i], line))
			return;
	L.unlearned = reallocarray(L.unlearned, L.nunlearned + 1,
				   sizeof(*L.unlearned));
	if (!L.unlearned)
		die("out of memory");
	L.unlearned[L.nunlearned++] = xstrdup(line);
}

/* Add rules to learned until its checks allow the call. */
static void satisfy(const struct source *s, struct facts *f, const char *who)
{
	char rule[sizeof(((struct verdict *)0)->tip) + 4200], err[1024];
	char last[sizeof(rule)] = "";
	struct verdict w;

	for (int round = 0; round < 16; round++) {
		facts_decide(s->tid, s->c, &L.learned, NULL, f, &w, NULL,
			     NULL);
		if (w.act == ACT_ALLOW)
			return;
		if (w.check && !strcmp(w.check, "force")) {
			if (force_rule(s, f, rule, sizeof(rule)) < 0) {
				unlearned(who, &w, "cannot hash the file");
				return;
			}
			/* Hash again, now that a rule asks for it. */
			f->have &= ~FACT_HASH;
			f->failed &= ~FACT_HASH;
		} else if (w.tip[0]) {
			snprintf(rule, sizeof(rule), "%s", w.tip);
		} else {
			unlearned(who, &w, "no rule allows it");
			return;
		}
		if (!strcmp(rule, last)) {
			unlearned(who, &w, "the rule did not allow it");
			return;
		}
		if (policy_apply(&L.learned, rule, "--learn", err,
				 sizeof(err)) < 0) {
			unlearned(who, &w, err);
			return;
		}
		char why[1200];
		snprintf(why, sizeof(why), "%s: %s: %s", who,
			 w.check ? w.check : "?", w.msg);
		for (char *p = why; *p; p++)
			if (*p == '\n')
				*p = ' ';
		add_rule(rule, why);
		snprintf(last, sizeof(last), "%s", rule);
	}
	unlearned(who, &w, "too many rules for one call");
}

static void peaks(pid_t tid, pid_t tgid, const struct mcall *c,
		  struct facts *f)
{
	uint64_t req = call_request(c, f), rss = 0, pss = 0;
	char who[640];

	if (!req)
		return;
	/* --learn writes limits from VmSize read, not from a bound. */
	if (!(f->have & FACT_VMSIZE_EXACT) && !(f->failed & FACT_VMSIZE))
		facts_gather(tid, c, T.pol, FACT_VMSIZE_EXACT, NULL, f);
	bool ok = facts_rollup(tid, &rss, &pss) == 0;
	if (ok && !(f->have & FACT_PSS)) {
		f->pss = pss;	/* for the summary too */
		f->have |= FACT_PSS;
	}
	if ((f->have & FACT_VMSIZE_EXACT) && !(f->failed & FACT_VMSIZE) &&
	    f->vmsize + req > L.vm_peak) {
		L.vm_peak = f->vmsize + req;
		L.have_vm = true;
		describe(tgid, c, NULL, who, sizeof(who));
		snprintf(L.vm_why, sizeof(L.vm_why), "%s (VmSize %" PRIu64
			 " + %" PRIu64 ")", who, f->vmsize, req);
	}
	/* mem/max limits PSS, but PSS depends on how many other
	 * processes share the pages, which the next run may not: the
	 * limit is learned from Rss, which bounds PSS from above and
	 * depends on the process alone. */
	if (ok && rss + req > L.pss_peak) {
		L.pss_peak = rss + req;
		L.have_pss = true;
		describe(tgid, c, NULL, who, sizeof(who));
		snprintf(L.pss_why, sizeof(L.pss_why), "%s (Rss %" PRIu64
			 ", PSS %" PRIu64 ", + %" PRIu64 ")", who, rss, pss,
			 req);
	}
}

void learn_call(pid_t tid, pid_t tgid, const struct mcall *c,
		struct facts *f, const struct verdict *v)
{
	char who[640];

	if (!L.on)
		return;
	peaks(tid, tgid, c, f);
	/* The traced policy is stricter than learned in every check: what
	 * it allows, learned allows. */
	if (v->act == ACT_ALLOW)
		return;
	struct source s = { tid, c };
	struct facts *g = malloc(sizeof(*g));
	if (!g)
		die("out of memory");
	/* The facts the run gathered, less those that depend on the
	 * policy's force rules. */
	memcpy(g, f, sizeof(*g));
	g->have &= ~FACT_HASH;
	g->failed &= ~FACT_HASH;
	describe(tgid, c, NULL, who, sizeof(who));
	satisfy(&s, g, who);
	free(g);
}

void learn_exec_record(pid_t tid, pid_t tgid, const struct mcall *c,
		       const struct facts *f, const struct verdict *v)
{
	char who[4400], comm[64];
	const char *what = "program";

	if (!L.on || v->act == ACT_ALLOW || !v->has_path || !f)
		return;
	if (f->ref.kind != FSRC_EXE)
		what = "interpreter";
	proc_comm(tgid, comm, sizeof(comm));
	snprintf(who, sizeof(who), "pid %d (%s): execve, the %s %s", tgid,
		 comm, what, v->path);
	struct source s = { tid, c };
	struct facts *g = malloc(sizeof(*g));
	if (!g)
		die("out of memory");
	/* As for a call: the run's facts, less the policy's digests. */
	memcpy(g, f, sizeof(*g));
	g->have &= ~FACT_HASH;
	g->failed &= ~FACT_HASH;
	satisfy(&s, g, who);
	free(g);
}

/* The tips' headroom (mem_headroom): peak + 25%, at least 4 MiB
 * more, rounded up to a MiB; always above the peak (the mem check
 * refuses at current + requested >= limit). */
uint64_t learn_limit(uint64_t peak)
{
	if (peak > UINT64_MAX / 2)
		return 0;		/* no limit that can be written */
	return mem_headroom(peak);
}

/*
 * s for a comment line of the profile, escaped as text records are: a
 * process name or file name with a newline must not end the comment
 * and slip a rule of its own into the profile. The result lives until
 * the next call.
 */
static const char *comment(const char *s)
{
	static char *buf;
	size_t len = 0;
	FILE *m;

	free(buf);
	buf = NULL;
	if (!(m = open_memstream(&buf, &len)))
		return "?";
	text_str(m, s);
	if (fclose(m) != 0 || !buf)
		return "?";
	return buf;
}

static void write_profile(FILE *f)
{
	time_t now = time(NULL);
	char date[64];
	struct policy dflt;

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(f, "# memtrace profile learned on %s from:\n#   %s\n", date,
		L.command);
	fprintf(f, "# The run had every check on and set to warn; each rule "
		"below is one it\n# needed, after a comment naming the process "
		"and the call that needed it.\n# Use it as: memtrace -P FILE "
		"[the options of the learning run] -- command\n");
	policy_init(&dflt);
	if (!policy_equal(&L.base, &dflt)) {
		fprintf(f, "\n# The policy the learning run was given:\n");
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m) {
			policy_dump(&L.base, m);
			fclose(m);
			for (char *line = buf, *nl; line && *line; line = nl) {
				nl = strchr(line, '\n');
				if (nl)
					*nl++ = '\0';
				if (*line && *line != '#')
					fprintf(f, "%s\n", line);
			}
			free(buf);
		}
	}
	policy_free(&dflt);
	fprintf(f, "\n# The sandboxes, on so that the profile enforces.\n"
		"sandbox/exec:on\nsandbox/tpe:on\nsandbox/force:on\n"
		"sandbox/mem:on\n");
	fprintf(f, "\n# Memory limits: the largest VmSize and Rss seen at a "
		"call, plus what\n# the call asked for, + %d%% (at least %d "
		"MiB), rounded up to a MiB.\n# mem/max limits PSS; Rss bounds "
		"it from above and, unlike PSS,\n# does not depend on other "
		"processes.\n", MEM_HEADROOM_PCT,
		(int)(MEM_HEADROOM_MIN >> 20));
	if (L.have_vm)
		fprintf(f, "# VmSize peak %" PRIu64 " bytes at %s\n"
			"mem/vm_max:%" PRIu64 "M\n", L.vm_peak,
			comment(L.vm_why), learn_limit(L.vm_peak) / MIB);
	else
		fprintf(f, "# (no call asked for memory: no VmSize limit)\n");
	if (L.have_pss)
		fprintf(f, "# Rss (an upper bound of PSS) peak %" PRIu64
			" bytes at %s\n"
			"mem/max:%" PRIu64 "M\n", L.pss_peak,
			comment(L.pss_why),
			learn_limit(L.pss_peak) / MIB);
	else
		fprintf(f, "# (PSS was never read: no PSS limit)\n");
	fprintf(f, "\n# The rules the run needed.\n");
	for (size_t i = 0; i < L.nrules; i++)
		fprintf(f, "# %s\n%s\n", comment(L.rules[i].why),
			L.rules[i].rule);
	if (L.nunlearned) {
		fprintf(f, "\n# Calls no rule could allow; they will be "
			"refused under this profile:\n");
		for (size_t i = 0; i < L.nunlearned; i++)
			fprintf(f, "#   %s\n", comment(L.unlearned[i]));
	}
}

void learn_finish(void)
{
	if (!L.on || L.done || getpid() != L.self)
		return;
	L.done = true;

	FILE *f = L.out;
	int err = 0;

	L.out = NULL;
	errno = 0;
	write_profile(f);
	if (fflush(f) == EOF || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		warnx_("--learn %s: %s (the profile was not written)", L.file,
		       strerror(err));
		T.output_failed = true;
		return;
	}
	/* -q keeps the note only where it warns. */
	if (!T.opt.quiet || L.nunlearned)
		log_note("learned profile written to %s: %zu rules%s",
			 L.file, L.nrules, L.nunlearned ? "; some calls could "
			 "not be allowed by any rule (listed at its end)" : "");
}
