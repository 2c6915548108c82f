/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strip_gnustack IN OUT: copy an ELF file, turning every PT_GNU_STACK
 * program header into PT_NULL, so the result has no stack marking at
 * all (linkers always emit one now). Used to build the libnostack.so
 * test fixture; deterministic, no libelf needed. Fails unless at least
 * one PT_GNU_STACK was found.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZE (64L << 20)

static bool big_endian;

static uint64_t get(const unsigned char *p, int size)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[big_endian ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    n > MAX_SIZE || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Patch in place; the number of headers changed, or -1 if malformed. */
static int strip(unsigned char *b, size_t len)
{
	bool is64;
	uint64_t phoff, phent, phnum;
	int w, n = 0;

	if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG))
		return -1;
	is64 = b[EI_CLASS] == ELFCLASS64;
	big_endian = b[EI_DATA] == ELFDATA2MSB;
	w = is64 ? 8 : 4;
	if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -1;
	phoff = get(b + EI_NIDENT + 8 + w, w);
	phent = get(b + EI_NIDENT + 8 + 3 * w + 6, 2);
	phnum = get(b + EI_NIDENT + 8 + 3 * w + 8, 2);
	if (phent < 4 || phoff > len || phnum > (len - phoff) / phent)
		return -1;
	for (uint64_t i = 0; i < phnum; i++) {
		unsigned char *ph = b + phoff + i * phent;

		if (get(ph, 4) == PT_GNU_STACK) {
			put32(ph, PT_NULL);
			n++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len = 0;
	FILE *out;
	int n;

	if (argc != 3) {
		fprintf(stderr, "usage: strip_gnustack IN OUT\n");
		return 2;
	}
	if (!(buf = slurp(argv[1], &len))) {
		perror(argv[1]);
		return 1;
	}
	if ((n = strip(buf, len)) <= 0) {
		fprintf(stderr, "%s: %s\n", argv[1], n ? "malformed ELF" :
			"no PT_GNU_STACK");
		return 1;
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(buf, 1, len, out) != len || fclose(out)) {
		perror(argv[2]);
		remove(argv[2]);
		return 1;
	}
	free(buf);
	return 0;
}
