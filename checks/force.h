/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Force: checksum verification of mapped files (OpenSSL EVP for the
 * digests, zlib's crc32() for crc32, crc64_update() for crc64, which
 * none of the linked libraries provides). Hashes are read from an open
 * fd, never by path, and cached by file identity only while a read
 * lease proves the file unchanged (see force.c).
 */
#ifndef MEMTRACE_FORCE_H
#define MEMTRACE_FORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum hash_alg {
	HASH_CRC32, HASH_CRC64, HASH_MD5, HASH_SHA1, HASH_SHA256,
	HASH_SHA384, HASH_SHA512, HASH_SHA3_256, HASH_SHA3_384,
	HASH_SHA3_512, HASH_BLAKE2B_512, HASH__N
};

#define HASH_MAX_HEX 128
/* Cached results kept, each holding a descriptor with a read lease
 * (see force.c); the oldest is evicted first. */
#define HASH_CACHE_MAX 256

/* "sha256" -> HASH_SHA256; -1 if unknown. */
int hash_alg_from_name(const char *name);
/* The algorithm Syd infers from a digest's hex length; -1 if none. */
int hash_alg_from_hexlen(size_t len);
const char *hash_alg_name(int alg);
/* Hex length of the algorithm's digest. */
size_t hash_alg_hexlen(int alg);

/*
 * Hash the whole file behind fd (read with pread from offset 0) into
 * hex (lower case, NUL-terminated, at least HASH_MAX_HEX+1 bytes).
 * 0 on success, -1 with errno set (ENOTSUP for a digest the crypto
 * library lacks, EINVAL for an unknown algorithm).
 * The result is cached by (st_dev, st_ino, st_size, mtime, ctime, alg)
 * when st is given and a read lease on the file can be taken through
 * fd (open read-only, nobody else writing); it is used only while
 * that lease holds.
 */
int hash_fd(int fd, const struct stat *st, int alg, char *hex);

/* The cached hash of the file st describes, as hash_fd would give it:
 * 0 on a hit, -1 on a miss (then the file must be read). */
int hash_cached(const struct stat *st, int alg, char *hex);

/* How many times hash_fd actually read a file (not served from cache). */
unsigned long hash_reads(void);

void hash_cache_clear(void);

/* CRC-64/ECMA-182 (Syd's crc64) of buf, continuing from crc (0 to
 * start); check value for "123456789": 0x6c40df5f0b497347. */
uint64_t crc64_update(uint64_t crc, const void *buf, size_t len);

#endif
