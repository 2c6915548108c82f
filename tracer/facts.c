/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Facts for the checks, read from /proc only when a check asks. Each
 * fact that cannot be read is marked failed, and the checks fail
 * closed on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/tracer.h"

static uint64_t page_round_up(uint64_t v)
{
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);

	return (v + ps - 1) & ~(ps - 1);
}

/* Walk /proc/TID/maps over [addr, addr+len). */
static int range_prot(pid_t tid, uint64_t addr, uint64_t len,
		      struct facts *f)
{
	char path[64], line[512];
	uint64_t end = addr + page_round_up(len), covered = addr;
	FILE *m;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	m = fopen(path, "re");
	if (!m)
		return -1;
	f->range_writable = false;
	f->range_exec = false;
	while (fgets(line, sizeof(line), m)) {
		uint64_t lo, hi;
		char perms[8];
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi,
			   perms) != 3)
			continue;
		if (hi <= addr || lo >= end)
			continue;
		if (perms[1] == 'w')
			f->range_writable = true;
		if (perms[2] == 'x')
			f->range_exec = true;
		if (lo <= covered && hi > covered)
			covered = hi;
	}
	fclose(m);
	f->range_mapped = covered >= end;
	return 0;
}

void facts_gather(pid_t tid, const struct mcall *c, const struct policy *p,
		  unsigned needs, struct facts *f)
{
	(void)p;
	if (needs & FACT_RANGE_PROT) {
		if (range_prot(tid, c->addr, c->len, f) == 0)
			f->have |= FACT_RANGE_PROT;
		else
			f->failed |= FACT_RANGE_PROT;
	}
	/* Facts no check of this build asks for are reported as failed,
	 * so a check that wanted them fails closed. */
	f->failed |= needs & ~(f->have | FACT_RANGE_PROT);
}
