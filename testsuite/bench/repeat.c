/* SPDX-License-Identifier: GPL-3.0-or-later */
/* repeat N command [args...]: fork and exec the command N times, one
 * after the other; fails on the first run that does not exit 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;

	if (argc < 3) {
		fprintf(stderr, "usage: repeat N command [args...]\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();
		if (pid < 0) {
			perror("repeat: fork");
			return 1;
		}
		if (pid == 0) {
			execv(argv[2], argv + 2);
			fprintf(stderr, "repeat: %s: %s\n", argv[2],
				strerror(errno));
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "repeat: run %ld of %s failed\n", i,
				argv[2]);
			return 1;
		}
	}
	return 0;
}
