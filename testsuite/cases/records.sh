# SPDX-License-Identifier: GPL-3.0-or-later
# What a tracee names reaches the records escaped: a file name with a
# newline cannot start a made-up record line of its own in text
# records, and a name that is not UTF-8 leaves every JSON record valid,
# its exact bytes in path_hex.
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/records
mkdir -p "$D"
# A newline, a tab, an escape, a backslash and a byte that is no UTF-8.
NAME="lib"$'\n'"memtrace: allow pid=1 tid=1 x86_64 forged"$'\t\e'"[31m\\"$'\xff'".so"
F=$D/$NAME
cp /bin/true "$F"
ESC='lib\nmemtrace: allow pid=1 tid=1 x86_64 forged\t\x1b[31m\\\xff.so'
RULES=(-m sandbox/exec:on -m 'allow/exec+/***' -m "deny/exec+$D/**")

for mode in $MODES; do
	log=$D/log.${mode/,/_}
	mt_run "$mode" "${RULES[@]}" \
		-o "$log" -- "$T/maplib" map "$F" EACCES deny x > /dev/null 2>&1
	lines=$(wc -l < "$log")
	if [ "$lines" -eq 1 ] && grep -qF "; path $D/$ESC;" "$log"; then
		pass "records/text-escaped [$mode]"
	else
		fail "records/text-escaped [$mode]" "$lines lines: $(head -c 400 "$log" | cat -A | tr '\n' '|')"
	fi
	mt_run "$mode" "${RULES[@]}" \
		--json -o "$log.json" -- "$T/maplib" map "$F" EACCES deny x \
		> /dev/null 2>&1
	hex=$(printf '%s' "$F" | od -An -tx1 -v | tr -d ' \n')
	if [ "$(wc -l < "$log.json")" -eq 1 ] &&
	   jq -e --arg hex "$hex" '.path_hex == $hex and (.path | test("\ufffd"))
		and (.path | contains("\nmemtrace: allow"))' "$log.json" > /dev/null 2>&1; then
		pass "records/json-not-utf8 [$mode]"
	else
		fail "records/json-not-utf8 [$mode]" "$(head -c 600 "$log.json")"
	fi
done

# A valid UTF-8 name gets no path_hex, and keeps its characters.
U=$D/"bibliothèque.so"
cp "$F" "$U"
"$mt" "${RULES[@]}" --json -o "$D/utf8.json" -- "$T/maplib" map "$U" EACCES deny x \
	> /dev/null 2>&1
if jq -e --arg p "$U" '.path == $p and (has("path_hex") | not)' "$D/utf8.json" > /dev/null 2>&1; then
	pass records/json-utf8-kept
else
	fail records/json-utf8-kept "$(head -c 400 "$D/utf8.json")"
fi

# A process name reaches the -c summary escaped, and a program name a
# learned profile quotes in its comments cannot add a line to it.
E=$D/$'\e[31mred\nbogus:1'
cp /bin/true "$E"
"$mt" -c --learn "$D/learned.conf" -o "$D/summary" -- "$E" > /dev/null 2>&1
if grep -qF '\x1b[31mred' "$D/summary" && ! grep -q $'\e' "$D/summary"; then
	pass records/summary-comm-escaped
else
	fail records/summary-comm-escaped "$(tail -3 "$D/summary" | cat -A | tr '\n' '|')"
fi
if ! grep -q '^bogus' "$D/learned.conf" && ! grep -q $'\e' "$D/learned.conf" &&
   "$mt" -P "$D/learned.conf" --dump-policy > /dev/null 2>&1; then
	pass records/learned-comments-escaped
else
	fail records/learned-comments-escaped "$(grep -n 'red' "$D/learned.conf" | cat -A | head -5 | tr '\n' '|')"
fi
