# SPDX-License-Identifier: GPL-3.0-or-later
# W^X under the default policy and with trace/allow_unsafe_exec_memory,
# every mode, both personalities.
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
	done
else
	skip "wx32 [all modes]" "$i386_reason"
fi
