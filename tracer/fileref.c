/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Opening the file a file_ref names (see checks/check.h), whatever
 * memtrace's privileges. An fd and the program are reached through
 * /proc/PID/fd/N and /proc/PID/exe. A mapping is reached by the path
 * its maps line gives, in memtrace's own root, else through
 * /proc/PID/map_files (which needs CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE), else by that path inside the tracee's root
 * (/proc/PID/root): whatever opened it, the file must have the device
 * and inode of the maps line, or it is not used. Where nothing proves
 * it, the open fails with a reason, and the checks fail closed on it.
 *
 * An fd is first taken as it is, with pidfd_getfd: the tracee's own
 * open file, not a new open of it (fileref_take_fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/tracer.h"

/* Read-only; a file memtrace may not read can still be stat'ed and
 * named (unless the caller must read it). */
static int open_file(const char *path, bool need_read, bool *readable)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	*readable = fd >= 0;
	if (fd >= 0 || need_read || (errno != EACCES && errno != EPERM))
		return fd;
	return open(path, O_PATH | O_CLOEXEC);
}

void fileref_proc_denied(pid_t tid, const char *what, char *why,
			 size_t len)
{
	snprintf(why, len, "memtrace (uid %u) may not read %s of process "
		 "%d: the process is not dumpable (it called "
		 "prctl(PR_SET_DUMPABLE, 0), or runs an execute-only or "
		 "set-id program), and only root may look into it",
		 (unsigned)geteuid(), what, tid);
}

static bool proc_refused(int err)
{
	return err == EACCES || err == EPERM;
}

static bool is_mapped_file(const struct file_ref *r, const struct stat *st)
{
	return major(st->st_dev) == r->maj && minor(st->st_dev) == r->min &&
	       (uint64_t)st->st_ino == r->ino;
}

/* The mapped file by its path below root ("" for memtrace's own);
 * ESTALE where the path leads to another file (*other_dev: on another
 * device). */
static int open_mapped_path(const struct file_ref *r, const char *root,
			    bool need_read, struct stat *st, bool *readable,
			    bool *other_dev)
{
	char p[4200];

	if (!r->path || r->path[0] != '/')
		return errno = ENOENT, -1;
	if ((size_t)snprintf(p, sizeof(p), "%s%s", root, r->path) >=
	    sizeof(p))
		return errno = ENAMETOOLONG, -1;
	int fd = open_file(p, need_read, readable);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return errno = ESTALE, -1;
	}
	if (!is_mapped_file(r, st)) {
		*other_dev = major(st->st_dev) != r->maj ||
			     minor(st->st_dev) != r->min;
		close(fd);
		return errno = ESTALE, -1;
	}
	return fd;
}

/*
 * The devices (as maps names them) whose files the path in memtrace's
 * root does not prove: the path's stat gives another device (btrfs
 * subvolumes, overlayfs) where map_files proved the file. Their
 * mappings go to map_files first: a path open there is wasted. (A
 * path that leads to another file on the same device, a file renamed
 * over the mapped one, says nothing about the device.)
 */
#define UNPROVEN_DEVS 8
static struct {
	unsigned maj, min;
	bool used;
} unproven[UNPROVEN_DEVS];

static bool path_unproven(const struct file_ref *r)
{
	for (size_t i = 0; i < UNPROVEN_DEVS && unproven[i].used; i++)
		if (unproven[i].maj == r->maj && unproven[i].min == r->min)
			return true;
	return false;
}

static void path_unproven_add(const struct file_ref *r)
{
	static size_t next;

	unproven[next].maj = r->maj;
	unproven[next].min = r->min;
	unproven[next].used = true;
	next = (next + 1) % UNPROVEN_DEVS;
}

static int open_mapping(pid_t tid, const struct file_ref *r, bool need_read,
			struct stat *st, bool *readable, char *why,
			size_t len)
{
	char link[96], root[64];
	int fd, e_map, e_root, e_own = 0;
	bool own_first = !path_unproven(r), other_dev = false;

	/* The maps path is written in memtrace's own view (the reader's
	 * root), so it is tried first: its directories are in the dcache,
	 * where each map_files entry of a new process is made anew. */
	if (own_first) {
		fd = open_mapped_path(r, "", need_read, st, readable,
				      &other_dev);
		if (fd >= 0)
			return fd;
		e_own = errno;
	}
	snprintf(link, sizeof(link), "/proc/%d/map_files/%" PRIx64 "-%"
		 PRIx64, tid, r->lo, r->hi);
	fd = open_file(link, need_read, readable);
	if (fd >= 0 && fstat(fd, st) == 0 && is_mapped_file(r, st)) {
		if (own_first && e_own == ESTALE && other_dev)
			path_unproven_add(r);
		return fd;
	}
	e_map = fd >= 0 ? ESTALE : errno;
	if (fd >= 0)
		close(fd);
	snprintf(root, sizeof(root), "/proc/%d/root", tid);
	fd = open_mapped_path(r, root, need_read, st, readable,
			      &other_dev);
	if (fd >= 0)
		return fd;
	e_root = errno;
	if (!own_first) {
		fd = open_mapped_path(r, "", need_read, st, readable,
				      &other_dev);
		if (fd >= 0)
			return fd;
		e_own = errno;
	}
	if (proc_refused(e_root) && proc_refused(e_map)) {
		fileref_proc_denied(tid, "the files", why, len);
		return errno = e_root, -1;
	}
	snprintf(why, len, "cannot prove which file is mapped: "
		 "/proc/%d/map_files: %s%s; by its path in the process's "
		 "root: %s; in memtrace's: %s", tid, strerror(e_map),
		 proc_refused(e_map) ? " (needs CAP_SYS_ADMIN or "
		 "CAP_CHECKPOINT_RESTORE)" : "",
		 e_root == ESTALE ? "another file" : strerror(e_root),
		 e_own == ESTALE ? "another file" : strerror(e_own));
	return errno = e_own, -1;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux 6.9: a pidfd of any thread */
#endif

/* What this kernel lets memtrace do with pidfds, learnt on first use. */
static struct {
	bool none;		/* no pidfd_open or pidfd_getfd at all */
	bool no_thread;		/* no PIDFD_THREAD: leaders only */
} pidfd_lacks;

/*
 * A pidfd for the thread tid: its fd table is the one its calls use,
 * which is not its leader's after unshare(CLONE_FILES). Without
 * PIDFD_THREAD (before 6.9) only a leader has one; a pidfd_open(tid,
 * 0) that succeeds says tid leads.
 */
static int thread_pidfd(pid_t tid)
{
	int pfd = -1;

	if (T.opt.test_fail == TEST_FAIL_PIDFD_THREAD)
		pidfd_lacks.no_thread = true;
	if (!pidfd_lacks.no_thread) {
		pfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
		if (pfd >= 0 || errno != EINVAL)
			return pfd;
		pidfd_lacks.no_thread = true;
	}
	return (int)syscall(SYS_pidfd_open, tid, 0);
}

int fileref_take_fd(pid_t tid, int fd, struct stat *st, int *flags,
		    bool *readable)
{
	if (pidfd_lacks.none || T.opt.test_fail == TEST_FAIL_PIDFD)
		return errno = ENOSYS, FILEREF_NO_PIDFD;
	int pfd = thread_pidfd(tid);
	if (pfd < 0) {
		/* ENOSYS, or EPERM from a container's seccomp profile. */
		if (errno == ENOSYS || errno == EPERM)
			pidfd_lacks.none = true;
		return FILEREF_NO_PIDFD;
	}
	int got = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	int e = errno;
	close(pfd);
	if (got < 0) {
		if (e == ENOSYS)
			pidfd_lacks.none = true;
		/* EBADF: not open; anything else (EPERM: not
		 * dumpable, ESRCH) is for /proc to explain. */
		return errno = e == EBADF ? ENOENT : e,
		       e == EBADF ? -1 : FILEREF_NO_PIDFD;
	}
	int fl = fcntl(got, F_GETFL);
	if (fl < 0 || fstat(got, st) < 0) {
		e = errno;
		close(got);
		return errno = e, FILEREF_NO_PIDFD;
	}
	*flags = fl;
	*readable = (fl & O_ACCMODE) != O_WRONLY && !(fl & O_PATH);
	return got;
}

int fileref_open_how(pid_t tid, const struct file_ref *r, bool need_read,
		     struct stat *st, bool *readable, char *why, size_t len)
{
	char link[64];
	int fd;

	why[0] = '\0';
	switch (r->kind) {
	case FSRC_FD:
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, r->fd);
		break;
	case FSRC_EXE:
		snprintf(link, sizeof(link), "/proc/%d/exe", tid);
		break;
	case FSRC_MAP:
		return open_mapping(tid, r, need_read, st, readable, why,
				    len);
	default:
		snprintf(why, len, "no file");
		return errno = ENOENT, -1;
	}
	fd = open_file(link, need_read, readable);
	if (fd < 0) {
		int e = errno;
		if (proc_refused(e))
			fileref_proc_denied(tid, r->kind == FSRC_FD ?
					    "the fds" : "the program", why,
					    len);
		else
			snprintf(why, len, "cannot open %s: %s", link,
				 strerror(e));
		return errno = e, -1;
	}
	if (fstat(fd, st) < 0) {
		int e = errno;
		snprintf(why, len, "cannot stat %s: %s", link, strerror(e));
		close(fd);
		return errno = e, -1;
	}
	return fd;
}

int fileref_open(pid_t tid, const struct file_ref *r, bool need_read,
		 struct stat *st, char *why, size_t len)
{
	bool readable;

	return fileref_open_how(tid, r, need_read, st, &readable, why, len);
}

int fileref_reopen(pid_t tid, const struct file_ref *r,
		   const struct stat *want, char *why, size_t len)
{
	struct stat st;
	int fd = fileref_open(tid, r, true, &st, why, len);

	if (fd < 0)
		return -1;
	if (st.st_dev != want->st_dev || st.st_ino != want->st_ino) {
		close(fd);
		snprintf(why, len, "the file changed while it was checked");
		return errno = ESTALE, -1;
	}
	return fd;
}

/*
 * Whether path names the file st inside the tracee's root, or failing
 * that in memtrace's; on success the directory it sits in, opened
 * O_PATH, and the file's mount id compared with the directory's: a
 * file that is a mount point of its own (a bind mount of one file)
 * has no parent directory to judge, and fails.
 */
/* The directory's stat from its statx (dir_st: what TPE reads), or
 * from fstat where statx left out a field it needs. */
static int dir_stat(int dfd, const struct statx *dx, struct stat *out)
{
	const unsigned need = STATX_TYPE | STATX_MODE | STATX_UID |
			      STATX_GID | STATX_INO;

	if ((dx->stx_mask & need) != need)
		return fstat(dfd, out);
	memset(out, 0, sizeof(*out));
	out->st_dev = makedev(dx->stx_dev_major, dx->stx_dev_minor);
	out->st_ino = (ino_t)dx->stx_ino;
	out->st_mode = dx->stx_mode;
	out->st_uid = dx->stx_uid;
	out->st_gid = dx->stx_gid;
	out->st_nlink = dx->stx_nlink;
	out->st_size = (off_t)dx->stx_size;
	return 0;
}

int fileref_parent(pid_t tid, const char *path, const struct stat *st,
		   struct stat *dir_st, bool *dir_ok)
{
	char dir[4200], root[64];
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || !slash || !slash[1])
		return errno = EINVAL, -1;
	snprintf(root, sizeof(root), "/proc/%d/root", tid);
	for (int i = 0; i < 2; i++) {
		const char *r = i == 0 ? root : "";
		int n = snprintf(dir, sizeof(dir), "%s%.*s/", r,
				 (int)(slash - path), path);
		if (n < 0 || (size_t)n >= sizeof(dir))
			return errno = ENAMETOOLONG, -1;
		int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		struct statx fx, dx;
		if (statx(dfd, slash + 1, AT_SYMLINK_NOFOLLOW,
			  STATX_INO | STATX_MNT_ID, &fx) == 0 &&
		    statx(dfd, "", AT_EMPTY_PATH, STATX_BASIC_STATS |
			  STATX_MNT_ID, &dx) == 0 &&
		    (fx.stx_mask & dx.stx_mask & STATX_MNT_ID) &&
		    makedev(fx.stx_dev_major, fx.stx_dev_minor) ==
		    st->st_dev && fx.stx_ino == (uint64_t)st->st_ino &&
		    fx.stx_mnt_id == dx.stx_mnt_id) {
			if (dir_st)
				*dir_ok = dir_stat(dfd, &dx, dir_st) == 0;
			return dfd;
		}
		close(dfd);
	}
	return errno = ESTALE, -1;
}

bool fileref_named(pid_t tid, const char *path, const struct stat *st)
{
	int dfd = fileref_parent(tid, path, st, NULL, NULL);

	if (dfd < 0)
		return false;
	close(dfd);
	return true;
}
