# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# W^X against the kernel's own: the same seeded random sequences of
# mmap, mprotect, pkey_mprotect, mremap, munmap and shmat (tracee
# mapdiff) run natively under PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN)
# and under memtrace --no-mdwe with the default policy. memtrace must
# refuse every call the kernel refuses. Where it refuses more, its
# record must name a check whose refusals the man page documents (not
# mremap, which only repeats the kernel's own EINVAL); the two runs'
# memory differs from there on, so the rest of that seed is not
# compared.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

FIRST=1 SEEDS=1000
EXTRA_OK="wx fd stack exec tpe force append mem bypass"
dir=$MT_TMP/mapdiff
mkdir -p "$dir/native" "$dir/traced"

"$T/mapdiff" --mdwe "$dir/native" $FIRST $SEEDS > "$dir/native.out" \
	2> "$dir/native.err"
rc=$?
if [ $rc -eq 3 ]; then
	skip "mapdiff [all modes]" "the kernel has no PR_SET_MDWE (Linux before 6.3): $(cat "$dir/native.err")"
	exit 0
elif [ $rc -ne 0 ]; then
	fail "mapdiff/native" "exit $rc: $(head -c 300 "$dir/native.err")"
	exit 0
fi

# compare NATIVE TRACED RECORDS: one verdict line, "ok CALLS GAINS
# STATS" (calls compared, exec gains both refused) or "FAIL WHY". RECORDS: memtrace's refusals in order, "sys a0 a1 a2 a3
# errno check".
compare() {
	awk -v extra_ok="$EXTRA_OK" '
	BEGIN {
		n = split(extra_ok, ok_list, " ")
		for (i = 1; i <= n; i++) ok_cat[ok_list[i]] = 1
	}
	FILENAME == ARGV[3] { rec[++nrec] = $0; next }
	FILENAME == ARGV[1] { native[++nn] = $0; next }
	{ traced[++nt] = $0 }
	function left(l) { sub(/ #.*/, "", l); return l }
	function res(l) { l = left(l); sub(/.* = /, "", l); return l }
	# The key of the record this line would have: the call and the
	# arguments it is told by (mprotect: three), and the errno.
	function key(l,   raw, f, k) {
		raw = l; sub(/.* #/, "", raw); split(raw, f, " ")
		k = f[1] " " f[2] " " f[3] " " f[4]
		if (f[1] ~ /^mmap/ || f[1] == "mremap") k = k " " f[5]
		return k " " res(l)
	}
	function rec_key(r,   f, k) {
		split(r, f, " ")
		k = f[1] " " f[2] " " f[3] " " f[4]
		if (f[1] ~ /^mmap/ || f[1] == "mremap") k = k " " f[5]
		return k " " f[6]
	}
	END {
		if (nn != nt) { print "FAIL " nn " native lines, " nt " traced"; exit }
		r = 1
		for (i = 1; i <= nn; i++) {
			a = native[i]; b = traced[i]
			if (a ~ /^seed /) {
				if (a != b) { print "FAIL seed lines differ: " a " / " b; exit }
				seed = a; seeds++; stopped = 0; continue
			}
			# memtrace refused this one itself: its record is next.
			cat = ""
			if (res(b) != "ok" && r <= nrec && rec_key(rec[r]) == key(b)) {
				split(rec[r], f, " "); cat = f[7]; r++
			}
			if (stopped) continue
			if (left(a) == left(b)) {
				compared++
				if (res(a) != "ok") kernel_refused++
				if (res(a) == "EACCES" && a ~ /mprotect/) gain_refused++
				continue
			}
			if (res(b) == "ok") {
				print "FAIL " seed ": the kernel refused (" res(a) ") what memtrace allowed: " left(b)
				exit
			}
			if (cat == "" || !(cat in ok_cat)) {
				print "FAIL " seed ": memtrace refused (" res(b) ", check " (cat == "" ? "none" : cat) ") what the kernel " (res(a) == "ok" ? "allowed" : "refused with " res(a)) ": " left(b)
				exit
			}
			extra[cat]++; stopped = 1; diverged++
		}
		if (r != nrec + 1) { print "FAIL " nrec - r + 1 " records not matched to a call, the first: " rec[r]; exit }
		s = ""
		for (c in extra) s = s " " c "=" extra[c]
		print "ok " compared " " gain_refused " " seeds " seeds, " compared " calls compared, " kernel_refused " refused alike (" gain_refused " exec gains), " diverged " seeds stopped at a documented extra refusal:" s
	}' "$1" "$2" "$3"
}

for mode in $MODES; do
	leaf=${mode/,/_}
	mt_run "$mode" MEMTRACE_STATS="$dir/stats.$leaf" \
		 --no-mdwe --json -o "$dir/log.$leaf" -- \
		"$T/mapdiff" "$dir/traced" $FIRST $SEEDS > "$dir/traced.$leaf" \
		2> "$dir/err.$leaf"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "mapdiff [$mode]" "exit $rc: $(head -c 300 "$dir/err.$leaf")"
		continue
	fi
	if ! why=$(mode_check "$mode" "$dir/stats.$leaf"); then
		fail "mapdiff [$mode]" "$why"
		continue
	fi
	jq -r 'select(.act != "allow" and .act != "warn" and .ctx == "access")
		| "\(.sys) \(.args[0]) \(.args[1]) \(.args[2]) \(.args[3]) \(.errno) \(.cap)"' \
		"$dir/log.$leaf" > "$dir/recs.$leaf"
	verdict=$(compare "$dir/native.out" "$dir/traced.$leaf" "$dir/recs.$leaf")
	case $verdict in
	ok\ *)
		# The comparison must have had something to compare.
		read -r _ calls gains stats <<< "$verdict"
		if [ "$calls" -lt $((SEEDS * 5)) ] || [ "$gains" -lt 100 ]; then
			fail "mapdiff [$mode]" "too little compared: $stats"
		else
			pass "mapdiff [$mode] ($stats)"
		fi ;;
	*) fail "mapdiff [$mode]" "${verdict#FAIL }" ;;
	esac
done
