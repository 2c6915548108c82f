# SPDX-License-Identifier: GPL-3.0-or-later
# Rules from the command line and from profiles: bad rules are refused
# before anything starts (exit 2, the origin and what was expected),
# and --dump-policy reads back to the same policy.
. "$MT_ROOT/testsuite/lib.sh"

bad_rule() {
	local name=$1 want=$2; shift 2
	local marker=$MT_TMP/ran.$name
	out=$("$mt" "$@" touch "$marker" 2>&1); rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$want" <<< "$out" && [ ! -e "$marker" ]; then
		pass "policy/reject/$name"
	else
		fail "policy/reject/$name" "exit $rc, said: $out"
	fi
}

bad_rule unknown-key '-m argument: "foo/bar:1": unknown key "foo/bar"' -m foo/bar:1
bad_rule bad-bool 'expected' -m trace/allow_unsafe_exec_memory:maybe
bad_rule bad-size 'bad size "12Q" (expected bytes or a number with K, M, G or T)' -m mem/max:12Q
bad_rule numeric-action 'unknown action "3" (expected allow, warn' -m default/wx:3
bad_rule unknown-action 'unknown action "explode"' -m default/mem:explode
bad_rule bad-glob '"allow/exec+/usr/[abc"' -m 'allow/exec+/usr/[abc'
bad_rule relative-glob '"append+var/*.log"' -m 'append+var/*.log'
bad_rule bad-hex '"force+/bin/true:sha256:xyz"' -m 'force+/bin/true:sha256:xyz'

# Rules that can never match a canonical path are refused, naming the rule.
bad_rule double-slash '"deny/exec+/tmp//x/**": pattern "/tmp//x/**" can never match: it has "//"' \
	-m 'deny/exec+/tmp//x/**'
bad_rule dot-component 'pattern "/tmp/./x/**" can never match: it has a "." component' \
	-m 'deny/exec+/tmp/./x/**'
bad_rule dotdot-component 'pattern "/tmp/a/../x/**" can never match: it has a ".." component' \
	-m 'deny/exec+/tmp/a/../x/**'
bad_rule trailing-slash 'pattern "/tmp/x/" can never match: it has a trailing "/"' \
	-m 'deny/exec+/tmp/x/'
bad_rule append-dotdot 'can never match' -m 'append+/var/log/../x.log'
bad_rule force-double-slash 'path "/usr//bin/true" can never match' \
	-m "force+/usr//bin/true:sha256:$(printf '0%.0s' $(seq 64))"

p=$MT_TMP/bad.conf
printf 'sandbox/mem:on\n# a comment\n\nmem/vm_max:1G\nbogus/key:1\n' > "$p"
bad_rule profile-line "$p:5: \"bogus/key:1\": unknown key \"bogus/key\"" -P "$p"
bad_rule profile-missing "/nonexistent/profile: No such file or directory" -P /nonexistent/profile
bad_rule profile-directory "$MT_TMP: Is a directory" -P "$MT_TMP"

# Round trip through the command line: dump, read the dump back as a
# profile, dump again: the same text.
d=$MT_TMP/dump; mkdir -p "$d"
sum=$(sha256sum /bin/true | cut -c1-64)
"$mt" -m sandbox/mem:on -m mem/max:1G -m mem/vm_max:3000000 \
	-m sandbox/exec:on -m 'allow/exec+/usr/***' -m 'deny/exec+/tmp/**' \
	-m 'append+/var/log/*.log' -m "force+/bin/true:sha256:$sum:kill" \
	-m default/wx:warn -m tpe/gid:100 -m tpe/negate:1 \
	-m trace/allow_unsafe_exec_stack:1 --dump-policy > "$d/one"
"$mt" -P "$d/one" --dump-policy > "$d/two"
if diff -u "$d/one" "$d/two" > "$d/diff" && [ "$(grep -vc '^#' "$d/one")" -ge 12 ]; then
	pass policy/dump-round-trip
else
	fail policy/dump-round-trip "$(tr '\n' '|' < "$d/diff") $(tr '\n' '|' < "$d/one")"
fi

# Later rules win, across -m and -P, in command-line order.
printf 'default/wx:warn\n' > "$d/warn.conf"
"$mt" -m default/wx:kill -P "$d/warn.conf" --dump-policy | grep -qx default/wx:warn &&
"$mt" -P "$d/warn.conf" -m default/wx:kill --dump-policy | grep -qx default/wx:kill &&
	pass policy/later-wins || fail policy/later-wins "order not kept"
