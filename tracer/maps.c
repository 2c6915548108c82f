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
	char path[64], line[4352], buf[8192];
	struct map_entry e;
	FILE *m;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	m = fopen(path, "re");
	if (!m)
		return -1;
	/* A buffer of our own: stdio does not fstat the file to size
	 * one, and a walk takes fewer reads. */
	setvbuf(m, buf, _IOFBF, sizeof(buf));
	while (fgets(line, sizeof(line), m))
		if (maps_parse(line, &e) && fn(&e, arg))
			break;
	fclose(m);
	return 0;
}

struct find {
	bool (*match)(const struct map_entry *e, void *arg);
	void *arg;
	struct map_entry *out;
	char *path;
	size_t len;
	bool found;
};

static bool find_one(const struct map_entry *e, void *arg)
{
	struct find *w = arg;

	if (!w->match(e, w->arg))
		return false;
	*w->out = *e;
	w->out->path = "";
	if (w->path) {
		snprintf(w->path, w->len, "%s", e->path);
		w->out->path = w->path;
	}
	w->found = true;
	return true;
}

int maps_find(pid_t tid, bool (*match)(const struct map_entry *e, void *arg),
	      void *arg, struct map_entry *out, char *path, size_t len)
{
	struct find w = { match, arg, out, path, len, false };

	if (maps_walk(tid, find_one, &w) < 0)
		return -1;
	return w.found;
}
