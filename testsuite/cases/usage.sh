# SPDX-License-Identifier: GPL-3.0-or-later
# Bad command lines: a clear error, a non-zero status, nothing started.
. "$MT_ROOT/testsuite/lib.sh"

usage_case() {
	local name=$1 want_rc=$2 want_msg=$3; shift 3
	local marker=$MT_TMP/started.$name
	rm -f "$marker"
	out=$("$@" 2>&1); rc=$?
	if [ $rc -ne "$want_rc" ]; then
		fail "usage/$name" "exit $rc, expected $want_rc: $out"
	elif ! grep -qF -- "$want_msg" <<< "$out"; then
		fail "usage/$name" "message lacks \"$want_msg\": $out"
	elif [ -e "$marker" ]; then
		fail "usage/$name" "the command ran"
	else
		pass "usage/$name"
	fi
}

usage_case unknown-option 2 'unknown option "--frobnicate"' \
	"$mt" --frobnicate touch "$MT_TMP/started.unknown-option"
usage_case unknown-short 2 'unknown option -Z' \
	"$mt" -Z touch "$MT_TMP/started.unknown-short"
usage_case missing-command 2 'no command given' "$mt"
usage_case missing-argument 2 'option -m needs an argument' "$mt" -m
usage_case json-argument 2 'option --json takes no argument ("--json=1")' \
	"$mt" --json=1 touch "$MT_TMP/started.json-argument"
usage_case flag-argument 2 'option --stack takes no argument ("--stack=3")' \
	"$mt" --stack=3 touch "$MT_TMP/started.flag-argument"
usage_case ambiguous 2 'option "--st" is ambiguous' \
	"$mt" --st touch "$MT_TMP/started.ambiguous"

# A usage error is its line and where help is, not the whole usage.
for args in "--frobnicate" "-Z" "-m" "--json=1" "" "-p 1 true"; do
	# shellcheck disable=SC2086
	out=$("$mt" $args 2>&1 > /dev/null); rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <<< "$out")" -eq 2 ] &&
	   [ "$(tail -1 <<< "$out")" = "Try 'memtrace --help'." ]; then
		pass "usage/one-line [${args:-no arguments}]"
	else
		fail "usage/one-line [${args:-no arguments}]" "exit $rc: $out"
	fi
done
usage_case no-such-pid 1 '-p 2147483646: no such process' \
	"$mt" -p 2147483646
usage_case bad-pid 2 '-p: bad process id "abc"' "$mt" -p abc
usage_case pid-and-command 2 '-p and a command exclude each other' \
	"$mt" -p 1 touch "$MT_TMP/started.pid-and-command"
usage_case bad-output 1 '-o /nonexistent/dir/log' \
	"$mt" -o /nonexistent/dir/log touch "$MT_TMP/started.bad-output"

out=$("$mt" --help); rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: memtrace' <<< "$out"; then
	pass usage/help
else
	fail usage/help "exit $rc"
fi

# make install honours PREFIX and DESTDIR, and installs the man pages.
d=$MT_TMP/inst
if make -s -C "$MT_ROOT" install B="$B" PREFIX=/opt/mt DESTDIR="$d" > "$MT_TMP/inst.log" 2>&1 &&
   [ -x "$d/opt/mt/bin/memtrace" ] &&
   [ -f "$d/opt/mt/share/man/man1/memtrace.1" ] &&
   [ -f "$d/opt/mt/share/man/man5/memtrace.conf.5" ] &&
   [ -f "$d/opt/mt/share/doc/memtrace/examples/build.conf" ] &&
   [ -f "$d/opt/mt/share/doc/memtrace/examples/force.conf" ] &&
   [ -f "$d/opt/mt/share/doc/memtrace/examples/jit.conf" ] &&
   "$d/opt/mt/bin/memtrace" --version | grep -q '^memtrace '; then
	pass usage/install
else
	fail usage/install "$(tail -c 300 "$MT_TMP/inst.log")"
fi
