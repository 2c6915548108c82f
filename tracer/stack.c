/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Backtraces of a stopped thread (-k, --stack), for the records.
 *
 * With libunwind (MEMTRACE_HAVE_UNWIND): libunwind-ptrace unwinds the
 * thread through its own memory (_UPT_create, unw_init_remote with
 * _UPT_accessors), using the .eh_frame/.debug_frame of each module, and
 * names each frame from the module's symbol tables. The module of each
 * frame comes from /proc/PID/maps, read once per trace.
 *
 * Caches: one libunwind address space serves every process, so its
 * cache is flushed before every trace (a trace may be of another
 * process than the last, and the process may have mapped or unmapped
 * since), and the _UPT state is created and destroyed per trace.
 * Correctness over cheapness: a trace is only taken for a record.
 * stack_flush (called at exec) flushes it too.
 *
 * The trace never hangs and never takes memtrace down: at most depth
 * frames, a frame below its callee's (or the same frame twice) ends
 * it, and a frame that cannot be unwound ends it with a line saying
 * why.
 *
 * Without libunwind, or for a personality that is not the build's own
 * (i386 or x32 on an x86_64 memtrace: libunwind is built for one ABI),
 * the trace is the IP alone with its module, and a note saying so.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef MEMTRACE_HAVE_UNWIND
#include <libunwind-ptrace.h>
#endif

#include "tracer/tracer.h"

const char *stack_support(void)
{
#ifdef MEMTRACE_HAVE_UNWIND
	return "yes (libunwind-ptrace)";
#else
	return "no (built without libunwind)";
#endif
}

/* The whole of a /proc file, NUL-terminated; NULL if unreadable. */
static char *read_all(const char *path)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The mapping that holds ip in a copy of /proc/PID/maps: its module
 * (the mapped file, or a name such as [vdso]) and ip's offset in the
 * mapped file. */
struct ip_lookup {
	uint64_t ip;
	char *module;
	size_t len;
	uint64_t *off;
};

static bool holds_ip(const struct map_entry *e, void *arg)
{
	struct ip_lookup *w = arg;

	if (w->ip < e->lo || w->ip >= e->hi)
		return false;
	snprintf(w->module, w->len, "%s", e->path);
	*w->off = w->ip - e->lo + e->off;
	return true;
}

static bool maps_lookup(const char *maps, uint64_t ip, char *module,
			size_t len, uint64_t *off)
{
	struct ip_lookup w = { ip, module, len, off };

	module[0] = '\0';
	*off = 0;
	return maps && maps_text_walk(maps, holds_ip, &w);
}

static void frame_set(struct bt_frame *fr, const char *maps, uint64_t ip)
{
	memset(fr, 0, sizeof(*fr));
	fr->ip = ip;
	if (maps)
		maps_lookup(maps, ip, fr->module, sizeof(fr->module),
			    &fr->off);
}

static void bt_init(struct backtrace *bt, int depth)
{
	memset(bt, 0, sizeof(*bt));
	if (depth < 1)
		depth = 1;
	bt->frames = calloc((size_t)depth, sizeof(*bt->frames));
	if (!bt->frames)
		snprintf(bt->end, sizeof(bt->end), "out of memory");
}

void stack_free(struct backtrace *bt)
{
	free(bt->frames);
	bt->frames = NULL;
	bt->n = 0;
}

void stack_ip_only(const char *maps, uint64_t ip, const char *why,
		   struct backtrace *bt)
{
	bt_init(bt, 1);
	if (!bt->frames)
		return;
	frame_set(&bt->frames[0], maps, ip);
	bt->n = 1;
	snprintf(bt->end, sizeof(bt->end), "%s", why);
}

/* The personality by name; the build's own is arch_host->pers[0]. */
static const struct personality *pers_by_name(const char *name)
{
	for (size_t i = 0; name && i < arch_host->npers; i++)
		if (!strcmp(arch_host->pers[i]->name, name))
			return arch_host->pers[i];
	return arch_host->npers ? arch_host->pers[0] : NULL;
}

/* The IP of a stopped thread, through NT_PRSTATUS and the table. */
static int read_ip(pid_t tid, const struct personality *p, uint64_t *ip)
{
	unsigned char regs[ARCH_REGSET_MAX];
	ssize_t n = p ? stop_regset_read(tid, NT_PRSTATUS, regs, sizeof(regs))
		      : -1;

	if (n < 0)
		return -1;
	const struct regset_layout *l = arch_layout(p, (size_t)n);
	if (!l || !l->ip.size)
		return -1;
	*ip = arch_reg_get(p, regs, l->ip);
	return 0;
}

static void capture_ip_only(pid_t tid, const struct personality *p,
			    const char *maps, const char *why,
			    struct backtrace *bt)
{
	uint64_t ip;

	if (read_ip(tid, p, &ip) < 0) {
		bt_init(bt, 1);
		snprintf(bt->end, sizeof(bt->end), "cannot read the "
			 "registers: %s", strerror(errno));
		return;
	}
	stack_ip_only(maps, ip, why, bt);
}

#ifdef MEMTRACE_HAVE_UNWIND
static unw_addr_space_t as;
static pid_t unwind_tid;	/* the thread being unwound */

/*
 * libunwind's access_reg, for a host whose libunwind reads registers
 * wrongly (arch_host->unwind_regs says where they are): one
 * NT_PRSTATUS read per register, as libunwind's own does. Read only.
 */
static int regset_access_reg(unw_addr_space_t a, unw_regnum_t reg,
			     unw_word_t *val, int write, void *arg)
{
	unsigned char regs[ARCH_REGSET_MAX];
	ssize_t n;

	(void)a;
	(void)arg;
	if (write)
		return -UNW_EREADONLYREG;
	if (reg < 0 || (size_t)reg >= arch_host->nunwind_regs ||
	    arch_host->unwind_regs[reg] < 0)
		return -UNW_EBADREG;
	size_t off = (size_t)arch_host->unwind_regs[reg];
	n = stop_regset_read(unwind_tid, NT_PRSTATUS, regs, sizeof(regs));
	if (n < 0 || off + sizeof(*val) > (size_t)n)
		return -UNW_EBADREG;
	memcpy(val, regs + off, sizeof(*val));
	return 0;
}

void stack_flush(void)
{
	if (as)
		unw_flush_cache(as, 0, 0);
}

static void unwind(pid_t tid, const char *maps, int depth,
		   struct backtrace *bt)
{
	unw_cursor_t cur;
	void *ui;
	int r;

	if (!as) {
		static unw_accessors_t acc;

		acc = _UPT_accessors;
		if (arch_host->unwind_regs)
			acc.access_reg = regset_access_reg;
		as = unw_create_addr_space(&acc, 0);
		if (!as) {
			snprintf(bt->end, sizeof(bt->end), "libunwind: cannot "
				 "create an address space");
			return;
		}
		unw_set_caching_policy(as, UNW_CACHE_GLOBAL);
	}
	unw_flush_cache(as, 0, 0);
	unwind_tid = tid;
	ui = _UPT_create(tid);
	if (!ui) {
		snprintf(bt->end, sizeof(bt->end), "libunwind: cannot "
			 "attach to thread %d", tid);
		return;
	}
	r = unw_init_remote(&cur, as, ui);
	if (r < 0) {
		snprintf(bt->end, sizeof(bt->end), "cannot unwind: %s",
			 unw_strerror(r));
		_UPT_destroy(ui);
		return;
	}
	unw_word_t prev_sp = 0, prev_ip = 0;
	for (int i = 0;; i++) {
		unw_word_t ip = 0, sp = 0, off = 0;

		if ((r = unw_get_reg(&cur, UNW_REG_IP, &ip)) < 0 ||
		    (r = unw_get_reg(&cur, UNW_REG_SP, &sp)) < 0) {
			snprintf(bt->end, sizeof(bt->end), "cannot unwind "
				 "further: cannot read frame #%d's registers "
				 "(%s)", i, unw_strerror(r));
			break;
		}
		if (i > 0 && ip == 0)
			break;		/* the outermost frame's return */
		if (i >= depth) {
			snprintf(bt->end, sizeof(bt->end), "depth limit %d "
				 "reached (--stack-depth)", depth);
			break;
		}
		/* The stack grows down: a caller's frame lies at or above
		 * its callee's. At, because a leaf that keeps its return
		 * address in the link register (glibc's mmap or syscall on
		 * aarch64, riscv64, s390x) allocates no frame. A frame
		 * below, or the same frame again, is a loop or garbage. */
		if (i > 0 && !unw_is_signal_frame(&cur) &&
		    (sp < prev_sp || (sp == prev_sp && ip == prev_ip))) {
			snprintf(bt->end, sizeof(bt->end), "cannot unwind "
				 "further: frame #%d does not move the stack "
				 "(sp %#" PRIx64 " after %#" PRIx64 ")", i,
				 (uint64_t)sp, (uint64_t)prev_sp);
			break;
		}
		struct bt_frame *fr = &bt->frames[bt->n++];
		unw_proc_info_t pi;
		frame_set(fr, maps, ip);
		r = unw_get_proc_name(&cur, fr->func, sizeof(fr->func), &off);
		/* The name is that of the nearest symbol below ip, which in
		 * a stripped module (only .dynsym) is often not the function
		 * ip is in: keep it only where the unwind info's function
		 * starts at the symbol, or says nothing. */
		if ((r == 0 || (r == -UNW_ENOMEM && fr->func[0])) &&
		    (unw_get_proc_info(&cur, &pi) < 0 || !pi.start_ip ||
		     pi.start_ip == ip - off))
			fr->off = off;
		else
			fr->func[0] = '\0';
		if (fr->func[0])
			symbol_demangle(fr->func, sizeof(fr->func));
		prev_sp = sp;
		prev_ip = ip;
		r = unw_step(&cur);
		if (r == 0)
			break;		/* the outermost frame */
		if (r < 0) {
			snprintf(bt->end, sizeof(bt->end), "cannot unwind "
				 "further than frame #%d: %s", i,
				 unw_strerror(r));
			break;
		}
	}
	_UPT_destroy(ui);
}
#else
void stack_flush(void)
{
}
#endif

void stack_capture(pid_t tid, const char *pers, int depth,
		   struct backtrace *bt)
{
	char path[64], why[200];
	const struct personality *p = pers_by_name(pers);
	/* The program's own personality too: an x32 program may make an
	 * x86_64 call, but its modules are ELF32, which libunwind built
	 * for x86_64 does not read. */
	const struct thread *t = thread_find(tid);
	const struct personality *prog = t && t->prog_pers ?
		pers_by_name(t->prog_pers) : p;
	bool native = p && arch_host->npers && p == arch_host->pers[0] &&
		      prog == p;

	if (depth < 1)
		depth = 1;
	if (depth > STACK_DEPTH_MAX)
		depth = STACK_DEPTH_MAX;
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	char *maps = read_all(path);
#ifdef MEMTRACE_HAVE_UNWIND
	if (native) {
		bt_init(bt, depth);
		if (bt->frames)
			unwind(tid, maps, depth, bt);
		free(maps);
		return;
	}
	const struct personality *other = p && p != arch_host->pers[0] ? p :
					  prog;
	snprintf(why, sizeof(why), "%s process: the IP and its module only; "
		 "full unwinding needs a native %s build of memtrace",
		 other ? other->name : "?", other ? other->name : "?");
#else
	(void)native;
	(void)prog;
	snprintf(why, sizeof(why), "the IP and its module only: memtrace "
		 "was built without libunwind");
#endif
	capture_ip_only(tid, p, maps, why, bt);
	free(maps);
}
