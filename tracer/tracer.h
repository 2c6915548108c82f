/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tracer's shared state: options, threads, and the steps of a stop. */
#ifndef MEMTRACE_TRACER_H
#define MEMTRACE_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
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

/* MEMTRACE_TEST_FAIL (test suite only): the exit-stop ptrace step
 * that acts as if it failed (regs.c), to reach the fail-closed kill
 * at the exit stop (loop.c) that no ordinary tracee can provoke; or
 * pidfd: the fd facts take the path of kernels without pidfd_getfd;
 * pidfd_thread: of kernels without PIDFD_THREAD (Debian 12's 6.1). */
enum test_fail {
	TEST_FAIL_NONE,
	TEST_FAIL_SET_RETURN,	/* stop_set_return */
	TEST_FAIL_RESTORE_ARGS,	/* stop_restore_args */
	TEST_FAIL_PIDFD,	/* fileref_take_fd: as before pidfd_getfd */
	TEST_FAIL_PIDFD_THREAD,	/* and as before PIDFD_THREAD (Linux 6.9) */
};

struct options {
	bool no_seccomp;	/* --no-seccomp */
	bool force_regs;	/* MEMTRACE_FORCE_REGS=1: register path only */
	enum test_fail test_fail;	/* MEMTRACE_TEST_FAIL */
	bool verbose;		/* -v: a record for every stop */
	bool json;		/* --json */
	bool dump_filter;	/* --dump-filter */
	pid_t attach;		/* -p PID */
	const char *outfile;	/* -o FILE */
	bool stack;		/* -k, --stack: backtraces in records */
	int stack_depth;	/* --stack-depth N (default 32) */
	bool summary;		/* -c, --summary */
	const char *learn;	/* --learn FILE */
	bool stop_on_deny;	/* --stop-on-deny: deny and abort become stop */
	bool no_mdwe;		/* --no-mdwe: no PR_SET_MDWE in the child */
	/* strace's habits (strace.c) */
	int follow;		/* -f: 1, -ff: 2 (FILE.PID with -o) */
	bool trace_set;		/* -e trace=SET given */
	uint32_t trace_mask;	/* 1 << enum msys of the calls -v records */
	int timestamps;		/* -t: 1, -tt: 2, -ttt: 3 */
	int str_max;		/* -s N: paths in text records; 0: whole */
	bool quiet;		/* -q: no informational notes */
};

struct mm_group;	/* proc.c */

/* How a thread is resumed and what its next syscall stop means. */
struct thread {
	pid_t tid;
	pid_t tgid;
	bool seccomp;		/* resumed with PTRACE_CONT between stops */
	bool in_syscall;	/* PTRACE_SYSCALL mode: next stop is an exit */
	/* PTRACE_SYSCALL mode: memtrace read this thread's entry stop
	 * itself and resumed it with PTRACE_SYSCALL, and the call needs
	 * nothing at its exit (!wants_exit_stop): the next syscall stop
	 * is that exit, to be resumed without reading it. */
	bool exit_idle;
	bool pending_ret;	/* set this return value at the exit stop */
	int64_t ret;
	bool restore_args;	/* put the arguments back at the exit stop */
	uint64_t saved_args[6];	/* full width, as the regset held them */
	const struct personality *saved_pers;
	/* The personality of the program it runs (its ELF header), read
	 * once at exec or attach while -k is on, and inherited by its
	 * children: -k's records need it, and a libelf parse per record
	 * would be too dear. NULL: not known. */
	const char *prog_pers;
	bool files_shared;	/* its fd table is shared (CLONE_FILES) */
	struct {		/* check the mapping at the exit stop */
		bool on, file, prot;
		/* mprotect: every mapping of the range as checked, each
		 * still there at the exit stop whatever the result (the
		 * kernel changes the mappings before a hole it fails on) */
		struct verify_piece {
			uint64_t addr;
			bool file;
			dev_t dev;
			ino_t ino;
		} *pieces;
		size_t npieces;
		dev_t dev;
		ino_t ino;
		uint64_t want_prot;
		uint64_t addr;	/* mprotect: the range; else the result */
		enum msys sys;
	} verify;
	/* An allowed call that grows the process, counted against the
	 * memory limits of its address space until its exit stop (or the
	 * thread's death, or the group's exec). */
	uint64_t mem_pending;
	pid_t mem_tgid;
	/* The tasks that share its address space (NULL: not known, its
	 * creator's event has not come, or came before the creator's
	 * own: counted as shared with every task). */
	struct mm_group *mm;
	/* An allowed setrlimit/prlimit64 of RLIMIT_AS: the limit of this
	 * process must still be within mem/vm_max at the exit stop. */
	bool rlimit_verify;
	pid_t rlimit_pid;
	bool detached;		/* detach at its group-stop (ACT_STOP) */
	/* -v: the record of an allowed call, written with the call's
	 * result at its exit stop (log.c). */
	struct pending_record *record;
	struct thread *next;	/* hash chain */
};

/* Kernel features, probed once: at the command's first seccomp stop,
 * or by a child of their own before anything else is traced. */
struct kfeatures {
	bool known;		/* probed */
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
	pid_t self;		/* memtrace's pid */
	/* Counts the stops waitpid returns: what was read from /proc at
	 * one stop is kept for that stop only (maps.c). */
	unsigned long stop_gen;
	pid_t root;		/* the command (spawn) or -p target */
	bool root_done;
	int root_status;
	FILE *log;
	struct msys_numbers nums[8];	/* per arch_host personality */
	volatile int got_signal;	/* SIGINT/SIGTERM/SIGHUP number */
	bool exiting;
	int exit_code;		/* ACT_EXIT: memtrace's own status */
	bool output_failed;	/* a record, summary or profile was lost */
	unsigned long stops_seccomp;	/* seccomp stops of memory calls */
	unsigned long stops_syscall;	/* syscall-entry stops */
	unsigned long stops_exit;	/* syscall-exit stops */
	unsigned long stops_checked;	/* memory calls decided */
	unsigned long vmsize_reads;	/* VmSize read (the rest: bounds) */
	unsigned long persona_reads;	/* /proc/PID/personality read */
	unsigned long exits_unread;	/* exit stops resumed unread */
	unsigned long fd_proc_opens;	/* fds opened through /proc/PID/fd */
};

extern struct tracer T;

/* proc.c: the thread table. */
struct thread *thread_find(pid_t tid);
struct thread *thread_add(pid_t tid);
void thread_del(pid_t tid);
pid_t thread_tgid(struct thread *t);
/* One read of /proc/PID/NAME into buf (len bytes with the NUL it
 * adds): the length read, or -1. For the small files read whole. */
ssize_t proc_read(pid_t pid, const char *name, char *buf, size_t len);
/* /proc/PID/comm without its newline, "?" if unreadable. */
void proc_comm(pid_t pid, char *buf, size_t len);
void thread_foreach(void (*fn)(struct thread *, void *), void *arg);
size_t thread_count(void);
/* What the tasks sharing t's address space were allowed to add and
 * have not got yet (their calls have not returned), bytes; and
 * forgetting what tgid's threads were allowed (exec). */
uint64_t thread_pending_mem(const struct thread *t);
void thread_pending_clear(pid_t tgid);
/* Address spaces: a new one for t (spawn, exec), t sharing with's
 * (threads, CLONE_VM, vfork), and whether t is alone in its own as
 * far as the tracer knows (never with -p). */
void thread_mm_new(struct thread *t);
void thread_mm_share(struct thread *t, struct thread *with);
bool thread_mm_alone(const struct thread *t);
/* VmSize of t's address space at most (*bound; false: not known): the
 * last VmSize read (thread_vm_set) plus what was allowed to grow
 * since (thread_vm_grow) plus room for growth without a call. Forgot
 * where growth cannot be counted, for one address space or all. */
bool thread_vm_bound(const struct thread *t, uint64_t *bound);
void thread_vm_set(struct thread *t, uint64_t vmsize);
void thread_vm_grow(struct thread *t, uint64_t bytes);
void thread_vm_forget(struct thread *t);
void thread_vm_forget_all(void);
/* Count bytes for t's call in tgid until its exit stop; forget it. */
void thread_pending_set(struct thread *t, pid_t tgid, uint64_t bytes);
void thread_pending_drop(struct thread *t);

/* spawn.c */
pid_t spawn_command(char *const argv[]);
int attach_process(pid_t pid);

/* mdwe.c: the kernel's W^X (PR_SET_MDWE) behind the wx check. */
bool mdwe_available(void);
bool mdwe_wanted(void);
void mdwe_set_in_child(void);
void mdwe_attach_note(void);
const char *mdwe_support(void);

/* filter.c */
int filter_install(const struct policy *p, bool verbose);
int filter_dump(const struct policy *p, bool verbose, FILE *out);
void filter_probe(void);

/* loop.c */
int trace_loop(void);

/* exit.c: the exits that end every tracee. */
void kill_all_tracees(void);
/* ACT_EXIT: every tracee dies, memtrace exits with code. */
void tracer_exit(int code) __attribute__((noreturn));
/* ACT_PANIC: every tracee dies, memtrace aborts (without a core). */
void tracer_panic(void) __attribute__((noreturn));
/* Fail closed: what memtrace cannot check, read or undo kills t's
 * process (SIGKILL), with a record ("...; killed (fail closed)") in
 * text and JSON alike. */
void fail_closed(struct thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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
/* The same at a seccomp stop of tid (no child of its own). */
void probe_kernel_features_at(pid_t tid);
/* PTRACE_GETREGSET of one regset (NT_PRSTATUS, ...) into buf: the
 * length the kernel gave, or -1. */
ssize_t stop_regset_read(pid_t tid, unsigned type, void *buf, size_t len);
/* op: what kind of stop; pidx_hint: personality from seccomp data or -1. */
int stop_read(pid_t tid, int op, int pidx_hint, struct stop_call *sc);
int stop_read_seccomp(pid_t tid, struct stop_call *sc, unsigned long *data);
enum { STOP_ENTRY = 1, STOP_EXIT = 2 };	/* PTRACE_SYSCALL_INFO_* */
int stop_read_syscall(pid_t tid, bool assume_entry, struct stop_call *sc,
		      int *op);
int stop_deny(struct thread *t, struct stop_call *sc, int64_t retval);
int stop_set_return(struct thread *t, int64_t retval);
int stop_brk_query(struct thread *t, struct stop_call *sc);
int stop_restore_args(struct thread *t);
/* The result of the call at an exit stop. */
int stop_return_value(pid_t tid, int64_t *rv);
/* Rewrite the call at an entry or seccomp stop. */
int stop_rewrite(struct thread *t, struct stop_call *sc, long nr,
		 const uint64_t args[6]);

/* verify.c */
bool files_shared_between(pid_t a, pid_t b);
bool vm_shared_between(pid_t a, pid_t b);
void verify_plan(struct thread *t, const struct mcall *c,
		 const struct facts *f, const struct personality *p);
struct range_piece;
/* mprotect checked piece by piece (n pieces, facts of each in pf):
 * where another thread could remap a piece before the kernel's
 * mprotect, verify every piece at the exit stop. */
void verify_plan_range(struct thread *t, const struct mcall *c,
		       const struct range_piece *pcs,
		       const struct facts *pf, size_t n);
void verify_at_exit(struct thread *t);
/* An allowed setrlimit/prlimit64 of RLIMIT_AS: verify at its exit. */
void rlimit_plan(struct thread *t, const struct mcall *c);
void rlimit_verify_at_exit(struct thread *t);
/* RLIMIT_AS = mem/vm_max on pid (0: memtrace itself, before exec);
 * 0, or -1 with errno. */
int rlimit_as_apply(pid_t pid);
/* Whether mem/vm_max is enforced (sandbox/mem on). */
bool rlimit_as_wanted(void);

/* Whether the thread must be resumed to its syscall-exit stop. */
bool wants_exit_stop(const struct thread *t);

/* vm.c */
int vm_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* maps.c: /proc/PID/maps, one line at a time. */
struct map_entry {
	uint64_t lo, hi, off;
	char perms[5];		/* "r-xp" */
	unsigned maj, min;	/* device */
	uint64_t ino;
	const char *path;	/* into the parsed line; "" if none */
};
/* Parse one line (its newline is cut); false if it is not a mapping. */
bool maps_parse(char *line, struct map_entry *e);
/* fn for every mapping in text (maps lines) until it returns true;
 * true if it did. */
bool maps_text_walk(const char *text,
		    bool (*fn)(const struct map_entry *e, void *arg),
		    void *arg);
/* The size of every mapping of tid together, from the maps text this
 * stop has read already (false if it has none): VmSize at most (the
 * text may list a gate area no mapping counts). */
bool maps_stop_size(pid_t tid, uint64_t *sum);
/* Call fn for every mapping of tid until it returns true. 0, or -1 if
 * the maps cannot be read. */
int maps_walk(pid_t tid, bool (*fn)(const struct map_entry *e, void *arg),
	      void *arg);
/* The first mapping of tid that match accepts, copied to out, its path
 * to path (len bytes; without a buffer out->path is ""). 1 if found, 0
 * if none, -1 if the maps cannot be read. */
int maps_find(pid_t tid, bool (*match)(const struct map_entry *e, void *arg),
	      void *arg, struct map_entry *out, char *path, size_t len);

/* fileref.c: opening the file a file_ref names (checks/check.h). */
/* The file, read-only (O_PATH if memtrace may not read it, unless
 * need_read), fstat'ed into st; -1 with errno (ENOENT: an fd that is
 * not open) and why set to a sentence saying what failed. */
int fileref_open(pid_t tid, const struct file_ref *r, bool need_read,
		 struct stat *st, char *why, size_t len);
/* The same, readable set to whether fd was opened for reading (not
 * O_PATH). */
int fileref_open_how(pid_t tid, const struct file_ref *r, bool need_read,
		     struct stat *st, bool *readable, char *why, size_t len);
/*
 * The tracee thread's own open file behind its fd (pidfd_getfd): the
 * very file its call passes to the kernel, so no new open (no FIFO or
 * device opened, no FUSE open request) and no fdinfo read beside it.
 * Its stat goes in st, its open flags (F_GETFL) in flags, and readable
 * says if it can be read (pread only: it shares the tracee's offset).
 * -1 with errno ENOENT: the fd is not open; FILEREF_NO_PIDFD where
 * the kernel cannot say (the caller opens /proc/PID/fd/N instead).
 */
#define FILEREF_NO_PIDFD (-2)
int fileref_take_fd(pid_t tid, int fd, struct stat *st, int *flags,
		    bool *readable);
/* The same, readable, and still the file want describes (dev, ino). */
int fileref_reopen(pid_t tid, const struct file_ref *r,
		   const struct stat *want, char *why, size_t len);
/* The directory holding path, as the tracee sees it (its root first),
 * opened O_PATH, if path there is the file st and not a mount point of
 * its own; -1 otherwise. Where dir_st is given, the directory's stat
 * (from the same statx) goes in it, and *dir_ok says if it is there. */
int fileref_parent(pid_t tid, const char *path, const struct stat *st,
		   struct stat *dir_st, bool *dir_ok);
/* Whether path names the file st (as fileref_parent). */
bool fileref_named(pid_t tid, const char *path, const struct stat *st);
/* why: memtrace may not read WHAT of the process (not dumpable). */
void fileref_proc_denied(pid_t tid, const char *what, char *why,
			 size_t len);

/* facts.c */
/* The facts in needs about c; the file's from ref if given (else from
 * f->ref if set, else as the call names it: its fd, or for mprotect
 * the first file mapped in its range). */
void facts_gather(pid_t tid, const struct mcall *c, const struct policy *p,
		  unsigned needs, const struct file_ref *ref, struct facts *f);
/* Everything the checks of p ask for about c, in checks/'s rounds
 * (check_facts: cheap facts first, then what check_needs_more asks
 * given those), the file's from ref as facts_gather. Facts already in
 * f are not read again. */
void facts_for_call(pid_t tid, const struct mcall *c, const struct policy *p,
		    const struct file_ref *ref, struct facts *f);
/* As facts_for_call, the file's facts read from fd: the caller's
 * readable open of ref, f->st its stat (the caller closes fd). */
void facts_for_open(pid_t tid, const struct mcall *c, const struct policy *p,
		    const struct file_ref *ref, int fd, struct facts *f);
/* The same, then the verdict (check_decide): warnings to warned. */
void facts_decide(pid_t tid, const struct mcall *c, const struct policy *p,
		  const struct file_ref *ref, struct facts *f,
		  struct verdict *v, warn_fn *warned, void *warn_arg);
/* A denial made because a /proc file of the process was refused to
 * memtrace says so (unless the message already does). */
void facts_explain(pid_t tid, const struct facts *f, struct verdict *v);
/* Rss (unless rss is NULL) and Pss of /proc/TID/smaps_rollup, in
 * bytes; 0 if all that was asked for was read. */
int facts_rollup(pid_t tid, uint64_t *rss, uint64_t *pss);
/* mprotect adding PROT_EXEC: one piece per mapping over its range,
 * each its own call (the part of the range in that mapping) and file
 * (a mapping, or none: anonymous memory). */
struct range_piece {
	struct mcall c;
	struct file_ref ref;
	char path[4096];	/* ref.path points here */
};
/* The pieces of c (malloc'd, range_pieces_free after); -1 if the maps
 * cannot be read. A range no mapping covers gives no piece. */
int range_pieces(pid_t tid, const struct mcall *c, struct range_piece **out,
		 size_t *n);
/* Whether c is checked piece by piece (mprotect adding PROT_EXEC). */
bool range_exec_call(const struct mcall *c);

/* log.c: writes records (text or JSON); report.c decides which. */
struct backtrace;
/* What a record shows beyond the call and its verdict. */
struct rec_extra {
	/* The file of the call's fd argument, as strace -y shows it;
	 * NULL: read from /proc/TID/fd/N when the record is written. */
	const char *fd_path;
	bool has_ret;		/* the call returned ret (-errno on failure) */
	int64_t ret;
	bool ret_lost;		/* the thread ended before its call returned */
	/* MSYS_EXEC: the program and its arguments (NUL-separated, as
	 * /proc/PID/cmdline holds them; argv_cut: the read was cut). */
	const char *exec_path;
	const char *argv;
	size_t argv_len;
	bool argv_cut;
};
/* One record; bt: its backtrace (-k), NULL for none. */
void log_emit(pid_t tid, pid_t tgid, const struct mcall *c,
	       const struct verdict *v, bool denied,
	       const struct backtrace *bt, const struct rec_extra *x);
/* -v: keep the record of allowed call c for its exit stop, with its
 * result (fd_path: from the facts, or NULL); record_write writes it
 * (report.c's report_at_exit, report_lost). */
void record_plan(struct thread *t, const struct mcall *c,
		 const struct verdict *v, const char *fd_path);
/* The call of t's kept record, NULL if none. */
const struct mcall *record_planned(const struct thread *t);
void record_write(struct thread *t, struct rec_extra *x,
		  const struct backtrace *bt);

/* report.c: the one way a verdict is reported. */
enum report_how {
	REPORT_COUNT = 1,	/* -c counts it */
	REPORT_LEARN = 2,	/* --learn learns from it */
	REPORT_WRITE = 4,	/* its record now */
	REPORT_DENIED = 8,	/* the record says the call failed */
	REPORT_PLAN = 16,	/* -v: its record at the exit stop */
};
/* Feed -c and --learn (an exec or a call alike) and write the record
 * (with its backtrace under -k), as how says; x: the record's extras
 * (NULL: none), f: the verdict's facts (NULL where none were read). */
void report(struct thread *t, const struct mcall *c, struct facts *f,
	    const struct verdict *v, unsigned how, const struct rec_extra *x);
/* -v's kept record at its call's exit stop, with the result; or "= ?"
 * when the thread ended first. */
void report_at_exit(struct thread *t);
void report_lost(struct thread *t);
/* Whether c's fd argument names a file (a file-backed mmap). */
bool call_has_fd(const struct mcall *c);
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The record of a fail-closed kill (exit.c's fail_closed). */
void log_kill(pid_t tgid, pid_t tid, const char *msg);
void format_call(const struct mcall *c, char *buf, size_t len);
/* s as a JSON string, quoted and escaped. */
void json_str(FILE *f, const char *s);
/* s for a text record: control characters and bytes that are not
 * UTF-8 escaped as strace does (\n, \t, \xHH), backslashes doubled. */
void text_str(FILE *f, const char *s);
/* Whether s is well-formed UTF-8. */
bool utf8_valid(const char *s);

/* program.c: the file checks on the new program and its interpreter,
 * at PTRACE_EVENT_EXEC; a refused program is killed (true). Counts the
 * exec for -c too. */
bool program_check(struct thread *t);

/* exe.c: the program's ELF header, from /proc/PID/exe. */
struct elf_head;
/* The personality the program of x runs in ("?" if none fits). */
const char *exe_pers(const struct elf_head *x);
/* Whether the exec of the program of x left READ_IMPLIES_EXEC clear
 * whatever the process had (its personality's exec_clears_rie, and a
 * PT_GNU_STACK that is not executable). */
bool exe_clears_rie(const struct elf_head *x);
/* The personality the program just exec'd runs in, from its ELF
 * header (x32 and x86_64 share a ptrace arch; the header tells). */
const char *program_pers(pid_t tid);

/* strace.c: strace's habits. */
/* -e ARG: sets T.opt.trace_*; 0, or -1 with a message in err. */
int trace_set_parse(const char *arg, char *err, size_t errlen);
/* Whether -v records call s (always, without -e). */
bool trace_selected(enum msys s);
/* -t, -tt, -ttt: the timestamp that starts a text line, if any. */
void stamp_print(FILE *f);
/* s, or its first -s N bytes and "..." in buf. */
const char *cut_string(const char *s, char *buf, size_t len);
/* -ff -o FILE: whether records go to FILE.PID; the directory check
 * before the start (0, or -1 with errno); the file of process pid;
 * its close when the process ends. */
bool ff_on(void);
int ff_check(void);
FILE *ff_file(pid_t pid);
void ff_close(pid_t pid);

/* hashcmd.c: memtrace --hash[=ALG] FILE...; the exit status. */
int hash_command(const char *alg, int argc, char **argv);

/* stack.c: backtraces of a stopped thread (-k). */
#define STACK_DEPTH_DEFAULT 32
#define STACK_DEPTH_MAX 256
struct bt_frame {
	uint64_t ip;
	char module[512];	/* "" if no mapping holds the IP */
	char func[256];		/* "" if no symbol was found */
	uint64_t off;		/* from func if known, else from the module */
};
struct backtrace {
	int n;
	struct bt_frame *frames;	/* n frames, innermost first */
	char end[256];		/* why the trace ended early, "" if it did not */
};
/* Unwind tid (stopped) of personality pers; never fails, never hangs:
 * what could not be unwound is said in bt->end. stack_free after. */
void stack_capture(pid_t tid, const char *pers, int depth,
		   struct backtrace *bt);
void stack_free(struct backtrace *bt);
/* Forget what libunwind cached (exec, map changes). */
void stack_flush(void);
/* The IP-only trace: the module of ip from a /proc/PID/maps text, and
 * why no more was unwound. Pure, for the unit tests. */
void stack_ip_only(const char *maps, uint64_t ip, const char *why,
		   struct backtrace *bt);
/* "yes (libunwind-ptrace)" or "no (built without libunwind)" */
const char *stack_support(void);

/* demangle.c: a C++ symbol name demangled in place (len bytes), else
 * left as it is; "yes (libiberty)" or "no (built without libiberty)". */
void symbol_demangle(char *name, size_t len);
const char *demangle_support(void);

/* summary.c: -c, --summary. */
void summary_start(void);
/* A decided memory call, its facts (VmSize and the break are read in
 * here when -c is on and the checks did not need them). */
void summary_call(pid_t tid, pid_t tgid, const struct mcall *c,
		  struct facts *f, const struct verdict *v);
void summary_exec(pid_t tgid, const char *pers);	/* PTRACE_EVENT_EXEC */
void summary_exec_verdict(const struct verdict *v);	/* its record */
void summary_finish(void);	/* print once, to the log */

/* learn.c: --learn FILE. */
/* Turn the policy into the learning run's: every check on, warn.
 * argv: the command, for the profile's header. */
int learn_setup(struct policy *pol, const char *file, char *const argv[]);
/* A decided memory call (PSS and VmSize are read into f). */
void learn_call(pid_t tid, pid_t tgid, const struct mcall *c,
		struct facts *f, const struct verdict *v);
/* The program or interpreter at exec (f: its facts, NULL if none). */
void learn_exec_record(pid_t tid, pid_t tgid, const struct mcall *c,
		       const struct facts *f, const struct verdict *v);
void learn_finish(void);	/* write FILE, once (output_failed if not) */
/* A learned memory limit: peak + 25%, rounded up to a MiB. */
uint64_t learn_limit(uint64_t peak);

/* handle.c: one memory call at a stop. */
void handle_call(struct thread *t, struct stop_call *sc);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
