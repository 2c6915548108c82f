/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Checks are pure decisions: (call, facts, policy) -> verdict.
 * They never call ptrace and never read /proc; the tracer gathers the
 * facts a check asks for (check_needs) and only those.
 */
#ifndef MEMTRACE_CHECK_H
#define MEMTRACE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "checks/call.h"
#include "policy.h"

/*
 * Where the facts of a file were read from, set by the tracer (no
 * check reads it): an fd of the tracee, its program (/proc/PID/exe),
 * a mapping (named by its range and the device and inode that
 * /proc/PID/maps gives it, opened through /proc/PID/map_files or by
 * its path inside the tracee's root, /proc/PID/root, and then proven
 * to be the mapped file), or no file at all (anonymous memory).
 */
enum file_src { FSRC_NONE, FSRC_FD, FSRC_EXE, FSRC_MAP, FSRC_ANON };
struct file_ref {
	enum file_src kind;
	int fd;				/* FSRC_FD */
	uint64_t lo, hi;		/* FSRC_MAP: the mapping */
	unsigned maj, min;		/* its device */
	uint64_t ino;			/* and inode, from the maps line */
	const char *path;		/* its path in the maps line, owned by
					 * whoever gathers the facts */
};

/* What the tracer found out, asked for by check_needs(). */
enum fact_bits {
	FACT_RANGE_PROT = 1u << 0,	/* protections now over [addr,len) */
	FACT_FD = 1u << 1,		/* fd flags, stat */
	FACT_VMSIZE = 1u << 2,
	FACT_PSS = 1u << 3,
	FACT_BRK = 1u << 4,		/* current program break */
	FACT_ELF = 1u << 5,		/* executable-stack inspection */
	FACT_HASH = 1u << 6,		/* force digest */
	FACT_SHM = 1u << 7,		/* shmat: the segment's size */
	FACT_PERSONA = 1u << 8,		/* at exec: the process's personality */
	FACT_DIR = 1u << 9,		/* after FACT_FD: the parent directory
					 * and the process's ids (TPE) */
	FACT_VMSIZE_EXACT = 1u << 10,	/* VmSize read, not a bound */
	FACT_PATH = 1u << 11,		/* after FACT_FD: the file's path
					 * (path, path_real, path_unnamed);
					 * asked for by the checks that
					 * match it, and by check_facts
					 * where a record may name it */
};

struct facts {
	unsigned have;			/* fact_bits gathered */
	unsigned failed;		/* fact_bits that could not be read */
	bool proc_denied;		/* a /proc file of the process was
					 * refused to memtrace (the process
					 * is not dumpable) */

	/* FACT_RANGE_PROT */
	bool range_mapped;		/* whole range covered by mappings */
	bool range_writable;		/* some part is writable now */
	bool range_exec;		/* some part is executable now */
	bool range_noexec;		/* some part is not executable now
					 * (a hole counts: nothing there is
					 * executable) */
	bool range_wx;			/* some part other than the stack
					 * is writable and executable now
					 * (at exec: any mapping of the
					 * process) */
	bool range_shared;		/* some part is a shared mapping */

	/* FACT_FD */
	struct file_ref ref;		/* where the file was read from */
	char file_err[256];		/* why FACT_FD failed (or why the
					 * file has no name), "" if unsaid */
	bool fd_exists;
	bool range_file;		/* mprotect: a file backs the range */
	int fd_flags;			/* open flags (O_*): F_GETFL of the
					 * tracee's own file, or fdinfo */
	struct stat st;			/* of the open file */

	/* FACT_PATH: "" until read */
	char path[4096];		/* canonical path or a description */
	bool path_real;			/* path names a file (not deleted) */
	bool path_unnamed;		/* no name memtrace can give the file
					 * (deeper than PATH_MAX) */

	/* FACT_DIR (its failure told in file_err) */
	bool dir_ok;
	struct stat dir_st;		/* of its parent directory */
	bool ids_read;			/* the three below are known */
	uid_t proc_uid;			/* the process's user */
	bool proc_in_tpe_gid;		/* member of tpe/gid */

	/* FACT_VMSIZE, FACT_PSS, FACT_BRK: bytes */
	uint64_t vmsize, pss, cur_brk;
	/* FACT_VMSIZE without FACT_VMSIZE_EXACT: vmsize is an upper bound
	 * the tracer keeps (the last VmSize read, plus what it allowed to
	 * grow since, plus room for the stack); a check that the bound
	 * does not settle asks for FACT_VMSIZE_EXACT. */
	bool vmsize_bound;
	/* What the process's other threads were allowed to add and whose
	 * calls have not returned yet (so VmSize and PSS may not show it
	 * yet): passed by the tracer with every memory call, bytes. */
	uint64_t pending;

	/* FACT_SHM: bytes */
	uint64_t shm_size;

	/* FACT_PERSONA: the personality(2) flags the process runs with
	 * after its exec, and why they could not be read */
	unsigned long persona;
	char persona_err[256];

	/* FACT_ELF */
	int elf_stack;			/* enum elf_stack */
	char elf_err[256];

	/* FACT_HASH */
	char hash_hex[129];
	int hash_alg;
};

/* The verdict of the checks on one call. */
struct verdict {
	enum action act;
	int err;			/* errno the call fails with */
	enum category cat;
	const char *check;		/* check name, e.g. "wx" */
	char msg[512];			/* room for two 128-digit digests */
	char tip[512];			/* a rule that would allow the call */
	char path[4096];		/* file involved, "" if none */
	bool has_path;
	/* mem: the numbers of a memory denial, as Syd's records carry
	 * them (mem_max, mem_cur, ...); a bit of mem_have per value. */
	unsigned mem_have;
	uint64_t mem_max, mem_cur, mem_vm_max, mem_vm_cur, mem_size;
};

enum mem_field_bits {
	MEMF_MAX = 1u << 0,		/* mem/max */
	MEMF_CUR = 1u << 1,		/* PSS read */
	MEMF_VM_MAX = 1u << 2,		/* mem/vm_max */
	MEMF_VM_CUR = 1u << 3,		/* VmSize read */
	MEMF_SIZE = 1u << 4,		/* the size the call asks for */
};

/* p will not change any more: the checks it enables are found once,
 * not at every call (the tracer's policy, once read); NULL: none is. */
void checks_freeze(const struct policy *p);

/* Facts the enabled checks need for this call (cheap ones first). */
unsigned check_needs(const struct mcall *c, const struct policy *p);

/*
 * Facts needed only if the cheap ones did not already decide: called
 * again with the facts gathered so far.
 */
unsigned check_needs_more(const struct mcall *c, const struct policy *p,
			  const struct facts *f);

void verdict_clear(struct verdict *v);

/*
 * Run every check, in the order of the table in checks/run.c; the
 * first that denies decides. v is that denial; without one, the first
 * warning; else an allow.
 */
void check_call(const struct mcall *c, const struct facts *f,
		const struct policy *p, struct verdict *v);

/*
 * The same, handing each warning met on the way (those before the
 * denial, if any) to warned, in the order of the checks, as Syd
 * records each: every warning is a record of its own.
 */
typedef void warn_fn(const struct verdict *w, void *arg);
void check_call_warn(const struct mcall *c, const struct facts *f,
		     const struct policy *p, struct verdict *v,
		     warn_fn *warned, void *arg);

/*
 * The facts-in-rounds protocol, the one way a call is decided (by the
 * tracer and by the unit tests alike). fetch reads the facts in needs
 * about c into f, marking each it read in f->have and each it could
 * not in f->failed (a fact it leaves unmarked is asked for again, up
 * to a bound of rounds, then counts as unread); checks never read
 * them themselves.
 */
typedef void fetch_fn(const struct mcall *c, const struct policy *p,
		      unsigned needs, struct facts *f, void *arg);
/* Every fact the checks of p ask for about c: the cheap ones first
 * (check_needs), then what check_needs_more asks given those, until
 * no check asks for more. Facts already in f (have or failed) are not
 * asked for again. */
void check_facts(const struct mcall *c, const struct policy *p,
		 fetch_fn *fetch, void *arg, struct facts *f);
/* check_facts, then check_call_warn on those facts. */
void check_decide(const struct mcall *c, const struct policy *p,
		  fetch_fn *fetch, void *arg, struct facts *f,
		  struct verdict *v, warn_fn *warned, void *warn_arg);

/* The names of the checks in the order check_call runs them, NULL
 * at the end (for the unit tests that pin the order). */
const char *const *check_order(void);

/*
 * When a call may be denied, as seccomp can test it: always, or when
 * one of the register arguments has one of the bits of a mask set.
 * The filter is compiled from this, so a call no enabled check can
 * deny never stops.
 */
#define FILTER_MAX_CONDS 8
enum cond_op {
	COND_BITS,		/* stop if (arg & mask) != 0 */
	COND_EQ,		/* stop if (arg & mask) == value (mask 0: all) */
	COND_GE,		/* stop if arg >= value (unsigned) */
	COND_NE,		/* stop if arg != value (all its bits) */
	COND_TRACER_PID,	/* stop if (u32)arg == memtrace's pid */
};
/*
 * Widths: the kernel reads many arguments as an int, and a filter
 * that compared all 64 bits would let a call with a high bit set
 * through. COND_EQ on such an argument masks it (WIDTH32); COND_BITS
 * tests only the bits it names, whatever the width.
 */
#define WIDTH32 0xffffffffULL
/* The argument that holds clone's flags on the personality (s390: 1):
 * the filter compiler resolves it. */
#define ARG_CLONE_FLAGS (-1)
struct filter_cond {
	int arg;		/* register argument index */
	enum cond_op op;
	uint64_t mask;
	uint64_t value;
	/* And also (and_bits != 0): argument and_arg has one of these
	 * bits set. */
	int and_arg;
	uint64_t and_bits;
};
struct filter_need {
	bool always;
	int fail_errno;		/* != 0: fail in the kernel, never stop */
	int ncond;
	struct filter_cond cond[FILTER_MAX_CONDS];
};

/* Merge what every enabled check needs for calls of kind s. */
void check_filter_needs(enum msys s, const struct policy *p,
			struct filter_need *out);

/* Helpers for checks describing their needs. */
void filter_need_always(struct filter_need *n);
void filter_need_bits(struct filter_need *n, int arg, uint64_t mask);
void filter_need_cmp(struct filter_need *n, int arg, enum cond_op op,
		     uint64_t value);
/* Stop if (arg & mask) == value: an argument at the kernel's width. */
void filter_need_eq(struct filter_need *n, int arg, uint64_t mask,
		    uint64_t value);
/* The same, and argument and_arg has one of and_bits set. */
void filter_need_eq_and_bits(struct filter_need *n, int arg, uint64_t mask,
			     uint64_t value, int and_arg, uint64_t and_bits);
/* Stop if argument arg, a pid, is memtrace's own. */
void filter_need_tracer_pid(struct filter_need *n, int arg);
/* Fail the call in the kernel with errno e: no stop at all. */
void filter_need_errno(struct filter_need *n, int e);

/*
 * Why the kernel would fail mremap c with EINVAL, NULL if it would
 * not, with pages of page bytes (checks/mremap.c).
 */
const char *mremap_invalid(const struct mcall *c, uint64_t page);

/* The host's page size, and v rounded up to it (saturating). */
uint64_t page_size(void);
uint64_t page_align(uint64_t v);

/*
 * The size a call asks for, page-rounded, as the mem check counts it
 * (brk: growth over f->cur_brk, which needs FACT_BRK). false, with 0,
 * when that is not known (checks/mem.c).
 */
bool mem_request(const struct mcall *c, const struct facts *f,
		 uint64_t *req);
/* The same, 0 when not known: what -c and --learn add up. */
uint64_t call_request(const struct mcall *c, const struct facts *f);
/* Whether the memory limits are on (sandbox/mem and a limit): the
 * tracer then counts what it allowed until the call returns. */
bool mem_limits_on(const struct policy *p);
/* setrlimit or prlimit64 setting RLIMIT_AS (checks/mem.c). */
bool mem_rlimit_as(const struct mcall *c);
/* setrlimit, or prlimit64 with new limits (not a query). */
bool rlimit_sets(const struct mcall *c);
/* A limit with room above need, for tips and --learn: need + 25%, and
 * at least MEM_HEADROOM_MIN more, rounded up to a MiB. A rerun of the
 * same command reads other numbers (PSS moves by pages between runs,
 * VmSize with the layout), so a limit just above need could refuse
 * it. UINT64_MAX where that overflows (no limit can be written). */
#define MEM_HEADROOM_PCT 25
#define MEM_HEADROOM_MIN ((uint64_t)4 << 20)
uint64_t mem_headroom(uint64_t need);

/* Set a deny verdict for category cat (taking its default action). */
void verdict_set(struct verdict *v, const struct policy *p,
		 enum category cat, const char *check, int err,
		 const char *tip, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

#endif
