/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tracer's state and its two ways to complain: every tracer/ file
 * uses them, so they live apart from the command line (main.c) and
 * the files that use them do not depend on main.c, nor main.c on them
 * through it (testsuite/cases/layers.sh checks the file graph).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracer/tracer.h"

struct tracer T;

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memtrace: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memtrace: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
