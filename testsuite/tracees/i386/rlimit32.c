/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * RLIMIT_AS from the i386 personality: the old setrlimit (nr 75, a
 * struct of two 32-bit words, all ones for infinity) and prlimit64
 * (nr 340, two 64-bit words).
 *
 *   rlimit32 deny    mem/vm_max is in force: raising RLIMIT_AS to
 *                    infinity fails with EPERM, lowering it works
 *   rlimit32 allow   no limit: both raisings work
 *
 * Then ten prlimit64 calls that only ask (new NULL): they change
 * nothing, and the filter lets them run unstopped.
 *
 * Prints one line per call on stdout; exits 1 on a wrong result.
 */
#include "sys32.h"

#define NR_setrlimit 75
#define NR_prlimit64 340
#define RLIMIT_AS 9
#define EPERM 1

static void say(const char *what, long r)
{
	struct line l = { .n = 0 };

	l_str(&l, "rlimit32 ");
	l_str(&l, what);
	l_str(&l, ": ");
	l_dec(&l, r);
	l_str(&l, "\n");
	out(1, l.b);
}

static void want(const char *what, long r, long expected)
{
	say(what, r);
	if (r != expected) {
		out(2, "FAIL: ");
		out(2, what);
		out(2, ": unexpected result\n");
		failed = 1;
	}
}

int tracee_main(void)
{
	static unsigned long up32[2] = { 0xffffffffUL, 0xffffffffUL };
	static unsigned long long up64[2] = { ~0ULL, ~0ULL };
	static unsigned long low32[2] = { 0x1000000UL, 0x1000000UL };

	want("setrlimit infinity", sys3(NR_setrlimit, RLIMIT_AS,
					(long)up32, 0), deny_mode ? -EPERM : 0);
	want("prlimit64 infinity", sys4(NR_prlimit64, 0, RLIMIT_AS,
					(long)up64, 0), deny_mode ? -EPERM : 0);
	want("setrlimit lower", sys3(NR_setrlimit, RLIMIT_AS, (long)low32, 0),
	     0);
	static unsigned long long old64[2];
	long q = 0;
	for (int i = 0; i < 10 && q == 0; i++)
		q = sys4(NR_prlimit64, 0, RLIMIT_AS, 0, (long)old64);
	want("prlimit64 queries", q, 0);
	return failed;
}
