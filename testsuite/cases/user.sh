# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Most users are not root: the filter then needs no_new_privs. The W^X
# (exec gain included) and exit-status cases run as nobody.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

if ! as_user test -x "$mt"; then
	skip user/all "nobody cannot reach $mt (directory permissions)"
	exit 0
fi
# nobody_case NAME MODE TRACEE-ARGV...: as tracee_case, as nobody.
nobody_case() {
	local name=$1 mode=$2; shift 2
	local dir=$MT_TMP/user.$name.${mode/,/_}
	mkdir -p "$dir"; chmod 777 "$dir"
	# shellcheck disable=SC2046
	local user=(as_user)
	mt_via user "$mode" MEMTRACE_STATS="$dir/stats" \
		 -o "$dir/log" "$@" \
		> "$dir/expected" 2> "$dir/err"
	local rc=$? w
	if [ $rc -ne 0 ]; then
		fail "user/$name [$mode]" "exit $rc: $(tr '\n' ' ' < "$dir/err")"
	elif ! w=$(mode_check "$mode" "$dir/stats"); then
		fail "user/$name [$mode]" "$w"
	elif ! normalise "$dir/log" | diff -q "$dir/expected" - >/dev/null; then
		fail "user/$name [$mode]" "records differ"
	else
		pass "user/$name [$mode]"
	fi
}

for mode in $MODES; do
	nobody_case wx "$mode" "$T/wx" deny
	# Exec gain on every route (memtrace and the kernel's MDWE both
	# work unprivileged).
	nobody_case wxgain "$mode" "$T/wxgain" deny
	# shellcheck disable=SC2046
	as_user "$mt" $(mode_args "$mode") -- sh -c 'exit 42'; rc=$?
	[ $rc -eq 42 ] && pass "user/status [$mode]" ||
		fail "user/status [$mode]" "exit $rc, expected 42"
done
