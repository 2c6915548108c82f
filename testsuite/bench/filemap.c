/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * filemap FILE N [x]: N PROT_READ, MAP_PRIVATE mmaps of FILE (one
 * page); with x, PROT_READ|PROT_EXEC, as a loader maps code (each such
 * mapping is matched against the exec rules).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100000;
	int prot = argc > 3 && argv[3][0] == 'x' ? PROT_READ | PROT_EXEC
						 : PROT_READ;
	int fd;

	if (argc < 2 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
		perror("filemap: open");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED || munmap(p, 4096) < 0) {
			perror("filemap: mmap");
			return 1;
		}
	}
	close(fd);
	return 0;
}
