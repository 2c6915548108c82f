/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tracer/maps.c's parser of /proc/PID/maps lines, against the sscanf
 * format it replaced (kept here as the reference), on lines the kernel
 * writes and on lines it never would; and on this process's own maps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracer.h"
#include "testsuite/unit/unit.h"

static bool ref_parse(char *line, struct map_entry *e)
{
	int pos = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %"
		   SCNu64 " %n", &e->lo, &e->hi, e->perms, &e->off, &e->maj,
		   &e->min, &e->ino, &pos) < 7)
		return false;
	line[strcspn(line, "\n")] = '\0';
	e->path = pos > 0 && (size_t)pos <= strlen(line) ? line + pos : "";
	return true;
}

/* Both parsers agree on line (want: whether it parses). */
static void agree(const char *name, const char *line, bool want)
{
	char a[4400], b[4400];
	struct map_entry x, y;

	snprintf(a, sizeof(a), "%s", line);
	snprintf(b, sizeof(b), "%s", line);
	bool got = maps_parse(a, &x), ref = ref_parse(b, &y);
	UNIT_CASE(name) {
		EXPECT(got == want);
		EXPECT(ref == want);
		if (got && ref) {
			EXPECT(x.lo == y.lo && x.hi == y.hi && x.off == y.off);
			EXPECT(!strcmp(x.perms, y.perms));
			EXPECT(x.maj == y.maj && x.min == y.min &&
			       x.ino == y.ino);
			EXPECT(!strcmp(x.path, y.path));
			if (unit_case_failed)
				printf("# path \"%s\" against \"%s\"\n", x.path,
				       y.path);
		}
	}
}

int main(void)
{
	static char longpath[4300];

	agree("maps/file", "5566e0a3e000-5566e0a40000 r--p 00000000 fe:01 "
	      "1311005                    /usr/bin/true\n", true);
	agree("maps/anon", "7f0c2a1f2000-7f0c2a1f5000 rw-p 00000000 00:00 0 "
	      "\n", true);
	agree("maps/anon-no-space", "7f0c2a1f2000-7f0c2a1f5000 rw-p 00000000 "
	      "00:00 0\n", true);
	agree("maps/heap", "5566e1d7b000-5566e1d9c000 rw-p 00000000 00:00 0 "
	      "                         [heap]\n", true);
	agree("maps/spaces-in-path", "7f0c2a000000-7f0c2a001000 r-xs 00001000 "
	      "00:1c 42    /tmp/a b  c (deleted)\n", true);
	agree("maps/no-newline", "1000-2000 ---p 00000000 00:00 0", true);
	agree("maps/big-device", "1000-2000 r--p 00000000 103:0a 9 /x\n", true);
	agree("maps/uppercase-hex", "ABC000-ABD000 r--p 0000A000 0A:0B 9 /x\n",
	      true);
	agree("maps/top-of-space", "ffffffffff600000-ffffffffff601000 --xp "
	      "00000000 00:00 0                  [vsyscall]\n", true);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	char line[4400];
	snprintf(line, sizeof(line), "1000-2000 r--p 00000000 08:01 7 %.4095s\n",
		 longpath);
	agree("maps/path-4095", line, true);
	agree("maps/empty", "", false);
	agree("maps/text", "not a mapping\n", false);
	agree("maps/no-dash", "1000 2000 r--p 00000000 00:00 0\n", false);
	agree("maps/no-inode", "1000-2000 r--p 00000000 00:00\n", false);
	agree("maps/no-colon", "1000-2000 r--p 00000000 0000 0 /x\n", false);

	/* maps_parse alone: an address past 64 bits is no mapping. */
	UNIT_CASE("maps/overflow") {
		struct map_entry e;
		char o[] = "10000000000000000-2 r--p 0 0:0 0\n";
		EXPECT(!maps_parse(o, &e));
		/* the largest of each base still parses, one more fails */
		char top[] = "ffffffffffffffff-1 r--p 0 0:0 "
			     "18446744073709551615\n";
		EXPECT(maps_parse(top, &e) && e.lo == UINT64_MAX &&
		       e.ino == UINT64_MAX);
		char ino[] = "1-2 r--p 0 0:0 18446744073709551616\n";
		EXPECT(!maps_parse(ino, &e));
		char ino2[] = "1-2 r--p 0 0:0 18446744073709551620\n";
		EXPECT(!maps_parse(ino2, &e));
	}

	/* This process's own maps: every line parses, both ways alike. */
	FILE *f = fopen("/proc/self/maps", "r");
	char l[4400];
	int n = 0, bad = 0;
	while (f && fgets(l, sizeof(l), f)) {
		char a[4400], b[4400];
		struct map_entry x, y;
		memcpy(a, l, sizeof(a));
		memcpy(b, l, sizeof(b));
		n++;
		if (!maps_parse(a, &x) || !ref_parse(b, &y) || x.lo != y.lo ||
		    x.ino != y.ino || strcmp(x.path, y.path))
			bad++;
	}
	if (f)
		fclose(f);
	UNIT_CASE("maps/self") {
		EXPECT(n > 5 && bad == 0);
	}
	UNIT_DONE();
}
