/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For -p: map W^X memory every 20 ms, printing "denied" or "allowed"
 * for each try, until killed. Two threads, so attaching must seize
 * both. */
#include <pthread.h>
#include <time.h>

#include "tracee.h"

static void *spin(void *arg)
{
	(void)arg;
	for (;;) {
		long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE |
				  PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r > 0)
			munmap((void *)r, 4096);
		usleep(20000);
	}
	return NULL;
}

int main(void)
{
	pthread_t th;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&th, NULL, spin, NULL);
	for (;;) {
		long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("%s\n", r == -EACCES ? "denied" : r > 0 ? "allowed"
							      : "error");
		if (r > 0)
			munmap((void *)r, 4096);
		usleep(20000);
	}
}
