/* SPDX-License-Identifier: GPL-3.0-or-later */
/* memtrace: the command line, and the exit status. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer.h"

static struct policy policy;

static void usage(FILE *f)
{
	fprintf(f,
"usage: memtrace [options] [--] command [args...]\n"
"       memtrace [options] -p PID\n"
"\n"
"  -m RULE          add a policy rule (repeatable)\n"
"  -P FILE          read policy rules from FILE (repeatable)\n"
"  -o FILE          write records to FILE instead of stderr\n"
"  -v               a record for every stopped call\n"
"  --json           records as JSON lines\n"
"  -k, --stack      a backtrace of the calling thread in each record\n"
"  --stack-depth N  at most N frames (default 32, at most 256)\n"
"  -c, --summary    at exit: counts per call and check, memory peaks\n"
"  --stop-on-deny   deny and abort become stop: the process is left\n"
"                   stopped at the denied call for a debugger\n"
"  --learn FILE     run with every check warning, write a profile\n"
"                   under which the run passes to FILE\n"
"  -p PID           attach to a running process (ptrace-only)\n"
"  -f               follow forks (always on; for strace's habit)\n"
"  -ff              with -o FILE: the records of process PID in FILE.PID\n"
"  -e trace=SET     -v records only for the calls of SET: brk, mmap,\n"
"                   mmap2, old_mmap, mremap, mprotect, pkey_mprotect,\n"
"                   execve, %%memory, all, none, !SET (denials: always)\n"
"  -t, -tt, -ttt    a timestamp starts each text line (HH:MM:SS,\n"
"                   with microseconds, epoch seconds.microseconds)\n"
"  -s N             paths in text records cut at N bytes (default: whole)\n"
"  -q               no informational notes (attached, detached, ...)\n"
"  --no-seccomp     stop on every call with PTRACE_SYSCALL\n"
"  --no-mdwe        do not set the kernel's W^X (PR_SET_MDWE) in the\n"
"                   command\n"
"  --dump-policy    print the whole effective policy as rules and exit\n"
"  --dump-filter    print the seccomp rules per personality and exit\n"
"  --hash[=ALG] FILE...  print a force+ rule for each file (sha256)\n"
"  -h, --help       this help\n"
"  -V, --version    version and features\n"
"\n"
"See memtrace(1) and memtrace.conf(5).\n");
}

static void version(void)
{
	printf("memtrace %s\n", MEMTRACE_VERSION);
	printf("host: %s (personalities:", arch_host->name);
	for (size_t i = 0; i < arch_host->npers; i++)
		printf(" %s", arch_host->pers[i]->name);
	printf(")\n");
	printf("backtraces: %s\n", stack_support());
	printf("demangling: %s\n", demangle_support());
	printf("mdwe: %s\n", mdwe_support());
}

enum { OPT_JSON = 256, OPT_NO_SECCOMP, OPT_DUMP_POLICY, OPT_DUMP_FILTER,
       OPT_STACK_DEPTH, OPT_STOP_ON_DENY, OPT_LEARN, OPT_HASH,
       OPT_NO_MDWE };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "no-mdwe", no_argument, NULL, OPT_NO_MDWE },
	{ "dump-policy", no_argument, NULL, OPT_DUMP_POLICY },
	{ "dump-filter", no_argument, NULL, OPT_DUMP_FILTER },
	{ "stack", no_argument, NULL, 'k' },
	{ "stack-depth", required_argument, NULL, OPT_STACK_DEPTH },
	{ "summary", no_argument, NULL, 'c' },
	{ "stop-on-deny", no_argument, NULL, OPT_STOP_ON_DENY },
	{ "learn", required_argument, NULL, OPT_LEARN },
	{ "hash", optional_argument, NULL, OPT_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void bad_rule(const char *err)
{
	fprintf(stderr, "%s\n", err);
	exit(2);
}

/* A usage error: one line, then where the usage is, and status 2. */
static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memtrace: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'memtrace --help'.\n");
	exit(2);
}

/* The long option arg ("--name" or "--name=value") names, or NULL;
 * getopt takes unambiguous abbreviations too. */
static const struct option *long_opt_of(const char *arg)
{
	const char *name = arg + 2;
	size_t n = strcspn(name, "=");
	const struct option *found = NULL;
	int matches = 0;

	for (const struct option *o = long_opts; o->name; o++) {
		if (strlen(o->name) == n && !strncmp(o->name, name, n))
			return o;
		if (!strncmp(o->name, name, n)) {
			found = o;
			matches++;
		}
	}
	if (matches > 1)
		usage_error("option \"%.*s\" is ambiguous", (int)n + 2, arg);
	return found;
}

/* What getopt refused, in words: the option as given in arg. */
static void bad_option(const char *arg) __attribute__((noreturn));

static void bad_option(const char *arg)
{
	const struct option *o;

	if (strncmp(arg, "--", 2) || !arg[2]) {
		if (optopt && strchr("mPopes", optopt))
			usage_error("option -%c needs an argument", optopt);
		usage_error("unknown option -%c", optopt ? optopt : '?');
	}
	if (!(o = long_opt_of(arg)))
		usage_error("unknown option \"%s\"", arg);
	if (o->has_arg == no_argument)
		usage_error("option --%s takes no argument (\"%s\")",
			    o->name, arg);
	usage_error("option --%s needs an argument", o->name);
}

/* stdout, written by --dump-*, --help, --version: all of it, or 1. */
static void exit_stdout(const char *what) __attribute__((noreturn));

static void exit_stdout(const char *what)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "memtrace: %s: standard output: %s\n", what,
			strerror(errno ? errno : EIO));
		exit(1);
	}
	exit(0);
}

/*
 * -o FILE through a stream whose writes remember their first error,
 * so that a record lost to a full disk (or /dev/full) is reported
 * with its reason when memtrace ends, whoever wrote it.
 */
static struct {
	int fd, err;
} logout = { -1, 0 };

static ssize_t log_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	(void)cookie;
	while (done < len) {
		ssize_t n = write(logout.fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!logout.err)
				logout.err = n < 0 ? errno : EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}

static int log_close(void *cookie)
{
	(void)cookie;
	if (close(logout.fd) < 0 && !logout.err)
		logout.err = errno;
	logout.fd = -1;
	return logout.err ? -1 : 0;
}

static void open_log(const char *path)
{
	static const cookie_io_functions_t io = {
		.write = log_write, .close = log_close,
	};

	logout.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		       O_NOCTTY, 0666);
	if (logout.fd < 0)
		die("-o %s: %s", path, strerror(errno));
	if (!(T.log = fopencookie(NULL, "w", io)))
		die("-o %s: %s", path, strerror(errno));
}

/* Close -o FILE; say so if anything written to it was lost. */
static void close_log(void)
{
	if (!T.log)
		return;
	fclose(T.log);
	T.log = NULL;
	if (logout.err) {
		fprintf(stderr, "memtrace: -o %s: %s (records were lost)\n",
			T.opt.outfile, strerror(logout.err));
		T.output_failed = true;
	}
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 0x7fffffff) {
		fprintf(stderr, "memtrace: -p: bad process id \"%s\"\n", s);
		exit(2);
	}
	return (pid_t)v;
}

/* -s N: a number from 1 to INT_MAX. */
static int parse_str_max(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 0x7fffffff) {
		fprintf(stderr, "memtrace: -s: \"%s\" is not a number from 1 "
			"to 2147483647\n", s);
		exit(2);
	}
	return (int)v;
}

/* strace's options: -f, -ff, -e, -t, -tt, -ttt, -s N, -q. */
static void strace_option(int c, const char *arg)
{
	char err[1024];

	switch (c) {
	case 'f': T.opt.follow++; break;
	case 't': T.opt.timestamps += T.opt.timestamps < 3; break;
	case 's': T.opt.str_max = parse_str_max(arg); break;
	case 'q': T.opt.quiet = true; break;
	case 'e':
		if (trace_set_parse(arg, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			exit(2);
		}
		T.opt.verbose = true;	/* as strace shows what -e names */
		break;
	}
}

/* The option just read, as spelled, for a conflict's message. */
static const char *opt_spelled(int c, char **argv, char *buf, size_t len)
{
	const char *a = argv[optind - 1];

	if (c < 256 && !(a[0] == '-' && a[1] == '-'))
		snprintf(buf, len, "-%c", c);
	else
		snprintf(buf, len, "%.*s", (int)strcspn(a, "="), a);
	return buf;
}

static void exclusive(const char *a, const char *b)
{
	fprintf(stderr, "memtrace: %s and %s exclude each other\n", a, b);
	exit(2);
}

/* --dump-policy and --dump-filter print and exit: what else was
 * asked for would be silently dropped. */
static void check_dumps(bool dump_policy, bool command)
{
	if (dump_policy && T.opt.dump_filter)
		exclusive("--dump-policy", "--dump-filter");
	if (T.opt.attach && (dump_policy || T.opt.dump_filter))
		exclusive("-p", dump_policy ? "--dump-policy"
					    : "--dump-filter");
	if (command && (dump_policy || T.opt.dump_filter))
		exclusive(dump_policy ? "--dump-policy" : "--dump-filter",
			  "a command");
}

static int parse_args(int argc, char **argv)
{
	char err[1024], notice[1024], seen[64] = "";
	int c, r;
	bool dump_policy = false;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+m:P:o:vp:hVkcfe:ts:q", long_opts,
				NULL)) != -1) {
		if (c != '?' && c != OPT_HASH)
			opt_spelled(c, argv, seen, sizeof(seen));
		switch (c) {
		case 'f': case 'e': case 't': case 's': case 'q':
			strace_option(c, optarg);
			break;
		case 'm':
			r = policy_apply(&policy, optarg, "-m argument", err,
					 sizeof(err));
			if (r < 0)
				bad_rule(err);
			if (r > 0)
				fprintf(stderr, "%s\n", err);
			break;
		case 'P':
			if (policy_load_profile(&policy, optarg, notice,
						sizeof(notice), err,
						sizeof(err)) < 0)
				bad_rule(err);
			if (notice[0])
				fprintf(stderr, "%s\n", notice);
			break;
		case 'o': T.opt.outfile = optarg; break;
		case 'v': T.opt.verbose = true; break;
		case 'p': T.opt.attach = parse_pid(optarg); break;
		case OPT_JSON: T.opt.json = true; break;
		case OPT_NO_SECCOMP: T.opt.no_seccomp = true; break;
		case OPT_NO_MDWE: T.opt.no_mdwe = true; break;
		case OPT_DUMP_POLICY: dump_policy = true; break;
		case OPT_DUMP_FILTER: T.opt.dump_filter = true; break;
		case 'k': T.opt.stack = true; break;
		case OPT_STACK_DEPTH: {
			char *end;
			long d;
			errno = 0;
			d = strtol(optarg, &end, 10);
			if (errno || *end || d < 1 || d > STACK_DEPTH_MAX) {
				fprintf(stderr, "memtrace: --stack-depth: "
					"\"%s\" is not a number from 1 to "
					"%d\n", optarg, STACK_DEPTH_MAX);
				exit(2);
			}
			T.opt.stack_depth = (int)d;
			break;
		}
		case 'c': T.opt.summary = true; break;
		case OPT_STOP_ON_DENY: T.opt.stop_on_deny = true; break;
		case OPT_LEARN: T.opt.learn = optarg; break;
		case OPT_HASH:
			/* --hash[=ALG] FILE...: print force+ rules; it
			 * traces nothing, so no other option applies. */
			if (seen[0])
				exclusive(seen, "--hash");
			exit(hash_command(optarg, argc - optind,
					  argv + optind));
		case 'h': usage(stdout); exit_stdout("--help");
		case 'V': version(); exit_stdout("--version");
		case '?':
		default:
			bad_option(argv[optind - 1]);
		}
	}
	check_dumps(dump_policy, optind < argc);
	if (dump_policy) {
		policy_dump_all(&policy, stdout);
		exit_stdout("--dump-policy");
	}
	return optind;
}

static void on_signal(int sig)
{
	T.got_signal = sig;
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waitpid returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

/* Die of the command's signal, without a core of our own. */
static void exit_like(int status)
{
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	int sig = WTERMSIG(status);
	struct rlimit no_core = { 0, 0 };
	sigset_t set;

	if (T.log)
		fflush(T.log);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}

/* MEMTRACE_TEST_FAIL=STEP, for the test suite only: memtrace acts as
 * if that step failed wherever it is taken (a ptrace step at an exit
 * stop; pidfd_getfd, or PIDFD_THREAD, at an fd's facts). */
static void read_test_fail(void)
{
	static const char *const steps[] = {
		[TEST_FAIL_SET_RETURN] = "set_return",
		[TEST_FAIL_RESTORE_ARGS] = "restore_args",
		[TEST_FAIL_PIDFD] = "pidfd",
		[TEST_FAIL_PIDFD_THREAD] = "pidfd_thread",
	};
	const char *v = getenv("MEMTRACE_TEST_FAIL");

	if (!v || !*v)
		return;
	for (size_t i = 1; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (!strcmp(v, steps[i])) {
			T.opt.test_fail = (enum test_fail)i;
			return;
		}
	}
	fprintf(stderr, "memtrace: MEMTRACE_TEST_FAIL: unknown step \"%s\" "
		"(set_return, restore_args, pidfd or pidfd_thread)\n", v);
	exit(2);
}

static void setup_tracer(void)
{
	for (size_t i = 0; i < arch_host->npers && i < 8; i++)
		arch_resolve_numbers(arch_host->pers[i], &T.nums[i]);
	T.opt.force_regs = getenv("MEMTRACE_FORCE_REGS") &&
			   !strcmp(getenv("MEMTRACE_FORCE_REGS"), "1");
	read_test_fail();
	/* A spawned command under the filter is probed at its first
	 * seccomp stop (loop.c); -p and ptrace-only mode probe here. */
	if (T.opt.attach || T.opt.no_seccomp)
		probe_kernel_features();
}

/* MEMTRACE_STATS=FILE: how the run went, for the test suite. */
static void write_stats(void)
{
	const char *path = getenv("MEMTRACE_STATS");
	FILE *f;

	if (!path || !(f = fopen(path, "we")))
		return;
	fprintf(f, "mode=%s\nseccomp_stops=%lu\nsyscall_stops=%lu\n"
		"exit_stops=%lu\nchecked=%lu\ninfo=%d\nset_info=%d\n"
		"vmsize_reads=%lu\npersona_reads=%lu\nexits_unread=%lu\n"
		"fd_proc_opens=%lu\n",
		T.seccomp_live ? "seccomp" : "ptrace", T.stops_seccomp,
		T.stops_syscall, T.stops_exit, T.stops_checked, T.use_info,
		T.use_set_info, T.vmsize_reads, T.persona_reads,
		T.exits_unread, T.fd_proc_opens);
	fclose(f);
}

int main(int argc, char **argv)
{
	policy_init(&policy);
	T.pol = &policy;
	T.self = getpid();
	T.opt.stack_depth = STACK_DEPTH_DEFAULT;
	int first = parse_args(argc, argv);

	setup_tracer();
	if (T.opt.dump_filter) {
		if (filter_dump(&policy, T.opt.verbose, stdout) != 0)
			exit(1);
		exit_stdout("--dump-filter");
	}
	if (T.opt.attach && first < argc)
		usage_error("-p and a command exclude each other");
	if (!T.opt.attach && first >= argc)
		usage_error("no command given");
	if (T.opt.learn && T.opt.attach)
		usage_error("--learn needs a command to run from its start, "
			    "not -p");
	/* Every output is open before the command starts. */
	if (T.opt.learn && learn_setup(&policy, T.opt.learn, argv + first) < 0)
		return 2;
	checks_freeze(&policy);	/* the policy is final from here on */
	if (ff_on() && ff_check() < 0)
		die("-ff -o %s: %s", T.opt.outfile, strerror(errno));
	if (T.opt.outfile && !ff_on())
		open_log(T.opt.outfile);
	setup_signals();
	summary_start();
	atexit(summary_finish);
	atexit(learn_finish);
	if (T.opt.attach) {
		T.opt.no_seccomp = true;
		attach_process(T.opt.attach);
		if (!T.opt.quiet)
			log_note("Process %d attached", T.opt.attach);
		mdwe_attach_note();
	} else {
		spawn_command(argv + first);
	}
	trace_loop();
	if (T.opt.attach && !T.root_done && !T.opt.quiet)
		log_note("Process %d detached", T.opt.attach);
	learn_finish();
	summary_finish();
	write_stats();
	close_log();
	if (T.exiting)
		exit(T.exit_code ? T.exit_code : T.output_failed);
	if (T.opt.attach)
		return T.output_failed;
	if (!T.root_done)
		die("lost the command's exit status");
	/* A lost record or profile fails a run the command passed. */
	if (T.output_failed && WIFEXITED(T.root_status) &&
	    WEXITSTATUS(T.root_status) == 0)
		exit(1);
	exit_like(T.root_status);
}
