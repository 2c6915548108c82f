/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Executable-stack detection with elfutils libelf. The file is read
 * with ELF_C_READ, which reads with pread() at offset 0: it never
 * moves the descriptor's offset and, unlike ELF_C_READ_MMAP, cannot
 * take a SIGBUS when the tracee truncates the file under us.
 */
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/elfstack.h"

/* Older <elf.h> may lack the newer machines. */
#ifndef EM_RISCV
#define EM_RISCV	243
#endif
#ifndef EM_CSKY
#define EM_CSKY		252
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH	258
#endif

/*
 * What the loader does with an object that has no PT_GNU_STACK.
 *
 * Source: glibc, elf/dl-load.c starts every object's stack flags at
 * DEFAULT_STACK_PERMS and only PT_GNU_STACK overrides them; that macro
 * is defined per architecture in sysdeps/<arch>/stackinfo.h as
 * (PF_R|PF_W) on aarch64, arc, csky, loongarch, nios2, riscv and tile,
 * and as (PF_R|PF_W|PF_X) everywhere else (x86, x86_64 and x32, arm,
 * powerpc, s390, sparc, mips, m68k, alpha, hppa, ia64, microblaze, sh,
 * or1k). Machines not listed are treated as executable: fail closed.
 */
static const struct {
	unsigned int machine;
	bool exec;
} missing_stack[] = {
	{ EM_AARCH64, false },
	{ EM_ARC_COMPACT, false },
	{ EM_ARCV2, false },
	{ EM_CSKY, false },
	{ EM_LOONGARCH, false },
	{ EM_ALTERA_NIOS2, false },
	{ EM_RISCV, false },
	{ EM_TILEPRO, false },
	{ EM_TILEGX, false },
	{ EM_386, true },
	{ EM_X86_64, true },
	{ EM_ARM, true },
	{ EM_PPC, true },
	{ EM_PPC64, true },
	{ EM_S390, true },
	{ EM_SPARC, true },
	{ EM_SPARC32PLUS, true },
	{ EM_SPARCV9, true },
	{ EM_MIPS, true },
	{ EM_68K, true },
	{ EM_ALPHA, true },
	{ EM_PARISC, true },
	{ EM_IA_64, true },
	{ EM_MICROBLAZE, true },
	{ EM_SH, true },
	{ EM_OPENRISC, true },
};

static bool missing_means_exec(unsigned int machine)
{
	for (size_t i = 0; i < sizeof(missing_stack) / sizeof(*missing_stack);
	     i++)
		if (missing_stack[i].machine == machine)
			return missing_stack[i].exec;
	return true;
}

static enum elf_stack say(enum elf_stack v, char *err, size_t errlen,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum elf_stack say(enum elf_stack v, char *err, size_t errlen,
			  const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return v;
}

static const char *elferr(void)
{
	const char *m = elf_errmsg(-1);

	return m ? m : "unknown libelf error";
}

static bool libelf_ready(void)
{
	static int state;

	if (!state)
		state = elf_version(EV_CURRENT) != EV_NONE ? 1 : -1;
	return state > 0;
}

/* e_phnum, or for PN_XNUM the count kept in section 0's sh_info. */
static size_t declared_phnum(Elf *elf, const GElf_Ehdr *eh)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (eh->e_phnum != PN_XNUM)
		return eh->e_phnum;
	if (!(scn = elf_getscn(elf, 0)) || !gelf_getshdr(scn, &sh))
		return SIZE_MAX;
	return sh.sh_info;
}

/*
 * The number of program headers, once the table is known to be sane;
 * ELF_STACK_ERROR (with the message set) when it is not.
 */
static enum elf_stack phdr_count(Elf *elf, const GElf_Ehdr *eh, size_t *n,
				 char *err, size_t errlen)
{
	size_t want;

	if (elf_getphdrnum(elf, n) != 0)
		return say(ELF_STACK_ERROR, err, errlen,
			   "program header table: %s", elferr());
	/*
	 * libelf quietly shortens a table that runs past the end of the
	 * file; a cut-off PT_GNU_STACK must not read as a missing one.
	 */
	want = declared_phnum(elf, eh);
	if (*n != want || want > INT_MAX)
		return say(ELF_STACK_ERROR, err, errlen,
			   "program header table out of range (%zu entries "
			   "at offset %ju)", want, (uintmax_t)eh->e_phoff);
	/* Both the kernel and ld.so refuse a foreign entry size. */
	if (*n && eh->e_phentsize != gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT))
		return say(ELF_STACK_ERROR, err, errlen,
			   "program header entry size %u is wrong",
			   (unsigned int)eh->e_phentsize);
	return ELF_STACK_NOEXEC;
}

static enum elf_stack inspect(Elf *elf, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	bool found = false, exec = false;

	/* The magic matched, so a refusal here is damage, not a text file. */
	if (elf_kind(elf) != ELF_K_ELF)
		return say(ELF_STACK_ERROR, err, errlen,
			   "invalid ELF identification (truncated, or bad "
			   "class, byte order or version)");
	if (!gelf_getehdr(elf, &eh))
		return say(ELF_STACK_ERROR, err, errlen, "ELF header: %s",
			   elferr());
	if (phdr_count(elf, &eh, &n, err, errlen) == ELF_STACK_ERROR)
		return ELF_STACK_ERROR;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return say(ELF_STACK_ERROR, err, errlen,
				   "program header %zu: %s", i, elferr());
		if (ph.p_type != PT_GNU_STACK)
			continue;
		/* Loaders disagree on which of several wins: any PF_X does. */
		found = true;
		if (ph.p_flags & PF_X)
			exec = true;
	}
	if (found)
		return exec ? ELF_STACK_EXEC : ELF_STACK_NOEXEC;
	return missing_means_exec(eh.e_machine) ? ELF_STACK_MISSING_EXEC :
	    ELF_STACK_NOEXEC;
}

static bool has_magic(const void *id, size_t len)
{
	return len >= SELFMAG && !memcmp(id, ELFMAG, SELFMAG);
}

enum elf_stack elf_stack_fd(int fd, char *err, size_t errlen)
{
	unsigned char id[SELFMAG];
	enum elf_stack v;
	ssize_t r;
	Elf *elf;

	do
		r = pread(fd, id, sizeof(id), 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return say(ELF_STACK_ERROR, err, errlen, "read: %s",
			   strerror(errno));
	if (!has_magic(id, (size_t)r))
		return say(ELF_STACK_NOT_ELF, err, errlen, "not an ELF file");
	if (!libelf_ready())
		return say(ELF_STACK_ERROR, err, errlen, "libelf: %s",
			   elferr());
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return say(ELF_STACK_ERROR, err, errlen, "%s", elferr());
	v = inspect(elf, err, errlen);
	elf_end(elf);
	return v;
}

enum elf_stack elf_stack_mem(const void *buf, size_t len,
			     char *err, size_t errlen)
{
	enum elf_stack v;
	char *copy;
	Elf *elf;

	if (!buf || !has_magic(buf, len))
		return say(ELF_STACK_NOT_ELF, err, errlen, "not an ELF file");
	if (!libelf_ready())
		return say(ELF_STACK_ERROR, err, errlen, "libelf: %s",
			   elferr());
	/* elf_memory() takes a writable image; never hand it the caller's. */
	if (!(copy = malloc(len)))
		return say(ELF_STACK_ERROR, err, errlen, "%s",
			   strerror(ENOMEM));
	memcpy(copy, buf, len);
	elf = elf_memory(copy, len);
	if (!elf) {
		free(copy);
		return say(ELF_STACK_ERROR, err, errlen, "%s", elferr());
	}
	v = inspect(elf, err, errlen);
	elf_end(elf);
	free(copy);
	return v;
}
