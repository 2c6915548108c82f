/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Syd's keys that memtrace does not implement: a profile written for
 * Syd sets up its other sandboxes (paths, network, ioctl, lock...),
 * and memtrace reads such a profile for the memory and exec parts,
 * leaving the rest aside with a notice. A key is Syd's if it is one
 * of these shapes:
 *   sandbox/CAP, default/CAP, ACTION/CAP   for a capability below
 *   a key of a family below, or under one ("trace/...", "lock")
 * memtrace's own keys are looked up first; exec rules with an action
 * memtrace does not have (kill/exec+...) are not Syd's to ignore:
 * dropping them would weaken the profile, so they stay errors.
 */
#include <string.h>

#include "checks/sydkeys.h"

/* Capabilities of Syd's sandboxes other than memtrace's. */
static const char *const syd_caps[] = {
	"all", "read", "write", "stat", "ioctl", "create", "delete",
	"rename", "symlink", "truncate", "chdir", "readdir", "mkdir",
	"rmdir", "chown", "chgrp", "chmod", "chattr", "chroot", "utime",
	"mkdev", "mkbdev", "mkcdev", "mkfifo", "mktemp", "net", "inet",
	"bnet", "cnet", "snet", "lpath", "rpath", "wpath", "cpath", "dpath",
	"spath", "tpath", "fown", "fattr", "lock", "crypt", "proxy", "pty",
	"pid", "fs", "walk", "list", "notify", "node", "attr", "tmpfile",
	"segvguard", "setid",
};

/* Families of capabilities: Syd's net/ and lock/ rules. */
static const char *const syd_cap_families[] = { "net/", "lock/" };

/* Syd's actions, as the first part of ACTION/CAP. */
static const char *const syd_actions[] = {
	"allow", "warn", "filter", "deny", "panic", "stop", "abort",
	"kill", "exit",
};

/* Keys (or, ending in '/', families of keys) of Syd's other settings. */
static const char *const syd_keys[] = {
	"lock", "root", "bind", "mask", "time", "timeout", "workdir",
	"ghost", "load", "include_profile", "cmd/", "config/", "crypt/",
	"ioctl/", "lock/", "log/", "name/", "net/", "pid/", "proxy/",
	"pty/", "rlimit/", "segvguard/", "setenv", "unsetenv", "setid/",
	"setuid", "setgid", "trace/", "tpe/", "unshare/", "uts/", "env/",
	"crypt", "root/", "ipc", "ipc/",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool word_in(const char *s, size_t n, const char *const *v,
		    size_t nv)
{
	for (size_t i = 0; i < nv; i++)
		if (strlen(v[i]) == n && !memcmp(s, v[i], n))
			return true;
	return false;
}

static bool is_cap(const char *s, size_t n)
{
	if (word_in(s, n, syd_caps, N(syd_caps)))
		return true;
	for (size_t i = 0; i < N(syd_cap_families); i++) {
		size_t fl = strlen(syd_cap_families[i]);

		if (n > fl && !memcmp(s, syd_cap_families[i], fl))
			return true;
	}
	return false;
}

bool syd_capability_key(const char *key, size_t n)
{
	const char *slash = memchr(key, '/', n);
	size_t head;

	if (!slash)
		return false;
	head = (size_t)(slash - key);
	if ((head == 7 && !memcmp(key, "sandbox", 7)) ||
	    (head == 7 && !memcmp(key, "default", 7)) ||
	    word_in(key, head, syd_actions, N(syd_actions)))
		return is_cap(slash + 1, n - head - 1);
	return false;
}

bool syd_family_key(const char *key, size_t n)
{
	for (size_t i = 0; i < N(syd_keys); i++) {
		size_t kl = strlen(syd_keys[i]);

		if (syd_keys[i][kl - 1] == '/' ? n > kl &&
		    !memcmp(key, syd_keys[i], kl) :
		    n == kl && !memcmp(key, syd_keys[i], n))
			return true;
	}
	return false;
}
