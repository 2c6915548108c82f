/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * floor: the least a seccomp+ptrace tracer can do, for `make bench`.
 *
 *   floor [-m default|mem|all] [-s STATSFILE] [--] command [args...]
 *
 * It starts the command the way memtrace does (the child waits on a
 * pipe until PTRACE_SEIZE, then installs a libseccomp filter with
 * SECCOMP_RET_TRACE and execs), follows forks, clones and execs, and at
 * every seccomp stop makes exactly one PTRACE_GET_SYSCALL_INFO and
 * resumes with PTRACE_CONT. Nothing else: no decoding, no /proc, no
 * thread table. Its exit status is the command's (a signal death is
 * reproduced).
 *
 * The filter stops on the same calls as memtrace for one policy:
 *   default  memtrace's default policy (memtrace --dump-filter):
 *            mmap/mmap2/mprotect/pkey_mprotect with PROT_EXEC, old_mmap
 *            always, mremap if arg0 & 0xfff, arg3 >= 2 or arg2 == 0
 *   mem      -m sandbox/mem:on: brk, mmap, mmap2, old_mmap, mremap
 *            always; mprotect/pkey_mprotect with PROT_EXEC
 *   all      every brk, mmap, mmap2, old_mmap, mremap, mprotect,
 *            pkey_mprotect (what strace -e trace=brk,mmap,mremap,mprotect
 *            stops on)
 * with one filter per personality (x86_64, i386, x32 on x86_64) merged,
 * and a call from any other architecture stopping too, as memtrace's.
 * STATSFILE gets "stops=N" (seccomp stops) at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum mode { M_DEFAULT, M_MEM, M_ALL };

#define OPTS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	      PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | \
	      PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

static void fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* name: trace always (cond NULL), or if any one condition holds. */
struct cond {
	unsigned arg;
	enum scmp_compare op;
	uint64_t a, b;
};

static int rule(scmp_filter_ctx ctx, uint32_t arch, const char *name,
		const struct cond *c, int nc)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR ||
	    seccomp_syscall_resolve_name_arch(arch, name) == __NR_SCMP_ERROR)
		return 0;	/* not a call of this architecture */
	if (!nc)
		return seccomp_rule_add(ctx, SCMP_ACT_TRACE(1), nr, 0);
	for (int i = 0; i < nc; i++) {
		struct scmp_arg_cmp cmp = { c[i].arg, c[i].op, c[i].a,
					    c[i].b };
		int rc = seccomp_rule_add(ctx, SCMP_ACT_TRACE(1), nr, 1, cmp);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Conditions on a PROT_EXEC bit, and memtrace's mremap conditions
 * (one rule per bit of the 0xfff mask, as memtrace adds them). */
static int add_rules(scmp_filter_ctx ctx, uint32_t arch, enum mode m)
{
	static const struct cond exec = { 2, SCMP_CMP_MASKED_EQ, PROT_EXEC,
					  PROT_EXEC };
	struct cond mremap[14];
	int n = 0, rc = 0;

	for (int bit = 0; bit < 12; bit++)
		mremap[n++] = (struct cond){ 0, SCMP_CMP_MASKED_EQ,
					     1ULL << bit, 1ULL << bit };
	mremap[n++] = (struct cond){ 3, SCMP_CMP_GE, 2, 0 };
	mremap[n++] = (struct cond){ 2, SCMP_CMP_EQ, 0, 0 };

	/* On i386, libseccomp's "mmap" is old_mmap (one pointer arg). */
	bool old_mmap = arch == SCMP_ARCH_X86;
	bool all = m == M_ALL;

	rc = rc ? rc : rule(ctx, arch, "mmap", &exec,
			    m == M_DEFAULT && !old_mmap);
	rc = rc ? rc : rule(ctx, arch, "mmap2", &exec, m == M_DEFAULT);
	rc = rc ? rc : rule(ctx, arch, "mremap", mremap,
			    m == M_DEFAULT ? n : 0);
	rc = rc ? rc : rule(ctx, arch, "mprotect", &exec, !all);
	rc = rc ? rc : rule(ctx, arch, "pkey_mprotect", &exec, !all);
	if (m != M_DEFAULT)
		rc = rc ? rc : rule(ctx, arch, "brk", NULL, 0);
	return rc;
}

static int install_filter(enum mode m)
{
	static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86,
					   SCMP_ARCH_X32 };
	scmp_filter_ctx all = NULL;
	int rc = 0;

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		scmp_filter_ctx one = seccomp_init(SCMP_ACT_ALLOW);
		if (!one)
			return -ENOMEM;
		if ((rc = seccomp_arch_remove(one, SCMP_ARCH_NATIVE)) < 0 ||
		    (rc = seccomp_arch_add(one, arches[i])) < 0 ||
		    (rc = add_rules(one, arches[i], m)) < 0) {
			seccomp_release(one);
			break;
		}
		if (!all) {
			all = one;
		} else if ((rc = seccomp_merge(all, one)) < 0) {
			seccomp_release(one);
			break;
		}
	}
	if (rc == 0)
		rc = seccomp_attr_set(all, SCMP_FLTATR_ACT_BADARCH,
				      SCMP_ACT_TRACE(2));
	if (rc == 0) {
		/* Root needs no no_new_privs; elsewhere the kernel wants it. */
		seccomp_attr_set(all, SCMP_FLTATR_CTL_NNP, 0);
		rc = seccomp_load(all);
		if (rc < 0) {
			seccomp_attr_set(all, SCMP_FLTATR_CTL_NNP, 1);
			rc = seccomp_load(all);
		}
	}
	if (all)
		seccomp_release(all);
	return rc;
}

static void child(int go, enum mode m, char **argv)
{
	char c;
	int rc;

	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	close(go);
	if (getppid() == 1)
		_exit(127);
	if ((rc = install_filter(m)) < 0) {
		errno = -rc;
		fprintf(stderr, "floor: seccomp filter: %s\n",
			strerror(errno));
		_exit(125);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "floor: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static void exit_like(int status)
{
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	struct rlimit no_core = { 0, 0 };
	int sig = WTERMSIG(status);

	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

static void usage(void)
{
	fprintf(stderr, "usage: floor [-m default|mem|all] [-s STATSFILE] "
		"[--] command [args...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum mode m = M_DEFAULT;
	const char *stats = NULL;
	int opt, go[2], root_status = 0;
	unsigned long stops = 0;
	pid_t root;

	while ((opt = getopt(argc, argv, "+m:s:")) != -1) {
		if (opt == 'm' && !strcmp(optarg, "default"))
			m = M_DEFAULT;
		else if (opt == 'm' && !strcmp(optarg, "mem"))
			m = M_MEM;
		else if (opt == 'm' && !strcmp(optarg, "all"))
			m = M_ALL;
		else if (opt == 's')
			stats = optarg;
		else
			usage();
	}
	if (optind >= argc)
		usage();
	if (pipe2(go, O_CLOEXEC) < 0)
		fail("pipe");
	root = fork();
	if (root < 0)
		fail("fork");
	if (root == 0) {
		close(go[1]);
		child(go[0], m, argv + optind);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, root, NULL, (void *)(long)OPTS) < 0) {
		kill(root, SIGKILL);
		fail("PTRACE_SEIZE");
	}
	close(go[1]);

	for (;;) {
		struct __ptrace_syscall_info info;
		int status, sig, event, deliver = 0;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			fail("waitpid");
		}
		if (!WIFSTOPPED(status)) {
			if (pid == root)
				root_status = status;
			continue;
		}
		sig = WSTOPSIG(status);
		event = (status >> 16) & 0xff;
		switch (event) {
		case PTRACE_EVENT_SECCOMP:
			stops++;
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid,
				   (void *)sizeof(info), &info) < 0 &&
			    errno != ESRCH)
				fail("PTRACE_GET_SYSCALL_INFO");
			break;
		case PTRACE_EVENT_STOP:
			if (sig == SIGSTOP || sig == SIGTSTP ||
			    sig == SIGTTIN || sig == SIGTTOU) {
				/* A group-stop: stay stopped. */
				ptrace(PTRACE_LISTEN, pid, NULL, NULL);
				continue;
			}
			break;	/* a new task's first stop */
		case 0:
			deliver = sig;	/* signal-delivery-stop */
			break;
		default:
			break;	/* fork, vfork, clone, exec */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)deliver);
	}
	if (stats) {
		FILE *f = fopen(stats, "we");
		if (f) {
			fprintf(f, "stops=%lu\n", stops);
			fclose(f);
		}
	}
	exit_like(root_status);
}
