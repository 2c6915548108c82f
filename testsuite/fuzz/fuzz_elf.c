/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for checks/elfstack: any byte string must yield a
 * verdict (never a crash, leak or read out of bounds), and a message
 * whenever the verdict is NOT_ELF or ERROR.
 *
 * Build and run from the top of the tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *       testsuite/fuzz/fuzz_elf.c checks/elfstack.c -lelf -o fuzz_elf
 *   ./fuzz_elf -max_total_time=20 testsuite/fuzz/corpus/elf
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "checks/elfstack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	enum elf_stack v;

	err[0] = '\0';
	v = elf_stack_mem(data, size, err, sizeof(err));
	switch (v) {
	case ELF_STACK_NOEXEC:
	case ELF_STACK_EXEC:
	case ELF_STACK_MISSING_EXEC:
		break;
	case ELF_STACK_NOT_ELF:
	case ELF_STACK_ERROR:
		if (!err[0])
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
