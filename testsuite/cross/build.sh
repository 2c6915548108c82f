#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make cross: a static memtrace, the static cross tracees and the
# initramfs /init for each target, all under build-cross/ARCH/:
#
#   build-cross/ARCH/memtrace     built by the tree's GNUmakefile with
#                                 CROSS=1 STATIC=1, with libunwind-ptrace
#                                 where Debian ships it static (else
#                                 NO_UNWIND=1)
#   build-cross/ARCH/init         testsuite/cross/init.c
#   build-cross/ARCH/t/...        testsuite/cross/tracees/*.c and
#                                 t/xwx (testsuite/tracees/wx.c); x86_64
#                                 also t/i386/ and t/x32/ (make
#                                 tracees) and t/lib/libexecstack.so
#                                 (mapfile32's)
#
#   build.sh ARCH...     ARCH: aarch64 arm ppc64le riscv64 s390x x86_64
#                        loongarch64; the name of arch/ptrace-ARCH.c (uname -m, but
#                        arm for armv7l), passed as HOST_ARCH
#
# Target libraries (libseccomp, libelf, libcrypto, zlib and what their
# static archives need) come from Debian's -dev packages of the target
# architecture, unpacked into build-cross/sysroot-DEBARCH by apt.sh.
# The cross compilers are host packages; as root, missing ones are
# installed with apt-get (as tools/deps.sh does for the native build).
# One the host's release lacks (loongarch64 on Debian 12) is unpacked
# from a later suite by tools.sh. The C library of every step comes
# from where apt.sh unpacked it, never from the host (target_cc).
# libunwind (-k backtraces) is built in wherever the target's
# libunwind-dev ships static archives (found in the unpacked sysroot:
# all seven targets today); else it is compiled out (NO_UNWIND=1) with a
# line saying why, and memtrace --version says so. The setting is kept
# in build-cross/ARCH/.no-unwind (smoke.sh and init.c check it).
#
# Exit status 3: the archive could not be reached (nothing cached).
set -eu

ME=cross/build
# shellcheck source=testsuite/cross/common.sh
. "$(dirname "$0")/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BC=${CROSS_BUILD_DIR:-build-cross}
MAKE=${MAKE:-make}
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

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
# xbt, the -k tracee: what libunwind needs to find its frames in a
# static program. gcc leaves the PT_GNU_EH_FRAME header out of -static
# links (without it libunwind finds no unwind info), and not every
# target emits unwind tables for C by default. The symbol table stays
# (never -s): the frames are named from it.
XBT_FLAGS="-fasynchronous-unwind-tables -funwind-tables -Wl,--eh-frame-hdr"

# Whether ARCH is to be built with libunwind if Debian has it (not
# named in CROSS_NO_UNWIND, a list of targets or "all").
unwind_wanted() {
	for x in ${CROSS_NO_UNWIND:-}; do
		[ "$x" = all ] || [ "$x" = "$1" ] && return 1
	done
	return 0
}

# What libunwind-ptrace's static link needs in the multiarch directory
# LIBDIR: libunwind-ptrace.a, libunwind-generic.a (a link to
# libunwind-<arch>.a), libunwind.a and its pkg-config file. Prints what
# is missing and succeeds if something is; fails if all is there.
unwind_missing() {	# LIBDIR
	miss=
	for f in libunwind-ptrace.a libunwind-generic.a libunwind.a \
		pkgconfig/libunwind-ptrace.pc; do
		[ -f "$1/$f" ] || miss="$miss ${1#"$top/"}/$f"
	done
	[ -n "$miss" ] || return 1
	echo "libunwind-dev has no$miss"
}

# The cross compiler: TRIPLET-gcc on PATH, else the host release's
# gcc-TRIPLET package (installed, as root), else one that tools.sh
# unpacks from a later suite (loongarch64 on Debian 12, whose archive
# has no gcc-loongarch64-linux-gnu).
cross_gcc() {	# ARCH TRIPLET
	if ! command -v "$2-gcc" > /dev/null 2>&1 &&
	   ! apt-cache show "gcc-$2" > /dev/null 2>&1; then
		bin=$(sh testsuite/cross/tools.sh gcc "$1") || exit $?
		PATH=$bin:$PATH
		export PATH
	fi
	host_need "$2-gcc" "gcc-$2"
}

# Where the C library (headers, start files, libc.a) of a target comes
# from, never from what happens to be installed on the host:
#   target  its own libc6-dev and linux-libc-dev, unpacked into its
#           sysroot (build-cross/sysroot-DEBARCH) by apt.sh
#   cross   the host release's libc6-dev-DEBARCH-cross and
#           linux-libc-dev-DEBARCH-cross (the glibc its cross compiler
#           was built with), downloaded and unpacked by apt.sh into
#           build-cross/sysroot-libc-cross, never installed
# riscv64 on bookworm takes "cross": its sysroot is trixie's, and
# bookworm's riscv64 ld crashes on trixie's libc.a.
libc_source() {	# ARCH
	if [ "$1" = riscv64 ] && [ "$codename" = bookworm ]; then
		echo cross
	else
		echo target
	fi
}

# The compiler line of ARCH with its C library, in tcc: TRIPLET-gcc
# given the directories libc_source's C library was unpacked to, and
# only those. A libc6-dev-*-cross installed on the host would otherwise
# win even over --sysroot (gcc searches its /usr/TRIPLET/include and
# /usr/TRIPLET/lib first), and with none installed gcc falls back to the
# host's /usr/include: -nostdinc keeps gcc's own headers only, -isystem
# adds the library's, and -B and -L put its start files and libc.a
# ahead of gcc's default directories.
target_cc() {	# ARCH
	tc_trip=$(triplet "$1")
	tc_da=$(debarch "$1")
	cross_gcc "$1" "$tc_trip"
	case $(libc_source "$1") in
	cross)
		sr=$top/$BC/sysroot-libc-cross
		CROSS_APT_NAME=libc-cross sh testsuite/cross/apt.sh \
			"$(dpkg --print-architecture)" sysroot \
			"libc6-dev-$tc_da-cross" "linux-libc-dev-$tc_da-cross" ||
			exit $?
		inc=$sr/usr/$tc_trip/include
		lib=$sr/usr/$tc_trip/lib
		;;
	target)
		sr=$top/$BC/sysroot-$tc_da
		sh testsuite/cross/apt.sh "$tc_da" sysroot libc6-dev \
			linux-libc-dev || exit $?
		inc="$sr/usr/include/$tc_trip $sr/usr/include"
		lib=$sr/usr/lib/$tc_trip
		;;
	esac
	for f in "$lib/libc.a" "$lib/crt1.o"; do
		[ -f "$f" ] || die "$1: the C library unpacked has no ${f#"$top/"}"
	done
	tcc="$tc_trip-gcc --sysroot=$sr -nostdinc -isystem $("$tc_trip-gcc" -print-file-name=include)"
	for d in $inc; do
		tcc="$tcc -isystem $d"
	done
	tcc="$tcc -B$lib/ -L$lib"
}

build_one() {
	arch=$1
	da=$(debarch "$arch")
	trip=$(triplet "$arch")
	S=$top/$BC/sysroot-$da
	out=$BC/$arch
	host_need pkg-config pkg-config
	host_need dpkg-deb dpkg
	target_cc "$arch"
	gcc=$tcc

	pkgs="libseccomp-dev libelf-dev zlib1g-dev libssl-dev libzstd-dev"
	extra_ld=
	ldflags=
	case $da in
	riscv64)
		# From trixie (no riscv64 in bookworm). Linked against the
		# cross toolchain's own glibc 2.36 (bookworm's riscv64 ld
		# crashes on trixie's libc.a), with shims for the few newer
		# symbols trixie's archives reference: compat-trixie.c.
		pkgs="$pkgs liblzma-dev libbz2-dev"
		mkdir -p "$out"
		$gcc -O2 -Wall -Wextra -Werror -c \
			-o "$out/compat-trixie.o" testsuite/cross/compat-trixie.c ||
			die "riscv64: building compat-trixie.o failed"
		extra_ld=$top/$out/compat-trixie.o
		# trixie's libunwind*.a keep their DWARF 5 debug info, whose
		# R_RISCV_SET_ULEB128/SUB_ULEB128 relocations (binutils 2.41)
		# make bookworm's ld 2.40 crash (signal 11); --strip-debug
		# drops the inputs' debug sections before relocating them.
		ldflags=-Wl,--strip-debug
		;;
	esac
	# shellcheck disable=SC2086
	sh testsuite/cross/apt.sh "$da" sysroot $pkgs || exit $?

	# libunwind (-k backtraces) is built in wherever the target's
	# libunwind-dev ships the static archives libunwind-ptrace needs;
	# that is decided from the unpacked sysroot, not from a list. Where
	# Debian has no such package or archive, backtraces are compiled
	# out (NO_UNWIND=1) and one line says why; CROSS_NO_UNWIND="ARCH..."
	# (or "all") compiles them out on purpose. A target that has the
	# archives but does not link with them fails below: no fallback.
	unwind=
	no_unwind=1
	if unwind_wanted "$arch"; then
		rc=0
		mkdir -p "$out"
		sh testsuite/cross/apt.sh "$da" sysroot libunwind-dev \
			liblzma-dev 2> "$out.unwind-apt" || rc=$?
		if [ $rc -eq 0 ]; then
			cat "$out.unwind-apt" >&2
			if why=$(unwind_missing "$S/usr/lib/$trip"); then
				echo "cross/build: $arch: backtraces compiled out (NO_UNWIND=1): $why" >&2
			else
				unwind=libunwind-ptrace
				no_unwind=
			fi
		elif grep -q '^cross/apt: no package libunwind-dev ' "$out.unwind-apt"; then
			echo "cross/build: $arch: backtraces compiled out (NO_UNWIND=1): $(grep '^cross/apt: no package' "$out.unwind-apt" | sed 's/^cross\/apt: //')" >&2
		else
			cat "$out.unwind-apt" >&2
			rm -f "$out.unwind-apt"
			exit "$rc"
		fi
		rm -f "$out.unwind-apt"
	else
		echo "cross/build: $arch: backtraces compiled out (NO_UNWIND=1): CROSS_NO_UNWIND=$CROSS_NO_UNWIND" >&2
	fi

	pcdir=$S/usr/lib/$trip/pkgconfig:$S/usr/share/pkgconfig
	libs=$(PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$S \
		pkg-config --static --libs $unwind libseccomp libelf libcrypto \
		zlib) || die "pkg-config found no target libraries in $S"
	# libelf.a of newer elfutils also decompresses zstd sections; the
	# .pc files do not always say so. -ldl/-pthread for libcrypto.
	# -lz first: newer libelf.a carries a crc32.o of its own, which
	# would otherwise answer memtrace's crc32 (Force) and then clash
	# with zlib's when libelf pulls in inflate.
	ldlibs="-lz $libs -lzstd -lz -ldl -pthread${extra_ld:+ $extra_ld}"

	# The GNUmakefile does not track its flags: objects built with the
	# other NO_UNWIND setting are removed.
	mkdir -p "$out"
	if [ "$(cat "$out/.no-unwind" 2>/dev/null)" != "${no_unwind:-0}" ]; then
		rm -rf "$out/arch" "$out/checks" "$out/tracer" \
			"$out/libmemtrace.a" "$out/memtrace"
		echo "${no_unwind:-0}" > "$out/.no-unwind"
	fi
	echo "cross/build: $arch: memtrace, backtraces $([ -n "$unwind" ] && echo "with $unwind" || echo "compiled out") (LDLIBS=$ldlibs)" >&2
	# CPPFLAGS/LDFLAGS through the environment: the GNUmakefile appends
	# its own to them (a command-line value would replace them).
	env -u CFLAGS -u MAKEFLAGS -u MFLAGS \
		CPPFLAGS="-isystem $S/usr/include/$trip -isystem $S/usr/include" \
		PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_SYSROOT_DIR="$S" \
		${ldflags:+LDFLAGS="$ldflags"} \
		$MAKE --no-print-directory -j"${CROSS_JOBS:-2}" \
		CROSS=1 STATIC=1 NO_UNWIND="$no_unwind" HOST_ARCH="$arch" \
		CC="$gcc" \
		B="$out" PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_SYSROOT_DIR="$S" \
		LDLIBS="$ldlibs" "$out/memtrace" > "$out.log" 2>&1 || {
		grep -E ': (fatal )?error|undefined reference|\*\*\*' "$out.log" |
			head -n 20 >&2
		# A crashed ld leaves an empty program that make would
		# take as up to date next time.
		rm -f "$out/memtrace"
		[ -n "$unwind" ] && echo "cross/build: $arch: built with $unwind, which Debian ships for it: no fallback to NO_UNWIND=1 (CROSS_NO_UNWIND=$arch would build it without)" >&2
		die "$arch: building memtrace failed (log: $out.log)"
	}

	# A fresh t/: the initramfs takes all of it.
	rm -rf "$out/t" "$out/i386-fixed"
	mkdir -p "$out/t"
	grep -E ': (fatal )?error|: warning:' "$out.log" |
		grep -v 'statically linked applications' >&2 || true
	cc="$gcc $TFLAGS"
	tr=testsuite/cross/tracees
	# shellcheck disable=SC2086
	{
		$cc -o "$out/init" testsuite/cross/init.c &&
		$cc -o "$out/t/xwx" testsuite/tracees/wx.c &&
		$cc -o "$out/t/xbrk" $tr/xbrk.c &&
		$cc $XBT_FLAGS -o "$out/t/xbt" $tr/xbt.c
	} || die "$arch: building init or tracees failed"
	case $arch in
	s390x)
		# shellcheck disable=SC2086
		$cc -o "$out/t/xoldmmap" $tr/xoldmmap.c ||
			die "s390x: building xoldmmap failed"
		;;
	aarch64)
		# The arm (EABI) compat personality.
		target_cc arm
		# shellcheck disable=SC2086
		$tcc $TFLAGS -o "$out/t/xwx-arm" \
			testsuite/tracees/wx.c ||
			die "aarch64: building the arm tracee failed"
		;;
	x86_64)
		# The i386 and x32 tracees come from the main build (make
		# tracees); the x32 ones run because run-qemu.sh boots the
		# kernel with syscall.x32=y. DIR:TRACEE: the one each
		# directory must have.
		for dt in i386:wx32 x32:wxx32; do
			d=${dt%%:*}
			mkdir -p "$out/t/$d"
			for t in build/tracees/"$d"/*; do
				[ -f "$t" ] && [ -x "$t" ] && cp "$t" "$out/t/$d/"
			done
			[ -x "$out/t/$d/${dt#*:}" ] ||
				die "x86_64: build/tracees/$d/${dt#*:} is missing (make tracees)"
		done
		# mapfile32's library: PT_GNU_STACK RWX, as mk/testlibs.mk
		# builds libexecstack.so for testsuite/cases/files.sh. It is
		# only mapped, never loaded: no C library (the sysroot has
		# libc6-dev's link script, not the libc.so.6 it names).
		mkdir -p "$out/t/lib"
		$gcc -O1 -fPIC -shared -nostdlib -Wall -Wextra -Werror \
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
