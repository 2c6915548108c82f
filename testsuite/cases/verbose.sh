# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# -v records as strace shows calls: each allowed call's result (read at
# its exit stop, only under -v), a fd argument's file as strace -y
# shows it (in deny and warn records too), and the exec once, with its
# program and arguments (argv's strings cut at -s N, default 32).
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/verbose
mkdir -p "$D"
TRUE=$(readlink -f "$(type -P true)")

# Allow records of memory calls that lack a result, in text log FILE.
no_result() {
	grep -E 'memtrace: allow pid=.* (brk|mmap|mmap2|old_mmap|mprotect)\(' "$1" |
		grep -Ev '\) = (0x[0-9a-f]+|0|-E[A-Z0-9]+)$'
}

results_case() {
	local mode=$1 dir=$D/res.${1/,/_} rc why=''
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	env $(mode_env "$mode") MEMTRACE_STATS="$dir/stats" "$mt" \
		$(mode_args "$mode") -v -o "$dir/log" -- "$TRUE" 2> "$dir/err"
	rc=$?
	[ $rc -eq 0 ] || why="$why exit $rc;"
	want=$(mode_check "$mode" "$dir/stats") || why="$why $want;"
	[ -n "$(no_result "$dir/log")" ] &&
		why="$why without a result: $(no_result "$dir/log" | head -1);"
	grep -Eq ' brk\(NULL\) = 0x[0-9a-f]+$' "$dir/log" || why="$why no brk result;"
	grep -Eq ' mmap\(NULL, [0-9]+, .*\) = 0x[0-9a-f]{6,}$' "$dir/log" ||
		why="$why no mmap address;"
	grep -Eq ' mprotect\(0x[0-9a-f]+, [0-9]+, PROT_READ\) = 0$' "$dir/log" ||
		why="$why no mprotect result;"
	# strace -y: the libc mapped from its fd names its file.
	grep -Eq ' mmap\(.*, MAP_PRIVATE\|MAP_DENYWRITE, [0-9]+</[^>]*/libc\.so\.6>, 0\) = 0x' "$dir/log" ||
		why="$why no fd path;"
	# The exec, once, with its program and arguments.
	n=$(grep -c ' execve(' "$dir/log")
	grep -qF " x86_64 execve(\"$TRUE\", [\"$TRUE\"]) = 0" "$dir/log" &&
		[ "$n" -eq 1 ] || why="$why $n exec records, want 1 execve(\"$TRUE\", [...]) = 0;"
	if [ -n "$why" ]; then
		fail "verbose/results [$mode]" "$why $(head -c 300 "$dir/log")"
	else
		pass "verbose/results [$mode]"
	fi
}
for mode in $MODES; do
	results_case "$mode"
done

# JSON: ret on every allowed memory call, the exec's ret, path and argv.
"$mt" -v --json -o "$D/res.json" -- "$TRUE" one > /dev/null 2>&1
if jq -e -s --arg t "$TRUE" '
	([.[] | select(.sys=="execve")] | length == 1 and
	 (.[0] | .ret == 0 and .path == $t and .argv == [$t, "one"])) and
	all(.[] | select(.sys | IN("brk","mmap","mprotect")); (.ret|type)=="number") and
	any(.[] | select(.sys=="mmap"); .ret > 4096 and (.fd_path|type)=="string")' \
	"$D/res.json" > /dev/null; then
	pass verbose/results-json
else
	fail verbose/results-json "$(head -c 400 "$D/res.json")"
fi

# Without -v a denial keeps its = -ERRNO form and no allowed call is
# recorded (no exit stop is asked for).
"$mt" -o "$D/nov.log" -- "$T/wx" deny > /dev/null 2>&1
if grep -q ' = -EACCES; wx: ' "$D/nov.log" && ! grep -q ' allow pid=' "$D/nov.log"; then
	pass verbose/deny-form
else
	fail verbose/deny-form "$(head -c 300 "$D/nov.log")"
fi

# i386: old_mmap (made an mmap2 by memtrace) and mmap2 show the result
# the tracee sees, a 32-bit address.
if can_run_i386; then
	for mode in $MODES; do
		dir=$D/i386.${mode/,/_}
		mkdir -p "$dir"
		# shellcheck disable=SC2046
		env $(mode_env "$mode") "$mt" $(mode_args "$mode") -v \
			-m trace/allow_unsafe_exec_memory:1 -o "$dir/log" -- \
			"$T/i386/wx32" allow > /dev/null 2>&1
		if [ -z "$(no_result "$dir/log")" ] &&
		   grep -Eq ' i386 old_mmap\(\{.*\}\) = 0x[0-9a-f]{1,8}$' "$dir/log" &&
		   grep -Eq ' i386 mmap2\(.*\) = 0x[0-9a-f]{1,8}$' "$dir/log"; then
			pass "verbose/i386-results [$mode]"
		else
			fail "verbose/i386-results [$mode]" "$(no_result "$dir/log" | head -1) $(grep -E 'old_mmap|mmap2' "$dir/log" | head -c 300)"
		fi
	done
else
	skip "verbose/i386-results [all modes]" "$i386_reason"
fi

# A file-backed call's fd names its file in warn and deny records that
# carry no path of their own (a shared executable mapping, as libffi's).
for mode in $MODES; do
	dir=$D/fd.${mode/,/_}
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	env $(mode_env "$mode") "$mt" $(mode_args "$mode") -m default/wx:warn \
		-m "append+$dir/*.log" -o "$dir/log" -- \
		"$T/order" deny append-fd "$dir" > /dev/null 2>&1
	if grep -Eq "warn pid=.* MAP_SHARED, [0-9]+<$dir/fd\\.log>, 0\\); wx: executable shared mapping" "$dir/log" &&
	   grep -Eq "deny pid=.* MAP_SHARED, [0-9]+<$dir/fd\\.log>, 0\\) = -EPERM; append: " "$dir/log"; then
		pass "verbose/fd-path [$mode]"
	else
		fail "verbose/fd-path [$mode]" "$(head -c 400 "$dir/log")"
	fi
done

# argv: strace's quoting, cut at 32 bytes without -s, at N with -s N.
long=0123456789abcdefghijklmnopqrstuvwxyzABCD
"$mt" -v -e trace=execve -o "$D/argv.log" -- "$TRUE" "$long" $'a\nb"c' \
	> /dev/null 2>&1
"$mt" -v -s 4 -e trace=execve -o "$D/argv4.log" -- "$TRUE" "$long" \
	> /dev/null 2>&1
if grep -qF "execve(\"$TRUE\", [\"$TRUE\", \"${long:0:32}\"..., \"a\\nb\\\"c\"]) = 0" "$D/argv.log" &&
   grep -qF ", \"0123\"...]) = 0" "$D/argv4.log"; then
	pass verbose/exec-argv
else
	fail verbose/exec-argv "$(cat "$D/argv.log" "$D/argv4.log" | head -c 400)"
fi
