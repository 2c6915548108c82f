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

/* "memtrace: " and the message, on a line of stderr. */
static void complain(const char *fmt, va_list ap)
{
	fprintf(stderr, "memtrace: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain(fmt, ap);
	va_end(ap);
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain(fmt, ap);
	va_end(ap);
}
