/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The memory sandbox for the i386 personality: grow by old_mmap (nr 90,
 * its arguments in a six-word block) in 1 MiB chunks, then by brk in
 * 64 KiB steps, each up to 64 MiB.
 *
 *   memgrow32 deny    a limit below 64 MiB is in force: each growth
 *                     must be refused (old_mmap -ENOMEM, brk returning
 *                     the old break) and what was there stays usable
 *   memgrow32 allow   no limit in reach: 64 MiB of each must succeed
 *
 * Prints one line per growth on stdout; exits 1 on a wrong result.
 */
#include "sys32.h"

#define NR_munmap 91
#define ENOMEM 12
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define MIB 0x100000UL
#define TOTAL (64 * MIB)
#define STEP 0x10000UL

static void say(const char *what, const char *how, unsigned long got)
{
	struct line l = { .n = 0 };

	l_str(&l, "memgrow32 ");
	l_str(&l, what);
	l_str(&l, how);
	l_dec(&l, (long)got);
	l_str(&l, " bytes\n");
	out(1, l.b);
}

static void fail_(const char *what)
{
	out(2, "FAIL: ");
	out(2, what);
	out(2, "\n");
	failed = 1;
}

static void grow_old_mmap(void)
{
	static unsigned long chunk[TOTAL / MIB];
	unsigned long got = 0, n = 0;
	long r = 0;

	while (got < TOTAL) {
		r = old_mmap(0, MIB, PROT_READ | PROT_WRITE, ANON, -1, 0);
		if (r < 0 && r > -4096)
			break;
		chunk[n++] = (unsigned long)r;
		((volatile char *)r)[MIB - 1] = 0x5a;
		got += MIB;
	}
	if (got < TOTAL && r != -ENOMEM) {
		fail_("old_mmap: failed, but not with ENOMEM");
		return;
	}
	if (deny_mode != (got < TOTAL)) {
		fail_(deny_mode ? "old_mmap: the limit never refused"
				: "old_mmap: refused without a limit");
		return;
	}
	say("old_mmap", deny_mode ? ": ENOMEM after " : ": ", got);
	for (unsigned long i = 0; i < n; i++) {
		if (((volatile char *)chunk[i])[MIB - 1] != 0x5a)
			fail_("old_mmap: a chunk lost its contents");
		sys3(NR_munmap, (long)chunk[i], MIB, 0);
	}
	r = old_mmap(0, MIB, PROT_READ | PROT_WRITE, ANON, -1, 0);
	if (r < 0 && r > -4096)
		fail_("old_mmap: cannot map again after unmapping");
	else
		sys3(NR_munmap, r, MIB, 0);
}

static void grow_brk(void)
{
	unsigned long start = (unsigned long)sys1(NR_brk, 0), cur = start;
	unsigned long got = 0;
	int refused = 0;

	while (got < TOTAL) {
		unsigned long r = (unsigned long)sys1(NR_brk, (long)(cur + STEP));
		if (r == cur) {
			refused = 1;	/* how brk fails: the break stays */
			break;
		}
		if (r != cur + STEP) {
			fail_("brk: returned neither the old nor the new break");
			return;
		}
		((volatile char *)cur)[STEP - 1] = 0x5a;
		cur = r;
		got += STEP;
	}
	if (deny_mode != refused) {
		fail_(deny_mode ? "brk: the limit never refused"
				: "brk: refused without a limit");
		return;
	}
	say("brk", refused ? ": refused after " : ": ", got);
	if ((unsigned long)sys1(NR_brk, 0) != cur) {
		fail_("brk: the break moved on a refusal");
		return;
	}
	if (got && ((volatile char *)cur)[-1] != 0x5a)
		fail_("brk: the heap lost its contents");
	if ((unsigned long)sys1(NR_brk, (long)start) != start)
		fail_("brk: cannot shrink the break back");
	else if ((unsigned long)sys1(NR_brk, (long)(start + STEP)) !=
		 start + STEP)
		fail_("brk: cannot grow again after shrinking");
}

int tracee_main(void)
{
	grow_old_mmap();
	grow_brk();
	return failed;
}
