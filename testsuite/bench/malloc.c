/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * malloc N: two threads, each making N malloc/free (and some realloc)
 * calls over 512 live slots with sizes from 16 bytes to 4 MiB (mostly
 * small, some above glibc's mmap threshold), touching what they get:
 * brk, mmap, munmap, mremap and arena mprotect calls as a real program
 * makes them. glibc's mmap threshold is pinned at 128 KiB (as
 * M_MMAP_THRESHOLD does for many servers): left dynamic, the first free
 * of a large block moves every size below it to the heaps for good, and
 * the program would make a few dozen memory calls in all.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static long n_ops;

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t pick_size(uint64_t *s)
{
	uint64_t r = next(s);

	switch (r % 100) {
	case 0:
		return 128 * 1024 + (size_t)(r >> 8) % (4 << 20);
	case 1: case 2: case 3: case 4:
		return 4096 + (size_t)(r >> 8) % (124 * 1024);
	default:
		return 16 + (size_t)(r >> 8) % 1024;
	}
}

static void *worker(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	char *slot[SLOTS] = { 0 };
	unsigned long sum = 0;

	for (long i = 0; i < n_ops; i++) {
		unsigned k = (unsigned)(next(&seed) % SLOTS);
		size_t sz = pick_size(&seed);
		if (slot[k] && (i & 7) == 0) {
			char *p = realloc(slot[k], sz);
			if (!p)
				abort();
			slot[k] = p;
		} else {
			free(slot[k]);
			slot[k] = malloc(sz);
			if (!slot[k])
				abort();
		}
		memset(slot[k], (int)i, sz < 256 ? sz : 256);
		slot[k][sz - 1] = 1;
		sum += (unsigned char)slot[k][0];
	}
	for (int k = 0; k < SLOTS; k++)
		free(slot[k]);
	return (void *)(uintptr_t)sum;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	n_ops = argc > 1 ? atol(argv[1]) : 200000;
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	for (uintptr_t i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1))) {
			fprintf(stderr, "malloc: pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}
