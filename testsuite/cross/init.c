/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * /init of the check-cross initramfs, built static for each target.
 * It mounts /proc, /sys, /dev and /tmp, runs the cross cases and prints
 * one line per case on the console (PASS/FAIL/SKIP <arch>/<case>), then
 * "CROSS-DONE <arch>" and powers the machine off. The host reads the
 * result from the console log (testsuite/cross/run-qemu.sh).
 *
 * The initramfs holds:
 *   /bin/memtrace        the static memtrace of the target
 *   /t/xwx, /t/xbrk      cross tracees of the native personality
 *   /t/xbt               the native -k case: main -> xbt_caller ->
 *                        xbt_map_rwx -> a refused RWX mapping
 *   /t/xoldmmap          s390x: old_mmap with a block of 64-bit words
 *   /t/xwx-arm           aarch64: the arm (EABI) personality
 *   /t/i386/...          x86_64: the i386 personality (make tracees):
 *                        wx32, mapfile32, memgrow32, race32, filemap32
 *   /t/x32/...           x86_64: the x32 personality (make tracees):
 *                        wxx32, mixx32 (run-qemu.sh boots with
 *                        syscall.x32=y)
 *   /t/lib/libexecstack.so  x86_64: a PT_GNU_STACK RWX library for
 *                        mapfile32 (mk/testlibs.mk's, built by build.sh)
 *
 * A case runs a tracee under memtrace the way testsuite/lib.sh's
 * tracee_case does: in each of the four modes (seccomp or ptrace-only,
 * syscall info or registers), the tracee must exit 0, MEMTRACE_STATS
 * must show the mode asked for, and memtrace's records (-o FILE, with
 * " pid=N tid=N" removed) must equal what the tracee printed.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH "x86_64"
#elif defined(__aarch64__)
#define ARCH "aarch64"
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH "riscv64"
#elif defined(__s390x__)
#define ARCH "s390x"
#elif defined(__arm__)
#define ARCH "arm"
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define ARCH "ppc64le"
#elif defined(__loongarch64)
#define ARCH "loongarch64"
#else
#error "no cross init for this architecture"
#endif

#define MT "/bin/memtrace"
#define CASE_TIMEOUT 120	/* seconds, one memtrace run */

static int npass, nfail, nskip;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w <= 0)
			break;
		off += w;
	}
}

static void pass(const char *name)
{
	npass++;
	say("PASS " ARCH "/%s", name);
}

static void fail(const char *name, const char *why)
{
	nfail++;
	say("FAIL " ARCH "/%s: %s", name, why);
}

static void skip(const char *name, const char *why)
{
	nskip++;
	say("SKIP " ARCH "/%s: %s", name, why);
}

/* The whole of a small file, NUL-terminated, newlines kept; "" if none. */
static char *slurp(const char *path)
{
	static char bufs[4][65536];
	static int next;
	char *b = bufs[next++ % 4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	b[0] = '\0';
	if (fd < 0)
		return b;
	for (;;) {
		ssize_t r = read(fd, b + n, sizeof(bufs[0]) - 1 - n);
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	b[n] = '\0';
	return b;
}

/* One line of text for a result line: newlines as '|', cut at max. */
static const char *oneline(const char *s, size_t max)
{
	static char b[1024];
	size_t i;

	if (max > sizeof(b) - 1)
		max = sizeof(b) - 1;
	for (i = 0; s[i] && i < max; i++)
		b[i] = s[i] == '\n' ? '|' : s[i];
	b[i] = '\0';
	return b;
}

/* "5</t/xwx>" -> "5": the file of a fd argument, as -y shows it. */
static void strip_fd_paths(char *s)
{
	char *w = s, *r = s;

	while (*r) {
		if (strchr("(, {", *r) && r[1] >= '0' && r[1] <= '9') {
			char *d = r + 1, *e;
			while (*d >= '0' && *d <= '9')
				d++;
			if (*d == '<' && (e = strchr(d, '>')) &&
			    !memchr(d, '\n', (size_t)(e - d))) {
				memmove(w, r, (size_t)(d - r));
				w += d - r;
				r = e + 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* "execve(PATH, [ARGV]) = 0" -> "execve()", up to the last ") = 0"
 * of the line that a ';' or the line's end follows (as the text
 * records of an exec read before the exec showed its program). */
static void strip_exec_args(char *s)
{
	for (char *p = s; (p = strstr(p, "execve(")); ) {
		char *eol = strchr(p, '\n'), *end = NULL;
		char *lim = eol ? eol : p + strlen(p);
		for (char *q = p; (q = strstr(q, ") = 0")) && q < lim; q++)
			if (q + 5 == lim || q[5] == ';')
				end = q;
		p += 7;
		if (end) {
			*p = ')';
			memmove(p + 1, end + 5, strlen(end + 5) + 1);
			p++;
		}
	}
}

/* Remove " pid=N tid=N", fd files and exec arguments (lib.sh's
 * normalise). */
static void normalise(char *s)
{
	char *p;

	strip_fd_paths(s);
	strip_exec_args(s);

	while ((p = strstr(s, " pid="))) {
		char *q = p + 5;
		while (*q >= '0' && *q <= '9')
			q++;
		if (strncmp(q, " tid=", 5))
			break;
		q += 5;
		while (*q >= '0' && *q <= '9')
			q++;
		memmove(p, q, strlen(q) + 1);
	}
}

/*
 * Run argv with the given environment, stdout and stderr to files;
 * wait at most CASE_TIMEOUT seconds. Returns the wait status, or -1
 * with *why set.
 */
static int run(char *const argv[], char *const envp[], const char *out,
	       const char *err, const char **why)
{
	pid_t pid = fork();

	if (pid < 0) {
		*why = "fork failed";
		return -1;
	}
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		execve(argv[0], argv, envp);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < CASE_TIMEOUT * 50; i++) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR) {
			*why = "waitpid failed";
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	*why = "timed out";
	return -1;
}

static const char *status_text(int st)
{
	static char b[64];

	if (WIFEXITED(st))
		snprintf(b, sizeof(b), "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof(b), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(b, sizeof(b), "wait status %#x", st);
	return b;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* After a failure: the first lines of a file on the console, indented
 * (not result lines; the host keeps them in the console log). */
static void dump(const char *label, const char *path)
{
	char *t = slurp(path);
	int lines = 0;

	while (*t && lines < 16) {
		char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);
		say("    %s: %.*s", label, (int)(n > 300 ? 300 : n), t);
		lines++;
		t += n + (nl ? 1 : 0);
	}
}

static void dump_case(void)
{
	dump("expected", "/tmp/expected");
	dump("log", "/tmp/log");
	dump("stderr", "/tmp/stderr");
	dump("stats", "/tmp/stats");
}

/* NAME fails with the formatted reason; the case's files follow. */
static void fail_case(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_case(const char *name, const char *fmt, ...)
{
	char why[1600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fail(name, why);
	dump_case();
}

static const char *const modes[] = {
	"seccomp,info", "seccomp,regs", "ptrace,info", "ptrace,regs",
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

/*
 * Run memtrace in MODE (seccomp or ptrace-only, syscall info or
 * registers) on the tracee: memtrace [--no-seccomp] MARGS -o /tmp/log
 * -- TARGV, stdout to /tmp/expected, stderr to /tmp/stderr, stats to
 * /tmp/stats. Returns the wait status, or -1 after reporting FULL as
 * failed (no status).
 */
static int mode_run(const char *full, const char *mode,
		    const char *const targv[], const char *const margs[])
{
	char *argv[32], *envp[4];
	int n = 0;
	int ptrace_only = !strncmp(mode, "ptrace", 6);
	int regs = strstr(mode, ",regs") != NULL;

	argv[n++] = MT;
	if (ptrace_only)
		argv[n++] = "--no-seccomp";
	for (int i = 0; margs && margs[i]; i++)
		argv[n++] = (char *)margs[i];
	argv[n++] = "-o";
	argv[n++] = "/tmp/log";
	argv[n++] = "--";
	for (int i = 0; targv[i]; i++)
		argv[n++] = (char *)targv[i];
	argv[n] = NULL;
	envp[0] = regs ? "MEMTRACE_FORCE_REGS=1" : "MEMTRACE_FORCE_REGS=0";
	envp[1] = "MEMTRACE_STATS=/tmp/stats";
	envp[2] = "PATH=/bin";
	envp[3] = NULL;
	unlink("/tmp/log");
	unlink("/tmp/stats");

	const char *err = NULL;
	int st = run(argv, envp, "/tmp/expected", "/tmp/stderr", &err);
	if (st == -1)
		fail_case(full, "%s: %s", err,
			  oneline(slurp("/tmp/stderr"), 300));
	return st;
}

/* MEMTRACE_STATS shows the mode asked for; else FULL fails. */
static int mode_ok(const char *full, const char *mode)
{
	char *stats = slurp("/tmp/stats");
	const char *want_mode = strncmp(mode, "ptrace", 6) ? "mode=seccomp"
							   : "mode=ptrace";
	const char *want_info = strstr(mode, ",regs") ? "info=0" : "info=1";

	if (has_line(stats, want_mode) && has_line(stats, want_info))
		return 1;
	fail_case(full, "stats lack %s / %s: %s", want_mode, want_info,
		  oneline(stats, 200));
	return 0;
}

/* FULL fails with the exit status and the start of stderr. */
static void fail_status(const char *full, int st)
{
	fail_case(full, "%s: %s", status_text(st),
		  oneline(slurp("/tmp/stderr"), 300));
}

/* Run a case in MODE. Its log, normalised, when memtrace exited 0 in
 * the mode asked for; else NULL, the failure reported. */
static char *mode_clean_log(const char *full, const char *mode,
			    const char *const targv[],
			    const char *const margs[])
{
	int st = mode_run(full, mode, targv, margs);
	if (st == -1)
		return NULL;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fail_status(full, st);
		return NULL;
	}
	if (!mode_ok(full, mode))
		return NULL;
	char *log = slurp("/tmp/log");
	normalise(log);
	return log;
}

/*
 * tracee_case: NAME [MODE], tracee argv, extra memtrace args (NULL-
 * terminated lists).
 */
static void tracee_case(const char *name, const char *mode,
			const char *const targv[], const char *const margs[])
{
	char full[256];

	snprintf(full, sizeof(full), "%s [%s]", name, mode);
	char *log = mode_clean_log(full, mode, targv, margs);
	if (!log)
		return;
	char *exp = slurp("/tmp/expected");
	if (strcmp(log, exp)) {
		/* The first line that differs. */
		size_t i = 0, ls = 0;
		while (log[i] && log[i] == exp[i]) {
			if (log[i] == '\n')
				ls = i + 1;
			i++;
		}
		char e1[400], g1[400];
		snprintf(e1, sizeof(e1), "%s", oneline(exp + ls, 300));
		snprintf(g1, sizeof(g1), "%s", oneline(log + ls, 300));
		fail_case(full, "records differ at byte %zu: expected \"%s\" "
			  "got \"%s\"", ls, e1, g1);
		return;
	}
	pass(full);
}

static void wx_cases(const char *label, const char *tracee)
{
	static const char *const allow[] = {
		"-m", "trace/allow_unsafe_exec_memory:1", NULL
	};
	char name[128];

	for (size_t m = 0; m < NMODES; m++) {
		const char *d[] = { tracee, "deny", NULL };
		const char *a[] = { tracee, "allow", NULL };
		snprintf(name, sizeof(name), "%s/deny", label);
		tracee_case(name, modes[m], d, NULL);
		snprintf(name, sizeof(name), "%s/allow", label);
		tracee_case(name, modes[m], a, allow);
	}
}

/*
 * Whether this kernel runs the program at all (arm compat, IA32): it
 * does unless exec fails (ENOEXEC). A program that runs but fails on
 * its own is left to the cases, which then report it.
 */
__attribute__((unused))
static int runs(const char *path, char *why, size_t len)
{
	char *argv[] = { (char *)path, "allow", NULL };
	char *envp[] = { NULL };
	const char *err = NULL;

	if (access(path, X_OK)) {
		snprintf(why, len, "%s is not in the initramfs", path);
		return 0;
	}
	int st = run(argv, envp, "/tmp/probe.out", "/tmp/probe.err", &err);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127 &&
	    !strncmp(slurp("/tmp/probe.err"), "exec ", 5)) {
		snprintf(why, len, "this kernel does not run %s (%s)", path,
			 oneline(slurp("/tmp/probe.err"), 200));
		return 0;
	}
	return 1;
}

/* Whether TEXT has a line matching the basic regular expression RE. */
static int has_match(const char *text, const char *re)
{
	regex_t rx;

	if (regcomp(&rx, re, REG_NOSUB | REG_NEWLINE))
		return 0;
	int m = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

/*
 * NAME/summary: memtrace -c runs TRACEE allow (W^X allowed, as the
 * allow case of wx_cases runs it), and its summary counts
 * the exec in the personality the program runs in: a row "execve PERS
 * 1 1 ..." (x32 and x86_64 share a ptrace arch; only the program's
 * ELF header tells them apart).
 */
static void summary_exec_case(const char *name, const char *tracee,
			      const char *pers)
{
	char *argv[] = { MT, "-c", "-m", "trace/allow_unsafe_exec_memory:1",
			 (char *)tracee, "allow", NULL };
	char *envp[] = { NULL };
	char full[160], re[160], why[800];
	const char *err = NULL;

	snprintf(full, sizeof(full), "%s/summary", name);
	int st = run(argv, envp, "/tmp/out", "/tmp/err", &err);
	if (st == -1) {
		fail(full, err);
		return;
	}
	char *text = slurp("/tmp/err");
	snprintf(re, sizeof(re), "^execve  *%s  *1  *1  *0  *0 ", pers);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, sizeof(why), "memtrace -c %s allow: %s: %s",
			 tracee, status_text(st), oneline(text, 400));
		fail(full, why);
	} else if (!has_match(text, re)) {
		snprintf(why, sizeof(why), "no summary row /%s/: %s", re,
			 oneline(text, 600));
		fail(full, why);
	} else {
		pass(full);
	}
}

/*
 * Whether memtrace was built with libunwind, from its --version line
 * "backtraces: ...": 1 yes, 0 no (built without libunwind), -1 neither
 * (the line is put in LINE either way, for the result line).
 */
static int memtrace_unwinds(char *line, size_t len)
{
	char *argv[] = { MT, "--version", NULL };
	char *envp[] = { NULL };
	const char *err;

	snprintf(line, len, "no \"backtraces:\" line");
	run(argv, envp, "/tmp/version", "/tmp/version.err", &err);
	char *v = slurp("/tmp/version"), *b = strstr(v, "backtraces: ");
	if (b && (b == v || b[-1] == '\n'))
		snprintf(line, len, "%.*s", (int)strcspn(b, "\n"), b);
	if (has_line(v, "backtraces: yes (libunwind-ptrace)"))
		return 1;
	if (has_line(v, "backtraces: no (built without libunwind)"))
		return 0;
	return -1;
}

/*
 * The records of a -k log without their frames, to compare with what
 * the tracee printed.
 */
struct bt_recs {
	char text[8192];
	size_t len;
	int n;
};

static void bt_recs_add(struct bt_recs *r, const char *line)
{
	r->len += snprintf(r->text + r->len, sizeof(r->text) - r->len, "%s\n",
			   line);
	if (r->len >= sizeof(r->text))
		r->len = sizeof(r->text) - 1;
	r->n++;
}

/* NULL if there are records and they are those the tracee printed;
 * else why not (in WHY, or a constant). */
static const char *bt_recs_bad(const struct bt_recs *r, char *why,
			       size_t len)
{
	if (strcmp(r->text, slurp("/tmp/expected"))) {
		snprintf(why, len, "records with -k differ from the tracee's: "
			 "\"%s\"", oneline(r->text, 600));
		return why;
	}
	return r->n ? NULL : "no records";
}

#if defined(__x86_64__)
/*
 * x32/mixx32/backtrace: mixx32 deny under memtrace -k (one mode). Its
 * x86_64 call (no x32 bit) comes from an x32 program, whose ELF32
 * modules libunwind built for x86_64 cannot read: the record must get
 * the IP-only frame and the note naming x32, as its x32 call's does.
 */
static void mixx32_backtrace_case(void)
{
	static const char *const margs[] = { "-k", NULL };
	const char *d[] = { "/t/x32/mixx32", "deny", NULL };
	const char *full = "x32/mixx32/backtrace [seccomp,info]";
	static const char note[] = "    -- x32 process: the IP and its "
		"module only; full unwinding needs a native x32 build of "
		"memtrace";

	char *log = mode_clean_log(full, "seccomp,info", d, margs);
	if (!log)
		return;
	char *rec = strstr(log, " x86_64 mmap(");
	char *frame = rec ? strchr(rec, '\n') : NULL;
	char *end = frame ? strchr(frame + 1, '\n') : NULL;
	if (!end || strncmp(frame + 1, "    #0  /t/x32/mixx32(+0x", 25) ||
	    strncmp(end + 1, note, sizeof(note) - 1) ||
	    (end[sizeof(note)] != '\n' && end[sizeof(note)] != '\0')) {
		fail_case(full, "want the x86_64 mmap record, its IP-only "
			  "frame and \"%s\"; log: %s", note + 7,
			  oneline(log, 600));
		return;
	}
	pass(full);
}

/* Whether /t/i386/NAME is in the initramfs; if not, the cases of
 * i386/NAME are skipped, saying so. */
static int have_i386(const char *name)
{
	char path[64], group[96], why[128];

	snprintf(path, sizeof(path), "/t/i386/%s", name);
	if (!access(path, X_OK))
		return 1;
	snprintf(group, sizeof(group), "i386/%s [all modes]", name);
	snprintf(why, sizeof(why), "%s is not in the initramfs", path);
	skip(group, why);
	return 0;
}

/*
 * The i386 file check (testsuite/cases/files.sh): mapfile32 maps a
 * PT_GNU_STACK RWX library executable with mmap2 and old_mmap; denied
 * by default with the records the tracee prints, allowed with
 * trace/allow_unsafe_exec_stack:1.
 */
#define EXECSTACK_LIB "/t/lib/libexecstack.so"
static void mapfile32_cases(void)
{
	static const char *const allow[] = {
		"-m", "trace/allow_unsafe_exec_stack:1", NULL
	};
	const char *d[] = { "/t/i386/mapfile32", "deny", EXECSTACK_LIB, NULL };
	const char *a[] = { "/t/i386/mapfile32", "allow", EXECSTACK_LIB, NULL };

	if (access(d[0], X_OK) || access(EXECSTACK_LIB, R_OK)) {
		skip("i386/mapfile32 [all modes]", "/t/i386/mapfile32 or "
		     EXECSTACK_LIB " is not in the initramfs");
		return;
	}
	for (size_t m = 0; m < NMODES; m++) {
		tracee_case("i386/mapfile32", modes[m], d, NULL);
		tracee_case("i386/mapfile32-allow", modes[m], a, allow);
	}
}

/*
 * The i386 memory sandbox (testsuite/cases/mem.sh): memgrow32 grows by
 * old_mmap and by brk; under mem/vm_max:8M both are refused with their
 * records, under mem/vm_max:1G neither is and nothing is recorded.
 */
#define LIMIT_B "8388608"
static void memgrow32_cases(void)
{
	static const char *const deny_args[] = {
		"-m", "sandbox/mem:on", "-m", "mem/vm_max:8M", NULL
	};
	static const char *const allow_args[] = {
		"-m", "sandbox/mem:on", "-m", "mem/vm_max:1G", NULL
	};
	static const char *const deny_re[] = {
		"^memtrace: deny pid=[0-9]* tid=[0-9]* i386 old_mmap({NULL, "
		"1048576, .* = -ENOMEM; mem: VmSize [0-9]* + 1048576 requested "
		">= mem/vm_max " LIMIT_B "; tip: -m mem/vm_max:[0-9]*[KMGT]*$",
		"^memtrace: deny pid=[0-9]* tid=[0-9]* i386 brk(0x[0-9a-f]*) = "
		"break unchanged; mem: VmSize [0-9]* + 65536 requested >= "
		"mem/vm_max " LIMIT_B "; tip: -m mem/vm_max:[0-9]*[KMGT]*$",
		NULL
	};
	static const char *const out_re[] = {
		"^memgrow32 old_mmap: ENOMEM after [0-9]* bytes$",
		"^memgrow32 brk: refused after [0-9]* bytes$",
		NULL
	};
	const char *d[] = { "/t/i386/memgrow32", "deny", NULL };
	const char *a[] = { "/t/i386/memgrow32", "allow", NULL };
	char full[128], why[1200];

	if (!have_i386("memgrow32"))
		return;
	for (size_t m = 0; m < NMODES; m++) {
		snprintf(full, sizeof(full), "i386/memgrow32/deny [%s]",
			 modes[m]);
		int st = mode_run(full, modes[m], d, deny_args);
		if (st != -1) {
			const char *miss = NULL;
			char *log = slurp("/tmp/log");
			char *out = slurp("/tmp/expected");
			for (int i = 0; !miss && deny_re[i]; i++)
				if (!has_match(log, deny_re[i]))
					miss = i ? "no brk record" :
						   "no old_mmap record";
			for (int i = 0; !miss && out_re[i]; i++)
				if (!has_match(out, out_re[i]))
					miss = i ? "brk was not refused" :
						   "old_mmap was not refused";
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fail_status(full, st);
			} else if (miss) {
				snprintf(why, sizeof(why), "%s; tracee: %s; "
					 "records: ", miss, oneline(out, 300));
				fail_case(full, "%s%s", why, oneline(log, 400));
			} else if (mode_ok(full, modes[m])) {
				pass(full);
			}
		}
		snprintf(full, sizeof(full), "i386/memgrow32/allow [%s]",
			 modes[m]);
		st = mode_run(full, modes[m], a, allow_args);
		if (st == -1)
			continue;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fail_status(full, st);
		} else if (*slurp("/tmp/log")) {
			fail_case(full, "records under mem/vm_max:1G: %s",
				  oneline(slurp("/tmp/log"), 400));
		} else if (mode_ok(full, modes[m])) {
			pass(full);
		}
	}
}

/*
 * The whole of the file PATH, any size (slurp() stops at 64K),
 * NUL-terminated, in a buffer to free(); its length in *LEN. NULL if it
 * cannot be read.
 */
static char *read_whole(const char *path, size_t *len)
{
	struct stat sb;
	char *text = NULL;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &sb) && (text = malloc(sb.st_size + 1))) {
		for (ssize_t r; n < (size_t)sb.st_size &&
		     (r = read(fd, text + n, sb.st_size - n)) > 0;)
			n += r;
		text[n] = '\0';
	}
	close(fd);
	*len = n;
	return text;
}

/*
 * Lines of the file PATH (-1 if it cannot be read), and how many of
 * them contain both A and B; the first line that does not, in OTHER
 * (empty if none).
 */
static long count_lines(const char *path, const char *a, const char *b,
			long *with, char *other, size_t olen)
{
	long lines = 0;
	size_t n;
	char *text = read_whole(path, &n);

	*with = 0;
	other[0] = '\0';
	if (!text)
		return -1;
	for (char *t = text; *t;) {
		char *nl = strchr(t, '\n');
		if (nl)
			*nl = '\0';
		lines++;
		if (strstr(t, a) && strstr(t, b))
			(*with)++;
		else if (!other[0])
			snprintf(other, olen, "%s", t);
		t = nl ? nl + 1 : t + strlen(t);
	}
	free(text);
	return lines;
}

/*
 * The old_mmap block race: race32 flips the block's prot between
 * PROT_READ and RWX from a second thread while calling old_mmap on it.
 * memtrace maps what it checked (old_mmap becomes mmap2), so the tracee
 * finds no RWX mapping (exit 0), and there is one wx record naming
 * old_mmap per EACCES the tracee counted. race32/detector: with
 * trace/allow_unsafe_exec_memory:1 the RWX mappings are real, and the
 * tracee must say so (exit 3): its check can fail.
 */
static void race32_cases(void)
{
	static const char *const allow[] = {
		"-m", "trace/allow_unsafe_exec_memory:1", NULL
	};
	const char *d[] = { "/t/i386/race32", "deny", NULL };
	const char *a[] = { "/t/i386/race32", "allow", NULL };
	char full[128], why[1200];

	if (!have_i386("race32"))
		return;
	for (size_t m = 0; m < NMODES; m++) {
		snprintf(full, sizeof(full), "i386/race32 [%s]", modes[m]);
		int st = mode_run(full, modes[m], d, NULL);
		if (st == -1)
			continue;
		char *out = slurp("/tmp/expected");
		if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
			fail_case(full, "a writable and executable mapping "
				  "appeared: %s", oneline(out, 400));
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fail_status(full, st);
			continue;
		}
		if (!mode_ok(full, modes[m]))
			continue;
		long calls = -1, denied = -1, allowed = -1;
		const char *c = strstr(out, "race32: ");
		if (!c || sscanf(c, "race32: %ld calls, %ld denied, %ld allowed",
				 &calls, &denied, &allowed) != 3) {
			fail_case(full, "no counts from the tracee: %s",
				  oneline(out, 300));
			continue;
		}
		long wx;
		char other[400];
		long lines = count_lines("/tmp/log", " i386 old_mmap(",
					 "= -EACCES; wx: writable and "
					 "executable mapping;", &wx, other,
					 sizeof(other));
		if (lines != wx || wx != denied) {
			fail_case(full, "%ld EACCES but %ld wx old_mmap records "
				  "(%ld records in all)%s%s", denied, wx, lines,
				  other[0] ? "; other: " : "", other);
			continue;
		}
		snprintf(full, sizeof(full), "i386/race32 [%s] (%ld calls: "
			 "%ld denied, %ld allowed)", modes[m], calls, denied,
			 allowed);
		pass(full);
	}

	/* The detector: seccomp mode, syscall info. */
	const char *name = "i386/race32/detector";
	int st = mode_run(name, modes[0], a, allow);
	if (st == -1)
		return;
	char *out = slurp("/tmp/expected");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 3) {
		fail_case(name, "with trace/allow_unsafe_exec_memory:1 the "
			  "tracee found no RWX mapping (%s): %s",
			  status_text(st), oneline(out, 300));
	} else if (!strstr(out, "race32: rwx mapping: ")) {
		fail_case(name, "exit 3 without a maps line: %s",
			  oneline(out, 300));
	} else if (*slurp("/tmp/log")) {
		fail_case(name, "records under trace/allow_unsafe_exec_memory:1: "
			  "%s", oneline(slurp("/tmp/log"), 300));
	} else {
		long rwx = 0;
		const char *r = strstr(out, " rwx mappings\n");
		while (r && r > out && r[-1] >= '0' && r[-1] <= '9')
			r--;
		if (r)
			rwx = strtol(r, NULL, 10);
		snprintf(why, sizeof(why), "%s (the tracee found %ld RWX "
			 "mappings)", name, rwx);
		pass(why);
	}
}

/*
 * The fd, append and mremap checks (testsuite/cases/fdcheck.sh) for
 * i386: filemap32 maps with mmap2 and old_mmap. deny: the default
 * policy plus append+DIR/ *.log; allow: -m default/fd:allow -m
 * default/mremap:allow. A fresh DIR for each run.
 */
static void filemap32_cases(void)
{
	const char *t = "/t/i386/filemap32";
	char dd[64], da[64], rule[96];

	if (!have_i386("filemap32"))
		return;
	for (size_t m = 0; m < NMODES; m++) {
		snprintf(dd, sizeof(dd), "/tmp/fm32.%zu", m);
		snprintf(da, sizeof(da), "/tmp/fm32.%zu.allow", m);
		mkdir(dd, 0755);
		mkdir(da, 0755);
		snprintf(rule, sizeof(rule), "append+%s/*.log", dd);
		const char *d[] = { t, "deny", dd, NULL };
		const char *a[] = { t, "allow", da, NULL };
		const char *dargs[] = { "-m", rule, NULL };
		static const char *const aargs[] = {
			"-m", "default/fd:allow", "-m",
			"default/mremap:allow", NULL
		};
		tracee_case("i386/filemap32/deny", modes[m], d, dargs);
		tracee_case("i386/filemap32/allow", modes[m], a, aargs);
	}
}

/*
 * A 32-bit tracee of a personality that is not memtrace's own, for -k:
 * the ELF machine of its program and the system call instruction its
 * calls stop after.
 */
struct ip_only_tracee {
	const char *label;	/* the case's name: "i386/wx32/backtrace" */
	const char *path;	/* "/t/i386/wx32" */
	const char *pers;	/* memtrace's name of the personality */
	int machine;		/* e_machine of its ELFCLASS32 program */
	unsigned char insn[2];	/* the call instruction */
	const char *insn_name;
};

static const struct ip_only_tracee wx32_ip_only = {
	"i386/wx32/backtrace", "/t/i386/wx32", "i386", EM_386,
	{ 0xcd, 0x80 }, "int $0x80",
};
static const struct ip_only_tracee wxx32_ip_only = {
	"x32/wxx32/backtrace", "/t/x32/wxx32", "x32", EM_X86_64,
	{ 0x0f, 0x05 }, "syscall",
};

/*
 * Whether IP (OFF in the file) lies in an executable PT_LOAD of T's
 * 32-bit program, right after its call instruction (int $0x80: cd 80;
 * syscall: 0f 05): the site the denial stopped at. Else 0 with WHY set.
 */
static int at_call_insn(const struct ip_only_tracee *t, unsigned long long ip,
			unsigned long long off, char *why, size_t len)
{
	size_t n;
	const char *path = t->path;
	unsigned char *f = (unsigned char *)read_whole(path, &n);
	int ok = 0;

	if (!f) {
		snprintf(why, len, "cannot read %s", path);
		return 0;
	}
	Elf32_Ehdr *eh = (Elf32_Ehdr *)f;
	if (n < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_machine != t->machine ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf32_Phdr) > n) {
		snprintf(why, len, "%s is not an %s ELF program", path,
			 t->pers);
		goto out;
	}
	Elf32_Phdr *ph = (Elf32_Phdr *)(f + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X) ||
		    ip < ph[i].p_vaddr ||
		    ip >= (unsigned long long)ph[i].p_vaddr + ph[i].p_filesz)
			continue;
		unsigned long long want = ip - ph[i].p_vaddr + ph[i].p_offset;
		if (off != want) {
			snprintf(why, len, "ip %#llx is at file offset %#llx "
				 "of %s, the frame says +%#llx", ip, want,
				 path, off);
		} else if (off < 2 || off > n || f[off - 2] != t->insn[0] ||
			   f[off - 1] != t->insn[1]) {
			snprintf(why, len, "ip %#llx (+%#llx) does not follow "
				 "a%s %s", ip, off,
				 t->insn_name[0] == 'i' ? "n" : "",
				 t->insn_name);
		} else {
			ok = 1;
		}
		goto out;
	}
	snprintf(why, len, "ip %#llx is in no executable segment of %s", ip,
		 path);
out:
	free(f);
	return ok;
}

/*
 * -k for a tracee of another personality than memtrace's own (i386:
 * wx32, x32: wxx32), deny, under memtrace -k. Its records must be the
 * same as without -k (what the tracee printed), and each must be
 * followed by the one frame tracer/stack.c gives such a personality
 * (its capture_ip_only): "#0  /t/i386/wx32(+0xOFF) [0xIP]", IP a 32-bit
 * address right after the call instruction, then the note naming the
 * native build ("i386 process: ...; full unwinding needs a native i386
 * build of memtrace", with libunwind) or the one saying memtrace was
 * built without it.
 */
static void backtrace_ip_only_cases(const struct ip_only_tracee *ipt)
{
	static const char *const margs[] = { "-k", NULL };
	const char *t = ipt->path;
	const char *d[] = { t, "deny", NULL };
	char note[200], full[160], why[1600], vline[200];
	char frame[64];
	int unwind = memtrace_unwinds(vline, sizeof(vline)) == 1;
	/* tracer/stack.c's stack_capture: the note for a personality that
	 * is not the build's own, or for a build without libunwind. */
	if (unwind)
		snprintf(note, sizeof(note), "    -- %s process: the IP and "
			 "its module only; full unwinding needs a native %s "
			 "build of memtrace", ipt->pers, ipt->pers);
	else
		snprintf(note, sizeof(note), "    -- the IP and its module "
			 "only: memtrace was built without libunwind");
	snprintf(frame, sizeof(frame), "    #0  %s(+0x", t);
	for (size_t m = 0; m < NMODES; m++) {
		snprintf(full, sizeof(full), "%s [%s]%s", ipt->label,
			 modes[m], unwind ? "" : " (no libunwind)");
		char *log = mode_clean_log(full, modes[m], d, margs);
		if (!log)
			continue;
		const char *bad = NULL;
		struct bt_recs recs = { .len = 0 };
		why[0] = '\0';
		/* record, frame #0, note; again for each record */
		for (char *l = log; *l && !bad;) {
			char *nl = strchr(l, '\n');
			if (!nl) {
				bad = "the log ends without a newline";
				break;
			}
			*nl = '\0';
			if (strncmp(l, "memtrace: deny ", 15)) {
				snprintf(why, sizeof(why), "not a record: "
					 "\"%s\"", oneline(l, 300));
				bad = why;
				break;
			}
			bt_recs_add(&recs, l);
			int nrec = recs.n;
			char *fr = nl + 1, *fnl = strchr(fr, '\n');
			char *no = fnl ? fnl + 1 : NULL;
			char *nnl = no ? strchr(no, '\n') : NULL;
			if (!fnl || !nnl) {
				snprintf(why, sizeof(why), "record %d has no "
					 "frame and note: \"%s\"", nrec,
					 oneline(fr, 300));
				bad = why;
				break;
			}
			*fnl = *nnl = '\0';
			unsigned long long off, ip;
			int used = 0;
			if (strncmp(fr, frame, strlen(frame)) ||
			    sscanf(fr + strlen(frame), "%llx) [0x%llx]%n",
				   &off, &ip, &used) != 2 ||
			    fr[strlen(frame) + used] != '\0') {
				snprintf(why, sizeof(why), "record %d: frame "
					 "\"%s\", want \"%s...) [0x...]\"",
					 nrec, oneline(fr, 300), frame);
				bad = why;
			} else if (strcmp(no, note)) {
				snprintf(why, sizeof(why), "record %d: note "
					 "\"%s\", want \"%s\"", nrec,
					 oneline(no, 300), note);
				bad = why;
			} else if (ip > 0xffffffffULL) {
				snprintf(why, sizeof(why), "record %d: ip "
					 "%#llx is not a 32-bit address",
					 nrec, ip);
				bad = why;
			} else {
				char w[400];
				if (!at_call_insn(ipt, ip, off, w, sizeof(w))) {
					snprintf(why, sizeof(why), "record %d: "
						 "%s", nrec, w);
					bad = why;
				}
			}
			l = nnl + 1;
		}
		if (!bad)
			bad = bt_recs_bad(&recs, why, sizeof(why));
		if (bad) {
			fail_case(full, "%s", bad);
			continue;
		}
		snprintf(why, sizeof(why), "%s (%d records, one frame each)",
			 full, recs.n);
		pass(why);
	}
}

/*
 * Whether this kernel runs x32 programs. Debian's amd64 kernel has
 * CONFIG_X86_X32_ABI with CONFIG_X86_X32_DISABLED: x32 system calls
 * only with syscall.x32=y (run-qemu.sh passes it), whose state
 * /sys/module/syscall/parameters/x32 shows. A kernel without x32, and
 * Debian's 6.1 with it off, does not exec the program (ENOEXEC, as
 * runs() finds); were it exec'd with x32 off, each of its calls would
 * fail, so "N" there is a SKIP too. Otherwise the cases run, and a
 * tracee that fails is their FAIL.
 */
static int runs_x32(const char *path, char *why, size_t len)
{
	char *param = slurp("/sys/module/syscall/parameters/x32");
	const char *state = param[0] == 'N' ?
		"syscall.x32 is N: x32 is off, boot with syscall.x32=y" :
		param[0] == 'Y' ? "syscall.x32 is Y" :
		"no syscall.x32 parameter: a kernel without CONFIG_X86_X32_ABI?";

	if (!runs(path, why, len)) {
		snprintf(why + strlen(why), len - strlen(why), "; %s", state);
		return 0;
	}
	if (param[0] == 'N') {
		snprintf(why, len, "x32 system calls are off in this kernel "
			 "(%s)", state);
		return 0;
	}
	return 1;
}
#endif

/*
 * -k for the native personality: xbt deny (main -> xbt_caller ->
 * xbt_map_rwx, which makes the target's mapping call itself; refused)
 * under memtrace -k, in the four modes. The records must be those xbt
 * prints (as without -k), and each must be followed by its frames as
 * tracer/log.c writes them, "    #N  MODULE(FUNC+0xOFF) [0xIP]"
 * numbered from 0, perhaps closed by one "    -- why" line.
 *
 * With libunwind (memtrace --version: "backtraces: yes (libunwind-
 * ptrace)"), frames #0, #1 and #2 must be /t/xbt's xbt_map_rwx,
 * xbt_caller and main: libunwind went from the call site up through the
 * tracee's own functions, named from its symbol table. backtrace/libc
 * (xbt deny libc) makes the call through glibc's mmap(), a frameless
 * leaf on aarch64, riscv64 and s390x: frames #0-#3 must be glibc's
 * mmap, xbt_map_libc, xbt_caller and main (on arm, see xbt_variants).
 * Without libunwind
 * ("backtraces: no (built without libunwind)"), each record must have
 * the one frame "#0  /t/xbt(+0xOFF) [0xIP]" and the note tracer/stack.c
 * gives such a build; the case is then SKIP with that reason, never
 * PASS.
 */
#define XBT "/t/xbt"
#define BT_NOTE_NO_UNWIND \
	"the IP and its module only: memtrace was built without libunwind"
#define XBT_FRAMES 4

/* A way xbt makes its call, and the frames a trace of it must begin
 * with. A name in the chain starting with '~' is matched as part of
 * the function's name (glibc's mmap is mmap, __mmap or __mmap64); one
 * starting with '?' likewise, or the frame may have no name: trixie's
 * riscv64 libc.a has no call frame information for mmap, and
 * tracer/stack.c names a frame only where the unwind information
 * agrees on where its function starts. */
struct xbt_variant {
	const char *label;	/* "" or "/libc" */
	const char *arg;	/* xbt's second argument, or NULL */
	int n;
	const char *chain[XBT_FRAMES];
};
static const struct xbt_variant xbt_variants[] = {
	{ "", NULL, 3, { "xbt_map_rwx", "xbt_caller", "main" } },
#if defined(__arm__)
	/* Thumb glibc makes six-argument calls through the assembly
	 * helper __libc_do_syscall, which has an unwind entry; its mmap.o
	 * has none, so __mmap falls under the EXIDX_CANTUNWIND entry of
	 * the function before it in Debian's libc.a and no unwinder can
	 * go past it: the trace ends there. */
	{ "/libc", "libc", 2, { "__libc_do_syscall", "~mmap" } },
#else
	{ "/libc", "libc", 4, { "?mmap", "xbt_map_libc", "xbt_caller",
				"main" } },
#endif
};

struct bt_rec {
	int nrec, nframes, ended;
	char module[XBT_FRAMES][128], func[XBT_FRAMES][128];
	char note[400];
};

static int chain_match(const char *want, const char *func)
{
	if (want[0] == '?' && !func[0])
		return 1;
	if (want[0] == '~' || want[0] == '?')
		return strstr(func, want + 1) != NULL;
	return !strcmp(func, want);
}

/* The frames of record R as the build demands; else 0 with WHY set. */
static int bt_rec_ok(const struct bt_rec *r, const struct xbt_variant *v,
		     int unwind, char *why, size_t len)
{
	int n = r->nframes < v->n ? r->nframes : v->n, ok = r->nframes > 0;
	char got[800] = "", want[400] = "";

	for (int k = 0; k < n; k++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
			 "%s#%d %s(%s", k ? ", " : "", k, r->module[k],
			 r->func[k]);
	if (unwind) {
		for (int k = 0; ok && k < v->n; k++)
			ok = k < n && !strcmp(r->module[k], XBT) &&
			     chain_match(v->chain[k], r->func[k]);
		for (int k = 0; k < v->n; k++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want),
				 "%s#%d %s(%s", k ? ", " : "", k, XBT,
				 v->chain[k]);
		if (!ok)
			snprintf(why, len, "record %d: want frames %s; got %d "
				 "frame(s): %s%s%s", r->nrec, want, r->nframes,
				 got, r->ended ? "; -- " : "",
				 r->ended ? r->note : "");
	} else {
		ok = r->nframes == 1 && !strcmp(r->module[0], XBT) &&
		     !r->func[0][0] && r->ended &&
		     !strcmp(r->note, BT_NOTE_NO_UNWIND);
		if (!ok)
			snprintf(why, len, "record %d: want the one frame "
				 "\"#0  %s(+0x...) [0x...]\" and \"-- %s\"; got "
				 "%d frame(s): %s; %s%s", r->nrec, XBT,
				 BT_NOTE_NO_UNWIND, r->nframes, got,
				 r->ended ? "-- " : "no -- line", r->note);
	}
	return ok;
}

/* One way of making the call (struct xbt_variant) in the four modes. */
static void backtrace_variant(const struct xbt_variant *v, int unwind,
			      const char *vline, const regex_t *rx)
{
	static const char *const margs[] = { "-k", NULL };
	const char *d[] = { XBT, "deny", v->arg, NULL };
	char full[160], why[1600];

	for (size_t m = 0; m < NMODES; m++) {
		snprintf(full, sizeof(full), "backtrace%s [%s]", v->label,
			 modes[m]);
		char *log = mode_clean_log(full, modes[m], d, margs);
		if (!log)
			continue;
		struct bt_rec r;
		struct bt_recs recs = { .len = 0 };
		const char *bad = NULL;
		memset(&r, 0, sizeof(r));
		why[0] = '\0';
		for (char *l = log; *l && !bad;) {
			char *nl = strchr(l, '\n');
			regmatch_t g[4];
			if (!nl) {
				bad = "the log ends without a newline";
				break;
			}
			*nl = '\0';
			if (!strncmp(l, "memtrace: ", 10)) {
				if (r.nrec && !bt_rec_ok(&r, v, unwind, why,
							 sizeof(why))) {
					bad = why;
					break;
				}
				int n = r.nrec + 1;
				memset(&r, 0, sizeof(r));
				r.nrec = n;
				bt_recs_add(&recs, l);
			} else if (r.nrec && !r.ended &&
				   !regexec(rx, l, 4, g, 0)) {
				int no = atoi(l + g[1].rm_so);
				if (no != r.nframes) {
					snprintf(why, sizeof(why), "record %d: "
						 "frame #%d after %d frame(s)",
						 r.nrec, no, r.nframes);
					bad = why;
					break;
				}
				if (no < XBT_FRAMES) {
					snprintf(r.module[no],
						 sizeof(r.module[no]), "%.*s",
						 (int)(g[2].rm_eo - g[2].rm_so),
						 l + g[2].rm_so);
					snprintf(r.func[no], sizeof(r.func[no]),
						 "%.*s",
						 (int)(g[3].rm_eo - g[3].rm_so),
						 l + g[3].rm_so);
				}
				r.nframes++;
			} else if (r.nrec && r.nframes && !r.ended &&
				   !strncmp(l, "    -- ", 7)) {
				r.ended = 1;
				snprintf(r.note, sizeof(r.note), "%s", l + 7);
			} else {
				snprintf(why, sizeof(why), "record %d: not a "
					 "frame%s: \"%s\"", r.nrec,
					 r.nframes && !r.ended ?
					 " or an end line" : "",
					 oneline(l, 300));
				bad = why;
				break;
			}
			l = nl + 1;
		}
		if (!bad && r.nrec &&
		    !bt_rec_ok(&r, v, unwind, why, sizeof(why)))
			bad = why;
		if (!bad)
			bad = bt_recs_bad(&recs, why, sizeof(why));
		if (bad) {
			fail_case(full, "%s", bad);
			continue;
		}
		if (unwind) {
			char frames[300] = "";
			for (int f = 0; f < v->n; f++)
				snprintf(frames + strlen(frames),
					 sizeof(frames) - strlen(frames),
					 "%s#%d %s", f ? ", " : "", f,
					 r.func[f]);
			snprintf(why, sizeof(why), "%s (%d record%s: %s; %d "
				 "frames)", full, r.nrec,
				 r.nrec == 1 ? "" : "s", frames, r.nframes);
			pass(why);
		} else {
			snprintf(why, sizeof(why), "memtrace built without "
				 "libunwind (--version: \"%s\"); -k gave the IP "
				 "and its module only, with the note saying so",
				 vline);
			skip(full, why);
		}
	}
}

static void backtrace_cases(void)
{
	char vline[200], why[400];
	regex_t rx;

	int unwind = memtrace_unwinds(vline, sizeof(vline));
	if (unwind < 0) {
		snprintf(why, sizeof(why), "memtrace --version: %s",
			 oneline(slurp("/tmp/version"), 300));
		fail("backtrace [all modes]", why);
		return;
	}
	if (access(XBT, X_OK)) {
		fail("backtrace [all modes]", XBT " is not in the initramfs "
		     "(build.sh builds it for every target)");
		return;
	}
	/* tracer/log.c's text_bt: "    #%-2d %s(%s+0x%llx) [0x%llx]". */
	if (regcomp(&rx, "^    #([0-9]+) +([^()]*)\\(([^()+]*)\\+0x[0-9a-f]+\\) "
		    "\\[0x[0-9a-f]+\\]$", REG_EXTENDED)) {
		fail("backtrace [all modes]", "regcomp failed");
		return;
	}
	for (size_t i = 0; i < sizeof(xbt_variants) / sizeof(xbt_variants[0]);
	     i++)
		backtrace_variant(&xbt_variants[i], unwind, vline, &rx);
	regfree(&rx);
}

/*
 * mem/brk: only meaningful once memtrace enforces sandbox/mem. A brk
 * 64M past mem/vm_max:32M must fail (return the old break) and leave
 * a record naming brk; if the break grew, memtrace does not enforce
 * the limit yet and the case is skipped with that reason.
 */
static void mem_case(void)
{
	char *argv[] = { MT, "-m", "sandbox/mem:on", "-m", "mem/vm_max:32M",
			 "-o", "/tmp/log", "--", "/t/xbrk", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	const char *err = NULL;
	char why[800];

	unlink("/tmp/log");
	int st = run(argv, envp, "/tmp/expected", "/tmp/stderr", &err);
	char *out = slurp("/tmp/expected");
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, sizeof(why), "%s: %s",
			 st == -1 ? err : status_text(st),
			 oneline(slurp("/tmp/stderr"), 300));
		fail("mem/brk", why);
	} else if (!strcmp(out, "grew\n")) {
		char *log = slurp("/tmp/log");
		int recorded = strstr(log, " brk(") != NULL;
		dump("log", "/tmp/log");
		if (recorded)
			fail("mem/brk", "memtrace recorded the brk denial but "
			     "the break grew 64M past mem/vm_max:32M anyway");
		else
			skip("mem/brk", "memtrace does not enforce sandbox/mem "
			     "yet (brk grew 64M past mem/vm_max:32M)");
	} else if (strcmp(out, "denied\n")) {
		snprintf(why, sizeof(why), "tracee said: %s",
			 oneline(out, 300));
		fail("mem/brk", why);
	} else if (!strstr(slurp("/tmp/log"), "brk(")) {
		fail("mem/brk", "brk was denied but no record names brk");
	} else {
		pass("mem/brk");
	}
}

static void setup(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
	/* No /dev/console in the archive: open the console ourselves. */
	if (fcntl(1, F_GETFD) < 0 || fcntl(2, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
}

#if defined(__s390x__)
/*
 * filter/block-calls: old_mmap, and s390's mmap2 on the 31-bit compat
 * personality, take their arguments from a block in memory, which
 * seccomp cannot read: the filter must stop them always, never on a
 * register condition (once s390 mmap2 was "trace if arg2 & 0x4", and a
 * 31-bit program's RWX mmap2 ran unchecked).
 */
static void block_filter_case(void)
{
	static const char *const want[] = {
		"s390x old_mmap(90): trace always",
		"s390 old_mmap(90): trace always",
		"s390 mmap2(192): trace always",
	};
	char *argv[] = { MT, "--dump-filter", NULL };
	char *envp[] = { NULL };
	const char *err = NULL;

	int st = run(argv, envp, "/tmp/filter", "/tmp/filter.err", &err);
	char *out = slurp("/tmp/filter");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
		    !has_line(out, want[i])) {
			char why[900];
			snprintf(why, sizeof(why), "want \"%s\" in "
				 "--dump-filter (%s): %s", want[i],
				 st == -1 ? err : status_text(st),
				 oneline(out, 600));
			fail("filter/block-calls", why);
			return;
		}
	}
	pass("filter/block-calls");
}
#endif

int main(void)
{
	struct utsname u;
	char why[600] __attribute__((unused));

	setup();
	uname(&u);
	say("CROSS-START " ARCH " kernel %s %s", u.release, u.machine);
	{
		char *argv[] = { MT, "--version", NULL };
		char *envp[] = { NULL };
		const char *err;
		run(argv, envp, "/tmp/version", "/tmp/version.err", &err);
		say("memtrace: %s", oneline(slurp("/tmp/version"), 300));
	}

	wx_cases("wx", "/t/xwx");
	summary_exec_case("wx", "/t/xwx", ARCH);
#if defined(__s390x__)
	wx_cases("old_mmap", "/t/xoldmmap");
	block_filter_case();
#endif
#if defined(__aarch64__)
	if (runs("/t/xwx-arm", why, sizeof(why)))
		wx_cases("arm/wx", "/t/xwx-arm");
	else
		skip("arm/wx [all modes]", why);
#endif
#if defined(__x86_64__)
	int i386_runs = runs("/t/i386/wx32", why, sizeof(why));
	if (i386_runs) {
		wx_cases("i386/wx32", "/t/i386/wx32");
		summary_exec_case("i386/wx32", "/t/i386/wx32", "i386");
		mapfile32_cases();
		memgrow32_cases();
		race32_cases();
		filemap32_cases();
		backtrace_ip_only_cases(&wx32_ip_only);
	} else {
		skip("i386/wx32 [all modes]", why);
		skip("i386/wx32/summary", why);
		skip("i386/mapfile32 [all modes]", why);
		skip("i386/memgrow32 [all modes]", why);
		skip("i386/race32 [all modes]", why);
		skip("i386/filemap32 [all modes]", why);
		skip("i386/wx32/backtrace [all modes]", why);
	}
	if (runs_x32("/t/x32/wxx32", why, sizeof(why))) {
		wx_cases("x32/wxx32", "/t/x32/wxx32");
		summary_exec_case("x32/wxx32", "/t/x32/wxx32", "x32");
		/* An x32 process's x86_64 and i386 (int $0x80) calls. */
		const char *no_mix = !i386_runs ? "its int $0x80 call needs "
			"IA32 emulation, and this kernel does not run i386 "
			"programs" : access("/t/x32/mixx32", X_OK) ?
			"/t/x32/mixx32 is not in the initramfs" : NULL;
		if (no_mix) {
			skip("x32/mixx32 [all modes]", no_mix);
			skip("x32/mixx32/backtrace", no_mix);
		} else {
			wx_cases("x32/mixx32", "/t/x32/mixx32");
			mixx32_backtrace_case();
		}
		backtrace_ip_only_cases(&wxx32_ip_only);
	} else {
		skip("x32/wxx32 [all modes]", why);
		skip("x32/wxx32/summary", why);
		skip("x32/mixx32 [all modes]", why);
		skip("x32/mixx32/backtrace", why);
		skip("x32/wxx32/backtrace [all modes]", why);
	}
#endif
	backtrace_cases();
	mem_case();

	say("CROSS-DONE " ARCH " %d passed, %d failed, %d skipped",
	    npass, nfail, nskip);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
