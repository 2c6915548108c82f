/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The personality a program runs in, from its ELF header (elfstack.c):
 * its class, byte order and machine (x32 and x86_64 share a ptrace
 * arch, the header tells). exe_pers names it for a header read at
 * exec (program.c), and exe_clears_rie says if that exec left
 * READ_IMPLIES_EXEC clear; program_pers reads the header through
 * /proc/PID/exe, at attach and at the first stop (spawn.c, loop.c),
 * for the personality a backtrace unwinds in.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks/elfstack.h"
#include "tracer/tracer.h"

static void exe_read(pid_t tid, struct elf_head *x)
{
	char link[64];
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/exe", tid);
	fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		memset(x, 0, sizeof(*x));
		x->stack = ELF_STACK_ERROR;
		snprintf(x->err, sizeof(x->err), "cannot open %s: %s", link,
			 strerror(errno));
		return;
	}
	elf_head_fd(fd, x, true);
	close(fd);
}

/* The host's personality for the header, NULL if none. */
static const struct personality *exe_personality(const struct elf_head *x)
{
	uint32_t audit = x->machine;
	long nr = 0;

	if (!x->elf)
		return NULL;
	if (x->le)
		audit |= __AUDIT_ARCH_LE;
	if (x->is64)
		audit |= __AUDIT_ARCH_64BIT;
	else if (x->machine == EM_X86_64) {
		audit |= __AUDIT_ARCH_64BIT;	/* x32 */
		nr = 0x40000000;		/* __X32_SYSCALL_BIT */
	}
	return arch_personality(arch_host, audit, nr);
}

bool exe_clears_rie(const struct elf_head *x)
{
	const struct personality *p = exe_personality(x);

	return p && p->exec_clears_rie && x->stack == ELF_STACK_NOEXEC;
}

const char *exe_pers(const struct elf_head *x)
{
	const struct personality *p = exe_personality(x);

	if (!p && arch_host->npers)
		p = arch_host->pers[0];
	return p ? p->name : "?";
}

const char *program_pers(pid_t tid)
{
	struct elf_head x;

	exe_read(tid, &x);
	return exe_pers(&x);
}
