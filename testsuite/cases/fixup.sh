# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The exit stop's fix-ups of a call memtrace changed at its entry: the
# result of a refused call (stop_set_return) and the argument registers
# of a rewritten one (stop_restore_args). No ordinary tracee makes
# either ptrace step fail, so MEMTRACE_TEST_FAIL=STEP makes memtrace
# act as if it had. The process must then be killed (fail closed: the
# call is done, too late to deny), with a kill record in text and
# JSON, and memtrace must end with the command's signal (137); without
# the hook the same run passes.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

# The kill record's reason for each step (the hook's failure is EIO).
step_msg() {
	case $1 in
	set_return) echo 'cannot set the return value of a refused call (Input/output error)' ;;
	restore_args) echo 'cannot restore the argument registers of a rewritten call (Input/output error)' ;;
	esac
}

# fixup_case NAME STEP MODE TRACEE-ARGV... [-- MEMTRACE-ARGS]
fixup_case() {
	local name=$1 step=$2 mode=$3; shift 3
	local targv margs
	split_argv "$@"
	local dir=$MT_TMP/${name//\//_}.${mode/,/_}
	local msg
	msg=$(step_msg "$step")
	mkdir -p "$dir"
	mt_run "$mode" "${margs[@]}" -o "$dir/plain" -- "${targv[@]}" \
		> "$dir/plain.out" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] || grep -q '^memtrace: kill ' "$dir/plain"; then
		fail "$name [$mode]" "without the hook: exit $rc (want 0, no kill): $(tail -n 3 "$dir/plain" "$dir/plain.out" | tr '\n' '|')"
		return
	fi
	# The outer 2>/dev/null silences bash's "Killed".
	{ mt_run "$mode" MEMTRACE_TEST_FAIL="$step" \
		MEMTRACE_STATS="$dir/stats" "${margs[@]}" -o "$dir/log" -- \
		"${targv[@]}" > "$dir/out" 2> "$dir/err"; } 2> /dev/null
	rc=$?
	local kills last
	kills=$(grep -c '^memtrace: kill ' "$dir/log")
	last=$(tail -n 1 "$dir/log")
	if ! why=$(mode_check "$mode" "$dir/stats"); then
		fail "$name [$mode]" "$why"
		return
	fi
	if [ $rc -ne 137 ] || [ "$kills" -ne 1 ] ||
	   [ "$(normalise <<< "$last")" != "memtrace: kill: $msg; killed (fail closed)" ] ||
	   grep -q FAIL "$dir/err"; then
		fail "$name [$mode]" "with MEMTRACE_TEST_FAIL=$step: exit $rc (want 137), $kills kill records (want 1, last: \"$msg; killed (fail closed)\"): $(tail -n 2 "$dir/log" | tr '\n' '|') $(head -c 200 "$dir/err" | tr '\n' '|')"
		return
	fi
	{ mt_run "$mode" MEMTRACE_TEST_FAIL="$step" "${margs[@]}" --json \
		-o "$dir/log.json" -- "${targv[@]}" > /dev/null 2>&1; } \
		2> /dev/null
	rc=$?
	kills=$(grep -c '"ctx":"kill"' "$dir/log.json")
	if [ $rc -ne 137 ] || [ "$kills" -ne 1 ] ||
	   ! tail -n 1 "$dir/log.json" | jq -e --arg m "$msg; killed (fail closed)" \
		'.ctx == "kill" and .act == "kill" and (.pid|type) == "number"
		 and (.tid|type) == "number" and .msg == $m
		 and (.t|type) == "number"' > /dev/null 2>&1; then
		fail "$name [$mode]" "with MEMTRACE_TEST_FAIL=$step --json: exit $rc (want 137), $kills kill records (want 1, last): $(tail -n 2 "$dir/log.json" | tr '\n' '|')"
		return
	fi
	pass "$name [$mode]"
}

# Which modes have the step: a refused call's result is set at its
# exit stop through syscall info (PTRACE_SET_SYSCALL_INFO sets it only
# there) and in ptrace-only mode (written again at the exit, where some
# kernels overwrite it); a refused brk becomes brk(0) and an allowed
# i386 old_mmap becomes mmap2 in every mode.
set_info=$(MEMTRACE_FORCE_REGS=0 MEMTRACE_STATS=$MT_TMP/fixup.stats \
	"$mt" -- true 2> /dev/null && sed -n 's/^set_info=//p' "$MT_TMP/fixup.stats")
set_return_reason() {
	case $1 in
	seccomp,regs)
		[ "$(uname -m)" = x86_64 ] &&
			echo "on x86_64 the register path sets a refused call's result at its seccomp stop, not at an exit stop" ;;
	seccomp,info)
		[ "$set_info" != 1 ] &&
			echo "without PTRACE_SET_SYSCALL_INFO (Linux 6.16) a refused call's result is set at its seccomp stop through the registers" ;;
	*) false ;;
	esac
}

for mode in $MODES; do
	if why=$(set_return_reason "$mode"); then
		skip "fixup/set-return [$mode]" "$why"
	else
		# W^X refuses the first mmap (PROT_READ|PROT_WRITE|PROT_EXEC).
		fixup_case fixup/set-return set_return "$mode" "$T/wx" deny
	fi
	# The memory limit refuses a brk: memtrace makes it brk(0).
	fixup_case fixup/restore-args-brk restore_args "$mode" \
		"$T/memgrow" sbrk deny 16M -- -m sandbox/mem:on -m mem/vm_max:8M
done
if can_run_i386; then
	for mode in $MODES; do
		if why=$(set_return_reason "$mode"); then
			skip "fixup/set-return-i386 [$mode]" "$why"
		else
			fixup_case fixup/set-return-i386 set_return "$mode" \
				"$T/i386/wx32" deny
		fi
		# The first allowed old_mmap is made mmap2.
		fixup_case fixup/restore-args-old_mmap restore_args "$mode" \
			"$T/i386/wx32" deny
	done
else
	skip "fixup/set-return-i386 [all modes]" "$i386_reason"
	skip "fixup/restore-args-old_mmap [all modes]" "$i386_reason"
fi

# The hook takes only the steps it knows: anything else is a usage
# error naming it, before anything runs.
out=$(MEMTRACE_TEST_FAIL=set_result "$mt" -- true 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ "$out" = 'memtrace: MEMTRACE_TEST_FAIL: unknown step "set_result" (set_return, restore_args, pidfd or pidfd_thread)' ]; then
	pass "fixup/hook-unknown-step"
else
	fail "fixup/hook-unknown-step" "exit $rc (want 2): $out"
fi
