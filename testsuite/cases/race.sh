# SPDX-License-Identifier: GPL-3.0-or-later
# Adversarial tracees: what was checked is what gets mapped, and no
# call opens a way around the tracer.
. "$MT_ROOT/testsuite/lib.sh"

# race_run NAME MODE WHO DIR CAUGHT MEMTRACE-ARGV...: memtrace, as WHO
# (root or nobody), runs a racing tracee (its records in DIR/log, its
# output in DIR/out and DIR/err). The tracee exits 3 or prints LEAK if
# an executable mapping of the denied file survived; memtrace either
# wins every race (0) or kills it with a record matching CAUGHT (137).
race_run() {
	local name=$1 mode=$2 who=$3 dir=$4 caught=$5 run=()
	shift 5
	[ "$who" = nobody ] && run=(as_nobody)
	mt_via run "$mode" -o "$dir/log" "$@" > "$dir/out" 2> "$dir/err"
	local rc=$?
	if [ $rc -eq 3 ] || grep -q LEAK "$dir/out"; then
		fail "$name [$mode]" "an executable mapping of the denied file survived: $(cat "$dir/out")"
	elif [ $rc -eq 137 ] && grep -q "$caught" "$dir/log"; then
		pass "$name [$mode] (swap caught, process killed)"
	elif [ $rc -eq 0 ]; then
		pass "$name [$mode] ($(cat "$dir/out"))"
	else
		fail "$name [$mode]" "exit $rc: $(tr '\n' ' ' < "$dir/err")"
	fi
}

# fd swap: the tracee exits 3 if an executable mapping of the denied
# file survives; memtrace either wins every race (the tracee ends 0)
# or kills it with a "file changed" record (137). The swapper is a
# thread, or (fork) a process made with clone(CLONE_FILES|SIGCHLD),
# which the kernel reports as a fork: its shared fd table must be
# found all the same. As root, and as nobody.
race_case() {
	local mode=$1 how=${2-} who=${3-root}
	local name=race/fd-swap${how:+-$how}${3:+-$3}
	local dir=$MT_TMP/race.${1/,/_}$how$who
	mkdir -p "$dir"
	[ "$who" = nobody ] && chmod 777 "$dir"
	race_run "$name" "$mode" "$who" "$dir" \
		'file changed between check and mapping' \
		"$T/race" "$dir" 4000 ${how:+"$how"}
}
for mode in $MODES; do
	race_case "$mode" 2>/dev/null	# no "Killed" line from bash
	race_case "$mode" fork 2>/dev/null
done
if [ "$(id -u)" != 0 ]; then
	skip "race/fd-swap-fork-nobody [all modes]" "needs root to switch to nobody"
elif ! as_nobody test -x "$mt" || ! as_nobody test -x "$T/race"; then
	skip "race/fd-swap-fork-nobody [all modes]" "nobody cannot reach $mt (directory permissions)"
else
	for mode in $MODES; do
		race_case "$mode" fork nobody 2>/dev/null
	done
fi

# The verification's kill is a fail-closed kill: with --json its
# record is a JSON line too ({"ctx":"kill",...}), not a note to
# standard error that a JSON reader would miss.
race_json() {
	local mode=$1 name="race/fd-swap-json [$1]"
	local dir=$MT_TMP/race-json.${1/,/_}
	mkdir -p "$dir"
	mt_run "$mode" --json -o "$dir/log" "$T/race" "$dir" 4000 \
		> "$dir/out" 2> "$dir/err"
	local rc=$?
	if [ $rc -eq 3 ] || grep -q LEAK "$dir/out"; then
		fail "$name" "an executable mapping of the denied file survived: $(cat "$dir/out")"
	elif [ $rc -eq 0 ]; then
		skip "$name" "memtrace won every race: no verification kill to look at ($(cat "$dir/out"))"
	elif [ $rc -eq 137 ] && grep -q '^{"ctx":"kill","act":"kill","pid":[0-9]*,"tid":[0-9]*,"msg":"mmap: file changed between check and mapping.*; killed (fail closed)","t":[0-9]*}$' "$dir/log"; then
		pass "$name"
	else
		fail "$name" "exit $rc, no JSON kill record: $(grep -v '"ctx":"allow"' "$dir/log" | tail -n 3 | tr '\n' ' ') $(tr '\n' ' ' < "$dir/err")"
	fi
}
for mode in $MODES; do
	race_json "$mode" 2>/dev/null
done

# mprotect race from a process sharing the address space (clone with
# CLONE_VM but not CLONE_THREAD): it maps a denied library over the
# page being made executable; the tracee exits 3 if an executable
# mapping of it survives. memtrace verifies the range at the exit stop
# and kills on a change (137), or wins every race (0).
vmrace_case() {
	local mode=$1 who=$2 dir=$MT_TMP/vmrace.${1/,/_}.$2
	mkdir -p "$dir"
	chmod 777 "$dir"
	cp "$MT_ROOT/build/testlibs/libok.so" "$dir/allowed.so"
	cp "$MT_ROOT/build/testlibs/libok.so" "$dir/denied.so"
	chmod 644 "$dir"/*.so
	race_run "race/mprotect-vm-$who" "$mode" "$who" "$dir" \
		'file changed between check and mprotect' \
		-m sandbox/exec:on -m 'allow/exec+/***' \
		-m "deny/exec+$dir/denied.so" "$T/vmrace" "$dir" 3000
}
for mode in $MODES; do
	vmrace_case "$mode" root 2>/dev/null
done
if [ "$(id -u)" = 0 ] && as_nobody test -x "$mt"; then
	for mode in $MODES; do
		vmrace_case "$mode" nobody 2>/dev/null
	done
else
	skip "race/mprotect-vm-nobody [all modes]" "cannot run memtrace as nobody here"
fi

# Escapes: each way around the tracer fails, with its record (the
# tracee checks every result itself; see escape.c). As root and as
# nobody: memtrace must keep both out of itself.
escape_wants=(
	'personality(0x400000) = -EPERM; bypass:'
	'personality(0x100400000) = -EPERM; bypass:'
	'ptrace(0, 0, 0, 0) = -EPERM; bypass: .*tip: -m trace/allow_unsafe_ptrace:1$'
	'clone(0x800011, .* = -EPERM; bypass: CLONE_UNTRACED'
	'prctl(0x4, 0, .* = -EPERM; bypass: a non-dumpable'
	'prctl(0x100000004, 0, .* = -EPERM; bypass: a non-dumpable'
	'userfaultfd(.* = -EPERM; wx: userfaultfd'
	'ioctl(0x[0-9a-f]*, 0xaa00, .* = -EPERM; wx: userfaultfd'
	'ioctl(0x[0-9a-f]*, 0x10000aa00, .* = -EPERM; wx: userfaultfd'
	'x86_64 shmat(.* = -EACCES; wx: executable shared memory segment'
	'i386 shmat(.* = -EACCES; wx: executable shared memory segment'
	'i386 ipc(0x15, .* = -EACCES; wx: executable shared memory segment'
	'i386 ipc(0x20015, .* = -EACCES; wx: executable shared memory segment'
	'seccomp(0x100000001, 0x8, .* = -EPERM; bypass: .*listener'
	'seccomp(0x1, 0x8, .* = -EPERM; bypass: .*listener'
	'wx: writable and executable mapping'
)
self_wants=(
	'ptrace(0x10, .* = -EPERM; bypass: attaching to memtrace'
	'ptrace(0x4206, 0x1[0-9a-f]\{8\}, .* = -EPERM; bypass: attaching to memtrace'
	'process_vm_writev(.* = -EPERM; bypass: writing into memtrace'
	'process_vm_writev(0x1[0-9a-f]\{8\}, .* = -EPERM; bypass: writing into memtrace'
	'pidfd_open(.* = -EPERM; bypass: a pidfd of memtrace'
)
# escape_run NAME MODE WHO(root|nobody) ESCAPE-ARG [MEMTRACE-ARGS...]
# then the patterns each must match a record, after "--".
escape_run() {
	local name=$1 mode=$2 who=$3 arg=$4; shift 4
	local margs=() pats=()
	while [ "$1" != -- ]; do margs+=("$1"); shift; done
	shift; pats=("$@")
	local dir=$MT_TMP/$name.${mode/,/_}.$who run=()
	mkdir -p "$dir"; chmod 777 "$dir"
	[ "$who" = nobody ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	# Bounded: a tracee that attached to memtrace would hang it.
	run=(timeout -s KILL 60 "${run[@]}")
	# shellcheck disable=SC2086
	mt_via run "$mode" \
		"${margs[@]}" -o "$dir/log" "$T/escape" "${mode%%,*}" $arg \
		> "$dir/out" 2> "$dir/err"
	local rc=$? missing=
	for p in "${pats[@]}"; do
		grep -q -- "$p" "$dir/log" || missing+="[$p] "
	done
	if [ $rc -eq 0 ] && [ -z "$missing" ]; then
		pass "$name [$mode] as $who"
	else
		fail "$name [$mode] as $who" "exit $rc, no record for $missing$(tr '\n' ' ' < "$dir/err")"
	fi
}
whos=root
if [ "$(id -u)" != 0 ]; then
	skip "escape [all modes] as nobody" "needs root to switch to nobody"
elif ! as_nobody test -x "$mt"; then
	skip "escape [all modes] as nobody" "nobody cannot reach $mt (directory permissions)"
else
	whos="root nobody"
fi
for mode in $MODES; do
	for who in $whos; do
		escape_run escape "$mode" "$who" "" -- \
			"${escape_wants[@]}" "${self_wants[@]}"
		# Allowing ptrace does not open memtrace itself.
		escape_run escape/self "$mode" "$who" ptrace-allowed \
			-m trace/allow_unsafe_ptrace:1 -- "${self_wants[@]}"
	done
	# A process the stop action parked keeps memtrace's filter; a
	# sibling must not seize it and continue its stops.
	escape_run escape/parked "$mode" root park -m default/wx:stop -- \
		'stop .*wx: writable and executable mapping' \
		'ptrace(0x4206, .* = -EPERM; bypass:' \
		'ptrace(0x10, .* = -EPERM; bypass:'
done

# The old_mmap block race (a 32-bit tracee): race32 flips the block's
# prot between PROT_READ and RWX from a second thread while calling
# old_mmap on it. memtrace maps what it checked, so no RWX mapping
# appears (exit 0) and each EACCES the tracee counted has its wx record.
# The detector: with trace/allow_unsafe_exec_memory:1 the RWX mappings
# are real and the tracee must find them (exit 3).
race32_case() {
	local mode=$1 dir=$MT_TMP/race32.${1/,/_}
	mkdir -p "$dir"
	mt_run "$mode" MEMTRACE_STATS="$dir/stats" \
		 -o "$dir/log" "$T/i386/race32" deny \
		> "$dir/out" 2> "$dir/err"
	local rc=$? calls denied allowed wx all why
	read -r calls denied allowed < <(sed -n \
		's/^race32: \([0-9]*\) calls, \([0-9]*\) denied, \([0-9]*\) allowed$/\1 \2 \3/p' \
		"$dir/out")
	wx=$(grep -c ' i386 old_mmap(.*= -EACCES; wx: writable and executable mapping;' "$dir/log")
	all=$(grep -c . "$dir/log")
	if [ $rc -eq 3 ]; then
		fail "race/old_mmap-block [$mode]" "a writable and executable mapping appeared: $(tr '\n' '|' < "$dir/out")"
	elif [ $rc -ne 0 ] || [ -z "$calls" ]; then
		fail "race/old_mmap-block [$mode]" "exit $rc: $(cat "$dir/out" "$dir/err" | tr '\n' '|')"
	elif ! why=$(mode_check "$mode" "$dir/stats"); then
		fail "race/old_mmap-block [$mode]" "$why"
	elif [ "$wx" -ne "$denied" ] || [ "$all" -ne "$wx" ]; then
		fail "race/old_mmap-block [$mode]" "$denied EACCES but $wx wx old_mmap records ($all records in all): $(grep -v ' i386 old_mmap(' "$dir/log" | head -c 300)"
	else
		pass "race/old_mmap-block [$mode] ($calls calls: $denied denied, $allowed allowed)"
	fi
}
if can_run_i386; then
	for mode in $MODES; do
		race32_case "$mode"
	done
	dir=$MT_TMP/race32.detector
	mkdir -p "$dir"
	"$mt" -m trace/allow_unsafe_exec_memory:1 -o "$dir/log" \
		"$T/i386/race32" allow > "$dir/out" 2> "$dir/err"
	rc=$?
	if [ $rc -eq 3 ] && grep -q '^race32: rwx mapping: ' "$dir/out" &&
	   [ ! -s "$dir/log" ]; then
		pass "race/old_mmap-block/detector ($(sed -n 's/^race32: \([0-9]*\) rwx mappings$/\1/p' "$dir/out") RWX mappings found)"
	else
		fail "race/old_mmap-block/detector" "exit $rc (want 3, RWX mappings found), records: $(head -c 300 "$dir/log"): $(tr '\n' '|' < "$dir/out")"
	fi
else
	skip "race/old_mmap-block [all modes]" "$i386_reason"
fi

# READ_IMPLIES_EXEC set before memtrace starts cannot be tested here:
# an x86_64 kernel clears it at every exec of a 64-bit program
# (memtrace's own); files.sh tests the flag the kernel sets at the exec
# of an i386 program without PT_GNU_STACK.

# Map-then-mprotect: PROT_EXEC added later is checked on the file behind
# the range, by the same file checks as a mapping (here: the library
# with an executable stack, and an exec rule). W^X would refuse the
# exec gain first (wx/gain covers that), so it is off here: the file
# checks hold on their own.
L=$MT_ROOT/build/testlibs
mprot_case() {
	local mode=$1 dir=$MT_TMP/mprot.${1/,/_} rc1 rc2 rc3
	local nowx=(-m trace/allow_unsafe_exec_memory:1)
	mkdir -p "$dir"
	mt_try "$mode" "$dir" 1 "${nowx[@]}" \
		"$T/mprotlib" deny "$L/libexecstack.so"
	rc1=$?
	mt_try "$mode" "$dir" 2 "${nowx[@]}" -m sandbox/exec:on \
		-m "allow/exec+/***" -m "deny/exec+$L/libok.so" \
		"$T/mprotlib" deny "$L/libok.so"
	rc2=$?
	mt_try "$mode" "$dir" 3 "${nowx[@]}" \
		"$T/mprotlib" allow "$L/libok.so"
	rc3=$?
	if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ] &&
	   grep -q "mprotect(.*= -EACCES; stack: executable stack requested (PT_GNU_STACK with PF_X); path $L/libexecstack.so;" "$dir/log1" &&
	   grep -q "mprotect(.*= -EACCES; exec: .*path $L/libok.so" "$dir/log2" &&
	   ! grep -q mprotect "$dir/log3"; then
		pass "race/map-then-mprotect [$mode]"
	else
		fail "race/map-then-mprotect [$mode]" "exits $rc1/$rc2/$rc3: $(cat "$dir/log1" "$dir/log2" "$dir/log3" "$dir/out1" "$dir/out2" "$dir/out3" | tr '\n' '|')"
	fi
}
for mode in $MODES; do
	mprot_case "$mode"
done
