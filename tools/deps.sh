#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Make sure the build (and, with "check", the test suite; with "deb",
# make deb) has what it needs. As root, install what is missing with
# apt-get; otherwise print the exact command and fail.
set -u

build_pc="libseccomp libelf libunwind-ptrace libcrypto zlib"
build_pkgs="pkg-config libseccomp-dev libelf-dev libunwind-dev libssl-dev zlib1g-dev libiberty-dev"
check_cmds="jq setpriv mandoc g++"
check_pkgs="jq util-linux mandoc g++"
deb_cmds="dpkg-buildpackage dh lintian"
deb_pkgs="dpkg-dev debhelper lintian"

missing=""
if ! command -v pkg-config >/dev/null 2>&1; then
	missing="$build_pkgs"
else
	for pc in $build_pc; do
		pkg-config --exists "$pc" || { missing="$build_pkgs"; break; }
	done
fi
# libiberty-dev (C++ demangling for -k) has no pkg-config file.
[ -e /usr/include/libiberty/demangle.h ] || missing="$missing libiberty-dev"
if [ "${1-}" = check ]; then
	for c in $check_cmds; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $check_pkgs"
	done
fi
if [ "${1-}" = deb ]; then	# make deb
	for c in $deb_cmds; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $deb_pkgs"
	done
fi
[ -z "$missing" ] && exit 0

# shellcheck disable=SC2086
set -- $(printf '%s\n' $missing | sort -u)
line="apt-get install -y --no-install-recommends $*"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "memtrace: missing build dependencies; run as root:" >&2
	echo "    apt-get update && $line" >&2
	exit 1
fi
echo "memtrace: installing build dependencies: $*" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "$@" >&2 || exit 1
