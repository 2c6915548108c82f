# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Debugging a denial: backtraces (-k), the process stopped for a
# debugger (--stop-on-deny), the summary (-c) and the learning run
# (--learn).
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/debug
mkdir -p "$D"
chmod 755 "$D"
deep=$T/deepcall

# The text record of one run, without its backtrace lines.
record_lines() { grep '^memtrace: ' "$1" | grep -v 'attach with\|summary' | normalise; }
frame_lines() { grep '^    #' "$1"; }

# --- backtraces --------------------------------------------------------

support=$("$mt" --version | sed -n 's/^backtraces: //p')
case $support in
"yes (libunwind-ptrace)"|"no (built without libunwind)")
	pass "debug/version ($support)" ;;
*)	fail debug/version "no backtraces line: $("$mt" --version | tr '\n' ' ')" ;;
esac

# The call site: libc's mmap, then do_wx_mmap, level3, level2, level1
# and main of deepcall, in that order.
bt_case() {
	local mode=$1 dir=$D/bt.${1/,/_}
	mkdir -p "$dir"
	mt_run "$mode" -k -o "$dir/log" \
		-- "$deep" wx > "$dir/out" 2> "$dir/err"
	local rc=$?
	mt_run "$mode" -o "$dir/plain" \
		-- "$deep" wx > /dev/null 2>&1
	local funcs mods
	funcs=$(frame_lines "$dir/log" | sed -n 's/.*(\([A-Za-z_0-9]*\)+0x[0-9a-f]*) \[0x[0-9a-f]*\]$/\1/p' | tr '\n' ' ')
	mods=$(frame_lines "$dir/log" | sed -n 's/^    #[0-9]* *\([^(]*\)(.*/\1/p')
	if [ $rc -ne 0 ] || ! grep -qx result=13 "$dir/out"; then
		fail "debug/backtrace [$mode]" "exit $rc, $(cat "$dir/out")"
	elif ! [[ $funcs == *"do_wx_mmap level3 level2 level1 main "* ]]; then
		fail "debug/backtrace [$mode]" "frames: $funcs"
	elif [[ $(head -1 <<< "$mods") != */libc.so* ]] ||
	     [ "$(sed -n 2p <<< "$mods")" != "$deep" ]; then
		fail "debug/backtrace [$mode]" "modules: $(tr '\n' ' ' <<< "$mods")"
	elif ! diff <(record_lines "$dir/log") <(record_lines "$dir/plain") > /dev/null; then
		fail "debug/backtrace [$mode]" "the record itself changed with -k"
	else
		pass "debug/backtrace [$mode]"
	fi
	# The same as JSON: "bt" with ip, module, func and off.
	mt_run "$mode" -k --json \
		-o "$dir/log.json" -- "$deep" wx > /dev/null 2>&1
	if ! why=$(json_check "$dir/log.json" 1); then
		fail "debug/backtrace/json [$mode]" "$why"
	elif ! jq -e '(.bt | length) >= 6 and (.bt_end == null)
		and all(.bt[]; (.ip | test("^0x[0-9a-f]+$"))
			and (.off | type) == "number")
		and ([.bt[].func] | index(["do_wx_mmap","level3","level2","level1","main"]) != null)
		and .bt[1].module == $deep' --arg deep "$deep" "$dir/log.json" > /dev/null; then
		fail "debug/backtrace/json [$mode]" "$(head -c 400 "$dir/log.json")"
	else
		pass "debug/backtrace/json [$mode]"
	fi
}

if [ "${support%% *}" = yes ]; then
	for mode in $MODES; do
		bt_case "$mode"
	done

	# --stack-depth: exactly N frames and a line saying why it ended.
	"$mt" -k --stack-depth 3 -o "$D/depth.log" -- "$deep" wx > /dev/null 2>&1
	n=$(frame_lines "$D/depth.log" | wc -l)
	if [ "$n" -eq 3 ] && grep -qx '    -- depth limit 3 reached (--stack-depth)' "$D/depth.log"; then
		pass debug/backtrace/depth
	else
		fail debug/backtrace/depth "$n frames: $(tail -2 "$D/depth.log" | tr '\n' '|')"
	fi

	# A stack that cannot be unwound: one frame, a marker, no hang.
	for mode in seccomp,info ptrace,regs; do
		dir=$D/bad.${mode/,/_}
		mkdir -p "$dir"
		# shellcheck disable=SC2046
		bounded=(timeout 20)
		mt_via bounded "$mode" -k \
			-o "$dir/log" -- "$deep" badstack > "$dir/out" 2> "$dir/err"
		rc=$?
		n=$(frame_lines "$dir/log" | wc -l)
		if [ $rc -eq 0 ] && grep -qx result=13 "$dir/out" && [ "$n" -eq 1 ] &&
		   frame_lines "$dir/log" | grep -q '(bad_stack_mmap+0x' &&
		   grep -q '^    -- cannot unwind further' "$dir/log"; then
			pass "debug/backtrace/unwindable [$mode]"
		else
			fail "debug/backtrace/unwindable [$mode]" "exit $rc, $n frames: $(tail -3 "$dir/log" | tr '\n' '|')"
		fi
	done
else
	skip "debug/backtrace [all modes]" "memtrace was built without libunwind"
fi

# Without libunwind (NO_UNWIND=1): the same tracer with tracer/stack.c
# compiled without MEMTRACE_HAVE_UNWIND, linked ahead of the library's
# (a whole NO_UNWIND build takes longer than this file): the IP and its
# module, and the reason.
nounwind_case() {
	local san='' obj=$D/stack-nounwind.o bin=$D/memtrace-nounwind libs
	[ "${B:-build}" = build-san ] &&
		san="-fsanitize=address,undefined -fno-omit-frame-pointer"
	libs="$(pkg-config --libs libseccomp libelf libcrypto zlib libunwind-ptrace) -liberty"
	# shellcheck disable=SC2046,SC2086
	if ! cc -std=gnu11 -O2 -D_GNU_SOURCE $san -I"$MT_ROOT" \
		$(pkg-config --cflags libseccomp) -c "$MT_ROOT/tracer/stack.c" \
		-o "$obj" 2> "$D/nounwind.err" ||
	   ! cc $san -o "$bin" "$MT_ROOT/${B:-build}/tracer/main.o" "$obj" \
		"$MT_ROOT/${B:-build}/libmemtrace.a" $libs 2>> "$D/nounwind.err"; then
		fail debug/backtrace/no-libunwind "cannot build: $(head -c 300 "$D/nounwind.err")"
		return
	fi
	"$bin" -k -o "$D/nounwind.log" -- "$deep" wx > /dev/null 2>&1
	local v; v=$("$bin" --version | grep '^backtraces:')
	if [ "$v" = "backtraces: no (built without libunwind)" ] &&
	   [ "$(frame_lines "$D/nounwind.log" | wc -l)" -eq 1 ] &&
	   frame_lines "$D/nounwind.log" | grep -q '/libc.so[^(]*(+0x[0-9a-f]*) \[0x' &&
	   grep -qx '    -- the IP and its module only: memtrace was built without libunwind' "$D/nounwind.log"; then
		pass debug/backtrace/no-libunwind
	else
		fail debug/backtrace/no-libunwind "$v; $(tail -2 "$D/nounwind.log" | tr '\n' '|')"
	fi
}
nounwind_case

# --- stopped for a debugger --------------------------------------------

# --stop-on-deny: the W^X denial leaves deepcall stopped and detached; a
# second tracer finds it right after the syscall instruction with
# rax = -EACCES, at the IP of the record's first frame.
stop_on_deny_case() {
	local mode=$1 dir=$D/stop.${1/,/_} pid
	stop_case "$mode" "$dir" --stop-on-deny -k -- "$deep" wx
	pid=$stop_pid
	if [ -z "$pid" ]; then
		stop_end
		fail "debug/stop-on-deny [$mode]" "no stop: $(head -c 300 "$dir/log")"
		return
	fi
	"$T/attacher" "$pid" 13 > "$dir/att" 2> "$dir/att.err"
	local arc=$?
	{ wait_bounded "$stop_mt" 10; } 2> /dev/null; local rc=$?
	local rip ip0
	rip=$(sed -n 's/^rip=\(0x[0-9a-f]*\) .*/\1/p' "$dir/att")
	ip0=$(frame_lines "$dir/log" | head -1 | sed -n 's/.*\[\(0x[0-9a-f]*\)\]$/\1/p')
	if [ $arc -ne 0 ]; then
		fail "debug/stop-on-deny [$mode]" "attacher: $(cat "$dir/att" "$dir/att.err" | tr '\n' ' ')"
	elif { [ $rc -ne 137 ] && [ $rc -ne 147 ]; } ||
	     [ "$(grep -c '^memtrace: stop ' "$dir/log")" -ne 1 ]; then
		# 137: memtrace waited for the process and saw it killed;
		# 147: it left, reporting a stopped job (see ACTIONS).
		fail "debug/stop-on-deny [$mode]" "memtrace exit $rc (want 137 or 147), records: $(record_lines "$dir/log" | head -c 300)"
	elif [ "${support%% *}" = yes ] && [ "$rip" != "$ip0" ]; then
		fail "debug/stop-on-deny [$mode]" "thread at $rip, first frame at $ip0"
	else
		pass "debug/stop-on-deny [$mode] ($(cat "$dir/att"))"
	fi
}

if [ "$(uname -m)" = x86_64 ]; then
	for mode in $MODES; do
		stop_on_deny_case "$mode"
	done
else
	skip "debug/stop-on-deny" "the attacher's register check is written for x86_64"
fi

# filter stays filter: no record, no stop.
"$mt" --stop-on-deny -m default/wx:filter -o "$D/filter.log" -- "$deep" wx > "$D/filter.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx result=13 "$D/filter.out" && [ ! -s "$D/filter.log" ]; then
	pass debug/stop-on-deny/filter
else
	fail debug/stop-on-deny/filter "exit $rc, $(head -c 200 "$D/filter.log")"
fi

# --- summary -----------------------------------------------------------

# field FILE SYSCALL COLUMN: a number from the summary table (columns:
# 3 calls, 4 allowed, 5 warned, 6 denied, 7 bytes requested).
field() {
	awk -v s="$2" -v c="$3" '$1 == s && $2 == "x86_64" {print $c; f=1} END {if (!f) print 0}' "$1"
}
hits() {
	awk -v s="$2" 'p && $1 == s {print $2; f=1} /^check / {p=1} /^$/ {p=0} END {if (!f) print 0}' "$1"
}

# deepcall counts N: per round 3 mmap (1 denied by wx, 24 KiB asked),
# 1 mremap (16 KiB more), 1 mprotect (denied): the difference between
# N=3 and N=0 is what the tracee did; startup is the same in both.
summary_case() {
	local mode=$1 dir=$D/sum.${1/,/_} n
	mkdir -p "$dir"
	for n in 0 3; do
		mt_run "$mode" -c \
			-m sandbox/mem:on -m mem/vm_max:1T -o "$dir/log$n" \
			-- "$deep" counts $n > "$dir/out$n" 2> "$dir/err$n" || {
			fail "debug/summary [$mode]" "counts $n: exit $?: $(cat "$dir/err$n")"
			return
		}
	done
	local want got="" bad=""
	d() { echo $(( $(field "$dir/log3" "$1" "$2") - $(field "$dir/log0" "$1" "$2") )); }
	for want in "mmap 3 9" "mmap 4 6" "mmap 5 0" "mmap 6 3" "mmap 7 73728" \
		    "mremap 3 3" "mremap 6 0" "mremap 7 49152" \
		    "mprotect 3 3" "mprotect 6 3" "mprotect 7 0"; do
		set -- $want
		got=$(d "$1" "$2")
		[ "$got" = "$3" ] || bad="$bad $1/col$2=$got(want $3)"
	done
	local h=$(( $(hits "$dir/log3" wx) - $(hits "$dir/log0" wx) ))
	[ "$h" -eq 6 ] || bad="$bad wx-hits=$h(want 6)"
	# Peak VmSize: the tracee's own reading with its 64 MiB mapping in
	# place, sampled by memtrace at the next stop.
	local vm peak
	vm=$(sed -n 's/^vmsize=\([0-9]*\) .*/\1/p' "$dir/out3")
	peak=$(awk '$NF == "deepcall" && $1 ~ /^[0-9]+$/ {print $2}' "$dir/log3")
	if [ -z "$vm" ] || [ -z "$peak" ] || [ "$peak" -lt $((vm / 1024)) ] ||
	   [ "$peak" -gt $((vm / 1024 + 1024)) ]; then
		bad="$bad peak-VmSize=${peak:-none}KiB(tracee saw $((${vm:-0} / 1024)))"
	fi
	grep -q '^memtrace: summary: [0-9.]* s traced' "$dir/log3" || bad="$bad no-wall-time"
	if [ -n "$bad" ]; then
		fail "debug/summary [$mode]" "$bad"
	else
		pass "debug/summary [$mode]"
	fi
}
for mode in seccomp,info ptrace,regs; do
	summary_case "$mode"
done

# warn counts as warned; --json gives one summary object.
"$mt" -c -m default/wx:warn -o "$D/sumwarn.log" -- "$deep" wx > "$D/sumwarn.out" 2>&1
w=$(field "$D/sumwarn.log" mmap 5)
if grep -qx result=0 "$D/sumwarn.out" && [ "$w" -eq 1 ] &&
   [ "$(hits "$D/sumwarn.log" wx)" -eq 1 ]; then
	pass debug/summary/warn
else
	fail debug/summary/warn "warned $w: $(cat "$D/sumwarn.out")"
fi
# An exec whose program and interpreter both warn counts once.
"$mt" -c -m sandbox/exec:on -m default/exec:warn -o "$D/sumexec.log" -- "$deep" wx > /dev/null 2>&1
if [ "$(field "$D/sumexec.log" execve 3)" -eq 1 ] && [ "$(field "$D/sumexec.log" execve 5)" -eq 1 ] &&
   [ "$(field "$D/sumexec.log" execve 4)" -eq 0 ] && [ "$(hits "$D/sumexec.log" exec)" -ge 2 ]; then
	pass debug/summary/exec
else
	fail debug/summary/exec "$(grep -A1 '^execve\|^check' "$D/sumexec.log" | tr '\n' '|')"
fi
# An exec that filter kills writes no record and still counts as
# denied, with its check's hit, as a call filter denies does.
{ "$mt" -c -m sandbox/exec:on -m default/exec:filter -o "$D/sumfilter.log" -- "$deep" wx > /dev/null; } 2>/dev/null
if [ "$(field "$D/sumfilter.log" execve 3)" -eq 1 ] && [ "$(field "$D/sumfilter.log" execve 6)" -eq 1 ] &&
   [ "$(field "$D/sumfilter.log" execve 4)" -eq 0 ] && [ "$(hits "$D/sumfilter.log" exec)" -eq 1 ] &&
   ! grep -q '^memtrace: .*execve(' "$D/sumfilter.log"; then
	pass debug/summary/exec-filter
else
	fail debug/summary/exec-filter "$(grep -A1 '^execve\|^check\|execve(' "$D/sumfilter.log" | tr '\n' '|')"
fi
"$mt" -c --json -m sandbox/mem:on -m mem/vm_max:1T -o "$D/sum.json" -- "$deep" counts 1 > /dev/null 2>&1
if jq -e -s 'map(select(.ctx == "summary")) | length == 1 and
	(.[0].calls | map(select(.sys == "mprotect"))[0].denied == 1) and
	(.[0].checks | map(select(.cap == "wx"))[0].hits == 2) and
	(.[0].procs[0].vm_peak > 67108864) and (.[0].wall | type) == "number"' \
	"$D/sum.json" > /dev/null 2>&1; then
	pass debug/summary/json
else
	fail debug/summary/json "$(tail -c 400 "$D/sum.json")"
fi

# --- learning run -------------------------------------------------------

# learn_case NAME MODE COMMAND...: learn, check the profile's form, rerun
# under it: the same output, exit 0, no record at all.
learn_case() {
	local name=$1 mode=$2; shift 2
	local dir=$D/learn.$name.${mode/,/_}
	mkdir -p "$dir"
	"$@" > "$dir/native" 2>&1
	mt_run "$mode" --learn "$dir/profile" \
		-o "$dir/learn.log" -- "$@" > "$dir/out1" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$dir/profile" ]; then
		fail "debug/learn/$name [$mode]" "learning run: exit $rc, $(tail -c 300 "$dir/learn.log")"
		return
	fi
	local bad=""
	for l in sandbox/exec:on sandbox/tpe:on sandbox/force:on sandbox/mem:on; do
		grep -qx "$l" "$dir/profile" || bad="$bad no-$l"
	done
	grep -q '^mem/vm_max:[0-9]*M$' "$dir/profile" || bad="$bad no-vm_max"
	grep -q '^mem/max:[0-9]*M$' "$dir/profile" || bad="$bad no-mem/max"
	grep -q '^force+/.*:sha256:[0-9a-f]\{64\}$' "$dir/profile" || bad="$bad no-force"
	grep -q '^allow/exec+/' "$dir/profile" || bad="$bad no-allow/exec"
	# Each rule has a comment line above it.
	awk 'prev !~ /^#/ && $0 !~ /^#/ && $0 != "" && $0 !~ /^sandbox\// {print; exit 1} {prev=$0}' \
		"$dir/profile" > /dev/null || bad="$bad rule-without-comment"
	grep -q "NOT\|no rule could allow" "$dir/profile" && bad="$bad unlearned-calls"
	mt_run "$mode" -P "$dir/profile" \
		-o "$dir/rerun.log" -- "$@" > "$dir/out2" 2>&1
	rc=$?
	if [ -n "$bad" ]; then
		fail "debug/learn/$name [$mode]" "profile:$bad"
	elif [ $rc -ne 0 ] || [ -s "$dir/rerun.log" ] || ! cmp -s "$dir/native" "$dir/out2"; then
		fail "debug/learn/$name [$mode]" "rerun: exit $rc, $(head -c 400 "$dir/rerun.log" | tr '\n' '|')"
	else
		pass "debug/learn/$name [$mode] ($(grep -c '^[a-z]' "$dir/profile") rules)"
	fi
}

for mode in seccomp,info ptrace,regs; do
	learn_case pipeline "$mode" sh -c 'ls / | wc -l'
done
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import json, sqlite3' 2>/dev/null; then
	learn_case python seccomp,info /usr/bin/python3 -c 'import json, sqlite3'
	if ! grep -q '^force+/.*_sqlite3[^:]*\.so:sha256:' "$D/learn.python.seccomp_info/profile"; then
		fail debug/learn/python/extension "no force rule for the _sqlite3 extension"
	else
		pass debug/learn/python/extension
	fi
else
	skip debug/learn/python "no /usr/bin/python3 with the sqlite3 module"
fi

# The profile enforces: a private copy of a program, learned, then one
# byte changed where it does not stop it from running (the last byte:
# section headers). The rerun kills it at exec with a force record.
force_flip_case() {
	local dir=$D/flip prog
	mkdir -p "$dir"
	chmod 755 "$dir"
	prog=$dir/true
	cp "$(readlink -f /bin/true)" "$prog"
	"$mt" --learn "$dir/profile" -o "$dir/learn.log" -- "$prog" || {
		fail debug/learn/force-flip "learning run failed: $(tail -c 300 "$dir/learn.log")"
		return
	}
	"$mt" -P "$dir/profile" -o "$dir/same.log" -- "$prog"
	local rc0=$?
	local size; size=$(stat -c %s "$prog")
	local last; last=$(od -An -tu1 -j $((size - 1)) -N1 "$prog" | tr -d ' ')
	printf "$(printf '\\%03o' $(( (last + 1) % 256 )))" |
		dd of="$prog" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
	if ! "$prog"; then
		fail debug/learn/force-flip "the changed copy no longer runs: the case proves nothing"
		return
	fi
	"$mt" -P "$dir/profile" -o "$dir/flip.log" -- "$prog"
	local rc=$?
	if [ $rc0 -ne 0 ] || [ -s "$dir/same.log" ]; then
		fail debug/learn/force-flip "the unchanged copy was refused: $(head -c 300 "$dir/same.log")"
	elif [ $rc -eq 137 ] && grep -q "^memtrace: deny .* execve(\"$prog\", \[.*\]) = 0; force: sha256 digest mismatch: .*; path $prog;" "$dir/flip.log"; then
		pass debug/learn/force-flip
	else
		fail debug/learn/force-flip "exit $rc (want 137), $(head -c 400 "$dir/flip.log")"
	fi
}
force_flip_case 2> "$D/flip.err"

# --- options --------------------------------------------------------------

out=$("$mt" --stack-depth 0 true 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q 'stack-depth: "0" is not a number from 1 to 256' <<< "$out"; then
	pass debug/usage/stack-depth
else
	fail debug/usage/stack-depth "exit $rc: $out"
fi
out=$("$mt" --learn "$D/x" -p 1 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q -- '--learn needs a command' <<< "$out" && [ ! -e "$D/x" ]; then
	pass debug/usage/learn-attach
else
	fail debug/usage/learn-attach "exit $rc: $out"
fi
out=$("$mt" --learn 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q -- 'option --learn needs an argument' <<< "$out"; then
	pass debug/usage/learn-argument
else
	fail debug/usage/learn-argument "exit $rc: $out"
fi

# -k demangles C++ frames (libiberty): demo::Jit::MakeExecutable(unsigned
# long), not _ZN4demo3Jit14MakeExecutableEm; a build without libiberty
# says so in --version and keeps the mangled name.
cxx_case() {
	local bin=$D/cxxjit
	if ! command -v g++ > /dev/null 2>&1; then
		skip debug/backtrace/demangle "g++ is not installed (tools/deps.sh check installs it)"
		return
	fi
	if ! g++ -O0 -g -fasynchronous-unwind-tables -o "$bin" \
		"$MT_ROOT/testsuite/tracees/cxx/jit.cc" 2> "$D/cxx.err"; then
		fail debug/backtrace/demangle "g++: $(head -c 300 "$D/cxx.err")"
		return
	fi
	"$mt" -k -o "$D/cxx.log" -- "$bin" > "$D/cxx.out" 2>&1
	if ! "$mt" --version | grep -qx 'demangling: yes (libiberty)'; then
		if grep -q '_ZN4demo3Jit14MakeExecutableEm+0x' "$D/cxx.log"; then
			pass "debug/backtrace/demangle (built without libiberty: mangled)"
		else
			fail debug/backtrace/demangle "$(head -c 400 "$D/cxx.log")"
		fi
		return
	fi
	if grep -q 'deny pid=.* = -EACCES; wx: ' "$D/cxx.log" &&
	   grep -Eq '^    #[0-9]+ +[^ ]*/cxxjit\(demo::Jit::MakeExecutable\(unsigned long\)\+0x[0-9a-f]+\) \[0x' "$D/cxx.log" &&
	   ! grep -q '_ZN4demo' "$D/cxx.log" && grep -qx denied "$D/cxx.out"; then
		pass debug/backtrace/demangle
	else
		fail debug/backtrace/demangle "$(head -c 500 "$D/cxx.log")"
	fi
}
cxx_case
