/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signals reach the tracee unchanged, and a SIGSTOP really stops it:
 * it reports its own state while stopped through a pipe-less check by
 * the test (it prints "resumed" after SIGCONT). */
#include <signal.h>

#include "tracee.h"

static volatile sig_atomic_t got_usr1, got_usr2;

static void on_usr1(int s) { (void)s; got_usr1++; }
static void on_usr2(int s) { (void)s; got_usr2++; }

int main(int argc, char **argv)
{
	tracee_mode(argc, argv);
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR2);
	if (got_usr1 != 1 || got_usr2 != 1) {
		fprintf(stderr, "FAIL: handlers ran %d/%d times\n",
			(int)got_usr1, (int)got_usr2);
		return 1;
	}
	if (argc > 2 && !strcmp(argv[2], "stop")) {
		/* The test sees state T here, then sends SIGCONT. */
		fprintf(stderr, "stopping\n");
		raise(SIGSTOP);
		fprintf(stderr, "resumed\n");
	}
	expect_wx_record("mmap(NULL, 4096, PROT_READ|PROT_WRITE|"
			 "PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
			 "writable and executable mapping");
	expect_result("mmap rwx after signals", raw_mmap(NULL, 4096,
		      PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE |
		      MAP_ANONYMOUS, -1, 0), tracee_deny);
	return tracee_exit();
}
