/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The mprotect race from a process sharing the address space: a child
 * made with clone(CLONE_VM|SIGCHLD) (not a thread: a process of its
 * own) maps DIR/denied.so over the page the parent is making
 * executable, while the parent's mprotect(PROT_READ|PROT_EXEC) of
 * DIR/allowed.so is being checked. Whatever wins, no executable
 * mapping of denied.so may survive: the tracee exits 3 if it finds one.
 * Usage: vmrace DIR ITERATIONS
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tracee.h"

static int allowed_fd, denied_fd;
static char *page;
static atomic_int go, swapped, quit;

static int swapper(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (unsigned spin = 1; !atomic_load(&quit); spin = spin * 1103515245 + 12345) {
		if (!atomic_load(&go))
			continue;
		atomic_store(&go, 0);
		/* Land anywhere between the check and the mprotect. */
		for (volatile unsigned i = 0; i < (spin >> 16) % 20000; i++)
			;
		raw_mmap(page, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 denied_fd, 0);
		atomic_store(&swapped, 1);
	}
	return 0;
}

static int open_dir(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(p);
		exit(1);
	}
	return fd;
}

/* The page is executable and backed by denied.so. */
static int leaked(void)
{
	char line[4352];
	FILE *m = fopen("/proc/self/maps", "r");
	int found = 0;

	while (m && fgets(line, sizeof(line), m)) {
		unsigned long lo;
		char perms[8];
		if (sscanf(line, "%lx-%*x %7s", &lo, perms) == 2 &&
		    lo == (unsigned long)page && perms[2] == 'x' &&
		    strstr(line, "/denied.so"))
			found = 1;
	}
	if (m)
		fclose(m);
	return found;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));

	if (argc < 3)
		return 2;
	long n = atol(argv[2]);
	allowed_fd = open_dir(argv[1], "allowed.so");
	denied_fd = open_dir(argv[1], "denied.so");
	page = (char *)raw_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE,
				allowed_fd, 0);
	if ((long)page < 0 && (long)page > -4096)
		return 1;
	pid_t child = clone(swapper, stack + sizeof(stack),
			    CLONE_VM | SIGCHLD, NULL);
	if (child < 0) {
		perror("clone");
		return 1;
	}
	long ok = 0, refused = 0;
	for (long i = 0; i < n; i++) {
		raw_mmap(page, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 allowed_fd, 0);
		atomic_store(&swapped, 0);
		atomic_store(&go, 1);
		long r = raw_mprotect(page, 4096, PROT_READ | PROT_EXEC);
		while (!atomic_load(&swapped))
			;
		if (leaked()) {
			printf("LEAK after %ld calls\n", i + 1);
			atomic_store(&quit, 1);
			return 3;
		}
		r == 0 ? ok++ : refused++;
	}
	atomic_store(&quit, 1);
	waitpid(child, NULL, 0);
	printf("allowed=%ld refused=%ld\n", ok, refused);
	return 0;
}
