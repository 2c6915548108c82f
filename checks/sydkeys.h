/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Syd's keys outside memtrace's scope: see checks/sydkeys.c. */
#ifndef MEMTRACE_SYDKEYS_H
#define MEMTRACE_SYDKEYS_H

#include <stdbool.h>
#include <stddef.h>

/* sandbox/CAP, default/CAP or ACTION/CAP for a capability of one of
 * Syd's other sandboxes (sandbox/read, allow/net/connect, ...). */
bool syd_capability_key(const char *key, size_t n);

/* A key of Syd's other settings, or of a family of them (lock,
 * trace/..., unshare/...). */
bool syd_family_key(const char *key, size_t n);

#endif
