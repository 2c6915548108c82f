#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Host tools that the host's own release lacks, taken from a later
# Debian suite and unpacked under build-cross/tools/NAME/ (never
# installed into the system), for targets whose cross compiler or
# emulator the release does not have:
#
#   tools.sh gcc ARCH           print the directory holding
#                               TRIPLET-gcc for ARCH
#   tools.sh qemu-system ARCH   print the path of a qemu-system-ARCH
#   tools.sh qemu-user ARCH     print the path of a qemu-ARCH (user mode)
#
# Only loongarch64 needs this on Debian 12: bookworm has no loongarch64
# cross compiler, and its qemu 7.2 can neither boot a current loong64
# kernel directly (no loader for the EFI image, no firmware that fits
# its ROM) nor run loong64 programs built by current compilers (no LSX
# vector instructions in qemu-user 7.2).
#
# - gcc: trixie's cross toolchain, built against trixie's glibc, so its
#   programs are given trixie's dynamic loader and libraries (patchelf:
#   interpreter and DT_RPATH point into the unpacked tree). GCC finds
#   cc1, as and ld relative to its own path.
# - qemu: bookworm-backports' qemu, built for bookworm, run through a
#   wrapper (build-cross/tools/NAME/run/) that keeps the system's qemu
#   modules (another build) out with QEMU_MODULE_DIR.
#
# The packages come through apt.sh (a private apt per area, here named
# tools-SUITE); exit status 3 means the archive could not be reached.
set -eu

ME=cross/tools
# shellcheck source=testsuite/cross/common.sh
. "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || die "usage: tools.sh gcc|qemu-system|qemu-user ARCH"
what=$1 arch=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
BC=${CROSS_BUILD_DIR:-build-cross}
case $BC in /*) ;; *) BC=$top/$BC ;; esac
hostarch=$(dpkg --print-architecture)
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# The table: what each tool is made of, per target.
#   NAME SUITE TRIPLET PACKAGES...
gcc_table() {
	case $1 in
	loongarch64)
		echo "gcc-loongarch64 trixie loongarch64-linux-gnu" \
			gcc-14-loongarch64-linux-gnu cpp-14-loongarch64-linux-gnu \
			binutils-loongarch64-linux-gnu libgcc-14-dev-loong64-cross \
			libc6 libstdc++6 libgcc-s1 libgmp10 libmpfr6 libmpc3 \
			libisl23 libzstd1 zlib1g libjansson4 libsframe1
		;;
	*) die "no gcc for $1 here (only loongarch64)" ;;
	esac
}
qemu_table() {
	case $1 in
	loongarch64)
		echo "qemu-$codename-backports $codename-backports -" \
			qemu-system-misc qemu-system-data qemu-user
		;;
	*) die "no qemu for $1 here (only loongarch64)" ;;
	esac
}

# Unpack the packages of a table line into build-cross/tools/NAME;
# print that directory. Done once (a stamp names the package list).
unpack() {	# NAME SUITE PACKAGES...
	name=$1 suite=$2
	shift 2
	root=$BC/tools/$name
	stamp=$root/.packages
	if [ "$(cat "$stamp" 2>/dev/null)" = "$*" ]; then
		echo "$root"
		return 0
	fi
	rm -rf "$root"
	mkdir -p "$root"
	for p in "$@"; do
		f=$(env CROSS_APT_NAME="tools-$suite" \
			"CROSS_SUITE_$hostarch=$suite" \
			sh "$top/testsuite/cross/apt.sh" "$hostarch" fetch "$p") ||
			exit $?
		dpkg-deb -x "$f" "$root" || die "dpkg-deb -x $f failed"
		echo "$f" >> "$root/.debs"
	done
	echo "$*" > "$stamp"
	echo "$root"
}

# The libraries the packages of ROOT (built for the host's release)
# depend on, installed from the host's release where missing (root):
# the host's own qemu would bring most of them, but need not be there.
host_deps() {	# ROOT
	deps=$(while IFS= read -r f; do dpkg-deb -f "$f" Depends; done < "$1/.debs" |
		tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*//' -e 's/:any//' \
			-e 's/^ *//' -e 's/ *$//' | grep -v '^qemu-' | sort -u)
	missing=
	for p in $deps; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "missing host libraries; run as root: apt-get install$missing"
	echo "cross/tools: installing$missing" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >&2 ||
		die "apt-get install$missing failed"
}

# Give every ELF program and shared object under DIR... the unpacked
# glibc's loader and library directory.
relink() {	# ROOT DIR...
	root=$1
	shift
	ldso=$(find "$root/usr/lib" -maxdepth 2 -name 'ld-linux*.so.*' | head -n 1)
	[ -n "$ldso" ] || die "no dynamic loader in $root"
	libdir=$(dirname "$ldso")
	host_need patchelf patchelf
	machine=$(readelf -h /bin/sh | grep Machine:)
	find "$@" -type f | while IFS= read -r f; do
		head -c 4 "$f" | grep -q 'ELF' || continue
		# Host programs only: not the target's objects and archives.
		[ "$(readelf -h "$f" 2>/dev/null | grep Machine:)" = "$machine" ] ||
			continue
		if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then
			patchelf --set-interpreter "$ldso" "$f" ||
				die "patchelf --set-interpreter $f failed"
		fi
		patchelf --force-rpath --set-rpath "$libdir" "$f" 2>/dev/null ||
			die "patchelf --set-rpath $f failed"
	done
}

case $what in
gcc)
	# shellcheck disable=SC2046
	set -- $(gcc_table "$arch")
	name=$1 suite=$2 trip=$3
	shift 3
	root=$(unpack "$name" "$suite" "$@") || exit $?
	bin=$root/usr/bin
	if [ ! -f "$root/.relinked" ]; then
		relink "$root" "$bin" "$root/usr/libexec"
		# The versioned driver under the plain name build.sh calls.
		for t in gcc cpp; do
			v=$(cd "$bin" && ls "$trip-$t"-[0-9]* 2>/dev/null | head -n 1)
			[ -n "$v" ] && ln -sf "$v" "$bin/$trip-$t"
		done
		touch "$root/.relinked"
	fi
	"$bin/$trip-gcc" --version > /dev/null 2>&1 ||
		die "$bin/$trip-gcc does not run: $("$bin/$trip-gcc" --version 2>&1 | head -n 1)"
	"$bin/$trip-ld" --version > /dev/null 2>&1 ||
		die "$bin/$trip-ld does not run: $("$bin/$trip-ld" --version 2>&1 | head -n 1)"
	echo "$bin"
	;;
qemu-system|qemu-user)
	# shellcheck disable=SC2046
	set -- $(qemu_table "$arch")
	name=$1 suite=$2
	shift 3
	root=$(unpack "$name" "$suite" "$@") || exit $?
	host_deps "$root"
	# A wrapper that keeps the system's qemu modules (another build)
	# out and, for qemu-system, points at this qemu's own data files.
	mkdir -p "$root/no-modules" "$root/run"
	if [ "$what" = qemu-user ]; then
		q=$root/usr/bin/qemu-$arch data=
	else
		q=$root/usr/bin/qemu-system-$arch data="-L $root/usr/share/qemu"
	fi
	[ -x "$q" ] || die "no $q in $*"
	w=$root/run/$(basename "$q")
	printf '#!/bin/sh\nQEMU_MODULE_DIR=%s exec %s %s "$@"\n' \
		"$root/no-modules" "$q" "$data" > "$w"
	chmod +x "$w"
	"$w" --version > /dev/null 2>&1 ||
		die "$q does not run: $("$w" --version 2>&1 | head -n 1)"
	echo "$w"
	;;
*)
	die "unknown tool $what (gcc, qemu-system, qemu-user)"
	;;
esac
