/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * checks/elfstack: verdicts on ELF images built here byte by byte (so
 * the test needs no compiler or linker), on the system's libc, and on
 * the fixtures mk/testlibs.mk builds into build/testlibs.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/elfstack.h"
#include "testsuite/unit/unit.h"

#define MAXPH 4

/* What to put in a hand-made image. */
struct spec {
	int cls;		/* ELFCLASS32 or ELFCLASS64 */
	int data;		/* ELFDATA2LSB or ELFDATA2MSB */
	unsigned int machine;
	int nph;
	uint32_t type[MAXPH];
	uint32_t flags[MAXPH];
	/* Overrides, applied when non-zero. */
	uint64_t phoff;
	unsigned int phnum;
	unsigned int phentsize;
	uint32_t xnum;		/* PN_XNUM: count in section 0's sh_info */
	unsigned char bad_class;
};

struct image {
	unsigned char b[1024];
	size_t len;
};

static void put(struct image *im, size_t off, uint64_t v, int size, int data)
{
	for (int i = 0; i < size; i++) {
		int shift = data == ELFDATA2LSB ? 8 * i : 8 * (size - 1 - i);

		im->b[off + i] = (unsigned char)(v >> shift);
	}
}

/* Field offsets differ between the classes; these are the ones used. */
static void build_ehdr(struct image *im, const struct spec *s,
		       uint64_t phoff, uint64_t shoff)
{
	bool is64 = s->cls == ELFCLASS64;
	int d = s->data, w = is64 ? 8 : 4;
	size_t o = EI_NIDENT;
	unsigned int phnum = s->xnum ? PN_XNUM :
	    s->phnum ? s->phnum : (unsigned int)s->nph;

	memcpy(im->b, ELFMAG, SELFMAG);
	im->b[EI_CLASS] = s->bad_class ? s->bad_class : (unsigned char)s->cls;
	im->b[EI_DATA] = (unsigned char)d;
	im->b[EI_VERSION] = EV_CURRENT;
	put(im, o, ET_DYN, 2, d);
	put(im, o + 2, s->machine, 2, d);
	put(im, o + 4, EV_CURRENT, 4, d);
	o += 8 + w;			/* past e_entry */
	put(im, o, phoff, w, d);
	put(im, o + w, shoff, w, d);
	o += 2 * w + 4;			/* past e_flags */
	put(im, o, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), 2, d);
	put(im, o + 2, s->phentsize ? s->phentsize :
	    is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr), 2, d);
	put(im, o + 4, phnum, 2, d);
	put(im, o + 6, is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), 2, d);
	put(im, o + 8, s->xnum ? 1 : 0, 2, d);
}

static void build_phdr(struct image *im, const struct spec *s, size_t off,
		       int i)
{
	int d = s->data;

	put(im, off, s->type[i], 4, d);
	if (s->cls == ELFCLASS64) {
		put(im, off + 4, s->flags[i], 4, d);
		put(im, off + 48, 16, 8, d);		/* p_align */
	} else {
		put(im, off + 24, s->flags[i], 4, d);
		put(im, off + 28, 16, 4, d);
	}
}

static void build(struct image *im, const struct spec *s)
{
	bool is64 = s->cls == ELFCLASS64;
	size_t eh = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t ph = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t sh = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	size_t shoff = 0;

	memset(im, 0, sizeof(*im));
	im->len = eh + (size_t)s->nph * ph;
	for (int i = 0; i < s->nph; i++)
		build_phdr(im, s, eh + (size_t)i * ph, i);
	if (s->xnum) {
		shoff = im->len;
		/* sh_info sits after name, type, flags, addr, off, size, link */
		put(im, shoff + (is64 ? 44 : 28), s->xnum, 4, s->data);
		im->len += sh;
	}
	build_ehdr(im, s, s->phoff ? s->phoff : s->nph ? eh : 0, shoff);
}

static char tmpdir[] = "/tmp/memtrace-elfstack-XXXXXX";

/* The verdict through a real file, the fd's offset left at 7. */
static enum elf_stack via_fd(const void *buf, size_t len, char *err,
			     size_t errlen, bool *offset_kept)
{
	char path[sizeof(tmpdir) + 16];
	enum elf_stack v;
	int fd;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	lseek(fd, 7, SEEK_SET);
	v = elf_stack_fd(fd, err, errlen);
	*offset_kept = lseek(fd, 0, SEEK_CUR) == 7 &&
		       elf_stack_file(fd, NULL, 0) == v;
	close(fd);
	unlink(path);
	return v;
}

/* Both entry points must agree and give the expected verdict. */
static void expect_both(const void *buf, size_t len, enum elf_stack want,
			const char *msg_part)
{
	char e1[256] = "", e2[256] = "";
	enum elf_stack vm, vf;
	bool kept;

	vm = elf_stack_mem(buf, len, e1, sizeof(e1));
	vf = via_fd(buf, len, e2, sizeof(e2), &kept);
	EXPECT(vm == want);
	EXPECT(vf == want);
	EXPECT(kept);
	if (msg_part) {
		EXPECT(strstr(e1, msg_part) != NULL);
		EXPECT(strstr(e2, msg_part) != NULL);
	}
	if (want == ELF_STACK_ERROR) {
		EXPECT(e1[0] != '\0');
		EXPECT(e2[0] != '\0');
	}
	if (unit_case_failed)
		printf("# mem=%d \"%s\" fd=%d \"%s\"\n", vm, e1, vf, e2);
}

static void expect_spec_msg(const struct spec *s, enum elf_stack want,
			    const char *msg_part)
{
	struct image im;

	build(&im, s);
	expect_both(im.b, im.len, want, msg_part);
}

#define expect_spec(s, want) expect_spec_msg(s, want, NULL)

#define SPEC(c, d, m, ...) \
	((struct spec){ .cls = (c), .data = (d), .machine = (m), __VA_ARGS__ })
#define RW (PF_R | PF_W)
#define RWX (PF_R | PF_W | PF_X)

static void test_x86_64(void)
{
	UNIT_CASE("elfstack/x86_64-rw")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
				  .type = { PT_LOAD, PT_GNU_STACK },
				  .flags = { PF_R | PF_X, RW }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/x86_64-rwx")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
				  .type = { PT_LOAD, PT_GNU_STACK },
				  .flags = { PF_R, RWX }),
			    ELF_STACK_EXEC);
	UNIT_CASE("elfstack/x86_64-missing")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_MISSING_EXEC);
	UNIT_CASE("elfstack/x86_64-no-phdrs")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 0),
			    ELF_STACK_MISSING_EXEC);
	UNIT_CASE("elfstack/x32-missing")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_MISSING_EXEC);
	/* Any PF_X wins: glibc takes the last, the kernel the first. */
	UNIT_CASE("elfstack/two-gnu-stack")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 3,
				  .type = { PT_GNU_STACK, PT_LOAD,
					    PT_GNU_STACK },
				  .flags = { RWX, PF_R, RW }),
			    ELF_STACK_EXEC);
}

static void test_other_machines(void)
{
	UNIT_CASE("elfstack/i386-rw")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_386, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/i386-rwx")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_386, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RWX }),
			    ELF_STACK_EXEC);
	UNIT_CASE("elfstack/i386-missing")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_386, .nph = 1,
				  .type = { PT_LOAD }, .flags = { RWX }),
			    ELF_STACK_MISSING_EXEC);
	UNIT_CASE("elfstack/arm-missing")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_ARM, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_MISSING_EXEC);
	UNIT_CASE("elfstack/aarch64-missing")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_AARCH64, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/aarch64-rwx")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_AARCH64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RWX }),
			    ELF_STACK_EXEC);
	UNIT_CASE("elfstack/riscv64-missing")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_RISCV, .nph = 0),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/riscv32-missing")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2LSB, EM_RISCV, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/ppc32be-missing")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2MSB, EM_PPC, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_MISSING_EXEC);
	UNIT_CASE("elfstack/ppc32be-rw")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2MSB, EM_PPC, .nph = 2,
				  .type = { PT_LOAD, PT_GNU_STACK },
				  .flags = { PF_R, RW }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/s390x-be-rwx")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2MSB, EM_S390, .nph = 2,
				  .type = { PT_LOAD, PT_GNU_STACK },
				  .flags = { PF_R, RWX }),
			    ELF_STACK_EXEC);
	UNIT_CASE("elfstack/s390x-be-rw")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2MSB, EM_S390, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW }),
			    ELF_STACK_NOEXEC);
	UNIT_CASE("elfstack/unknown-machine-fails-closed")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, 0x7777, .nph = 1,
				  .type = { PT_LOAD }, .flags = { PF_R }),
			    ELF_STACK_MISSING_EXEC);
}

static void test_not_elf(void)
{
	static const char text[] = "#!/bin/sh\necho this is not ELF\n";

	UNIT_CASE("elfstack/not-elf-text")
		expect_both(text, sizeof(text) - 1, ELF_STACK_NOT_ELF,
			    "not an ELF file");
	UNIT_CASE("elfstack/not-elf-empty")
		expect_both("", 0, ELF_STACK_NOT_ELF, "not an ELF file");
	UNIT_CASE("elfstack/not-elf-short")
		expect_both("\177EL", 3, ELF_STACK_NOT_ELF, "not an ELF file");
	UNIT_CASE("elfstack/not-elf-ar")
		expect_both("!<arch>\n", 8, ELF_STACK_NOT_ELF,
			    "not an ELF file");
	UNIT_CASE("elfstack/mem-null")
		EXPECT(elf_stack_mem(NULL, 0, NULL, 0) == ELF_STACK_NOT_ELF);
}

static void test_truncated(void)
{
	struct spec s = SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
			     .type = { PT_LOAD, PT_GNU_STACK },
			     .flags = { PF_R, RW });
	struct image im;

	build(&im, &s);
	UNIT_CASE("elfstack/truncated-magic-only")
		expect_both(im.b, 4, ELF_STACK_ERROR, NULL);
	UNIT_CASE("elfstack/truncated-ident")
		expect_both(im.b, 10, ELF_STACK_ERROR, NULL);
	UNIT_CASE("elfstack/truncated-ehdr")
		expect_both(im.b, 40, ELF_STACK_ERROR, NULL);
	UNIT_CASE("elfstack/truncated-in-phdrs")
		expect_both(im.b, 100, ELF_STACK_ERROR, "out of range");
	UNIT_CASE("elfstack/truncated-last-byte")
		expect_both(im.b, im.len - 1, ELF_STACK_ERROR, "out of range");
	UNIT_CASE("elfstack/truncated-elf32")
		for (size_t n = 4; n < 52 + 2 * 32; n += 7) {
			s.cls = ELFCLASS32;
			build(&im, &s);
			expect_both(im.b, n, ELF_STACK_ERROR, NULL);
		}
}

static void test_malformed(void)
{
	UNIT_CASE("elfstack/phoff-past-eof")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .phoff = 1ULL << 40),
			    ELF_STACK_ERROR);
	UNIT_CASE("elfstack/phoff-wraps")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .phoff = UINT64_MAX - 8),
			    ELF_STACK_ERROR);
	UNIT_CASE("elfstack/phoff-past-eof-elf32")
		expect_spec(&SPEC(ELFCLASS32, ELFDATA2MSB, EM_PPC, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .phoff = 0xfffffff0),
			    ELF_STACK_ERROR);
	UNIT_CASE("elfstack/huge-phnum")
		expect_spec_msg(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .phnum = 0xfffe),
			    ELF_STACK_ERROR, "out of range");
	UNIT_CASE("elfstack/pn-xnum-huge")
		expect_spec_msg(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .xnum = 0xffffffff),
			    ELF_STACK_ERROR, "out of range");
	UNIT_CASE("elfstack/pn-xnum-exact")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RWX },
				  .xnum = 1),
			    ELF_STACK_EXEC);
	UNIT_CASE("elfstack/bad-phentsize")
		expect_spec_msg(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
				  .type = { PT_LOAD, PT_GNU_STACK },
				  .flags = { PF_R, RW }, .phentsize = 32),
			    ELF_STACK_ERROR,
				"entry size");
	UNIT_CASE("elfstack/bad-class")
		expect_spec(&SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 1,
				  .type = { PT_GNU_STACK }, .flags = { RW },
				  .bad_class = 9),
			    ELF_STACK_ERROR);
	UNIT_CASE("elfstack/bad-fd") {
		char e[128] = "";

		EXPECT(elf_stack_fd(-1, e, sizeof(e)) == ELF_STACK_ERROR);
		EXPECT(strstr(e, "Bad file descriptor") != NULL);
		EXPECT(elf_stack_fd(-1, NULL, 0) == ELF_STACK_ERROR);
	}
}

static const char *name_of(enum elf_stack v)
{
	static const char *const n[] = { "NOEXEC", "EXEC", "MISSING_EXEC",
					  "NOT_ELF", "ERROR" };

	return (unsigned int)v < 5 ? n[v] : "?";
}

/* A file on disk; SKIP when it is not there. */
static void expect_file(const char *name, const char *path,
			enum elf_stack want)
{
	char e[256] = "";
	enum elf_stack v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char why[512];

	if (fd < 0) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		UNIT_SKIP(name, why);
		return;
	}
	UNIT_CASE(name) {
		v = elf_stack_fd(fd, e, sizeof(e));
		if (v != want)
			printf("# %s: %s (%s), want %s\n", path, name_of(v), e,
			       name_of(want));
		EXPECT(v == want);
	}
	close(fd);
}

/* The fixtures are built for the host: its own missing-stack rule. */
#if defined(__aarch64__) || defined(__riscv) || defined(__loongarch__) || \
    defined(__csky__) || defined(__arc__)
#define HOST_MISSING ELF_STACK_NOEXEC
#else
#define HOST_MISSING ELF_STACK_MISSING_EXEC
#endif

static void test_files(void)
{
	const char *dir = getenv("TESTLIBS");
	char p[512];

#if defined(__x86_64__)
	expect_file("elfstack/system-libc", "/lib/x86_64-linux-gnu/libc.so.6",
		    ELF_STACK_NOEXEC);
#elif defined(__aarch64__)
	expect_file("elfstack/system-libc", "/lib/aarch64-linux-gnu/libc.so.6",
		    ELF_STACK_NOEXEC);
#else
	UNIT_SKIP("elfstack/system-libc", "no known libc path on this host");
#endif
	if (!dir)
		dir = "build/testlibs";
	if (access(dir, F_OK)) {
		UNIT_SKIP("elfstack/testlibs", "build/testlibs not built "
			  "(make testlibs)");
		return;
	}
#define F(n, f, v) (snprintf(p, sizeof(p), "%s/%s", dir, f), \
		    expect_file("elfstack/testlibs/" n, p, v))
	F("ok", "libok.so", ELF_STACK_NOEXEC);
	F("execstack", "libexecstack.so", ELF_STACK_EXEC);
	F("nostack", "libnostack.so", HOST_MISSING);
	F("trunc", "libtrunc.so", ELF_STACK_ERROR);
	F("notelf", "notelf.so", ELF_STACK_NOT_ELF);
#undef F
}

/*
 * Files longer than the first read (checks/elfstack.c reads the first
 * page and hands libelf the headers found there): program headers past
 * the page, across its end, cut off by the end of the file, the count
 * in section 0, section headers far away; and what elf_head_fd reads
 * of PT_INTERP, near the start and far from it.
 */
#define BIG 12288

static void put_le(unsigned char *b, size_t off, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

/* im's program headers moved to phoff in a file of len bytes. */
static unsigned char *relocated(const struct image *im, int cls, int nph,
				size_t phoff, size_t len)
{
	bool is64 = cls == ELFCLASS64;
	size_t eh = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t ph = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	unsigned char *b = calloc(1, BIG);

	if (!b)
		abort();
	memcpy(b, im->b, eh);
	if (phoff + (size_t)nph * ph <= len)
		memcpy(b + phoff, im->b + eh, (size_t)nph * ph);
	else if (phoff < len)
		memcpy(b + phoff, im->b + eh, len - phoff);
	put_le(b, EI_NIDENT + 8 + (is64 ? 8 : 4), phoff, is64 ? 8 : 4);
	return b;
}

static void test_big(void)
{
	struct spec s64 = SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
			       .type = { PT_LOAD, PT_GNU_STACK },
			       .flags = { PF_R, RWX });
	struct spec s32 = SPEC(ELFCLASS32, ELFDATA2LSB, EM_386, .nph = 2,
			       .type = { PT_LOAD, PT_GNU_STACK },
			       .flags = { PF_R, RW });
	struct image im;
	unsigned char *b;

	build(&im, &s64);
	UNIT_CASE("elfstack/big-phdrs-far") {
		b = relocated(&im, ELFCLASS64, 2, 9000, BIG);
		expect_both(b, BIG, ELF_STACK_EXEC, NULL);
		free(b);
	}
	UNIT_CASE("elfstack/big-phdrs-across-the-page") {
		b = relocated(&im, ELFCLASS64, 2, 4096 - 40, BIG);
		expect_both(b, BIG, ELF_STACK_EXEC, NULL);
		free(b);
	}
	UNIT_CASE("elfstack/big-phdrs-cut-by-eof") {
		b = relocated(&im, ELFCLASS64, 2, 9000, 9000 + 70);
		expect_both(b, 9000 + 70, ELF_STACK_ERROR, "out of range");
		free(b);
	}
	UNIT_CASE("elfstack/big-sections-far") {
		b = relocated(&im, ELFCLASS64, 2, sizeof(Elf64_Ehdr), BIG);
		put_le(b, offsetof(Elf64_Ehdr, e_shoff), 8000, 8);
		put_le(b, offsetof(Elf64_Ehdr, e_shnum), 5, 2);
		expect_both(b, BIG, ELF_STACK_EXEC, NULL);
		free(b);
	}
	build(&im, &s32);
	UNIT_CASE("elfstack/big-phdrs-far-elf32") {
		b = relocated(&im, ELFCLASS32, 2, 8000, BIG);
		expect_both(b, BIG, ELF_STACK_NOEXEC, NULL);
		free(b);
	}
	struct spec sx = SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
			      .type = { PT_LOAD, PT_GNU_STACK },
			      .flags = { PF_R, RWX }, .xnum = 2);
	build(&im, &sx);
	UNIT_CASE("elfstack/big-pn-xnum") {
		b = calloc(1, BIG);
		if (!b)
			abort();
		memcpy(b, im.b, im.len);
		expect_both(b, BIG, ELF_STACK_EXEC, NULL);
		free(b);
	}
}

/* A 64-bit image with PT_INTERP naming path at off, through a file. */
static void expect_interp(const char *name, size_t off, bool want)
{
	static const char path[] = "/lib/ld-memtrace-test.so.1";
	struct spec s = SPEC(ELFCLASS64, ELFDATA2LSB, EM_X86_64, .nph = 2,
			     .type = { PT_INTERP, PT_GNU_STACK },
			     .flags = { PF_R, RW });
	struct image im;
	struct elf_head *h = malloc(sizeof(*h));
	unsigned char *b = calloc(1, BIG);
	char f[sizeof(tmpdir) + 16];

	if (!h || !b)
		abort();
	build(&im, &s);
	memcpy(b, im.b, im.len);
	/* p_offset and p_filesz of the first program header */
	put_le(b, sizeof(Elf64_Ehdr) + 8, off, 8);
	put_le(b, sizeof(Elf64_Ehdr) + 32, sizeof(path), 8);
	memcpy(b + off, path, sizeof(path));
	snprintf(f, sizeof(f), "%s/i", tmpdir);
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, b, BIG) != BIG)
		abort();
	UNIT_CASE(name) {
		elf_head_fd(fd, h, want);
		EXPECT(h->stack == ELF_STACK_NOEXEC);
		EXPECT(h->elf && h->is64 && h->le);
		EXPECT(h->machine == EM_X86_64);
		EXPECT(h->has_interp);
		EXPECT(!strcmp(h->interp, want ? path : ""));
		if (unit_case_failed)
			printf("# interp \"%s\"\n", h->interp);
	}
	close(fd);
	unlink(f);
	free(b);
	free(h);
}

/* Files where the first page alone would mislead (found by
 * fuzz_elfhead; kept in its seeds): the verdict must be libelf's on
 * the file. */
static void expect_as_file(const char *name, const char *file,
			   enum elf_stack want)
{
	char path[512], e1[256] = "", e2[256] = "";
	int fd;

	snprintf(path, sizeof(path), "testsuite/fuzz/corpus/elf/%s", file);
	fd = open(path, O_RDONLY);
	UNIT_CASE(name) {
		enum elf_stack vf = elf_stack_fd(fd, e1, sizeof(e1));
		enum elf_stack vl = elf_stack_file(fd, e2, sizeof(e2));
		EXPECT(fd >= 0);
		EXPECT(vf == want && vl == want);
		if (unit_case_failed)
			printf("# fd=%d \"%s\" file=%d \"%s\"\n", vf, e1, vl,
			       e2);
	}
	if (fd >= 0)
		close(fd);
}

static void test_head(void)
{
	expect_as_file("elfstack/section-count-in-section-0",
		       "elf64le-shnum-in-section0", ELF_STACK_ERROR);
	expect_as_file("elfstack/phdrs-inside-the-elf-header",
		       "elf64le-phdrs-in-ehdr", ELF_STACK_NOEXEC);
	expect_interp("elfstack/head-interp-near", 600, true);
	expect_interp("elfstack/head-interp-far", 10000, true);
	expect_interp("elfstack/head-interp-not-wanted", 10000, false);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_x86_64();
	test_other_machines();
	test_not_elf();
	test_truncated();
	test_malformed();
	test_files();
	test_big();
	test_head();
	rmdir(tmpdir);
	UNIT_DONE();
}
