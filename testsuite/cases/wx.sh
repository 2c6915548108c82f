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

if can_run_i386; then
	for mode in $MODES; do
		tracee_case wx32/deny "$mode" "$T/i386/wx32" deny
		tracee_case wx32/allow "$mode" "$T/i386/wx32" allow -- \
			-m trace/allow_unsafe_exec_memory:1
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
