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
#include <stddef.h>
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

/* What inspect() reads besides the verdict. */
struct seen {
	bool elf, is64, le;
	unsigned int machine;
	bool interp;
	uint64_t interp_off, interp_len;
};

static enum elf_stack inspect(Elf *elf, struct seen *s, char *err,
			      size_t errlen)
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
	s->elf = true;
	s->is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	s->le = eh.e_ident[EI_DATA] == ELFDATA2LSB;
	s->machine = eh.e_machine;
	if (phdr_count(elf, &eh, &n, err, errlen) == ELF_STACK_ERROR)
		return ELF_STACK_ERROR;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return say(ELF_STACK_ERROR, err, errlen,
				   "program header %zu: %s", i, elferr());
		if (ph.p_type == PT_INTERP && !s->interp) {
			s->interp = true;
			s->interp_off = ph.p_offset;
			s->interp_len = ph.p_filesz;
		}
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

/*
 * The first HEAD_READ bytes of the file, read with one pread, hold the
 * ELF header and, in any file a linker wrote, the program headers and
 * PT_INTERP: libelf reads them from there (elf_memory). Only the
 * program headers are wanted, so the copy's section header fields are
 * cleared: libelf would otherwise refuse an image that ends before
 * the section headers (elf_memory takes the image for the whole
 * file). A file longer than the buffer whose headers do not fit in it
 * (an error on the short image) is read again by libelf from the
 * file, as is one that keeps its program header count in section 0
 * (PN_XNUM): the verdict is always libelf's on the file.
 */
#define HEAD_READ 4096

/* Whether n bytes at p are all zero (a field's value is 0 in either
 * byte order). */
static bool zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* An n-byte field at p in the image's byte order. */
static uint64_t field(const unsigned char *p, size_t n, bool le)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[le ? n - 1 - i : i];
	return v;
}

/*
 * Clear e_shoff, e_shnum and e_shstrndx (zero in either byte order);
 * false where libelf would read section 0 of the file (the count of
 * program headers there, PN_XNUM, or of sections, e_shnum 0 with a
 * table), where the program headers start inside the ELF header (the
 * cleared fields would be theirs too), or the image is shorter than
 * its header: the file itself is then read, so the verdict stays
 * libelf's on the file.
 */
/* Where each class keeps the fields drop_sections reads and clears. */
#define EHDR_LAYOUT(E, off) { sizeof(E), offsetof(E, e_phoff), \
	offsetof(E, e_phnum), offsetof(E, e_shoff), offsetof(E, e_shnum), off }
static const struct ehdr_layout {
	size_t size, phoff, phnum, shoff, shnum, offlen;
} ehdr_layouts[] = {
	[ELFCLASS32] = EHDR_LAYOUT(Elf32_Ehdr, 4),
	[ELFCLASS64] = EHDR_LAYOUT(Elf64_Ehdr, 8),
};

static bool drop_sections(unsigned char *b, size_t len)
{
	static const unsigned char xnum[2] = { 0xff, 0xff };	/* PN_XNUM */
	const struct ehdr_layout *l;

	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return true;	/* refused as it is, as from the file */
	l = &ehdr_layouts[b[EI_CLASS]];
	if (len < l->size)
		return true;
	if (!memcmp(b + l->phnum, xnum, 2) ||
	    (zero(b + l->shnum, 2) && !zero(b + l->shoff, l->offlen)) ||
	    field(b + l->phoff, l->offlen, b[EI_DATA] == ELFDATA2LSB) <
	    l->size)
		return false;
	memset(b + l->shoff, 0, l->offlen);
	memset(b + l->shnum, 0, 4);	/* e_shnum and e_shstrndx */
	return true;
}

static enum elf_stack inspect_fd(int fd, struct seen *s, char *err,
				 size_t errlen)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	enum elf_stack v;

	if (!elf)
		return say(ELF_STACK_ERROR, err, errlen, "%s", elferr());
	v = inspect(elf, s, err, errlen);
	elf_end(elf);
	return v;
}

static enum elf_stack inspect_head(unsigned char *b, size_t len, bool whole,
				   int fd, struct seen *s, char *err,
				   size_t errlen)
{
	enum elf_stack v = ELF_STACK_ERROR;

	if (drop_sections(b, len)) {
		Elf *elf = elf_memory((char *)b, len);
		if (!elf)
			v = say(ELF_STACK_ERROR, err, errlen, "%s", elferr());
		else {
			v = inspect(elf, s, err, errlen);
			elf_end(elf);
		}
		if (v != ELF_STACK_ERROR || whole)
			return v;
	}
	memset(s, 0, sizeof(*s));
	return inspect_fd(fd, s, err, errlen);
}

static ssize_t pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, len, off);
	while (r < 0 && errno == EINTR);
	return r;
}

/* PT_INTERP's path, from the buffer where it lies there. */
static void read_interp(int fd, const unsigned char *b, size_t blen,
			const struct seen *s, struct elf_head *h)
{
	size_t len = s->interp_len < sizeof(h->interp) ?
		     (size_t)s->interp_len : sizeof(h->interp) - 1;
	ssize_t r;

	if (s->interp_off <= blen && len <= blen - s->interp_off) {
		memcpy(h->interp, b + s->interp_off, len);
		r = (ssize_t)len;
	} else {
		r = pread_all(fd, h->interp, len, (off_t)s->interp_off);
	}
	h->interp[r > 0 ? (size_t)r : 0] = '\0';
	h->interp[strcspn(h->interp, "\n")] = '\0';
}

void elf_head_fd(int fd, struct elf_head *h, bool want_interp)
{
	unsigned char b[HEAD_READ];
	struct seen s = { 0 };
	ssize_t r;

	memset(h, 0, sizeof(*h));
	r = pread_all(fd, b, sizeof(b), 0);
	if (r < 0) {
		h->stack = say(ELF_STACK_ERROR, h->err, sizeof(h->err),
			       "read: %s", strerror(errno));
		return;
	}
	if (!has_magic(b, (size_t)r)) {
		h->stack = say(ELF_STACK_NOT_ELF, h->err, sizeof(h->err),
			       "not an ELF file");
		return;
	}
	if (!libelf_ready()) {
		h->stack = say(ELF_STACK_ERROR, h->err, sizeof(h->err),
			       "libelf: %s", elferr());
		return;
	}
	/* pread returns less than asked only at the end of the file. */
	h->stack = inspect_head(b, (size_t)r, (size_t)r < sizeof(b), fd, &s,
				h->err, sizeof(h->err));
	h->elf = s.elf;
	h->is64 = s.is64;
	h->le = s.le;
	h->machine = s.machine;
	h->has_interp = s.interp;
	if (s.interp && want_interp)
		read_interp(fd, b, (size_t)r, &s, h);
}

enum elf_stack elf_stack_fd(int fd, char *err, size_t errlen)
{
	struct elf_head *h = malloc(sizeof(*h));
	enum elf_stack v;

	if (!h)
		return say(ELF_STACK_ERROR, err, errlen, "%s",
			   strerror(ENOMEM));
	elf_head_fd(fd, h, false);
	v = h->stack;
	if (err && errlen)
		snprintf(err, errlen, "%s", h->err);
	free(h);
	return v;
}

enum elf_stack elf_stack_file(int fd, char *err, size_t errlen)
{
	unsigned char id[SELFMAG];
	struct seen s = { 0 };
	ssize_t r = pread_all(fd, id, sizeof(id), 0);

	if (r < 0)
		return say(ELF_STACK_ERROR, err, errlen, "read: %s",
			   strerror(errno));
	if (!has_magic(id, (size_t)r))
		return say(ELF_STACK_NOT_ELF, err, errlen, "not an ELF file");
	if (!libelf_ready())
		return say(ELF_STACK_ERROR, err, errlen, "libelf: %s",
			   elferr());
	return inspect_fd(fd, &s, err, errlen);
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
	struct seen seen = { 0 };
	v = inspect(elf, &seen, err, errlen);
	elf_end(elf);
	free(copy);
	return v;
}
