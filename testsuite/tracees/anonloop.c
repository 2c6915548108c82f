/* SPDX-License-Identifier: GPL-3.0-or-later */
/* N anonymous read-write mmaps (and munmaps): calls no check of the
 * default policy can deny, so none of them may stop. With a second
 * argument "vmsize", prints its VmSize in bytes before the loop. */
#include "tracee.h"

static void print_vmsize(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%lu", &pages) == 1)
		printf("%lu\n", pages * (unsigned long)sysconf(_SC_PAGESIZE));
	if (f)
		fclose(f);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;

	if (argc > 2 && !strcmp(argv[2], "vmsize"))
		print_vmsize();

	for (long i = 0; i < n; i++) {
		long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096) {
			fprintf(stderr, "FAIL: mmap %ld: %ld\n", i, r);
			return 1;
		}
		munmap((void *)r, 4096);
	}
	return 0;
}
