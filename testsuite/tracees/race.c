/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fd-swap race: one thread keeps swapping fd 5 between a file open
 * read-only (its executable mapping is allowed) and another file open
 * read-write (denied by the fd check), while another thread maps fd 5
 * executable again and again. Whatever wins each race, no executable
 * mapping of the read-write file may survive: at the end the tracee
 * looks through its own maps and exits 3 if it finds one.
 * Usage: race DIR ITERATIONS [fork]
 * fork: the swapper is not a thread but a process sharing the fd
 * table, made with clone(CLONE_FILES|SIGCHLD), which the kernel
 * reports as a fork.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tracee.h"

static int ro_fd, rw_fd;
static atomic_int *done;	/* shared with a forked swapper */

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(done)) {
		dup2(ro_fd, 5);
		dup2(rw_fd, 5);
	}
	return NULL;
}

static int swapper_process(void *arg)
{
	/* Dies with the main process (memtrace may kill that one). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 0;
	swapper(arg);
	return 0;
}

/* The swapper, as a thread or as a process; its pid, or 0. */
static pid_t start_swapper(pthread_t *th, bool as_process)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));

	if (!as_process) {
		pthread_create(th, NULL, swapper, NULL);
		return 0;
	}
	pid_t pid = clone(swapper_process, stack + sizeof(stack),
			  CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0) {
		perror("clone");
		exit(1);
	}
	return pid;
}

static int file(const char *dir, const char *name, int flags)
{
	char path[4096];
	unsigned char page[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, flags | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	elf_stub_page(page);
	if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
		exit(1);
	return fd;
}

/* An executable mapping of the read-write file, in our own maps. */
static int leaked(const char *dir)
{
	char line[4352], want[4200];
	FILE *m = fopen("/proc/self/maps", "r");
	int found = 0;

	snprintf(want, sizeof(want), "%s/writable.bin", dir);
	while (m && fgets(line, sizeof(line), m)) {
		char perms[8];
		if (sscanf(line, "%*x-%*x %7s", perms) == 1 && perms[2] == 'x' &&
		    strstr(line, want))
			found = 1;
	}
	if (m)
		fclose(m);
	return found;
}

int main(int argc, char **argv)
{
	pthread_t th;
	long allowed = 0, denied = 0;

	if (argc < 3)
		return 2;
	long n = atol(argv[2]);
	bool as_process = argc > 3 && !strcmp(argv[3], "fork");
	done = mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (done == MAP_FAILED)
		return 1;
	ro_fd = file(argv[1], "readonly.bin", O_RDWR);
	close(ro_fd);
	char p[4096];
	snprintf(p, sizeof(p), "%s/readonly.bin", argv[1]);
	ro_fd = open(p, O_RDONLY);
	rw_fd = file(argv[1], "writable.bin", O_RDWR);
	dup2(ro_fd, 5);
	pid_t child = start_swapper(&th, as_process);
	for (long i = 0; i < n; i++) {
		long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC,
				  MAP_PRIVATE, 5, 0);
		if (r > 0) {
			allowed++;
			if (leaked(argv[1])) {
				printf("LEAK after %ld calls\n", i + 1);
				if (child)
					kill(child, SIGKILL);
				return 3;
			}
			munmap((void *)r, 4096);
		} else {
			denied++;
		}
	}
	atomic_store(done, 1);
	if (child)
		waitpid(child, NULL, 0);
	else
		pthread_join(th, NULL);
	printf("allowed=%ld denied=%ld leaked=%d\n", allowed, denied,
	       leaked(argv[1]));
	return leaked(argv[1]) ? 3 : 0;
}
