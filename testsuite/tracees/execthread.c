/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A thread that is not the leader execs the W^X tracee: the process
 * keeps its pid, the thread's tid becomes the tgid. */
#include <pthread.h>

#include "tracee.h"

static char path[4096];
static char *mode;

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *arg)
{
	(void)arg;
	fflush(stdout);
	execl(path, path, mode, (char *)NULL);
	perror("execl");
	exit(1);
}

int main(int argc, char **argv)
{
	pthread_t th;

	tracee_mode(argc, argv);
	mode = argv[1];
	snprintf(path, sizeof(path), "%s", argv[0]);
	char *slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "wx");
	/* Another thread that just sleeps: it vanishes at the exec. */
	pthread_create(&th, NULL, sleeper, NULL);
	pthread_create(&th, NULL, execer, NULL);
	for (;;)
		pause();
}
