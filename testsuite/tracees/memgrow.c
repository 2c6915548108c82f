/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Grow until the memory sandbox says no, one way per mode:
 *
 *   memgrow MODE deny|allow TOTAL [touch]
 *
 *   sbrk          sbrk() in 64 KiB steps
 *   mmap          anonymous mmap() chunks of 1 MiB
 *   mremap        one mapping grown by mremap(MREMAP_MAYMOVE), 1 MiB a step
 *   dontunmap     mremap(MREMAP_DONTUNMAP) of a 1 MiB mapping, again and
 *                 again: each call adds a mapping of the new size
 *   malloc-large  malloc() of 1 MiB blocks (served by mmap)
 *   malloc-small  malloc() of 1000-byte blocks (served by brk, then mmap)
 *   once          one mmap() of TOTAL bytes
 *
 * deny: the growth must fail with ENOMEM (sbrk -1, malloc NULL, mmap
 * MAP_FAILED) before TOTAL bytes, cleanly: what was allocated is intact,
 * and after giving memory back the same kind of call works again.
 * allow: TOTAL bytes must be reached without a failure.
 * touch: write every page as it comes, so the proportional set size
 * grows with the virtual size.
 *
 * The first line on stdout says what the tracee expects, the last what
 * happened; it exits 1 with a message on stderr when that differs.
 */
#include <stdint.h>

#include "tracee.h"

#define MIB (1024UL * 1024)
#define SBRK_STEP (64 * 1024UL)
#define SMALL 1000UL

static int expect_deny, touch;
static unsigned long total;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	tracee_failed = 1;
}

static void fill(void *p, unsigned long len, int v)
{
	if (touch)
		memset(p, v, len);
}

/* That the growth stopped (or did not) the way the mode expects. */
static int outcome(const char *mode, unsigned long got, int err)
{
	if (expect_deny && !err) {
		bad("%s: reached %lu bytes, the limit never refused", mode,
		    got);
		return 0;
	}
	if (expect_deny && err != ENOMEM) {
		bad("%s: failed with %s after %lu bytes, expected ENOMEM",
		    mode, strerror(err), got);
		return 0;
	}
	if (!expect_deny && err) {
		bad("%s: failed with %s after %lu bytes, expected %lu", mode,
		    strerror(err), got, total);
		return 0;
	}
	if (err)
		printf("memgrow %s: ENOMEM after %lu bytes\n", mode, got);
	else
		printf("memgrow %s: %lu bytes\n", mode, got);
	return 1;
}

static void grow_sbrk(void)
{
	char *start = sbrk(0), *p = NULL;
	unsigned long got = 0;
	int err = 0;

	while (got < total) {
		errno = 0;
		p = sbrk(SBRK_STEP);
		if (p == (void *)-1) {
			err = errno;
			break;
		}
		fill(p, SBRK_STEP, 0x5a);
		got += SBRK_STEP;
	}
	if (!outcome("sbrk", got, err))
		return;
	/* The break did not move, and the heap below it is intact. */
	if ((char *)sbrk(0) != start + got) {
		bad("sbrk: the break moved on failure: %p, expected %p",
		    sbrk(0), (void *)(start + got));
		return;
	}
	if (touch && got && start[got - 1] != 0x5a)
		bad("sbrk: the heap lost its contents");
	if (got)
		start[got - 1] = 1;
	/* Give it all back; growing works again. */
	if (sbrk(-(intptr_t)got) == (void *)-1 || sbrk(0) != start)
		bad("sbrk: cannot shrink the break back: %s",
		    strerror(errno));
	else if ((p = sbrk(SBRK_STEP)) == (void *)-1)
		bad("sbrk: cannot grow again after shrinking: %s",
		    strerror(errno));
	else
		memset(p, 1, SBRK_STEP);
}

static void **slots(unsigned long n)
{
	void **v = mmap(NULL, n * sizeof(void *), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (v == MAP_FAILED) {
		fprintf(stderr, "FAIL: cannot map the slot table\n");
		exit(1);
	}
	return v;
}

/* The N pieces of LEN bytes in V still hold what fill() wrote (WHAT
 * names a piece in the message); then each is given back with FREE_IT
 * (munmap if NULL). */
static void check_kept(const char *mode, const char *what, void **v,
		       unsigned long n, unsigned long len,
		       void (*free_it)(void *))
{
	for (unsigned long j = 0; j < n; j++) {
		if (touch && ((char *)v[j])[len - 1] != 0x5a)
			bad("%s: %s %lu lost its contents", mode, what, j);
		if (free_it)
			free_it(v[j]);
		else
			munmap(v[j], len);
	}
}

static void *anon(unsigned long len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void grow_mmap(void)
{
	unsigned long n = total / MIB + 1, i = 0, got = 0;
	void **v = slots(n);
	int err = 0;

	while (got < total) {
		void *p = anon(MIB);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		fill(p, MIB, 0x5a);
		v[i++] = p;
		got += MIB;
	}
	if (!outcome("mmap", got, err))
		return;
	check_kept("mmap", "chunk", v, i, MIB, NULL);
	void *p = anon(MIB);
	if (p == MAP_FAILED)
		bad("mmap: cannot map again after unmapping: %s",
		    strerror(errno));
	else
		memset(p, 1, MIB);
}

static void grow_mremap(void)
{
	unsigned long size = MIB, got = MIB;
	char *p = anon(size);
	int err = 0;

	if (p == MAP_FAILED) {
		bad("mremap: the first mapping failed: %s", strerror(errno));
		return;
	}
	fill(p, size, 0x5a);
	while (got < total) {
		char *q = mremap(p, size, size + MIB, MREMAP_MAYMOVE, NULL);
		if (q == MAP_FAILED) {
			err = errno;
			break;
		}
		p = q;
		fill(p + size, MIB, 0x5a);
		size += MIB;
		got += MIB;
	}
	if (!outcome("mremap", got, err))
		return;
	/* The mapping is still there, whole. */
	if (touch && (p[0] != 0x5a || p[size - 1] != 0x5a))
		bad("mremap: the mapping lost its contents");
	p[size - 1] = 1;
	char *q = mremap(p, size, MIB, 0, NULL);
	if (q == MAP_FAILED) {
		bad("mremap: cannot shrink: %s", strerror(errno));
		return;
	}
	q = mremap(q, MIB, 2 * MIB, MREMAP_MAYMOVE, NULL);
	if (q == MAP_FAILED)
		bad("mremap: cannot grow again after shrinking: %s",
		    strerror(errno));
	else
		memset(q, 1, 2 * MIB);
}

static void grow_dontunmap(void)
{
	unsigned long n = total / MIB + 1, i = 0, got = MIB;
	void **v = slots(n);
	char *p = anon(MIB);
	int err = 0;

	if (p == MAP_FAILED) {
		bad("dontunmap: the first mapping failed: %s",
		    strerror(errno));
		return;
	}
	while (got < total) {
		fill(p, MIB, 0x5a);
		/* The kernel checks new_address with DONTUNMAP: pass 0. */
		char *q = mremap(p, MIB, MIB,
				 MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
		if (q == MAP_FAILED) {
			err = errno;
			break;
		}
		v[i++] = q;
		got += MIB;
	}
	if (!outcome("dontunmap", got, err))
		return;
	check_kept("dontunmap", "mapping", v, i, MIB, NULL);
	char *q = mremap(p, MIB, MIB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
			 NULL);
	if (q == MAP_FAILED)
		bad("dontunmap: cannot move again after unmapping: %s",
		    strerror(errno));
}

static void grow_malloc(const char *mode, unsigned long block)
{
	unsigned long n = total / block + 1, i = 0, got = 0;
	void **v = slots(n);
	int err = 0;

	while (got < total) {
		errno = 0;
		char *p = malloc(block);
		if (!p) {
			err = errno;
			break;
		}
		fill(p, block, 0x5a);
		v[i++] = p;
		got += block;
	}
	if (!outcome(mode, got, err))
		return;
	check_kept(mode, "block", v, i, block, free);
	char *p = malloc(block);
	if (!p)
		bad("%s: malloc fails after freeing everything", mode);
	else
		memset(p, 1, block);
	free(p);
}

static void once(void)
{
	long r = raw_mmap(NULL, total, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (expect_deny && r != -ENOMEM)
		bad("once: mmap of %lu returned %ld, expected -ENOMEM", total,
		    r);
	else if (!expect_deny && r < 0 && r > -4096)
		bad("once: mmap of %lu failed: %s", total,
		    strerror((int)-r));
	else
		printf("memgrow once: %s\n", r < 0 ? strerror((int)-r) : "ok");
}

static unsigned long size_arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	switch (*end) {
	case 'K': return v << 10;
	case 'M': return v << 20;
	case 'G': return v << 30;
	default: return v;
	}
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[2], "deny") && strcmp(argv[2], "allow"))) {
		fprintf(stderr, "usage: %s MODE deny|allow TOTAL [touch]\n",
			argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	expect_deny = !strcmp(argv[2], "deny");
	total = size_arg(argv[3]);
	touch = argc > 4 && !strcmp(argv[4], "touch");
	/* stdout's buffer exists before the limit is near. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("memgrow %s: pid %d, expect %s within %lu bytes%s\n", mode,
	       (int)getpid(), expect_deny ? "ENOMEM" : "no failure", total,
	       touch ? ", touched" : "");

	if (!strcmp(mode, "sbrk"))
		grow_sbrk();
	else if (!strcmp(mode, "mmap"))
		grow_mmap();
	else if (!strcmp(mode, "mremap"))
		grow_mremap();
	else if (!strcmp(mode, "dontunmap"))
		grow_dontunmap();
	else if (!strcmp(mode, "malloc-large"))
		grow_malloc(mode, MIB);
	else if (!strcmp(mode, "malloc-small"))
		grow_malloc(mode, SMALL);
	else if (!strcmp(mode, "once"))
		once();
	else {
		fprintf(stderr, "memgrow: unknown mode %s\n", mode);
		return 2;
	}
	return tracee_exit();
}
