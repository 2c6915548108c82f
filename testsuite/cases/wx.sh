# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# W^X under the default policy and with trace/allow_unsafe_exec_memory,
# every mode, every personality the kernel runs (x86_64, i386, x32).
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

for mode in $MODES; do
	tracee_case wx/deny "$mode" "$T/wx" deny
	tracee_case wx/allow "$mode" "$T/wx" allow -- \
		-m trace/allow_unsafe_exec_memory:1
done

# Exec gain, on every route (anonymous, PROT_NONE, a written private
# file mapping, a memfd's second view, pkey_mprotect), and the i386
# calls of an x86_64 program (int $0x80) where the kernel runs them.
# With the tip, each runs; the stack check is off there too, since an
# unprivileged memtrace cannot read a memfd's headers (no map_files)
# and would refuse the memfd route, failing closed.
int80=
can_run_i386 && int80=int80
nowx=(-m trace/allow_unsafe_exec_memory:1 -m trace/allow_unsafe_exec_stack:1)
for mode in $MODES; do
	tracee_case wx/gain "$mode" "$T/wxgain" deny $int80
	tracee_case wx/gain-allow "$mode" "$T/wxgain" allow $int80 -- \
		"${nowx[@]}"
done
[ -z "$int80" ] && skip "wx/gain int \$0x80 [all modes]" "$i386_reason"

if can_run_i386; then
	for mode in $MODES; do
		tracee_case wx32/deny "$mode" "$T/i386/wx32" deny
		tracee_case wx32/allow "$mode" "$T/i386/wx32" allow -- \
			-m trace/allow_unsafe_exec_memory:1
		tracee_case wx32/gain "$mode" "$T/i386/wxgain32" deny
		tracee_case wx32/gain-allow "$mode" "$T/i386/wxgain32" allow \
			-- "${nowx[@]}"
		# SHM_EXEC by i386's direct shmat and by ipc(SHMAT).
		tracee_case shm32/deny "$mode" "$T/i386/shm32" deny
		tracee_case shm32/allow "$mode" "$T/i386/shm32" allow -- \
			-m trace/allow_unsafe_exec_memory:1
	done
else
	skip "wx32 [all modes]" "$i386_reason"
	skip "shm32 [all modes]" "$i386_reason"
fi

if can_run_x32; then
	for mode in $MODES; do
		tracee_case wxx32/deny "$mode" "$T/x32/wxx32" deny
		tracee_case wxx32/allow "$mode" "$T/x32/wxx32" allow -- \
			-m trace/allow_unsafe_exec_memory:1
	done
	# An x32 process's x86_64 and i386 (int $0x80) calls.
	if can_run_i386; then
		for mode in $MODES; do
			tracee_case mixx32/deny "$mode" "$T/x32/mixx32" deny
			tracee_case mixx32/allow "$mode" "$T/x32/mixx32" \
				allow -- -m trace/allow_unsafe_exec_memory:1
		done
	else
		skip "mixx32 [all modes]" "its int \$0x80 call needs IA32 emulation: $i386_reason"
	fi
else
	skip "wxx32 [all modes]" "$x32_reason"
	skip "mixx32 [all modes]" "$x32_reason"
fi

# A program whose own segment is writable and executable, mapped by the
# kernel at exec: killed with a wx record (--no-mdwe: memtrace's check
# alone); with the kernel's W^X on, the kernel refuses it first (the
# exec fails past its point of no return: SIGSEGV, no record); the tip
# lets it run.
rwx_case() {
	local mode=$1 dir=$MT_TMP/rwx.${1/,/_} rc1 rc2 rc3
	mkdir -p "$dir"
	mt_try "$mode" "$dir" 1 --no-mdwe -- "$T/rwxexec" "$dir"
	rc1=$?
	mt_try "$mode" "$dir" 2 -- "$T/rwxexec" "$dir"
	rc2=$?
	mt_try "$mode" "$dir" 3 -m trace/allow_unsafe_exec_memory:1 -- \
		"$T/rwxexec" "$dir"
	rc3=$?
	if [ $rc1 -eq 137 ] && ! grep -q ran "$dir/out1" &&
	   grep -q "execve(\".*\", \[.*\]) = 0; wx: a writable and executable segment .*; program killed after exec; tip: -m trace/allow_unsafe_exec_memory:1" "$dir/log1" &&
	   [ $rc2 -ne 0 ] && ! grep -q ran "$dir/out2" &&
	   [ $rc3 -eq 0 ] && grep -qx ran "$dir/out3" && [ ! -s "$dir/log3" ]; then
		pass "wx/rwx-segment [$mode]"
	else
		fail "wx/rwx-segment [$mode]" "exits $rc1/$rc2/$rc3 (want 137/not 0/0): $(cat "$dir/log1" "$dir/out1" "$dir/out2" "$dir/out3" | tr '\n' '|')"
	fi
}
for mode in $MODES; do
	rwx_case "$mode"
done
