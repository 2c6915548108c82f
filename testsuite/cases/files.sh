# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The file checks (exec rules, tpe, executable stacks, force) on mmap
# and dlopen, every action, and the program and its interpreter at
# exec; in every mode. The tracee (maplib) prints the records memtrace
# must write; see testsuite/tracees/maplib.c.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

L=$MT_ROOT/build/testlibs
D=$MT_TMP/files
M=$T/maplib
mkdir -p "$D/lib" "$D/other" "$D/run" "$D/tpe/ww" "$D/tpe/gw" \
	"$D/tpe/nobody" "$D/tpe/root"
chmod 755 "$D" "$D/lib" "$D/other" "$D/tpe" "$D/tpe/root"
chmod 777 "$D/tpe/ww"
chmod 775 "$D/tpe/gw"
chmod 755 "$D/tpe/nobody"
chown 65534 "$D/tpe/nobody" 2>/dev/null
for d in lib other tpe/ww tpe/gw tpe/nobody tpe/root; do
	cp "$L/libok.so" "$D/$d/libok.so"
done
cp "$L/libok.so" "$D/lib/libok2.so"
# One byte changed: the same library as far as the loader cares.
cp "$L/libok.so" "$D/lib/libmod.so"
printf 'X' | dd of="$D/lib/libmod.so" bs=1 seek=200 conv=notrunc status=none

sha() { sha256sum "$1" | cut -d' ' -f1; }
TIPX=trace/allow_unsafe_exec_stack:1
# The loader and libc by their canonical paths, as memtrace sees them.
INTERP=$(readlink -f "$(readelf -lW "$M" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')")
ALLOW_SYS=(-m sandbox/exec:on -m 'allow/exec+/usr/***'
	-m "allow/exec+$T/*")

# Records as the tracee prints them: the loader's mmap arguments
# (address, length, fd, offset) vary, the rest must not.
norm_log() {
	normalise "$@" | sed -E 's/mmap\(0x[0-9a-f]+, [0-9]+, (PROT_[A-Z_|]+), (MAP_[A-Z_|]+), [0-9]+, 0x[0-9a-f]+\)/mmap(ADDR, LEN, \1, \2, FD, OFF)/'
}

# fcase NAME MODE RC EXPECTED TRACEE-ARGV... [-- MEMTRACE-ARGS]
# memtrace must exit RC and write the records in EXPECTED, or, with
# EXPECTED "-", the records the tracee printed.
fcase() {
	local name=$1 mode=$2 want=$3 exp=$4; shift 4
	local targv margs
	split_argv "$@"
	local leaf=${name//\//_}.${mode/,/_}
	local dir=$D/run/$leaf
	mkdir -p "$dir"
	mt_run "$mode" MEMTRACE_STATS="$dir/stats" \
		 "${margs[@]}" -o "$dir/log" -- \
		"${targv[@]}" > "$dir/out" 2> "$dir/stderr"
	local rc=$?
	[ "$exp" = - ] || cp "$exp" "$dir/out"
	if [ "$rc" -ne "$want" ]; then
		fail "$name [$mode]" "exit status $rc, expected $want: $(head -c 300 "$dir/stderr" | tr '\n' ' ')"
		return 1
	fi
	# exit and panic leave no statistics behind: memtrace is gone.
	if [ -e "$dir/stats" ] && ! w=$(mode_check "$mode" "$dir/stats"); then
		fail "$name [$mode]" "$w"
		return 1
	fi
	if ! norm_log "$dir/log" | grep -v '^memtrace: process [0-9]* is stopped' |
	     diff -u "$dir/out" - > "$dir/diff"; then
		fail "$name [$mode]" "records differ: $(head -c 700 "$dir/diff" | tr '\n' '|')"
		return 1
	fi
	pass "$name [$mode]"
}

# The variants of a case run once each, the modes taken in turn (the
# main cases run in every mode): a mode per call, round robin.
read -ra modes <<< "$MODES"
turn=0
next_mode() { mode=${modes[$((turn % 4))]}; turn=$((turn + 1)); }

rec() {	# ACT TAIL-AFTER-CALL for an expected-record file
	printf 'memtrace: %s x86_64 execve(); %s\n' "$1" "$2"
}

# --- exec rules -----------------------------------------------------
cp "$L/libok.so" "$D/lib/del.so"
for mode in $MODES; do
	cp -f "$L/libok.so" "$D/lib/del.so"
	fcase files/exec-rules "$mode" 0 - "$M" \
		map "$D/lib/libok.so" EACCES deny "exec: deny/exec rule $D/lib/*.so matched; path $D/lib/libok.so; tip: -m allow/exec+$D/lib/libok.so" \
		map "$D/lib/libok2.so" ok - - \
		map "$D/other/libok.so" EACCES deny "exec: no exec rule matched (default/exec:deny); path $D/other/libok.so; tip: -m allow/exec+$D/other/libok.so" \
		map "$D/lib/del.so" ok - - \
		deleted "$D/lib/del.so" EACCES deny "exec: no exec rule matched (default/exec:deny); path deleted:$D/lib/del.so; tip: -m sandbox/exec:off" \
		memfd jit EACCES deny "exec: no exec rule matched (default/exec:deny); path memfd:jit (deleted); tip: -m sandbox/exec:off" \
		dlopen "$D/lib/libok2.so" ok - - \
		dlopen "$D/lib/libok.so" fail deny "exec: deny/exec rule $D/lib/*.so matched; path $D/lib/libok.so; tip: -m allow/exec+$D/lib/libok.so" \
		-- "${ALLOW_SYS[@]}" -m "deny/exec+$D/lib/*.so" \
		-m "allow/exec+$D/lib/libok2.so" -m "allow/exec+$D/lib/del.so" \
		-m "allow/exec+$D/other/libok.so" \
		-m "allow/exec-$D/other/libok.so"
done

# --- trusted path execution ----------------------------------------
tpe_rec() {	# DIR WHY TIP
	echo "tpe: parent directory $D/tpe/$1 $2; path $D/tpe/$1/libok.so; tip: -m $3"
}
# As root, tpe/nobody belongs to another user (nobody) and tpe/root to
# root. As a user, tpe/nobody is the user's own and the root-owned
# directory is the build's ($L, when root built it); a directory of
# a third user would need root to chown it.
uid=$(id -u)
owner=$(stat -c %u "$D/tpe/nobody")
root_lib=$D/tpe/root/libok.so
[ "$uid" != 0 ] && root_lib=$L/libok.so
if [ "$uid" = 0 ] && [ "$owner" != 65534 ]; then
	skip "files/tpe [all modes]" "cannot chown a directory to nobody"
else
for mode in $MODES; do
	fcase files/tpe "$mode" 0 - "$M" \
		map "$D/tpe/ww/libok.so" EACCES deny "$(tpe_rec ww 'is world-writable (mode 0777)' sandbox/tpe:off)" \
		map "$D/tpe/gw/libok.so" EACCES deny "$(tpe_rec gw 'is group-writable (mode 0775)' sandbox/tpe:off)" \
		map "$D/tpe/nobody/libok.so" ok - - \
		map "$D/tpe/root/libok.so" ok - - \
		-- -m sandbox/tpe:on
done
g=$(id -g)
next_mode
if [ "$(stat -c %u "$(dirname "$root_lib")")" != 0 ]; then
	skip files/tpe-root-owned "no root-owned directory holds a test library ($(dirname "$root_lib") is not root's: build as root)"
else
	fcase files/tpe-root-owned "$mode" 0 - "$M" \
		map "$D/tpe/nobody/libok.so" EACCES deny "$(tpe_rec nobody "is owned by uid $owner, not root (tpe/root_owned)" tpe/root_owned:false)" \
		map "$root_lib" ok - - \
		-- -m sandbox/tpe:on -m tpe/root_owned:1
fi
next_mode
if [ "$uid" != 0 ]; then
	# The user's own directory passes; another user's needs root.
	fcase files/tpe-user-owned "$mode" 0 - "$M" \
		map "$D/tpe/nobody/libok.so" ok - - \
		map "$root_lib" ok - - \
		-- -m sandbox/tpe:on -m tpe/user_owned:1
	skip files/tpe-user-owned/other "needs a directory of a third user (root chowns one to nobody)"
else
	fcase files/tpe-user-owned "$mode" 0 - "$M" \
		map "$D/tpe/nobody/libok.so" EACCES deny "$(tpe_rec nobody "is owned by uid 65534, not root or the user $uid (tpe/user_owned)" tpe/user_owned:false)" \
		map "$D/tpe/root/libok.so" ok - - \
		-- -m sandbox/tpe:on -m tpe/user_owned:1
fi
# tpe/gid: only members are checked; tpe/negate: only the others.
next_mode
fcase files/tpe-gid-member "$mode" 0 - "$M" \
	map "$D/tpe/ww/libok.so" EACCES deny "$(tpe_rec ww 'is world-writable (mode 0777)' sandbox/tpe:off)" \
	-- -m sandbox/tpe:on -m "tpe/gid:$g"
next_mode
fcase files/tpe-gid-other "$mode" 0 - "$M" \
	map "$D/tpe/ww/libok.so" ok - - \
	-- -m sandbox/tpe:on -m tpe/gid:424242
next_mode
fcase files/tpe-negate-member "$mode" 0 - "$M" \
	map "$D/tpe/ww/libok.so" ok - - \
	-- -m sandbox/tpe:on -m "tpe/gid:$g" -m tpe/negate:1
next_mode
fcase files/tpe-negate-other "$mode" 0 - "$M" \
	map "$D/tpe/ww/libok.so" EACCES deny "$(tpe_rec ww 'is world-writable (mode 0777)' sandbox/tpe:off)" \
	-- -m sandbox/tpe:on -m tpe/gid:424242 -m tpe/negate:1
fi

# --- executable stacks (the default policy) -------------------------
phnum=$(od -An -tu2 -j56 -N2 "$L/libok.so" | tr -d ' ')
phoff=$(od -An -tu8 -j32 -N8 "$L/libok.so" | tr -d ' ')
stack_rec() {	# FILE MSG
	echo "stack: $2; path $L/$1; tip: -m $TIPX"
}
for mode in $MODES; do
	fcase files/stack "$mode" 0 - "$M" \
		map "$L/libok.so" ok - - \
		map "$L/libexecstack.so" EACCES deny "$(stack_rec libexecstack.so 'executable stack requested (PT_GNU_STACK with PF_X)')" \
		map "$L/libnostack.so" EACCES deny "$(stack_rec libnostack.so 'no PT_GNU_STACK: the stack is executable by default on this machine')" \
		map "$L/libtrunc.so" EACCES deny "$(stack_rec libtrunc.so "malformed ELF file (fail closed): program header table out of range ($phnum entries at offset $phoff)")" \
		map "$L/notelf.so" EACCES deny "$(stack_rec notelf.so 'not an ELF file (fail closed)')" \
		dlopen "$L/libok.so" ok - - \
		dlopen "$L/libexecstack.so" fail deny "$(stack_rec libexecstack.so 'executable stack requested (PT_GNU_STACK with PF_X)')"
done
next_mode
fcase files/stack-allowed "$mode" 0 - "$M" \
	map "$L/libexecstack.so" ok - - \
	map "$L/libnostack.so" ok - - \
	map "$L/libtrunc.so" ok - - \
	map "$L/notelf.so" ok - - \
	-- -m "$TIPX"

# --- force ----------------------------------------------------------
OK=$(sha "$L/libok.so")
MOD=$(sha "$D/lib/libmod.so")
BAD=$(printf '%s' "$OK" | tr 0-9a-f 1-9a-f0)
# Every file the tracee loads, pinned, so that default/force can deny.
PIN=(-m sandbox/force:on -m "force+$(readlink -f "$M"):sha256:$(sha "$M")"
	-m "force+$INTERP:sha256:$(sha "$INTERP")")
for lib in $(ldd "$M" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'); do
	r=$(readlink -f "$lib")
	PIN+=(-m "force+$r:sha256:$(sha "$r")")
done
force_rec() {	# FILE WANT GOT
	echo "force: sha256 digest mismatch: expected $2, got $3; path $1; tip: -m force+$1:sha256:$3"
}
for mode in $MODES; do
	fcase files/force "$mode" 0 - "$M" \
		map "$D/lib/libok.so" ok - - \
		map "$D/lib/libok2.so" EACCES deny "$(force_rec "$D/lib/libok2.so" "$BAD" "$OK")" \
		map "$D/lib/libmod.so" EACCES deny "$(force_rec "$D/lib/libmod.so" "$OK" "$MOD")" \
		map "$D/other/libok.so" EACCES deny "force: no force rule for the file; path $D/other/libok.so; tip: -m force+$D/other/libok.so:sha256:$(sha "$D/other/libok.so")" \
		-- "${PIN[@]}" -m "force+$D/lib/libok.so:sha256:$OK" \
		-m "force+$D/lib/libok2.so:sha256:$BAD" \
		-m "force+$D/lib/libmod.so:sha256:$OK:deny"
done
# default/force:allow: unpinned files pass, a rule's own action holds.
next_mode
fcase files/force-rule-action "$mode" 0 - "$M" \
	map "$D/other/libok.so" ok - - \
	map "$D/lib/libok2.so" EACCES deny "$(force_rec "$D/lib/libok2.so" "$BAD" "$OK")" \
	map "$D/lib/libmod.so" ok warn "$(force_rec "$D/lib/libmod.so" "$OK" "$MOD")" \
	-- -m sandbox/force:on -m default/force:allow \
	-m "force+$D/lib/libok2.so:sha256:$BAD:deny" \
	-m "force+$D/lib/libmod.so:sha256:$OK:warn"

# --- Syd's order, errnos and records --------------------------------
cp "$L/libexecstack.so" "$D/tpe/ww/libexecstack.so"
for mode in $MODES; do
	# Memory limits come after every file check: a file an exec rule
	# kills is killed, even when the mapping is over the limit too.
	fcase files/order-mem-after-exec "$mode" 137 - "$M" \
		bigmap "$D/other/libok.so" die kill "exec: no exec rule matched (default/exec:kill); path $D/other/libok.so; tip: -m allow/exec+$D/other/libok.so" \
		-- "${ALLOW_SYS[@]}" -m default/exec:kill -m sandbox/mem:on \
		-m mem/vm_max:512M
	# The executable stack before Force: EACCES, not the rule's kill.
	fcase files/order-stack-before-force "$mode" 0 - "$M" \
		map "$L/libexecstack.so" EACCES deny "$(stack_rec libexecstack.so 'executable stack requested (PT_GNU_STACK with PF_X)')" \
		-- -m sandbox/force:on -m default/force:allow \
		-m "force+$L/libexecstack.so:sha256:$BAD:kill"
	# Every warning is recorded, in the order of the checks, then the
	# denial.
	fcase files/order-every-warning "$mode" 0 - "$M" \
		also - - warn "tpe: parent directory $D/tpe/ww is world-writable (mode 0777); path $D/tpe/ww/libexecstack.so; tip: -m sandbox/tpe:off" \
		map "$D/tpe/ww/libexecstack.so" EACCES deny "stack: executable stack requested (PT_GNU_STACK with PF_X); path $D/tpe/ww/libexecstack.so; tip: -m $TIPX" \
		-- -m sandbox/tpe:on -m default/tpe:warn
	# A digest that cannot be computed is a plain EACCES, not the
	# rule's kill: unit/force/hash-failed-fails-closed (every algorithm,
	# crc64 among them, is computed now, so no file here fails it).
	# default/force is for the files no rule names: a pinned file with
	# another digest is refused, its rule naming no action.
	fcase files/force-pinned-under-default-allow "$mode" 0 - "$M" \
		map "$D/other/libok.so" ok - - \
		map "$D/lib/libok2.so" EACCES deny "$(force_rec "$D/lib/libok2.so" "$BAD" "$OK")" \
		-- -m sandbox/force:on -m default/force:allow \
		-m "force+$D/lib/libok2.so:sha256:$BAD"
done

# JSON records carry Syd's ctx for TPE, the stack check and Force.
for mode in $MODES; do
	dir=$D/run/json-ctx.${mode/,/_}; mkdir -p "$dir"
	mt_run "$mode" --json \
		-o "$dir/log" -m sandbox/exec:on -m 'allow/exec+/usr/***' \
		-m "allow/exec+$T/*" -m "allow/exec+$D/tpe/***" \
		-m "allow/exec+$L/*" -m "allow/exec+$D/lib/*" -m sandbox/tpe:on \
		-m sandbox/force:on -m default/force:allow \
		-m "force+$D/lib/libok2.so:sha256:$BAD" -- "$M" \
		map "$D/tpe/ww/libok.so" EACCES - - \
		map "$L/libexecstack.so" EACCES - - \
		map "$D/lib/libok2.so" EACCES - - \
		map "$D/other/libok.so" EACCES - - > "$dir/out" 2>&1
	rc=$?
	got=$(jq -r '.cap + " " + .ctx' "$dir/log" 2>&1 | tr '\n' ',')
	want="tpe trusted_path_execution,stack check_lib,force verify_lib,exec access,"
	if [ $rc -ne 0 ] || [ "$got" != "$want" ]; then
		fail "files/json-ctx [$mode]" "exit $rc, records $got (want $want): $(head -c 200 "$dir/out")"
	else
		pass "files/json-ctx [$mode]"
	fi
done

# --- every action, for each check -----------------------------------
# The action machinery is shared; each check must hand it the
# category's (or the rule's) action. Each check/action pair runs once,
# the modes taken in turn.
ACTIONS="warn filter deny kill abort exit panic"
act_case() {	# CHECK ACT INDEX FILE TAIL MEMTRACE-ARGS...
	local check=$1 act=$2 i=$3 file=$4 tail=$5; shift 5
	local mode=${modes[$((i % 4))]} result=die want=0 show=$act
	case $act in
	warn) result=ok ;;
	filter) result=EACCES; show=- ;;
	deny) result=EACCES ;;
	kill) want=137 ;;
	abort) want=134 ;;
	exit) want=13 ;;
	panic) want=134 ;;
	esac
	fcase "files/action-$check-$act" "$mode" "$want" - "$M" \
		map "$file" "$result" "$show" "$tail" -- "$@"
}
i=0
for act in $ACTIONS; do
	act_case exec "$act" $i "$D/other/libok.so" \
		"exec: no exec rule matched (default/exec:$act); path $D/other/libok.so; tip: -m allow/exec+$D/other/libok.so" \
		"${ALLOW_SYS[@]}" -m "default/exec:$act"
	act_case tpe "$act" $((i + 1)) "$D/tpe/ww/libok.so" \
		"$(tpe_rec ww 'is world-writable (mode 0777)' sandbox/tpe:off)" \
		-m sandbox/tpe:on -m "default/tpe:$act"
	act_case force "$act" $((i + 2)) "$D/lib/libok2.so" \
		"$(force_rec "$D/lib/libok2.so" "$BAD" "$OK")" \
		-m sandbox/force:on -m default/force:allow \
		-m "force+$D/lib/libok2.so:sha256:$BAD:$act"
	act_case stack "$act" $((i + 3)) "$L/libexecstack.so" \
		"$(stack_rec libexecstack.so 'executable stack requested (PT_GNU_STACK with PF_X)')" \
		-m "default/stack:$act"
	i=$((i + 1))
done

# stop: the process is left stopped and detached, memtrace says how to
# attach a debugger and waits for it; killed, it exits 137 like memtrace.
stop_action_case() {	# CHECK MODE FILE TAIL MEMTRACE-ARGS...
	local check=$1 mode=$2 file=$3 tail=$4; shift 4
	local name="files/action-$check-stop [$mode]"
	local dir=$D/run/stop-$check.${mode/,/_}
	stop_case "$mode" "$dir" "$@" -- "$M" map "$file" die stop "$tail"
	local pid=$stop_pid state=$stop_state tracer=$stop_tracer
	stop_end; local rc=$stop_rc
	if [ -z "$pid" ]; then
		fail "$name" "no 'attach with: gdb -p PID' line for the process (exit $rc)"
	elif [ "$state" != T ] || [ "$tracer" != 0 ]; then
		fail "$name" "process $pid: state '$state', tracer '$tracer' (expected stopped, untraced)"
	elif [ $rc -ne 137 ]; then
		fail "$name" "exit $rc (want 137 after SIGKILL)"
	elif ! norm_log "$dir/log" | grep -v '^memtrace: process [0-9]* is stopped' |
	     diff -u "$dir/out" - > "$dir/diff"; then
		fail "$name" "records differ: $(head -c 600 "$dir/diff" | tr '\n' '|')"
	else
		pass "$name"
	fi
}
stop_action_case exec "${modes[0]}" "$D/other/libok.so" \
	"exec: no exec rule matched (default/exec:stop); path $D/other/libok.so; tip: -m allow/exec+$D/other/libok.so" \
	"${ALLOW_SYS[@]}" -m default/exec:stop
stop_action_case tpe "${modes[1]}" "$D/tpe/ww/libok.so" \
	"$(tpe_rec ww 'is world-writable (mode 0777)' sandbox/tpe:off)" \
	-m sandbox/tpe:on -m default/tpe:stop
stop_action_case force "${modes[2]}" "$D/lib/libok2.so" \
	"$(force_rec "$D/lib/libok2.so" "$BAD" "$OK")" \
	-m sandbox/force:on -m default/force:allow \
	-m "force+$D/lib/libok2.so:sha256:$BAD:stop"
stop_action_case stack "${modes[3]}" "$L/libexecstack.so" \
	"$(stack_rec libexecstack.so 'executable stack requested (PT_GNU_STACK with PF_X)')" \
	-m default/stack:stop

# --- the program and its interpreter at exec ------------------------
"$MT_ROOT/build/tools/strip_gnustack" "$M" "$D/maplib-nostack"
chmod 755 "$D/maplib-nostack"
P=$(readlink -f "$M")
rec deny "exec: deny/exec rule $T/maplib matched; program killed after exec; path $P; tip: -m allow/exec+$P" > "$D/exp-prog"
rec deny "exec: deny/exec rule $INTERP matched; interpreter of the program, killed after exec; path $INTERP; tip: -m allow/exec+$INTERP" > "$D/exp-interp"
rec deny "stack: no PT_GNU_STACK: the stack is executable by default on this machine; program killed after exec; path $D/maplib-nostack; tip: -m $TIPX" > "$D/exp-stack"
rec kill "force: sha256 digest mismatch: expected $BAD, got $(sha "$INTERP"); interpreter of the program, killed after exec; path $INTERP; tip: -m force+$INTERP:sha256:$(sha "$INTERP")" > "$D/exp-force"
rec warn "exec: no exec rule matched (default/exec:warn); program allowed to run; path $P; tip: -m allow/exec+$P" > "$D/exp-warn"
for mode in $MODES; do
	fcase files/exec-program "$mode" 137 "$D/exp-prog" "$M" \
		map "$L/libok.so" ok - - -- \
		-m sandbox/exec:on -m 'allow/exec+/**' -m "deny/exec+$T/maplib"
	fcase files/exec-interpreter "$mode" 137 "$D/exp-interp" "$M" \
		map "$L/libok.so" ok - - -- \
		-m sandbox/exec:on -m 'allow/exec+/**' -m "deny/exec+$INTERP"
	fcase files/exec-stack-program "$mode" 137 "$D/exp-stack" \
		"$D/maplib-nostack" map "$L/libok.so" ok - -
done
# Warnings at exec too: each its own record, before the denial.
cp "$D/maplib-nostack" "$D/tpe/ww/maplib-nostack"
rec warn "tpe: parent directory $D/tpe/ww is world-writable (mode 0777); program killed after exec; path $D/tpe/ww/maplib-nostack; tip: -m sandbox/tpe:off" > "$D/exp-warn-stack"
rec deny "stack: no PT_GNU_STACK: the stack is executable by default on this machine; program killed after exec; path $D/tpe/ww/maplib-nostack; tip: -m $TIPX" >> "$D/exp-warn-stack"
for mode in $MODES; do
	fcase files/exec-every-warning "$mode" 137 "$D/exp-warn-stack" \
		"$D/tpe/ww/maplib-nostack" map "$L/libok.so" ok - - -- \
		-m sandbox/tpe:on -m default/tpe:warn
done
next_mode
fcase files/exec-force-interpreter "$mode" 137 "$D/exp-force" "$M" \
	map "$L/libok.so" ok - - -- \
	-m sandbox/force:on -m default/force:allow \
	-m "force+$INTERP:sha256:$BAD:kill"
next_mode
fcase files/exec-program-warn "$mode" 0 "$D/exp-warn" "$M" \
	map "$L/libok.so" ok - - -- \
	-m sandbox/exec:on -m 'allow/exec+/usr/***' -m default/exec:warn \
	-m "allow/exec+$L/*"

# Not root: /proc/PID/map_files cannot be opened, and the interpreter
# is found by its path in /proc/PID/maps instead. Root runs it as
# nobody; a user runs it as itself (as_user).
if ! as_user test -x "$mt" || ! as_user test -x "$M"; then
	skip "files/exec-interpreter-user" "nobody cannot reach $mt or $M (directory permissions)"
else
	dir=$D/run/user; mkdir -p "$dir"; chmod 777 "$dir"
	records_case files/exec-interpreter-user 137 "$D/exp-interp" norm_log \
		"$dir" as_user "$mt" -o "$dir/log" -m sandbox/exec:on \
		-m 'allow/exec+/**' -m "deny/exec+$INTERP" -- \
		"$M" map "$L/libok.so" ok - -
fi

# --- memtrace --hash ------------------------------------------------
out=$("$mt" --hash "$D/lib/../lib/libok.so" 2>&1); rc=$?
if [ $rc -ne 0 ] && [[ $out == *unknown\ option* ]]; then
	skip files/hash-cli "memtrace has no --hash option yet (tracer/main.c does not call hash_command)"
elif [ "$out" != "force+$D/lib/libok.so:sha256:$OK" ] || [ $rc -ne 0 ]; then
	fail files/hash-cli "exit $rc, printed: $out"
else
	"$mt" --hash=md5 "$D/nonexistent" > /dev/null 2>&1; rc1=$?
	"$mt" --hash=sha7 "$D/lib/libok.so" > /dev/null 2>&1; rc2=$?
	if [ $rc1 -ne 1 ] || [ $rc2 -ne 2 ]; then
		fail files/hash-cli "unreadable file: exit $rc1 (want 1), unknown algorithm: exit $rc2 (want 2)"
	else
		pass files/hash-cli
	fi
fi

# --- i386 -----------------------------------------------------------
if can_run_i386; then
	for mode in $MODES; do
		tracee_case files/mapfile32 "$mode" "$T/i386/mapfile32" deny \
			"$L/libexecstack.so"
		tracee_case files/mapfile32-allow "$mode" "$T/i386/mapfile32" \
			allow "$L/libexecstack.so" -- -m "$TIPX"
		# The stack check before Force: EACCES, not the rule's kill.
		tracee_case files/mapfile32-stack-before-force "$mode" \
			"$T/i386/mapfile32" deny "$L/libexecstack.so" -- \
			-m sandbox/force:on -m default/force:allow \
			-m "force+$L/libexecstack.so:sha256:$BAD:kill"
	done
	# An i386 program without PT_GNU_STACK: the kernel sets
	# READ_IMPLIES_EXEC at its exec (every readable mapping would be
	# executable), so memtrace kills it after the exec even when the
	# stack check lets it through; with unsafe exec memory allowed it
	# runs.
	"$MT_ROOT/build/tools/strip_gnustack" "$T/i386/wx32" "$D/wx32-nostack"
	chmod 755 "$D/wx32-nostack"
	for mode in $MODES; do
		log=$D/rie.${mode/,/_}
		{ mt_run "$mode" \
			-m default/stack:allow -o "$log" -- \
			"$D/wx32-nostack" allow > /dev/null 2>&1; } 2> /dev/null
		rc=$?
		mt_run "$mode" \
			-m trace/allow_unsafe_exec_memory:1 -m "$TIPX" \
			-o "$log.allow" -- "$D/wx32-nostack" allow > /dev/null 2>&1
		rc2=$?
		if [ $rc -eq 137 ] && [ $rc2 -eq 0 ] && [ ! -s "$log.allow" ] &&
		   grep -q '^memtrace: deny pid=[0-9]* tid=[0-9]* i386 execve(.*) = 0; wx: READ_IMPLIES_EXEC is set (personality 0x4[0-9a-f]*), every readable mapping would be executable; program killed after exec; tip: -m trace/allow_unsafe_exec_memory:1$' "$log"; then
			pass "files/i386-read-implies-exec [$mode]"
		else
			fail "files/i386-read-implies-exec [$mode]" "exits $rc/$rc2 (want 137/0): $(cat "$log" "$log.allow" | head -c 400 | tr '\n' '|')"
		fi
		# --learn sets every check to warn, W^X's READ_IMPLIES_EXEC
		# too: the program runs, the warning is recorded and the
		# profile learns W^X's tip.
		mt_run "$mode" \
			-m default/stack:allow --learn "$log.learn" \
			-o "$log.learnlog" -- "$D/wx32-nostack" allow \
			> /dev/null 2>&1
		rc=$?
		if [ $rc -eq 0 ] &&
		   grep -q '^memtrace: warn pid=[0-9]* tid=[0-9]* i386 execve(.*) = 0; wx: READ_IMPLIES_EXEC is set .*program allowed to run; tip: -m trace/allow_unsafe_exec_memory:1$' "$log.learnlog" &&
		   grep -qx 'trace/allow_unsafe_exec_memory:1' "$log.learn"; then
			pass "files/i386-read-implies-exec-learn [$mode]"
		else
			fail "files/i386-read-implies-exec-learn [$mode]" "exit $rc (want 0): $(head -c 400 "$log.learnlog" | tr '\n' '|')"
		fi
	done
else
	skip "files/mapfile32 [all modes]" "$i386_reason"
	skip "files/i386-read-implies-exec [all modes]" "$i386_reason"
	skip "files/i386-read-implies-exec-learn [all modes]" "$i386_reason"
fi
exit 0
