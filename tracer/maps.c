/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading /proc/PID/maps: one parser for every place that needs it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The maps text of one stop. A walk that reads the file to its end
 * keeps the text, and the other walks of the same stop (the same
 * thread, T.stop_gen unchanged) read it instead of the file: at exec,
 * W^X's walk and the interpreter's mapping; for mprotect, the pieces
 * and each piece's range; at an exit stop, each piece's check. A walk
 * its callback ends early keeps nothing (it read less than the file).
 */
static struct {
	pid_t tid;
	unsigned long gen;
	bool whole;
	char *text;
	size_t len, cap;
} snap;

/* Parse one line (n bytes at s) on a copy, and hand it to fn. */
static bool visit(const char *s, size_t n,
		  bool (*fn)(const struct map_entry *e, void *arg), void *arg)
{
	char line[4352];
	struct map_entry e;

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	return maps_parse(line, &e) && fn(&e, arg);
}

/* The lines of snap.text from *done on that are complete (or all of
 * them, at the end); true if fn ended the walk. */
static bool visit_lines(size_t *done, bool at_end,
			bool (*fn)(const struct map_entry *e, void *arg),
			void *arg)
{
	while (*done < snap.len) {
		char *s = snap.text + *done;
		char *nl = memchr(s, '\n', snap.len - *done);
		if (!nl && !at_end)
			break;
		size_t n = nl ? (size_t)(nl - s) + 1 : snap.len - *done;
		*done += n;
		if (visit(s, n, fn, arg))
			return true;
	}
	return false;
}

static int read_more(int fd)
{
	const size_t chunk = 8192;

	if (snap.cap - snap.len < chunk) {
		char *grown = realloc(snap.text, snap.cap + 4 * chunk);
		if (!grown)
			return errno = ENOMEM, -1;
		snap.text = grown;
		snap.cap += 4 * chunk;
	}
	ssize_t r;
	do
		r = read(fd, snap.text + snap.len, chunk);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		snap.len += (size_t)r;
	return (int)(r > 0 ? 1 : r);
}

int maps_walk(pid_t tid, bool (*fn)(const struct map_entry *e, void *arg),
	      void *arg)
{
	char path[64];
	size_t done = 0;
	int fd, r;

	if (snap.whole && snap.tid == tid && snap.gen == T.stop_gen) {
		visit_lines(&done, true, fn, arg);
		return 0;
	}
	snap.whole = false;
	snap.len = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((r = read_more(fd)) > 0)
		if (visit_lines(&done, false, fn, arg)) {
			close(fd);
			return 0;
		}
	close(fd);
	if (r < 0)
		return -1;	/* a walk that could not finish */
	if (visit_lines(&done, true, fn, arg))
		return 0;
	snap.tid = tid;
	snap.gen = T.stop_gen;
	snap.whole = true;
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
