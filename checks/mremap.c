/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mremap argument validation, as the kernel does it, before the call
 * reaches the kernel: unknown flags, an unaligned old address, a zero
 * new size, MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE,
 * MREMAP_DONTUNMAP with different sizes, an unaligned new address with
 * MREMAP_FIXED or MREMAP_DONTUNMAP. EINVAL. Addresses are checked and
 * lengths rounded with the host's page size (4, 16 or 64 KiB), as the
 * kernel rounds them: a length within a page of 2^64 wraps to 0.
 *
 * As in Syd, this comes before the file checks and the memory limits:
 * an invalid call gets EINVAL whatever the limits.
 */
#include <errno.h>

#include "checks/checks.h"

#define MAYMOVE 1u
#define FIXED 2u
#define DONTUNMAP 4u

/* The kernel's PAGE_ALIGN: round up, wrapping past 2^64 to 0. */
static uint64_t kernel_align(uint64_t v, uint64_t page)
{
	return (v + page - 1) & ~(page - 1);
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
	filter_need_bits(n, 0, page_size() - 1);   /* unaligned old address */
	/* Any flag but MREMAP_MAYMOVE: (flags & ~1) != 0, i.e. flags >= 2. */
	filter_need_cmp(n, 3, COND_GE, FIXED);
	filter_need_cmp(n, 2, COND_EQ, 0);	/* zero new size */
}

const char *mremap_invalid(const struct mcall *c, uint64_t page)
{
	uint64_t fl = c->flags;

	if (fl & ~(uint64_t)(MAYMOVE | FIXED | DONTUNMAP))
		return "unknown flags";
	if (c->addr & (page - 1))
		return "old address is not page-aligned";
	if (kernel_align(c->new_len, page) == 0)
		return "new size is zero";
	if ((fl & (FIXED | DONTUNMAP)) && !(fl & MAYMOVE))
		return "MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE";
	if ((fl & DONTUNMAP) && kernel_align(c->old_len, page) !=
	    kernel_align(c->new_len, page))
		return "MREMAP_DONTUNMAP with different sizes";
	if ((fl & (FIXED | DONTUNMAP)) && (c->new_addr & (page - 1)))
		return "new address is not page-aligned";
	return NULL;
}

static void mremap_run(const struct mcall *c, const struct facts *f,
		       const struct policy *p, struct verdict *v)
{
	const char *why;

	if (c->sys != MSYS_MREMAP || !(why = mremap_invalid(c, page_size())))
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
