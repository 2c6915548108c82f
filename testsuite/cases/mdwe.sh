# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The kernel's W^X (PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) behind the
# wx check: set in the command when the wx action refuses, not with
# --no-mdwe, not when wx allows or warns, not when learning; -V says
# whether the kernel has it; -p says once that it cannot be set.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

if ! "$mt" -V | grep -q '^mdwe: yes'; then
	skip "mdwe [all]" "the kernel has no PR_SET_MDWE (Linux before 6.3): $("$mt" -V | grep '^mdwe:')"
	exit 0
fi
pass "mdwe/version"

# mdwe_case NAME MODE WANT [MEMTRACE-ARGS...]: the command's flags.
mdwe_case() {
	local name=$1 mode=$2 want=$3; shift 3
	local got
	got=$(mt_run "$mode" "$@" -- \
		"$T/mdweget" 2> "$MT_TMP/mdwe.err")
	if [ "$got" = "mdwe=$want" ]; then
		pass "mdwe/$name [$mode]"
	else
		fail "mdwe/$name [$mode]" "got \"$got\", want mdwe=$want"
	fi
}

for mode in $MODES; do
	mdwe_case default "$mode" 1
	mdwe_case kill "$mode" 1 -m default/wx:kill
	mdwe_case no-mdwe "$mode" 0 --no-mdwe
	mdwe_case warn "$mode" 0 -m default/wx:warn
	mdwe_case allow "$mode" 0 -m default/wx:allow
	mdwe_case unsafe "$mode" 0 -m trace/allow_unsafe_exec_memory:1
done
mdwe_case learn seccomp,info 0 --learn "$MT_TMP/mdwe.learn"

# Inherited: a child of the command has it too.
got=$("$mt" -- sh -c "$T/mdweget" 2>&1)
if [ "$got" = mdwe=1 ]; then
	pass "mdwe/inherited"
else
	fail "mdwe/inherited" "got \"$got\", want mdwe=1"
fi

if [ "$(id -u)" = 0 ] && as_nobody test -x "$mt"; then
	nobody=(as_nobody)
	for mode in seccomp,info ptrace,info; do
		got=$(mt_via nobody "$mode" \
			 -- "$T/mdweget" 2>&1)
		if [ "$got" = mdwe=1 ]; then
			pass "mdwe/nobody [$mode]"
		else
			fail "mdwe/nobody [$mode]" "got \"$got\", want mdwe=1"
		fi
	done
fi

# -p: one note, and none with --no-mdwe.
attach_note() {
	local name=$1 want=$2; shift 2
	local dir=$MT_TMP/mdwe.$name
	mkdir -p "$dir"
	sleep 30 &
	local tpid=$!
	"$mt" "$@" -p "$tpid" -o "$dir/log" 2> "$dir/err" &
	local mtpid=$!
	for _ in $(seq 200); do
		[ "$(tracer_of "$tpid")" = "$mtpid" ] && break
		sleep 0.05
	done
	kill -INT "$mtpid"
	wait_bounded "$mtpid" 10
	kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	local n
	n=$(grep -c "PR_SET_MDWE.*cannot be set on a running process" "$dir/log")
	if [ "$n" -eq "$want" ]; then
		pass "mdwe/$name"
	else
		fail "mdwe/$name" "$n notes, want $want: $(cat "$dir/log" "$dir/err" | tr '\n' '|')"
	fi
}
attach_note attach-note 1
attach_note attach-no-mdwe 0 --no-mdwe
