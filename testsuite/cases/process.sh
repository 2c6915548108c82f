# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Following processes and threads: fork+exec chains, vfork, threads,
# exec from a thread, signals, group-stops.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

for mode in $MODES; do
	tracee_case threads/8 "$mode" "$T/threads" deny
	tracee_case vfork/exec "$mode" "$T/vfork" deny
	tracee_case exec-from-thread "$mode" "$T/execthread" deny
	tracee_case signals/delivered "$mode" "$T/sigs" deny
	tracee_case fork-exec-chain "$mode" sh -c \
		"$T/wx deny && sh -c '$T/wx deny && $T/threads deny'"
done

# A group-stop really stops the command, and SIGCONT resumes it.
group_stop_case() {
	local mode=$1 dir=$MT_TMP/stop.${1//,/_} pid state
	mkdir -p "$dir"
	mt_bg "$mode" -o "$dir/log" \
		"$T/sigs" deny stop > "$dir/out" 2> "$dir/err"
	local mtpid=$mt_pid
	for _ in $(seq 100); do
		pid=$(pgrep -P "$mtpid" -f "$T/sigs" | head -1)
		state=
		[ -n "$pid" ] && state=$(proc_state "$pid")
		# Under ptrace a group-stop shows as "t" (tracing stop).
		[ "$state" = T ] || [ "$state" = t ] && break
		sleep 0.05
	done
	if [ "$state" != T ] && [ "$state" != t ]; then
		kill -9 "$mtpid" 2>/dev/null; wait "$mtpid" 2>/dev/null
		fail "group-stop [$mode]" "the command never showed state T (last: ${state:-none})"
		return
	fi
	sleep 0.3
	state=$(proc_state "$pid")
	if { [ "$state" != T ] && [ "$state" != t ]; } || grep -q resumed "$dir/err"; then
		kill -9 "$mtpid"; wait "$mtpid" 2>/dev/null
		fail "group-stop [$mode]" "the stop did not hold (state $state)"
		return
	fi
	kill -CONT "$pid"
	wait_bounded "$mtpid" 10; local rc=$?
	if [ $rc -ne 0 ] || ! grep -q resumed "$dir/err"; then
		fail "group-stop [$mode]" "exit $rc after SIGCONT: $(tr '\n' ' ' < "$dir/err")"
		return
	fi
	if ! normalise "$dir/log" | diff -q "$dir/out" - > /dev/null; then
		fail "group-stop [$mode]" "records differ after SIGCONT"
		return
	fi
	pass "group-stop [$mode]"
}
for mode in $MODES; do
	group_stop_case "$mode"
done
