/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the policy parser and the glob matcher.
 * fuzz-deps: checks/policy.c checks/glob.c checks/hashalg.c checks/ruleindex.c checks/sydkeys.c
 *
 * The input is a profile, one line at a time:
 *   ?PATH            look PATH up in the exec, append and force rules
 *                    (the rule index must find what a scan finds)
 *   !PATTERN PATH    glob_check and glob_match, directly
 *   anything else    a rule for policy_apply
 * Afterwards the policy is dumped and read back into a fresh one,
 * which must compare equal (abort otherwise), and the whole input is
 * loaded once more as a profile file through policy_load_profile, by
 * way of an include (its own include lines are disarmed: they could
 * name a FIFO or a terminal, and block).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/glob.h"
#include "checks/policy.h"

/* The last rule of l that glob_match says matches path, or NULL. */
static const char *scan(const struct glob_list *l, const char *path)
{
	for (size_t i = l->n; i-- > 0;)
		if (glob_match(l->v[i].pattern, path))
			return l->v[i].pattern;
	return NULL;
}

static void query(const struct policy *p, const char *path)
{
	const char *rule;

	policy_exec_match(p, path, &rule);
	if (rule != scan(&p->exec, path))
		abort();
	policy_append_match(p, path, &rule);
	if (rule != scan(&p->append, path))
		abort();
	policy_append_match(p, path, &rule);
	policy_force_find(p, path);
}

static void glob_pair(char *line)
{
	char *path = strchr(line, ' '), err[128];
	int bad;

	if (path)
		*path++ = '\0';
	else
		path = line;
	bad = glob_check(line, err, sizeof(err)) < 0;
	/* A malformed pattern must match nothing. */
	if (glob_match(line, path) && bad)
		abort();
}

/* Dump p, read the dump back, insist on the same policy. */
static void round_trip(const struct policy *p)
{
	struct policy back;
	char *text = NULL, *line, *save = NULL, err[1024];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	policy_dump(p, f);
	fclose(f);
	policy_init(&back);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (policy_apply(&back, line, "dump", err, sizeof(err)) < 0) {
			fprintf(stderr, "dump does not parse: %s\n", err);
			abort();
		}
	}
	if (!policy_equal(p, &back)) {
		fprintf(stderr, "dump does not read back:\n%s", text);
		abort();
	}
	policy_free(&back);
	free(text);
}

/* A memfd holding data; -1 on failure. */
static int memfd_with(const void *data, size_t size)
{
	int fd = memfd_create("fuzz-policy", MFD_CLOEXEC);

	if (fd >= 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The same bytes as a profile file, included by another. */
static void load_file(const uint8_t *data, size_t size)
{
	struct policy p;
	char path[64], top[64], err[1024], notice[1024];
	char *copy = malloc(size + 1);
	int fd, topfd;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *s = copy; (s = memmem(s, size - (size_t)(s - copy),
					 "include", 7)); s += 7)
		s[4] = 'X';
	fd = memfd_with(copy, size);
	free(copy);
	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "include /proc/self/fd/%d\n", fd);
	if ((topfd = memfd_with(path, strlen(path))) >= 0) {
		snprintf(top, sizeof(top), "/proc/self/fd/%d", topfd);
		policy_init(&p);
		policy_load_profile(&p, top, notice, sizeof(notice), err,
				    sizeof(err));
		policy_free(&p);
		close(topfd);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	char *text = malloc(size + 1), *line, *save = NULL, err[1024];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	policy_init(&p);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '?')
			query(&p, line + 1);
		else if (line[0] == '!')
			glob_pair(line + 1);
		else
			policy_apply(&p, line, "fuzz", err, sizeof(err));
	}
	round_trip(&p);
	policy_free(&p);
	free(text);
	load_file(data, size);
	return 0;
}
