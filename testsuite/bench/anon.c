/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anon N: N anonymous read-write mmap/munmap pairs of 64 KiB. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || munmap(p, 65536) < 0) {
			perror("anon: mmap");
			return 1;
		}
	}
	return 0;
}
