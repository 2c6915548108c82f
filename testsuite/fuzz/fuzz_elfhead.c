/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for checks/elfstack's reading of a file: the
 * verdict from the first page (elf_stack_fd, libelf over the headers
 * read with one pread, the file only where they do not fit) must be
 * the verdict of libelf reading the file itself (elf_stack_file), for
 * any file. The input becomes a memfd's content.
 *
 * Inputs reach past the first page (the read elf_head_fd makes), so
 * that the fallback to the file is reached too; the seeds are elf's.
 *
 * fuzz-deps: checks/elfstack.c
 * fuzz-libs: -lelf
 * fuzz-corpus: elf
 * fuzz-max-len: 16384
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/elfstack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;

	if (fd < 0 && (fd = memfd_create("fuzz_elfhead", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (elf_stack_fd(fd, NULL, 0) != elf_stack_file(fd, NULL, 0))
		abort();
	return 0;
}
