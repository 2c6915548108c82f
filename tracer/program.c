/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The program at exec. At PTRACE_EVENT_EXEC the kernel has already
 * mapped the new program and its ELF interpreter without a single
 * mmap call, so the file checks (exec rules, tpe, force, executable
 * stack) are run here on both, as an MSYS_EXEC "call": the program's
 * facts come from /proc/PID/exe, the interpreter's from the mapping at
 * the interpreter's load address (AT_BASE in /proc/PID/auxv), a
 * file_ref of kind FSRC_MAP (fileref.c: map_files, or the path proven
 * by device and inode).
 *
 * The memory limits are checked here too: the new program's VmSize
 * (and PSS) must be below mem/vm_max (mem/max), since a large .bss or
 * stack grows it without a call memtrace could refuse.
 *
 * The exec cannot be failed any more: a program or interpreter that a
 * check refuses is killed (SIGKILL) with a record saying so. warn
 * lets it run with a record, filter kills it without one; deny, stop,
 * abort and kill all kill it (nothing is left to fail, and a process
 * left stopped or sent a catchable signal could still run the refused
 * code); panic and exit act as for any call.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checks/elfstack.h"
#include "checks/force.h"
#include "tracer/tracer.h"

/* Room for the path of a mapping. */
#define MAP_PATH 4096

/* AT_BASE from /proc/PID/auxv, in the program's word size. */
static int read_at_base(pid_t tid, bool is64, uint64_t *base)
{
	char buf[4096 + 1];	/* proc_read adds a NUL */
	ssize_t n = proc_read(tid, "auxv", buf, sizeof(buf));
	size_t w = is64 ? 8 : 4;

	for (size_t i = 0; n > 0 && i + 2 * w <= (size_t)n; i += 2 * w) {
		uint64_t k = 0, v = 0;
		if (is64) {
			memcpy(&k, buf + i, 8);
			memcpy(&v, buf + i + 8, 8);
		} else {
			uint32_t k32, v32;
			memcpy(&k32, buf + i, 4);
			memcpy(&v32, buf + i + 4, 4);
			k = k32;
			v = v32;
		}
		if (k == AT_NULL)
			break;
		if (k == AT_BASE) {
			*base = v;
			return 0;
		}
	}
	return -1;
}

static bool starts_at(const struct map_entry *e, void *addr)
{
	return e->lo == *(uint64_t *)addr;
}

/*
 * The program, opened once through /proc/PID/exe: its headers (the
 * personality, PT_INTERP, the stack verdict) and its file facts are
 * read from that one open file. -1 where it cannot be read (the facts
 * then try themselves, and fail closed).
 */
static int open_program(pid_t tid, struct stat *st, struct elf_head *h)
{
	struct file_ref exe = { .kind = FSRC_EXE };
	char why[sizeof(h->err)];
	int fd = fileref_open(tid, &exe, true, st, why, sizeof(why));

	if (fd < 0) {
		memset(h, 0, sizeof(*h));
		h->stack = ELF_STACK_ERROR;
		snprintf(h->err, sizeof(h->err), "%s", why);
		return -1;
	}
	elf_head_fd(fd, h, true);
	return fd;
}

/* The facts of one file, named by ref (from fd, the program's open
 * file with its stat and headers, where fd >= 0); the interpreter
 * takes the program's ids (exe). */
static void gather(pid_t tid, const struct file_ref *ref,
		   const struct facts *exe, const struct mcall *c, int fd,
		   const struct stat *st, const struct elf_head *h,
		   struct facts *f)
{
	memset(f, 0, sizeof(*f));
	if (exe) {
		/* Same process, same moment: the program's ids, not read
		 * again (facts.c reads them unless ids_read). */
		f->ids_read = exe->ids_read;
		f->proc_uid = exe->proc_uid;
		f->proc_in_tpe_gid = exe->proc_in_tpe_gid;
		/* and the mappings W^X looked at, which are the process's */
		f->range_wx = exe->range_wx;
		f->have |= exe->have & FACT_RANGE_PROT;
		f->failed |= exe->failed & FACT_RANGE_PROT;
	}
	if (fd < 0) {
		facts_for_call(tid, c, T.pol, ref, f);
		return;
	}
	f->st = *st;
	f->elf_stack = h->stack;
	snprintf(f->elf_err, sizeof(f->elf_err), "%s", h->err);
	f->have |= FACT_ELF;
	/* The personality W^X asks for is known without reading it: this
	 * exec cleared READ_IMPLIES_EXEC (the other flags are not its
	 * business). */
	if (exe_clears_rie(h)) {
		f->persona = 0;
		f->have |= FACT_PERSONA;
	}
	facts_for_open(tid, c, T.pol, ref, fd, f);
}

static void fail_verdict(struct verdict *v, const char *what,
			 const char *path)
{
	memset(v, 0, sizeof(*v));
	v->act = ACT_KILL;
	v->err = EACCES;
	v->cat = CAT_EXEC;
	v->check = "program";
	snprintf(v->msg, sizeof(v->msg), "%.400s (fail closed)", what);
	if (path && path[0]) {
		snprintf(v->path, sizeof(v->path), "%s", path);
		v->has_path = true;
	}
}

/* Room for the arguments an exec record shows (/proc/PID/cmdline). */
#define ARGV_READ 8192

/*
 * Report a verdict on the exec (report.c); its record:
 * execve("/usr/bin/true", ["true"]), the program as /proc/PID/exe
 * names it and its arguments from /proc/PID/cmdline, read here at the
 * exec event, only when a record is written.
 */
static void report_exec(struct thread *t, const struct mcall *c,
			struct facts *f, const struct verdict *v,
			unsigned how)
{
	char exe[PATH_MAX], link[64];
	char *argv;
	struct rec_extra x = { .exec_path = "?" };
	ssize_t n;

	if (!(how & REPORT_WRITE)) {
		report(t, c, f, v, how, NULL);
		return;
	}
	argv = malloc(ARGV_READ);
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)t->tid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n >= 0) {
		exe[n] = '\0';
		x.exec_path = exe;
	}
	n = argv ? proc_read(t->tid, "cmdline", argv, ARGV_READ) : -1;
	if (n > 0) {
		x.argv = argv;
		x.argv_len = (size_t)n;
		x.argv_cut = (size_t)n == ARGV_READ - 1;
	}
	report(t, c, f, v, how, &x);
	free(argv);
}

/* Record a verdict on the program or interpreter, saying what became
 * of it (killed: a check refused it). */
static void record(struct thread *t, const struct mcall *c,
		   struct facts *f, struct verdict *v, const char *what,
		   bool killed)
{
	size_t used = strlen(v->msg);
	unsigned how = REPORT_COUNT | REPORT_LEARN;

	if (v->act != ACT_ALLOW && used < sizeof(v->msg))
		snprintf(v->msg + used, sizeof(v->msg) - used, "; %s%s",
			 what, killed ? " killed after exec" :
			 " allowed to run");
	/* -c and --learn take every verdict, recorded or not (filter
	 * kills without a record); -e trace=SET narrows -v's records,
	 * never a verdict's; -v records the exec once, with its
	 * program. */
	if (action_records(v->act) || (T.opt.verbose &&
	    trace_selected(MSYS_EXEC) && !c->exec_interp))
		how |= REPORT_WRITE;
	report_exec(t, c, f, v, how);
}

/* Record and carry out the verdict on the program or interpreter.
 * Returns true if the process was killed (or memtrace is leaving). */
static bool carry_out(struct thread *t, const struct mcall *c,
		      struct facts *f, struct verdict *v,
		      const char *what)
{
	record(t, c, f, v, what, action_denies(v->act));
	switch (v->act) {
	case ACT_ALLOW:
	case ACT_WARN:
		return false;
	case ACT_EXIT:
		tracer_exit(v->err ? v->err : 1);
	case ACT_PANIC:
		tracer_panic();
	default:
		kill(thread_tgid(t), SIGKILL);
		return true;
	}
}

/* The warnings of one file's checks, kept until the verdict says
 * whether the program runs; each is then a record of its own. */
struct warnings {
	struct verdict *v;
	size_t n;
};

static void keep_warning(const struct verdict *w, void *arg)
{
	struct warnings *ws = arg;
	struct verdict *grown = reallocarray(ws->v, ws->n + 1,
					     sizeof(*ws->v));

	if (!grown)
		die("out of memory");
	ws->v = grown;
	ws->v[ws->n++] = *w;
}

/* The checks on one file, its warnings recorded first. */
static bool check_file(struct thread *t, const struct mcall *c,
		       struct facts *f, const char *what)
{
	struct warnings ws = { NULL, 0 };
	struct verdict v;

	check_call_warn(c, f, T.pol, &v, keep_warning, &ws);
	for (size_t i = 0; i < ws.n; i++)
		record(t, c, f, &ws.v[i], what, action_denies(v.act));
	free(ws.v);
	if (v.act == ACT_WARN)
		return false;	/* the first warning, recorded above */
	return carry_out(t, c, f, &v, what);
}

/* Whether the program has an interpreter to check: its PT_INTERP, or
 * where its headers could not be read, the kernel's AT_BASE. */
static bool interp_unknown(const struct elf_head *x)
{
	return !x->elf || x->stack == ELF_STACK_ERROR;
}

/*
 * The interpreter's mapping from the maps alone: at the exec event the
 * process holds only what the kernel mapped (the program, its
 * interpreter, the stack, the vdso), and nothing else can map into the
 * new address space yet, so a file other than the program is the
 * interpreter, and its mapping at offset 0 is the one at AT_BASE. Any
 * doubt (no program stat, no other file, two of them, none at offset
 * 0) leaves it to AT_BASE.
 */
struct other_file {
	dev_t dev;
	ino_t ino;
	struct map_entry m;
	char *path;
	size_t len;
	int files;		/* distinct files other than the program */
	bool at0;		/* m: its mapping at offset 0 */
};

static bool other_one(const struct map_entry *e, void *arg)
{
	struct other_file *w = arg;

	if (!e->ino || (makedev(e->maj, e->min) == w->dev &&
			(ino_t)e->ino == w->ino))
		return false;
	if (w->files && (e->maj != w->m.maj || e->min != w->m.min ||
			 e->ino != w->m.ino)) {
		w->files++;
		return true;	/* a second file: ask AT_BASE */
	}
	if (!w->files) {
		w->files = 1;
		w->m = *e;
		w->m.path = "";
	}
	if (!w->at0 && e->off == 0) {
		w->m = *e;
		snprintf(w->path, w->len, "%s", e->path);
		w->m.path = w->path;
		w->at0 = true;
	}
	return false;
}

/* 1: found (*m), 0: no interpreter was loaded, -1: ask AT_BASE. */
static int interp_from_maps(pid_t tid, const struct stat *xst,
			    struct map_entry *m, char *path, size_t len)
{
	struct other_file w = { .dev = xst->st_dev, .ino = xst->st_ino,
				.path = path, .len = len };

	if (maps_walk(tid, other_one, &w) < 0 || w.files > 1)
		return -1;
	if (!w.files)
		return 0;
	if (!w.at0)
		return -1;
	*m = w.m;
	return 1;
}

/* The mapping at AT_BASE: 1 found, 0 none (no interpreter), -1 not
 * known. */
static int interp_at_base(pid_t tid, const struct elf_head *x,
			  struct map_entry *m, char *path, size_t len)
{
	uint64_t base = 0;

	if (read_at_base(tid, x->is64, &base) < 0)
		return -1;
	if (!base)
		return 0;	/* the kernel loaded no interpreter */
	return maps_find(tid, starts_at, &base, m, path, len) > 0 ? 1 : -1;
}

/* The checks on the interpreter: its mapping, found in the maps (the
 * program's stat known) or at AT_BASE. */
static bool interp_check(struct thread *t, struct mcall *c,
			 const struct elf_head *x, const struct stat *xst,
			 const struct facts *fe)
{
	struct facts fi;
	struct verdict v;
	struct map_entry m;
	char mpath[MAP_PATH];
	int found = xst ? interp_from_maps(t->tid, xst, &m, mpath,
					   sizeof(mpath)) : -1;

	/* Where the maps say none, AT_BASE must agree for a program
	 * that names one. */
	if (found < 0 || (found == 0 && !interp_unknown(x)))
		found = interp_at_base(t->tid, x, &m, mpath, sizeof(mpath));
	if (found == 0 && interp_unknown(x))
		return false;
	if (found <= 0 || m.off != 0 || m.path[0] != '/') {
		char what[400];
		snprintf(what, sizeof(what), "cannot find the mapping of "
			 "the interpreter %.300s", x->has_interp ?
			 x->interp : "(the program's headers are unreadable)");
		fail_verdict(&v, what, x->interp);
		return carry_out(t, c, NULL, &v, "program");
	}
	struct file_ref interp = {
		.kind = FSRC_MAP, .lo = m.lo, .hi = m.hi, .maj = m.maj,
		.min = m.min, .ino = m.ino, .path = mpath,
	};
	gather(t->tid, &interp, fe, c, -1, NULL, NULL, &fi);
	return check_file(t, c, &fi, "interpreter of the program,");
}

/* The file checks on the program and its interpreter. */
static bool check_program(struct thread *t, struct mcall *c, int xfd,
			  const struct stat *xst, const struct elf_head *x)
{
	struct file_ref exe = { .kind = FSRC_EXE };
	struct facts fe;

	gather(t->tid, &exe, NULL, c, xfd, xst, x, &fe);
	if (check_file(t, c, &fe, "program"))
		return true;
	if (!x->has_interp && !interp_unknown(x))
		return false;
	/* The interpreter: the file checks only (the process's size was
	 * the program's check); none on, nothing to look for. */
	c->exec_interp = true;
	if (!check_needs(c, T.pol))
		return false;
	return interp_check(t, c, x, xfd >= 0 ? xst : NULL, &fe);
}

bool program_check(struct thread *t)
{
	struct elf_head x;
	struct stat xst;
	struct mcall c;
	struct verdict v;
	memset(&c, 0, sizeof(c));
	c.sys = MSYS_EXEC;
	c.prot = PROT_READ | PROT_EXEC;
	c.flags = MAP_PRIVATE;
	c.fd = -1;
	bool checked = check_needs(&c, T.pol) != 0;
	if (!checked && !T.opt.summary && !T.opt.verbose)
		return false;	/* no enabled check looks at files */
	int xfd = open_program(t->tid, &xst, &x);
	c.pers = exe_pers(&x);
	if (T.opt.stack)
		t->prog_pers = c.pers;	/* -k unwinds in it */
	c.word = x.is64 ? 8 : 4;
	/* -c counts the exec in the program's personality (x32 and
	 * x86_64 share a ptrace arch; the header tells). */
	if (T.opt.summary)
		summary_exec(thread_tgid(t), c.pers);
	bool killed = false;
	if (checked) {
		killed = check_program(t, &c, xfd, &xst, &x);
	} else if (T.opt.verbose && trace_selected(MSYS_EXEC)) {
		/* -v still records the exec, allowed. */
		verdict_clear(&v);
		report_exec(t, &c, NULL, &v, REPORT_COUNT | REPORT_LEARN |
			    REPORT_WRITE);
	}
	if (xfd >= 0)
		close(xfd);
	return killed;
}
