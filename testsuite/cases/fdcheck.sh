# SPDX-License-Identifier: GPL-3.0-or-later
# The fd, append and mremap checks (and their tips), every mode.
. "$MT_ROOT/testsuite/lib.sh"

for mode in $MODES; do
	d=$MT_TMP/fm.${mode/,/_}; mkdir -p "$d" "$d.allow"
	tracee_case fdcheck/deny "$mode" "$T/filemap" deny "$d" -- \
		-m "append+$d/*.log"
	tracee_case fdcheck/allow "$mode" "$T/filemap" allow "$d.allow" -- \
		-m default/fd:allow -m default/mremap:allow
done
# The same for the i386 personality (mmap2 and old_mmap).
if can_run_i386; then
	for mode in $MODES; do
		d=$MT_TMP/fm32.${mode/,/_}; mkdir -p "$d" "$d.allow"
		# Under a memory limit too: mremap's EINVAL comes first.
		tracee_case fdcheck/i386-deny "$mode" "$T/i386/filemap32" deny \
			"$d" -- -m "append+$d/*.log" -m sandbox/mem:on \
			-m mem/vm_max:64M
		tracee_case fdcheck/i386-allow "$mode" "$T/i386/filemap32" \
			allow "$d.allow" -- -m default/fd:allow \
			-m default/mremap:allow
	done
else
	skip "fdcheck/i386 [all modes]" "$i386_reason"
fi
d=$MT_TMP/fm.tips; mkdir -p "$d"
tips_case fdcheck "$T/filemap" deny "$d" -- -m "append+$d/*.log"
tips_case wx "$T/wx" deny
