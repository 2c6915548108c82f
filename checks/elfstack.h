/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Executable-stack detection with elfutils libelf: a file whose
 * PT_GNU_STACK has PF_X, or that has no PT_GNU_STACK where the
 * architecture's default stack is executable.
 */
#ifndef MEMTRACE_ELFSTACK_H
#define MEMTRACE_ELFSTACK_H

#include <stddef.h>

enum elf_stack {
	ELF_STACK_NOEXEC,	/* PT_GNU_STACK without PF_X */
	ELF_STACK_EXEC,		/* PT_GNU_STACK with PF_X */
	ELF_STACK_MISSING_EXEC,	/* no PT_GNU_STACK: executable by default */
	ELF_STACK_NOT_ELF,	/* not an ELF file */
	ELF_STACK_ERROR		/* malformed or unreadable: fail closed */
};

/*
 * Inspect the ELF file open on fd (read from offset 0 with pread;
 * the fd's offset is not moved). On ELF_STACK_NOT_ELF and
 * ELF_STACK_ERROR, err holds a message naming the problem.
 */
enum elf_stack elf_stack_fd(int fd, char *err, size_t errlen);

/* The same over a memory buffer (fuzzing, unit tests). */
enum elf_stack elf_stack_mem(const void *buf, size_t len,
			     char *err, size_t errlen);

#endif
