#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make check-cross: for each target, build (build.sh), fetch Debian's
# kernel of that architecture (apt.sh), pack an initramfs with the
# static /init (init.c), memtrace and tracees, boot it under
# qemu-system with a timeout, and read the result lines the guest
# printed on its console:
#
#   PASS <arch>/<case>   FAIL <arch>/<case>: reason   SKIP <case>: reason
#
# then close with "N passed, N failed[, N skipped]", exiting non-zero
# on any failure. A boot that prints no "CROSS-DONE" line (timeout,
# panic, crash) is a failure with the log's tail. Without the archive
# (nothing cached and no network) the cases are reported skipped, and
# the run exits 0.
#
#   run-qemu.sh [ARCH...]     ARCH: aarch64 riscv64 s390x x86_64,
#                             arm (armmp kernel, -M virt), ppc64le
#                             (-M pseries, hvc0) and loongarch64 (sid's
#                             kernel; qemu from tools.sh, since the
#                             host's qemu 7.2 cannot boot it)
#
# Environment: CROSS_TIMEOUT (seconds per boot, default 300),
# CROSS_PARALLEL (boots at once, default 2), CROSS_KEEP_LOGS=1.
set -eu

ME=cross/run
# shellcheck source=testsuite/cross/common.sh
. "$(dirname "$0")/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BC=${CROSS_BUILD_DIR:-build-cross}
TIMEOUT=${CROSS_TIMEOUT:-300}
PARALLEL=${CROSS_PARALLEL:-2}
[ $# -gt 0 ] || set -- s390x aarch64 riscv64 x86_64 arm ppc64le loongarch64

# The case groups each guest runs, for SKIP lines when it cannot boot.
groups() {
	echo "wx [all modes]"
	echo "wx/summary"
	case $1 in
	s390x) printf '%s\n' "old_mmap [all modes]" "filter/block-calls" ;;
	aarch64) echo "arm/wx [all modes]" ;;
	x86_64) printf '%s\n' "i386/wx32 [all modes]" "i386/wx32/summary" \
		"i386/mapfile32 [all modes]" "i386/memgrow32 [all modes]" \
		"i386/race32 [all modes]" "i386/filemap32 [all modes]" \
		"i386/wx32/backtrace [all modes]" \
		"x32/wxx32 [all modes]" "x32/wxx32/summary" \
		"x32/mixx32 [all modes]" "x32/mixx32/backtrace" \
		"x32/wxx32/backtrace [all modes]" ;;
	esac
	echo "backtrace [all modes]"
	echo "backtrace/libc [all modes]"
	echo "mem/brk"
}

results=$(mktemp -d /tmp/memtrace-cross.XXXXXX)
trap 'rm -rf "$results"' EXIT

skip_arch() {	# ARCH REASON
	local g
	groups "$1" | while IFS= read -r g; do
		echo "SKIP $1/$g: $2"
	done > "$results/$1.res"
}

# Extract the kernel image of a .deb into build-cross/kernel-DEBARCH/:
# /boot/vmlinu[xz]-VERSION, or /usr/lib/modules/VERSION/vmlinu[xz] in
# newer packages. An EFI zboot image (loong64's) is unpacked to the
# image inside, which qemu loads directly.
kernel_image() {	# DEBARCH DEB
	local kd=$BC/kernel-$1 stamp
	stamp=$kd/.from-$(basename "$2")
	if [ ! -f "$stamp" ]; then
		rm -rf "$kd"
		mkdir -p "$kd"
		dpkg-deb -x "$2" "$kd" ||
			die "extracting the kernel from $2 failed"
		touch "$stamp"
	fi
	local k
	for k in "$kd"/boot/vmlinuz-* "$kd"/boot/vmlinux-* \
		 "$kd"/usr/lib/modules/*/vmlinu[xz]; do
		[ -f "$k" ] || continue
		if [ "$(dd if="$k" bs=1 skip=4 count=4 2> /dev/null |
			tr -d '\0')" = zimg ]; then
			zboot_payload "$k" "$kd/Image" || return 1
			k=$kd/Image
		fi
		echo "$k"
		return 0
	done
	die "no kernel image (boot/vmlinu[xz]-*, usr/lib/modules/*/vmlinu[xz]) in $2"
}

# The payload of an EFI zboot image (the kernel's
# drivers/firmware/efi/libstub/zboot-header.S): at 8 its offset, at 12
# its size (32-bit little-endian), at 24 the compression's name.
zboot_payload() {	# ZBOOT OUT
	[ -s "$2" ] && [ "$2" -nt "$1" ] && return 0
	local off size comp
	off=$(od -An -tu4 -j8 -N4 --endian=little "$1" | tr -d ' ')
	size=$(od -An -tu4 -j12 -N4 --endian=little "$1" | tr -d ' ')
	comp=$(dd if="$1" bs=1 skip=24 count=8 2> /dev/null | tr -d '\0')
	local unz
	case $comp in
	gzip) unz="gzip -dc" ;;
	zstd) host_need zstd zstd; unz="zstd -dcq" ;;
	xz|lzma) unz="xz -dc" ;;
	*) echo "cross/run: $1: zboot compression \"$comp\" unknown" >&2; return 1 ;;
	esac
	tail -c +$((off + 1)) "$1" | head -c "$size" | $unz > "$2.tmp" &&
		mv "$2.tmp" "$2" ||
		{ echo "cross/run: unpacking the zboot payload of $1 failed" >&2; return 1; }
}

# Pack build-cross/ARCH/{init,memtrace,t/} into a gzip'd newc cpio.
initramfs() {	# ARCH
	local a=$1 st=$BC/$1/initramfs
	rm -rf "$st"
	mkdir -p "$st/bin" "$st/t" "$st/dev" "$st/proc" "$st/sys" "$st/tmp"
	cp "$BC/$a/init" "$st/init"
	cp "$BC/$a/memtrace" "$st/bin/memtrace"
	cp -r "$BC/$a/t/." "$st/t/"
	# The kernel opens /dev/console for init before devtmpfs is up.
	mknod -m 600 "$st/dev/console" c 5 1 2>/dev/null || true
	(cd "$st" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
		gzip -1 > "$BC/$a/initramfs.cpio.gz"
}

qemu_pkg() {
	case $1 in
	s390x|riscv64) echo qemu-system-misc ;;
	aarch64|arm) echo qemu-system-arm ;;
	x86_64) echo qemu-system-x86 ;;
	ppc64le) echo qemu-system-ppc ;;
	loongarch64) echo tools.sh ;;
	esac
}

# Prepare ARCH: build, kernel, initramfs. Writes $results/ARCH.res
# (SKIP lines) and returns 1 if it cannot boot; else prints the kernel.
prepare() {	# ARCH
	local a=$1 da rc=0 deb
	da=$(debarch "$a")
	sh testsuite/cross/build.sh "$a" > "$results/$a.build" 2>&1 || rc=$?
	if [ $rc -eq 3 ]; then
		skip_arch "$a" "no access to the Debian archive (target libraries for $da not cached): $(tail -n 1 "$results/$a.build")"
		return 1
	elif [ $rc -ne 0 ]; then
		grep -v '^[^ :]*-gcc \|^ar \|^rm ' "$results/$a.build" | tail -n 25 >&2
		echo "FAIL $a/build: testsuite/cross/build.sh $a exited $rc: $(tail -n 1 "$results/$a.build")" > "$results/$a.res"
		return 1
	fi
	rc=0
	deb=$(sh testsuite/cross/apt.sh "$da" kernel 2> "$results/$a.kernel") || rc=$?
	if [ $rc -eq 3 ]; then
		skip_arch "$a" "no access to the Debian archive (kernel for $da not cached): $(tail -n 1 "$results/$a.kernel")"
		return 1
	elif [ $rc -ne 0 ]; then
		cat "$results/$a.kernel" >&2
		echo "FAIL $a/kernel: fetching linux-image-$da failed" > "$results/$a.res"
		return 1
	fi
	kernel_image "$da" "$deb"
}

# Boot ARCH and turn its console log into $results/ARCH.res.
boot() {	# ARCH KERNEL
	local a=$1 k=$2 log=$BC/$1/console.log rc=0 t0 t1
	initramfs "$a"
	local cmd con extra=
	# TCG has none of these spectre mitigations; say so, or qemu warns.
	local ppc_caps=cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
	case $a in
	s390x) cmd=(qemu-system-s390x -M s390-ccw-virtio -cpu max) ; con=ttysclp0 ;;
	aarch64) cmd=(qemu-system-aarch64 -M virt -cpu max) ; con=ttyAMA0 ;;
	riscv64) cmd=(qemu-system-riscv64 -M virt) ; con=ttyS0 ;;
	x86_64) cmd=(qemu-system-x86_64 -cpu max) ; con=ttyS0
		# Debian's amd64 kernel has x32 (CONFIG_X86_X32_ABI) but
		# off by default (CONFIG_X86_X32_DISABLED): the x32 cases.
		extra=syscall.x32=y ;;
	arm) cmd=(qemu-system-arm -M virt -cpu max) ; con=ttyAMA0 ;;
	ppc64le) cmd=(qemu-system-ppc64 -M pseries -cpu power9 -machine "$ppc_caps")
		 con=hvc0 ;;
	loongarch64) cmd=("$(qemu_bin "$a")" -M virt -cpu max) ; con=ttyS0
		# The virt board has no i8042; probing its ports faults.
		extra=initcall_blacklist=i8042_init ;;
	esac
	cmd+=(-nographic -nic none -m 512 -no-reboot -smp 1
	      -kernel "$k" -initrd "$BC/$a/initramfs.cpio.gz"
	      -append "console=$con rdinit=/init panic=-1 quiet loglevel=1${extra:+ $extra}")
	t0=$(date +%s)
	timeout -k 10 "$TIMEOUT" "${cmd[@]}" < /dev/null > "$log" 2>&1 || rc=$?
	t1=$(date +%s)
	# No CRs, no terminal escapes (firmware clears the screen).
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[A-Za-z]//g' \
		"$log" > "$log.txt"
	grep -E '^(PASS|FAIL|SKIP) ' "$log.txt" > "$results/$a.res" || true
	if ! grep -q "^CROSS-DONE $a " "$log.txt"; then
		local why="no CROSS-DONE line"
		[ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
		[ $rc -ne 0 ] && [ $rc -ne 124 ] && why="qemu exited $rc"
		echo "FAIL $a/boot: $why; console log tail: $(tail -n 8 "$log.txt" | cut -c1-160 | tr '\n' '|')" >> "$results/$a.res"
	fi
	echo "$a: $(grep -m1 -o 'CROSS-START.*' "$log.txt" || echo 'no start line'); boot took $((t1 - t0))s (log: $log)" > "$results/$a.info"
}

host_need cpio cpio
host_need gzip gzip
host_need timeout coreutils

running=0
# qemu-system of ARCH: the host's, but loongarch64's from tools.sh
# (bookworm's qemu 7.2 cannot boot sid's loong64 kernel). Cached in
# build-cross/tools, so a second call is cheap.
qemu_bin() {
	case $1 in
	ppc64le) echo qemu-system-ppc64 ;;
	loongarch64) sh testsuite/cross/tools.sh qemu-system "$1" ;;
	*) echo "qemu-system-$1" ;;
	esac
}

for a in "$@"; do
	if [ "$a" = loongarch64 ]; then
		rc=0
		qemu_bin "$a" > "$results/$a.qemu" 2>&1 || rc=$?
		if [ $rc -eq 3 ]; then
			skip_arch "$a" "no access to the Debian archive (qemu for loongarch64 not cached): $(tail -n 1 "$results/$a.qemu")"
			continue
		elif [ $rc -ne 0 ]; then
			echo "FAIL $a/qemu: testsuite/cross/tools.sh qemu-system $a exited $rc: $(tail -n 1 "$results/$a.qemu")" > "$results/$a.res"
			continue
		fi
	else
		host_need "$(qemu_bin "$a")" "$(qemu_pkg "$a")"
	fi
	if k=$(prepare "$a"); then
		boot "$a" "$k" &
		running=$((running + 1))
		if [ "$running" -ge "$PARALLEL" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	fi
done
wait

passed=0 failed=0 skipped=0
for a in "$@"; do
	[ -f "$results/$a.info" ] && echo "# $(cat "$results/$a.info")"
	while IFS= read -r line; do
		case $line in
		PASS\ *) passed=$((passed + 1)) ;;
		FAIL\ *) failed=$((failed + 1)) ;;
		SKIP\ *) skipped=$((skipped + 1)) ;;
		*) continue ;;
		esac
		echo "$line"
	done < "$results/$a.res"
done
echo
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
