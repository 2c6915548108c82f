# SPDX-License-Identifier: GPL-3.0-or-later
# The fd, append and mremap checks (and their tips), every mode.
. "$MT_ROOT/testsuite/lib.sh"

for mode in $MODES; do
	d=$MT_TMP/fm.${mode/,/_}; mkdir -p "$d" "$d.allow" "$d.proc"
	tracee_case fdcheck/deny "$mode" "$T/filemap" deny "$d" -- \
		-m "append+$d/*.log"
	tracee_case fdcheck/allow "$mode" "$T/filemap" allow "$d.allow" -- \
		-m default/fd:allow -m default/mremap:allow
	# The fd's file as kernels without pidfd_getfd show it: opened
	# again through /proc/PID/fd/N, its flags from fdinfo.
	tracee_case fdcheck/deny-proc "$mode" "$T/filemap" deny "$d.proc" \
		-- MEMTRACE_TEST_FAIL=pidfd -m "append+$d.proc/*.log"
done
# How many of a case's fds were opened again through /proc: none
# where the kernel has pidfd_getfd and PIDFD_THREAD (Linux 6.9); all
# five of fdtable's (libc's and its four maps) without pidfd_getfd;
# the thread's two without PIDFD_THREAD.
proc_opens() {
	local leaf=$1.$2
	sed -n 's/^fd_proc_opens=//p' "$MT_TMP/${leaf//[,\/]/_}/stats"
}
# opens_case NAME MODE WANT: the case opened WANT fds through /proc.
opens_case() {
	local n
	n=$(proc_opens "$1" "$2")
	if [ "$n" = "$3" ]; then
		pass "$1-opens [$2]"
	else
		fail "$1-opens [$2]" "fd_proc_opens $n (want $3)"
	fi
}
pidfd_thread=no
kv=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
[ "$kv" -ge 6009 ] && pidfd_thread=yes
# A thread with an fd table of its own: its fd N, not its leader's.
for mode in $MODES; do
	d=$MT_TMP/ft.${mode/,/_}; mkdir -p "$d" "$d.allow" "$d.proc"
	tracee_case fdcheck/thread-table "$mode" "$T/fdtable" deny "$d"
	tracee_case fdcheck/thread-table-allow "$mode" "$T/fdtable" allow \
		"$d.allow" -- -m default/fd:allow
	tracee_case fdcheck/thread-table-proc "$mode" "$T/fdtable" deny \
		"$d.proc" -- MEMTRACE_TEST_FAIL=pidfd
	# Before PIDFD_THREAD (Linux 6.9, after Debian 12's kernel): the
	# leader's fd by its pidfd, the thread's through /proc.
	mkdir -p "$d.nothread"
	tracee_case fdcheck/thread-table-nothread "$mode" "$T/fdtable" deny \
		"$d.nothread" -- MEMTRACE_TEST_FAIL=pidfd_thread
	opens_case fdcheck/thread-table-proc "$mode" 5
	opens_case fdcheck/thread-table-nothread "$mode" 2
	if [ $pidfd_thread = yes ]; then
		opens_case fdcheck/thread-table "$mode" 0
	else
		skip "fdcheck/thread-table-opens [$mode]" "Linux $(uname -r) has no PIDFD_THREAD (6.9): a thread's fd goes through /proc"
	fi
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
