# SPDX-License-Identifier: GPL-3.0-or-later
# memtrace's exit status is the command's: $? is the same with and
# without memtrace; a command that dies of a signal kills memtrace
# with the same signal.
. "$MT_ROOT/testsuite/lib.sh"

status_case() {
	local name=$1; shift
	local want got
	bash -c "$*" > /dev/null 2>&1; want=$?
	for mode in "seccomp,info" "ptrace,regs"; do
		# shellcheck disable=SC2046
		env $(mode_env "$mode") bash -c "exec \"$mt\" $(mode_args "$mode") -- bash -c '$*'" \
			> /dev/null 2>&1
		got=$?
		if [ "$got" = "$want" ]; then
			pass "status/$name [$mode]"
		else
			fail "status/$name [$mode]" "exit status $got, without memtrace $want"
		fi
	done
}

status_case exit0 'exit 0'
status_case exit1 'exit 1'
status_case exit42 'exit 42'
status_case exit255 'exit 255'
status_case sigsegv 'kill -SEGV $$'
status_case sigkill 'kill -KILL $$'
status_case sigterm 'kill -TERM $$'

# No core of memtrace's own when it re-raises SIGSEGV.
dir=$MT_TMP/core; mkdir -p "$dir"
(cd "$dir" && ulimit -c unlimited && "$mt" -- bash -c 'ulimit -c 0; kill -SEGV $$' > /dev/null 2>&1)
if ls "$dir" | grep -q core; then
	fail status/no-core "memtrace left a core file"
else
	pass status/no-core
fi

# A command that does not exist: a clear error and 127, like a shell.
out=$("$mt" /nonexistent/command 2>&1); rc=$?
if [ $rc -eq 127 ] && grep -q '/nonexistent/command: No such file' <<< "$out"; then
	pass status/not-found
else
	fail status/not-found "exit $rc, said: $out"
fi
out=$("$mt" /etc/passwd 2>&1); rc=$?
if [ $rc -eq 126 ] && grep -q 'Permission denied' <<< "$out"; then
	pass status/not-executable
else
	fail status/not-executable "exit $rc, said: $out"
fi

# memtrace killed: the command must not survive it.
killed_case() {
	local sig=$1 dir=$MT_TMP/killed.$1 i pid
	mkdir -p "$dir"
	"$mt" -- sleep 300 > /dev/null 2>&1 &
	local mtpid=$!
	for i in $(seq 100); do
		pid=$(pgrep -P "$mtpid" sleep | head -1)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	if [ -z "$pid" ]; then
		kill -9 "$mtpid"; fail "killed/$sig" "the command never started"; return
	fi
	kill "-$sig" "$mtpid"
	wait "$mtpid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		fail "killed/$sig" "the command survived memtrace's SIG$sig"
	else
		pass "killed/$sig"
	fi
}
killed_case KILL
killed_case TERM
killed_case HUP
