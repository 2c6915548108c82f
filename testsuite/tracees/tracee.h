/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tracee helpers. A tracee prints on stdout the records memtrace must
 * write (pid and tid left out), checks each call's result itself, and
 * exits 1 with a message on stderr if a result is not what it expected.
 *
 *   argv[1] == "deny": the default policy (W^X on) is in force
 *   argv[1] == "allow": trace/allow_unsafe_exec_memory:1 is in force
 */
#ifndef MEMTRACE_TRACEE_H
#define MEMTRACE_TRACEE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int tracee_failed;
static int tracee_deny;		/* 1: the policy denies W^X */

static inline void tracee_mode(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "deny") && strcmp(argv[1], "allow"))) {
		fprintf(stderr, "usage: %s deny|allow\n", argv[0]);
		exit(2);
	}
	tracee_deny = !strcmp(argv[1], "deny");
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The record memtrace writes for a W^X denial. */
static inline void expect_wx_record(const char *pers, const char *call,
				    const char *msg)
{
	if (tracee_deny)
		printf("memtrace: deny %s %s = -EACCES; wx: %s; "
		       "tip: -m trace/allow_unsafe_exec_memory:1\n",
		       pers, call, msg);
}

/* Check a raw syscall result: -EACCES when denied, success otherwise. */
static inline void expect_result(const char *what, long ret, int denied)
{
	if (denied && ret != -EACCES) {
		fprintf(stderr, "FAIL: %s returned %ld, expected -EACCES\n",
			what, ret);
		tracee_failed = 1;
	} else if (!denied && ret < 0 && ret > -4096) {
		fprintf(stderr, "FAIL: %s returned %ld (%s), expected "
			"success\n", what, ret, strerror((int)-ret));
		tracee_failed = 1;
	}
}

static inline long raw_mmap(void *a, size_t l, int prot, int flags, int fd,
			    long off)
{
	long r = syscall(SYS_mmap, a, l, prot, flags, fd, off);
	return r == -1 ? -errno : r;
}

static inline long raw_mprotect(void *a, size_t l, int prot)
{
	long r = syscall(SYS_mprotect, a, l, prot);
	return r == -1 ? -errno : r;
}

static inline long raw_pkey_mprotect(void *a, size_t l, int prot, int key)
{
	long r = syscall(SYS_pkey_mprotect, a, l, prot, key);
	return r == -1 ? -errno : r;
}

static inline int tracee_exit(void)
{
	fflush(stdout);
	return tracee_failed ? 1 : 0;
}

#endif

#include <elf.h>

/*
 * A page that is a minimal ELF file (one PT_GNU_STACK, not executable),
 * so mapping it executable concerns only the check under test: the
 * stack check refuses files that are not ELF.
 */
static inline void elf_stub_page(unsigned char page[4096])
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	memset(page, 0xc3, 4096);
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_GNU_STACK;
	ph.p_flags = PF_R | PF_W;
	ph.p_align = 16;
	memcpy(page, &eh, sizeof(eh));
	memcpy(page + sizeof(eh), &ph, sizeof(ph));
}
