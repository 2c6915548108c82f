# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=sh
# Sourced by build.sh, run-qemu.sh and tools.sh, which first set ME
# (cross/build, cross/run, cross/tools: the prefix of their messages).

die() { echo "$ME: $*" >&2; exit 1; }

# Host packages: install what is missing (root), else say what to run.
host_need() {	# COMMAND PACKAGE
	command -v "$1" > /dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || die "missing $1; run as root: apt-get install $2"
	echo "$ME: installing $2" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$2" >&2 || die "apt-get install $2 failed"
}

# The Debian architecture of a target (arch/ptrace-ARCH.c's name).
debarch() {
	case $1 in
	aarch64) echo arm64 ;;
	arm) echo armhf ;;
	loongarch64) echo loong64 ;;
	ppc64le) echo ppc64el ;;
	riscv64) echo riscv64 ;;
	s390x) echo s390x ;;
	x86_64) echo amd64 ;;
	*) die "unknown target $1 (aarch64 arm loongarch64 ppc64le riscv64 s390x x86_64)" ;;
	esac
}
