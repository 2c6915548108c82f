# SPDX-License-Identifier: GPL-3.0-or-later
# -p: attach to a running process and all its threads (ptrace-only),
# enforce, and detach cleanly on SIGINT, leaving it running.
. "$MT_ROOT/testsuite/lib.sh"

attach_case() {
	local regs=$1 name="attach [ptrace,$1]" dir=$MT_TMP/attach.$1 i
	mkdir -p "$dir"
	"$T/loopmap" > "$dir/out" 2>&1 &
	local tpid=$!
	for i in $(seq 100); do
		grep -q allowed "$dir/out" && break
		sleep 0.05
	done
	# shellcheck disable=SC2046
	env $(mode_env "ptrace,$regs") "$mt" -p "$tpid" -o "$dir/log" \
		2> "$dir/err" &
	local mtpid=$!
	: > "$dir/out"
	for i in $(seq 200); do
		grep -q denied "$dir/out" && break
		sleep 0.05
	done
	if ! grep -q denied "$dir/out"; then
		kill -9 "$mtpid" "$tpid"; wait 2>/dev/null
		fail "$name" "no denial while attached: $(tr '\n' ' ' < "$dir/err")"
		return
	fi
	# Both threads are traced: the spinning one is denied too.
	local tids
	tids=$(grep -o 'tid=[0-9]*' "$dir/log" | sort -u | wc -l)
	kill -INT "$mtpid"
	wait_bounded "$mtpid" 10; local rc=$?
	: > "$dir/out"
	for i in $(seq 100); do
		grep -q allowed "$dir/out" && break
		sleep 0.05
	done
	local alive=no
	kill -0 "$tpid" 2>/dev/null && alive=yes
	kill -9 "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	if [ $rc -ne 0 ]; then
		fail "$name" "memtrace exited $rc on SIGINT: $(tr '\n' ' ' < "$dir/err")"
	elif [ $alive != yes ]; then
		fail "$name" "the process died at the detach"
	elif ! grep -q allowed "$dir/out"; then
		fail "$name" "the process did not run on untraced after the detach"
	elif [ "$tids" -lt 2 ]; then
		fail "$name" "only $tids thread(s) traced, expected 2"
	else
		pass "$name"
	fi
}
attach_case info
attach_case regs

# -p with mem/vm_max: the target gets RLIMIT_AS = mem/vm_max (soft and
# hard, through prlimit), so that what grows without a call is bounded
# there too.
attach_rlimit() {
	local dir=$MT_TMP/attach.rlimit i lim=
	mkdir -p "$dir"
	sleep 30 &
	local tpid=$!
	"$mt" -p "$tpid" -m sandbox/mem:on -m mem/vm_max:64M -o "$dir/log" \
		2> "$dir/err" &
	local mtpid=$!
	for i in $(seq 100); do
		lim=$(sed -n 's/^Max address space *\([0-9]*\) *\([0-9]*\) .*/\1 \2/p' \
			"/proc/$tpid/limits")
		[ "$lim" = "67108864 67108864" ] && break
		sleep 0.05
	done
	kill -INT "$mtpid"
	wait_bounded "$mtpid" 10
	kill -9 "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	if [ "$lim" = "67108864 67108864" ]; then
		pass "attach-rlimit-as"
	else
		fail "attach-rlimit-as" "RLIMIT_AS of the target: ${lim:-?}; $(tr '\n' ' ' < "$dir/err")"
	fi
}
attach_rlimit
