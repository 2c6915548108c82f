/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fd-swap race: one thread keeps swapping fd 5 between a file open
 * read-only (its executable mapping is allowed) and another file open
 * read-write (denied by the fd check), while another thread maps fd 5
 * executable again and again. Whatever wins each race, no executable
 * mapping of the read-write file may survive: at the end the tracee
 * looks through its own maps and exits 3 if it finds one.
 * Usage: race DIR ITERATIONS
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "tracee.h"

static int ro_fd, rw_fd;
static atomic_int done;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&done)) {
		dup2(ro_fd, 5);
		dup2(rw_fd, 5);
	}
	return NULL;
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
	ro_fd = file(argv[1], "readonly.bin", O_RDWR);
	close(ro_fd);
	char p[4096];
	snprintf(p, sizeof(p), "%s/readonly.bin", argv[1]);
	ro_fd = open(p, O_RDONLY);
	rw_fd = file(argv[1], "writable.bin", O_RDWR);
	dup2(ro_fd, 5);
	pthread_create(&th, NULL, swapper, NULL);
	for (long i = 0; i < n; i++) {
		long r = raw_mmap(NULL, 4096, PROT_READ | PROT_EXEC,
				  MAP_PRIVATE, 5, 0);
		if (r > 0) {
			allowed++;
			if (leaked(argv[1])) {
				printf("LEAK after %ld calls\n", i + 1);
				return 3;
			}
			munmap((void *)r, 4096);
		} else {
			denied++;
		}
	}
	atomic_store(&done, 1);
	pthread_join(th, NULL);
	printf("allowed=%ld denied=%ld leaked=%d\n", allowed, denied,
	       leaked(argv[1]));
	return leaked(argv[1]) ? 3 : 0;
}
