/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file checks for the i386 personality: map a file PROT_EXEC with
 * mmap2 and with old_mmap (nr 90, the six-word block).
 *   mapfile32 deny FILE    FILE is refused by the stack check
 *   mapfile32 allow FILE   trace/allow_unsafe_exec_stack:1 is in force
 */
#include "sys32.h"

#define O_RDONLY 0

/*
 * Map PATH (open as FD) PROT_EXEC with mmap2, or with OLD with
 * old_mmap: in deny mode refused (EACCES), with its record.
 */
static void map_rx(int old, long fd, const char *path)
{
	struct line l = { .n = 0 };

	if (deny_mode) {
		l_str(&l, "memtrace: deny i386 ");
		l_str(&l, old ? "old_mmap({" : "mmap2(");
		l_str(&l, "NULL, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE, ");
		l_dec(&l, fd);
		l_str(&l, old ? ", 0})" : ", 0)");
		l_str(&l, " = -EACCES; stack: executable stack requested "
		      "(PT_GNU_STACK with PF_X); path ");
		l_str(&l, path);
		l_str(&l, "; tip: -m trace/allow_unsafe_exec_stack:1\n");
		out(1, l.b);
	}
	expect(old ? "old_mmap rx file" : "mmap2 rx file",
	       mmap32(old, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
		      0),
	       deny_mode);
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

	map_rx(0, fd, path);
	map_rx(1, fd, path);
	return failed;
}
