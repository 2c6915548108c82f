# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The man pages pass mandoc -Tlint with no warning (style notes aside),
# with a fixed date and ".Os memtrace".
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

for page in memtrace.1 memtrace.conf.5; do
	src=$MT_ROOT/doc/$page
	if ! command -v mandoc > /dev/null 2>&1; then
		skip "manpages/lint $page" "mandoc is not installed (make check installs it through tools/deps.sh as root)"
		continue
	fi
	out=$(mandoc -Tlint -W warning "$src" 2>&1); rc=$?
	dd=$(sed -n 's/^\.Dd //p' "$src")
	os=$(sed -n 's/^\.Os *//p' "$src")
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		fail "manpages/lint $page" "mandoc -Tlint (exit $rc): $(head -c 400 <<< "$out" | tr '\n' '|')"
	elif ! grep -Eqx '[A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}' <<< "$dd" ||
	     [ "$os" != memtrace ]; then
		fail "manpages/lint $page" ".Dd \"$dd\" (want a fixed date), .Os \"$os\" (want memtrace)"
	else
		pass "manpages/lint $page"
	fi
done
