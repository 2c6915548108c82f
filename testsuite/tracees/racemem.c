/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Threads race the memory limit: N threads (small stacks, no malloc)
 * wait at a barrier, then each maps SIZE bytes at once.
 *
 *   racemem N SIZE [populate] [vm]
 *
 * populate: MAP_POPULATE, so that the pages are resident (PSS) when
 * the call returns. vm: the racers are processes made with CLONE_VM
 * (one address space, each its own thread group) instead of threads. Prints how many calls succeeded and failed with
 * ENOMEM, then the process's VmSize and PSS in bytes, read after every
 * thread is done:
 *   racemem: ok N enomem M vmsize V pss P
 * Exits 1 if a call failed otherwise.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "tracee.h"

#define MAXTHREADS 64

static pthread_barrier_t start;
static unsigned long size;
static int populate;
static long ret[MAXTHREADS];

static void *worker(void *arg)
{
	long *r = arg;

	pthread_barrier_wait(&start);
	*r = raw_mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS |
		      (populate ? MAP_POPULATE : 0), -1, 0);
	return NULL;
}

static int vm_worker(void *arg)
{
	worker(arg);
	return 0;
}

/* The racers as CLONE_VM processes: the barrier's private futex is
 * keyed by the address space, which they share. */
static int race_vm(int n)
{
	pid_t pid[MAXTHREADS];
	size_t stack = 64 * 1024;

	for (int i = 0; i < n; i++) {
		char *st = malloc(stack);
		if (!st || (pid[i] = clone(vm_worker, st + stack,
					   CLONE_VM | SIGCHLD, &ret[i])) < 0) {
			perror("clone");
			return -1;
		}
	}
	for (int i = 0; i < n; i++) {
		int status;
		if (waitpid(pid[i], &status, 0) != pid[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "racemem: racer %d failed\n", i);
			return -1;
		}
	}
	return 0;
}

/* A "Name: N kB" line of a /proc/self file, in bytes. */
static unsigned long long kb_field(const char *file, const char *name)
{
	char line[256];
	unsigned long long v = 0;
	size_t n = strlen(name);
	FILE *f = fopen(file, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) &&
		    sscanf(line + n, " %llu", &v) == 1)
			break;
	fclose(f);
	return v * 1024;
}

int main(int argc, char **argv)
{
	pthread_t th[MAXTHREADS];
	pthread_attr_t attr;
	int n, ok = 0, enomem = 0, vm = 0;

	if (argc < 3 || (n = atoi(argv[1])) < 1 || n > MAXTHREADS) {
		fprintf(stderr, "usage: racemem N SIZE [populate] [vm]\n");
		return 2;
	}
	size = strtoul(argv[2], NULL, 0);
	for (int i = 3; i < argc; i++) {
		populate |= !strcmp(argv[i], "populate");
		vm |= !strcmp(argv[i], "vm");
	}
	pthread_barrier_init(&start, NULL, (unsigned)n);
	if (vm) {
		if (race_vm(n) < 0)
			return 1;
	} else {
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		for (int i = 0; i < n; i++)
			if (pthread_create(&th[i], &attr, worker, &ret[i])) {
				perror("pthread_create");
				return 1;
			}
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	for (int i = 0; i < n; i++) {
		if (ret[i] >= 0 || ret[i] < -4095)
			ok++;
		else if (ret[i] == -ENOMEM)
			enomem++;
		else
			fprintf(stderr, "FAIL: mmap returned %ld\n", ret[i]);
	}
	printf("racemem: ok %d enomem %d vmsize %llu pss %llu\n", ok, enomem,
	       kb_field("/proc/self/status", "VmSize:"),
	       kb_field("/proc/self/smaps_rollup", "Pss:"));
	return ok + enomem == n ? 0 : 1;
}
