# SPDX-License-Identifier: GPL-3.0-or-later
# The filter is compiled from the policy: a call no enabled check can
# deny never stops; a call a check can deny always does.
. "$MT_ROOT/testsuite/lib.sh"

dir=$MT_TMP/filter; mkdir -p "$dir"
MEMTRACE_STATS=$dir/stats "$mt" -o "$dir/log" "$T/anonloop" 10000
rc=$?
stops=$(sed -n 's/^seccomp_stops=//p' "$dir/stats")
if [ $rc -eq 0 ] && grep -qx mode=seccomp "$dir/stats" && [ "$stops" -lt 20 ]; then
	# The loader's own PROT_EXEC mappings may stop; the loop never.
	pass "filter/anon-rw-never-stops (stops=$stops for 10000 calls)"
else
	fail filter/anon-rw-never-stops "exit $rc, $(tr '\n' ' ' < "$dir/stats")"
fi

# In ptrace-only mode every call stops twice; an exit stop whose call
# needs nothing there is resumed without reading it: each of the
# 20000 calls' here. With -v the exits of the calls it records (the
# 100 mmaps) are read: their results go in the records.
for mode in ptrace,info ptrace,regs; do
	unread() { sed -n 's/^exits_unread=//p' "$1"; }
	read_exits() {
		echo $(( $(sed -n 's/^exit_stops=//p' "$1") - $(unread "$1") ))
	}
	mt_run "$mode" MEMTRACE_STATS="$dir/u1" -o "$dir/logu" -- \
		"$T/anonloop" 10000
	rc=$?
	mt_run "$mode" MEMTRACE_STATS="$dir/u2" -v -o "$dir/logu" -- \
		"$T/anonloop" 100
	rc2=$?
	u1=$(unread "$dir/u1") r1=$(read_exits "$dir/u1")
	r2=$(read_exits "$dir/u2")
	if [ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ "${u1:-0}" -ge 20000 ] &&
	   [ "$r1" -lt 50 ] && [ "$r2" -ge 100 ]; then
		pass "filter/ptrace-exits-unread [$mode]"
	else
		fail "filter/ptrace-exits-unread [$mode]" "exit $rc/$rc2, exits_unread $u1 (want >= 20000), exits read $r1 (want < 50), $r2 with -v (want >= 100)"
	fi
done

# And with -v everything stops (the loop's 20000 calls at least).
MEMTRACE_STATS=$dir/stats2 "$mt" -v -o "$dir/log2" "$T/anonloop" 10000
stops=$(sed -n 's/^seccomp_stops=//p' "$dir/stats2")
if [ "${stops:-0}" -ge 10000 ]; then
	pass "filter/verbose-stops-all (stops=$stops)"
else
	fail filter/verbose-stops-all "only ${stops:-0} stops with -v"
fi

# Every denial of wx.c went through a stop: the default run denies it.
tracee_case filter/exec-calls-stop seccomp,info "$T/wx" deny

out=$("$mt" --dump-filter)
if grep -q '^x86_64 mmap(9): trace if arg2 & 0x4$' <<< "$out" &&
   grep -q '^x86_64 brk(12): allow$' <<< "$out" &&
   grep -q '^i386 old_mmap(90): trace always$' <<< "$out"; then
	pass filter/dump
else
	fail filter/dump "unexpected --dump-filter output: $(tr '\n' '|' <<< "$out")"
fi

# Arguments the kernel reads as an int are compared on 32 bits; SysV
# shm is stopped on every path; clone3 fails in the kernel.
ok=1
for want in 'x86_64 seccomp(317): trace if (u32)arg0 == 0x1' \
	'x86_64 prctl(157): trace if (u32)arg0 == 0x16 or (u32)arg0 == 0x4' \
	'x86_64 ioctl(16): trace if (u32)arg1 == 0xaa00' \
	'x86_64 clone(56): trace if arg0 & 0x800000' \
	'x86_64 clone3(435): fail ENOSYS' \
	"x86_64 process_vm_writev(311): trace if (u32)arg0 == memtrace's pid" \
	'i386 shmat(397): trace if arg2 & 0x8000' \
	'i386 ipc(117): trace if arg0 & 0xffff == 0x15 and arg2 & 0x8000'; do
	grep -qxF "$want" <<< "$out" || { ok=0; fail filter/dump-widths "no line \"$want\""; }
done
[ $ok = 1 ] && pass filter/dump-widths

# An x86_64 program's calls with the x32 bit are x32's to seccomp,
# whatever the kernel runs: each personality has a filter of its own
# (tracer/filter.c), and the x86_64 one lets them through to x32's,
# which must stop them.
for mode in $MODES; do
	d=$MT_TMP/x32nr.${mode//,/_}; mkdir -p "$d"
	out=$(mt_run "$mode" -o "$d/log" -- "$T/x32nr" 2> "$d/err")
	rc=$?
	want='x32 mmap rwx: EACCES
x32 mprotect rx: EACCES'
	if [ $rc -eq 0 ] && [ "$out" = "$want" ] &&
	   grep -q 'deny .* x32 mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC' "$d/log" &&
	   grep -q 'deny .* x32 mprotect(' "$d/log"; then
		pass "filter/x32-numbers [$mode]"
	else
		fail "filter/x32-numbers [$mode]" "exit $rc, out: $(tr '\n' '|' <<< "$out"), log: $(head -c 300 "$d/log" | tr '\n' '|')"
	fi
done

# Where no filter can be installed (a container that forbids seccomp),
# memtrace says so once and reaches the same verdicts in ptrace-only
# mode; it does not mistake the missing filter for a live one.
d=$MT_TMP/nofilter; mkdir -p "$d"
"$T/noseccomp" env MEMTRACE_STATS="$d/stats" "$mt" -o "$d/log" \
	"$T/wx" deny > "$d/expected" 2> "$d/err"
rc=$?
n=$(grep -c 'cannot install the seccomp filter' "$d/err")
if [ $rc -eq 0 ] && [ "$n" -eq 1 ] && grep -qx mode=ptrace "$d/stats" &&
   normalise "$d/log" | diff -q "$d/expected" - > /dev/null; then
	pass filter/fallback-without-seccomp
else
	fail filter/fallback-without-seccomp "exit $rc, $n messages, $(tr '\n' ' ' < "$d/stats")"
fi
