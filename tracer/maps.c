/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading /proc/PID/maps: one parser for every place that needs it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracer/tracer.h"

bool maps_parse(char *line, struct map_entry *e)
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

int maps_walk(pid_t tid, bool (*fn)(const struct map_entry *e, void *arg),
	      void *arg)
{
	char path[64], line[4352];
	struct map_entry e;
	FILE *m;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	m = fopen(path, "re");
	if (!m)
		return -1;
	while (fgets(line, sizeof(line), m))
		if (maps_parse(line, &e) && fn(&e, arg))
			break;
	fclose(m);
	return 0;
}
