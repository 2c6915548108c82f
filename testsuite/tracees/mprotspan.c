/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One mprotect over several mappings: FILE1 and FILE2 (their first
 * page each) mapped read-only side by side, then a page of anonymous
 * memory, and one mprotect(PROT_READ|PROT_EXEC) over all three.
 * Usage: mprotspan deny|allow FILE1 FILE2
 * FILE2 "shared": the second page is shared anonymous memory instead.
 * deny: the mprotect must fail with EACCES and leave every page
 * non-executable; allow: it must succeed.
 */
#include <fcntl.h>

#include "tracee.h"

static void map_at(char *at, const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror(file);
		exit(1);
	}
	long r = raw_mmap(at, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (r != (long)at) {
		fprintf(stderr, "FAIL: mmap %s: %ld\n", file, r);
		exit(1);
	}
	close(fd);
}

/* Whether the page at p is executable now, from our own maps. */
static int executable(const char *p)
{
	char line[4352];
	FILE *m = fopen("/proc/self/maps", "r");
	int x = 0;

	while (m && fgets(line, sizeof(line), m)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 &&
		    lo <= (unsigned long)p && (unsigned long)p < hi)
			x = perms[2] == 'x';
	}
	if (m)
		fclose(m);
	return x;
}

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	if (argc < 4)
		return 2;
	long base = raw_mmap(NULL, 3 * 4096, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base < 0 && base > -4096)
		return 1;
	char *b = (char *)base;
	map_at(b, argv[2]);
	if (!strcmp(argv[3], "shared")) {
		if (raw_mmap(b + 4096, 4096, PROT_READ, MAP_SHARED |
			     MAP_ANONYMOUS | MAP_FIXED, -1, 0) != base + 4096)
			return 1;
	} else {
		map_at(b + 4096, argv[3]);
	}
	expect_result("mprotect file+file+anon r->rx",
		      raw_mprotect(b, 3 * 4096, PROT_READ | PROT_EXEC),
		      tracee_deny);
	for (int i = 0; tracee_deny && i < 3; i++)
		if (executable(b + i * 4096)) {
			fprintf(stderr, "FAIL: page %d is executable\n", i);
			tracee_failed = 1;
		}
	return tracee_exit();
}
