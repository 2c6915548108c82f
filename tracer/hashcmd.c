/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * memtrace --hash[=ALG] FILE...: print, for each file, the force rule
 * that pins it: force+CANONICAL-PATH:ALG:HEX. The algorithm is always
 * written out, so the rule reads back the same whatever the length of
 * the digest; without ALG it is sha256.
 *
 * Exit status: 0 if every file was hashed; 1 if a file could not be
 * read (the others are still printed); 2 for an unknown or unavailable
 * algorithm, or no file at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/filecheck.h"
#include "checks/force.h"
#include "tracer/tracer.h"

#define HASH_DEFAULT "sha256"

static void list_algs(FILE *f)
{
	for (int i = 0; i < HASH__N; i++)
		fprintf(f, "%s%s", i ? ", " : "", hash_alg_name(i));
	fputc('\n', f);
}

/* One file: 0, or 1 with a message on stderr. */
static int hash_one(int alg, const char *name)
{
	char *path = realpath(name, NULL);
	char hex[HASH_MAX_HEX + 1];
	struct stat st;
	int fd, rc = 1;

	if (!path) {
		fprintf(stderr, "memtrace: --hash: %s: %s\n", name,
			strerror(errno));
		return 1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "memtrace: --hash: %s: %s\n", name,
			strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "memtrace: --hash: %s: not a regular file\n",
			name);
	} else if (!rule_safe(path)) {
		fprintf(stderr, "memtrace: --hash: %s: the path holds a "
			"control character, which no rule can\n", name);
	} else if (hash_fd(fd, &st, alg, hex) < 0) {
		fprintf(stderr, "memtrace: --hash: %s: %s\n", name,
			strerror(errno));
	} else {
		printf("force+%s:%s:%s\n", path, hash_alg_name(alg), hex);
		rc = 0;
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int hash_command(const char *algname, int argc, char **argv)
{
	int alg, rc = 0;

	if (!algname || !*algname)
		algname = HASH_DEFAULT;
	alg = hash_alg_from_name(algname);
	if (alg < 0) {
		fprintf(stderr, "memtrace: --hash: unknown algorithm \"%s\"; "
			"known: ", algname);
		list_algs(stderr);
		return 2;
	}
	if (argc < 1) {
		fprintf(stderr, "memtrace: --hash: no file given\n");
		return 2;
	}
	for (int i = 0; i < argc; i++)
		rc |= hash_one(alg, argv[i]);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "memtrace: --hash: writing: %s\n",
			strerror(errno));
		return 1;
	}
	return rc;
}
