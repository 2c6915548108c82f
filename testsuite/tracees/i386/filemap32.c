/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fd, append and mremap checks for the i386 personality, as
 * testsuite/tracees/filemap.c does them natively, with mmap2 (nr 192,
 * offset in pages) and old_mmap (nr 90, the six-word block, offset in
 * bytes). Usage: filemap32 deny|allow DIR
 *   deny:  the default policy plus append+DIR/ *.log
 *   allow: -m default/fd:allow -m default/mremap:allow, no append rule
 * Calls the kernel itself refuses fail the same way in both modes; in
 * deny mode memtrace refuses them first and writes a record.
 *
 * The file mapped executable is a small ELF header with a PT_GNU_STACK
 * of PF_R|PF_W, so that the stack check (which reads the headers of
 * every file mapped executable) has nothing to say about it: only the
 * fd check decides.
 */
#include "sys32.h"

#define NR_close 6
#define NR_mremap 163

#define O_RDONLY 0
#define O_RDWR 2
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_APPEND 02000

#define EPERM 1
#define EBADF 9
#define EINVAL 22

#define PAGE 4096

static inline long sys5(long n, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b),
			 "d"(c), "S"(d), "D"(e) : "memory");
	return r;
}

static void fail_msg(const char *what, const char *msg, long r)
{
	struct line l = { .n = 0 };
	l_str(&l, "FAIL: ");
	l_str(&l, what);
	l_str(&l, msg);
	l_dec(&l, r);
	l_str(&l, "\n");
	out(2, l.b);
	failed = 1;
}

/* The call must fail with -err (in both modes). */
static void expect_errno(const char *what, long r, int err)
{
	if (r != -err)
		fail_msg(what, ": unexpected result ", r);
}

/* The call must succeed. */
static void expect_ok(const char *what, long r)
{
	if (r < 0 && r > -4096)
		fail_msg(what, ": failed with ", r);
}

/* A call memtrace refuses with -err in deny mode and allows in allow
 * mode (where the kernel does it). */
static void expect_refused(const char *what, long r, int err)
{
	if (deny_mode)
		expect_errno(what, r, err);
	else
		expect_ok(what, r);
}

/* The record of a denial: "memtrace: deny i386 CALL = -ERR; WHAT[; path
 * PATH]; tip: -m TIP", written in deny mode only. */
static void rec(const char *call, const char *err, const char *what,
		const char *what2, const char *path, const char *tip,
		const char *tip2)
{
	struct line l = { .n = 0 };
	if (!deny_mode)
		return;
	l_str(&l, "memtrace: deny i386 ");
	l_str(&l, call);
	l_str(&l, " = -");
	l_str(&l, err);
	l_str(&l, "; ");
	l_str(&l, what);
	if (what2)
		l_str(&l, what2);
	if (path) {
		l_str(&l, "; path ");
		l_str(&l, path);
	}
	l_str(&l, "; tip: -m ");
	l_str(&l, tip);
	if (tip2)
		l_str(&l, tip2);
	l_str(&l, "\n");
	out(1, l.b);
}

/* "NAME(" + the mmap arguments + ")", old_mmap's in braces; offsets
 * as memtrace prints them: hexadecimal, 0 as 0. */
static void call_text(struct line *l, int old, long len, const char *prot,
		      const char *flags, long fd, unsigned long off)
{
	l_str(l, old ? "old_mmap({NULL, " : "mmap2(NULL, ");
	l_dec(l, len);
	l_str(l, ", ");
	l_str(l, prot);
	l_str(l, ", ");
	l_str(l, flags);
	l_str(l, ", ");
	l_dec(l, fd);
	l_str(l, ", ");
	if (off)
		l_hex(l, off);
	else
		l_str(l, "0");
	l_str(l, old ? "})" : ")");
}

static void path_in(struct line *l, const char *dir, const char *name)
{
	l->n = 0;
	l->b[0] = 0;
	l_str(l, dir);
	l_str(l, "/");
	l_str(l, name);
}

/*
 * Two pages: an ELF32 header with one program header, PT_GNU_STACK
 * PF_R|PF_W, then 0xc3 (ret) to the end.
 */
static char content[2 * PAGE];

static void make_content(void)
{
	static const unsigned char hdr[52 + 32] = {
		/* e_ident: ELFCLASS32, ELFDATA2LSB, EV_CURRENT */
		0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		3, 0,		/* e_type ET_DYN */
		3, 0,		/* e_machine EM_386 */
		1, 0, 0, 0,	/* e_version */
		0, 0, 0, 0,	/* e_entry */
		52, 0, 0, 0,	/* e_phoff */
		0, 0, 0, 0,	/* e_shoff */
		0, 0, 0, 0,	/* e_flags */
		52, 0,		/* e_ehsize */
		32, 0,		/* e_phentsize */
		1, 0,		/* e_phnum */
		40, 0,		/* e_shentsize */
		0, 0,		/* e_shnum */
		0, 0,		/* e_shstrndx */
		/* PT_GNU_STACK */
		0x51, 0xe5, 0x74, 0x64,	/* p_type */
		0, 0, 0, 0,	/* p_offset */
		0, 0, 0, 0,	/* p_vaddr */
		0, 0, 0, 0,	/* p_paddr */
		0, 0, 0, 0,	/* p_filesz */
		0, 0, 0, 0,	/* p_memsz */
		6, 0, 0, 0,	/* p_flags PF_R|PF_W */
		16, 0, 0, 0,	/* p_align */
	};
	for (unsigned i = 0; i < sizeof(content); i++)
		content[i] = i < sizeof(hdr) ? (char)hdr[i] : (char)0xc3;
}

/* Create (or truncate) PATH with FLAGS and write the two pages. */
static long make_file(const char *path, long flags)
{
	long fd = sys3(NR_open, (long)path, flags | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail_msg(path, ": open failed with ", fd);
		sys1(NR_exit, 1);
	}
	long w = sys3(NR_write, fd, (long)content, sizeof(content));
	if (w != (long)sizeof(content)) {
		fail_msg(path, ": write returned ", w);
		sys1(NR_exit, 1);
	}
	return fd;
}

/*
 * The fd check with each call: an executable mapping of a file open
 * for writing (EACCES), of the same file open read-only (allowed), of
 * an fd just closed (EBADF, from memtrace or the kernel, without a
 * record).
 */
static void fd_checks(const char *dir, int old)
{
	struct line path, call;
	const char *nm = old ? "old_mmap" : "mmap2";
	/* mmap2 takes pages, old_mmap bytes: the second page either way. */
	long off = old ? PAGE : 1;
	path_in(&path, dir, "code.bin");

	long rw = make_file(path.b, O_RDWR);
	long r = mmap32(old, 0, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, rw,
			off);
	call.n = 0;
	call_text(&call, old, PAGE, "PROT_READ|PROT_EXEC", "MAP_PRIVATE", rw,
		  off);
	rec(call.b, "EACCES", "fd: executable mapping of a file open for "
	    "writing", 0, path.b, "default/fd:allow", 0);
	expect_refused(nm, r, EACCES);

	long ro = sys3(NR_open, (long)path.b, O_RDONLY, 0);
	expect_ok("open read-only", ro);
	expect_ok(nm, mmap32(old, 0, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			     ro, off));

	/* An fd that is not open any more. */
	long gone = sys3(NR_open, (long)path.b, O_RDONLY, 0);
	expect_ok("open read-only", gone);
	expect_ok("close", sys1(NR_close, gone));
	r = mmap32(old, 0, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, gone, 0);
	expect_errno(nm, r, EBADF);

	sys1(NR_close, rw);
	sys1(NR_close, ro);
}

/*
 * The append rule (deny: append+DIR/ *.log): a shared mapping of a
 * matching file through a writable fd is refused (EPERM) with either
 * call, O_APPEND or not; a private one never reaches the file; a file
 * the rule does not match, through a writable O_APPEND fd, is refused
 * too while the rule exists (Syd's rule), and mapped without it.
 */
static void append_checks(const char *dir)
{
	struct line path, other, call, what, tip;
	path_in(&path, dir, "journal.log");
	path_in(&other, dir, "journal.dat");
	what.n = 0;
	l_str(&what, "append: shared mapping of an append-only file (rule "
	      "append+");
	l_str(&what, dir);
	l_str(&what, "/*.log)");
	tip.n = 0;
	l_str(&tip, "append-");
	l_str(&tip, dir);
	l_str(&tip, "/*.log");

	long fd = make_file(path.b, O_RDWR | O_APPEND);
	long rw = make_file(path.b, O_RDWR);
	for (int old = 0; old < 2; old++) {
		/* O_RDWR without O_APPEND: still the named file. */
		long r2 = mmap32(old, 0, PAGE, PROT_READ, MAP_SHARED, rw, 0);
		call.n = 0;
		call_text(&call, old, PAGE, "PROT_READ", "MAP_SHARED", rw, 0);
		rec(call.b, "EPERM", what.b, 0, path.b, tip.b, 0);
		expect_refused("shared map of a named file, O_RDWR", r2, EPERM);
		const char *nm = old ? "old_mmap shared append-only"
				     : "mmap2 shared append-only";
		long r = mmap32(old, 0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
		call.n = 0;
		call_text(&call, old, PAGE, "PROT_READ", "MAP_SHARED", fd, 0);
		rec(call.b, "EPERM", what.b, 0, path.b, tip.b, 0);
		expect_refused(nm, r, EPERM);
		/* Private mappings never reach the file. */
		expect_ok(old ? "old_mmap private append-only"
			      : "mmap2 private append-only",
			  mmap32(old, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0));
	}
	/* No rule matches the other file, but its fd is writable and
	 * O_APPEND. */
	long o = make_file(other.b, O_RDWR | O_APPEND);
	for (int old = 0; old < 2; old++) {
		long r = mmap32(old, 0, PAGE, PROT_READ | PROT_WRITE,
				MAP_SHARED, o, 0);
		call.n = 0;
		call_text(&call, old, PAGE, "PROT_READ|PROT_WRITE",
			  "MAP_SHARED", o, 0);
		rec(call.b, "EPERM", "append: shared mapping of a writable "
		    "O_APPEND fd while append rules are in force", 0, other.b,
		    "default/append:allow", 0);
		expect_refused("shared map of an unmatched O_APPEND fd", r,
			       EPERM);
	}
}

static void mremap_one(unsigned long a, long ol, long nl, long fl,
		       unsigned long na, const char *flags, const char *why)
{
	long r = sys5(NR_mremap, a, ol, nl, fl, na);
	struct line call = { .n = 0 };
	l_str(&call, "mremap(");
	l_hex(&call, a);
	l_str(&call, ", ");
	l_dec(&call, ol);
	l_str(&call, ", ");
	l_dec(&call, nl);
	l_str(&call, ", ");
	l_str(&call, flags);
	l_str(&call, ", ");
	if (na)
		l_hex(&call, na);
	else
		l_str(&call, "NULL");
	l_str(&call, ")");
	rec(call.b, "EINVAL", "mremap: invalid mremap: ", why, 0,
	    "default/mremap:allow", 0);
	expect_errno(why, r, EINVAL);
}

static void mremap_checks(void)
{
	long a = mmap32(0, 0, 3 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_ok("mmap2 for mremap", a);
	if (a < 0 && a > -4096)
		return;
	mremap_one(a, PAGE, 2 * PAGE, 8 | 1, 0, "MREMAP_MAYMOVE|0x8",
		   "unknown flags");
	/* 1 GiB more: over any memory limit of the case, but mremap's
	 * arguments come first (EINVAL). */
	mremap_one(a, PAGE, 1L << 30, 8, 0, "0x8", "unknown flags");
	mremap_one(a + 1, PAGE, 2 * PAGE, 1, 0, "MREMAP_MAYMOVE",
		   "old address is not page-aligned");
	mremap_one(a, PAGE, 0, 1, 0, "MREMAP_MAYMOVE", "new size is zero");
	mremap_one(a, PAGE, PAGE, 2, a + 2 * PAGE, "MREMAP_FIXED",
		   "MREMAP_FIXED or MREMAP_DONTUNMAP without MREMAP_MAYMOVE");
	mremap_one(a, PAGE, 2 * PAGE, 1 | 4, 0,
		   "MREMAP_MAYMOVE|MREMAP_DONTUNMAP",
		   "MREMAP_DONTUNMAP with different sizes");
	mremap_one(a, PAGE, PAGE, 1 | 2, a + 2 * PAGE + 5,
		   "MREMAP_MAYMOVE|MREMAP_FIXED",
		   "new address is not page-aligned");
	/* Valid calls pass: a shrink in place, and a growth that may
	 * move. */
	long s = sys5(NR_mremap, a, 3 * PAGE, PAGE, 0, 0);
	expect_ok("mremap shrink", s);
	if (s != a && !(s < 0 && s > -4096))
		fail_msg("mremap shrink", ": moved to ", s);
	expect_ok("mremap grow", sys5(NR_mremap, a, PAGE, 4 * PAGE, 1, 0));
}

int tracee_main(void)
{
	const char *dir = tracee_argc > 2 ? tracee_argv[2] : 0;
	if (!dir || !*dir) {
		out(2, "usage: filemap32 deny|allow DIR\n");
		return 2;
	}
	make_content();
	fd_checks(dir, 0);
	fd_checks(dir, 1);
	append_checks(dir);
	mremap_checks();
	return failed;
}
