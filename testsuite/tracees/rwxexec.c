/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A program with a writable and executable segment, which the kernel
 * maps at exec with no call memtrace could stop. Usage: rwxexec DIR
 * writes DIR/rwx, a copy of this program whose executable PT_LOAD
 * segments are writable too, and execs it as "DIR/rwx run", which
 * prints "ran" and exits 0.
 */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char image[4 << 20];

static int make_rwx(const char *path)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t n = in < 0 ? -1 : read(in, image, sizeof(image));

	if (n < (ssize_t)sizeof(ElfW(Ehdr)) || n == (ssize_t)sizeof(image))
		return -1;
	close(in);
	ElfW(Ehdr) *eh = (ElfW(Ehdr) *)image;
	for (int i = 0; i < eh->e_phnum; i++) {
		ElfW(Phdr) *ph = (ElfW(Phdr) *)(image + eh->e_phoff +
						(size_t)i * eh->e_phentsize);
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X))
			ph->p_flags |= PF_W;
	}
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0 || write(out, image, (size_t)n) != n)
		return -1;
	return close(out);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc == 2 && !strcmp(argv[1], "run")) {
		puts("ran");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: rwxexec DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/rwx", argv[1]);
	if (make_rwx(path) < 0) {
		perror(path);
		return 1;
	}
	execl(path, path, "run", (char *)NULL);
	perror(path);
	return 1;
}
