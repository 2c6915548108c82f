/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vfork, then exec the W^X tracee in the child. */
#include <sys/wait.h>

#include "tracee.h"

int main(int argc, char **argv)
{
	char path[4096];
	int status;

	tracee_mode(argc, argv);
	snprintf(path, sizeof(path), "%s", argv[0]);
	char *slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path, sizeof(path) - 1 -
		 (size_t)(slash ? slash - path : 0), "wx");
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		execl(path, path, argv[1], (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("vfork");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "FAIL: the vfork child failed (%#x)\n", status);
		return 1;
	}
	/* The parent is checked after its child too. */
	expect_wx_record("mmap(NULL, 4096, PROT_READ|PROT_WRITE|"
			 "PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
			 "writable and executable mapping");
	expect_result("parent mmap rwx", raw_mmap(NULL, 4096, PROT_READ |
		      PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0), tracee_deny);
	return tracee_exit();
}
