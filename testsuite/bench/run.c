/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * run: time one command for `make bench`.
 *
 *   run OUTFILE command [args...]
 *
 * Runs the command with stdout and stderr as given, and appends one
 * line to OUTFILE:
 *   wall=SECONDS user=SECONDS sys=SECONDS status=N
 * wall is CLOCK_MONOTONIC from fork to the last reaped process; user
 * and sys are getrusage(RUSAGE_CHILDREN): every process of the tree
 * (a tracer, its tracees, their children). run is a child subreaper,
 * so a process whose parent died before it is reaped by run and still
 * counted. status is the command's exit status, or 128+signal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int status = 0, code = -1;
	double t0, t1;
	pid_t pid, w;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: run OUTFILE command [args...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("run: PR_SET_CHILD_SUBREAPER");
		return 125;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("run: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "run: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while ((w = wait(&status)) != -1 || errno == EINTR) {
		if (w == pid)
			code = WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
	}
	t1 = now();
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0) {
		perror("run: getrusage");
		return 125;
	}
	if (!(out = fopen(argv[1], "a"))) {
		fprintf(stderr, "run: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f status=%d\n", t1 - t0,
		tv(ru.ru_utime), tv(ru.ru_stime), code);
	fclose(out);
	return code < 0 ? 125 : code;
}
