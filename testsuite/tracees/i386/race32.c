/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The old_mmap block race for the i386 personality. old_mmap (nr 90)
 * takes its six arguments in a block in the caller's memory: a tracer
 * that checks the block and then lets the kernel read it again can be
 * fooled by a thread that changes the block in between. Here a second
 * thread flips word 2 (prot) of the block between PROT_READ and
 * PROT_READ|PROT_WRITE|PROT_EXEC in a tight loop while the main thread
 * calls old_mmap on it again and again, counting EACCES denials and
 * successes. memtrace turns an allowed old_mmap into mmap2 with the
 * values it checked, so no writable and executable mapping may appear:
 * at the end the tracee reads /proc/self/maps and exits 3 if one does.
 *
 *   race32 deny    under the default policy: exits 0 if no mapping is
 *                  both writable and executable (each denied call left
 *                  a "wx: writable and executable mapping" record)
 *   race32 allow   the same calls; with trace/allow_unsafe_exec_memory:1
 *                  the RWX mappings are real and the tracee must find
 *                  them (exit 3): the detector works
 *
 * Each call also checks that old_mmap left every register but %eax as
 * it was (the i386 system call ABI; a rewritten call must keep it too).
 *
 * Prints "race32: N calls, D denied, A allowed" and, if RWX mappings
 * were found, the first few as "race32: rwx mapping: <the maps line>"
 * and "race32: R rwx mappings". Exits 1 on an
 * unexpected result (another error than EACCES, a changed register,
 * no second thread).
 * The results are unmapped only after the maps were read.
 */
#include "sys32.h"

#define NR_read 3
#define NR_close 6
#define NR_munmap 91
#define NR_clone 120
#define NR_sched_yield 158
#define NR_exit_group 252
#define O_RDONLY 0
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000

#define CALLS 3000

static volatile unsigned long block[6] = { 0, 4096, PROT_READ, ANON,
					   (unsigned long)-1, 0 };
static volatile int started, stop, done;
static volatile unsigned long flips;
static unsigned long results[CALLS];
static char stack[65536] __attribute__((aligned(16)));
static char maps[524288];	/* up to CALLS unmerged mappings */

/*
 * clone_thread(flags, stack_top, fn): raw clone (nr 120; i386 order:
 * flags, stack, parent_tid, tls, child_tid). The child never comes back
 * into C code of the parent's frame: on its own stack it calls fn and
 * then ends the thread with exit (nr 1). Returns the thread id or
 * -errno in the parent.
 */
long clone_thread(unsigned long flags, void *stack_top, void (*fn)(void));
__asm__(".text\n"
	".globl clone_thread\n"
	".type clone_thread, @function\n"
	"clone_thread:\n"
	"\tpush %ebx\n"
	"\tpush %esi\n"
	"\tpush %edi\n"
	"\tmov 16(%esp), %ebx\n"	/* flags */
	"\tmov 20(%esp), %ecx\n"	/* stack top, 16-aligned */
	"\tmov 24(%esp), %eax\n"	/* fn */
	"\tsub $16, %ecx\n"
	"\tmov %eax, (%ecx)\n"		/* fn, on the child's stack */
	"\txor %edx, %edx\n"
	"\txor %esi, %esi\n"
	"\txor %edi, %edi\n"
	"\tmov $120, %eax\n"
	"\tint $0x80\n"
	"\ttest %eax, %eax\n"
	"\tjz 1f\n"
	"\tpop %edi\n"
	"\tpop %esi\n"
	"\tpop %ebx\n"
	"\tret\n"
	"1:\n"				/* the child, %esp = stack top - 16 */
	"\txor %ebp, %ebp\n"
	"\tcall *(%esp)\n"
	"\tmov $1, %eax\n"		/* exit: this thread only */
	"\txor %ebx, %ebx\n"
	"\tint $0x80\n"
	"\thlt\n"
	".size clone_thread, .-clone_thread\n");

/*
 * old_mmap on the block, with known values in every register the call
 * does not take: int $0x80 returns in %eax only and keeps %ebx, %ecx,
 * %edx, %esi, %edi and %ebp, whatever a tracer made of the call.
 * regs_after gets them as the call left them.
 */
static const unsigned long regs_before[6] = {
	0 /* %ebx: the block */, 0x11111111, 0x22222222, 0x33333333,
	0x44444444, 0x55555555
};
unsigned long regs_after[6];
static const char *const reg_names[6] = {
	"%ebx", "%ecx", "%edx", "%esi", "%edi", "%ebp"
};

static long old_mmap_checked(void)
{
	long r, b = (long)block;

	__asm__ volatile(
		"push %%ebp\n\t"
		"mov $0x11111111, %%ecx\n\t"
		"mov $0x22222222, %%edx\n\t"
		"mov $0x33333333, %%esi\n\t"
		"mov $0x44444444, %%edi\n\t"
		"mov $0x55555555, %%ebp\n\t"
		"int $0x80\n\t"
		"mov %%ebx, regs_after\n\t"
		"mov %%ecx, regs_after+4\n\t"
		"mov %%edx, regs_after+8\n\t"
		"mov %%esi, regs_after+12\n\t"
		"mov %%edi, regs_after+16\n\t"
		"mov %%ebp, regs_after+20\n\t"
		"pop %%ebp"
		: "=a"(r), "+b"(b)
		: "a"(NR_old_mmap)
		: "ecx", "edx", "esi", "edi", "memory");
	return r;
}

/* Once, on one line: which registers old_mmap changed. */
static void check_regs(void)
{
	static int said;
	struct line l = { .n = 0 };

	if (said)
		return;
	for (int i = 0; i < 6; i++) {
		unsigned long want = i ? regs_before[i] : (unsigned long)block;
		if (regs_after[i] == want)
			continue;
		l_str(&l, l.n ? ", " : "FAIL: old_mmap changed registers "
		      "(int $0x80 keeps all but %eax): ");
		l_str(&l, reg_names[i]);
		l_str(&l, " ");
		l_hex(&l, want);
		l_str(&l, " -> ");
		l_hex(&l, regs_after[i]);
	}
	if (l.n) {
		l_str(&l, "\n");
		out(2, l.b);
		failed = said = 1;
	}
}

/*
 * Each value stays a little while: back to back, the two stores leave
 * RWX in the block for one instruction only, which an emulator that
 * switches threads between blocks of code (qemu TCG) never shows.
 */
static void dwell(void)
{
	for (volatile int k = 0; k < 32; k++)
		;
}

static void __attribute__((used)) flipper(void)
{
	started = 1;
	while (!stop) {
		block[2] = PROT_READ | PROT_WRITE | PROT_EXEC;
		dwell();
		block[2] = PROT_READ;
		dwell();
		flips++;
	}
	done = 1;
}

static void say_count(struct line *l, long v, const char *what)
{
	l_dec(l, v);
	l_str(l, what);
}

/* Reads /proc/self/maps; prints and counts the rwx lines. */
static int rwx_mappings(void)
{
	long fd = sys3(NR_open, (long)"/proc/self/maps", O_RDONLY, 0);
	long n = 0, r;
	int found = 0;

	if (fd < 0) {
		out(2, "FAIL: cannot open /proc/self/maps\n");
		failed = 1;
		return 0;
	}
	while (n < (long)sizeof(maps) - 1 &&
	       (r = sys3(NR_read, fd, (long)maps + n,
			 sizeof(maps) - 1 - n)) > 0)
		n += r;
	sys1(NR_close, fd);
	maps[n] = 0;
	for (char *s = maps; *s;) {
		char *e = s, *p = s;
		while (*e && *e != '\n')
			e++;
		while (p < e && *p != ' ')	/* start-end */
			p++;
		if (e - p > 4 && p[1] == 'r' && p[2] == 'w' && p[3] == 'x' &&
		    found++ < 3) {
			struct line l = { .n = 0 };
			char c = *e;
			*e = 0;
			l_str(&l, "race32: rwx mapping: ");
			l_str(&l, s);
			l_str(&l, "\n");
			*e = c;
			out(1, l.b);
		}
		s = *e ? e + 1 : e;
	}
	return found;
}

int tracee_main(void)
{
	long denied = 0, allowed = 0, n = 0;
	long tid = clone_thread(CLONE_VM | CLONE_FS | CLONE_FILES |
				CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
				stack + sizeof(stack), flipper);

	if (tid < 0) {
		out(2, "FAIL: clone failed\n");
		return 1;
	}
	while (!started)
		sys1(NR_sched_yield, 0);
	for (int i = 0; i < CALLS; i++) {
		long r = old_mmap_checked();
		check_regs();
		if (r == -EACCES) {
			denied++;
		} else if (r < 0 && r > -4096) {
			struct line l = { .n = 0 };
			l_str(&l, "FAIL: old_mmap returned ");
			l_dec(&l, r);
			l_str(&l, "\n");
			out(2, l.b);
			failed = 1;
			break;
		} else {
			allowed++;
			results[n++] = (unsigned long)r;
		}
	}
	stop = 1;
	while (!done)
		sys1(NR_sched_yield, 0);

	int rwx = rwx_mappings();
	for (long i = 0; i < n; i++)
		sys3(NR_munmap, (long)results[i], 4096, 0);

	struct line l = { .n = 0 };
	l_str(&l, "race32: ");
	say_count(&l, denied + allowed, " calls, ");
	say_count(&l, denied, " denied, ");
	say_count(&l, allowed, " allowed\n");
	out(1, l.b);
	if (rwx) {
		struct line w = { .n = 0 };
		l_str(&w, "race32: ");
		say_count(&w, rwx, " rwx mappings\n");
		out(1, w.b);
	}
	if (!flips) {
		out(2, "FAIL: the second thread never flipped the block\n");
		failed = 1;
	}
	sys1(NR_exit_group, rwx ? 3 : failed);
	return failed;
}
