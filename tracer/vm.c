/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading tracee memory: process_vm_readv with one iovec per page (a
 * read never crosses a page, so a partly mapped block fails cleanly),
 * and PTRACE_PEEKDATA as the fallback on any error.
 */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/tracer.h"

static int read_vm(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local[4], remote[4];
	size_t n = 0, done = 0, ps = (size_t)page_size();

	while (done < len && n < 4) {
		uint64_t a = addr + done;
		size_t chunk = ps - (size_t)(a % ps);
		if (chunk > len - done)
			chunk = len - done;
		local[n].iov_base = (char *)buf + done;
		local[n].iov_len = chunk;
		remote[n].iov_base = (void *)(uintptr_t)a;
		remote[n].iov_len = chunk;
		done += chunk;
		n++;
	}
	if (done < len)
		return errno = E2BIG, -1;
	ssize_t r = process_vm_readv(tid, local, n, remote, n, 0);
	return r == (ssize_t)len ? 0 : -1;
}

static int read_peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	size_t w = sizeof(long);
	uint64_t start = addr - addr % w;

	for (uint64_t a = start; a < addr + len; a += w) {
		errno = 0;	/* PEEKDATA returns the data */
		long word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)a,
				   NULL);
		if (errno)
			return -1;
		for (size_t i = 0; i < w; i++) {
			uint64_t at = a + i;
			if (at >= addr && at < addr + len)
				((unsigned char *)buf)[at - addr] =
					((unsigned char *)&word)[i];
		}
	}
	return 0;
}

int vm_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (addr + len < addr)
		return errno = EFAULT, -1;
	if (read_vm(tid, addr, buf, len) == 0)
		return 0;
	return read_peek(tid, addr, buf, len);
}
