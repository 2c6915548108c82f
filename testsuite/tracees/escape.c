/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ways around the tracer, each of which must fail:
 *   listener: a seccomp filter with a user-notification listener, also
 *     with a high bit in seccomp's op (the kernel reads an int): were it
 *     installed, the tracee would approve its own RWX mmap;
 *   personality: READ_IMPLIES_EXEC;
 *   traceme: PTRACE_TRACEME (refused by memtrace, by default);
 *   untraced: clone(CLONE_UNTRACED), in both modes; clone3 fails ENOSYS;
 *   shm: SysV shared memory attached with SHM_EXEC, by shmat and, from
 *     this x86_64 program through int $0x80, by i386's shmat (397) and
 *     ipc(SHMAT) (117), with a version in ipc's high bits too;
 *   dumpable: prctl(PR_SET_DUMPABLE, 0), also with a high bit;
 *   userfaultfd: userfaultfd(2) and ioctl(USERFAULTFD_IOC_NEW);
 *   self: memtrace itself (ptrace attach, process_vm_writev, pidfd_open),
 *     refused even under trace/allow_unsafe_ptrace:1; and, as a user,
 *     memtrace's /proc/PID/mem cannot be opened (it is non-dumpable);
 *   park: a sibling seizing a process that --stop-on-deny left stopped
 *     with memtrace's filter on (run with --stop-on-deny).
 * Usage: escape seccomp|ptrace [ptrace-allowed|park]. Exits 1 on a
 * result it did not expect, with the reason on stderr.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "tracee.h"

#define HIGH (1UL << 32)

static int ptrace_allowed;

static void check(const char *what, long got, long want)
{
	if (got != want) {
		fprintf(stderr, "FAIL: %s: got %ld, expected %ld\n", what, got,
			want);
		tracee_failed = 1;
	}
}

static long rc(long r)
{
	return r < 0 ? -errno : r;
}

static long install(unsigned long op, unsigned flags, unsigned ret_for_mmap)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ret_for_mmap),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, code };
	return rc(syscall(SYS_seccomp, op, flags, &prog));
}

/* The listener's supervisor: let the first notified call run. */
static void *approve(void *arg)
{
	int fd = (int)(long)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return NULL;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return NULL;
}

/* Were a listener installed: route mmap to it and approve RWX. */
static void exploit_listener(long fd)
{
	pthread_t th;

	if (fd < 0)
		return;
	pthread_create(&th, NULL, approve, (void *)fd);
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r > 0 || r < -4095) {
		fprintf(stderr, "FAIL: RWX mapped through a listener\n");
		tracee_failed = 1;
	}
	pthread_join(th, NULL);
}

static void listener(void)
{
	long r = install(SECCOMP_SET_MODE_FILTER | HIGH,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER,
			 SECCOMP_RET_USER_NOTIF);
	check("seccomp(op | 1<<32) with a listener", r, -EPERM);
	exploit_listener(r);
	r = install(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		    SECCOMP_RET_USER_NOTIF);
	check("seccomp with a listener", r, -EPERM);
	exploit_listener(r);
	/* A filter without a listener only narrows: allowed. */
	check("seccomp without a listener",
	      install(SECCOMP_SET_MODE_FILTER, 0, SECCOMP_RET_ALLOW), 0);
	/* A filter that returns SECCOMP_RET_TRACE with memtrace's own
	 * probe tag (0x0200) and with another personality's index (x32,
	 * 0x0102): the newest filter's data wins the tie, so memtrace
	 * sees forged data; W^X must hold all the same. */
	check("seccomp forging the probe", install(SECCOMP_SET_MODE_FILTER,
	      0, SECCOMP_RET_TRACE | 0x0200), 0);
	check("mmap rwx under a forged probe tag", raw_mmap(NULL, 4096,
	      PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	      -1, 0), -EACCES);
	check("seccomp forging a personality", install(SECCOMP_SET_MODE_FILTER,
	      0, SECCOMP_RET_TRACE | 0x0102), 0);
	check("mmap rwx under a forged personality", raw_mmap(NULL, 4096,
	      PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	      -1, 0), -EACCES);
	/* W^X still holds. */
	check("mmap rwx after the filters", raw_mmap(NULL, 4096, PROT_READ |
	      PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	      -EACCES);
}

static void persona(void)
{
	long r = syscall(SYS_personality, READ_IMPLIES_EXEC);
	check("personality(READ_IMPLIES_EXEC)", r < 0 ? -errno : 0, -EPERM);
	r = syscall(SYS_personality, READ_IMPLIES_EXEC | HIGH);
	check("personality(READ_IMPLIES_EXEC | 1<<32)", r < 0 ? -errno : 0,
	      -EPERM);
	/* A query changes nothing and passes. */
	r = syscall(SYS_personality, 0xffffffffUL);
	check("personality query", r < 0 ? -errno : 0, 0);
	check("READ_IMPLIES_EXEC not set", r & READ_IMPLIES_EXEC, 0);
}

static void traceme(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0);
	int st;
	waitpid(pid, &st, 0);
	check("PTRACE_TRACEME in a traced child", WEXITSTATUS(st), EPERM);
}

static char stack[65536] __attribute__((aligned(16)));

/* Were it created: an untraced child asks its parent to trace it,
 * whose stops it would then take instead of memtrace. */
static int child(void *arg)
{
	(void)arg;
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	long r = raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	_exit(r > 0 ? 0 : (int)-r);
}

static void untraced(void)
{
	pid_t pid = clone(child, stack + sizeof(stack),
			  CLONE_UNTRACED | SIGCHLD, NULL);
	check("clone(CLONE_UNTRACED)", pid < 0 ? -errno : 0, -EPERM);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* clone3's flags are in memory: ENOSYS, libc falls back. */
	struct { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal,
		 stack, stack_size, tls; } args = { .exit_signal = SIGCHLD };
	long r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0)
		_exit(0);
	check("clone3", rc(r), -ENOSYS);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
}

#if defined(__x86_64__)
/* An i386 call from this x86_64 program. */
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b),
			 "d"(c), "S"(d), "D"(e) : "memory");
	return r;
}

static void shm_i386(int id)
{
	/* Below 4 GiB: where ipc's SHMAT writes the address. */
	void *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long raddr = (long)low;

	check("i386 shmat(SHM_EXEC)", int80(397, id, 0, SHM_EXEC, 0, 0),
	      -EACCES);
	check("i386 ipc(SHMAT, SHM_EXEC)", int80(117, 21, id, SHM_EXEC,
	      raddr, 0), -EACCES);
	check("i386 ipc(SHMAT | version 2<<16, SHM_EXEC)", int80(117,
	      21 | (2 << 16), id, SHM_EXEC, raddr, 0), -EACCES);
	/* Other ipc calls and a plain attach run. */
	check("i386 ipc(SHMAT, SHM_RDONLY)", int80(117, 21, id, SHM_RDONLY,
	      raddr, 0), 0);
}
#endif

/* SysV shared memory attached executable: another attach can write. */
static void shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0700);
	void *a = shmat(id, NULL, SHM_EXEC);
	check("shmat(SHM_EXEC)", a == (void *)-1 ? -errno : 0, -EACCES);
	a = shmat(id, NULL, SHM_RDONLY);
	check("shmat(SHM_RDONLY)", a == (void *)-1 ? -errno : 0, 0);
#if defined(__x86_64__)
	shm_i386(id);
#endif
	shmctl(id, IPC_RMID, NULL);
}

static void dumpable(void)
{
	check("prctl(PR_SET_DUMPABLE, 0)",
	      rc(syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0)), -EPERM);
	check("prctl(PR_SET_DUMPABLE | 1<<32, 0)",
	      rc(syscall(SYS_prctl, PR_SET_DUMPABLE | HIGH, 0, 0, 0, 0)),
	      -EPERM);
	check("still dumpable", prctl(PR_GET_DUMPABLE), 1);
	check("prctl(PR_SET_DUMPABLE, 1)", prctl(PR_SET_DUMPABLE, 1), 0);
}

static void uffd(void)
{
	long r = rc(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	check("userfaultfd", r, -EPERM);
	int fd = open("/dev/null", O_RDONLY);
	check("ioctl(USERFAULTFD_IOC_NEW)",
	      rc(syscall(SYS_ioctl, fd, USERFAULTFD_IOC_NEW, 0)), -EPERM);
	check("ioctl(USERFAULTFD_IOC_NEW | 1<<32)",
	      rc(syscall(SYS_ioctl, fd, USERFAULTFD_IOC_NEW | HIGH, 0)),
	      -EPERM);
	/* Any other ioctl runs. */
	check("ioctl(TCGETS) on /dev/null",
	      rc(syscall(SYS_ioctl, fd, 0x5401, 0)), -ENOTTY);
	close(fd);
}

/* Were an attach to memtrace to succeed: let it go again, so the
 * run ends with the failure instead of hanging (in ptrace-only mode
 * it hangs anyway; the case bounds it). */
static void undo_attach(long r, pid_t pid)
{
	if (r != 0)
		return;
	ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

/* memtrace is this program's parent. */
static void self(void)
{
	long tracer = getppid();
	char byte = 0;
	struct iovec local = { &byte, 1 }, remote = { (void *)4096, 1 };

	long r = rc(syscall(SYS_ptrace, PTRACE_ATTACH, tracer, 0, 0));
	undo_attach(r, (pid_t)tracer);
	check("ptrace(PTRACE_ATTACH, memtrace)", r, -EPERM);
	r = rc(syscall(SYS_ptrace, PTRACE_SEIZE, tracer | HIGH, 0, 0));
	undo_attach(r, (pid_t)tracer);
	check("ptrace(PTRACE_SEIZE, memtrace | 1<<32)", r, -EPERM);
	check("process_vm_writev(memtrace)",
	      rc(syscall(SYS_process_vm_writev, tracer, &local, 1, &remote,
			 1, 0)), -EPERM);
	check("process_vm_writev(memtrace | 1<<32)",
	      rc(syscall(SYS_process_vm_writev, tracer | HIGH, &local, 1,
			 &remote, 1, 0)), -EPERM);
	long fd = rc(syscall(SYS_pidfd_open, tracer, 0));
	check("pidfd_open(memtrace)", fd, -EPERM);
	/* A pidfd of this process is not memtrace's. */
	fd = rc(syscall(SYS_pidfd_open, getpid(), 0));
	check("pidfd_open(self) works", fd >= 0, 1);
	if (fd >= 0)
		close((int)fd);
	/* A user cannot open a non-dumpable process's memory (root can:
	 * a limit memtrace(1) names). */
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/mem", tracer);
	fd = rc(open(path, O_RDWR));
	if (getuid() != 0)
		check("open(memtrace's /proc/PID/mem) as a user", fd, -EACCES);
	if (fd >= 0)
		close((int)fd);
}

/* The state letter and tracer of pid, from /proc/PID/status. */
static int stopped_untraced(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strstr(buf, "\nState:\tT") && strstr(buf, "\nTracerPid:\t0\n");
}

/* A child denied under --stop-on-deny is parked, detached, with
 * memtrace's filter on; seizing it would take its stops. */
static void park(void)
{
	pid_t a = fork();
	if (a == 0) {
		raw_mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(0);
	}
	for (int i = 0; i < 400 && !stopped_untraced(a); i++)
		usleep(25000);
	check("the denied child is parked", stopped_untraced(a), 1);
	check("PTRACE_SEIZE of the parked child",
	      rc(ptrace(PTRACE_SEIZE, a, NULL,
			(void *)(long)PTRACE_O_TRACESECCOMP)), -EPERM);
	check("PTRACE_ATTACH of the parked child",
	      rc(ptrace(PTRACE_ATTACH, a, NULL, NULL)), -EPERM);
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	ptrace_allowed = argc > 2 && !strcmp(argv[2], "ptrace-allowed");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[2], "park")) {
		park();
		return tracee_failed;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (ptrace_allowed) {
		self();
		return tracee_failed;
	}
	persona();
	traceme();
	untraced();
	dumpable();
	uffd();
	shm();
	listener();
	/* Last: were memtrace not to refuse, it would hang here. */
	self();
	return tracee_failed;
}
