/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Force: whole-file digests for checksum rules. Digests come from
 * OpenSSL EVP, crc32 from zlib, crc64 (ECMA-182) from crc64_update.
 * The file is read with pread() from offset 0 so the descriptor's
 * offset is left alone.
 *
 * The cache. A digest is kept (by device, inode, size, times and
 * algorithm) only while memtrace holds a read lease on the file
 * (fcntl F_SETLEASE F_RDLCK, on a duplicate of the descriptor it was
 * read from). The kernel grants a read lease only while nobody has
 * the file open for writing, which a shared writable mapping also
 * counts as, and breaks it as soon as somebody opens the file for
 * writing or truncates it. So a cached digest is used only while the
 * file cannot have changed since it was read: the times alone do not
 * prove that (a write through a shared mapping whose page is already
 * dirty changes none of them). Where no lease can be taken (a writer
 * exists; memtrace is not the file's owner and lacks CAP_LEASE, as an
 * unprivileged user on a root-owned library; leases are off or the
 * filesystem has none), the digest is not cached and the file is
 * read at every check.
 *
 * A lease break sends memtrace SIGIO; the writer waits in open() until
 * the lease is let go (up to /proc/sys/fs/lease-break-time). The
 * handler lets go of every lease that is being broken at once; the
 * entry is dropped at its next lookup, which asks the kernel whether
 * the lease is still held (F_GETLEASE), so a signal that never came
 * cannot keep a stale digest either.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "checks/force.h"

/* Large enough that a libc takes a few dozen reads, small enough for .bss. */
#define CHUNK (128 * 1024)

static unsigned long reads;
static unsigned char chunk[CHUNK];

/* EVP names; crc32 and crc64 are not EVP digests. */
static const char *const evp_names[HASH__N] = {
	[HASH_MD5] = "MD5",
	[HASH_SHA1] = "SHA1",
	[HASH_SHA256] = "SHA256",
	[HASH_SHA384] = "SHA384",
	[HASH_SHA512] = "SHA512",
	[HASH_SHA3_256] = "SHA3-256",
	[HASH_SHA3_384] = "SHA3-384",
	[HASH_SHA3_512] = "SHA3-512",
	[HASH_BLAKE2B_512] = "BLAKE2B-512",
};

struct cache_ent {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	int alg;
	char hex[HASH_MAX_HEX + 1];
	/* The descriptor holding the read lease, -1 for none; read by
	 * the SIGIO handler, so written last when an entry is filled. */
	volatile sig_atomic_t lease_fd;
};

/* A ring: the next slot to fill is the oldest entry. */
static struct cache_ent cache[HASH_CACHE_MAX];
static size_t cache_used, cache_next;
static bool cache_ready;

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static bool key_matches(const struct cache_ent *e, const struct stat *st,
			int alg)
{
	return e->lease_fd >= 0 && e->alg == alg && e->ino == st->st_ino &&
	    e->dev == st->st_dev && e->size == st->st_size &&
	    same_time(&e->mtim, &st->st_mtim) &&
	    same_time(&e->ctim, &st->st_ctim);
}

static bool lease_held(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETLEASE) == F_RDLCK;
}

/* SIGIO: a lease is being broken. Let go of it now, so the writer
 * does not wait; its entry goes at the next lookup. */
static void on_lease_break(int sig)
{
	int saved = errno;

	for (size_t i = 0; i < HASH_CACHE_MAX; i++) {
		int fd = cache[i].lease_fd;
		if (fd >= 0 && fcntl(fd, F_GETLEASE) != F_RDLCK)
			fcntl(fd, F_SETLEASE, F_UNLCK);
	}
	errno = saved;
}

/* Before the first lease: SIGIO would otherwise end memtrace. */
static void cache_setup(void)
{
	struct sigaction sa;

	if (cache_ready)
		return;
	for (size_t i = 0; i < HASH_CACHE_MAX; i++)
		cache[i].lease_fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_lease_break;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGIO, &sa, NULL);
	cache_ready = true;
}

static void ent_drop(struct cache_ent *e)
{
	int fd = e->lease_fd;

	e->lease_fd = -1;
	if (fd >= 0)
		close(fd);
}

static const char *cache_find(const struct stat *st, int alg)
{
	for (size_t i = 0; i < cache_used; i++) {
		if (!key_matches(&cache[i], st, alg))
			continue;
		if (lease_held(cache[i].lease_fd))
			return cache[i].hex;
		ent_drop(&cache[i]);	/* broken: the file may differ */
	}
	return NULL;
}

/* Half the descriptors memtrace may open: the cache keeps to those
 * below it, so that it never starves the reads of /proc. */
static int lease_fd_limit(void)
{
	static int limit;
	struct rlimit rl;

	if (!limit)
		limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
			rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 1 << 20 ?
			(int)rl.rlim_cur / 2 : 1 << 19;
	return limit;
}

/* A read lease on the file behind fd, on a descriptor of its own
 * (sharing fd's open file); -1 where none can be had. */
static int lease_take(int fd)
{
	int l = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (l < 0)
		return -1;
	if (l >= lease_fd_limit() || fcntl(l, F_SETLEASE, F_RDLCK) < 0) {
		close(l);
		return -1;
	}
	return l;
}

static void cache_put(const struct stat *st, int alg, const char *hex,
		      int lease)
{
	struct cache_ent *e = &cache[cache_next];

	ent_drop(e);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtim = st->st_mtim;
	e->ctim = st->st_ctim;
	e->alg = alg;
	snprintf(e->hex, sizeof(e->hex), "%s", hex);
	e->lease_fd = lease;
	cache_next = (cache_next + 1) % HASH_CACHE_MAX;
	if (cache_used < HASH_CACHE_MAX)
		cache_used++;
}

void hash_cache_clear(void)
{
	for (size_t i = 0; i < cache_used; i++)
		ent_drop(&cache[i]);
	cache_used = cache_next = 0;
}

unsigned long hash_reads(void)
{
	return reads;
}

/* Next chunk at *off: bytes read, 0 at end of file, -1 with errno. */
static ssize_t next_chunk(int fd, off_t *off)
{
	ssize_t r;

	do
		r = pread(fd, chunk, sizeof(chunk), *off);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		*off += r;
	return r;
}

static void to_hex(const unsigned char *md, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * len] = '\0';
}

static int crc32_fd(int fd, char *hex)
{
	unsigned long crc = crc32(0, NULL, 0);
	off_t off = 0;
	ssize_t r;

	while ((r = next_chunk(fd, &off)) > 0)
		crc = crc32(crc, chunk, (uInt)r);
	if (r < 0)
		return -1;
	/* The value, most significant digit first, as crc32(1) prints it. */
	snprintf(hex, HASH_MAX_HEX + 1, "%08lx", crc & 0xffffffffUL);
	return 0;
}

/*
 * CRC-64/ECMA-182, the crc64 of Syd's force rules (the crc crate's
 * CRC_64_ECMA_182): polynomial 0x42f0e1eba9ea3693, most significant
 * bit first, initial value 0, no final xor; check value (the CRC of
 * "123456789") 0x6c40df5f0b497347. Written here, table-driven,
 * because none of memtrace's libraries provides a CRC-64: zlib has
 * crc32 only, and libcrypto and libelf none.
 */
#define CRC64_POLY UINT64_C(0x42f0e1eba9ea3693)

static uint64_t crc64_table[256];

static void crc64_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint64_t c = (uint64_t)i << 56;

		for (int b = 0; b < 8; b++)
			c = c & (UINT64_C(1) << 63) ? c << 1 ^ CRC64_POLY
						    : c << 1;
		crc64_table[i] = c;
	}
}

uint64_t crc64_update(uint64_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (!crc64_table[1])
		crc64_init();
	for (size_t i = 0; i < len; i++)
		crc = crc << 8 ^ crc64_table[(crc >> 56 ^ p[i]) & 0xff];
	return crc;
}

static int crc64_fd(int fd, char *hex)
{
	uint64_t crc = 0;
	off_t off = 0;
	ssize_t r;

	while ((r = next_chunk(fd, &off)) > 0)
		crc = crc64_update(crc, chunk, (size_t)r);
	if (r < 0)
		return -1;
	snprintf(hex, HASH_MAX_HEX + 1, "%016llx", (unsigned long long)crc);
	return 0;
}

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
#define FETCH_MD(name) EVP_MD_fetch(NULL, (name), NULL)
#else
#define FETCH_MD(name) EVP_get_digestbyname(name)
#endif

/* Fetched once per algorithm and kept: fetching walks the providers. */
static const EVP_MD *digest_of(int alg)
{
	static const EVP_MD *md[HASH__N];

	if (!md[alg])
		md[alg] = FETCH_MD(evp_names[alg]);
	return md[alg];
}

static int digest_fd(int fd, int alg, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	const EVP_MD *type = digest_of(alg);
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	off_t off = 0;
	ssize_t r = 0;
	int ok;

	if (!type) {
		errno = ENOTSUP;
		return -1;
	}
	if (!(ctx = EVP_MD_CTX_new())) {
		errno = ENOMEM;
		return -1;
	}
	ok = EVP_DigestInit_ex(ctx, type, NULL);
	while (ok && (r = next_chunk(fd, &off)) > 0)
		ok = EVP_DigestUpdate(ctx, chunk, (size_t)r);
	if (ok && r == 0)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (r < 0)
		return -1;	/* errno from pread, untouched by EVP */
	if (!ok || 2 * (size_t)mdlen != hash_alg_hexlen(alg)) {
		errno = EIO;
		return -1;
	}
	to_hex(md, mdlen, hex);
	return 0;
}

int hash_cached(const struct stat *st, int alg, char *hex)
{
	const char *hit = st && hex ? cache_find(st, alg) : NULL;

	if (!hit)
		return -1;
	snprintf(hex, HASH_MAX_HEX + 1, "%s", hit);
	return 0;
}

int hash_fd(int fd, const struct stat *st, int alg, char *hex)
{
	int rc, lease = -1;

	if (alg < 0 || alg >= HASH__N || !hex) {
		errno = EINVAL;
		return -1;
	}
	if (hash_cached(st, alg, hex) == 0)
		return 0;
	/* The lease first: what is read after it is the file as long
	 * as the lease holds. */
	if (st) {
		cache_setup();
		lease = lease_take(fd);
	}
	reads++;
	rc = alg == HASH_CRC32 ? crc32_fd(fd, hex) :
	     alg == HASH_CRC64 ? crc64_fd(fd, hex) : digest_fd(fd, alg, hex);
	if (rc == 0 && lease_held(lease)) {
		cache_put(st, alg, hex, lease);
	} else if (lease >= 0) {
		int saved = errno;
		close(lease);
		errno = saved;
	}
	return rc;
}
