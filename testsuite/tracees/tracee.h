/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tracee helpers, for the native tracees (this directory, dynamic) and
 * the cross tracees (testsuite/cross/tracees/, static, built by
 * testsuite/cross/build.sh with each target's compiler). A tracee
 * prints on stdout the records memtrace must write (pid and tid left
 * out), checks each call's result itself, and exits 1 with a message on
 * stderr if a result is not what it expected.
 *
 *   argv[1] == "deny": the default policy (W^X on) is in force
 *   argv[1] == "allow": trace/allow_unsafe_exec_memory:1 is in force
 *
 * The personality name and the way the target maps memory (mmap,
 * mmap2, or s390x's old_mmap block) come from the compiler's own
 * macros.
 */
#ifndef MEMTRACE_TRACEE_H
#define MEMTRACE_TRACEE_H

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define PERS "x86_64"
#elif defined(__aarch64__)
#define PERS "aarch64"
#elif defined(__arm__)
#define PERS "arm"
#define USE_MMAP2 1		/* EABI: no __NR_mmap, mmap2 in 4096 units */
#elif defined(__riscv) && __riscv_xlen == 64
#define PERS "riscv64"
#elif defined(__s390x__)
#define PERS "s390x"
#define USE_OLD_MMAP 1		/* __NR_mmap (90) takes a six-word block */
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define PERS "ppc64le"
#elif defined(__loongarch64)
#define PERS "loongarch64"
#else
#error "no tracee support for this architecture"
#endif

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

/* The record memtrace writes for a W^X denial of CALL. */
static inline void expect_wx_record(const char *call, const char *msg)
{
	if (tracee_deny)
		printf("memtrace: deny %s %s = -EACCES; wx: %s; "
		       "tip: -m trace/allow_unsafe_exec_memory:1\n",
		       PERS, call, msg);
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

/* A syscall() result as the kernel gives it: -errno on failure. */
/* A call that must fail with err (r: the raw result, -errno). */
static inline void expect_errno(const char *what, long r, int err)
{
	if (r != -err) {
		fprintf(stderr, "FAIL: %s returned %ld, expected -%d\n", what,
			r, err);
		tracee_failed = 1;
	}
}

static inline long ret_of(long r)
{
	return r == -1 ? -errno : r;
}

/* The target's plain mapping call, and how memtrace names it: "mmap(",
 * "mmap2(" or "old_mmap({" (the closing text is MMAP_END). */
#if defined(USE_OLD_MMAP)
#define MMAP_NAME "old_mmap({"
#define MMAP_END "})"
static inline long raw_mmap(void *a, size_t l, int prot, int flags, int fd,
			    long off)
{
	unsigned long block[6] = { (unsigned long)a, l, (unsigned long)prot,
				   (unsigned long)flags, (unsigned long)(long)fd,
				   (unsigned long)off };
	return ret_of(syscall(SYS_mmap, block));
}
#elif defined(USE_MMAP2)
#define MMAP_NAME "mmap2("
#define MMAP_END ")"
static inline long raw_mmap(void *a, size_t l, int prot, int flags, int fd,
			    long off)
{
	return ret_of(syscall(SYS_mmap2, a, l, prot, flags, fd, off / 4096));
}
#else
#define MMAP_NAME "mmap("
#define MMAP_END ")"
static inline long raw_mmap(void *a, size_t l, int prot, int flags, int fd,
			    long off)
{
	return ret_of(syscall(SYS_mmap, a, l, prot, flags, fd, off));
}
#endif

static inline long raw_mprotect(void *a, size_t l, int prot)
{
	return ret_of(syscall(SYS_mprotect, a, l, prot));
}

static inline long raw_pkey_mprotect(void *a, size_t l, int prot, int key)
{
	return ret_of(syscall(SYS_pkey_mprotect, a, l, prot, key));
}

static inline int tracee_exit(void)
{
	fflush(stdout);
	return tracee_failed ? 1 : 0;
}

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

#endif
