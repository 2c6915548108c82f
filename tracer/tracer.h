/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tracer's shared state: options, threads, and the steps of a stop. */
#ifndef MEMTRACE_TRACER_H
#define MEMTRACE_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "arch/arch.h"
#include "checks/check.h"
#include "checks/policy.h"

/* SECCOMP_RET_DATA of our filter: tag in the high byte, the index of
 * the personality in arch_host->pers in the low byte. */
enum trace_tag {
	TAG_CALL = 1,		/* a memory call */
	TAG_PROBE = 2,		/* the child's "filter is live" probe */
	TAG_BADARCH = 3,	/* a call from an architecture not in the filter */
};
#define TRACE_DATA(tag, idx) ((uint16_t)(((tag) << 8) | (idx)))

/* The probe: mprotect(NULL, 0, PROBE_PROT). Invalid prot bits, so the
 * kernel fails it with EINVAL whatever memtrace does. */
#define PROBE_PROT 0x5a5a0000UL

struct options {
	bool no_seccomp;	/* --no-seccomp */
	bool force_regs;	/* MEMTRACE_FORCE_REGS=1: register path only */
	bool verbose;		/* -v: a record for every stop */
	bool json;		/* --json */
	bool dump_filter;	/* --dump-filter */
	pid_t attach;		/* -p PID */
	const char *outfile;	/* -o FILE */
};

/* How a thread is resumed and what its next syscall stop means. */
struct thread {
	pid_t tid;
	pid_t tgid;
	bool seccomp;		/* resumed with PTRACE_CONT between stops */
	bool in_syscall;	/* PTRACE_SYSCALL mode: next stop is an exit */
	bool pending_ret;	/* set this return value at the exit stop */
	int64_t ret;
	bool detached;		/* detach at its group-stop (ACT_STOP) */
	struct thread *next;	/* hash chain */
};

/* Kernel features, probed once at start-up. */
struct kfeatures {
	bool get_info;		/* PTRACE_GET_SYSCALL_INFO */
	bool set_info;		/* PTRACE_SET_SYSCALL_INFO (6.16) */
};

struct tracer {
	struct options opt;
	struct policy *pol;
	struct kfeatures kf;
	bool use_info;		/* read through syscall info */
	bool use_set_info;	/* deny through syscall info */
	bool seccomp_live;	/* the probe arrived */
	bool seccomp_announced;
	pid_t root;		/* the command (spawn) or -p target */
	bool root_done;
	int root_status;
	FILE *log;
	struct msys_numbers nums[8];	/* per arch_host personality */
	volatile int got_signal;	/* SIGINT/SIGTERM/SIGHUP number */
	bool exiting;
	int exit_code;		/* ACT_EXIT: memtrace's own status */
	unsigned long stops_seccomp;	/* seccomp stops of memory calls */
	unsigned long stops_syscall;	/* syscall-entry stops */
	unsigned long stops_checked;	/* memory calls decided */
};

extern struct tracer T;

/* proc.c: the thread table. */
struct thread *thread_find(pid_t tid);
struct thread *thread_add(pid_t tid);
void thread_del(pid_t tid);
pid_t thread_tgid(struct thread *t);
void thread_foreach(void (*fn)(struct thread *, void *), void *arg);
size_t thread_count(void);

/* spawn.c */
pid_t spawn_command(char *const argv[]);
int attach_process(pid_t pid);

/* filter.c */
int filter_install(const struct policy *p, bool verbose);
int filter_dump(const struct policy *p, bool verbose, FILE *out);
void filter_probe(void);

/* loop.c */
int trace_loop(void);
void kill_all_tracees(void);

/* regs.c: read a stopped call and rewrite it. */
struct stop_call {
	const struct personality *pers;
	int pidx;			/* index in arch_host->pers */
	struct raw_call rc;
	unsigned char regs[ARCH_REGSET_MAX];
	size_t regs_len;
	const struct regset_layout *layout;
	bool have_regs;
	int op;				/* PTRACE_SYSCALL_INFO_* */
};
void probe_kernel_features(void);
/* op: what kind of stop; pidx_hint: personality from seccomp data or -1. */
int stop_read(pid_t tid, int op, int pidx_hint, struct stop_call *sc);
/* Which syscall stop this is (entry or exit), or -1 if unknown. */
int stop_op(pid_t tid);
int stop_deny(struct thread *t, struct stop_call *sc, int64_t retval,
	      bool *need_exit);
int stop_set_return(struct thread *t, int64_t retval);
int stop_brk_query(struct thread *t, struct stop_call *sc);

/* vm.c */
int vm_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* facts.c */
void facts_gather(pid_t tid, const struct mcall *c, const struct policy *p,
		  unsigned needs, struct facts *f);
/* The same for the file behind a /proc link (an fd, or exe). */
void facts_gather_file(pid_t tid, const char *link, const struct policy *p,
		       unsigned needs, struct facts *f);

/* log.c */
void log_record(pid_t tid, pid_t tgid, const struct mcall *c,
		const struct verdict *v, bool denied);
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void format_call(const struct mcall *c, char *buf, size_t len);

/* handle.c: one memory call at a stop. */
void handle_call(struct thread *t, struct stop_call *sc, bool *need_exit,
		 bool *handled);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
