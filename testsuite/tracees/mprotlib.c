/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Map-then-mprotect: map a file read-only (no check applies), then ask
 * mprotect for PROT_EXEC. Usage: mprotlib deny|allow FILE [OTHER], run with
 * trace/allow_unsafe_exec_memory:1 (W^X would refuse both exec gains
 * before the file checks see them).
 * deny: the mprotect must fail with EACCES; allow: it must succeed.
 * Also makes anonymous read-only memory executable, which the file
 * checks leave to W^X (off: allowed). With OTHER, OTHER is renamed
 * over FILE between the two: the path then names another file, and
 * the checks must judge the mapped one all the same.
 */
#include <fcntl.h>

#include "tracee.h"

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	if (argc < 3)
		return 2;
	int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	long a = raw_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	expect_result("mmap r file", a, 0);
	close(fd);
	if (argc > 3 && rename(argv[3], argv[2]) < 0) {
		perror(argv[3]);
		return 1;
	}
	expect_result("mprotect file r->rx", raw_mprotect((void *)a, 4096,
		      PROT_READ | PROT_EXEC), tracee_deny);
	long b = raw_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	expect_result("mprotect anon r->rx", raw_mprotect((void *)b, 4096,
		      PROT_READ | PROT_EXEC), 0);
	return tracee_exit();
}
