/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The digest algorithms force rules may name, as a table. */
#include <string.h>

#include "checks/force.h"

static const struct {
	const char *name;
	size_t hexlen;
	bool inferred;		/* Syd infers it from the hex length */
} algs[HASH__N] = {
	[HASH_CRC32] = { "crc32", 8, true },
	[HASH_CRC64] = { "crc64", 16, true },
	[HASH_MD5] = { "md5", 32, true },
	[HASH_SHA1] = { "sha1", 40, true },
	[HASH_SHA256] = { "sha256", 64, false },
	[HASH_SHA384] = { "sha384", 96, false },
	[HASH_SHA512] = { "sha512", 128, false },
	[HASH_SHA3_256] = { "sha3-256", 64, true },
	[HASH_SHA3_384] = { "sha3-384", 96, true },
	[HASH_SHA3_512] = { "sha3-512", 128, true },
	[HASH_BLAKE2B_512] = { "blake2b-512", 128, false },
};

int hash_alg_from_name(const char *name)
{
	for (int i = 0; i < HASH__N; i++)
		if (!strcmp(algs[i].name, name))
			return i;
	return -1;
}

int hash_alg_from_hexlen(size_t len)
{
	for (int i = 0; i < HASH__N; i++)
		if (algs[i].inferred && algs[i].hexlen == len)
			return i;
	return -1;
}

const char *hash_alg_name(int alg)
{
	return alg >= 0 && alg < HASH__N ? algs[alg].name : "?";
}

size_t hash_alg_hexlen(int alg)
{
	return alg >= 0 && alg < HASH__N ? algs[alg].hexlen : 0;
}
