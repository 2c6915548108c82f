/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * C++ symbol names of -k frames, demangled as c++filt does:
 * _ZN2v84base2OS14SetPermissionsEPvmNS1_16MemoryPermissionE becomes
 * v8::base::OS::SetPermissions(void*, unsigned long, ...). libiberty's
 * demangler (a static archive: no library to load at start-up, unlike
 * libstdc++'s __cxa_demangle); a build without it (NO_DEMANGLE=1, the
 * default of cross builds) keeps the names as the symbol table has them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MEMTRACE_HAVE_DEMANGLE
#include <libiberty/demangle.h>
#endif

#include "tracer/tracer.h"

const char *demangle_support(void)
{
#ifdef MEMTRACE_HAVE_DEMANGLE
	return "yes (libiberty)";
#else
	return "no (built without libiberty)";
#endif
}

void symbol_demangle(char *name, size_t len)
{
#ifdef MEMTRACE_HAVE_DEMANGLE
	/* Only what is mangled: a C name is left alone. */
	if (strncmp(name, "_Z", 2) != 0)
		return;
	char *plain = cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
	if (!plain)
		return;		/* not a name the demangler knows: as it is */
	snprintf(name, len, "%s", plain);
	free(plain);
#else
	(void)name;
	(void)len;
#endif
}
