/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Facts for the checks, read from /proc only when a check asks. A fact
 * that cannot be read is marked failed, and the checks fail closed on
 * it. Files are always reached through the tracee's own open fd
 * (/proc/TID/fd/N), never by reopening a path it named.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "checks/elfstack.h"
#include "checks/force.h"
#include "tracer/tracer.h"

/* Facts about the process rather than a file or a range. */
#define PROC_FACTS (FACT_VMSIZE | FACT_PSS)

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

/* Uid and groups of the process, for TPE. -1 if unreadable. */
static int proc_ids(pid_t tid, const struct policy *p, struct facts *f)
{
	char path[64], line[4096];
	FILE *st;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	st = fopen(path, "re");
	if (!st)
		return -1;
	while (fgets(line, sizeof(line), st)) {
		unsigned r, e;
		if (sscanf(line, "Uid:\t%u\t%u", &r, &e) == 2)
			f->proc_uid = (uid_t)e;
		else if (sscanf(line, "Threads:\t%u", &r) == 1)
			f->nthreads = r;
		else if (p->tpe_gid_set && sscanf(line, "Gid:\t%u\t%u", &r,
						  &e) == 2)
			f->proc_in_tpe_gid |= (gid_t)e == p->tpe_gid;
		else if (p->tpe_gid_set && !strncmp(line, "Groups:", 7)) {
			char *s = line + 7, *end;
			for (;;) {
				unsigned long g = strtoul(s, &end, 10);
				if (end == s)
					break;
				f->proc_in_tpe_gid |= (gid_t)g == p->tpe_gid;
				s = end;
			}
		}
	}
	fclose(st);
	return 0;
}

/* The path a /proc link names, and whether it is a real file. */
static void link_path(const char *link, struct facts *f)
{
	ssize_t n = readlink(link, f->path, sizeof(f->path) - 1);
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1;

	if (n < 0) {
		snprintf(f->path, sizeof(f->path), "?");
		f->path_real = false;
		return;
	}
	f->path[n] = '\0';
	bool is_deleted = (size_t)n > dl && !strcmp(f->path + n - dl, deleted);
	bool is_memfd = !strncmp(f->path, "/memfd:", 7);
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
			 (int)((size_t)n - dl), orig);
	else
		snprintf(f->path, sizeof(f->path), "anon:%.4000s", orig);
}

static void parent_dir(struct facts *f)
{
	char dir[sizeof(f->path)];

	f->dir_ok = false;
	if (!f->path_real)
		return;
	memcpy(dir, f->path, sizeof(dir));
	if (stat(dirname(dir), &f->dir_st) == 0)
		f->dir_ok = true;
}

static int open_link(const char *link)
{
	int fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	/* A file memtrace may not read can still be stat'ed and named. */
	return fd >= 0 ? fd : open(link, O_PATH | O_CLOEXEC);
}

/*
 * Facts about the file behind a /proc link (fd or exe). The link is
 * opened once and everything is read from that open file, so the stat,
 * the path and the flags cannot describe different files even if the
 * tracee swaps the fd meanwhile; the fdinfo read after the open must
 * name the same inode, or the facts fail (and the checks fail closed).
 */
static void file_facts(pid_t tid, const char *link, const struct policy *p,
		       unsigned needs, struct facts *f)
{
	char self[64];
	int ofd = open_link(link);

	if (ofd < 0 || fstat(ofd, &f->st) < 0) {
		f->fd_exists = errno != ENOENT;
		f->failed |= needs & (FACT_FD | FACT_ELF | FACT_HASH);
		if (!f->fd_exists)
			f->have |= FACT_FD;	/* known: the fd is gone */
		if (ofd >= 0)
			close(ofd);
		return;
	}
	f->fd_exists = true;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", ofd);
	link_path(self, f);
	close(ofd);

	const char *slash = strrchr(link, '/');
	if (slash && strstr(link, "/fd/")) {
		unsigned long ino = 0;
		if (fd_info(tid, atoi(slash + 1), &f->fd_flags, &ino) < 0 ||
		    (ino && ino != (unsigned long)f->st.st_ino)) {
			f->failed |= FACT_FD;	/* gone, or swapped */
			return;
		}
	}
	parent_dir(f);
	/* The process's ids are read once: a caller that has them (the
	 * interpreter at exec, from the program's facts) puts them in
	 * first, nthreads with them (0: unknown). */
	if (!f->nthreads && proc_ids(tid, p, f) < 0) {
		f->failed |= FACT_FD;	/* TPE must not guess the user */
		return;
	}
	f->have |= FACT_FD;
}

/* Reopen the file the FD facts describe; -1 if the link now names
 * another file (the tracee swapped it). */
static int reopen_same(const char *link, const struct facts *f)
{
	struct stat st;
	int fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_dev != f->st.st_dev ||
	    st.st_ino != f->st.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

static void elf_facts(const char *link, struct facts *f)
{
	int fd = reopen_same(link, f);

	if (fd < 0) {
		snprintf(f->elf_err, sizeof(f->elf_err), "cannot open: %s",
			 strerror(errno));
		f->elf_stack = ELF_STACK_ERROR;
		f->have |= FACT_ELF;
		return;
	}
	f->elf_stack = elf_stack_fd(fd, f->elf_err, sizeof(f->elf_err));
	close(fd);
	f->have |= FACT_ELF;
}

static void hash_facts(const char *link, const struct policy *p,
		       struct facts *f)
{
	const struct force_rule *r = policy_force_find(p, f->path);
	int fd;

	if (!r) {
		f->hash_alg = -1;	/* no rule: nothing to compare */
		f->have |= FACT_HASH;
		return;
	}
	f->hash_alg = r->alg;
	/* A file hashed before (same inode, size, times) is not opened. */
	if (hash_cached(&f->st, r->alg, f->hash_hex) == 0) {
		f->have |= FACT_HASH;
		return;
	}
	fd = reopen_same(link, f);
	if (fd < 0 || hash_fd(fd, &f->st, r->alg, f->hash_hex) < 0) {
		if (fd >= 0)
			close(fd);
		f->failed |= FACT_HASH;
		return;
	}
	close(fd);
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

static void mark(struct facts *f, unsigned bit, int rc)
{
	if (rc == 0)
		f->have |= bit;
	else
		f->failed |= bit;
}

void facts_gather_file(pid_t tid, const char *link, const struct policy *p,
		       unsigned needs, struct facts *f)
{
	needs &= ~(f->have | f->failed);
	if (needs & (FACT_FD | FACT_ELF | FACT_HASH)) {
		if (!(f->have & FACT_FD))
			file_facts(tid, link, p, needs, f);
		if (!f->fd_exists)
			return;
	}
	if ((needs & FACT_ELF) && !(f->failed & FACT_ELF))
		elf_facts(link, f);
	if ((needs & FACT_HASH) && !(f->failed & FACT_HASH))
		hash_facts(link, p, f);
}

/*
 * mprotect adding PROT_EXEC: the file behind the range, so that
 * map-then-mprotect cannot get around the file checks. The first file
 * mapping in the range is reached through /proc/TID/map_files (which
 * only CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE may open: an
 * unprivileged memtrace may stat it but not read the ELF headers
 * through it); failing that, through the path in maps, if that file
 * still has the mapping's device and inode.
 */
static bool link_readable(const char *link)
{
	int fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool same_file(const struct stat *st, const struct map_entry *e)
{
	return st->st_ino == e->ino && major(st->st_dev) == e->maj &&
	       minor(st->st_dev) == e->min;
}

static bool file_in_range(const struct map_entry *e, void *arg)
{
	const uint64_t *range = arg;	/* [start, end) */

	return e->hi > range[0] && e->lo < range[1] && e->ino &&
	       e->path[0] == '/';
}

static void range_file_facts(pid_t tid, const struct mcall *c,
			     const struct policy *p, unsigned needs,
			     struct facts *f)
{
	uint64_t range[2] = { c->addr, c->addr + page_round_up(c->len) };
	struct map_entry e;
	char link[96], path[4200];
	int found = maps_find(tid, file_in_range, range, &e, path,
			      sizeof(path));

	if (found < 0) {
		f->failed |= needs & (FACT_FD | FACT_ELF | FACT_HASH);
		return;
	}
	f->range_file = found;
	if (!found) {
		/* Anonymous memory: W^X decides, the file checks pass. */
		f->fd_exists = false;
		f->have |= FACT_FD;
		return;
	}
	snprintf(link, sizeof(link), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
		 tid, e.lo, e.hi);
	if (link_readable(link)) {
		facts_gather_file(tid, link, p, needs, f);
		if ((f->have & FACT_FD) && f->fd_exists)
			return;
	}
	/* No map_files: the path, if it is still the mapped file. */
	struct stat st;
	f->have &= ~FACT_FD;
	if (stat(path, &st) < 0 || !same_file(&st, &e)) {
		f->failed |= needs & (FACT_FD | FACT_ELF | FACT_HASH);
		return;
	}
	f->failed &= ~(FACT_FD | FACT_ELF | FACT_HASH);
	facts_gather_file(tid, path, p, needs, f);
	/* The facts were read from what the path named then. */
	if ((f->have & FACT_FD) && f->fd_exists && !same_file(&f->st, &e)) {
		f->have &= ~(FACT_FD | FACT_ELF | FACT_HASH);
		f->failed |= needs & (FACT_FD | FACT_ELF | FACT_HASH);
	}
}

void facts_gather(pid_t tid, const struct mcall *c, const struct policy *p,
		  unsigned needs, struct facts *f)
{
	needs &= ~(f->have | f->failed);
	/* At exec: every mapping the kernel made for the new program. */
	if ((needs & FACT_RANGE_PROT) && c->sys == MSYS_EXEC)
		mark(f, FACT_RANGE_PROT, range_prot(tid, 0, -page_size(), f));
	else if (needs & FACT_RANGE_PROT)
		mark(f, FACT_RANGE_PROT, range_prot(tid, c->addr, c->len, f));
	if (needs & FACT_VMSIZE)
		mark(f, FACT_VMSIZE, read_vmsize(tid, &f->vmsize));
	if (needs & FACT_PSS)
		mark(f, FACT_PSS, facts_rollup(tid, NULL, &f->pss));
	if (needs & FACT_BRK)
		mark(f, FACT_BRK, read_brk(tid, &f->cur_brk));
	if (needs & FACT_SHM)
		mark(f, FACT_SHM, read_shm_size(tid, (int)c->raw[0],
						&f->shm_size));
	if ((needs & (FACT_FD | FACT_ELF | FACT_HASH)) &&
	    (c->sys == MSYS_MPROTECT || c->sys == MSYS_PKEY_MPROTECT)) {
		range_file_facts(tid, c, p, needs, f);
		return;
	}
	if (needs & (FACT_FD | FACT_ELF | FACT_HASH)) {
		char link[64];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, c->fd);
		if (c->fd < 0) {
			f->fd_exists = false;
			f->have |= FACT_FD;
			f->failed |= needs & (FACT_ELF | FACT_HASH);
		} else {
			facts_gather_file(tid, link, p, needs, f);
		}
	}
}

void facts_for_call(pid_t tid, const struct mcall *c, const struct policy *p,
		    const char *link, struct facts *f)
{
	unsigned want = check_needs(c, p);

	/* Cheap facts first; a check may then ask for more. */
	for (int round = 0; want && round < 8; round++) {
		if (link) {
			facts_gather_file(tid, link, p, want, f);
			/* The process's own facts (its size at exec). */
			facts_gather(tid, c, p, want & PROC_FACTS, f);
		} else {
			facts_gather(tid, c, p, want, f);
		}
		/* What the process has mapped is no fact of the file. */
		if (link && (want & FACT_RANGE_PROT))
			facts_gather(tid, c, p, FACT_RANGE_PROT, f);
		want = check_needs_more(c, p, f);
	}
}
