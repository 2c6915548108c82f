/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sandbox/tpe, trusted path execution: the parent directory of a file
 * mapped executable must not be group- or world-writable; with
 * tpe/root_owned it must be owned by root, with tpe/user_owned by root
 * or the process's (effective) user. tpe/gid limits the check to
 * members of that group; with tpe/negate, to everyone else (without
 * tpe/gid, tpe/negate changes nothing). A file without a parent
 * directory to judge (deleted, memfd) fails closed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/filecheck.h"

enum tpe_fail {
	TPE_OK,
	TPE_NO_DIR,		/* no real path or no stat of the directory */
	TPE_WORLD_W,
	TPE_GROUP_W,
	TPE_NOT_ROOT,		/* tpe/root_owned */
	TPE_NOT_USER,		/* tpe/user_owned */
};

static bool tpe_enabled(const struct policy *p)
{
	return p->sandbox_tpe;
}

/* Whether tpe/gid and tpe/negate put the process under the check. */
static bool tpe_applies(const struct policy *p, const struct facts *f)
{
	if (!p->tpe_gid_set)
		return true;
	return p->tpe_negate ? !f->proc_in_tpe_gid : f->proc_in_tpe_gid;
}

/* The first condition the directory fails, with the given switches. */
static enum tpe_fail tpe_eval(bool root_owned, bool user_owned,
			      const struct facts *f)
{
	const struct stat *d = &f->dir_st;

	if (!f->path_real || !f->dir_ok)
		return TPE_NO_DIR;
	if (d->st_mode & S_IWOTH)
		return TPE_WORLD_W;
	if (d->st_mode & S_IWGRP)
		return TPE_GROUP_W;
	if (root_owned && d->st_uid != 0)
		return TPE_NOT_ROOT;
	if (user_owned && d->st_uid != 0 && d->st_uid != f->proc_uid)
		return TPE_NOT_USER;
	return TPE_OK;
}

/* The one rule that, added, lets the file through. */
static const char *tpe_tip(const struct policy *p, const struct facts *f)
{
	if (p->tpe_root_owned &&
	    tpe_eval(false, p->tpe_user_owned, f) == TPE_OK)
		return "tpe/root_owned:false";
	if (p->tpe_user_owned &&
	    tpe_eval(p->tpe_root_owned, false, f) == TPE_OK)
		return "tpe/user_owned:false";
	return "sandbox/tpe:off";
}

/* The file's facts, then its directory's and the process's ids. */
static unsigned tpe_needs(const struct mcall *c, const struct policy *p,
			  const struct facts *f)
{
	return file_exec_call(c) ? FACT_FD | FACT_PATH | FACT_DIR : 0;
}

static void tpe_run(const struct mcall *c, const struct facts *f,
		    const struct policy *p, struct verdict *v)
{
	char dir[sizeof(f->path)];

	if (!file_exec_call(c))
		return;
	if (file_unknown(c, f, p, CAT_TPE, "tpe", "sandbox/tpe:off", v))
		return;
	if (file_unnamed(f, p, CAT_TPE, "tpe", "sandbox/tpe:off",
			 v))
		return;
	if (f->failed & FACT_DIR) {
		verdict_set(v, p, CAT_TPE, "tpe", EACCES, "sandbox/tpe:off",
			    "%s (fail closed)", f->file_err[0] ? f->file_err :
			    "cannot read the process's ids");
		v->act = fail_closed_action(v->act);
		file_path(f, v);
		return;
	}
	if (!tpe_applies(p, f))
		return;
	enum tpe_fail why = tpe_eval(p->tpe_root_owned, p->tpe_user_owned, f);
	if (why == TPE_OK)
		return;
	memcpy(dir, f->path, sizeof(dir));
	const char *d = f->path_real ? dirname(dir) : "?";
	unsigned mode = (unsigned)f->dir_st.st_mode & 07777;
	unsigned long uid = (unsigned long)f->dir_st.st_uid;
	const char *tip = tpe_tip(p, f);

	switch (why) {
	case TPE_NO_DIR:
		if (f->path_real)
			verdict_set(v, p, CAT_TPE, "tpe", EACCES, tip,
				    "cannot read the parent directory %s "
				    "(fail closed)", d);
		else
			verdict_set(v, p, CAT_TPE, "tpe", EACCES, tip,
				    "the file has no parent directory to "
				    "trust (%s)", f->path);
		v->act = fail_closed_action(v->act);
		break;
	case TPE_WORLD_W:
	case TPE_GROUP_W:
		verdict_set(v, p, CAT_TPE, "tpe", EACCES, tip,
			    "parent directory %s is %s-writable (mode %04o)",
			    d, why == TPE_WORLD_W ? "world" : "group", mode);
		break;
	case TPE_NOT_ROOT:
		verdict_set(v, p, CAT_TPE, "tpe", EACCES, tip,
			    "parent directory %s is owned by uid %lu, not "
			    "root (tpe/root_owned)", d, uid);
		break;
	case TPE_NOT_USER:
		verdict_set(v, p, CAT_TPE, "tpe", EACCES, tip,
			    "parent directory %s is owned by uid %lu, not "
			    "root or the user %lu (tpe/user_owned)", d, uid,
			    (unsigned long)f->proc_uid);
		break;
	case TPE_OK:
		break;
	}
	file_path(f, v);
}

const struct check check_tpe = {
	.name = "tpe",
	.enabled = tpe_enabled,
	.filter = file_filter,
	.needs = tpe_needs,
	.run = tpe_run,
};
