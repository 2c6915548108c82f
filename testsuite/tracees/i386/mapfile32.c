/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file checks for the i386 personality: map a file PROT_EXEC with
 * mmap2 and with old_mmap (nr 90, the six-word block).
 *   mapfile32 deny FILE    FILE is refused by the stack check
 *   mapfile32 allow FILE   trace/allow_unsafe_exec_stack:1 is in force
 */
#include "sys32.h"

#define O_RDONLY 0

static void file_record(const char *call_head, struct line *args,
			const char *path)
{
	struct line l = { .n = 0 };
	if (!deny_mode)
		return;
	l_str(&l, "memtrace: deny i386 ");
	l_str(&l, call_head);
	l_str(&l, args->b);
	l_str(&l, " = -EACCES; stack: executable stack requested "
	      "(PT_GNU_STACK with PF_X); path ");
	l_str(&l, path);
	l_str(&l, "; tip: -m trace/allow_unsafe_exec_stack:1\n");
	out(1, l.b);
}

int tracee_main(void)
{
	const char *path = tracee_argc > 2 ? tracee_argv[2] : 0;
	if (!path) {
		out(2, "usage: mapfile32 deny|allow FILE\n");
		return 2;
	}
	long fd = sys3(NR_open, (long)path, O_RDONLY, 0);
	if (fd < 0) {
		out(2, "FAIL: cannot open the file\n");
		return 1;
	}

	struct line a = { .n = 0 };
	l_str(&a, "NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE, ");
	l_dec(&a, fd);
	l_str(&a, ", 0)");
	file_record("mmap2(", &a, path);
	expect("mmap2 rx file", sys6(NR_mmap2, 0, 4096, PROT_READ | PROT_EXEC,
				     MAP_PRIVATE, fd, 0), deny_mode);

	struct line b = { .n = 0 };
	l_str(&b, "{NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE, ");
	l_dec(&b, fd);
	l_str(&b, ", 0})");
	file_record("old_mmap(", &b, path);
	expect("old_mmap rx file", old_mmap(0, 4096, PROT_READ | PROT_EXEC,
					    MAP_PRIVATE, fd, 0), deny_mode);
	return failed;
}
