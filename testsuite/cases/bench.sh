# SPDX-License-Identifier: GPL-3.0-or-later
# make bench QUICK=1 as a smoke test: the harness runs every workload
# under every configuration and prints the whole table. No speed is
# checked here; make bench measures, the README quotes it.
. "$MT_ROOT/testsuite/lib.sh"

bench_case() {
	local dir=$MT_TMP/bench out rc w c row missing=""
	mkdir -p "$dir"
	if [ ! -x "$MT_ROOT/build/bench/floor" ] &&
	   ! make -s -C "$MT_ROOT" bench-build > "$dir/make.log" 2>&1; then
		fail bench "make bench-build failed: $(tail -c 300 "$dir/make.log" | tr '\n' ' ')"
		return
	fi
	QUICK=1 BENCH_OUT=$dir MEMTRACE=$mt bash "$MT_ROOT/testsuite/bench/bench.sh" \
		> "$dir/table" 2> "$dir/stderr"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail bench "the harness exited $rc: $(tail -c 400 "$dir/stderr" | tr '\n' ' ')"
		return
	fi
	for w in startup anon file malloc forkexec build python; do
		for c in native floor floor/mem memtrace mt/mem mt/exec mt/ptrace strace strace/all; do
			row=$(awk -v w="$w" -v c="$c" '$1 == w && $2 == c' "$dir/table")
			# A row of numbers, or n/a with the reason (strace
			# not installed, a policy key not in this build).
			if ! [[ $row =~ ^[a-z]+\ +[a-z/]+\ +([0-9]+\.[0-9]+\ +){2} ]] &&
			   ! [[ $row == *"n/a ("*")"* ]]; then
				missing="$missing $w/$c"
			fi
		done
	done
	if [ -n "$missing" ]; then
		fail bench "rows missing or malformed:$missing"
		return
	fi
	if ! grep -q '^targets:' "$dir/table"; then
		fail bench "no targets section in the table"
		return
	fi
	if ! command -v strace > /dev/null 2>&1 &&
	   ! grep -q 'strace .*n/a (strace not installed)' "$dir/table"; then
		fail bench "strace is not installed but its rows do not say so"
		return
	fi
	pass "bench (QUICK=1: every workload under every configuration)"
}

bench_case
