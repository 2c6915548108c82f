/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a stopped call and rewriting it, by two paths:
 *  - syscall info: PTRACE_GET_SYSCALL_INFO to read (5.3), and
 *    PTRACE_SET_SYSCALL_INFO (6.16) to skip the call and set its result;
 *  - registers: NT_PRSTATUS through the arch tables, and the host's own
 *    step to skip a call (arch/ptrace-<host>.c).
 * PTRACE_SET_SYSCALL_INFO cannot set a return value at an entry or
 * seccomp stop, only the number: the info path skips at the entry and
 * writes the result at the exit stop that follows. The register path
 * does both at the same stop.
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#define MT_PTRACE_SET_SYSCALL_INFO 0x4212
#define SI_NONE 0
#define SI_ENTRY 1
#define SI_EXIT 2
#define SI_SECCOMP 3

/* struct ptrace_syscall_info as of Linux 6.16 (binary compatible with
 * the 5.3 layout, whose reserved/flags bytes were padding). An entry
 * and a seccomp stop hold the call alike. */
struct mt_si_call {
	uint64_t nr, args[6];
};
struct mt_si {
	uint8_t op;
	uint8_t reserved;
	uint16_t flags;
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct mt_si_call entry;
		struct { int64_t rval; uint8_t is_error; } exit;
		struct {
			struct mt_si_call call;
			uint32_t ret_data, reserved2;
		} seccomp;
	};
};
_Static_assert(sizeof(struct mt_si) == 88, "struct ptrace_syscall_info");

static long get_info(pid_t tid, struct mt_si *si)
{
	memset(si, 0, sizeof(*si));
	return ptrace((enum __ptrace_request)PTRACE_GET_SYSCALL_INFO, tid,
		      (void *)sizeof(*si), si);
}

static long set_info(pid_t tid, struct mt_si *si)
{
	return ptrace((enum __ptrace_request)MT_PTRACE_SET_SYSCALL_INFO, tid,
		      (void *)sizeof(*si), si);
}

/* The call of an entry or seccomp stop; NULL at any other stop. */
static struct mt_si_call *si_call(struct mt_si *si)
{
	if (si->op == SI_ENTRY)
		return &si->entry;
	return si->op == SI_SECCOMP ? &si->seccomp.call : NULL;
}

/* Through syscall info, the call at an entry or seccomp stop becomes
 * call nr, with args unless NULL. */
static int info_rewrite(pid_t tid, long nr, const uint64_t args[6])
{
	struct mt_si si;
	struct mt_si_call *call;

	if (get_info(tid, &si) <= 0)
		return -1;
	if (!(call = si_call(&si)))
		return errno = EINVAL, -1;
	call->nr = (uint64_t)nr;
	if (args)
		memcpy(call->args, args, sizeof(call->args));
	return set_info(tid, &si) < 0 ? -1 : 0;
}

/* What the tracer uses of the features found. */
static void features_apply(void)
{
	T.kf.known = true;
	T.use_info = T.kf.get_info && !T.opt.force_regs;
	T.use_set_info = T.kf.set_info && !T.opt.force_regs;
	if (getenv("MEMTRACE_DEBUG"))
		fprintf(stderr, "memtrace: get_info=%d set_info=%d "
			"use_info=%d use_set_info=%d\n", T.kf.get_info,
			T.kf.set_info, T.use_info, T.use_set_info);
}

/*
 * At the command's first seccomp stop, which saves start-up a child of
 * its own: reading the stop through syscall info, and writing back
 * what was read (which changes nothing), try both requests.
 */
void probe_kernel_features_at(pid_t tid)
{
	struct mt_si si;

	if (get_info(tid, &si) > 0 && si.op == SI_SECCOMP) {
		T.kf.get_info = true;
		if (set_info(tid, &si) == 0)
			T.kf.set_info = true;
	}
	features_apply();
}

/* Fork a child that stops at a syscall entry and try both requests. */
void probe_kernel_features(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		features_apply();
		return;
	}
	if (pid == 0) {
		/* Without ptrace (qemu-user, a sandbox), do not stop: no
		 * one would ever continue us. */
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		goto out;
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_TRACESYSGOOD);
	if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0)
		goto out;
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != (SIGTRAP | 0x80))
		goto out;

	struct mt_si si;
	if (get_info(pid, &si) > 0 && si.op == SI_ENTRY) {
		T.kf.get_info = true;
		/* Writing back what was read changes nothing. */
		if (set_info(pid, &si) == 0)
			T.kf.set_info = true;
	}
out:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	features_apply();
}

static int stop_op(pid_t tid)
{
	struct mt_si si;

	if (!T.kf.get_info || get_info(tid, &si) <= 0)
		return -1;
	return si.op;
}

static int pidx_of(const struct personality *p)
{
	for (size_t i = 0; i < arch_host->npers; i++)
		if (arch_host->pers[i] == p)
			return (int)i;
	return -1;
}

ssize_t stop_regset_read(pid_t tid, unsigned type, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)(uintptr_t)type, &iov) < 0)
		return -1;
	return (ssize_t)iov.iov_len;
}

static int getregs(pid_t tid, struct stop_call *sc)
{
	ssize_t n = stop_regset_read(tid, NT_PRSTATUS, sc->regs,
				     sizeof(sc->regs));

	if (n < 0)
		return -1;
	sc->regs_len = (size_t)n;
	sc->have_regs = true;
	return 0;
}

/* The call of an entry or seccomp stop read through syscall info. */
static int fill_from_info(struct stop_call *sc, struct mt_si *si)
{
	const struct mt_si_call *call = si_call(si);

	sc->op = si->op;
	if (!call)
		return errno = EINVAL, -1;
	sc->rc.nr = (long)call->nr;
	memcpy(sc->rc.args, call->args, sizeof(sc->rc.args));
	sc->rc.ip = si->ip;
	sc->rc.sp = si->sp;
	sc->pers = arch_personality(arch_host, si->arch, sc->rc.nr);
	if (!sc->pers)
		return -2;
	uint64_t mask = sc->pers->word >= 8 ? ~0ULL
			: (1ULL << (sc->pers->word * 8)) - 1;
	for (int i = 0; i < 6; i++)
		sc->rc.args[i] &= mask;
	sc->rc.nr = (long)(int32_t)sc->rc.nr;
	sc->pidx = pidx_of(sc->pers);
	return 0;
}

/* The register path's personality: the seccomp data names it; at a
 * plain syscall stop, the syscall info's arch field; on kernels without
 * that, the only personality with a layout of this regset size. */
static const struct personality *regs_personality(pid_t tid, int pidx_hint,
						   size_t len, long raw_nr)
{
	/* The kernel's AUDIT_ARCH first: SECCOMP_RET_DATA can be forged
	 * by a tracee filter that also returns SECCOMP_RET_TRACE (the
	 * newest filter's data wins a tie). */
	if (T.kf.get_info) {
		struct mt_si si;
		if (get_info(tid, &si) > 0)
			return arch_personality(arch_host, si.arch, raw_nr);
		return NULL;
	}
	if (pidx_hint >= 0 && (size_t)pidx_hint < arch_host->npers)
		return arch_host->pers[pidx_hint];
	for (size_t i = 0; i < arch_host->npers; i++) {
		const struct personality *p = arch_host->pers[i];
		if (arch_layout(p, len) && (!p->nr_flag ||
		    (raw_nr >= 0 && (raw_nr & (long)p->nr_flag))))
			return p;
	}
	return NULL;
}

/*
 * Where argument 0 is not in NT_PRSTATUS at the stop (riscv64 since
 * 6.10 presets a0 = -ENOSYS), read it from its own regset; kernels
 * without that regset (6.10 to 6.13, 6.12 stable among them) still
 * give it through syscall info. With neither, the call cannot be
 * decoded: -2, and the caller fails closed.
 */
static int read_arg0_note(pid_t tid, struct stop_call *sc)
{
	unsigned char word[8];
	const struct personality *p = sc->pers;

	if (!p->arg0_note)
		return 0;
	if (stop_regset_read(tid, p->arg0_note, word, sizeof(word)) >=
	    (ssize_t)p->word) {
		struct reg_slot s = { 0, (uint8_t)p->word };
		sc->rc.args[0] = arch_reg_get(p, word, s);
		return 0;
	}
	struct mt_si si;
	const struct mt_si_call *call;
	if (T.kf.get_info && get_info(tid, &si) > 0 &&
	    (call = si_call(&si))) {
		sc->rc.args[0] = call->args[0];
		return 0;
	}
	return -2;
}

/* An empty stop_call; the regs buffer is left as it is (1 KiB). */
static void stop_clear(struct stop_call *sc, int op)
{
	memset(sc, 0, offsetof(struct stop_call, regs));
	sc->regs_len = 0;
	sc->layout = NULL;
	sc->have_regs = false;
	sc->op = op;
}

int stop_read(pid_t tid, int op, int pidx_hint, struct stop_call *sc)
{
	stop_clear(sc, op);
	if (T.use_info) {
		struct mt_si si;
		if (get_info(tid, &si) <= 0)
			return -1;
		return fill_from_info(sc, &si);
	}
	if (getregs(tid, sc) < 0)
		return -1;
	/* Any layout of the host gives the number's slot for a first
	 * look (x32 vs x86_64 needs it); the personality then decides. */
	const struct personality *p0 = arch_host->pers[0];
	const struct regset_layout *l0 = arch_layout(p0, sc->regs_len);
	long raw_nr = l0 ? (long)(int32_t)reg_get_signed(sc->regs, l0->nr) : -1;

	sc->pers = regs_personality(tid, pidx_hint, sc->regs_len, raw_nr);
	if (!sc->pers)
		return -2;
	sc->layout = arch_layout(sc->pers, sc->regs_len);
	if (!sc->layout)
		return -2;
	arch_decode_regs(sc->pers, sc->layout, sc->regs, &sc->rc);
	if (read_arg0_note(tid, sc) < 0)
		return -2;
	sc->pidx = pidx_of(sc->pers);
	return 0;
}

/*
 * A syscall stop (ptrace-only mode, or the exit stop a seccomp thread
 * waits for): which side it is, in *op (STOP_ENTRY, STOP_EXIT, or -1
 * where the kernel cannot say: then assume_entry decides), and at an
 * entry the call, as stop_read gives it. With syscall info, one
 * PTRACE_GET_SYSCALL_INFO does both.
 */
int stop_read_syscall(pid_t tid, bool assume_entry, struct stop_call *sc,
		      int *op)
{
	stop_clear(sc, SI_ENTRY);
	*op = -1;
	if (T.use_info) {
		struct mt_si si;
		if (get_info(tid, &si) <= 0)
			return -1;
		*op = si.op;
		if (si.op != SI_ENTRY)
			return 0;
		return fill_from_info(sc, &si);
	}
	*op = stop_op(tid);
	if (*op >= 0 ? *op != SI_ENTRY : !assume_entry)
		return 0;
	return stop_read(tid, SI_ENTRY, -1, sc);
}

/*
 * A seccomp stop: its SECCOMP_RET_DATA in *data, and the call. With
 * syscall info, one PTRACE_GET_SYSCALL_INFO gives both (ret_data is
 * the event message); otherwise PTRACE_GETEVENTMSG and the registers.
 */
int stop_read_seccomp(pid_t tid, struct stop_call *sc, unsigned long *data)
{
	stop_clear(sc, SI_SECCOMP);
	if (T.use_info) {
		struct mt_si si;
		if (get_info(tid, &si) <= 0)
			return -1;
		if (si.op != SI_SECCOMP)
			return errno = EINVAL, -1;
		*data = si.seccomp.ret_data;
		return fill_from_info(sc, &si);
	}
	*data = 0;
	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, data) < 0)
		return -1;
	if (((*data >> 8) & 0xff) == TAG_BADARCH && !T.kf.get_info)
		return -2;
	return stop_read(tid, SI_SECCOMP, (int)(*data & 0xff), sc);
}

/*
 * The registers of the call at hand and their layout. Registers read
 * through syscall info are not in sc->regs: fetch them fresh, so that
 * SETREGSET does not write stale values.
 */
static int call_regs(pid_t tid, struct stop_call *sc)
{
	if (!sc->have_regs && getregs(tid, sc) < 0)
		return -1;
	sc->layout = arch_layout(sc->pers, sc->regs_len);
	return sc->layout ? 0 : (errno = EINVAL, -1);
}

/* A fresh regset at an exit stop, its personality (pers, or the one
 * the kernel names) and its layout in sc. */
static int exit_regs(pid_t tid, const struct personality *pers,
		     struct stop_call *sc)
{
	stop_clear(sc, SI_EXIT);
	if (getregs(tid, sc) < 0)
		return -1;
	sc->pers = pers ? pers : regs_personality(tid, -1, sc->regs_len, -1);
	sc->layout = sc->pers ? arch_layout(sc->pers, sc->regs_len) : NULL;
	return sc->layout ? 0 : (errno = EINVAL, -1);
}

int stop_deny(struct thread *t, struct stop_call *sc, int64_t retval)
{
	if (T.use_set_info) {
		if (info_rewrite(t->tid, -1, NULL) < 0)
			return -1;
		t->pending_ret = true;
		t->ret = retval;
		return 0;
	}
	if (call_regs(t->tid, sc) < 0)
		return -1;
	if (host_skip_call(t->tid, sc->pers, sc->layout, sc->regs,
			   sc->regs_len, retval) < 0)
		return -1;
	if (sc->pers->ret_at_exit || sc->op == SI_ENTRY) {
		/* s390: the result can only be written at the exit stop.
		 * At a syscall-entry stop the exit stop comes anyway, and
		 * some kernels (powerpc) put -ENOSYS over a skipped call's
		 * result after the entry stop: write it again there. */
		t->pending_ret = true;
		t->ret = retval;
	}
	return 0;
}

int stop_set_return(struct thread *t, int64_t retval)
{
	/* The test suite's way to loop.c's fail-closed kill. */
	if (T.opt.test_fail == TEST_FAIL_SET_RETURN)
		return errno = EIO, -1;
	if (T.use_set_info) {
		struct mt_si si;
		if (get_info(t->tid, &si) <= 0 || si.op != SI_EXIT)
			return errno = EINVAL, -1;
		si.exit.rval = retval;
		si.exit.is_error = retval < 0 && retval >= -4095;
		return set_info(t->tid, &si) < 0 ? -1 : 0;
	}
	struct stop_call sc;
	if (exit_regs(t->tid, NULL, &sc) < 0)
		return -1;
	return regset_set_return(t->tid, sc.pers, sc.layout, sc.regs,
				 sc.regs_len, retval);
}

/*
 * A call rewritten at its entry (brk -> brk(0), i386 old_mmap -> mmap2)
 * must give the caller its registers back: int $0x80 and syscall keep
 * every register but the result's, and code relies on it (glibc's brk
 * wrapper compares the result with the rdi/ebx it passed; gcc keeps
 * locals in ecx across int $0x80). The argument registers are saved at
 * full width before the rewrite and put back at the exit stop, except
 * one that is also the result register.
 */
static int save_args(struct thread *t, struct stop_call *sc)
{
	if (call_regs(t->tid, sc) < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		t->saved_args[i] = arch_reg_get(sc->pers, sc->regs,
						sc->layout->args[i]);
	t->saved_pers = sc->pers;
	t->restore_args = true;
	return 0;
}

int stop_restore_args(struct thread *t)
{
	struct stop_call sc;

	/* The test suite's way to loop.c's fail-closed kill. */
	if (T.opt.test_fail == TEST_FAIL_RESTORE_ARGS)
		return errno = EIO, -1;
	if (exit_regs(t->tid, t->saved_pers, &sc) < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		if (sc.layout->args[i].off != sc.layout->ret.off)
			arch_reg_put(sc.pers, sc.regs, sc.layout->args[i],
				     t->saved_args[i]);
	return regset_write(t->tid, NT_PRSTATUS, sc.regs, sc.regs_len);
}

/*
 * Deny brk the way the kernel fails it: the break stays where it is and
 * the call returns it. Rewriting the argument to 0 turns the call into
 * the query brk(0), which returns exactly that.
 */
int stop_brk_query(struct thread *t, struct stop_call *sc)
{
	uint64_t args[6];

	memcpy(args, sc->rc.args, sizeof(args));
	args[0] = 0;
	return stop_rewrite(t, sc, sc->rc.nr, args);
}

int stop_return_value(pid_t tid, int64_t *rv)
{
	if (T.use_info) {
		struct mt_si si;
		if (get_info(tid, &si) <= 0 || si.op != SI_EXIT)
			return errno = EINVAL, -1;
		*rv = si.exit.rval;
		return 0;
	}
	struct stop_call sc;
	if (exit_regs(tid, NULL, &sc) < 0)
		return -1;
	*rv = arch_reg_get_signed(sc.pers, sc.regs, sc.layout->ret);
	if (sc.pers->word == 4)
		*rv = (int32_t)*rv;
	return 0;
}

/*
 * Replace the call at an entry or seccomp stop by another with the
 * given number and arguments (i386 old_mmap -> mmap2, so the kernel
 * uses the values that were checked, not the block in memory).
 */
int stop_rewrite(struct thread *t, struct stop_call *sc, long nr,
		 const uint64_t args[6])
{
	if (save_args(t, sc) < 0)
		return -1;
	if (T.use_set_info)
		return info_rewrite(t->tid, nr, args);
	arch_reg_put(sc->pers, sc->regs, sc->layout->nr, (uint64_t)nr);
	for (int i = 0; i < 6; i++)
		arch_reg_put(sc->pers, sc->regs, sc->layout->args[i], args[i]);
	return regset_write(t->tid, NT_PRSTATUS, sc->regs, sc->regs_len);
}
