/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fd check reads the fd table of the thread that calls, not its
 * leader's. Usage: fdtable deny|allow DIR
 *   deny:  the default policy
 *   allow: -m default/fd:allow
 * The leader holds DIR/ro.bin read-only at fd N. A thread takes an fd
 * table of its own (unshare(CLONE_FILES)) and puts DIR/rw.bin, open
 * for writing, at the same N: its executable mapping of N is refused
 * (deny), while the leader's of its own N is not. Then the other way
 * round: the leader's N open for writing, the thread's read-only.
 * Looking at the wrong table gives the opposite verdicts, and the
 * records differ.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>

#include "tracee.h"

static const char *dir;

static int make_file(const char *name, int flags)
{
	char path[4096];
	unsigned char page[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	elf_stub_page(page);
	if (fd < 0 || write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
		perror(path);
		exit(1);
	}
	close(fd);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

/* Map fd executable; writable says whether the caller's fd N is open
 * for writing (refused, with a record, under deny). */
static void map_exec(const char *who, int fd, int writable, const char *name)
{
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
			  0);

	if (writable && tracee_deny) {
		printf("memtrace: deny %s mmap(NULL, 4096, PROT_READ|PROT_EXEC, "
		       "MAP_PRIVATE, %d, 0) = -EACCES; fd: executable mapping "
		       "of a file open for writing; path %s/%s; tip: -m "
		       "default/fd:allow\n", PERS, fd, dir, name);
		expect_errno(who, r, EACCES);
	} else {
		expect_result(who, r, 0);
	}
}

struct round {
	int n;			/* the fd number both tables use */
	int thread_rw;		/* the thread's N is open for writing */
};

static void *in_thread(void *arg)
{
	struct round *r = arg;

	if (unshare(CLONE_FILES) < 0) {
		perror("unshare(CLONE_FILES)");
		exit(1);
	}
	close(r->n);
	int fd = make_file(r->thread_rw ? "rw.bin" : "ro.bin",
			   r->thread_rw ? O_RDWR : O_RDONLY);
	if (fd != r->n) {
		fprintf(stderr, "FAIL: the thread's file is at fd %d, not %d\n",
			fd, r->n);
		exit(1);
	}
	map_exec("thread's own fd", fd, r->thread_rw,
		 r->thread_rw ? "rw.bin" : "ro.bin");
	return NULL;
}

static void one_round(int thread_rw)
{
	struct round r = { .thread_rw = thread_rw };
	pthread_t th;

	r.n = make_file(thread_rw ? "ro.bin" : "rw.bin",
			thread_rw ? O_RDONLY : O_RDWR);
	if (pthread_create(&th, NULL, in_thread, &r) ||
	    pthread_join(th, NULL)) {
		fprintf(stderr, "FAIL: pthread\n");
		exit(1);
	}
	map_exec("leader's fd", r.n, !thread_rw,
		 thread_rw ? "ro.bin" : "rw.bin");
	close(r.n);
}

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	if (argc < 3) {
		fprintf(stderr, "usage: fdtable deny|allow DIR\n");
		return 2;
	}
	dir = argv[2];
	one_round(1);
	one_round(0);
	return tracee_failed;
}
