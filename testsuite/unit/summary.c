/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The debugging helpers without memtrace around them: requested sizes
 * (summary, learning), learned limits, the IP-only backtrace of a
 * non-native personality, and backtraces of a real stopped child.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"
#include "unit.h"

#define MIB (1024ULL * 1024)

static struct mcall call(enum msys s)
{
	struct mcall c;

	memset(&c, 0, sizeof(c));
	c.sys = s;
	c.pers = "x86_64";
	c.fd = -1;
	return c;
}

static const char maps_fixture[] =
	"08048000-08049000 r-xp 00000000 08:01 1234       /opt/x/prog32\n"
	"08049000-0804a000 rw-p 00001000 08:01 1234       /opt/x/prog32\n"
	"f7d00000-f7d20000 r--p 00000000 08:01 99         /lib32/libc.so.6\n"
	"f7d20000-f7e80000 r-xp 00020000 08:01 99         /lib32/libc.so.6\n"
	"f7f00000-f7f01000 rw-p 00000000 00:00 0 \n"
	"f7f01000-f7f02000 r-xp 00000000 00:00 0          [vdso]\n";

/* A child stopped by SIGSTOP under our ptrace, in raise(). */
static __attribute__((noinline)) void stop_here(void)
{
	raise(SIGSTOP);
	_exit(0);
}

static pid_t stopped_child(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		stop_here();
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return -1;
	return pid;
}

int main(void)
{
	UNIT_CASE("summary/request/mmap") {
		struct mcall c = call(MSYS_MMAP);
		struct facts f;
		memset(&f, 0, sizeof(f));
		c.len = 5000;
		EXPECT(call_request(&c, &f) == 8192);
		c.len = 4096;
		EXPECT(call_request(&c, &f) == 4096);
		c.block_unreadable = true;
		EXPECT(call_request(&c, &f) == 0);
	}
	UNIT_CASE("summary/request/brk") {
		struct mcall c = call(MSYS_BRK);
		struct facts f;
		memset(&f, 0, sizeof(f));
		c.brk = 0x10000 + 100;
		EXPECT(call_request(&c, &f) == 0);	/* break not known */
		f.have = FACT_BRK;
		f.cur_brk = 0x8000;
		EXPECT(call_request(&c, &f) == 0x11000 - 0x8000);
		c.brk = 0x4000;				/* a shrink */
		EXPECT(call_request(&c, &f) == 0);
		c.brk = 0;				/* a query */
		EXPECT(call_request(&c, &f) == 0);
		c.brk = 0x20000;
		f.failed = FACT_BRK;
		EXPECT(call_request(&c, &f) == 0);
	}
	UNIT_CASE("summary/request/mremap") {
		struct mcall c = call(MSYS_MREMAP);
		struct facts f;
		memset(&f, 0, sizeof(f));
		c.old_len = 4096;
		c.new_len = 20480;
		EXPECT(call_request(&c, &f) == 16384);
		c.new_len = 100;
		EXPECT(call_request(&c, &f) == 0);
		c.flags = 1 | 4;			/* MAYMOVE|DONTUNMAP */
		c.new_len = 4096;
		EXPECT(call_request(&c, &f) == 4096);
	}
	UNIT_CASE("summary/request/mprotect") {
		struct mcall c = call(MSYS_MPROTECT);
		struct facts f;
		memset(&f, 0, sizeof(f));
		c.len = 1 << 20;
		EXPECT(call_request(&c, &f) == 0);
	}
	UNIT_CASE("learn/limit") {
		/* + 25%, at least 4 MiB, rounded up to a MiB. */
		EXPECT(learn_limit(0) == 4 * MIB);
		EXPECT(learn_limit(1) == 5 * MIB);
		EXPECT(learn_limit(4161536) == 8 * MIB);  /* 7.97 MiB */
		EXPECT(learn_limit(4 * MIB) == 8 * MIB);  /* exactly 8 */
		EXPECT(learn_limit(4 * MIB + 1) == 9 * MIB);
		EXPECT(learn_limit(16 * MIB) == 20 * MIB);
		EXPECT(learn_limit(100 * MIB) == 125 * MIB);
		for (uint64_t p = 1; p < (1ULL << 40); p = p * 3 + 7) {
			uint64_t room = p / 4 > 4 * MIB ? p / 4 : 4 * MIB;
			EXPECT(learn_limit(p) >= p + room &&
			       learn_limit(p) % MIB == 0 &&
			       learn_limit(p) <= p + room + MIB + 1);
		}
		EXPECT(learn_limit(UINT64_MAX) == 0);
	}
	UNIT_CASE("stack/ip-only/module") {
		struct backtrace bt;
		stack_ip_only(maps_fixture, 0xf7d21234, "why", &bt);
		EXPECT(bt.n == 1);
		EXPECT(bt.frames[0].ip == 0xf7d21234);
		EXPECT_STR(bt.frames[0].module, "/lib32/libc.so.6");
		EXPECT(bt.frames[0].off == 0x21234);	/* file offset */
		EXPECT_STR(bt.frames[0].func, "");
		EXPECT_STR(bt.end, "why");
		stack_free(&bt);
	}
	UNIT_CASE("stack/ip-only/vdso-anon-none") {
		struct backtrace bt;
		stack_ip_only(maps_fixture, 0xf7f01010, "w", &bt);
		EXPECT_STR(bt.frames[0].module, "[vdso]");
		stack_free(&bt);
		/* An anonymous mapping: no module, not the next line's. */
		stack_ip_only(maps_fixture, 0xf7f00010, "w", &bt);
		EXPECT(bt.n == 1);
		EXPECT_STR(bt.frames[0].module, "");
		stack_free(&bt);
		stack_ip_only(maps_fixture, 0x1000, "w", &bt);
		EXPECT(bt.n == 1 && bt.frames[0].ip == 0x1000);
		EXPECT_STR(bt.frames[0].module, "");
		stack_free(&bt);
		stack_ip_only(NULL, 0x1000, "w", &bt);
		EXPECT(bt.n == 1);
		stack_free(&bt);
	}

	pid_t child = stopped_child();
	if (child < 0) {
		UNIT_SKIP("stack/child", "cannot trace a child here");
		UNIT_DONE();
	}
	uint64_t ip0 = 0;
	UNIT_CASE("stack/native/child") {
		struct backtrace bt;
		bool main_seen = false, stop_seen = false;
		stack_capture(child, "x86_64", 32, &bt);
#ifdef MEMTRACE_HAVE_UNWIND
		EXPECT(bt.n >= 3);
		for (int i = 0; i < bt.n; i++) {
			if (!strcmp(bt.frames[i].func, "main"))
				main_seen = true;
			if (!strcmp(bt.frames[i].func, "stop_here"))
				stop_seen = true;
		}
		EXPECT(stop_seen && main_seen);
		EXPECT(strstr(bt.frames[bt.n > 1 ? 1 : 0].module, "libc") ||
		       stop_seen);
#else
		EXPECT(bt.n == 1 && strstr(bt.end, "without libunwind"));
		(void)main_seen;
		(void)stop_seen;
#endif
		ip0 = bt.n ? bt.frames[0].ip : 0;
		stack_free(&bt);
	}
	UNIT_CASE("stack/native/depth") {
		struct backtrace bt;
		stack_capture(child, "x86_64", 2, &bt);
#ifdef MEMTRACE_HAVE_UNWIND
		EXPECT(bt.n == 2);
		EXPECT(strstr(bt.end, "depth limit 2"));
#endif
		stack_free(&bt);
	}
	/* What a 32-bit tracee gets on this 64-bit memtrace: the i386
	 * table reads the IP, no unwinding, and the note. (A real i386
	 * tracee cannot run on kernels without IA32 emulation; here the
	 * child is 64-bit and read through the i386 layout of the
	 * 64-bit regset, the one int $0x80 from 64-bit code gives.) */
	UNIT_CASE("stack/i386/ip-only") {
		struct backtrace bt;
		stack_capture(child, "i386", 32, &bt);
		EXPECT(bt.n == 1);
		EXPECT(bt.n == 1 && bt.frames[0].ip == ip0);
		EXPECT(bt.n == 1 && strstr(bt.frames[0].module, "libc"));
#ifdef MEMTRACE_HAVE_UNWIND
		EXPECT(strstr(bt.end, "i386 process") &&
		       strstr(bt.end, "full unwinding needs a native i386 "
			      "build"));
#endif
		stack_free(&bt);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	UNIT_CASE("stack/gone") {
		struct backtrace bt;
		/* The child is reaped: no crash, no hang, a reason. */
		stack_capture(child, "x86_64", 32, &bt);
		EXPECT(bt.end[0]);
		stack_free(&bt);
		stack_capture(child, "i386", 32, &bt);
		EXPECT(bt.n == 0 && bt.end[0]);
		stack_free(&bt);
	}
	UNIT_DONE();
}
