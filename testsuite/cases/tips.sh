# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Tips that allow the rerun: a file no force rule names gets its own
# force+PATH:ALG:HEX rule, and a memory limit's tip leaves headroom
# (+25%, at least 4 MiB) so that a rerun reading other numbers (PSS
# moves by pages between runs) is not refused by a few pages.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

TRUE=$(readlink -f "$(type -P true)")

# Force: every file of the run (program, interpreter, libc) unpinned
# under default/force:warn; the rerun with their tips warns no more.
tips_case force-own-rule "$TRUE" -- -m sandbox/force:on -m default/force:warn
d=$MT_TMP/tips.${TRUE//\//_}
want="force+$TRUE:sha256:$(sha256sum "$TRUE" | cut -d' ' -f1)"
if jq -e -s --arg w "$want" 'any(.[]; .tip == $w)' "$d/first" > /dev/null; then
	pass tips/force-own-rule-digest
else
	fail tips/force-own-rule-digest "no tip $want: $(head -c 300 "$d/first")"
fi
# The algorithm of the profile's force rules, not sha256 alone.
"$mt" -m sandbox/force:on -m default/force:warn \
	-m "force+/nonexistent/x:sha512:$(printf '%0128d' 0)" --json \
	-o "$MT_TMP/tips.sha512" -- "$TRUE" > /dev/null 2>&1
want="force+$TRUE:sha512:$(sha512sum "$TRUE" | cut -d' ' -f1)"
if jq -e -s --arg w "$want" 'any(.[]; .tip == $w)' "$MT_TMP/tips.sha512" > /dev/null; then
	pass tips/force-own-rule-alg
else
	fail tips/force-own-rule-alg "no tip $want: $(head -c 300 "$MT_TMP/tips.sha512")"
fi

# Memory: the new program's PSS (its arguments on its stack) over
# mem/max, refused at exec; a 32 MiB mmap over mem/vm_max.
big_args=()
for _ in $(seq 12); do big_args+=("$(printf '%0100000d' 0)"); done
tips_case mem-pss "$T/bigbss" "${big_args[@]}" -- -m sandbox/mem:on -m mem/max:1M
tips_case mem-vm "$T/memgrow" once allow 32M -- -m sandbox/mem:on -m mem/vm_max:24M

# Each mem tip is at least the need (what was read + asked + 1) plus
# max(25%, 4 MiB): the headroom, not the bare need.
for d in "$MT_TMP/tips.${T//\//_}_bigbss" "$MT_TMP/tips.${T//\//_}_memgrow"; do
if jq -e -s '
	def bytes: capture("^(?<n>[0-9]+)(?<u>[KMGT]?)$") |
		(.n | tonumber) * ({"": 1, "K": 1024, "M": 1048576,
				    "G": 1073741824}[.u]);
	[.[] | select(.cap == "mem" and .tip)] | length > 0 and
	all(.[]; ((.mem_cur // .mem_vm_cur) + (.mem_size // 0) + 1) as $need |
		(.tip | sub("^mem/(vm_)?max:"; "") | bytes) >=
		$need + ([$need / 4, 4194304] | max))' "$d/first" > /dev/null; then
	pass "tips/mem-headroom ${d##*_}"
else
	fail "tips/mem-headroom ${d##*_}" "$(jq -c -s '[.[] | select(.cap == "mem") | {tip, mem_cur, mem_vm_cur, mem_size}]' "$d/first" 2>&1 | head -c 300)"
fi
done
