# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Syd's actions, on a W^X denial: what the call returns, what is
# recorded, and what happens to the process and to memtrace.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

# run_action MODE ACTION DIR: run "sh -c 'wx deny; sleep 30'" with
# default/wx:ACTION; sets rc. The sleep shows whether the rest of the
# tree survived.
run_action() {
	local mode=$1 act=$2 dir=$3
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	local bounded=(timeout 20)
	mt_via bounded "$mode" \
		-m "default/wx:$act" -o "$dir/log" -- \
		sh -c "echo \$\$ > $dir/shpid; $T/wx deny; echo wx=\$? > $dir/wx; exec sleep 30" \
		> "$dir/out" 2> "$dir/err"
	rc=$?
}

# wx_run MODE ACTION DIR COMMAND...: COMMAND under memtrace in MODE
# with default/wx:ACTION (records in DIR/log, its output in DIR/out and
# DIR/err); sets rc.
wx_run() {
	local mode=$1 act=$2 dir=$3; shift 3
	mkdir -p "$dir"
	mt_run "$mode" -m "default/wx:$act" \
		-o "$dir/log" -- "$@" > "$dir/out" 2> "$dir/err"
	rc=$?
}

records() { grep -c "^memtrace: $2 " "$1/log"; }

# A process that exists and is not a zombie.
alive() {
	local st
	st=$(proc_state "$1")
	[ -n "$st" ] && [ "$st" != Z ]
}

check_warn() {
	local mode=$1 dir=$MT_TMP/act.warn.${1/,/_}
	wx_run "$mode" warn "$dir" "$T/wx" allow
	local n; n=$(records "$dir" warn)
	if [ $rc -eq 0 ] && [ "$n" -eq 8 ] && ! grep -q '= -E' "$dir/log"; then
		pass "action/warn [$mode]"
	else
		fail "action/warn [$mode]" "exit $rc, $n warn records (want 8, calls allowed)"
	fi
}

check_filter() {
	local mode=$1 dir=$MT_TMP/act.filter.${1/,/_}
	wx_run "$mode" filter "$dir" "$T/wx" deny
	if [ $rc -eq 0 ] && [ ! -s "$dir/log" ]; then
		pass "action/filter [$mode]"
	else
		fail "action/filter [$mode]" "exit $rc (calls must fail EACCES), log: $(head -c 200 "$dir/log")"
	fi
}

# The process of the denied call dies of SIG; memtrace with it, since
# the command is the shell's exec'd child... the shell runs on: its
# "wx=" line shows the status, and memtrace exits with the shell's.
check_signal_action() {
	local mode=$1 act=$2 sig=$3 dir=$MT_TMP/act.$2.${1/,/_}
	wx_run "$mode" "$act" "$dir" sh -c "$T/wx deny; echo wx=\$?"
	local want="wx=$((128 + sig))" n
	n=$(records "$dir" "$act")
	if [ $rc -eq 0 ] && grep -qx "$want" "$dir/out" && [ "$n" -eq 1 ]; then
		pass "action/$act [$mode]"
	else
		fail "action/$act [$mode]" "exit $rc, $(cat "$dir/out"), $n $act records (want $want and 1)"
	fi
}

check_exit() {
	local mode=$1 dir=$MT_TMP/act.exit.${1/,/_}
	run_action "$mode" exit "$dir"
	local sh; sh=$(cat "$dir/shpid" 2>/dev/null)
	if [ $rc -eq 13 ] && [ "$(records "$dir" exit)" -eq 1 ] &&
	   [ ! -e "$dir/wx" ] && ! alive "$sh"; then
		pass "action/exit [$mode]"
	else
		fail "action/exit [$mode]" "exit $rc (want 13 = EACCES), $(records "$dir" exit) records, shell alive: $(alive "$sh" && echo yes || echo no)"
	fi
}

check_panic() {
	local mode=$1 dir=$MT_TMP/act.panic.${1/,/_}
	run_action "$mode" panic "$dir"
	local sh; sh=$(cat "$dir/shpid" 2>/dev/null)
	if [ $rc -eq 134 ] && [ "$(records "$dir" panic)" -eq 1 ] &&
	   ! alive "$sh"; then
		pass "action/panic [$mode]"
	else
		fail "action/panic [$mode]" "exit $rc (want 134 = SIGABRT), shell alive: $(alive "$sh" && echo yes || echo no)"
	fi
}

# The process is left stopped and detached for a debugger; memtrace
# waits for it, and exits with its status once it is gone.
check_stop() {
	local mode=$1 dir=$MT_TMP/act.stop.${1/,/_}
	stop_case "$mode" "$dir" -m default/wx:stop "$T/wx" deny
	local pid=$stop_pid state=$stop_state tracer=$stop_tracer
	stop_end; rc=$stop_rc
	if [ $rc -eq 137 ] && [ "$state" = T ] && [ "$tracer" = 0 ] &&
	   [ "$(records "$dir" stop)" -eq 1 ]; then
		pass "action/stop [$mode]"
	else
		fail "action/stop [$mode]" "exit $rc (want 137 after SIGKILL), pid ${pid:-none} state ${state:-gone} tracer ${tracer:-?}"
	fi
}

for mode in seccomp,info ptrace,regs seccomp,regs; do
	check_warn "$mode"
	check_filter "$mode"
	check_signal_action "$mode" kill 9
	check_signal_action "$mode" abort 6
	check_exit "$mode"
	check_panic "$mode"
	check_stop "$mode"
done
