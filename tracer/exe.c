/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The program's ELF header, read through /proc/PID/exe with libelf:
 * its class, byte order and machine (the personality it runs in:
 * x32 and x86_64 share a ptrace arch, the header tells) and its
 * PT_INTERP. Used at exec (program.c), at attach and at the first
 * stop (spawn.c, loop.c) for the personality a backtrace unwinds in.
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tracer/tracer.h"

void exe_read(pid_t tid, struct exe_info *x)
{
	char link[64];
	size_t n = 0;
	int fd;

	memset(x, 0, sizeof(*x));
	snprintf(link, sizeof(link), "/proc/%d/exe", tid);
	fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) ||
	    elf_getphdrnum(e, &n) != 0)
		goto out;
	x->elf = true;
	x->is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	x->le = eh.e_ident[EI_DATA] == ELFDATA2LSB;
	x->machine = eh.e_machine;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		size_t len = ph.p_filesz < sizeof(x->interp) ?
			     (size_t)ph.p_filesz : sizeof(x->interp) - 1;
		ssize_t r = pread(fd, x->interp, len, (off_t)ph.p_offset);
		x->interp[r > 0 ? (size_t)r : 0] = '\0';
		x->interp[strcspn(x->interp, "\n")] = '\0';
		x->has_interp = true;	/* even if unreadable: fail closed */
		break;
	}
out:
	if (e)
		elf_end(e);
	close(fd);
}

const char *exe_pers(const struct exe_info *x)
{
	const struct personality *p = NULL;

	if (x->elf) {
		uint32_t audit = x->machine;
		long nr = 0;
		if (x->le)
			audit |= __AUDIT_ARCH_LE;
		if (x->is64)
			audit |= __AUDIT_ARCH_64BIT;
		else if (x->machine == EM_X86_64) {
			audit |= __AUDIT_ARCH_64BIT;	/* x32 */
			nr = 0x40000000;		/* __X32_SYSCALL_BIT */
		}
		p = arch_personality(arch_host, audit, nr);
	}
	if (!p && arch_host->npers)
		p = arch_host->pers[0];
	return p ? p->name : "?";
}

const char *program_pers(pid_t tid)
{
	struct exe_info x;

	exe_read(tid, &x);
	return exe_pers(&x);
}
