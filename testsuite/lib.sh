# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Shared by the case scripts: result lines, and running a tracee under
# memtrace in every mode.
set -u
T=$MT_ROOT/build/tracees
mt=$MEMTRACE

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# The four ways memtrace reaches a verdict; each must give the same.
# (MODES, i386_reason and x32_reason are read by the case scripts.)
# shellcheck disable=SC2034
MODES="seccomp,info seccomp,regs ptrace,info ptrace,regs"

mode_args() {
	case $1 in
	seccomp,*) ;;
	ptrace,*) echo --no-seccomp ;;
	esac
}

mode_env() {
	case $1 in
	*,regs) echo MEMTRACE_FORCE_REGS=1 ;;
	*) echo MEMTRACE_FORCE_REGS=0 ;;
	esac
}

# mt_run MODE [NAME=VALUE...] MEMTRACE-ARGV...: memtrace in MODE (its
# environment and its option), with NAME=VALUE added to its
# environment; MEMTRACE-ARGV as memtrace takes it (its options, --, the
# command). The one way the case scripts start memtrace in a mode.
mt_run() {
	local mt_none=()
	mt_via mt_none "$@"
}

# mt_via WRAPPER MODE [NAME=VALUE...] MEMTRACE-ARGV...: the same, run
# through the command held in the array named WRAPPER (as_nobody,
# timeout 20; empty: none).
mt_via() {
	local mt_cmd
	mt_argv "$@"
	"${mt_cmd[@]}"
}

# mt_bg MODE [NAME=VALUE...] MEMTRACE-ARGV...: mt_run in the
# background; mt_pid is memtrace's own pid (env execs it), so that its
# command is its child, as when memtrace is started by hand.
mt_bg() {
	local mt_none=() mt_cmd
	mt_argv mt_none "$@"
	"${mt_cmd[@]}" &
	mt_pid=$!
}

# mt_try MODE DIR K MEMTRACE-ARGV...: one of a case's runs, numbered
# K: mt_run with its records in DIR/logK and all that memtrace and its
# command print in DIR/outK; the exit status is memtrace's. In a
# subshell whose own standard error goes nowhere: a run memtrace kills
# leaves no "Killed" note from bash.
mt_try() {
	local mode=$1 dir=$2 k=$3
	shift 3
	(mt_run "$mode" -o "$dir/log$k" "$@" > "$dir/out$k" 2>&1) 2> /dev/null
}

# The command line of mt_via, in the caller's mt_cmd.
mt_argv() {
	local -n mt_wrap=$1
	local mode=$2 mt_env=()
	shift 2
	while [[ ${1-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		mt_env+=("$1")
		shift
	done
	# shellcheck disable=SC2046
	mt_cmd=("${mt_wrap[@]}" env $(mode_env "$mode") "${mt_env[@]}" \
		"$mt" $(mode_args "$mode") "$@")
}

# Strip what differs between runs from text records, and what the
# tracees' expected records leave out: a fd argument's file (3</path>)
# and the program and arguments of an exec (verbose.sh checks those).
normalise() {
	sed -e 's/ pid=[0-9]* tid=[0-9]*//' \
	    -e 's/\([(, {]\)\([0-9][0-9]*\)<[^>]*>/\1\2/g' \
	    -e 's/execve(.*) = 0\(;\|$\)/execve()\1/' "$@"
}

# split_argv TRACEE-ARGV... [-- MEMTRACE-ARGS]: sets the caller's
# targv and margs (declared local there).
split_argv() {
	targv=() margs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do targv+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	margs=("$@")
}

# tracee_case NAME MODE TRACEE-ARGV... [-- MEMTRACE-ARGS]
# Runs the tracee under memtrace: the tracee must exit 0 (its own
# checks passed), and memtrace's records must equal what the tracee
# printed on stdout.
tracee_case() {
	local name=$1 mode=$2; shift 2
	local targv margs
	split_argv "$@"
	local leaf=$name.$mode
	local dir=$MT_TMP/${leaf//[,\/]/_}
	mkdir -p "$dir"
	mt_run "$mode" MEMTRACE_STATS="$dir/stats" \
		 "${margs[@]}" -o "$dir/log" -- \
		"${targv[@]}" > "$dir/expected" 2> "$dir/stderr"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name [$mode]" "exit status $rc: $(head -c 300 "$dir/stderr" | tr '\n' ' ')"
		return
	fi
	if ! want=$(mode_check "$mode" "$dir/stats"); then
		fail "$name [$mode]" "$want"
		return
	fi
	if ! normalise "$dir/log" | diff -u "$dir/expected" - > "$dir/diff"; then
		fail "$name [$mode]" "records differ: $(head -c 600 "$dir/diff" | tr '\n' '|')"
		return
	fi
	# The same run with --json: one valid object per text record.
	mt_run "$mode" "${margs[@]}" \
		--json -o "$dir/log.json" -- "${targv[@]}" > /dev/null 2>&1
	if ! why=$(json_check "$dir/log.json" "$(wc -l < "$dir/log")"); then
		fail "$name [$mode]" "$why"
		return
	fi
	pass "$name [$mode]"
}

# records_case NAME RC EXPECTED FILTER DIR COMMAND...: COMMAND (memtrace
# as a user would start it, its records in DIR/log) must exit RC, and
# its records, through the command FILTER, must equal the file
# EXPECTED, or with EXPECTED "-" what COMMAND printed (the records the
# tracee expects). Its output goes to DIR/out and DIR/err.
records_case() {
	local name=$1 want=$2 exp=$3 filter=$4 dir=$5 rc
	shift 5
	"$@" > "$dir/out" 2> "$dir/err"
	rc=$?
	[ "$exp" = - ] && exp=$dir/out
	if [ $rc -ne "$want" ]; then
		fail "$name" "exit $rc: $(head -c 300 "$dir/err" | tr '\n' ' ')"
	elif ! "$filter" "$dir/log" | diff -u "$exp" - > "$dir/diff"; then
		fail "$name" "records differ: $(head -c 600 "$dir/diff" | tr '\n' '|')"
	else
		pass "$name"
	fi
}

# json_check FILE N: every line of FILE is a JSON record with Syd's
# keys (checked by jq), and there are N of them.
json_check() {
	local file=$1 want=$2 n
	n=$(grep -c . "$file")
	if [ "$n" -ne "$want" ]; then
		echo "$n JSON records for $want text records"
		return 1
	fi
	[ "$n" -eq 0 ] && return 0
	if ! jq -e -s 'all(.[]; (.ctx|type)=="string" and (.cap|type)=="string"
		and (.act|type)=="string" and (.sys|type)=="string"
		and (.arch|type)=="string" and (.pid|type)=="number"
		and (.tid|type)=="number" and (.args|length)==6
		and all(.args[]; type=="number") and (.msg|type)=="string"
		and (.t|type)=="number"
		and ((.act|IN("deny","filter","stop","abort","kill","panic","exit")|not)
		     or ((.errno|type)=="string" and (.tip|type)=="string")))' \
		"$file" > /dev/null 2>&1; then
		echo "invalid JSON records: $(head -c 300 "$file")"
		return 1
	fi
}

# tips_case NAME TRACEE-ARGV... -- MEMTRACE-ARGS: every tip in the
# records of a run, added with -m, allows the calls it was given for:
# a rerun with all of them writes no denial.
tips_case() {
	local name=$1; shift
	local targv margs tips=() dir=$MT_TMP/tips.${1//\//_}
	split_argv "$@"
	mkdir -p "$dir"
	"$mt" "${margs[@]}" --json -o "$dir/first" -- "${targv[@]}" \
		> /dev/null 2>&1
	mapfile -t tips < <(jq -r 'select(.tip) | .tip' "$dir/first" | sort -u)
	if [ ${#tips[@]} -eq 0 ]; then
		fail "tips/$name" "the first run wrote no tip"
		return
	fi
	local args=()
	for t in "${tips[@]}"; do args+=(-m "$t"); done
	"$mt" "${margs[@]}" "${args[@]}" --json -o "$dir/second" -- \
		"${targv[@]}" > /dev/null 2>&1
	local left
	left=$(jq -r 'select(.act != "allow") | .msg' "$dir/second" | head -3)
	if [ -n "$left" ]; then
		fail "tips/$name" "with the tips (${tips[*]}) still denied: $left"
	else
		pass "tips/$name (${#tips[@]} tips)"
	fi
}

# The run really used the mode it was asked for.
mode_check() {
	local mode=$1 stats=$2
	case $mode in
	seccomp,*) grep -qx mode=seccomp "$stats" || { echo "seccomp mode not live"; return 1; } ;;
	ptrace,*) grep -qx mode=ptrace "$stats" || { echo "not in ptrace mode"; return 1; } ;;
	esac
	case $mode in
	*,regs) grep -qx info=0 "$stats" || { echo "syscall info path used"; return 1; } ;;
	*,info) grep -qx info=1 "$stats" || { echo "register path used"; return 1; } ;;
	esac
	return 0
}

# Whether this kernel runs i386 programs at all (IA32 emulation can be
# compiled out or switched off at boot).
i386_reason=
can_run_i386() {
	local e
	e=$("$T/i386/wx32" allow 2>&1 >/dev/null) && return 0
	# shellcheck disable=SC2034
	i386_reason="this kernel does not run i386 programs (${e:-no output}; IA32 emulation disabled); the i386 cases run under qemu in make check-cross"
	return 1
}

# Whether this kernel runs x32 programs: CONFIG_X86_X32_ABI, and on a
# kernel built with CONFIG_X86_X32_DISABLED (Debian's) syscall.x32=y on
# its command line.
x32_reason=
can_run_x32() {
	local e rc
	e=$("$T/x32/wxx32" allow 2>&1 >/dev/null) && return 0
	rc=$?
	# shellcheck disable=SC2034
	x32_reason="this kernel does not run x32 programs (${e:-exit status $rc}; no CONFIG_X86_X32_ABI, or built with x32 disabled and booted without syscall.x32=y); the x32 cases run under qemu in make check-cross"
	return 1
}

# wait_bounded PID SECONDS: wait for a background job, killing it (and
# failing with 124) if it is not done in time.
wait_bounded() {
	local pid=$1 secs=$2
	for _ in $(seq $((secs * 20))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

# stop_case MODE DIR MEMTRACE-ARGV...: memtrace in MODE in the
# background (its records in DIR/log, its output in DIR/out and
# DIR/err), run with a stop action, until the process it stops shows
# stopped and detached. Sets stop_mt (memtrace's pid), stop_pid (the
# stopped process, "" if none showed) and stop_state and stop_tracer
# (read 0.2 s later). The process is left as it is for the caller to
# look at; stop_end kills it and waits for memtrace.
stop_case() {
	local mode=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	mt_bg "$mode" -o "$dir/log" "$@" > "$dir/out" 2> "$dir/err"
	stop_mt=$mt_pid stop_state='' stop_tracer=''
	stop_pid=$(stopped_pid "$dir/log")
	[ -n "$stop_pid" ] || return 0
	sleep 0.2
	stop_state=$(proc_state "$stop_pid")
	stop_tracer=$(tracer_of "$stop_pid")
}

# stop_end: the stopped process killed, memtrace waited for (at most
# 10 s); stop_rc is memtrace's exit status (124: it did not exit).
stop_end() {
	[ -n "$stop_pid" ] && kill -9 "$stop_pid" 2>/dev/null
	{ wait_bounded "$stop_mt" 10; } 2> /dev/null
	stop_rc=$?
}

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# The state letter of process PID (R, S, T, Z...) and its tracer's pid
# (0: none); empty once it is gone.
proc_state() { sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
tracer_of() { sed -n 's/^TracerPid:\t//p' "/proc/$1/status" 2>/dev/null; }

# stopped_pid LOG: the process an action "stop" left for a debugger,
# named by memtrace's note in LOG ("process PID is stopped ...; attach
# with: gdb -p PID"), once it is stopped (state T) and untraced; waits
# up to 10 s for both. Prints the PID, or nothing if no note came.
stopped_pid() {
	local pid=
	for _ in $(seq 200); do
		pid=$(sed -n 's/^memtrace: process \([0-9]*\) is stopped.*gdb -p \1$/\1/p' "$1" 2>/dev/null | head -1)
		[ -n "$pid" ] && [ "$(proc_state "$pid")" = T ] &&
			[ "$(tracer_of "$pid")" = 0 ] && break
		sleep 0.05
	done
	echo "$pid"
}

# kernel_features: one line for the top of a run, naming what this
# kernel and this user give the suite (which cases run, which skip):
# IA32 and x32 emulation, MDWE (build/tools/features), syscall info
# and PTRACE_SET_SYSCALL_INFO and a live seccomp filter (as memtrace
# found them: its MEMTRACE_STATS), and whether this user can open
# /proc/PID/map_files (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE).
kernel_features() {
	local f=() e st=$MT_TMP/features.stats range me=$BASHPID
	if e=$("$T/i386/wx32" allow 2>&1 >/dev/null); then f+=("IA32 yes")
	else f+=("IA32 no (${e##*: })"); fi
	if e=$("$T/x32/wxx32" allow 2>&1 >/dev/null); then f+=("x32 yes")
	else f+=("x32 no (${e##*: })"); fi
	if [ -x "$MT_ROOT/build/tools/features" ]; then
		f+=("$("$MT_ROOT/build/tools/features" | sed -n 's/^MDWE: /MDWE /p')")
	else
		f+=("MDWE unknown (no build/tools/features)")
	fi
	if MEMTRACE_FORCE_REGS=0 MEMTRACE_STATS=$st "$mt" -- true 2>/dev/null; then
		f+=("seccomp $(sed -n 's/^mode=seccomp$/yes/p; s/^mode=ptrace$/no/p' "$st")")
		f+=("PTRACE_GET_SYSCALL_INFO $(sed -n 's/^info=1$/yes/p; s/^info=0$/no/p' "$st")")
		f+=("PTRACE_SET_SYSCALL_INFO $(sed -n 's/^set_info=1$/yes/p; s/^set_info=0$/no/p' "$st")")
	else
		f+=("memtrace -- true failed: no syscall info or seccomp probe")
	fi
	range=$(awk '$6 ~ /^\// { print $1; exit }' "/proc/$me/maps")
	if e=$(head -c 1 "/proc/$me/map_files/$range" 2>&1 >/dev/null); then
		f+=("map_files yes")
	else
		f+=("map_files no (${e##*: })")
	fi
	echo "# kernel $(uname -r) $(uname -m), uid $(id -u) ($(id -un 2>/dev/null || echo '?')): $(IFS=';'; echo "${f[*]}" | sed 's/;/; /g')"
}

# as_user CMD...: run CMD unprivileged: as nobody when the suite runs
# as root, as the suite's own user otherwise (testsuite/run --as-user).
as_user() { if [ "$(id -u)" = 0 ]; then as_nobody "$@"; else "$@"; fi; }
