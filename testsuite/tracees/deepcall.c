/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Known call sites for backtraces, summaries and the debugger stop.
 *
 *   deepcall wx        main -> level1 -> level2 -> level3 -> do_wx_mmap,
 *                      which asks mmap() for RWX memory once; prints
 *                      "result=N" (0 mapped, else the errno)
 *   deepcall badstack  the same RWX mmap from bad_stack_mmap, made with
 *                      the stack pointer (and frame pointer) pointing at
 *                      unmapped memory, so no frame above it can be
 *                      unwound; prints "result=N"
 *   deepcall counts N  the known calls of the summary case, N times
 *                      each (0: none), then the peak VmSize it saw;
 *                      see below
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int sink;

__attribute__((noinline)) static int do_wx_mmap(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r = p == MAP_FAILED ? errno : 0;

	if (p != MAP_FAILED)
		munmap(p, 4096);
	sink++;
	return r;
}

__attribute__((noinline)) static int level3(void)
{
	int r = do_wx_mmap();
	sink++;
	return r;
}

__attribute__((noinline)) static int level2(void)
{
	int r = level3();
	sink++;
	return r;
}

__attribute__((noinline)) static int level1(void)
{
	int r = level2();
	sink++;
	return r;
}

#ifdef __x86_64__
/* mmap(NULL, 4096, RWX, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) with %rsp and
 * %rbp at address 16: the call itself touches no stack, the unwinder
 * finds nothing readable above the first frame. */
__attribute__((noinline)) static long bad_stack_mmap(void)
{
	long ret;
	register long r10 __asm__("r10") = MAP_PRIVATE | MAP_ANONYMOUS;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = 0;

	__asm__ volatile(
		"mov %%rsp, %%r12\n\t"
		"mov %%rbp, %%r13\n\t"
		"mov $16, %%rsp\n\t"
		"mov $16, %%rbp\n\t"
		"syscall\n\t"
		"mov %%r13, %%rbp\n\t"
		"mov %%r12, %%rsp\n\t"
		: "=a"(ret)
		: "0"((long)SYS_mmap), "D"(0L), "S"(4096L),
		  "d"((long)(PROT_READ | PROT_WRITE | PROT_EXEC)),
		  "r"(r10), "r"(r8), "r"(r9)
		: "rcx", "r11", "r12", "r13", "memory");
	return ret;
}
#endif

static unsigned long vmsize(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (unsigned long)sysconf(_SC_PAGESIZE);
}

/*
 * counts N: per round, with the policy of the summary case (W^X and
 * mem/vm_max huge, so every mmap, mremap and brk stops):
 *   mmap   3 calls: 8 KiB RW (allowed), 12 KiB RWX (denied by wx),
 *          4 KiB RW then grown by mremap
 *   mremap 1 call: 4 KiB -> 20 KiB (16 KiB requested)
 *   mprotect 1 call: R|X on the RW 8 KiB block (denied by wx)
 * so N rounds add 3N mmap (24 KiB N requested... see the case),
 * N mremap, N mprotect, 2N wx hits.
 * Then one 64 MiB mapping, the VmSize read, and one more stopped call
 * (an 4 KiB RW mmap) so memtrace samples VmSize with it in place.
 */
static int counts(int n)
{
	unsigned long vm;
	void *big;
	int bad = 0;

	for (int i = 0; i < n; i++) {
		void *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *b = mmap(NULL, 12288, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED || c == MAP_FAILED || b != MAP_FAILED)
			bad = 1;
		void *d = c == MAP_FAILED ? MAP_FAILED :
			  mremap(c, 4096, 20480, MREMAP_MAYMOVE);
		if (d == MAP_FAILED)
			bad = 1;
		if (a != MAP_FAILED &&
		    mprotect(a, 8192, PROT_READ | PROT_EXEC) == 0)
			bad = 1;
		if (a != MAP_FAILED)
			munmap(a, 8192);
		if (d != MAP_FAILED)
			munmap(d, 20480);
	}
	big = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	vm = vmsize();
	void *last = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED || last == MAP_FAILED)
		bad = 1;
	printf("vmsize=%lu bad=%d\n", vm, bad);
	return bad;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "wx")) {
		int r = level1();
		sink++;
		printf("result=%d\n", r);
		return 0;
	}
#ifdef __x86_64__
	if (argc >= 2 && !strcmp(argv[1], "badstack")) {
		long r = bad_stack_mmap();
		if (r >= 0)
			munmap((void *)r, 4096);
		printf("result=%ld\n", r < 0 && r > -4096 ? -r : 0);
		return 0;
	}
#endif
	if (argc >= 3 && !strcmp(argv[1], "counts"))
		return counts(atoi(argv[2]));
	fprintf(stderr, "usage: %s wx|badstack|counts N\n", argv[0]);
	return 2;
}
