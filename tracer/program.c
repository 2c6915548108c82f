/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The program at exec. At PTRACE_EVENT_EXEC the kernel has already
 * mapped the new program and its ELF interpreter without a single
 * mmap call, so the file checks (exec rules, tpe, force, executable
 * stack) are run here on both, as an MSYS_EXEC "call": the program's
 * facts come from /proc/PID/exe, the interpreter's from the mapping at
 * the interpreter's load address (AT_BASE in /proc/PID/auxv), opened
 * through /proc/PID/map_files (root) or, failing that, by the path in
 * /proc/PID/maps with its device and inode compared to the mapping.
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
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <libgen.h>
#include <linux/audit.h>
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

/* What the exe's ELF header says about the program. */
struct exe_info {
	bool elf;
	bool is64;
	bool le;
	unsigned machine;
	bool has_interp;
	char interp[4096];	/* PT_INTERP, as written in the program */
};

/* Room for the path of a mapping. */
#define MAP_PATH 4096

static void read_exe(pid_t tid, struct exe_info *x)
{
	char link[64];
	size_t n = 0;
	int fd;

	memset(x, 0, sizeof(*x));
	snprintf(link, sizeof(link), "/proc/%d/exe", tid);
	fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) ||
	    elf_getphdrnum(e, &n) != 0)
		goto out;
	x->elf = true;
	x->is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	x->le = eh.e_ident[EI_DATA] == ELFDATA2LSB;
	x->machine = eh.e_machine;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		size_t len = ph.p_filesz < sizeof(x->interp) ?
			     (size_t)ph.p_filesz : sizeof(x->interp) - 1;
		ssize_t r = pread(fd, x->interp, len, (off_t)ph.p_offset);
		x->interp[r > 0 ? (size_t)r : 0] = '\0';
		x->interp[strcspn(x->interp, "\n")] = '\0';
		x->has_interp = true;	/* even if unreadable: fail closed */
		break;
	}
out:
	if (e)
		elf_end(e);
	close(fd);
}

/* The personality the new program runs in, for the record. */
static const char *exe_pers(const struct exe_info *x)
{
	const struct personality *p = NULL;

	if (x->elf) {
		uint32_t audit = x->machine;
		long nr = 0;
		if (x->le)
			audit |= __AUDIT_ARCH_LE;
		if (x->is64)
			audit |= __AUDIT_ARCH_64BIT;
		else if (x->machine == EM_X86_64) {
			audit |= __AUDIT_ARCH_64BIT;	/* x32 */
			nr = 0x40000000;		/* __X32_SYSCALL_BIT */
		}
		p = arch_personality(arch_host, audit, nr);
	}
	if (!p && arch_host->npers)
		p = arch_host->pers[0];
	return p ? p->name : "?";
}

const char *program_pers(pid_t tid)
{
	struct exe_info x;

	read_exe(tid, &x);
	return exe_pers(&x);
}

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
 * The interpreter's facts without map_files: open the mapped path
 * inside the tracee's root, make sure it is the mapped file (device
 * and inode), and read everything from that one descriptor. The
 * process's ids are the program's (put in by gather).
 */
static void interp_facts_by_path(pid_t tid, const struct map_entry *m,
				 unsigned needs, struct facts *f)
{
	char p[MAP_PATH + 64], dir[MAP_PATH];
	int fd;

	needs &= ~(f->have | f->failed);
	if (!(f->have & FACT_FD)) {
		snprintf(p, sizeof(p), "/proc/%d/root%s", tid, m->path);
		f->fd_exists = true;
		snprintf(f->path, sizeof(f->path), "%s", m->path);
		fd = m->path[0] == '/' ? open(p, O_RDONLY | O_CLOEXEC |
					      O_NOCTTY | O_NONBLOCK) : -1;
		if (fd < 0 || fstat(fd, &f->st) < 0 ||
		    major(f->st.st_dev) != m->maj ||
		    minor(f->st.st_dev) != m->min ||
		    f->st.st_ino != m->ino) {
			/* Gone, replaced or deleted: fail closed. */
			if (fd >= 0)
				close(fd);
			f->failed |= FACT_FD | FACT_ELF | FACT_HASH;
			return;
		}
		close(fd);
		f->path_real = true;
		snprintf(dir, sizeof(dir), "%s", m->path);
		snprintf(p, sizeof(p), "/proc/%d/root%s", tid, dirname(dir));
		f->dir_ok = stat(p, &f->dir_st) == 0;
		f->have |= FACT_FD;
	}
	if (!(needs & (FACT_ELF | FACT_HASH)))
		return;
	snprintf(p, sizeof(p), "/proc/%d/root%s", tid, m->path);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != f->st.st_dev ||
	    st.st_ino != f->st.st_ino) {
		if (fd >= 0)
			close(fd);
		f->failed |= needs & (FACT_ELF | FACT_HASH);
		return;
	}
	if (needs & FACT_ELF) {
		f->elf_stack = elf_stack_fd(fd, f->elf_err,
					    sizeof(f->elf_err));
		f->have |= FACT_ELF;
	}
	if (needs & FACT_HASH) {
		const struct force_rule *r = policy_force_find(T.pol, f->path);
		f->hash_alg = r ? r->alg : -1;
		if (!r)
			f->have |= FACT_HASH;
		else if (hash_fd(fd, &st, r->alg, f->hash_hex) == 0)
			f->have |= FACT_HASH;
		else
			f->failed |= FACT_HASH;
	}
	close(fd);
}

/* Where the facts of one file come from. */
struct source {
	const char *link;		/* a /proc link facts.c can follow */
	const struct map_entry *m;	/* or a mapping, opened by path */
	const struct facts *exe;	/* the interpreter: the program's */
};

static void gather(pid_t tid, const struct source *s, const struct mcall *c,
		   struct facts *f)
{
	memset(f, 0, sizeof(*f));
	if (s->exe) {
		/* Same process, same moment: the program's ids, not read
		 * again (facts.c reads them where nthreads is 0). */
		f->proc_uid = s->exe->proc_uid;
		f->proc_in_tpe_gid = s->exe->proc_in_tpe_gid;
		f->nthreads = s->exe->nthreads;
	}
	if (s->link) {
		facts_for_call(tid, c, T.pol, s->link, f);
		return;
	}
	/* The same rounds as facts_for_call, by path. */
	unsigned want = check_needs(c, T.pol);
	for (int round = 0; want && round < 8; round++) {
		interp_facts_by_path(tid, s->m, want, f);
		want = check_needs_more(c, T.pol, f);
	}
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

/* Record and carry out the verdict on the program or interpreter.
 * Returns true if the process was killed (or memtrace is leaving). */
static bool carry_out(struct thread *t, const struct mcall *c,
		      struct verdict *v, const char *what)
{
	pid_t tgid = thread_tgid(t);
	bool kill_it = action_denies(v->act);
	size_t used = strlen(v->msg);

	if (v->act != ACT_ALLOW && used < sizeof(v->msg))
		snprintf(v->msg + used, sizeof(v->msg) - used, "; %s%s",
			 what, kill_it ? " killed after exec" :
			 " allowed to run");
	if (action_records(v->act) || T.opt.verbose) {
		/* -c and --learn take the exec from its records. */
		if (T.opt.summary)
			summary_exec_verdict(v);
		if (T.opt.learn)
			learn_exec_record(t->tid, tgid, c, v);
		/* -e trace=SET narrows -v's records, never a verdict's. */
		if (action_records(v->act) || trace_selected(MSYS_EXEC))
			log_record(t->tid, tgid, c, v, false);
	}
	switch (v->act) {
	case ACT_ALLOW:
	case ACT_WARN:
		return false;
	case ACT_EXIT:
		tracer_exit(v->err ? v->err : 1);
	case ACT_PANIC:
		tracer_panic();
	default:
		kill(tgid, SIGKILL);
		return true;
	}
}

void program_check(struct thread *t)
{
	struct exe_info x;
	struct mcall c;
	struct facts fe, fi;
	struct verdict v;
	char link[96];

	memset(&c, 0, sizeof(c));
	c.sys = MSYS_EXEC;
	c.prot = PROT_READ | PROT_EXEC;
	c.flags = MAP_PRIVATE;
	c.fd = -1;
	bool checked = check_needs(&c, T.pol) != 0;
	if (!checked && !T.opt.summary)
		return;		/* no enabled check looks at files */
	read_exe(t->tid, &x);
	c.pers = exe_pers(&x);
	c.word = x.is64 ? 8 : 4;
	/* -c counts the exec in the program's personality (x32 and
	 * x86_64 share a ptrace arch; the header tells). */
	if (T.opt.summary)
		summary_exec(thread_tgid(t), c.pers);
	if (!checked)
		return;

	snprintf(link, sizeof(link), "/proc/%d/exe", t->tid);
	struct source se = { .link = link };
	gather(t->tid, &se, &c, &fe);
	check_call(&c, &fe, T.pol, &v);
	if (carry_out(t, &c, &v, "program") || !x.has_interp)
		return;

	/* The interpreter: the mapping at AT_BASE. */
	uint64_t base = 0;
	struct map_entry m;
	char mpath[MAP_PATH];
	if (read_at_base(t->tid, x.is64, &base) < 0 || !base ||
	    maps_find(t->tid, starts_at, &base, &m, mpath,
		      sizeof(mpath)) <= 0 || m.off != 0 || m.path[0] != '/') {
		char what[400];
		snprintf(what, sizeof(what), "cannot find the mapping of "
			 "the interpreter %.300s", x.interp);
		fail_verdict(&v, what, x.interp);
		carry_out(t, &c, &v, "program");
		return;
	}
	struct source si = { .m = &m, .exe = &fe };
	snprintf(link, sizeof(link), "/proc/%d/map_files/%" PRIx64 "-%"
		 PRIx64, t->tid, m.lo, m.hi);
	int fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		si.link = link;
	}
	gather(t->tid, &si, &c, &fi);
	check_call(&c, &fi, T.pol, &v);
	carry_out(t, &c, &v, "interpreter of the program,");
}
