# SPDX-License-Identifier: GPL-3.0-or-later
# make cross: static memtrace, cross tracees and the initramfs /init for
# every target, under build-cross/ARCH/ (testsuite/cross/build.sh), then
# a smoke check of each memtrace under qemu-user (--version with the
# backtraces line build.sh decided, --dump-policy, --dump-filter:
# testsuite/cross/smoke.sh). Backtraces (-k) are built in wherever the
# target's libunwind-dev ships static archives (all seven targets
# today); elsewhere they are compiled out, and build.sh says why.
# make check-cross: boot Debian's kernel of each target under
# qemu-system with that initramfs and read the results from the console
# (testsuite/cross/run-qemu.sh). Target libraries and kernels come from
# Debian's archive through a private apt under build-cross/apt/
# (testsuite/cross/apt.sh); host tools Debian 12 lacks (loongarch64's
# cross compiler and a qemu that boots it) are unpacked from later
# suites under build-cross/tools/ (testsuite/cross/tools.sh); see
# doc/cross.md.
#
#   make cross                          every host architecture of arch/
#   make cross CROSS_ARCHES=arm         only arm
#   make check-cross                    all seven: s390x aarch64 riscv64
#                                       x86_64 arm ppc64le loongarch64
#   make check-cross CROSS_ARCHES=s390x only s390x
#   make check-cross CROSS_TIMEOUT=600  seconds per boot (default 300)
#   make clean-cross                    remove build-cross/ (and its cache)
#
# Architecture names are those of arch/ptrace-ARCH.c (HOST_ARCH): arm,
# not armv7l.

CROSS_ARCHES ?=
CROSS_BUILD_ALL := aarch64 arm ppc64le riscv64 s390x x86_64 loongarch64
CROSS_BOOT_ALL  := s390x aarch64 riscv64 x86_64 arm ppc64le loongarch64

.PHONY: cross check-cross clean-cross cross-tracees

# x86_64 carries the i386 and x32 tracees of the main build (T32_BINS,
# TX32_BINS); one that does not build does not stop the others
# (build.sh needs wx32 and wxx32).
cross-tracees:
	+@$(MAKE) --no-print-directory -k $(T32_BINS) $(TX32_BINS) || true

cross: cross-tracees
	+@MAKE="$(MAKE)" sh testsuite/cross/build.sh \
		$(or $(CROSS_ARCHES),$(CROSS_BUILD_ALL))
	@bash testsuite/cross/smoke.sh $(or $(CROSS_ARCHES),$(CROSS_BUILD_ALL))

check-cross: cross-tracees
	+@MAKE="$(MAKE)" CROSS_TIMEOUT="$(CROSS_TIMEOUT)" \
		bash testsuite/cross/run-qemu.sh \
		$(or $(CROSS_ARCHES),$(CROSS_BOOT_ALL))

clean-cross:
	rm -rf build-cross
