/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strace's habits: which calls -v records (-e trace=SET), the
 * timestamp at the start of a text line (-t, -tt, -ttt), how long a
 * path in a text record may be (-s N), and one record file per
 * process (-ff -o FILE writes FILE.PID).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tracer/tracer.h"

/* --- -e trace=SET --- */

/* The calls -e names: the memory calls and the exec. */
static bool traceable(enum msys s)
{
	return msys_is_memory(s) || s == MSYS_EXEC;
}

static uint32_t all_traceable(void)
{
	uint32_t m = 0;

	for (int s = 0; s < MSYS__N; s++)
		if (traceable((enum msys)s))
			m |= UINT32_C(1) << s;
	return m;
}

/* One name of the list: a call, or one of strace's sets. */
static int trace_name(const char *name, uint32_t *mask)
{
	if (!strcmp(name, "all")) {
		*mask |= all_traceable();
		return 0;
	}
	if (!strcmp(name, "none"))
		return 0;
	if (!strcmp(name, "%memory")) {
		*mask |= all_traceable() & ~(UINT32_C(1) << MSYS_EXEC);
		return 0;
	}
	for (int s = 0; s < MSYS__N; s++) {
		if (traceable((enum msys)s) &&
		    !strcmp(name, msys_name((enum msys)s))) {
			*mask |= UINT32_C(1) << s;
			return 0;
		}
	}
	return -1;
}

static void trace_names(char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int s = 0; s < MSYS__N && o < len; s++)
		if (traceable((enum msys)s))
			o += (size_t)snprintf(buf + o, len - o, "%s, ",
					      msys_name((enum msys)s));
	if (o < len)
		snprintf(buf + o, len - o, "%%memory, all or none");
}

int trace_set_parse(const char *arg, char *err, size_t errlen)
{
	const char *set = arg, *eq = strchr(arg, '=');
	uint32_t mask = 0;
	bool negate = false;
	char *copy, *save = NULL, names[256];

	if (eq) {
		if (strncmp(arg, "trace=", 6)) {
			snprintf(err, errlen, "memtrace: -e: unknown "
				 "qualifier \"%.*s\" (memtrace knows only "
				 "trace=)", (int)(eq - arg), arg);
			return -1;
		}
		set = eq + 1;
	}
	if (*set == '!') {
		negate = true;
		set++;
	}
	if (!(copy = strdup(set))) {
		snprintf(err, errlen, "memtrace: -e: out of memory");
		return -1;
	}
	for (char *n = strtok_r(copy, ",", &save); n;
	     n = strtok_r(NULL, ",", &save)) {
		if (trace_name(n, &mask) < 0) {
			trace_names(names, sizeof(names));
			snprintf(err, errlen, "memtrace: -e trace: unknown "
				 "call \"%.64s\" (expected %s)", n, names);
			free(copy);
			return -1;
		}
	}
	free(copy);
	T.opt.trace_mask = negate ? all_traceable() & ~mask : mask;
	T.opt.trace_set = true;
	return 0;
}

bool trace_selected(enum msys s)
{
	if (!T.opt.trace_set)
		return true;
	return s < MSYS__N && (T.opt.trace_mask & (UINT32_C(1) << s));
}

/* --- -t, -tt, -ttt --- */

void stamp_print(FILE *f)
{
	struct timeval tv;
	struct tm tm;
	char hms[16];

	if (!T.opt.timestamps)
		return;
	gettimeofday(&tv, NULL);
	if (T.opt.timestamps >= 3) {
		fprintf(f, "%lld.%06ld ", (long long)tv.tv_sec,
			(long)tv.tv_usec);
		return;
	}
	localtime_r(&tv.tv_sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	if (T.opt.timestamps == 2)
		fprintf(f, "%s.%06ld ", hms, (long)tv.tv_usec);
	else
		fprintf(f, "%s ", hms);
}

/* --- -s N --- */

const char *cut_string(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (T.opt.str_max <= 0 || n <= (size_t)T.opt.str_max)
		return s;
	snprintf(buf, len, "%.*s...", T.opt.str_max, s);
	return buf;
}

/* --- -ff -o FILE --- */

struct ff_file {
	pid_t pid;
	FILE *f;		/* NULL once closed (the process ended) */
	bool failed;		/* could not be opened: records to stderr */
};

static struct ff_file *files;
static size_t nfiles, capfiles;

bool ff_on(void)
{
	return T.opt.follow >= 2 && T.opt.outfile;
}

/* Before the command starts: the directory of FILE.PID must take new
 * files, or no record could be written. 0, or -1 with errno. */
int ff_check(void)
{
	char *copy = strdup(T.opt.outfile);
	int r;

	if (!copy)
		return -1;
	r = access(dirname(copy), W_OK | X_OK);
	free(copy);
	return r;
}

static struct ff_file *ff_find(pid_t pid)
{
	for (size_t i = 0; i < nfiles; i++)
		if (files[i].pid == pid)
			return &files[i];
	return NULL;
}

static struct ff_file *ff_add(pid_t pid)
{
	if (nfiles == capfiles) {
		size_t ncap = capfiles ? 2 * capfiles : 16;
		struct ff_file *v = reallocarray(files, ncap, sizeof(*v));

		if (!v)
			return NULL;
		files = v;
		capfiles = ncap;
	}
	files[nfiles] = (struct ff_file){ .pid = pid };
	return &files[nfiles++];
}

/* FILE.PID, created at the process's first record; a process that
 * wrote before (its file closed at an exit of one of its threads)
 * appends. stderr if it cannot be opened, said once. */
FILE *ff_file(pid_t pid)
{
	struct ff_file *e = ff_find(pid);
	bool again = e != NULL;
	char path[PATH_MAX];

	if (!e && !(e = ff_add(pid)))
		return stderr;
	if (e->f)
		return e->f;
	if (e->failed)
		return stderr;
	snprintf(path, sizeof(path), "%s.%d", T.opt.outfile, (int)pid);
	e->f = fopen(path, again ? "ae" : "we");
	if (!e->f) {
		warnx_("-ff -o: %s: %s; its records go to standard error",
		       path, strerror(errno));
		e->failed = true;
		return stderr;
	}
	return e->f;
}

void ff_close(pid_t pid)
{
	struct ff_file *e = ff_on() ? ff_find(pid) : NULL;

	if (e && e->f) {
		fclose(e->f);
		e->f = NULL;
	}
}
