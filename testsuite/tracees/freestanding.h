/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the freestanding tracees (testsuite/tracees/i386/, x32/) share
 * beyond their system call instruction: constants (the same for i386,
 * x86_64 and x32), output without a C library, the record memtrace
 * must print for a W^X denial, result checks, and the C side of
 * _start, which reads "deny" or "allow" from argv[1], keeps argc and
 * argv for the tracee (tracee_argc, tracee_argv) and calls
 * tracee_main().
 *
 * The includer first defines RAW_PERS (the personality's name as
 * memtrace prints it: "i386", "x32"), NR_write, NR_exit and sys1(),
 * sys3() for its own calling convention, and after the include its
 * _start, which calls start_c with the initial stack pointer (argc,
 * then argv, in words of the personality's long).
 */
#ifndef MEMTRACE_FREESTANDING_H
#define MEMTRACE_FREESTANDING_H

#ifndef RAW_PERS
#error "define RAW_PERS before including freestanding.h"
#endif

/* Not every tracee uses every helper. */
#define RAW_HELPER static __attribute__((unused))

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define EACCES 13
#define EFAULT 14

static int failed;

RAW_HELPER unsigned slen(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

RAW_HELPER void out(int fd, const char *s)
{
	sys3(NR_write, fd, (unsigned long)s, slen(s));
}

/* A line buffer with the few formats the records need. */
struct line {
	char b[512];
	unsigned n;
};

RAW_HELPER void l_str(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->b) - 2)
		l->b[l->n++] = *s++;
	l->b[l->n] = 0;
}

RAW_HELPER void l_hex(struct line *l, unsigned long v)
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

RAW_HELPER void l_dec(struct line *l, long v)
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

RAW_HELPER void expect_record(const char *call_head, struct line *args,
			  const char *msg)
{
	struct line l = { .n = 0 };
	if (!deny_mode)
		return;
	l_str(&l, "memtrace: deny " RAW_PERS " ");
	l_str(&l, call_head);
	l_str(&l, args->b);
	l_str(&l, " = -EACCES; wx: ");
	l_str(&l, msg);
	l_str(&l, "; tip: -m trace/allow_unsafe_exec_memory:1\n");
	out(1, l.b);
}

/* The same for a call on ADDR: CALL_HEAD, then ADDR, then REST. */
RAW_HELPER void expect_addr_record(const char *call_head, unsigned long addr,
			       const char *rest, const char *msg)
{
	struct line args = { .n = 0 };
	l_hex(&args, addr);
	l_str(&args, rest);
	expect_record(call_head, &args, msg);
}

RAW_HELPER void expect(const char *what, long r, int denied)
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

RAW_HELPER int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* _start: argc and argv from the initial stack. */
static int tracee_argc;
static char **tracee_argv;
int tracee_main(void);
static void __attribute__((used)) start_c(long *sp)
{
	int argc = tracee_argc = (int)sp[0];
	char **argv = tracee_argv = (char **)(sp + 1);
	if (argc < 2 || (!streq(argv[1], "deny") && !streq(argv[1], "allow"))) {
		out(2, "usage: tracee deny|allow\n");
		sys1(NR_exit, 2);
	}
	deny_mode = streq(argv[1], "deny");
	sys1(NR_exit, tracee_main());
}

#endif
