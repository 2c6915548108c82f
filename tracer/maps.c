/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading /proc/PID/maps: one parser for every place that needs it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/tracer.h"

/* The value of hex digit c, 16 if it is none. */
static unsigned hex_value(unsigned char c)
{
	unsigned dec = (unsigned)c - '0';
	unsigned lower = ((unsigned)c | 0x20) - 'a';	/* 'A' as 'a' */

	if (dec < 10)
		return dec;
	return lower < 6 ? lower + 10 : 16;
}

/* A number in base 16 or 10 at *s, moved past it; false if none (or
 * it overflows). Overflow is the multiply's and add's carry, not a
 * division per digit (the parse was the tracer's largest cost in user
 * space at exec). */
static bool number(const char **s, unsigned base, uint64_t *v)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint64_t r = 0;
	unsigned d;

	for (; (d = hex_value(*p)) < base; p++)
		if (__builtin_mul_overflow(r, (uint64_t)base, &r) ||
		    __builtin_add_overflow(r, (uint64_t)d, &r))
			return false;
	if (p == (const unsigned char *)*s)
		return false;
	*s = (const char *)p;
	*v = r;
	return true;
}

static bool sep(const char **s, char c)
{
	if (**s != c)
		return false;
	++*s;
	return true;
}

/*
 * "lo-hi perms off maj:min ino   path": the kernel's format, parsed by
 * hand, since sscanf was the tracer's largest cost in user space at a
 * stop that walks the maps.
 */
bool maps_parse(char *line, struct map_entry *e)
{
	const char *s = line;
	uint64_t maj, min;
	size_t n;

	memset(e, 0, sizeof(*e));
	if (!number(&s, 16, &e->lo) || !sep(&s, '-') ||
	    !number(&s, 16, &e->hi) || !sep(&s, ' '))
		return false;
	for (n = 0; n < 4 && *s && *s != ' ' && *s != '\n'; n++)
		e->perms[n] = *s++;
	if (n < 4 || !sep(&s, ' ') || !number(&s, 16, &e->off) ||
	    !sep(&s, ' ') || !number(&s, 16, &maj) || !sep(&s, ':') ||
	    !number(&s, 16, &min) || !sep(&s, ' ') ||
	    !number(&s, 10, &e->ino) || maj > UINT32_MAX || min > UINT32_MAX)
		return false;
	e->maj = (unsigned)maj;
	e->min = (unsigned)min;
	line[strcspn(line, "\n")] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	e->path = s;
	return true;
}

/*
 * The maps of one stop. A walk that reads the file to its end keeps
 * the text and the mappings parsed from it, and the other walks of
 * the same stop (the same thread, T.stop_gen unchanged) go over those
 * instead of the file: at exec, W^X's walk, the interpreter's mapping
 * and the VmSize bound; for mprotect, the pieces and each piece's
 * range; at an exit stop, each piece's check. Each line is parsed
 * once, in place (its newline cut), and a mapping keeps its path as an
 * offset, since the text may move as it grows. A walk its callback
 * ends early keeps nothing (it read less than the file).
 */
struct snap_entry {
	struct map_entry e;	/* e.path unset: see path_off */
	size_t path_off;	/* into snap.text */
};

static struct {
	pid_t tid;
	unsigned long gen;
	bool whole;
	char *text;		/* NUL after len */
	size_t len, cap;
	struct snap_entry *ents;
	size_t nents, ents_cap;
} snap;

/* The snapshot holds all of tid's maps as read at this stop. */
static bool snap_fresh(pid_t tid)
{
	return snap.whole && snap.tid == tid && snap.gen == T.stop_gen;
}

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

bool maps_text_walk(const char *text,
		    bool (*fn)(const struct map_entry *e, void *arg),
		    void *arg)
{
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
		if (visit(s, n, fn, arg))
			return true;
		s += n;
	}
	return false;
}

static bool keep_entry(const struct map_entry *e)
{
	if (snap.nents == snap.ents_cap) {
		size_t cap = snap.ents_cap ? 2 * snap.ents_cap : 64;
		struct snap_entry *grown = reallocarray(snap.ents, cap,
							sizeof(*grown));
		if (!grown)
			return false;
		snap.ents = grown;
		snap.ents_cap = cap;
	}
	struct snap_entry *k = &snap.ents[snap.nents++];
	k->e = *e;
	k->path_off = (size_t)(e->path - snap.text);
	return true;
}

/* fn on the parsed mapping k; true if it ends the walk. */
static bool visit_entry(const struct snap_entry *k,
			bool (*fn)(const struct map_entry *e, void *arg),
			void *arg)
{
	struct map_entry e = k->e;

	e.path = snap.text + k->path_off;
	return fn(&e, arg);
}

/* Parse the complete lines of snap.text[*done, len) (all of it, at
 * the end) in place, keep each mapping, and hand it to fn; 1 if fn
 * ended the walk, -1 if there was no memory to keep one. */
static int parse_lines(size_t *done, bool at_end,
		       bool (*fn)(const struct map_entry *e, void *arg),
		       void *arg)
{
	while (*done < snap.len) {
		char *s = snap.text + *done;
		char *nl = memchr(s, '\n', snap.len - *done);
		if (!nl && !at_end)
			break;
		*done += nl ? (size_t)(nl - s) + 1 : snap.len - *done;
		struct map_entry e;
		if (!maps_parse(s, &e))
			continue;
		if (!keep_entry(&e))
			return errno = ENOMEM, -1;
		if (visit_entry(&snap.ents[snap.nents - 1], fn, arg))
			return 1;
	}
	return 0;
}

static int read_more(int fd)
{
	const size_t chunk = 8192;

	if (snap.cap - snap.len < chunk + 1) {
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
	snap.text[snap.len] = '\0';
	return (int)(r > 0 ? 1 : r);
}

bool maps_stop_size(pid_t tid, uint64_t *sum)
{
	if (!snap_fresh(tid))
		return false;
	*sum = 0;
	for (size_t i = 0; i < snap.nents; i++)
		*sum += snap.ents[i].e.hi - snap.ents[i].e.lo;
	return true;
}

int maps_walk(pid_t tid, bool (*fn)(const struct map_entry *e, void *arg),
	      void *arg)
{
	char path[64];
	size_t done = 0;
	int fd, r, ended = 0;

	if (snap_fresh(tid)) {
		for (size_t i = 0; i < snap.nents; i++)
			if (visit_entry(&snap.ents[i], fn, arg))
				break;
		return 0;
	}
	snap.whole = false;
	snap.len = 0;
	snap.nents = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (!ended && (r = read_more(fd)) > 0)
		ended = parse_lines(&done, false, fn, arg);
	close(fd);
	if (ended)
		return ended < 0 ? -1 : 0;
	if (r < 0 || (ended = parse_lines(&done, true, fn, arg)) < 0)
		return -1;	/* a walk that could not finish */
	if (ended)
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
