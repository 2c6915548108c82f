#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make cross's smoke check: run each build-cross/ARCH/memtrace under
# qemu-user (qemu-ARCH-static; natively for the host's own
# architecture) with the options that need no ptrace (qemu-user has
# none):
#
#   file memtrace                           static, ARCH's machine
#   memtrace --version                      "host: ARCH (..." must be there,
#                                           and "backtraces: yes (libunwind-
#                                           ptrace)" or "backtraces: no
#                                           (built without libunwind)" as
#                                           build.sh decided (.no-unwind)
#   memtrace -m mem/vm_max:32M --dump-policy   must echo the rule
#   memtrace --dump-filter                  rules of ARCH's personality
#
# prints the output indented and exits non-zero if any of them fails
# (exit status, missing text, or no answer within CROSS_SMOKE_TIMEOUT,
# 60 s). Without qemu-user-static (and not root to install it) it says
# so and exits 0: the smoke check is skipped, not failed.
#
#   smoke.sh ARCH...     ARCH: aarch64 arm ppc64le riscv64 s390x x86_64
#                        loongarch64
#
# --dump-filter first probes the kernel's ptrace features: it forks a
# child that calls PTRACE_TRACEME and stops itself with SIGSTOP. Under
# qemu-user PTRACE_TRACEME fails (ENOSYS), the child stops untraced and
# memtrace's waitpid (no WUNTRACED) would wait for ever. While memtrace
# runs, a stopped child of the qemu process is sent SIGCONT; it then
# exits, the probe finds no ptrace (as it should) and the dump goes on.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BC=${CROSS_BUILD_DIR:-build-cross}
TMO=${CROSS_SMOKE_TIMEOUT:-60}
host=$(uname -m)
fails=0

if ! command -v qemu-aarch64-static > /dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		echo "cross/smoke: installing qemu-user-static" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends qemu-user-static >&2 || true
	fi
fi

# The qemu-user of ARCH: qemu-ARCH-static, but loongarch64's from
# tools.sh (qemu-user 7.2 lacks the LSX instructions of sid's libc).
qemu_user() {	# ARCH
	case $1 in
	loongarch64) sh testsuite/cross/tools.sh qemu-user "$1" 2>/dev/null ;;
	*) command -v "qemu-$1-static" ;;
	esac
}

# run ARCH OUT ARG...: memtrace ARG... into OUT; its exit status.
run() {
	local a=$1 out=$2 pid rc st p
	shift 2
	if [ "$a" = "$host" ]; then
		timeout -k 5 "$TMO" "$BC/$a/memtrace" "$@" > "$out" 2>&1
		return
	fi
	timeout -k 5 "$TMO" "$(qemu_user "$a")" "$BC/$a/memtrace" "$@" \
		> "$out" 2>&1 < /dev/null &
	pid=$!
	# timeout's child is qemu; a stopped child of qemu is the probe.
	while kill -0 "$pid" 2>/dev/null; do
		for p in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
			for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do
				st=$(ps -o stat= -p "$c" 2>/dev/null)
				case $st in T*) kill -CONT "$c" 2>/dev/null ;; esac
			done
		done
		sleep 0.2
	done
	wait "$pid"
	rc=$?
	return $rc
}

check() {	# ARCH WHAT PATTERN ARG...
	local a=$1 what=$2 pat=$3 out rc=0
	shift 3
	out=$(mktemp)
	run "$a" "$out" "$@" || rc=$?
	echo "cross/smoke: $a: memtrace $*"
	sed 's/^/    /' "$out"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "cross/smoke: FAIL $a: $what: no answer within ${TMO}s"
		fails=$((fails + 1))
	elif [ $rc -ne 0 ]; then
		echo "cross/smoke: FAIL $a: $what: exit status $rc"
		fails=$((fails + 1))
	else
		# PATTERN: one or more, a line each; every one must match.
		local p
		while IFS= read -r p; do
			grep -qE "$p" "$out" && continue
			echo "cross/smoke: FAIL $a: $what: no line matching /$p/"
			fails=$((fails + 1))
		done <<< "$pat"
	fi
	rm -f "$out"
}

[ $# -gt 0 ] || set -- aarch64 arm ppc64le riscv64 s390x x86_64 loongarch64
for a in "$@"; do
	if [ ! -x "$BC/$a/memtrace" ]; then
		echo "cross/smoke: FAIL $a: $BC/$a/memtrace is missing"
		fails=$((fails + 1))
		continue
	fi
	if [ "$a" != "$host" ] && ! qemu_user "$a" > /dev/null; then
		echo "cross/smoke: $a: skipped: no qemu-user for $a (qemu-user-static; loongarch64: testsuite/cross/tools.sh qemu-user)"
		continue
	fi
	# The right machine, statically linked.
	info=$(file -b "$BC/$a/memtrace" 2>/dev/null)
	echo "cross/smoke: $a: file: $info" | cut -c1-200
	case $a in
	aarch64) m='ARM aarch64' ;; arm) m='32-bit LSB .*ARM, EABI5' ;;
	ppc64le) m='64-bit LSB .*64-bit PowerPC' ;; riscv64) m='RISC-V' ;;
	s390x) m='64-bit MSB .*S/390' ;; x86_64) m='x86-64' ;;
	loongarch64) m='64-bit LSB .*LoongArch' ;; *) m=. ;;
	esac
	if [ -n "$info" ] && ! { echo "$info" | grep -qE "$m" &&
	     echo "$info" | grep -q 'statically linked'; }; then
		echo "cross/smoke: FAIL $a: not a static $a executable"
		fails=$((fails + 1))
	fi
	# Backtraces as build.sh decided (build-cross/ARCH/.no-unwind):
	# built in where the target's libunwind-dev has static archives.
	case $(cat "$BC/$a/.no-unwind" 2>/dev/null) in
	0) bt='^backtraces: yes \(libunwind-ptrace\)$' ;;
	1) bt='^backtraces: no \(built without libunwind\)$' ;;
	*) bt='^backtraces: '
	   echo "cross/smoke: FAIL $a: $BC/$a/.no-unwind is missing or odd (build.sh writes 0 or 1)"
	   fails=$((fails + 1)) ;;
	esac
	# Cross builds leave libiberty out (NO_DEMANGLE, GNUmakefile).
	check "$a" --version "^host: $a \(
$bt
^demangling: no \(built without libiberty\)\$" --version
	check "$a" --dump-policy '^mem/vm_max:32M$' -m mem/vm_max:32M --dump-policy
	check "$a" --dump-filter "^$a [a-z_0-9]+\([0-9]+\): " --dump-filter
done
if [ $fails -gt 0 ]; then
	echo "cross/smoke: $fails check(s) failed"
	exit 1
fi
echo "cross/smoke: all passed ($*)"
