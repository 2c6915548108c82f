# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The facts about files, whoever runs memtrace: a mapping reached
# without /proc/PID/map_files (closed to a user), every mapping of an
# mprotect range, a file too deep to name, the parent directory the
# tracee sees, a live file named "x (deleted)", READ_IMPLIES_EXEC and a
# process whose /proc a user may not read. In every mode, as root and
# (where privileges matter) as nobody, with the same verdicts.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

L=$MT_ROOT/build/testlibs
D=$MT_TMP/facts
mkdir -p "$D"
chmod 755 "$D"

# Who runs memtrace: root, and nobody where nobody can reach it.
WHOS=root
if [ "$(id -u)" != 0 ]; then
	skip "facts/* as nobody [all modes]" "needs root to switch to nobody"
elif ! as_nobody test -x "$mt" || ! as_nobody test -x "$T/mprotlib"; then
	skip "facts/* as nobody [all modes]" "nobody cannot reach $mt (directory permissions)"
else
	WHOS="root nobody"
fi

# mtrun WHO MODE DIR TRACEE-ARGV... [-- MEMTRACE-ARGS]: run memtrace,
# its records in DIR/log; the exit status is memtrace's.
mtrun() {
	local who=$1 mode=$2 dir=$3; shift 3
	local targv margs run=()
	split_argv "$@"
	mkdir -p "$dir"
	chmod 777 "$dir"
	[ "$who" = nobody ] && run=(as_nobody)
	mt_via run "$mode" \
		"${margs[@]}" -o "$dir/log" -- "${targv[@]}" > "$dir/out" \
		2> "$dir/err"
}

# result NAME OK WHY: PASS or FAIL with the run's records.
result() {
	if [ "$2" = 0 ]; then
		pass "$1"
	else
		fail "$1" "$3: $(cat "$4/log" "$4/err" 2>/dev/null | head -c 700 | tr '\n' '|')"
	fi
}

# --- a mapping without map_files ------------------------------------
# mprotect(PROT_READ|PROT_EXEC) of a private libc mapping: the stack
# check reads the mapped file's ELF headers, which a user reaches by
# the mapping's path (proven by device and inode), not map_files. And a
# library in a directory named fd/ is a mapping, not an fd.
LIBC=$(readlink -f "$(ldd "$T/mprotlib" | awk '/libc\.so/ {print $3}')")
mkdir -p "$D/fd"
cp "$L/libok.so" "$D/fd/libok.so"
chmod -R a+rX "$D/fd"
for who in $WHOS; do
	for mode in $MODES; do
		dir=$D/libc.$who.${mode/,/_}
		mtrun "$who" "$mode" "$dir" "$T/mprotlib" allow "$LIBC" -- \
			-m trace/allow_unsafe_exec_memory:1
		rc=$?
		ok=1; [ $rc -eq 0 ] && ! grep -q deny "$dir/log" && ok=0
		result "facts/mprotect-libc-$who [$mode]" $ok "exit $rc" "$dir"

		dir=$D/fddir.$who.${mode/,/_}
		mtrun "$who" "$mode" "$dir" "$T/mprotlib" allow \
			"$D/fd/libok.so" -- -m sandbox/exec:on \
			-m 'allow/exec+/***' -m trace/allow_unsafe_exec_memory:1
		rc=$?
		ok=1; [ $rc -eq 0 ] && ! grep -q deny "$dir/log" && ok=0
		result "facts/dir-named-fd-$who [$mode]" $ok "exit $rc" "$dir"
	done
done

# --- a mapping whose path now names another file --------------------
# The mapped library's path is renamed over by a text file after the
# mmap: the path no longer proves the mapping. Root reaches the mapped
# library through map_files and allows it; a user cannot prove which
# file is mapped and is refused (fail closed), never judging the text
# file that the path now names.
R2=$D/renamed
mkdir -p "$R2"
chmod 777 "$R2"
# Whether this user (the suite's) may open /proc/PID/map_files.
me=$BASHPID
range=$(awk '$6 ~ /^\// { print $1; exit }' "/proc/$me/maps")
own_map_files=no
head -c 1 "/proc/$me/map_files/$range" >/dev/null 2>&1 && own_map_files=yes
for who in $WHOS; do
	for mode in $MODES; do
		dir=$D/renamed.$who.${mode/,/_}
		lib=$R2/lib.$who.${mode/,/_}.so
		cp "$L/libok.so" "$lib"
		printf 'not an ELF file\n' > "$lib.txt"
		chmod a+rw "$lib" "$lib.txt"
		expect=deny
		[ "$who" = root ] && [ $own_map_files = yes ] && expect=allow
		mtrun "$who" "$mode" "$dir" "$T/mprotlib" $expect "$lib" \
			"$lib.txt" -- -m trace/allow_unsafe_exec_memory:1
		rc=$?
		ok=1
		if [ $expect = allow ]; then
			[ $rc -eq 0 ] && ! grep -q deny "$dir/log" && ok=0
		else
			[ $rc -eq 0 ] && grep -q "mprotect(.*= -EACCES; .*cannot prove which file is mapped" "$dir/log" && ok=0
		fi
		result "facts/renamed-over-$who [$mode]" $ok "exit $rc" "$dir"
	done
done

# --- every mapping of an mprotect range -----------------------------
# One mprotect over an allowed library, a second file and anonymous
# memory (with W^X's exec-gain refusal lifted, so that the file checks
# decide): the second file decides (an exec rule denies it; or it is
# not an ELF file, which the stack check refuses); or shared memory in
# the middle, which W^X refuses.
S=$D/span
mkdir -p "$S"
cp "$L/libok.so" "$S/libok.so"
cp "$L/libok.so" "$S/denied.so"
printf 'not an ELF file\n%.0s' $(seq 300) > "$S/text.txt"
chmod -R a+rX "$S"
# span_case WHO MODE NAME EXPECT WANT SECOND [-- MEMTRACE-ARGS]: one
# mprotect over the allowed library, SECOND and anonymous memory, the
# tracee expecting EXPECT (allow or deny). Allowed: memtrace exits 0
# with no denial; denied: it exits 0 with a record of the mprotect's
# EACCES whose reason matches WANT.
span_case() {
	local who=$1 mode=$2 name=$3 expect=$4 want=$5 second=$6; shift 6
	local dir=$D/span-$name.$who.${mode/,/_} rc ok=1
	mtrun "$who" "$mode" "$dir" "$T/mprotspan" "$expect" \
		"$S/libok.so" "$second" "$@"
	rc=$?
	if [ "$expect" = allow ]; then
		[ $rc -eq 0 ] && ! grep -q deny "$dir/log" && ok=0
	else
		[ $rc -eq 0 ] && grep -q "mprotect(.*= -EACCES; $want" "$dir/log" && ok=0
	fi
	result "facts/mprotect-span-$name-$who [$mode]" $ok "exit $rc" "$dir"
}
for who in $WHOS; do
	for mode in $MODES; do
		span_case "$who" "$mode" rule deny \
			"exec: deny/exec rule $S/denied.so matched; path $S/denied.so" \
			"$S/denied.so" -- -m sandbox/exec:on \
			-m 'allow/exec+/***' -m "deny/exec+$S/denied.so" \
			-m trace/allow_unsafe_exec_memory:1
		span_case "$who" "$mode" not-elf deny \
			"stack: .*(fail closed); path $S/text.txt" \
			"$S/text.txt" -- -m trace/allow_unsafe_exec_memory:1
		span_case "$who" "$mode" shared deny \
			"wx: making \(non-executable\|shared\) memory executable" \
			shared -- -m trace/allow_unsafe_exec_stack:1
		span_case "$who" "$mode" allowed allow - "$S/denied.so" -- \
			-m sandbox/exec:on -m 'allow/exec+/***' \
			-m trace/allow_unsafe_exec_memory:1
	done
done

# --- a file memtrace cannot name ------------------------------------
# Deeper than PATH_MAX: /proc names it with an error, and no exec rule
# can match it; it is refused whatever default/exec says.
comp=$(printf 'd%.0s' $(seq 200))
deep=$( cd "$D" || exit 1
	for _ in $(seq 24); do mkdir -p "$comp" && cd "$comp" || exit 1; done
	cp "$L/libok.so" lib.so && pwd -P 2>/dev/null | wc -c )
chmod -R a+rX "$D/$comp"
if [ "${deep:-0}" -le 4096 ]; then
	skip "facts/unnamable [all modes]" "could not build a tree deeper than PATH_MAX"
else
	for who in $WHOS; do
		for mode in $MODES; do
			dir=$D/deep.$who.${mode/,/_}
			( cd "$D" && for _ in $(seq 24); do cd "$comp" || exit 1; done
			  mtrun "$who" "$mode" "$dir" "$T/maplib" \
				map lib.so EACCES - - -- -m sandbox/exec:on \
				-m default/exec:allow -m "deny/exec+$D/***" )
			rc=$?
			ok=1
			[ $rc -eq 0 ] && grep -q "= -EACCES; exec: memtrace cannot name the file (.*): its path is longer than PATH_MAX (fail closed); tip: -m sandbox/exec:off" "$dir/log" && ok=0
			result "facts/unnamable-$who [$mode]" $ok "exit $rc" "$dir"

			# Mapped readable, then made executable: the mapping
			# has no path in /proc/PID/maps, only its inode.
			dir=$D/deep-mprotect.$who.${mode/,/_}
			( cd "$D" && for _ in $(seq 24); do cd "$comp" || exit 1; done
			  mtrun "$who" "$mode" "$dir" "$T/mprotlib" deny lib.so \
				-- -m sandbox/exec:on -m default/exec:allow \
				-m "deny/exec+$D/***" -m trace/allow_unsafe_exec_stack:1 \
				-m trace/allow_unsafe_exec_memory:1 )
			rc=$?
			ok=1
			[ $rc -eq 0 ] && grep -q "mprotect(.*= -EACCES; exec: .*(fail closed)" "$dir/log" && ok=0
			result "facts/unnamable-mprotect-$who [$mode]" $ok "exit $rc" "$dir"
		done
	done
fi

# --- the parent directory the tracee sees ---------------------------
# The tracee bind-mounts a directory nobody owns over a root-owned one
# in its own mount namespace: under tpe/root_owned the library is still
# refused (memtrace looks through /proc/PID/root, not its own mounts).
N=$D/tpe-ns
mkdir -p "$N/lib"
cp "$L/libok.so" "$N/lib/libok.so"
chmod -R a+rX "$N"
chown -R 65534 "$N/lib" 2>/dev/null
MNT=/opt
for who in $WHOS; do
	if [ "$who" = nobody ]; then run_who=(as_nobody); else run_who=(); fi
	if [ "$(stat -c %u "$N/lib")" != 65534 ]; then
		skip "facts/tpe-mount-namespace-$who [all modes]" "cannot chown a directory to nobody"
		continue
	elif ! e=$("${run_who[@]}" unshare -Urm sh -c "mount --bind '$N/lib' $MNT" 2>&1); then
		skip "facts/tpe-mount-namespace-$who [all modes]" "unshare -Urm with a bind mount is not permitted here: $e"
		continue
	fi
	for mode in $MODES; do
		dir=$D/tpens.$who.${mode/,/_}
		mtrun "$who" "$mode" "$dir" unshare -Urm sh -c \
			"mount --bind '$N/lib' $MNT && exec '$T/maplib' map $MNT/libok.so EACCES - -" \
			-- -m sandbox/tpe:on -m tpe/root_owned:true
		rc=$?
		ok=1
		[ $rc -eq 0 ] && grep -q "= -EACCES; tpe: parent directory $MNT is owned by uid 65534, not root (tpe/root_owned); path $MNT/libok.so" "$dir/log" && ok=0
		result "facts/tpe-mount-namespace-$who [$mode]" $ok "exit $rc" "$dir"
	done
done

# --- deleted is told by the file ------------------------------------
# A live file whose name ends in " (deleted)" is a file like any other;
# an unlinked one is still refused as deleted.
X=$D/named
mkdir -p "$X"
cp "$L/libok.so" "$X/x (deleted)"
chmod -R a+rX "$X"
for who in $WHOS; do
	for mode in $MODES; do
		dir=$D/named.$who.${mode/,/_}
		cp -f "$L/libok.so" "$X/gone.so"
		chmod 777 "$X"
		mtrun "$who" "$mode" "$dir" "$T/maplib" \
			map "$X/x (deleted)" ok - - \
			deleted "$X/gone.so" EACCES - - -- -m sandbox/exec:on \
			-m 'allow/exec+/***'
		rc=$?
		ok=1
		[ $rc -eq 0 ] && [ "$(grep -c deny "$dir/log")" = 1 ] &&
			grep -q "path deleted:$X/gone.so" "$dir/log" && ok=0
		result "facts/live-deleted-name-$who [$mode]" $ok "exit $rc" "$dir"
	done
done

# --- READ_IMPLIES_EXEC ----------------------------------------------
# An execute-only i386 program without PT_GNU_STACK runs with
# READ_IMPLIES_EXEC. As root memtrace reads the personality and kills
# it; as nobody the process is not dumpable, its personality cannot be
# read, and it is killed all the same (fail closed).
if ! can_run_i386; then
	skip "facts/read-implies-exec [all modes]" "$i386_reason"
else
	R=$D/rie
	mkdir -p "$R"
	chmod 755 "$R"
	"$MT_ROOT/build/tools/strip_gnustack" "$T/i386/wx32" "$R/wx32" &&
		chmod 0311 "$R/wx32"
	for who in $WHOS; do
		for mode in $MODES; do
			dir=$D/rie.$who.${mode/,/_}
			mtrun "$who" "$mode" "$dir" "$R/wx32" allow 2>/dev/null -- \
				-m trace/allow_unsafe_exec_stack:1
			rc=$?
			ok=1
			[ $rc -eq 137 ] && grep -q " execve(.*) = 0; wx: .*READ_IMPLIES_EXEC.*killed after exec" "$dir/log" && ok=0
			result "facts/read-implies-exec-$who [$mode]" $ok "exit $rc" "$dir"
		done
	done
fi

# --- the personality, read where an exec may have left RIE set -----
# An exec of an x86_64 program whose PT_GNU_STACK is not executable
# clears READ_IMPLIES_EXEC (the kernel's set_personality_64bit), so
# memtrace reads no /proc/PID/personality for it, even where the
# process had the flag (setarch -X). Without PT_GNU_STACK, or for an
# i386 program, it is read (facts/read-implies-exec: and refused).
# persona_case NAME MODE WANT K WRAPPER MEMTRACE-ARGV...: memtrace
# (through the command in the array named WRAPPER) exits 0 having read
# the personality WANT times; run K's files in $dir.
persona_case() {
	local name=$1 mode=$2 want=$3 k=$4 wrap=$5 rc n ok=1
	shift 5
	mt_via "$wrap" "$mode" MEMTRACE_STATS="$dir/s$k" -o "$dir/log$k" \
		"$@" > "$dir/out$k" 2> "$dir/err$k"
	rc=$?
	n=$(sed -n 's/^persona_reads=//p' "$dir/s$k")
	[ $rc -eq 0 ] && [ "$n" = "$want" ] && ok=0
	result "$name [$mode]" $ok "exit $rc, persona_reads $n (want $want)" "$dir"
}
if [ "$(uname -m)" != x86_64 ]; then
	skip "facts/persona-not-read [all modes]" "x86_64 hosts only (exec_clears_rie)"
else
	P=$D/persona
	mkdir -p "$P"
	chmod 755 "$P"
	"$MT_ROOT/build/tools/strip_gnustack" "$T/wx" "$P/wx-nostack"
	chmod 755 "$P/wx-nostack"
	rie=(setarch x86_64 --read-implies-exec) none=()
	for mode in $MODES; do
		dir=$D/persona.${mode/,/_}
		mkdir -p "$dir"
		persona_case facts/persona-not-read "$mode" 0 1 rie -- \
			"$T/wx" deny
		persona_case facts/persona-read-no-gnu-stack "$mode" 1 2 none \
			-m trace/allow_unsafe_exec_stack:1 -- "$P/wx-nostack" deny
		if can_run_i386; then
			persona_case facts/persona-read-i386 "$mode" 1 3 none \
				-- "$T/i386/wx32" deny
		else
			skip "facts/persona-read-i386 [$mode]" "$i386_reason"
		fi
	done
fi

# --- a process a user may not look into -----------------------------
# An execute-only program is not dumpable: a user's memtrace cannot
# read its fds, and says so, with no tip that would not help.
if [[ $WHOS == *nobody* ]]; then
	XO=$D/xo
	mkdir -p "$XO"
	cp "$T/maplib" "$XO/maplib"
	chmod 0711 "$XO/maplib"
	for mode in $MODES; do
		dir=$D/xo.${mode/,/_}
		# With W^X's and the fd check lifted, the exec rules are what
		# needs the files: the program itself cannot be read.
		mtrun nobody "$mode" "$dir" "$XO/maplib" map "$L/libok.so" ok - - \
			-- -m trace/allow_unsafe_exec_memory:1 \
			-m trace/allow_unsafe_exec_stack:1 -m sandbox/exec:on \
			-m 'allow/exec+/***'
		rc=$?
		ok=1
		[ $rc -eq 137 ] && grep -q "execve(\"?\", \[.*\]) = 0; exec: cannot read the file (fail closed): memtrace (uid 65534) may not read the program of process [0-9]*: the process is not dumpable" "$dir/log" &&
			! grep -q 'default/fd:allow' "$dir/log" && ok=0
		result "facts/not-dumpable-record [$mode]" $ok "exit $rc" "$dir"

		# Its brk, under a memory limit: the break cannot be read.
		cp "$T/memgrow" "$XO/memgrow"
		chmod 0711 "$XO/memgrow"
		dir=$D/xo-brk.${mode/,/_}
		mtrun nobody "$mode" "$dir" "$XO/memgrow" sbrk deny 4M -- \
			-m trace/allow_unsafe_exec_memory:1 \
			-m trace/allow_unsafe_exec_stack:1 -m default/fd:allow \
			-m sandbox/mem:on -m mem/vm_max:1G
		rc=$?
		ok=1
		grep -q "brk(.*= break unchanged; mem: cannot read .*: memtrace (uid 65534) may not read /proc of process [0-9]*: the process is not dumpable" "$dir/log" && ok=0
		result "facts/not-dumpable-brk-record [$mode]" $ok "exit $rc" "$dir"
	done
fi
