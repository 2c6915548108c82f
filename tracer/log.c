/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Records: one per non-allow verdict (every stop with -v), as text or
 * as JSON lines, to stderr or -o FILE. With -k each carries the
 * backtrace of the stopped thread: indented lines after a text record,
 * "bt" (and "bt_end" where the trace ended early) in JSON.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tracer/tracer.h"

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name prot_names[] = {
	{ PROT_READ, "PROT_READ" }, { PROT_WRITE, "PROT_WRITE" },
	{ PROT_EXEC, "PROT_EXEC" }, { 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};

static const struct flag_name map_type_names[] = {
	{ 0x01, "MAP_SHARED" }, { 0x02, "MAP_PRIVATE" },
	{ 0x03, "MAP_SHARED_VALIDATE" },
};

static const struct flag_name map_names[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" }, { 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" }, { 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
};

static const struct flag_name mremap_names[] = {
	{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" },
	{ 4, "MREMAP_DONTUNMAP" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A small appending buffer. */
struct sbuf {
	char *p;
	size_t len, used;
};

static void sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->used += (size_t)n < b->len - b->used ? (size_t)n
							: b->len - b->used - 1;
}

static void sb_flags(struct sbuf *b, uint64_t v, const struct flag_name *t,
		     size_t n, const char *zero)
{
	bool any = false;

	if (!v) {
		sb_add(b, "%s", zero);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((v & t[i].bit) == t[i].bit) {
			sb_add(b, "%s%s", any ? "|" : "", t[i].name);
			v &= ~t[i].bit;
			any = true;
		}
	}
	if (v)
		sb_add(b, "%s%#llx", any ? "|" : "", (unsigned long long)v);
}

static void sb_map_flags(struct sbuf *b, uint64_t v)
{
	uint64_t type = v & 0x3;
	bool any = false;

	for (size_t i = 0; i < N(map_type_names); i++) {
		if (map_type_names[i].bit == type) {
			sb_add(b, "%s", map_type_names[i].name);
			any = true;
		}
	}
	v &= ~(uint64_t)0x3;
	if (any && v)
		sb_add(b, "|");
	if (v || !any)
		sb_flags(b, v, map_names, N(map_names), "0");
}

static void sb_addr(struct sbuf *b, uint64_t a)
{
	if (a)
		sb_add(b, "%#llx", (unsigned long long)a);
	else
		sb_add(b, "NULL");
}

/* s escaped as text_str does, into b. */
static void sb_text(struct sbuf *b, const char *s)
{
	char *m = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&m, &n);

	if (!f)
		return;
	text_str(f, s);
	fclose(f);
	sb_add(b, "%s", m);
	free(m);
}

bool call_has_fd(const struct mcall *c)
{
	bool map = c->sys == MSYS_MMAP || c->sys == MSYS_MMAP2 ||
		   (c->sys == MSYS_OLD_MMAP && !c->block_unreadable);

	return map && !(c->flags & MAP_ANONYMOUS) && c->fd >= 0;
}

/* The fd argument, with its file as strace -y shows it: 3</path>. */
static void sb_fd(struct sbuf *b, const struct mcall *c, const char *fd_path)
{
	sb_add(b, "%d", c->fd);
	if (!fd_path || !fd_path[0] || !call_has_fd(c))
		return;
	sb_add(b, "<");
	sb_text(b, fd_path);
	sb_add(b, ">");
}

static void fmt_mmap(struct sbuf *b, const struct mcall *c,
		     const char *fd_path)
{
	sb_addr(b, c->addr);
	sb_add(b, ", %llu, ", (unsigned long long)c->len);
	sb_flags(b, c->prot, prot_names, N(prot_names), "PROT_NONE");
	sb_add(b, ", ");
	sb_map_flags(b, c->flags);
	/* mmap2 shows its offset in the call's own unit, as passed. */
	uint64_t off = c->sys == MSYS_MMAP2 ? c->raw[5] : c->off;
	sb_add(b, ", ");
	sb_fd(b, c, fd_path);
	sb_add(b, ", %#llx", (unsigned long long)off);
}

/* The call, its fd argument's file shown where fd_path is given. */
static void format_call_fd(const struct mcall *c, const char *fd_path,
			   char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };

	buf[0] = '\0';
	sb_add(&b, "%s(", msys_name(c->sys));
	switch (c->sys) {
	case MSYS_BRK:
		sb_addr(&b, c->brk);
		break;
	case MSYS_OLD_MMAP:
		if (c->block_unreadable) {
			sb_add(&b, "%#llx", (unsigned long long)c->block_addr);
			break;
		}
		sb_add(&b, "{");
		fmt_mmap(&b, c, fd_path);
		sb_add(&b, "}");
		break;
	case MSYS_MMAP:
	case MSYS_MMAP2:
		fmt_mmap(&b, c, fd_path);
		break;
	case MSYS_MREMAP:
		sb_addr(&b, c->addr);
		sb_add(&b, ", %llu, %llu, ", (unsigned long long)c->old_len,
		       (unsigned long long)c->new_len);
		sb_flags(&b, c->flags, mremap_names, N(mremap_names), "0");
		sb_add(&b, ", ");
		sb_addr(&b, c->new_addr);
		break;
	case MSYS_MPROTECT:
	case MSYS_PKEY_MPROTECT:
		sb_addr(&b, c->addr);
		sb_add(&b, ", %llu, ", (unsigned long long)c->len);
		sb_flags(&b, c->prot, prot_names, N(prot_names), "PROT_NONE");
		if (c->sys == MSYS_PKEY_MPROTECT)
			sb_add(&b, ", %d", (int)c->raw[3]);
		break;
	default: {
		/* Calls checked for bypasses: their raw arguments. */
		static const int nargs[MSYS__N] = {
			[MSYS_SECCOMP] = 3, [MSYS_PRCTL] = 5,
			[MSYS_PERSONALITY] = 1, [MSYS_CLONE] = 5,
			[MSYS_CLONE3] = 2, [MSYS_SHMAT] = 3,
			[MSYS_SETRLIMIT] = 2, [MSYS_PRLIMIT64] = 4,
			[MSYS_IPC] = 6, [MSYS_PTRACE] = 4,
			[MSYS_PROCESS_VM_WRITEV] = 6, [MSYS_PIDFD_OPEN] = 2,
			[MSYS_USERFAULTFD] = 1, [MSYS_IOCTL] = 3,
		};
		for (int i = 0; c->sys < MSYS__N && i < nargs[c->sys]; i++)
			sb_add(&b, "%s%#llx", i ? ", " : "",
			       (unsigned long long)c->raw[i]);
		break;
	}
	}
	sb_add(&b, ")");
}

void format_call(const struct mcall *c, char *buf, size_t len)
{
	format_call_fd(c, NULL, buf, len);
}

static FILE *out(void)
{
	return T.log ? T.log : stderr;
}

/* Where the records of process tgid go: FILE.PID under -ff -o. */
static FILE *out_for(pid_t tgid)
{
	return ff_on() ? ff_file(tgid) : out();
}

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4), or 0 if
 * the bytes there are not one: a stray continuation byte, a truncated
 * or overlong sequence, a surrogate, or beyond U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		   s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
		   s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

bool utf8_valid(const char *s)
{
	for (size_t n; *s; s += n)
		if (!(n = utf8_len((const unsigned char *)s)))
			return false;
	return true;
}

/*
 * JSON strings are UTF-8: a byte that is not part of a well-formed
 * sequence becomes U+FFFD (the exact bytes go in a _hex field where
 * they matter, see json_path).
 */
void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (size_t n; *s; s += n) {
		unsigned char ch = (unsigned char)*s;

		n = utf8_len((const unsigned char *)s);
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else if (n == 0)
			fputs("\\ufffd", f);
		else
			fwrite(s, 1, n, f);
		n = n ? n : 1;
	}
	fputc('"', f);
}

/* "KEY":"PATH", and "KEY_hex":"..." with the exact bytes when PATH is
 * not UTF-8 (the string then holds U+FFFD for the bytes it lost). */
static void json_path(FILE *f, const char *key, const char *path)
{
	fprintf(f, ",\"%s\":", key);
	json_str(f, path);
	if (utf8_valid(path))
		return;
	fprintf(f, ",\"%s_hex\":\"", key);
	for (const char *s = path; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
	fputc('"', f);
}

/*
 * s for a text record, as strace shows strings: a backslash doubled,
 * control characters as \n, \t... or \xHH, and bytes that are not
 * UTF-8 (or are C1 controls) as \xHH, so that a file name can never
 * start a line of its own or send a terminal an escape sequence.
 */
void text_str(FILE *f, const char *s)
{
	static const char named[] = "\a\b\t\n\v\f\r";
	static const char letter[] = "abtnvfr";

	for (size_t n; *s; s += n) {
		const unsigned char *u = (const unsigned char *)s;
		const char *nm = *s ? strchr(named, *s) : NULL;

		n = utf8_len(u);
		if (*s == '\\')
			fputs("\\\\", f);
		else if (nm)
			fprintf(f, "\\%c", letter[nm - named]);
		else if (u[0] < 0x20 || u[0] == 0x7f || n == 0)
			fprintf(f, "\\x%02x", u[0]);
		else if (u[0] == 0xc2 && u[1] < 0xa0)
			fprintf(f, "\\x%02x\\x%02x", u[0], u[1]);
		else
			fwrite(s, 1, n, f);
		n = n ? n : 1;
	}
}

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static void json_bt(FILE *f, const struct backtrace *bt)
{
	fprintf(f, ",\"bt\":[");
	for (int i = 0; i < bt->n; i++) {
		const struct bt_frame *fr = &bt->frames[i];
		fprintf(f, "%s{\"ip\":\"0x%llx\",\"module\":", i ? "," : "",
			(unsigned long long)fr->ip);
		if (fr->module[0])
			json_str(f, fr->module);
		else
			fputs("null", f);
		fprintf(f, ",\"func\":");
		if (fr->func[0])
			json_str(f, fr->func);
		else
			fputs("null", f);
		fprintf(f, ",\"off\":%llu}", (unsigned long long)fr->off);
	}
	fputc(']', f);
	if (bt->end[0]) {
		fprintf(f, ",\"bt_end\":");
		json_str(f, bt->end);
	}
}

/* glibc's backtrace_symbols form: MODULE(FUNC+0xOFF) [0xIP], and
 * MODULE(+0xOFF) with the offset in the file where no symbol is known. */
static void text_bt(FILE *f, const struct backtrace *bt)
{
	for (int i = 0; i < bt->n; i++) {
		const struct bt_frame *fr = &bt->frames[i];
		fprintf(f, "    #%-2d ", i);
		text_str(f, fr->module[0] ? fr->module : "??");
		fputc('(', f);
		text_str(f, fr->func);
		fprintf(f, "+0x%llx) [0x%llx]\n", (unsigned long long)fr->off,
			(unsigned long long)fr->ip);
	}
	if (bt->end[0]) {
		fputs("    -- ", f);
		text_str(f, bt->end);
		fputc('\n', f);
	}
}

/* Syd's "ctx" of a record: its own for TPE, the stack check (it
 * checks a library) and Force (it verifies one); "access" else. */
static const char *json_ctx(const struct verdict *v)
{
	static const struct {
		const char *check, *ctx;
	} ctxs[] = {
		{ "tpe", "trusted_path_execution" },
		{ "stack", "check_lib" },
		{ "force", "verify_lib" },
	};

	for (size_t i = 0; v->check && i < N(ctxs); i++)
		if (!strcmp(v->check, ctxs[i].check))
			return ctxs[i].ctx;
	return "access";
}

/* A memory denial's numbers, as Syd's fields: those known. */
static void json_mem(FILE *f, const struct verdict *v)
{
	const struct {
		unsigned bit;
		const char *key;
		uint64_t val;
	} fields[] = {
		{ MEMF_MAX, "mem_max", v->mem_max },
		{ MEMF_CUR, "mem_cur", v->mem_cur },
		{ MEMF_VM_MAX, "mem_vm_max", v->mem_vm_max },
		{ MEMF_VM_CUR, "mem_vm_cur", v->mem_vm_cur },
		{ MEMF_SIZE, "mem_size", v->mem_size },
	};

	for (size_t i = 0; i < N(fields); i++)
		if (v->mem_have & fields[i].bit)
			fprintf(f, ",\"%s\":%llu", fields[i].key,
				(unsigned long long)fields[i].val);
}

/* Whether s returns an address (shown in hex), not a number. */
static bool returns_address(enum msys s)
{
	return s == MSYS_BRK || s == MSYS_MMAP || s == MSYS_MMAP2 ||
	       s == MSYS_OLD_MMAP || s == MSYS_MREMAP;
}

/* The result in the personality's word: an error is -4095..-1 there;
 * else the value, unsigned, as the tracee's register holds it. */
static bool result_error(const struct mcall *c, int64_t r, int *err)
{
	int64_t sr = c->word == 4 ? (int32_t)r : r;

	if (sr < 0 && sr >= -4095) {
		*err = (int)-sr;
		return true;
	}
	return false;
}

static uint64_t result_value(const struct mcall *c, int64_t r)
{
	return c->word == 4 ? (uint32_t)r : (uint64_t)r;
}

/* "args" of an exec record: its cmdline's NUL-separated strings. */
static void json_argv(FILE *f, const struct rec_extra *x)
{
	fprintf(f, ",\"argv\":[");
	for (size_t i = 0, k = 0; i < x->argv_len; k++) {
		const char *a = x->argv + i;
		fprintf(f, "%s", k ? "," : "");
		json_str(f, a);
		i += strlen(a) + 1;
	}
	fputc(']', f);
	if (x->argv_cut)
		fprintf(f, ",\"argv_cut\":true");
}

static void json_result(FILE *f, const struct mcall *c,
			const struct rec_extra *x, bool has_path)
{
	int err;

	if (c->sys == MSYS_EXEC && x->exec_path) {
		fprintf(f, ",\"ret\":0");
		if (!has_path)
			json_path(f, "path", x->exec_path);
		if (x->argv)
			json_argv(f, x);
		return;
	}
	if (x->ret_lost)
		fprintf(f, ",\"ret\":null");
	else if (!x->has_ret)
		return;
	else if (result_error(c, x->ret, &err))
		fprintf(f, ",\"ret\":%d", -err);
	else
		fprintf(f, ",\"ret\":%llu",
			(unsigned long long)result_value(c, x->ret));
}

static void log_json(pid_t tid, pid_t tgid, const struct mcall *c,
		     const struct verdict *v, bool denied,
		     const struct backtrace *bt, const struct rec_extra *x)
{
	FILE *f = out_for(tgid);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(f, "{\"ctx\":\"%s\",\"cap\":", json_ctx(v));
	json_str(f, v->check ? v->check : "none");
	fprintf(f, ",\"act\":\"%s\",\"sys\":\"%s\",\"arch\":\"%s\","
		"\"pid\":%d,\"tid\":%d,\"args\":[", action_name(v->act),
		msys_name(c->sys), c->pers, tgid, tid);
	for (int i = 0; i < 6; i++)
		fprintf(f, "%s%llu", i ? "," : "",
			(unsigned long long)c->raw[i]);
	fprintf(f, "]");
	if (v->has_path)
		json_path(f, "path", v->path);
	if (x->fd_path && x->fd_path[0] && call_has_fd(c))
		json_path(f, "fd_path", x->fd_path);
	if (denied)
		fprintf(f, ",\"errno\":\"%s\"", errno_name(v->err));
	else
		json_result(f, c, x, v->has_path);
	fprintf(f, ",\"msg\":");
	json_str(f, v->msg[0] ? v->msg : "allowed");
	if (v->tip[0]) {
		fprintf(f, ",\"tip\":");
		json_str(f, v->tip);
	}
	json_mem(f, v);
	if (bt)
		json_bt(f, bt);
	fprintf(f, ",\"t\":%lld}\n", (long long)ts.tv_sec);
	fflush(f);
}

/* A string argument as strace shows it: quoted, escaped, its first
 * max bytes and "..." after. */
static void text_quoted(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s);
	char *cut = n > max ? strndup(s, max) : NULL;

	fputc('"', f);
	for (const char *p = cut ? cut : s, *q; *p; p = q) {
		q = strchr(p, '"');
		if (!q) {
			text_str(f, p);
			break;
		}
		char *part = strndup(p, (size_t)(q - p));
		if (part)
			text_str(f, part);
		free(part);
		fputs("\\\"", f);
		q++;
	}
	fputc('"', f);
	if (cut)
		fputs("...", f);
	free(cut);
}

/* -s N cuts argv's strings; without -s, at strace's default 32. */
#define ARGV_STR_DEFAULT 32

/* execve("/usr/bin/true", ["true"]): the program and its arguments. */
static void text_exec(FILE *f, const struct rec_extra *x)
{
	char cut[PATH_MAX];
	size_t max = T.opt.str_max > 0 ? (size_t)T.opt.str_max
				       : ARGV_STR_DEFAULT;

	fputs("execve(\"", f);
	text_str(f, cut_string(x->exec_path, cut, sizeof(cut)));
	fputs("\"", f);
	if (x->argv) {
		fputs(", [", f);
		for (size_t i = 0, k = 0; i < x->argv_len; k++) {
			const char *a = x->argv + i;
			fputs(k ? ", " : "", f);
			text_quoted(f, a, max);
			i += strlen(a) + 1;
		}
		fputs(x->argv_cut ? ", ...]" : "]", f);
	}
	fputs(") = 0", f);
}

static void text_result(FILE *f, const struct mcall *c,
			const struct rec_extra *x)
{
	int err;

	if (x->ret_lost)
		fputs(" = ?", f);
	else if (!x->has_ret)
		return;
	else if (result_error(c, x->ret, &err))
		fprintf(f, " = -%s", errno_name(err));
	else if (returns_address(c->sys))
		fprintf(f, " = %#llx",
			(unsigned long long)result_value(c, x->ret));
	else
		fprintf(f, " = %lld", (long long)x->ret);
}

static void log_text(pid_t tid, pid_t tgid, const struct mcall *c,
		     const struct verdict *v, bool denied,
		     const struct backtrace *bt, const struct rec_extra *x)
{
	char call[4 * PATH_MAX + 512], cut[PATH_MAX];
	FILE *f = out_for(tgid);

	stamp_print(f);
	fprintf(f, "memtrace: %s pid=%d tid=%d %s ", action_name(v->act),
		tgid, tid, c->pers);
	if (c->sys == MSYS_EXEC && x->exec_path) {
		text_exec(f, x);
	} else {
		format_call_fd(c, x->fd_path, call, sizeof(call));
		fputs(call, f);
	}
	if (denied && c->sys == MSYS_BRK)
		fprintf(f, " = break unchanged");
	else if (denied)
		fprintf(f, " = -%s", errno_name(v->err));
	else
		text_result(f, c, x);
	if (v->check) {
		fprintf(f, "; %s: ", v->check);
		text_str(f, v->msg);
	}
	if (v->has_path) {
		fputs("; path ", f);
		text_str(f, cut_string(v->path, cut, sizeof(cut)));
	}
	if (v->tip[0]) {
		fputs("; tip: -m ", f);
		text_str(f, v->tip);
	}
	fputc('\n', f);
	if (bt)
		text_bt(f, bt);
	fflush(f);
}

/* The file of fd in tid's table, from /proc: NULL if unreadable. */
static const char *fd_link(pid_t tid, int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, fd);
	n = readlink(link, buf, len - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Called while the thread is stopped at the call (or at its exec, or
 * at the call's exit stop). The fd's file is read here, only for a
 * record written, where x does not give it; the backtrace (-k) is the
 * caller's (tracer/report.c), NULL for none. */
void log_emit(pid_t tid, pid_t tgid, const struct mcall *c,
	       const struct verdict *v, bool denied,
	       const struct backtrace *bt, const struct rec_extra *x)
{
	struct rec_extra none = { 0 };
	char link[PATH_MAX];

	if (!x)
		x = &none;
	if (!x->fd_path && call_has_fd(c)) {
		none = *x;
		none.fd_path = fd_link(tid, c->fd, link, sizeof(link));
		x = &none;
	}
	if (T.opt.json)
		log_json(tid, tgid, c, v, denied, bt, x);
	else
		log_text(tid, tgid, c, v, denied, bt, x);
}

/* -v's record of an allowed call, kept until the call returns. */
struct pending_record {
	struct mcall c;
	struct verdict v;
	bool has_fd_path;
	char fd_path[PATH_MAX];
};

void record_plan(struct thread *t, const struct mcall *c,
		 const struct verdict *v, const char *fd_path)
{
	struct pending_record *r = malloc(sizeof(*r));

	if (!r)
		die("out of memory");
	r->c = *c;
	r->v = *v;
	/* The fd's file as the call uses it: read now, at its entry
	 * (another thread may close the fd before the exit stop). */
	if (!fd_path && call_has_fd(c))
		fd_path = fd_link(t->tid, c->fd, r->fd_path,
				  sizeof(r->fd_path));
	r->has_fd_path = fd_path != NULL;
	if (fd_path && fd_path != r->fd_path)
		snprintf(r->fd_path, sizeof(r->fd_path), "%s", fd_path);
	free(t->record);
	t->record = r;
}

const struct mcall *record_planned(const struct thread *t)
{
	const struct pending_record *r = t->record;

	return r ? &r->c : NULL;
}

void record_write(struct thread *t, struct rec_extra *x,
		  const struct backtrace *bt)
{
	struct pending_record *r = t->record;

	t->record = NULL;
	/* "" keeps log_emit from reading the fd at the exit stop. */
	x->fd_path = r->has_fd_path ? r->fd_path : "";
	log_emit(t->tid, thread_tgid(t), &r->c, &r->v, false, bt, x);
	free(r);
}

/* A fail-closed kill's record, in text and JSON alike, in the file of
 * the process killed (-ff). */
void log_kill(pid_t tgid, pid_t tid, const char *msg)
{
	FILE *f = out_for(tgid);
	struct timespec ts;

	if (T.opt.json) {
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(f, "{\"ctx\":\"kill\",\"act\":\"kill\",\"pid\":%d,"
			"\"tid\":%d,\"msg\":", tgid, tid);
		json_str(f, msg);
		fprintf(f, ",\"t\":%lld}\n", (long long)ts.tv_sec);
	} else {
		stamp_print(f);
		fprintf(f, "memtrace: kill pid=%d tid=%d: ", tgid, tid);
		text_str(f, msg);
		fputc('\n', f);
	}
	fflush(f);
}

void log_note(const char *fmt, ...)
{
	va_list ap;
	FILE *f = out();
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (T.opt.json) {
		fprintf(f, "{\"ctx\":\"note\",\"msg\":");
		json_str(f, msg);
		fprintf(f, "}\n");
	} else {
		stamp_print(f);
		fprintf(f, "memtrace: ");
		text_str(f, msg);
		fputc('\n', f);
	}
	fflush(f);
}
