/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A seeded random sequence of memory calls, for the differential test
 * against the kernel's own W^X (testsuite/cases/mapdiff.sh).
 *
 *   mapdiff [--mdwe] DIR FIRST COUNT
 *
 * For each seed FIRST .. FIRST+COUNT-1 it prints "seed N", then one
 * line a call, STEPS calls a seed:
 *
 *   STEP CALL ARGS = ok|ERRNO #SYS A0 A1 A2 A3
 *
 * ARGS name slots, kinds and protections, never addresses (which
 * differ between runs); what follows '#' is the call's raw arguments,
 * for finding memtrace's record of it. The calls are mmap, mprotect,
 * pkey_mprotect, mremap (resize in place, or move to another slot),
 * munmap and shmat, over anonymous private and shared memory, private
 * mappings of a file through a read-only and a writable fd, shared
 * mappings of a memfd (writable) and of the file (read-only), and SysV
 * segments. Each slot has its own area of AREA pages at a fixed
 * address, so holes are where the sequence left them and the layout
 * is the same in every run; a seed starts with every area unmapped.
 * DIR receives the file (an ELF header with a non-executable stack,
 * then pages of 0xc3, so that the stack check has nothing to say).
 *
 * --mdwe: set PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN) first; exit 3 if
 * the kernel has none.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/shm.h>

#include "tracee.h"

/* The name memtrace's records give the target's mapping call (s390x's
 * old_mmap records its block's address: no record of it matches). */
#ifdef USE_MMAP2
#define MMAP_SYS "mmap2"
#else
#define MMAP_SYS "mmap"
#endif

#define PR_SET_MDWE_ 65
#define PR_MDWE_REFUSE_EXEC_GAIN_ 1UL
#define PAGE 4096UL
#define NSLOT 4
#define AREA 16			/* pages a slot may use */
#define MAXPAGES 8		/* a mapping's largest size */
#define FILEPAGES 8
#define STEPS 24

enum kind { ANON, ANON_SHARED, FILE_RO, FILE_RW, MEMFD_SHARED,
	    FILE_SHARED_RO, SYSV, NKIND };
static const char *const kind_name[NKIND] = {
	"anon", "anon-shared", "file-private-rofd", "file-private-rwfd",
	"memfd-shared", "file-shared-rofd", "sysv",
};

static struct slot {
	int used;
	enum kind kind;
	unsigned long pages;
} slots[NSLOT];

static uintptr_t area;		/* NSLOT areas of AREA pages */
static int fd_ro, fd_rw, fd_memfd;
static uint64_t rng;
static unsigned step;

static unsigned rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static uintptr_t base(int s)
{
	return area + (uintptr_t)s * AREA * PAGE;
}

static const char *prot_str(unsigned long prot)
{
	static char b[4];

	b[0] = prot & PROT_READ ? 'r' : '-';
	b[1] = prot & PROT_WRITE ? 'w' : '-';
	b[2] = prot & PROT_EXEC ? 'x' : '-';
	b[3] = '\0';
	return b;
}

static const char *err_name(long r)
{
	static char b[16];
	static const struct { int e; const char *n; } names[] = {
		{ EACCES, "EACCES" }, { ENOMEM, "ENOMEM" },
		{ EINVAL, "EINVAL" }, { EPERM, "EPERM" }, { EBADF, "EBADF" },
		{ EEXIST, "EEXIST" }, { EFAULT, "EFAULT" },
		{ ENODEV, "ENODEV" }, { ENOSYS, "ENOSYS" },
		{ EOVERFLOW, "EOVERFLOW" }, { EAGAIN, "EAGAIN" },
	};

	if (r >= 0 || r < -4095)
		return "ok";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -r)
			return names[i].n;
	snprintf(b, sizeof(b), "E%ld", -r);
	return b;
}

/* The end of a line: the result, then the raw arguments. */
static void result(long r, const char *sys, unsigned long a0,
		   unsigned long a1, unsigned long a2, unsigned long a3)
{
	printf(" = %s #%s %lu %lu %lu %lu\n", err_name(r), sys, a0, a1, a2,
	       a3);
}

static unsigned long kind_flags(enum kind k)
{
	static const unsigned long flags[NKIND] = {
		[ANON] = MAP_PRIVATE | MAP_ANONYMOUS,
		[ANON_SHARED] = MAP_SHARED | MAP_ANONYMOUS,
		[FILE_RO] = MAP_PRIVATE, [FILE_RW] = MAP_PRIVATE,
		[MEMFD_SHARED] = MAP_SHARED, [FILE_SHARED_RO] = MAP_SHARED,
	};
	return flags[k];
}

static int kind_fd(enum kind k)
{
	switch (k) {
	case FILE_RO: case FILE_SHARED_RO: return fd_ro;
	case FILE_RW: return fd_rw;
	case MEMFD_SHARED: return fd_memfd;
	default: return -1;
	}
}

/* A protection for a new mapping: PROT_EXEC seldom where memtrace
 * refuses it anyway, so that sequences go on longer. */
static unsigned long map_prot(enum kind k)
{
	unsigned long prot = rnd(8);

	if (k != FILE_RO && rnd(4))
		prot &= ~(unsigned long)PROT_EXEC;
	return prot;
}

static void do_shmat(int s, unsigned long pages)
{
	static const unsigned long how[4] = { 0, SHM_RDONLY, SHM_EXEC,
					       SHM_RDONLY | SHM_EXEC };
	unsigned long flg = how[rnd(4)];
	int id = shmget(IPC_PRIVATE, pages * PAGE, IPC_CREAT | 0600);
	long r = id < 0 ? -errno
			: ret_of((long)shmat(id, (void *)base(s), (int)flg));

	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);	/* gone once detached */
	printf("%u shmat slot=%d pages=%lu%s%s", step, s, pages,
	       flg & SHM_RDONLY ? " rdonly" : "", flg & SHM_EXEC ? " exec" : "");
	result(r, "shmat", (unsigned long)id, base(s), flg, 0);
	if (r >= 0) {
		slots[s].used = 1;
		slots[s].kind = SYSV;
		slots[s].pages = pages;
	}
}

/* Map a new kind into slot s, over what is there (MAP_FIXED). */
static void do_map(int s, int sysv_ok)
{
	enum kind k = (enum kind)rnd(sysv_ok ? NKIND : NKIND - 1);
	unsigned long pages = 1 + rnd(4);

	if (k == SYSV) {
		do_shmat(s, pages);
		return;
	}
	unsigned long prot = map_prot(k), flags = kind_flags(k) | MAP_FIXED;
	long r = raw_mmap((void *)base(s), pages * PAGE, (int)prot, (int)flags,
			  kind_fd(k), 0);
	printf("%u mmap slot=%d kind=%s prot=%s pages=%lu", step, s,
	       kind_name[k], prot_str(prot), pages);
	result(r, MMAP_SYS, base(s), pages * PAGE, prot, flags);
	if (r >= 0) {
		slots[s].used = 1;
		slots[s].kind = k;
		slots[s].pages = pages;
	}
}

/* mprotect or pkey_mprotect over the whole slot, its first page, all
 * but its first page, or one page past its end (a hole). */
static void do_protect(int s, int pkey)
{
	static const char *const shape[4] = { "all", "first", "tail",
					      "past-end" };
	unsigned which = rnd(4);
	unsigned long prot = rnd(8), off = 0, pages = slots[s].pages;

	if (which == 1)
		pages = 1;
	else if (which == 2 && pages > 1)
		off = 1, pages--;
	else if (which == 3)
		pages++;
	unsigned long a = base(s) + off * PAGE, len = pages * PAGE;
	long r = pkey ? ret_of(syscall(SYS_pkey_mprotect, a, len, prot, -1))
		      : ret_of(syscall(SYS_mprotect, a, len, prot));
	const char *name = pkey ? "pkey_mprotect" : "mprotect";
	printf("%u %s slot=%d range=%s prot=%s", step, name, s, shape[which],
	       prot_str(prot));
	result(r, name, a, len, prot, 0);
}

static void do_resize(int s)
{
	unsigned long pages = 1 + rnd(MAXPAGES);
	long r = ret_of(syscall(SYS_mremap, base(s), slots[s].pages * PAGE,
				pages * PAGE, 0UL, 0UL));
	printf("%u mremap slot=%d pages=%lu->%lu", step, s, slots[s].pages,
	       pages);
	result(r, "mremap", base(s), slots[s].pages * PAGE, pages * PAGE, 0);
	if (r >= 0)
		slots[s].pages = pages;
}

static void do_move(int s)
{
	int to = (int)rnd(NSLOT);

	if (to == s || slots[to].used) {
		do_resize(s);
		return;
	}
	unsigned long len = slots[s].pages * PAGE;
	unsigned long flags = MREMAP_MAYMOVE | MREMAP_FIXED;
	long r = ret_of(syscall(SYS_mremap, base(s), len, len, flags,
				base(to)));
	printf("%u mremap-move slot=%d->%d", step, s, to);
	result(r, "mremap", base(s), len, len, flags);
	if (r >= 0) {
		slots[to] = slots[s];
		slots[s].used = 0;
	}
}

static void do_unmap(int s)
{
	long r = ret_of(syscall(SYS_munmap, base(s), slots[s].pages * PAGE));
	printf("%u munmap slot=%d", step, s);
	result(r, "munmap", base(s), slots[s].pages * PAGE, 0, 0);
	if (r >= 0)
		slots[s].used = 0;
}

static void one_step(void)
{
	int s = (int)rnd(NSLOT);
	unsigned op = rnd(100);

	if (!slots[s].used)
		do_map(s, 1);
	else if (op < 32)
		do_protect(s, 0);
	else if (op < 46)
		do_protect(s, 1);
	else if (op < 58)
		do_resize(s);
	else if (op < 68)
		do_move(s);
	else if (op < 80)
		do_unmap(s);
	else
		do_map(s, 0);
}

static void run_seed(unsigned long seed)
{
	rng = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	memset(slots, 0, sizeof(slots));
	printf("seed %lu\n", seed);
	for (step = 0; step < STEPS; step++)
		one_step();
	/* Whatever the seed left (shared memory attachments too). */
	munmap((void *)area, NSLOT * AREA * PAGE);
}

/* The file: an ELF header with a non-executable stack, then 0xc3. */
static int make_file(int fd)
{
	unsigned char page[PAGE];

	elf_stub_page(page);
	for (int i = 0; i < FILEPAGES; i++) {
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			return -1;
		memset(page, 0xc3, sizeof(page));
	}
	return 0;
}

static int setup(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/mapdiff.bin", dir);
	fd_rw = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fd_ro = open(path, O_RDONLY | O_CLOEXEC);
	fd_memfd = (int)syscall(SYS_memfd_create, "mapdiff", 0);
	if (fd_rw < 0 || fd_ro < 0 || fd_memfd < 0 || make_file(fd_rw) < 0 ||
	    make_file(fd_memfd) < 0) {
		perror(path);
		return -1;
	}
	/* Find room for the areas, and leave it free. */
	void *a = mmap(NULL, NSLOT * AREA * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	area = (uintptr_t)a;
	munmap(a, NSLOT * AREA * PAGE);
	return 0;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	int mdwe = argc > 1 && !strcmp(argv[1], "--mdwe");

	if (argc - mdwe != 4) {
		fprintf(stderr, "usage: mapdiff [--mdwe] DIR FIRST COUNT\n");
		return 2;
	}
	argv += mdwe;
	/* Whole lines, in as few writes as possible; no allocation. */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (setup(argv[1]) < 0)
		return 1;
	if (mdwe && prctl(PR_SET_MDWE_, PR_MDWE_REFUSE_EXEC_GAIN_, 0UL, 0UL,
			  0UL) < 0) {
		fprintf(stderr, "mapdiff: PR_SET_MDWE: %s\n", strerror(errno));
		return 3;
	}
	unsigned long first = strtoul(argv[2], NULL, 10);
	unsigned long count = strtoul(argv[3], NULL, 10);
	for (unsigned long seed = first; seed < first + count; seed++)
		run_seed(seed);
	fflush(stdout);
	return 0;
}
