/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Eight threads map W^X memory at the same moment. */
#include <pthread.h>

#include "tracee.h"

#define NTHREADS 8

static pthread_barrier_t start;

static void *worker(void *arg)
{
	long *ret = arg;

	pthread_barrier_wait(&start);
	*ret = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* An allowed call in between must still work. */
	long ok = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_result("thread mmap rw", ok, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	long ret[NTHREADS];

	tracee_mode(argc, argv);
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, &ret[i])) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		expect_wx_record("mmap(NULL, 4096, PROT_READ|"
				 "PROT_WRITE|PROT_EXEC, MAP_PRIVATE|"
				 "MAP_ANONYMOUS, -1, 0)",
				 "writable and executable mapping");
		expect_result("thread mmap rwx", ret[i], tracee_deny);
	}
	return tracee_exit();
}
