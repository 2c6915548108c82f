/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mremap argument validation, as the kernel does it, before the call
 * reaches the kernel: unknown flags, an unaligned old address, a zero
 * new size, MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE,
 * MREMAP_DONTUNMAP with different sizes, an unaligned new address with
 * MREMAP_FIXED or MREMAP_DONTUNMAP. EINVAL. Lengths are page-aligned
 * before they are compared.
 */
#include <errno.h>

#include "checks/checks.h"

#define MAYMOVE 1u
#define FIXED 2u
#define DONTUNMAP 4u
#define PAGE 4096u	/* the smallest page of every host memtrace runs on */

static uint64_t align_4k(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

static bool mremap_enabled(const struct policy *p)
{
	return true;
}

/* Everything the run below rejects, as seccomp can test it. */
static void mremap_filter(enum msys s, const struct policy *p,
			  struct filter_need *n)
{
	if (s != MSYS_MREMAP)
		return;
	filter_need_bits(n, 0, PAGE - 1);	/* unaligned old address */
	/* Any flag but MREMAP_MAYMOVE: (flags & ~1) != 0, i.e. flags >= 2. */
	filter_need_cmp(n, 3, COND_GE, FIXED);
	filter_need_cmp(n, 2, COND_EQ, 0);	/* zero new size */
}

static const char *mremap_problem(const struct mcall *c)
{
	uint64_t fl = c->flags;

	if (fl & ~(uint64_t)(MAYMOVE | FIXED | DONTUNMAP))
		return "unknown flags";
	if (c->addr & (PAGE - 1))
		return "old address is not page-aligned";
	if (align_4k(c->new_len) == 0)
		return "new size is zero";
	if ((fl & (FIXED | DONTUNMAP)) && !(fl & MAYMOVE))
		return "MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE";
	if ((fl & DONTUNMAP) &&
	    align_4k(c->old_len) != align_4k(c->new_len))
		return "MREMAP_DONTUNMAP with different sizes";
	if ((fl & (FIXED | DONTUNMAP)) && (c->new_addr & (PAGE - 1)))
		return "new address is not page-aligned";
	return NULL;
}

static void mremap_run(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	const char *why;

	if (c->sys != MSYS_MREMAP || !(why = mremap_problem(c)))
		return;
	verdict_set(v, p, CAT_MREMAP, "mremap", EINVAL, "default/mremap:allow",
		    "invalid mremap: %s", why);
}

const struct check check_mremap = {
	.name = "mremap",
	.enabled = mremap_enabled,
	.filter = mremap_filter,
	.run = mremap_run,
};
