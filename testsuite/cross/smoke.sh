#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make cross's smoke check: run each build-cross/ARCH/memtrace under
# qemu-user (qemu-ARCH-static; natively for the host's own
# architecture) with the options that need no ptrace (qemu-user has
# none):
#
#   file memtrace                           static, ARCH's machine
#   memtrace --version                      "host: ARCH (..." must be there
#   memtrace -m mem/vm_max:32M --dump-policy   must echo the rule
#   memtrace --dump-filter                  rules of ARCH's personality
#
# prints the output indented and exits non-zero if any of them fails
# (exit status, missing text, or no answer within CROSS_SMOKE_TIMEOUT,
# 60 s). Without qemu-user-static (and not root to install it) it says
# so and exits 0: the smoke check is skipped, not failed.
#
#   smoke.sh ARCH...     ARCH: aarch64 arm ppc64le riscv64 s390x x86_64
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

# run ARCH OUT ARG...: memtrace ARG... into OUT; its exit status.
run() {
	local a=$1 out=$2 pid rc st p
	shift 2
	if [ "$a" = "$host" ]; then
		timeout -k 5 "$TMO" "$BC/$a/memtrace" "$@" > "$out" 2>&1
		return
	fi
	timeout -k 5 "$TMO" "qemu-$a-static" "$BC/$a/memtrace" "$@" \
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
	elif ! grep -qE "$pat" "$out"; then
		echo "cross/smoke: FAIL $a: $what: no line matching /$pat/"
		fails=$((fails + 1))
	fi
	rm -f "$out"
}

[ $# -gt 0 ] || set -- aarch64 arm ppc64le riscv64 s390x x86_64
for a in "$@"; do
	case $a in
	loongarch64) continue ;;	# build.sh said why
	esac
	if [ ! -x "$BC/$a/memtrace" ]; then
		echo "cross/smoke: FAIL $a: $BC/$a/memtrace is missing"
		fails=$((fails + 1))
		continue
	fi
	if [ "$a" != "$host" ] && ! command -v "qemu-$a-static" > /dev/null 2>&1; then
		echo "cross/smoke: $a: skipped: no qemu-$a-static (apt-get install qemu-user-static)"
		continue
	fi
	# The right machine, statically linked.
	info=$(file -b "$BC/$a/memtrace" 2>/dev/null)
	echo "cross/smoke: $a: file: $info" | cut -c1-200
	case $a in
	aarch64) m='ARM aarch64' ;; arm) m='32-bit LSB .*ARM, EABI5' ;;
	ppc64le) m='64-bit LSB .*64-bit PowerPC' ;; riscv64) m='RISC-V' ;;
	s390x) m='64-bit MSB .*S/390' ;; x86_64) m='x86-64' ;; *) m=. ;;
	esac
	if [ -n "$info" ] && ! { echo "$info" | grep -qE "$m" &&
	     echo "$info" | grep -q 'statically linked'; }; then
		echo "cross/smoke: FAIL $a: not a static $a executable"
		fails=$((fails + 1))
	fi
	check "$a" --version "^host: $a \(" --version
	check "$a" --dump-policy '^mem/vm_max:32M$' -m mem/vm_max:32M --dump-policy
	check "$a" --dump-filter "^$a [a-z_0-9]+\([0-9]+\): " --dump-filter
done
if [ $fails -gt 0 ]; then
	echo "cross/smoke: $fails check(s) failed"
	exit 1
fi
echo "cross/smoke: all passed ($(printf "%s\n" "$@" | grep -vx loongarch64 | tr "\n" " " | sed "s/ $//"))"
