/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * File checks from the tracee's side: map files PROT_READ|PROT_EXEC,
 * MAP_PRIVATE, or dlopen them, and print the record memtrace must
 * write for each (before the call, so that a call that kills the
 * process has its record printed).
 *
 *   maplib STEP...    each STEP is five arguments:
 *     OP FILE RESULT ACT TAIL
 *   OP      map      open FILE read-only and map its first page
 *           bigmap   the same, 1 GiB long (past the end of the file)
 *           deleted  open FILE, unlink it, then map it
 *           memfd    a memfd named FILE holding a copy of /proc/self/exe
 *           dlopen   dlopen(FILE, RTLD_NOW); RESULT ok or fail
 *   RESULT  ok, an errno name (EACCES, EBADF), or die: the process
 *           must not come back from the call
 *   ACT     the record's action, or - for no record
 *   TAIL    the record after the call: "exec: ...; path ...; tip: -m ..."
 *   A step "also - - ACT TAIL" adds a record for the next step's call,
 *   printed before that step's own: a warning of an earlier check.
 *
 * dlopen records show the loader's mmap as
 * mmap(ADDR, LEN, PROT_READ|PROT_EXEC, FLAGS, FD, OFF); the case
 * script rewrites the log the same way.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "tracee.h"

static int errno_of(const char *name)
{
	if (!strcmp(name, "EACCES"))
		return EACCES;
	if (!strcmp(name, "EBADF"))
		return EBADF;
	return -1;
}

/* Records of earlier checks for the next step's call ("also"). */
static const char *also_act[8], *also_tail[8];
static int nalso;

static void record(const char *act, const char *call, const char *result,
		   const char *tail)
{
	for (int i = 0; i < nalso; i++) {
		printf("memtrace: %s x86_64 %s; %s\n", also_act[i], call,
		       also_tail[i]);
	}
	nalso = 0;
	if (!strcmp(act, "-"))
		return;
	bool denies = strcmp(act, "warn") != 0;
	const char *err = result;
	if (!strcmp(result, "die") || !strcmp(result, "ok") ||
	    !strcmp(result, "fail"))
		err = "EACCES";
	printf("memtrace: %s x86_64 %s", act, call);
	if (denies)
		printf(" = -%s", err);
	printf("; %s\n", tail);
	fflush(stdout);
}

static void check(const char *what, long r, const char *result)
{
	if (!strcmp(result, "die")) {
		fprintf(stderr, "FAIL: %s came back (%ld), expected to be "
			"killed\n", what, r);
		tracee_failed = 1;
		return;
	}
	if (!strcmp(result, "ok")) {
		expect_result(what, r, 0);
		return;
	}
	int e = errno_of(result);
	if (e < 0 || r != -e) {
		fprintf(stderr, "FAIL: %s returned %ld, expected -%s\n", what,
			r, result);
		tracee_failed = 1;
	}
}

static int memfd_copy(const char *name)
{
	int fd = (int)syscall(SYS_memfd_create, name, 0);
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (fd < 0 || src < 0) {
		perror("memfd");
		exit(1);
	}
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			perror("memfd write");
			exit(1);
		}
	close(src);
	/* Map it through a read-only descriptor, as a loader would: a
	 * writable one is the fd check's business, not this tracee's. */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	int ro = open(self, O_RDONLY | O_CLOEXEC);
	if (ro < 0) {
		perror(self);
		exit(1);
	}
	close(fd);
	return ro;
}

static void map_step(const char *op, const char *file, const char *result,
		     const char *act, const char *tail)
{
	char call[256];
	int fd;

	if (!strcmp(op, "memfd")) {
		fd = memfd_copy(file);
	} else {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "FAIL: open %s: %s\n", file,
				strerror(errno));
			exit(1);
		}
		if (!strcmp(op, "deleted") && unlink(file) < 0) {
			fprintf(stderr, "FAIL: unlink %s: %s\n", file,
				strerror(errno));
			exit(1);
		}
	}
	size_t len = !strcmp(op, "bigmap") ? (size_t)1 << 30 : 4096;
	snprintf(call, sizeof(call), "mmap(NULL, %zu, PROT_READ|PROT_EXEC, "
		 "MAP_PRIVATE, %d, 0)", len, fd);
	record(act, call, result, tail);
	long r = raw_mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
			  0);
	check(call, r, result);
	if (r >= 0 || r < -4095)
		munmap((void *)r, len);
	close(fd);
}

static void dlopen_step(const char *file, const char *result,
			const char *act, const char *tail)
{
	record(act, "mmap(ADDR, LEN, PROT_READ|PROT_EXEC, "
	       "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, FD, OFF)", result, tail);
	void *h = dlopen(file, RTLD_NOW);
	if (!strcmp(result, "ok") && !h) {
		fprintf(stderr, "FAIL: dlopen %s: %s\n", file, dlerror());
		tracee_failed = 1;
	} else if (strcmp(result, "ok") && h) {
		fprintf(stderr, "FAIL: dlopen %s succeeded, expected it to "
			"fail\n", file);
		tracee_failed = 1;
	}
	if (h && !strcmp(result, "ok")) {
		int (*fn)(void) = (int (*)(void))dlsym(h, "lib_answer");
		if (!fn || fn() != 42) {
			fprintf(stderr, "FAIL: %s: lib_answer() is not 42\n",
				file);
			tracee_failed = 1;
		}
	}
	if (h)
		dlclose(h);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 6 || (argc - 1) % 5) {
		fprintf(stderr, "usage: %s {OP FILE RESULT ACT TAIL}...\n",
			argv[0]);
		return 2;
	}
	for (int i = 1; i + 4 < argc; i += 5) {
		if (!strcmp(argv[i], "also") && nalso < 8) {
			also_act[nalso] = argv[i + 3];
			also_tail[nalso++] = argv[i + 4];
		} else if (!strcmp(argv[i], "dlopen"))
			dlopen_step(argv[i + 1], argv[i + 2], argv[i + 3],
				    argv[i + 4]);
		else
			map_step(argv[i], argv[i + 1], argv[i + 2],
				 argv[i + 3], argv[i + 4]);
	}
	return tracee_exit();
}
