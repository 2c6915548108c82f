/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Memory that grows without a memory call, and the rlimit that bounds
 * it:
 *
 *   memedge shm SIZE        shmat() of a new SysV segment of SIZE bytes
 *   memedge stack TOTAL     grow the main stack by page faults
 *   memedge growsdown TOTAL grow a MAP_GROWSDOWN region by page faults
 *   memedge rlimit LIMIT    raise RLIMIT_AS past LIMIT (setrlimit and
 *                           prlimit64, soft and hard), then lower it
 *   memedge rlimit-query N  N prlimit64 calls that only ask (new NULL)
 *   memedge rlimit-high N   N prlimit64 calls whose new pointer has
 *                           only bits above 32 set (EFAULT)
 *
 * Prints one line per try on stdout:
 *   memedge shm: attached | errno NAME
 *   memedge stack: grew N MiB | SIGSEGV after N MiB
 *   memedge rlimit: setrlimit errno NAME | ok ...
 * A page fault the kernel refuses raises SIGSEGV, caught on an
 * alternate stack. Exits 1 on an unexpected result.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>

#include "tracee.h"

#define MIB (1024UL * 1024)
#define PAGE 4096UL

static sigjmp_buf segv_jmp;
static volatile unsigned long grown;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jmp, 1);
}

static void catch_segv(void)
{
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
}

static const char *errname(long r)
{
	return r == -ENOMEM ? "ENOMEM" : r == -EPERM ? "EPERM" :
	       r == -EINVAL ? "EINVAL" : r == 0 ? "0" : "other";
}

static int do_shm(unsigned long size)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	long r;

	if (id < 0) {
		perror("shmget");
		return 1;
	}
	r = ret_of((long)syscall(SYS_shmat, id, NULL, 0));
	shmctl(id, IPC_RMID, NULL);
	if (r < 0 && r > -4096)
		printf("memedge shm: errno %s\n", errname(r));
	else
		printf("memedge shm: attached\n");
	return 0;
}

/* Touch one page after another downwards from top, TOTAL bytes. */
static void grow_down(volatile char *top, unsigned long total)
{
	grown = 0;
	catch_segv();
	if (sigsetjmp(segv_jmp, 1)) {
		printf("memedge: SIGSEGV after %lu MiB\n", grown / MIB);
		return;
	}
	for (unsigned long off = 0; off < total; off += PAGE) {
		top[-(long)off] = 1;
		grown = off;
	}
	printf("memedge: grew %lu MiB\n", total / MIB);
}

static int do_stack(unsigned long total)
{
	struct rlimit big = { RLIM_INFINITY, RLIM_INFINITY };
	volatile char here;

	/* The stack rlimit is not memtrace's: out of the way. */
	setrlimit(RLIMIT_STACK, &big);
	grow_down(&here - 64 * 1024, total);
	return 0;
}

static int do_growsdown(unsigned long total)
{
	/* Far from anything, so that the region may grow. */
	char *want = (char *)0x300000000000UL;
	char *p = mmap(want, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN |
		       MAP_FIXED_NOREPLACE, -1, 0);
	struct rlimit big = { RLIM_INFINITY, RLIM_INFINITY };

	if (p == MAP_FAILED) {
		perror("mmap MAP_GROWSDOWN");
		return 1;
	}
	setrlimit(RLIMIT_STACK, &big);
	grow_down(p, total);
	return 0;
}

static void say_rlimit(const char *how, long r)
{
	printf("memedge rlimit: %s %s\n", how, errname(r));
}

static int do_rlimit(unsigned long limit)
{
	struct rlimit up = { RLIM_INFINITY, RLIM_INFINITY };
	struct rlimit soft = { limit + MIB, limit };
	struct rlimit low = { limit / 2, limit };
	struct rlimit now;

	say_rlimit("setrlimit infinity",
		   ret_of(syscall(SYS_setrlimit, RLIMIT_AS, &up)));
	say_rlimit("setrlimit soft above",
		   ret_of(syscall(SYS_setrlimit, RLIMIT_AS, &soft)));
	say_rlimit("prlimit64 infinity",
		   ret_of(syscall(SYS_prlimit64, 0, RLIMIT_AS, &up, NULL)));
	/* The resource is an unsigned int: high bits are ignored. */
	say_rlimit("prlimit64 high bits",
		   ret_of(syscall(SYS_prlimit64, 0,
				  (1UL << 32) | RLIMIT_AS, &up, NULL)));
	say_rlimit("prlimit64 lower",
		   ret_of(syscall(SYS_prlimit64, getpid(), RLIMIT_AS, &low,
				  NULL)));
	getrlimit(RLIMIT_AS, &now);
	printf("memedge rlimit: now soft %s hard %s\n",
	       now.rlim_cur == RLIM_INFINITY ? "infinity" :
	       now.rlim_cur <= limit ? "within" : "above",
	       now.rlim_max == RLIM_INFINITY ? "infinity" :
	       now.rlim_max <= limit ? "within" : "above");
	return 0;
}

/* prlimit64 of RLIMIT_STACK, n times, with new_rlim as given. */
static int do_prlimit_n(unsigned long n, unsigned long new_ptr, long want)
{
	struct rlimit old;

	for (unsigned long i = 0; i < n; i++) {
		long r = ret_of(syscall(SYS_prlimit64, 0, RLIMIT_STACK,
					new_ptr, &old));
		if (r != want) {
			fprintf(stderr, "memedge: prlimit64 gave %s\n",
				errname(r));
			return 1;
		}
	}
	printf("memedge rlimit: %lu done\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	/* A buffer that needs no allocation once the limit is reached. */
	static char outbuf[4096];

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (argc != 3) {
		fprintf(stderr, "usage: memedge shm|stack|growsdown|rlimit|"
			"rlimit-query|rlimit-high N\n");
		return 2;
	}
	unsigned long n = strtoul(argv[2], NULL, 0);
	if (!strcmp(argv[1], "shm"))
		return do_shm(n);
	if (!strcmp(argv[1], "stack"))
		return do_stack(n);
	if (!strcmp(argv[1], "growsdown"))
		return do_growsdown(n);
	if (!strcmp(argv[1], "rlimit"))
		return do_rlimit(n);
	if (!strcmp(argv[1], "rlimit-query"))
		return do_prlimit_n(n, 0, 0);
	if (!strcmp(argv[1], "rlimit-high"))
		return do_prlimit_n(n, 1UL << 32, -EFAULT);
	fprintf(stderr, "memedge: unknown mode %s\n", argv[1]);
	return 2;
}
