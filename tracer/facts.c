/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Facts for the checks, read from /proc only when a check asks. A fact
 * that cannot be read is marked failed, and the checks fail closed on
 * it. A file is reached through what the tracee holds (its fd, its
 * program, its mapping: see fileref.c), never by reopening a path it
 * named without proving the file is the one it holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checks/elfstack.h"
#include "checks/force.h"
#include "tracer/tracer.h"

/* The facts read from the call's file (after FACT_FD, from its open). */
#define FILE_FACTS (FACT_FD | FACT_PATH | FACT_DIR | FACT_ELF | FACT_HASH)

static uint64_t page_round_up(uint64_t v)
{
	return (v + page_size() - 1) & ~(page_size() - 1);
}

/* Walk /proc/TID/maps over [addr, addr+len). */
struct range_walk {
	uint64_t addr, end, covered;
	bool hole;
	struct facts *f;
};

static bool range_one(const struct map_entry *e, void *arg)
{
	struct range_walk *w = arg;

	if (e->hi <= w->addr || e->lo >= w->end)
		return false;
	if (e->perms[1] == 'w')
		w->f->range_writable = true;
	if (e->perms[2] == 'x')
		w->f->range_exec = true;
	else
		w->f->range_noexec = true;
	if (e->perms[3] == 's')
		w->f->range_shared = true;
	/* An executable stack is the stack check's (PT_GNU_STACK). */
	if (e->perms[1] == 'w' && e->perms[2] == 'x' &&
	    strcmp(e->path, "[stack]"))
		w->f->range_wx = true;
	/* maps is sorted: a mapping that starts past what is covered
	 * so far leaves a hole before it. */
	if (e->lo > w->covered)
		w->hole = true;
	if (e->hi > w->covered)
		w->covered = e->hi;
	return false;
}

static int range_prot(pid_t tid, uint64_t addr, uint64_t len,
		      struct facts *f)
{
	struct range_walk w = { addr, addr + page_round_up(len), addr, false,
				f };

	f->range_writable = false;
	f->range_exec = false;
	f->range_noexec = false;
	f->range_wx = false;
	f->range_shared = false;
	if (maps_walk(tid, range_one, &w) < 0)
		return -1;
	f->range_mapped = !w.hole && w.covered >= w.end;
	/* Memory that is not mapped is not executable either. */
	if (!f->range_mapped)
		f->range_noexec = true;
	return 0;
}

/*
 * "flags:\t0100002" (octal) and "ino:\t1234" in /proc/TID/fdinfo/N,
 * read in one go so both describe the same open file. ino is 0 where
 * the kernel does not report it (before 5.14).
 */
static int fd_info(pid_t tid, int fd, int *flags, unsigned long *ino)
{
	char name[32], buf[1024];
	int found = -1;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (proc_read(tid, name, buf, sizeof(buf)) <= 0)
		return -1;
	*ino = 0;
	for (char *line = buf; line && *line; ) {
		if (!strncmp(line, "flags:", 6)) {
			*flags = (int)strtol(line + 6, NULL, 8);
			found = 0;
		} else if (!strncmp(line, "ino:", 4)) {
			*ino = strtoul(line + 4, NULL, 10);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return found;
}

/* Uid and groups of the process, for TPE. -1 if unreadable. The read
 * stops at the last line wanted: no read for the end of the file. */
static int proc_ids(pid_t tid, const struct policy *p, struct facts *f)
{
	enum { UID = 1, GID = 2, GROUPS = 4 };
	unsigned want = UID | (p->tpe_gid_set ? GID | GROUPS : 0);
	unsigned seen = 0;
	char path[64], line[4096], buf[8192];
	FILE *st;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	st = fopen(path, "re");
	if (!st)
		return -1;
	setvbuf(st, buf, _IOFBF, sizeof(buf));	/* no fstat to size one */
	while (seen != want && fgets(line, sizeof(line), st)) {
		unsigned r, e;
		if (sscanf(line, "Uid:\t%u\t%u", &r, &e) == 2) {
			f->proc_uid = (uid_t)e;
			seen |= UID;
		} else if (p->tpe_gid_set && sscanf(line, "Gid:\t%u\t%u", &r,
						  &e) == 2) {
			f->proc_in_tpe_gid |= (gid_t)e == p->tpe_gid;
			seen |= GID;
		} else if (p->tpe_gid_set && !strncmp(line, "Groups:", 7)) {
			char *s = line + 7, *end;
			for (;;) {
				unsigned long g = strtoul(s, &end, 10);
				if (end == s)
					break;
				f->proc_in_tpe_gid |= (gid_t)g == p->tpe_gid;
				s = end;
			}
			seen |= GROUPS;
		}
	}
	fclose(st);
	return seen & UID ? 0 : -1;
}

/*
 * The path of the open file ofd (f->st is its stat), and whether it is
 * a real file. A deleted file is told by the file: no link left, or a
 * name (with the " (deleted)" the kernel adds) that no longer leads to
 * it; a live file may be named "x (deleted)" too. A file whose path is
 * too long to read (deeper than PATH_MAX) has no name: path_unnamed.
 */
static void link_path(pid_t tid, int ofd, struct facts *f)
{
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1;
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", ofd);
	ssize_t n = readlink(self, f->path, sizeof(f->path) - 1);
	f->path_unnamed = n < 0 || (size_t)n >= sizeof(f->path) - 1;
	if (f->path_unnamed) {
		snprintf(f->file_err, sizeof(f->file_err), "memtrace cannot "
			 "name the file (%s): its path is longer than "
			 "PATH_MAX", n < 0 ? strerror(errno) : "too long");
		snprintf(f->path, sizeof(f->path), "?");
		f->path_real = false;
		return;
	}
	f->path[n] = '\0';
	bool suffix = (size_t)n > dl && !strcmp(f->path + n - dl, deleted);
	bool is_memfd = !strncmp(f->path, "/memfd:", 7);
	bool is_deleted = !is_memfd && f->path[0] == '/' &&
			  (f->st.st_nlink == 0 ||
			   (suffix && !fileref_named(tid, f->path, &f->st)));
	f->path_real = f->path[0] == '/' && !is_deleted && !is_memfd;
	if (f->path_real)
		return;
	/* A deleted file or a memfd says so, and since rules are
	 * absolute paths, a description that does not start with '/'
	 * never matches an allow rule by accident. */
	char orig[sizeof(f->path)];
	memcpy(orig, f->path, sizeof(orig));
	if (is_memfd)
		snprintf(f->path, sizeof(f->path), "memfd:%.4000s", orig + 7);
	else if (is_deleted)
		snprintf(f->path, sizeof(f->path), "deleted:%.*s",
			 (int)((size_t)n - (suffix ? dl : 0)), orig);
	else
		snprintf(f->path, sizeof(f->path), "anon:%.4000s", orig);
}

/* The parent directory as the tracee sees it (through its root),
 * proven to hold the file (device and inode, same mount). */
static void parent_dir(pid_t tid, struct facts *f)
{
	f->dir_ok = false;
	if (!f->path_real)
		return;
	int dfd = fileref_parent(tid, f->path, &f->st, &f->dir_st,
				 &f->dir_ok);
	if (dfd < 0)
		return;
	close(dfd);
}

/*
 * The open file behind fd r->fd, from /proc: opened anew through
 * /proc/PID/fd/N, and its flags from fdinfo, read after the open, which
 * must name the same inode (or the fd was swapped meanwhile). For
 * kernels without pidfd_getfd (fileref_take_fd). -1 if it fails, with
 * f->failed or (an fd not open) f->fd_exists false set.
 */
static int fd_by_proc(pid_t tid, const struct file_ref *r, struct facts *f,
		      bool *readable)
{
	unsigned long ino = 0;

	T.fd_proc_opens++;
	int ofd = fileref_open_how(tid, r, false, &f->st, readable,
				   f->file_err, sizeof(f->file_err));

	if (ofd < 0)
		return -1;
	if (fd_info(tid, r->fd, &f->fd_flags, &ino) < 0 ||
	    (ino && ino != (unsigned long)f->st.st_ino)) {
		snprintf(f->file_err, sizeof(f->file_err), "fd %d was closed "
			 "or replaced while it was read", r->fd);
		close(ofd);
		return errno = ESTALE, -2;	/* gone, or swapped */
	}
	return ofd;
}

/* The open file of the call's fd: the tracee's own (pidfd_getfd),
 * else as /proc shows it. -1: cannot be opened (errno set); -2: it
 * changed while it was read. */
static int fd_file(pid_t tid, const struct file_ref *r, struct facts *f,
		   bool *readable)
{
	int ofd = fileref_take_fd(tid, r->fd, &f->st, &f->fd_flags,
				  readable);

	if (ofd >= 0)
		return ofd;
	if (ofd != FILEREF_NO_PIDFD) {
		snprintf(f->file_err, sizeof(f->file_err), "fd %d is not open",
			 r->fd);
		return errno = ENOENT, -1;
	}
	return fd_by_proc(tid, r, f, readable);
}

/*
 * Facts about the file r names (an fd, the exe, a mapping). It is
 * opened once (an fd: taken as it is) and everything is read from that
 * open file, so the stat, the path and the flags cannot describe
 * different files even if the tracee swaps the fd meanwhile. Where
 * the file can be read, it is left open in *keep for the ELF and hash
 * facts (the very file the stat describes, not opened again).
 */
static void file_facts(pid_t tid, const struct file_ref *r,
		       const struct policy *p, unsigned needs,
		       struct facts *f, int *keep)
{
	f->range_file = r->kind == FSRC_MAP;
	if (r->kind == FSRC_ANON) {
		/* Anonymous memory: W^X decides, the file checks pass. */
		f->fd_exists = false;
		f->have |= FACT_FD;
		return;
	}
	/* Open already (facts_for_open): the caller's readable open of r,
	 * f->st its stat. */
	bool readable = *keep >= 0;
	int ofd = readable ? *keep :
		  r->kind == FSRC_FD ? fd_file(tid, r, f, &readable) :
		  fileref_open_how(tid, r, false, &f->st, &readable,
				   f->file_err, sizeof(f->file_err));
	if (ofd == -2) {
		f->failed |= FACT_FD;
		return;
	}
	if (ofd < 0) {
		if (errno == EACCES || errno == EPERM)
			f->proc_denied = true;
		f->fd_exists = !(r->kind == FSRC_FD && errno == ENOENT);
		f->failed |= needs & FILE_FACTS;
		if (!f->fd_exists)
			f->have |= FACT_FD;	/* known: the fd is gone */
		return;
	}
	f->fd_exists = true;
	f->have |= FACT_FD;
	if (readable) {
		*keep = ofd;	/* the path too is read from it, if asked */
		return;
	}
	/* Not kept (O_PATH): its path now, or never. */
	link_path(tid, ofd, f);
	f->have |= FACT_PATH;
	close(ofd);
}

/* The parent directory and the process's ids, for TPE. The ids are
 * read once: a caller that has them (the interpreter at exec, from the
 * program's facts) puts them in first, with ids_read. */
static void dir_facts(pid_t tid, const struct policy *p, struct facts *f)
{
	parent_dir(tid, f);
	if (!f->ids_read && proc_ids(tid, p, f) < 0) {
		snprintf(f->file_err, sizeof(f->file_err), "cannot read "
			 "/proc/%d/status", tid);
		f->failed |= FACT_DIR;	/* TPE must not guess the user */
		return;
	}
	f->ids_read = true;
	f->have |= FACT_DIR;
}

/* The file to read the path, ELF and hash facts from: rfd where
 * file_facts kept it open (the file f->st describes); else the file
 * opened again, proven the same file, which the caller closes (fd !=
 * rfd). -1 with why set if it cannot be. */
static int facts_fd(pid_t tid, const struct facts *f, int rfd, char *why,
		    size_t len)
{
	return rfd >= 0 ? rfd : fileref_reopen(tid, &f->ref, &f->st, why,
					       len);
}

static void elf_facts(pid_t tid, struct facts *f, int rfd)
{
	char why[sizeof(f->elf_err) - 16];
	int fd = facts_fd(tid, f, rfd, why, sizeof(why));

	if (fd < 0) {
		snprintf(f->elf_err, sizeof(f->elf_err), "cannot open: %s",
			 why);
		f->elf_stack = ELF_STACK_ERROR;
		f->have |= FACT_ELF;
		return;
	}
	f->elf_stack = elf_stack_fd(fd, f->elf_err, sizeof(f->elf_err));
	if (fd != rfd)
		close(fd);
	f->have |= FACT_ELF;
}

static void hash_facts(pid_t tid, const struct policy *p, struct facts *f,
		       int rfd)
{
	const struct force_rule *r = policy_force_find(p, f->path);
	char why[256];
	int fd;

	/* No rule: the digest is for the tip (the file's own force
	 * rule), asked for only where one is written. */
	int alg = r ? r->alg : policy_force_tip_alg(p);

	f->hash_alg = alg;
	/* A file hashed before (same inode, size, times) is not opened. */
	if (hash_cached(&f->st, alg, f->hash_hex) == 0) {
		f->have |= FACT_HASH;
		return;
	}
	fd = facts_fd(tid, f, rfd, why, sizeof(why));
	int rc = fd < 0 ? -1 : hash_fd(fd, &f->st, alg, f->hash_hex);
	if (fd >= 0 && fd != rfd)
		close(fd);
	if (rc < 0) {
		f->failed |= FACT_HASH;
		return;
	}
	f->have |= FACT_HASH;
}

/*
 * VmSize is read at every stop of a size-growing call with the memory
 * sandbox on, so /proc/TID/statm stays open: a pread costs one system
 * call where open, read and close cost three. A slot is keyed by tid;
 * a read that fails (the task is gone, the tid reused) reopens once.
 */
#define STATM_SLOTS 64
static struct {
	pid_t tid;
	int fd;
} statm_cache[STATM_SLOTS];

static int statm_fd(pid_t tid, bool fresh)
{
	unsigned i = (unsigned)tid % STATM_SLOTS;
	char path[64];

	if (!fresh && statm_cache[i].tid == tid && statm_cache[i].fd > 0)
		return statm_cache[i].fd;
	if (statm_cache[i].fd > 0)
		close(statm_cache[i].fd);
	statm_cache[i].tid = 0;
	statm_cache[i].fd = 0;
	snprintf(path, sizeof(path), "/proc/%d/statm", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	statm_cache[i].tid = tid;
	statm_cache[i].fd = fd;
	return fd;
}

static int read_vmsize(pid_t tid, uint64_t *out)
{
	char buf[128];

	T.vmsize_reads++;
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = statm_fd(tid, attempt > 0);
		if (fd < 0)
			return -1;
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		char *end;
		unsigned long long pages = strtoull(buf, &end, 10);
		if (end == buf)
			return -1;
		*out = pages * page_size();
		return 0;
	}
	return -1;
}

static void mark(struct facts *f, unsigned bit, int rc);

/*
 * FACT_VMSIZE: the bound the tracer keeps for the address space where
 * it has one (proc.c), else VmSize read; FACT_VMSIZE_EXACT: read. A
 * read sets the bound again. The bound is used only where RLIMIT_AS
 * is mem/vm_max (rlimit_as_wanted): growth it missed (beyond the room
 * it keeps for the stack) is then refused by the kernel, with ENOMEM.
 */
static bool vmsize_bound(pid_t tid, struct thread *t, uint64_t *bound)
{
	uint64_t mapped;

	if (!t || !rlimit_as_wanted())
		return false;
	if (thread_vm_bound(t, bound))
		return true;
	/* No bound yet (exec, a new process): the maps this stop read
	 * (W^X's walk at exec) give one. */
	if (!maps_stop_size(tid, &mapped))
		return false;
	thread_vm_set(t, mapped);
	return thread_vm_bound(t, bound);
}

static void vmsize_facts(pid_t tid, unsigned needs, struct facts *f)
{
	struct thread *t = thread_find(tid);
	uint64_t bound;

	if (!(needs & FACT_VMSIZE_EXACT) && vmsize_bound(tid, t, &bound)) {
		f->vmsize = bound;
		f->vmsize_bound = true;
		f->have |= FACT_VMSIZE;
		return;
	}
	if (read_vmsize(tid, &f->vmsize) < 0) {
		mark(f, FACT_VMSIZE | FACT_VMSIZE_EXACT, -1);
		return;
	}
	f->vmsize_bound = false;
	f->have |= FACT_VMSIZE | FACT_VMSIZE_EXACT;
	if (t)
		thread_vm_set(t, f->vmsize);
}

int facts_rollup(pid_t tid, uint64_t *rss, uint64_t *pss)
{
	char path[64], line[256];
	unsigned long long kb;
	unsigned want = rss ? 3 : 2, found = 0;
	FILE *s;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", tid);
	if (!(s = fopen(path, "re")))
		return -1;
	while (found != want && fgets(line, sizeof(line), s)) {
		if (rss && sscanf(line, "Rss: %llu kB", &kb) == 1) {
			*rss = (uint64_t)kb * 1024;
			found |= 1;
		} else if (sscanf(line, "Pss: %llu kB", &kb) == 1) {
			*pss = (uint64_t)kb * 1024;
			found |= 2;
		}
	}
	fclose(s);
	return found == want ? 0 : -1;
}

/*
 * The current break: the end of the [heap] mapping (the break rounded
 * up to a page), or start_brk (field 47 of /proc/PID/stat) while the
 * heap is empty.
 */
static bool heap_end(const struct map_entry *e, void *arg)
{
	if (strcmp(e->path, "[heap]"))
		return false;
	*(uint64_t *)arg = e->hi;
	return true;
}

static int read_brk(pid_t tid, uint64_t *out)
{
	char line[4352];

	*out = 0;
	if (maps_walk(tid, heap_end, out) < 0)
		return -1;
	if (*out)
		return 0;
	if (proc_read(tid, "stat", line, sizeof(line)) <= 0)
		return -1;
	/* Fields after the command name, which may hold spaces. */
	char *s = strrchr(line, ')');
	unsigned long long v = 0;
	for (int field = 2; s && field < 47; field++)
		s = strchr(s + 1, ' ');
	if (!s || sscanf(s + 1, "%llu", &v) != 1)
		return -1;
	*out = v;
	return 0;
}

/*
 * The size of the SysV segment shmat names, from /proc/sysvipc/shm.
 * That file lists the reader's IPC namespace: a tracee in another one
 * cannot be judged, and fails (so its shmat is refused).
 */
static bool same_ipc_ns(pid_t tid)
{
	char path[64];
	struct stat mine, its;

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", tid);
	return stat("/proc/self/ns/ipc", &mine) == 0 &&
	       stat(path, &its) == 0 && mine.st_ino == its.st_ino &&
	       mine.st_dev == its.st_dev;
}

static int read_shm_size(pid_t tid, int shmid, uint64_t *out)
{
	char line[512];
	FILE *s;
	int rc = -1;

	if (!same_ipc_ns(tid) || !(s = fopen("/proc/sysvipc/shm", "re")))
		return -1;
	/* key shmid perms size ...; the first line is the header. */
	while (fgets(line, sizeof(line), s)) {
		long long key;
		int id;
		unsigned perms;
		unsigned long long size;
		if (sscanf(line, "%lld %d %o %llu", &key, &id, &perms,
			   &size) == 4 && id == shmid) {
			*out = size;
			rc = 0;
			break;
		}
	}
	fclose(s);
	return rc;
}

/* The process's personality (FACT_PERSONA); why not in persona_err. */
static int read_persona(pid_t tid, struct facts *f)
{
	char buf[32];

	T.persona_reads++;
	if (proc_read(tid, "personality", buf, sizeof(buf)) < 0) {
		int e = errno;
		if (e == EACCES || e == EPERM)
			fileref_proc_denied(tid, "the personality",
					    f->persona_err,
					    sizeof(f->persona_err));
		else
			snprintf(f->persona_err, sizeof(f->persona_err),
				 "cannot read /proc/%d/personality: %s", tid,
				 strerror(e));
		errno = e;
		return -1;
	}
	if (sscanf(buf, "%lx", &f->persona) != 1) {
		snprintf(f->persona_err, sizeof(f->persona_err),
			 "cannot parse /proc/%d/personality", tid);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static void mark(struct facts *f, unsigned bit, int rc)
{
	if (rc == 0) {
		f->have |= bit;
		return;
	}
	f->failed |= bit;
	if (errno == EACCES || errno == EPERM)
		f->proc_denied = true;
}

void facts_explain(pid_t tid, const struct facts *f, struct verdict *v)
{
	char why[400];
	size_t used = strlen(v->msg);

	if (!f->proc_denied || !action_denies(v->act) ||
	    strstr(v->msg, "may not read"))
		return;
	fileref_proc_denied(tid, "/proc", why, sizeof(why));
	if (used < sizeof(v->msg))
		snprintf(v->msg + used, sizeof(v->msg) - used, ": %s", why);
}

/* *rfd: the file file_facts opened, kept open for a later round's
 * ELF and hash facts (the caller closes it); -1 if none. */
static void gather_file(pid_t tid, const struct policy *p, unsigned needs,
			struct facts *f, int *rfd)
{
	if (!(f->have & FACT_FD) && !(f->failed & FACT_FD))
		file_facts(tid, &f->ref, p, needs, f, rfd);
	if (!f->fd_exists || (f->failed & FACT_FD)) {
		f->failed |= needs & FACT_PATH;	/* no file to name */
		return;
	}
	/* The path is read from the open file (where it was closed, a
	 * later decision on the same facts: opened again, proven the same
	 * file); TPE's directory and force's rule are found by it. */
	if ((needs & (FACT_PATH | FACT_DIR | FACT_HASH)) &&
	    !(f->have & FACT_PATH)) {
		char why[sizeof(f->file_err)];
		int fd = facts_fd(tid, f, *rfd, why, sizeof(why));
		if (fd < 0) {
			snprintf(f->file_err, sizeof(f->file_err), "%s", why);
			f->failed |= needs & (FACT_PATH | FACT_DIR |
					      FACT_HASH);
			return;
		}
		link_path(tid, fd, f);
		f->have |= FACT_PATH;
		if (fd != *rfd)
			close(fd);
	}
	if ((needs & FACT_DIR) && !(f->have & FACT_DIR) &&
	    !(f->failed & FACT_DIR))
		dir_facts(tid, p, f);
	if ((needs & FACT_ELF) && !(f->failed & FACT_ELF))
		elf_facts(tid, f, *rfd);
	if ((needs & FACT_HASH) && !(f->failed & FACT_HASH))
		hash_facts(tid, p, f, *rfd);
}

bool range_exec_call(const struct mcall *c)
{
	return (c->sys == MSYS_MPROTECT || c->sys == MSYS_PKEY_MPROTECT) &&
	       (c->prot & PROT_EXEC);
}

/* The mappings over [lo, hi), collected. */
struct pieces_walk {
	const struct mcall *c;
	uint64_t lo, hi;
	struct range_piece *v;
	size_t n;
	bool nomem;
};

static bool piece_one(const struct map_entry *e, void *arg)
{
	struct pieces_walk *w = arg;

	if (e->hi <= w->lo || e->lo >= w->hi)
		return false;
	struct range_piece *v = realloc(w->v, (w->n + 1) * sizeof(*v));
	if (!v) {
		w->nomem = true;
		return true;
	}
	w->v = v;
	struct range_piece *pc = &v[w->n++];
	memset(&pc->ref, 0, sizeof(pc->ref));
	pc->c = *w->c;
	pc->c.addr = e->lo > w->lo ? e->lo : w->lo;
	pc->c.len = (e->hi < w->hi ? e->hi : w->hi) - pc->c.addr;
	/* A file whose path maps cannot print (deeper than PATH_MAX)
	 * still has its inode there. */
	bool file = e->ino || e->path[0] == '/';
	pc->ref.kind = file ? FSRC_MAP : FSRC_ANON;
	pc->ref.lo = e->lo;
	pc->ref.hi = e->hi;
	pc->ref.maj = e->maj;
	pc->ref.min = e->min;
	pc->ref.ino = e->ino;
	snprintf(pc->path, sizeof(pc->path), "%s", e->path);
	return false;
}

int range_pieces(pid_t tid, const struct mcall *c, struct range_piece **out,
		 size_t *n)
{
	struct pieces_walk w = { c, c->addr, c->addr + page_round_up(c->len),
				 NULL, 0, false };

	*out = NULL;
	*n = 0;
	if (maps_walk(tid, piece_one, &w) < 0 || w.nomem) {
		free(w.v);
		return -1;
	}
	for (size_t i = 0; i < w.n; i++)
		w.v[i].ref.path = w.v[i].path;
	*out = w.v;
	*n = w.n;
	return 0;
}

/*
 * The file of a call that names none by a file_ref: its fd; the
 * program at exec; for mprotect, the first mapping in its range (the
 * tracer checks such a call piece by piece, giving each its mapping).
 */
static void call_ref(pid_t tid, const struct mcall *c, struct facts *f)
{
	static char first_path[4096];	/* memtrace is single-threaded */

	memset(&f->ref, 0, sizeof(f->ref));
	if (c->sys == MSYS_EXEC) {
		f->ref.kind = FSRC_EXE;
		return;
	}
	if (c->sys != MSYS_MPROTECT && c->sys != MSYS_PKEY_MPROTECT) {
		f->ref.kind = FSRC_FD;
		f->ref.fd = c->fd;
		return;
	}
	struct range_piece *v;
	size_t n;
	f->ref.kind = FSRC_ANON;
	if (range_pieces(tid, c, &v, &n) < 0) {
		f->ref.kind = FSRC_NONE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].ref.kind != FSRC_MAP)
			continue;
		f->ref = v[i].ref;
		snprintf(first_path, sizeof(first_path), "%s", v[i].path);
		f->ref.path = first_path;
		break;
	}
	free(v);
}

static void gather_keep(pid_t tid, const struct mcall *c,
			const struct policy *p, unsigned needs,
			const struct file_ref *ref, struct facts *f, int *rfd)
{
	needs &= ~(f->have | f->failed);
	/* At exec: every mapping the kernel made for the new program. */
	if ((needs & FACT_RANGE_PROT) && c->sys == MSYS_EXEC)
		mark(f, FACT_RANGE_PROT, range_prot(tid, 0, -page_size(), f));
	else if (needs & FACT_RANGE_PROT)
		mark(f, FACT_RANGE_PROT, range_prot(tid, c->addr, c->len, f));
	if (needs & (FACT_VMSIZE | FACT_VMSIZE_EXACT))
		vmsize_facts(tid, needs, f);
	if (needs & FACT_PSS)
		mark(f, FACT_PSS, facts_rollup(tid, NULL, &f->pss));
	if (needs & FACT_BRK)
		mark(f, FACT_BRK, read_brk(tid, &f->cur_brk));
	if (needs & FACT_PERSONA)
		mark(f, FACT_PERSONA, read_persona(tid, f));
	int shmid;
	if ((needs & FACT_SHM) && call_shmat(c, &shmid))
		mark(f, FACT_SHM, read_shm_size(tid, shmid, &f->shm_size));
	if (!(needs & FILE_FACTS))
		return;
	if (ref)
		f->ref = *ref;
	else if (f->ref.kind == FSRC_NONE)
		call_ref(tid, c, f);
	if (f->ref.kind == FSRC_NONE) {
		snprintf(f->file_err, sizeof(f->file_err), "cannot read "
			 "/proc/%d/maps", tid);
		f->failed |= needs & FILE_FACTS;
		return;
	}
	if (f->ref.kind == FSRC_FD && f->ref.fd < 0) {
		f->fd_exists = false;
		f->have |= FACT_FD;
		f->failed |= needs & FILE_FACTS & ~FACT_FD;
		return;
	}
	gather_file(tid, p, needs, f, rfd);
}

void facts_gather(pid_t tid, const struct mcall *c, const struct policy *p,
		  unsigned needs, const struct file_ref *ref, struct facts *f)
{
	int rfd = -1;

	gather_keep(tid, c, p, needs, ref, f, &rfd);
	if (rfd >= 0)
		close(rfd);
}

/* The tracer's fetcher for checks/'s rounds: the thread and the file
 * the facts are read from. */
struct fetch_from {
	pid_t tid;
	const struct file_ref *ref;
	int rfd;	/* the file, open from the first round to the last */
};

static void fetch_facts(const struct mcall *c, const struct policy *p,
			unsigned needs, struct facts *f, void *arg)
{
	struct fetch_from *from = arg;

	gather_keep(from->tid, c, p, needs, from->ref, f, &from->rfd);
}

void facts_for_call(pid_t tid, const struct mcall *c, const struct policy *p,
		    const struct file_ref *ref, struct facts *f)
{
	struct fetch_from from = { tid, ref, -1 };

	check_facts(c, p, fetch_facts, &from, f);
	if (from.rfd >= 0)
		close(from.rfd);
}

void facts_for_open(pid_t tid, const struct mcall *c, const struct policy *p,
		    const struct file_ref *ref, int fd, struct facts *f)
{
	struct fetch_from from = { tid, ref, fd };

	check_facts(c, p, fetch_facts, &from, f);
}

void facts_decide(pid_t tid, const struct mcall *c, const struct policy *p,
		  const struct file_ref *ref, struct facts *f,
		  struct verdict *v, warn_fn *warned, void *warn_arg)
{
	struct fetch_from from = { tid, ref, -1 };

	check_decide(c, p, fetch_facts, &from, f, v, warned, warn_arg);
	if (from.rfd >= 0)
		close(from.rfd);
}
