#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make cross: a static memtrace, the static cross tracees and the
# initramfs /init for each target, all under build-cross/ARCH/:
#
#   build-cross/ARCH/memtrace     built by the tree's GNUmakefile with
#                                 CROSS=1 STATIC=1, NO_UNWIND=1 but on
#                                 x86_64 (libunwind-ptrace)
#   build-cross/ARCH/init         testsuite/cross/init.c
#   build-cross/ARCH/t/...        testsuite/cross/tracees/*.c; x86_64
#                                 also t/i386/ (make tracees) and
#                                 t/lib/libexecstack.so (mapfile32's)
#
#   build.sh ARCH...     ARCH: aarch64 arm ppc64le riscv64 s390x x86_64
#                        loongarch64 (skipped without a cross compiler);
#                        the name of arch/ptrace-ARCH.c (uname -m, but
#                        arm for armv7l), passed as HOST_ARCH
#
# Target libraries (libseccomp, libelf, libcrypto, zlib and what their
# static archives need) come from Debian's -dev packages of the target
# architecture, unpacked into build-cross/sysroot-DEBARCH by apt.sh.
# The cross compilers are host packages; as root, missing ones are
# installed with apt-get (as tools/deps.sh does for the native build).
# libunwind (-k backtraces) is built in on x86_64 only, from the target's
# libunwind-dev; elsewhere it is compiled out (NO_UNWIND=1).
#
# Exit status 3: the archive could not be reached (nothing cached).
set -eu

die() { echo "cross/build: $*" >&2; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BC=${CROSS_BUILD_DIR:-build-cross}
MAKE=${MAKE:-make}

# Host packages: install what is missing (root), else say what to run.
host_need() {	# COMMAND PACKAGE
	command -v "$1" > /dev/null 2>&1 && return 0
	if [ "$(id -u)" != 0 ]; then
		die "missing $1; run as root: apt-get install $2"
	fi
	echo "cross/build: installing $2" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$2" >&2 ||
		die "apt-get install $2 failed"
}

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

# The GNU triplet: the cross compiler's prefix and the multiarch
# directory of the target's libraries and headers.
triplet() {
	case $1 in
	arm) echo arm-linux-gnueabihf ;;
	ppc64le) echo powerpc64le-linux-gnu ;;
	*) echo "$1-linux-gnu" ;;
	esac
}

TFLAGS="-static -O1 -g0 -Wall -Wextra -Werror -D_GNU_SOURCE"

# loongarch64: Debian 12 has no loongarch64 cross compiler in its
# archive (no gcc-loongarch64-linux-gnu; loong64 is no architecture of
# it either), so it is skipped with one line, not an error. A host that
# has the compiler builds it like the others.
loongarch_skipped() {
	command -v loongarch64-linux-gnu-gcc > /dev/null 2>&1 && return 1
	apt-cache show gcc-loongarch64-linux-gnu > /dev/null 2>&1 && return 1
	rel=$(. /etc/os-release && echo "Debian ${VERSION_ID:-?} (${VERSION_CODENAME:-?})")
	echo "cross/build: loongarch64: skipped: no loongarch64 cross compiler in $rel (no gcc-loongarch64-linux-gnu package)" >&2
	return 0
}

build_one() {
	arch=$1
	if [ "$arch" = loongarch64 ] && loongarch_skipped; then
		return 0
	fi
	da=$(debarch "$arch")
	trip=$(triplet "$arch")
	S=$top/$BC/sysroot-$da
	out=$BC/$arch
	host_need "$trip-gcc" "gcc-$trip"
	host_need pkg-config pkg-config
	host_need dpkg-deb dpkg

	pkgs="libseccomp-dev libelf-dev zlib1g-dev libssl-dev libzstd-dev"
	extra_ld=
	# x86_64 is built with libunwind, as the native build is: its -k
	# case checks the frames of an i386 tracee, which name the native
	# build. The others stay NO_UNWIND=1.
	unwind=
	no_unwind=1
	case $arch in
	x86_64)
		pkgs="$pkgs libunwind-dev liblzma-dev"
		unwind=libunwind-ptrace
		no_unwind=
		;;
	esac
	case $da in
	riscv64)
		# From trixie (no riscv64 in bookworm). Linked against the
		# cross toolchain's own glibc 2.36 (bookworm's riscv64 ld
		# crashes on trixie's libc.a), with shims for the few newer
		# symbols trixie's archives reference: compat-trixie.c.
		pkgs="$pkgs liblzma-dev libbz2-dev"
		mkdir -p "$out"
		"$trip-gcc" -O2 -Wall -Wextra -Werror -c \
			-o "$out/compat-trixie.o" testsuite/cross/compat-trixie.c ||
			die "riscv64: building compat-trixie.o failed"
		extra_ld=$top/$out/compat-trixie.o
		;;
	esac
	# shellcheck disable=SC2086
	sh testsuite/cross/apt.sh "$da" sysroot $pkgs || exit $?

	pcdir=$S/usr/lib/$trip/pkgconfig:$S/usr/share/pkgconfig
	libs=$(PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$S \
		pkg-config --static --libs $unwind libseccomp libelf libcrypto \
		zlib) || die "pkg-config found no target libraries in $S"
	# libelf.a of newer elfutils also decompresses zstd sections; the
	# .pc files do not always say so. -ldl/-pthread for libcrypto.
	ldlibs="$libs -lzstd -lz -ldl -pthread${extra_ld:+ $extra_ld}"

	# The GNUmakefile does not track its flags: objects built with the
	# other NO_UNWIND setting are removed.
	mkdir -p "$out"
	if [ "$(cat "$out/.no-unwind" 2>/dev/null)" != "${no_unwind:-0}" ]; then
		rm -rf "$out/arch" "$out/checks" "$out/tracer" \
			"$out/libmemtrace.a" "$out/memtrace"
		echo "${no_unwind:-0}" > "$out/.no-unwind"
	fi
	echo "cross/build: $arch: memtrace (LDLIBS=$ldlibs)" >&2
	# CPPFLAGS/LDFLAGS through the environment: the GNUmakefile appends
	# its own to them (a command-line value would replace them).
	env -u CFLAGS -u MAKEFLAGS -u MFLAGS \
		CPPFLAGS="-isystem $S/usr/include/$trip -isystem $S/usr/include" \
		PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_SYSROOT_DIR="$S" \
		$MAKE --no-print-directory -j"${CROSS_JOBS:-2}" \
		CROSS=1 STATIC=1 NO_UNWIND="$no_unwind" HOST_ARCH="$arch" \
		CC="$trip-gcc" \
		B="$out" PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_SYSROOT_DIR="$S" \
		LDLIBS="$ldlibs" "$out/memtrace" > "$out.log" 2>&1 || {
		grep -E ': (fatal )?error|undefined reference|\*\*\*' "$out.log" |
			head -n 20 >&2
		die "$arch: building memtrace failed (log: $out.log)"
	}

	# A fresh t/: the initramfs takes all of it.
	rm -rf "$out/t" "$out/i386-fixed"
	mkdir -p "$out/t"
	grep -E ': (fatal )?error|: warning:' "$out.log" |
		grep -v 'statically linked applications' >&2 || true
	cc="$trip-gcc $TFLAGS"
	tr=testsuite/cross/tracees
	# shellcheck disable=SC2086
	{
		$cc -o "$out/init" testsuite/cross/init.c &&
		$cc -o "$out/t/xwx" $tr/xwx.c &&
		$cc -o "$out/t/xbrk" $tr/xbrk.c
	} || die "$arch: building init or tracees failed"
	case $arch in
	s390x)
		# shellcheck disable=SC2086
		$cc -o "$out/t/xoldmmap" $tr/xoldmmap.c ||
			die "s390x: building xoldmmap failed"
		;;
	aarch64)
		# The arm (EABI) compat personality.
		host_need arm-linux-gnueabihf-gcc gcc-arm-linux-gnueabihf
		# shellcheck disable=SC2086
		arm-linux-gnueabihf-gcc $TFLAGS -o "$out/t/xwx-arm" $tr/xwx.c ||
			die "aarch64: building the arm tracee failed"
		;;
	x86_64)
		# The i386 tracees come from the main build (make tracees).
		mkdir -p "$out/t/i386"
		for t in build/tracees/i386/*; do
			[ -f "$t" ] && [ -x "$t" ] && cp "$t" "$out/t/i386/"
		done
		[ -x "$out/t/i386/wx32" ] ||
			die "x86_64: build/tracees/i386/wx32 is missing (make tracees)"
		# mapfile32's library: PT_GNU_STACK RWX, as mk/testlibs.mk
		# builds libexecstack.so for testsuite/cases/files.sh.
		mkdir -p "$out/t/lib"
		"$trip-gcc" -O1 -fPIC -shared -Wall -Wextra -Werror \
			-Wl,-z,execstack -o "$out/t/lib/libexecstack.so" \
			testsuite/tracees/lib/ok.c ||
			die "x86_64: building libexecstack.so failed"
		;;
	esac
	file "$out/memtrace" 2>/dev/null | grep -q 'statically linked' ||
		{ command -v file > /dev/null 2>&1 &&
		  die "$arch: $out/memtrace is not static"; } || true
	echo "cross/build: $arch: $out/memtrace, $out/init, $out/t/" >&2
}

[ $# -gt 0 ] || set -- aarch64 arm ppc64le riscv64 s390x x86_64 loongarch64
for a in "$@"; do
	build_one "$a"
done
