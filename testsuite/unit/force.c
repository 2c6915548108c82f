/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * checks/force: known-answer vectors for every algorithm, the identity
 * cache (kept only under a read lease), and the promise to read with
 * pread (offset untouched).
 * The vectors are the published ones (FIPS 180/202, RFC 1321, RFC 7693
 * test suites, the CRC-32 check value) and were re-derived with
 * Python's hashlib/zlib and `openssl dgst` when written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/force.h"
#include "testsuite/unit/unit.h"

struct vector {
	int alg;
	const char *hex;
};

static const struct vector v_empty[] = {
	{ HASH_CRC32, "00000000" },
	{ HASH_MD5, "d41d8cd98f00b204e9800998ecf8427e" },
	{ HASH_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ HASH_SHA256, "e3b0c44298fc1c149afbf4c8996fb924"
		       "27ae41e4649b934ca495991b7852b855" },
	{ HASH_SHA384, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
		       "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b" },
	{ HASH_SHA512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc"
		       "83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
		       "63b931bd47417a81a538327af927da3e" },
	{ HASH_SHA3_256, "a7ffc6f8bf1ed76651c14756a061d662"
			 "f580ff4de43b49fa82d80a4b80f8434a" },
	{ HASH_SHA3_384, "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61"
			 "995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004" },
	{ HASH_SHA3_512, "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859"
			 "e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558"
			 "f500199d95b6d3e301758586281dcd26" },
	{ HASH_BLAKE2B_512, "786a02f742015903c6c6fd852552d272912f4740e1584761"
			    "8a86e217f71f5419d25e1031afee585313896444934eb04b"
			    "903a685b1448b755d56f701afe9be2ce" },
};

static const struct vector v_abc[] = {
	{ HASH_CRC32, "352441c2" },
	{ HASH_MD5, "900150983cd24fb0d6963f7d28e17f72" },
	{ HASH_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ HASH_SHA256, "ba7816bf8f01cfea414140de5dae2223"
		       "b00361a396177a9cb410ff61f20015ad" },
	{ HASH_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
		       "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7" },
	{ HASH_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea2"
		       "0a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
		       "454d4423643ce80e2a9ac94fa54ca49f" },
	{ HASH_SHA3_256, "3a985da74fe225b2045c172d6bd390bd"
			 "855f086e3e9d525b46bfe24511431532" },
	{ HASH_SHA3_384, "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c25"
			 "96da7cf0e49be4b298d88cea927ac7f539f1edf228376d25" },
	{ HASH_SHA3_512, "b751850b1a57168a5693cd924b6b096e08f621827444f70d"
			 "884f5d0240d2712e10e116e9192af3c91a7ec57647e39340"
			 "57340b4cf408d5a56592f8274eec53f0" },
	{ HASH_BLAKE2B_512, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b7"
			    "4b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc95"
			    "18d38aa8dbf1925ab92386edd4009923" },
};

/* One million 'a': spans many read chunks and ends in a partial one. */
static const struct vector v_million[] = {
	{ HASH_CRC32, "dc25bfbc" },
	{ HASH_MD5, "7707d6ae4e027c70eea2a935c2296f21" },
	{ HASH_SHA1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
	{ HASH_SHA256, "cdc76e5c9914fb9281a1c7e284d73e67"
		       "f1809a48a497200e046d39ccc7112cd0" },
	{ HASH_SHA384, "9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
		       "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985" },
	{ HASH_SHA512, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b204428"
		       "5632a803afa973ebde0ff244877ea60a4cb0432ce577c31b"
		       "eb009c5c2c49aa2e4eadb217ad8cc09b" },
	{ HASH_SHA3_256, "5c8875ae474a3634ba4fd55ec85bffd6"
			 "61f32aca75c6d699d0cdcb6c115891c1" },
	{ HASH_SHA3_384, "eee9e24d78c1855337983451df97c8ad9eedf256c6334f8e"
			 "948d252d5e0e76847aa0774ddb90a842190d2c558b4b8340" },
	{ HASH_SHA3_512, "3c3a876da14034ab60627c077bb98f7e120a2a5370212dff"
			 "b3385a18d4f38859ed311d0a9d5141ce9cc5c66ee689b266"
			 "a8aa18ace8282a0e0db596c90b0a7b87" },
	{ HASH_BLAKE2B_512, "98fb3efb7206fd19ebf69b6f312cf7b64e3b94dbe1a17107"
			    "913975a793f177e1d077609d7fba363cbba00d05f7aa4e4f"
			    "a8715d6428104c0a75643b0ff3fd3eaf" },
};

#define NVEC(v) (sizeof(v) / sizeof(*(v)))
#define ABC_SHA1 (v_abc[2].hex)
#define ABC_SHA256 (v_abc[3].hex)

static char tmpdir[] = "/tmp/memtrace-force-XXXXXX";
static int seq;

/* A new temp file holding len bytes of buf; read-write fd, offset 0. */
static int file_with(const void *buf, size_t len)
{
	char path[sizeof(tmpdir) + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/%d", tmpdir, seq++);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	unlink(path);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A file holding buf, open read-only (a read lease needs that, and
 * nobody writing); its path in path. */
static int file_ro(const void *buf, size_t len, char *path, size_t plen)
{
	snprintf(path, plen, "%s/%d", tmpdir, seq++);
	int w = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w < 0 || write(w, buf, len) != (ssize_t)len || close(w) < 0)
		abort();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort();
	return fd;
}

/* Whether this process can take a read lease on fd's file at all
 * (root or the file's owner, leases on, nobody writing). */
static bool lease_possible(int fd)
{
	int l = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	bool ok = l >= 0 && fcntl(l, F_SETLEASE, F_RDLCK) == 0;

	if (l >= 0)
		close(l);
	return ok;
}

/* Write buf at offset 0 through a descriptor of its own (which breaks
 * any read lease on the file). */
static void rewrite(const char *path, const void *buf, size_t len)
{
	int w = open(path, O_WRONLY | O_CLOEXEC);
	if (w < 0 || pwrite(w, buf, len, 0) != (ssize_t)len || close(w) < 0)
		abort();
}

static void check_vectors(const char *group, const struct vector *v,
			  size_t n, const void *buf, size_t len)
{
	char name[64], hex[HASH_MAX_HEX + 1];
	int fd = file_with(buf, len);

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "force/%s/%s", group,
			 hash_alg_name(v[i].alg));
		UNIT_CASE(name) {
			memset(hex, 'x', sizeof(hex));
			EXPECT(hash_fd(fd, NULL, v[i].alg, hex) == 0);
			EXPECT_STR(hex, v[i].hex);
			EXPECT(strlen(hex) == hash_alg_hexlen(v[i].alg));
		}
	}
	close(fd);
}

static void test_vectors(void)
{
	char *big = malloc(1000000);
	char hex[HASH_MAX_HEX + 1];
	int fd;

	if (!big)
		abort();
	memset(big, 'a', 1000000);
	check_vectors("empty", v_empty, NVEC(v_empty), "", 0);
	check_vectors("abc", v_abc, NVEC(v_abc), "abc", 3);
	check_vectors("million-a", v_million, NVEC(v_million), big, 1000000);
	free(big);
	UNIT_CASE("force/crc32/check-value") {
		fd = file_with("123456789", 9);
		EXPECT(hash_fd(fd, NULL, HASH_CRC32, hex) == 0);
		EXPECT_STR(hex, "cbf43926");
		close(fd);
	}
	/* CRC-64/ECMA-182's published check value, and the same through a
	 * file, and in two pieces (the chunked reads of a large file). */
	UNIT_CASE("force/crc64/check-value") {
		EXPECT(crc64_update(0, "123456789", 9) ==
		       UINT64_C(0x6c40df5f0b497347));
		EXPECT(crc64_update(crc64_update(0, "1234", 4), "56789", 5) ==
		       UINT64_C(0x6c40df5f0b497347));
		EXPECT(crc64_update(0, "", 0) == 0);
		fd = file_with("123456789", 9);
		EXPECT(hash_fd(fd, NULL, HASH_CRC64, hex) == 0);
		EXPECT_STR(hex, "6c40df5f0b497347");
		close(fd);
	}
	UNIT_CASE("force/every-alg-has-a-vector")
		for (int a = 0; a < HASH__N; a++) {
			bool found = a == HASH_CRC64;	/* check-value above */

			for (size_t i = 0; i < NVEC(v_abc); i++)
				found |= v_abc[i].alg == a;
			EXPECT(found);
		}
}

static void test_errors(void)
{
	char hex[HASH_MAX_HEX + 1];
	int fd = file_with("abc", 3), p[2];

	UNIT_CASE("force/bad-alg") {
		errno = 0;
		EXPECT(hash_fd(fd, NULL, HASH__N, hex) == -1);
		EXPECT(errno == EINVAL);
		errno = 0;
		EXPECT(hash_fd(fd, NULL, -1, hex) == -1);
		EXPECT(errno == EINVAL);
		errno = 0;
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, NULL) == -1);
		EXPECT(errno == EINVAL);
	}
	close(fd);
	UNIT_CASE("force/bad-fd") {
		errno = 0;
		EXPECT(hash_fd(-1, NULL, HASH_SHA256, hex) == -1);
		EXPECT(errno == EBADF);
		errno = 0;
		EXPECT(hash_fd(-1, NULL, HASH_CRC32, hex) == -1);
		EXPECT(errno == EBADF);
	}
	UNIT_CASE("force/unreadable-fd") {
		fd = open(tmpdir, O_RDONLY | O_DIRECTORY);
		EXPECT(fd >= 0);
		errno = 0;
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, hex) == -1);
		EXPECT(errno == EISDIR);
		close(fd);
		fd = open("/dev/null", O_WRONLY);
		errno = 0;
		EXPECT(hash_fd(fd, NULL, HASH_MD5, hex) == -1);
		EXPECT(errno == EBADF);
		close(fd);
	}
	UNIT_CASE("force/pipe") {
		EXPECT(pipe(p) == 0);
		errno = 0;
		EXPECT(hash_fd(p[0], NULL, HASH_SHA1, hex) == -1);
		EXPECT(errno == ESPIPE);
		close(p[0]);
		close(p[1]);
	}
}

static void test_offset(void)
{
	char hex[HASH_MAX_HEX + 1];
	int fd = file_with("xxabc", 5);

	UNIT_CASE("force/offset-untouched") {
		lseek(fd, 2, SEEK_SET);
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, hex) == 0);
		EXPECT(lseek(fd, 0, SEEK_CUR) == 2);
		/* The whole file, not the part after the offset. */
		EXPECT(strcmp(hex, ABC_SHA256) != 0);
		EXPECT(hash_fd(fd, NULL, HASH_CRC32, hex) == 0);
		EXPECT(lseek(fd, 0, SEEK_CUR) == 2);
	}
	close(fd);
}

static void test_cache(void)
{
	char h1[HASH_MAX_HEX + 1], h2[HASH_MAX_HEX + 1];
	char path[sizeof(tmpdir) + 16];
	struct timespec ts[2] = { { 1000000000, 1 }, { 1000000000, 1 } };
	struct stat st, st2;
	unsigned long r0;
	int fd = file_ro("abc", 3, path, sizeof(path)), wo;

	fstat(fd, &st);
	if (!lease_possible(fd)) {
		UNIT_SKIP("force/cache/*", "no read lease can be taken here "
			  "(not root nor the owner, or leases are off): "
			  "nothing is cached");
		close(fd);
		unlink(path);
		return;
	}
	UNIT_CASE("force/cache/hit") {
		hash_cache_clear();
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h2) == 0);
		EXPECT(hash_reads() == r0 + 1);
		EXPECT_STR(h1, ABC_SHA256);
		EXPECT_STR(h2, ABC_SHA256);
	}
	UNIT_CASE("force/cache/lookup-without-fd") {
		/* What hash_fd cached, hash_cached gives without a read;
		 * another algorithm or file is a miss. */
		h1[0] = '\0';
		EXPECT(hash_cached(&st, HASH_SHA256, h1) == 0);
		EXPECT_STR(h1, ABC_SHA256);
		EXPECT(hash_cached(&st, HASH_SHA512, h1) == -1);
		st2 = st;
		st2.st_ino++;
		EXPECT(hash_cached(&st2, HASH_SHA256, h1) == -1);
		EXPECT(hash_cached(NULL, HASH_SHA256, h1) == -1);
	}
	UNIT_CASE("force/cache/alg-is-key") {
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st, HASH_SHA1, h1) == 0);
		EXPECT_STR(h1, ABC_SHA1);
		EXPECT(hash_reads() == r0 + 1);
	}
	UNIT_CASE("force/cache/no-stat-no-cache") {
		r0 = hash_reads();
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, h1) == 0);
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 2);
	}
	UNIT_CASE("force/cache/write-breaks-the-lease") {
		/* Changed through a descriptor opened for writing after it
		 * was cached, its times given as they were (a write through
		 * a dirty shared page changes none): read again. */
		hash_cache_clear();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		rewrite(path, "abd", 3);
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 1);
		EXPECT(strcmp(h1, ABC_SHA256) != 0);
		rewrite(path, "abc", 3);
		EXPECT(fstat(fd, &st) == 0);
	}
	UNIT_CASE("force/cache/never-while-open-for-writing") {
		/* While a writer has the file open, every check reads it:
		 * its content can change without any time changing. */
		hash_cache_clear();
		wo = open(path, O_WRONLY | O_CLOEXEC);
		EXPECT(wo >= 0);
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT_STR(h1, ABC_SHA256);
		EXPECT(pwrite(wo, "abd", 3, 0) == 3);
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(strcmp(h1, ABC_SHA256) != 0);
		EXPECT(hash_reads() == r0 + 2);
		EXPECT(pwrite(wo, "abc", 3, 0) == 3);
		close(wo);
		EXPECT(fstat(fd, &st) == 0);
		/* The writer gone, the lease is taken and the digest kept. */
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 3);
		EXPECT_STR(h1, ABC_SHA256);
	}
	UNIT_CASE("force/cache/modified-file") {
		rewrite(path, "abcd", 4);
		EXPECT(fstat(fd, &st2) == 0);
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st2, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 1);
		EXPECT(strcmp(h1, ABC_SHA256) != 0);
		/* Back to "abc", same size, an old mtime: read again. */
		EXPECT(truncate(path, 3) == 0);
		EXPECT(utimensat(AT_FDCWD, path, ts, 0) == 0);
		EXPECT(fstat(fd, &st2) == 0);
		EXPECT(hash_fd(fd, &st2, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 2);
		EXPECT_STR(h1, ABC_SHA256);
		st = st2;
	}
	UNIT_CASE("force/cache/every-field-is-key") {
		EXPECT(hash_fd(fd, &st, HASH_MD5, h1) == 0);
		for (int f = 0; f < 6; f++) {
			st2 = st;
			switch (f) {
			case 0: st2.st_dev++; break;
			case 1: st2.st_ino++; break;
			case 2: st2.st_size++; break;
			case 3: st2.st_mtim.tv_sec++; break;
			case 4: st2.st_mtim.tv_nsec ^= 1; break;
			default: st2.st_ctim.tv_nsec ^= 1; break;
			}
			r0 = hash_reads();
			EXPECT(hash_fd(fd, &st2, HASH_MD5, h1) == 0);
			EXPECT(hash_reads() == r0 + 1);
		}
	}
	UNIT_CASE("force/cache/clear") {
		hash_cache_clear();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0);
		hash_cache_clear();
		EXPECT(hash_fd(fd, &st, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 1);
	}
	UNIT_CASE("force/cache/failure-not-cached") {
		wo = open("/dev/null", O_WRONLY);
		st2 = st;
		st2.st_ino += 12345;
		EXPECT(hash_fd(wo, &st2, HASH_SHA256, h1) == -1);
		r0 = hash_reads();
		EXPECT(hash_fd(fd, &st2, HASH_SHA256, h1) == 0);
		EXPECT(hash_reads() == r0 + 1);
		close(wo);
	}
	hash_cache_clear();
	close(fd);
	unlink(path);
}

/* Fill the cache past its size: the oldest entry goes first. */
static void test_eviction(void)
{
	char hex[HASH_MAX_HEX + 1], path[sizeof(tmpdir) + 16];
	struct stat st;
	unsigned long r0;
	int fd = file_ro("abc", 3, path, sizeof(path));

	struct rlimit rl;
	fstat(fd, &st);
	if (!lease_possible(fd)) {
		UNIT_SKIP("force/cache/eviction", "no read lease can be taken "
			  "here: nothing is cached");
	} else if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		   rl.rlim_cur < 2 * (HASH_CACHE_MAX + 32)) {
		UNIT_SKIP("force/cache/eviction", "RLIMIT_NOFILE too low to "
			  "hold a full cache (each entry keeps a descriptor)");
	} else UNIT_CASE("force/cache/eviction") {
		hash_cache_clear();
		for (ino_t i = 1; i <= HASH_CACHE_MAX + 1; i++) {
			st.st_ino = i;
			EXPECT(hash_fd(fd, &st, HASH_CRC32, hex) == 0);
		}
		r0 = hash_reads();
		st.st_ino = HASH_CACHE_MAX + 1;
		EXPECT(hash_fd(fd, &st, HASH_CRC32, hex) == 0);
		st.st_ino = 2;
		EXPECT(hash_fd(fd, &st, HASH_CRC32, hex) == 0);
		EXPECT(hash_reads() == r0);
		st.st_ino = 1;		/* evicted; re-reading evicts 2 */
		EXPECT(hash_fd(fd, &st, HASH_CRC32, hex) == 0);
		EXPECT(hash_reads() == r0 + 1);
		st.st_ino = 2;
		EXPECT(hash_fd(fd, &st, HASH_CRC32, hex) == 0);
		EXPECT(hash_reads() == r0 + 2);
		EXPECT_STR(hex, "352441c2");
	}
	hash_cache_clear();
	close(fd);
	unlink(path);
}

/* What the tracer relies on: a library every process maps is read once. */
static void test_libc_once(void)
{
	static const char *const paths[] = {
		"/lib/x86_64-linux-gnu/libc.so.6",
		"/lib/aarch64-linux-gnu/libc.so.6",
		"/lib/riscv64-linux-gnu/libc.so.6",
		"/lib/s390x-linux-gnu/libc.so.6",
		"/lib64/libc.so.6",
		"/lib/libc.so.6",
	};
	char h1[HASH_MAX_HEX + 1], h2[HASH_MAX_HEX + 1];
	struct stat st;
	unsigned long r0;
	int fd = -1;

	for (size_t i = 0; fd < 0 && i < NVEC(paths); i++)
		fd = open(paths[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		UNIT_SKIP("force/cache/libc-once", "no libc.so.6 found");
		return;
	}
	if (!lease_possible(fd)) {
		UNIT_SKIP("force/cache/libc-once", "no read lease on libc "
			  "(not root): it is read at every check");
		close(fd);
		return;
	}
	UNIT_CASE("force/cache/libc-once") {
		EXPECT(fstat(fd, &st) == 0);
		hash_cache_clear();
		r0 = hash_reads();
		for (int i = 0; i < 5; i++)
			EXPECT(hash_fd(fd, &st, HASH_SHA256, i ? h2 : h1) == 0);
		EXPECT(hash_reads() == r0 + 1);
		EXPECT_STR(h1, h2);
		EXPECT(hash_fd(fd, NULL, HASH_SHA256, h2) == 0);
		EXPECT_STR(h1, h2);
	}
	close(fd);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_vectors();
	test_errors();
	test_offset();
	test_cache();
	test_eviction();
	test_libc_once();
	rmdir(tmpdir);
	UNIT_DONE();
}
