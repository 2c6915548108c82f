/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the file checks; see filecheck.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "checks/filecheck.h"

static bool mprotect_exec(const struct mcall *c)
{
	return msys_is_mprotect(c->sys) && (c->prot & PROT_EXEC);
}

bool file_mmap(const struct mcall *c)
{
	return msys_is_mmap(c->sys) && !c->block_unreadable &&
	       !(c->flags & MAP_ANONYMOUS);
}

bool file_exec_call(const struct mcall *c)
{
	if (c->sys == MSYS_EXEC || mprotect_exec(c))
		return true;
	return file_mmap(c) && (c->prot & PROT_EXEC) && c->fd >= 0;
}

/* mprotect adding PROT_EXEC is checked on the file behind the range,
 * so map-then-mprotect is no way around the file checks. */
void file_filter(enum msys s, const struct policy *p, struct filter_need *n)
{
	if (msys_is_mmap(s) || msys_is_mprotect(s))
		filter_need_bits(n, 2, PROT_EXEC);
}

unsigned file_needs(const struct mcall *c, const struct policy *p,
		    const struct facts *f)
{
	return file_exec_call(c) ? FACT_FD | FACT_PATH : 0;
}

bool file_known(const struct facts *f)
{
	return (f->have & FACT_FD) && !(f->failed & FACT_FD) && f->fd_exists;
}

enum action fail_closed_action(enum action act)
{
	return action_denies(act) ? act : ACT_DENY;
}

bool file_unknown(const struct mcall *c, const struct facts *f,
		  const struct policy *p, enum category cat,
		  const char *check, const char *tip, struct verdict *v)
{
	if (file_known(f))
		return false;
	/* mprotect of anonymous memory: no file, nothing to check here. */
	if (mprotect_exec(c) && (f->have & FACT_FD) && !f->range_file &&
	    !(f->failed & FACT_FD))
		return true;
	if (mprotect_exec(c)) {
		verdict_set(v, p, cat, check, EACCES, tip, "cannot read the "
			    "file behind the range (fail closed)%s%s",
			    f->file_err[0] ? ": " : "", f->file_err);
		v->act = fail_closed_action(v->act);
		return true;
	}
	if ((f->have & FACT_FD) && !f->fd_exists && c->sys != MSYS_EXEC) {
		verdict_set(v, p, cat, check, EBADF, "", "fd %d is not open",
			    c->fd);
		v->act = ACT_FILTER;
		return true;
	}
	if (c->sys == MSYS_EXEC)
		verdict_set(v, p, cat, check, EACCES, tip,
			    "cannot read the file (fail closed)%s%s",
			    f->file_err[0] ? ": " : "", f->file_err);
	else
		verdict_set(v, p, cat, check, EACCES, tip,
			    "cannot read the file behind fd %d (fail "
			    "closed)%s%s", c->fd, f->file_err[0] ? ": " : "",
			    f->file_err);
	v->act = fail_closed_action(v->act);
	if (f->path[0])
		file_path(f, v);
	return true;
}

bool file_unnamed(const struct facts *f, const struct policy *p,
		  enum category cat, const char *check, const char *tip,
		  struct verdict *v)
{
	if (!f->path_unnamed)
		return false;
	verdict_set(v, p, cat, check, EACCES, tip, "%s (fail closed)",
		    f->file_err[0] ? f->file_err : "memtrace cannot name the "
		    "file");
	v->act = fail_closed_action(v->act);
	return true;
}

void file_path(const struct facts *f, struct verdict *v)
{
	snprintf(v->path, sizeof(v->path), "%s", f->path);
	v->has_path = true;
}

bool rule_safe(const char *path)
{
	for (const unsigned char *s = (const unsigned char *)path; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int glob_escape(const char *path, char *out, size_t len)
{
	size_t o = 0;

	if (!rule_safe(path))
		return -1;
	for (const char *s = path; *s; s++) {
		bool special = strchr("*?[\\", *s) != NULL;
		if (o + (special ? 2 : 1) >= len)
			return -1;
		if (special)
			out[o++] = '\\';
		out[o++] = *s;
	}
	if (o >= len)
		return -1;
	out[o] = '\0';
	return 0;
}
