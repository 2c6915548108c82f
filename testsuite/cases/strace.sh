# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# strace's habits (-f, -ff -o FILE, -e trace=SET, -t/-tt/-ttt, -s N,
# -q, the attach and detach lines of -p), --stop-on-deny's hint on the
# terminal, the whole policy from --dump-policy, and the options that
# exclude each other.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/strace
mkdir -p "$D"

# Text records in FILE (not notes), and those of one action.
recs() { grep -E '^([0-9:.]+ )?memtrace: [a-z]+ pid=' "$1"; }
nrecs() { recs "$1" | grep -c " $2 pid=" ; }

# --- -f, -ff -o FILE ---------------------------------------------------

# -f changes nothing: memtrace follows forks anyway.
ff_case() {
	local mode=$1 dir=$D/ff.${1/,/_} f pid bad='' n
	mkdir -p "$dir/a" "$dir/b"
	mt_run "$mode" -f -v \
		-o "$dir/f.log" -- sh -c "$T/wx deny > /dev/null; exit 3"
	local rc=$?
	n=$(recs "$dir/f.log" | grep -o ' pid=[0-9]*' | sort -u | wc -l)
	if [ $rc -ne 3 ] || [ "$n" -lt 2 ]; then
		fail "strace/f [$mode]" "exit $rc (want 3), records of $n processes (want 2)"
	else
		pass "strace/f [$mode]"
	fi
	# -ff -o FILE: the records of process PID in FILE.PID only.
	mt_run "$mode" -ff -v \
		-o "$dir/a/log" -- sh -c "$T/wx deny > /dev/null; $T/wx deny > /dev/null" \
		2> "$dir/ff.err"
	rc=$?
	n=0
	for f in "$dir"/a/log.*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		pid=${f##*.}
		recs "$f" | grep -v " pid=$pid " | head -1 | grep -q . &&
			bad="$bad $f holds another process's records;"
		[ "$(nrecs "$f" deny)" -gt 0 ] || [ "$(nrecs "$f" allow)" -gt 0 ] ||
			bad="$bad $f has no record;"
	done
	[ -e "$dir/a/log" ] && bad="$bad FILE itself was written;"
	# Each wx process has its own file with its own denials.
	local withdeny
	withdeny=$(grep -l ' deny pid=' "$dir"/a/log.* 2>/dev/null | wc -l)
	if [ $rc -ne 0 ] || [ $n -ne 3 ] || [ "$withdeny" -ne 2 ] || [ -n "$bad" ]; then
		fail "strace/ff [$mode]" "exit $rc, $n files (want 3: sh and two wx), $withdeny with denials (want 2);$bad $(head -c 200 "$dir/ff.err")"
	else
		pass "strace/ff [$mode]"
	fi
}
for mode in $MODES; do
	ff_case "$mode"
done

# -ff -o into a directory that cannot take files: refused before the
# command runs.
out=$("$mt" -ff -o /nonexistent/dir/log touch "$D/ran.ff" 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -qF -- '-ff -o /nonexistent/dir/log' <<< "$out" &&
   [ ! -e "$D/ran.ff" ]; then
	pass strace/ff-bad-dir
else
	fail strace/ff-bad-dir "exit $rc: $out"
fi
# -ff without -o is -f: records on standard error.
out=$("$mt" -ff -e trace=execve -m trace/allow_unsafe_exec_memory:1 -- \
	sh -c "$T/wx allow > /dev/null" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c 'execve' <<< "$out")" -ge 2 ]; then
	pass strace/ff-no-output
else
	fail strace/ff-no-output "exit $rc: $out"
fi

# --- -e trace=SET --------------------------------------------------------

# Only the named calls get -v records; every denial is recorded all the
# same, whatever -e names.
trace_case() {
	local mode=$1 dir=$D/e.${1/,/_} bad=''
	mkdir -p "$dir"
	mt_run "$mode" -o "$dir/base" \
		"$T/wx" deny > /dev/null 2>&1
	mt_run "$mode" -e trace=mprotect,brk \
		-o "$dir/e" "$T/wx" deny > /dev/null 2>&1
	local rc=$? want got allowed others
	want=$(nrecs "$dir/base" deny)
	got=$(nrecs "$dir/e" deny)
	allowed=$(recs "$dir/e" | grep -c ' allow pid=.* \(mprotect\|brk\)(')
	others=$(recs "$dir/e" | grep ' allow pid=' | grep -v ' \(mprotect\|brk\)(' | head -1)
	[ "$want" -ge 3 ] || bad="$bad only $want denials without -e;"
	[ "$got" -eq "$want" ] || bad="$bad $got denials with -e, $want without;"
	[ "$allowed" -ge 1 ] || bad="$bad no allowed mprotect or brk record;"
	[ -z "$others" ] || bad="$bad a call -e did not name: $others;"
	# !SET: everything but the set.
	mt_run "$mode" -e 'trace=!mprotect' \
		-o "$dir/not" "$T/wx" deny > /dev/null 2>&1
	recs "$dir/not" | grep ' allow pid=' | grep -q ' mprotect(' &&
		bad="$bad trace=!mprotect recorded an allowed mprotect;"
	recs "$dir/not" | grep -q ' allow pid=.* mmap(' ||
		bad="$bad trace=!mprotect recorded no allowed mmap;"
	if [ $rc -ne 0 ] || [ -n "$bad" ]; then
		fail "strace/e-trace [$mode]" "exit $rc;$bad"
	else
		pass "strace/e-trace [$mode] ($allowed allowed, $got denied)"
	fi
}
for mode in $MODES; do
	trace_case "$mode"
done

# The i386 names: old_mmap and mmap2 are told apart.
if can_run_i386; then
	out=$("$mt" -e trace=mmap2 -m trace/allow_unsafe_exec_memory:1 \
		"$T/i386/wx32" allow 2>&1 >/dev/null)
	if grep -q ' allow pid=.* mmap2(' <<< "$out" &&
	   ! grep ' allow pid=' <<< "$out" | grep -qv ' mmap2('; then
		pass strace/e-trace-i386
	else
		fail strace/e-trace-i386 "$(head -c 300 <<< "$out")"
	fi
else
	skip strace/e-trace-i386 "$i386_reason"
fi

out=$("$mt" -e trace=mmap,mmapp touch "$D/ran.e" 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -qF 'unknown call "mmapp"' <<< "$out" && [ ! -e "$D/ran.e" ]; then
	pass strace/e-unknown
else
	fail strace/e-unknown "exit $rc: $out"
fi
out=$("$mt" -e signal=none touch "$D/ran.e" 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -qF 'unknown qualifier "signal"' <<< "$out" && [ ! -e "$D/ran.e" ]; then
	pass strace/e-qualifier
else
	fail strace/e-qualifier "exit $rc: $out"
fi

# --- -t, -tt, -ttt -------------------------------------------------------

stamp_case() {
	local opt=$1 re=$2 out first
	out=$("$mt" "$opt" -e trace=execve -m trace/allow_unsafe_exec_memory:1 \
		"$T/wx" allow 2>&1 >/dev/null)
	first=$(head -1 <<< "$out")
	if [ "$(grep -c . <<< "$out")" -ge 1 ] && ! grep -qvE "$re" <<< "$out"; then
		pass "strace/timestamp $opt ($first)"
	else
		fail "strace/timestamp $opt" "want /$re/: $(head -c 300 <<< "$out")"
	fi
}
stamp_case -t '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] memtrace: '
stamp_case -tt '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} memtrace: '
stamp_case -ttt '^[0-9]{10,}\.[0-9]{6} memtrace: '
# -ttt is the epoch; JSON records keep their own "t" and no prefix.
now=$(date +%s)
t=$("$mt" -ttt -e trace=execve "$T/wx" allow 2>&1 >/dev/null | head -1 | cut -d. -f1)
j=$("$mt" -ttt --json -e trace=execve "$T/wx" allow 2>&1 >/dev/null | head -1)
if [ -n "$t" ] && [ $((t - now)) -ge -5 ] && [ $((t - now)) -le 5 ] &&
   jq -e '.t' <<< "$j" > /dev/null 2>&1; then
	pass strace/timestamp-epoch
else
	fail strace/timestamp-epoch "-ttt gave $t at $now; JSON: $j"
fi

# --- -s N ----------------------------------------------------------------

# The exec sandbox refuses the program: its record names the path.
whole=$("$mt" -m sandbox/exec:on "$T/wx" allow 2>&1 >/dev/null |
	sed -n 's/.*; path \([^;]*\);.*/\1/p' | head -1)
cut=$("$mt" -s 12 -m sandbox/exec:on "$T/wx" allow 2>&1 >/dev/null |
	sed -n 's/.*; path \([^;]*\);.*/\1/p' | head -1)
tip=$("$mt" -s 12 -m sandbox/exec:on "$T/wx" allow 2>&1 >/dev/null |
	sed -n 's/.*; tip: -m \(.*\)$/\1/p' | head -1)
jpath=$("$mt" -s 12 --json -m sandbox/exec:on "$T/wx" allow 2>&1 >/dev/null |
	jq -r 'select(.path) | .path' 2>/dev/null | head -1)
if [ ${#whole} -gt 12 ] && [ "$cut" = "${whole:0:12}..." ] &&
   [ "$jpath" = "$whole" ] && [ "$tip" = "allow/exec+$whole" ]; then
	pass "strace/s (whole $whole, cut $cut)"
else
	fail strace/s "whole \"$whole\", -s 12 \"$cut\", JSON \"$jpath\", tip \"$tip\""
fi
out=$("$mt" -s 0 true 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -qF -- '-s: "0" is not a number' <<< "$out"; then
	pass strace/s-bad
else
	fail strace/s-bad "exit $rc: $out"
fi

# --- -q ------------------------------------------------------------------

# No informational note; records and errors stay.
"$mt" --learn "$D/p1" "$T/wx" deny > /dev/null 2> "$D/learn.err"
"$mt" -q --learn "$D/p2" "$T/wx" deny > /dev/null 2> "$D/learnq.err"
"$mt" -q "$T/wx" deny > /dev/null 2> "$D/q.err"
out=$("$mt" -q -o /nonexistent/dir/log true 2>&1)
if grep -q 'learned profile written' "$D/learn.err" &&
   ! grep -q 'learned profile written' "$D/learnq.err" && [ -s "$D/p2" ] &&
   [ "$(nrecs "$D/q.err" deny)" -ge 3 ] && grep -qF /nonexistent/dir/log <<< "$out"; then
	pass strace/q
else
	fail strace/q "without -q: $(tr '\n' '|' < "$D/learn.err" | tail -c 200); with -q: $(tr '\n' '|' < "$D/learnq.err" | tail -c 200); -q records: $(nrecs "$D/q.err" deny); -q error: $out"
fi

# --- -p: attached and detached lines --------------------------------------

attach_lines() {
	local regs=$1 q=$2 name="strace/attach-lines [ptrace,$1]${2:+ -q}" dir=$D/att.$1$2
	mkdir -p "$dir"
	"$T/loopmap" > /dev/null 2>&1 &
	local tpid=$!
	# shellcheck disable=SC2046
	env $(mode_env "ptrace,$regs") "$mt" ${q:+"$q"} -p "$tpid" -o "$dir/log" 2> "$dir/err" &
	local mtpid=$!
	for _ in $(seq 200); do
		grep -q ' deny pid=' "$dir/log" 2>/dev/null && break
		sleep 0.05
	done
	kill -INT "$mtpid"
	wait_bounded "$mtpid" 10; local rc=$?
	kill -9 "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	local first last
	first=$(head -1 "$dir/log")
	last=$(tail -1 "$dir/log")
	if [ $rc -ne 0 ] || [ "$(nrecs "$dir/log" deny)" -lt 1 ]; then
		fail "$name" "exit $rc, log: $(head -c 200 "$dir/log")"
	elif [ -z "$q" ] && { [ "$first" != "memtrace: Process $tpid attached" ] ||
			      [ "$last" != "memtrace: Process $tpid detached" ]; }; then
		fail "$name" "first line \"$first\", last \"$last\""
	elif [ -n "$q" ] && grep -q 'Process .* \(attached\|detached\)' "$dir/log" "$dir/err"; then
		fail "$name" "-q printed: $(grep -h Process "$dir/log" "$dir/err")"
	else
		pass "$name"
	fi
}
attach_lines info ""
attach_lines regs ""
attach_lines info -q

# --- --stop-on-deny: the hint on the terminal --------------------------

stop_hint() {
	local mode=$1 dir=$D/stop.${1/,/_} pid
	mkdir -p "$dir"
	# (In a subshell, so that bash does not report its SIGKILL.)
	(mt_run "$mode" --stop-on-deny \
		-o "$dir/log" "$T/wx" deny > "$dir/out" 2> "$dir/err"; exit $?) \
		2> /dev/null &
	local mtpid=$!
	pid=$(stopped_pid "$dir/err")
	local inlog
	inlog=$(grep -c "attach with: gdb -p ${pid:-x}\$" "$dir/log")
	# Continued, it runs with no tracer: under the filter its next
	# memory calls fail with ENOSYS (38); in ptrace-only mode they run.
	[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null
	wait_bounded "$mtpid" 10
	local enosys
	enosys=$(grep -c 'returned -38' "$dir/err")
	if [ -z "$pid" ]; then
		fail "strace/stop-hint [$mode]" "no hint on stderr: $(head -c 200 "$dir/err")"
	elif [ "$inlog" -ne 1 ] || [ "$(grep -c 'gdb -p' "$dir/err")" -ne 1 ]; then
		fail "strace/stop-hint [$mode]" "hint $inlog times in the log, $(grep -c 'gdb -p' "$dir/err") on stderr (want 1, 1)"
	elif [[ $mode == seccomp,* ]] && [ "$enosys" -lt 3 ]; then
		fail "strace/stop-hint [$mode]" "continued, $enosys calls failed with ENOSYS: $(head -c 300 "$dir/err")"
	elif [[ $mode == ptrace,* ]] && [ "$enosys" -ne 0 ]; then
		fail "strace/stop-hint [$mode]" "continued in ptrace-only mode, $enosys calls failed with ENOSYS"
	else
		pass "strace/stop-hint [$mode] (continued: $enosys ENOSYS)"
	fi
}
for mode in $MODES; do
	stop_hint "$mode"
done
# Without -o the hint is on stderr once.
("$mt" --stop-on-deny "$T/wx" deny > /dev/null 2> "$D/stop.err"; exit $?) 2> /dev/null &
mtpid=$!
pid=$(stopped_pid "$D/stop.err")
[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
wait_bounded "$mtpid" 10
if [ -n "$pid" ] && [ "$(grep -c 'gdb -p' "$D/stop.err")" -eq 1 ]; then
	pass strace/stop-hint-once
else
	fail strace/stop-hint-once "$(grep -c 'gdb -p' "$D/stop.err") hints"
fi

# --- --dump-policy: every key, defaults included ------------------------

"$mt" --dump-policy > "$D/dflt"
"$mt" -P "$D/dflt" --dump-policy > "$D/dflt2"
keys=$(grep -v '^#' "$D/dflt" | sed 's/[:+^-].*//' | sort -u | wc -l)
if diff -u "$D/dflt" "$D/dflt2" > "$D/dflt.diff" && [ "$keys" -ge 26 ] &&
   grep -qx default/wx:deny "$D/dflt" && grep -qx sandbox/mem:false "$D/dflt" &&
   grep -qx mem/max:0 "$D/dflt" && grep -qx tpe/gid:none "$D/dflt"; then
	pass "strace/dump-policy-defaults ($keys keys)"
else
	fail strace/dump-policy-defaults "$keys keys; $(tr '\n' '|' < "$D/dflt.diff")"
fi
# The dump is the whole policy: read after other rules, it gives the
# policy it was dumped from, lists included.
"$mt" -m 'allow/exec+/opt/**' -m 'append+/var/log/*' -m tpe/gid:7 \
	-m "force+/bin/true:sha256:$(sha256sum /bin/true | cut -c1-64)" \
	-P "$D/dflt" --dump-policy > "$D/over"
if diff -u "$D/dflt" "$D/over" > "$D/over.diff"; then
	pass strace/dump-policy-whole
else
	fail strace/dump-policy-whole "$(tr '\n' '|' < "$D/over.diff")"
fi

# --- options that exclude each other ------------------------------------

excl() {
	local name=$1 want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 2 ] && [ "$(grep -c . <<< "$out")" -eq 1 ] &&
	   grep -qF -- "$want" <<< "$out" && [ ! -e "$D/ran.$name" ]; then
		pass "strace/exclusive/$name"
	else
		fail "strace/exclusive/$name" "exit $rc: $out"
	fi
}
excl dump-policy-command '--dump-policy and a command exclude each other' \
	"$mt" --dump-policy touch "$D/ran.dump-policy-command"
excl dump-filter-command '--dump-filter and a command exclude each other' \
	"$mt" --dump-filter touch "$D/ran.dump-filter-command"
excl dumps '--dump-policy and --dump-filter exclude each other' \
	"$mt" --dump-policy --dump-filter
excl c-hash '-c and --hash exclude each other' "$mt" -c --hash /bin/true
excl summary-hash '--summary and --hash exclude each other' "$mt" --summary --hash /bin/true
excl p-dump-filter '-p and --dump-filter exclude each other' "$mt" -p 1 --dump-filter
excl p-dump-policy '-p and --dump-policy exclude each other' "$mt" --dump-policy -p 1
