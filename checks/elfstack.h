/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Executable-stack detection with elfutils libelf: a file whose
 * PT_GNU_STACK has PF_X, or that has no PT_GNU_STACK where the
 * architecture's default stack is executable.
 */
#ifndef MEMTRACE_ELFSTACK_H
#define MEMTRACE_ELFSTACK_H

#include <stdbool.h>
#include <stddef.h>

enum elf_stack {
	ELF_STACK_NOEXEC,	/* PT_GNU_STACK without PF_X */
	ELF_STACK_EXEC,		/* PT_GNU_STACK with PF_X */
	ELF_STACK_MISSING_EXEC,	/* no PT_GNU_STACK: executable by default */
	ELF_STACK_NOT_ELF,	/* not an ELF file */
	ELF_STACK_ERROR		/* malformed or unreadable: fail closed */
};

/* What an ELF file's headers say, read once (elf_head_fd). */
struct elf_head {
	enum elf_stack stack;	/* the verdict, as elf_stack_fd's */
	char err[256];		/* why NOT_ELF or ERROR */
	bool elf;		/* the ELF header was read; what follows holds */
	bool is64, le;
	unsigned int machine;
	bool has_interp;	/* a PT_INTERP, as far as the table was read */
	char interp[4096];	/* its path, as written in the file */
};

/* The headers of the file open on fd (pread from offset 0; the fd's
 * offset is not moved): its class, machine, interpreter (its path
 * only if want_interp) and the stack verdict, from one read where
 * they fit in the file's first page. */
void elf_head_fd(int fd, struct elf_head *h, bool want_interp);

/*
 * Inspect the ELF file open on fd (read from offset 0 with pread;
 * the fd's offset is not moved). On ELF_STACK_NOT_ELF and
 * ELF_STACK_ERROR, err holds a message naming the problem.
 */
enum elf_stack elf_stack_fd(int fd, char *err, size_t errlen);

/* The verdict of libelf reading the file itself, without elf_head_fd's
 * first page: what elf_stack_fd must always agree with (unit tests and
 * the fuzzer check that it does). */
enum elf_stack elf_stack_file(int fd, char *err, size_t errlen);

/* The same over a memory buffer (fuzzing, unit tests). */
enum elf_stack elf_stack_mem(const void *buf, size_t len,
			     char *err, size_t errlen);

#endif
