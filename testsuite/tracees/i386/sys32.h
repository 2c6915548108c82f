/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * i386 tracees without a C library: raw int $0x80 calls, so they build
 * with -m32 -nostdlib -ffreestanding and need no multilib. Each prints
 * the records memtrace must write and checks its own results.
 */
#ifndef MEMTRACE_SYS32_H
#define MEMTRACE_SYS32_H

#define NR_exit 1
#define NR_write 4
#define NR_open 5
#define NR_brk 45
#define NR_old_mmap 90
#define NR_mprotect 125
#define NR_mmap2 192
#define NR_pkey_mprotect 380

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define EACCES 13
#define EFAULT 14

static inline long sys1(long n, long a)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a) : "memory");
	return r;
}

static inline long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b),
			 "d"(c) : "memory");
	return r;
}

static inline long sys4(long n, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b),
			 "d"(c), "S"(d) : "memory");
	return r;
}

/* Six arguments: ebp is the frame pointer, so pass arg 6 and the
 * number through memory (eax points at them; an "m" operand could be
 * esp-relative, and the push moves esp) and swap ebp around the call. */
static inline long sys6(long n, long a, long b, long c, long d, long e,
			long f)
{
	long r;
	long args6[2] = { f, n };
	__asm__ volatile(
		"push %%ebp\n\t"
		"mov 0(%%eax), %%ebp\n\t"
		"mov 4(%%eax), %%eax\n\t"
		"int $0x80\n\t"
		"pop %%ebp"
		: "=a"(r)
		: "a"(args6), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
		: "memory");
	return r;
}

static int failed;

static unsigned slen(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

static void out(int fd, const char *s)
{
	sys3(NR_write, fd, (long)s, slen(s));
}

/* A line buffer with the few formats the records need. */
struct line {
	char b[512];
	unsigned n;
};

static void l_str(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->b) - 2)
		l->b[l->n++] = *s++;
	l->b[l->n] = 0;
}

static void l_hex(struct line *l, unsigned long v)
{
	char t[16];
	int i = 0;
	l_str(l, "0x");
	do {
		t[i++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (i--) {
		char c[2] = { t[i], 0 };
		l_str(l, c);
	}
}

static void l_dec(struct line *l, long v)
{
	char t[16];
	int i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	if (v < 0)
		l_str(l, "-");
	do {
		t[i++] = '0' + u % 10;
		u /= 10;
	} while (u);
	while (i--) {
		char c[2] = { t[i], 0 };
		l_str(l, c);
	}
}

static int deny_mode;

static void expect_record(const char *call_head, struct line *args,
			  const char *msg)
{
	struct line l = { .n = 0 };
	if (!deny_mode)
		return;
	l_str(&l, "memtrace: deny i386 ");
	l_str(&l, call_head);
	l_str(&l, args->b);
	l_str(&l, " = -EACCES; wx: ");
	l_str(&l, msg);
	l_str(&l, "; tip: -m trace/allow_unsafe_exec_memory:1\n");
	out(1, l.b);
}

static void expect(const char *what, long r, int denied)
{
	if (denied && r != -EACCES) {
		out(2, "FAIL: ");
		out(2, what);
		out(2, ": not denied\n");
		failed = 1;
	} else if (!denied && r < 0 && r > -4096) {
		out(2, "FAIL: ");
		out(2, what);
		out(2, ": failed\n");
		failed = 1;
	}
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* _start: read argv[1] from the initial stack. */
int tracee_main(void);
static void __attribute__((used)) start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	if (argc < 2 || (!streq(argv[1], "deny") && !streq(argv[1], "allow"))) {
		out(2, "usage: tracee deny|allow\n");
		sys1(NR_exit, 2);
	}
	deny_mode = streq(argv[1], "deny");
	sys1(NR_exit, tracee_main());
}

__asm__(".globl _start\n_start:\n\tmov %esp, %eax\n\tand $-16, %esp\n"
	"\tsub $12, %esp\n\tpush %eax\n\tcall start_c\n\thlt\n");

#endif
