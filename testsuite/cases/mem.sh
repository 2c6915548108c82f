# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The memory sandbox: mem/vm_max (VmSize) and mem/max (PSS) on every way
# of growing, every action, every mode; tips that allow the call; the
# filter: which calls stop, counted.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

G=$T/memgrow
LIMIT=8M
LIMIT_B=8388608
TOTAL=16M		# twice the limit
TOTAL_B=16777216
base=$MT_TMP/mem
mkdir -p "$base"

# mg NAME MODE MEMTRACE-ARGS... -- TRACEE-ARGV...
# Runs memtrace in MODE; leaves the run's files in $dir (out: the
# tracee's stdout, log: the records, stats) and its status in $rc.
mg() {
	local name=$1 mode=$2; shift 2
	local margs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do margs+=("$1"); shift; done
	shift
	dir=$base/${name//\//_}.${mode/,/_}
	mkdir -p "$dir"
	# The outer 2>/dev/null silences bash's "Killed" and "Aborted".
	{ mt_run "$mode" MEMTRACE_STATS="$dir/stats" \
		 "${margs[@]}" -o "$dir/log" -- \
		"$@" > "$dir/out" 2> "$dir/err"; } 2> /dev/null
	rc=$?
}

# no_record NAME: the run exited 0 and wrote no record.
no_record() {
	if [ $rc -eq 0 ] && [ ! -s "$dir/log" ]; then
		pass "$1"
	else
		fail "$1" "$(said)"
	fi
}

# What a run said, for a failure message.
said() {
	printf 'exit %s; tracee: %s; records: %s' "$rc" \
		"$(cat "$dir/out" "$dir/err" | head -c 300 | tr '\n' '|')" \
		"$(head -c 400 "$dir/log" | tr '\n' '|')"
}

# check_records KEY WHAT SYS: every record of $dir/log is a JSON mem
# denial of the limit KEY (mem/max or mem/vm_max) at $LIMIT_B, failing
# with ENOMEM, whose numbers add up (current + requested >= limit) and
# whose tip names a larger limit, and which carries the numbers as
# Syd's fields too (mem_max, mem_cur, mem_vm_max, mem_vm_cur,
# mem_size: the limit, the current value and the size of the message);
# at least one is for SYS.
check_records() {
	local key=$1 what=$2 sys=$3
	local re="^\\{\"ctx\":\"access\",\"cap\":\"mem\",\"act\":\"deny\",\"sys\":\"(brk|mmap|mremap)\",\"arch\":\"x86_64\",\"pid\":[0-9]+,\"tid\":[0-9]+,\"args\":\\[[0-9,]+\\],\"errno\":\"ENOMEM\",\"msg\":\"$what ([0-9]+) \\+ ([0-9]+) requested >= ${key//\//\\/} $LIMIT_B\",\"tip\":\"${key//\//\\/}:([0-9]+)([KMGT]?)\",\"mem_max\":([0-9]+)(,\"mem_cur\":([0-9]+))?,\"mem_vm_max\":([0-9]+),\"mem_vm_cur\":([0-9]+),\"mem_size\":([0-9]+),\"t\":[0-9]+\\}$"
	local n=0 line
	[ -s "$dir/log" ] || { echo "no record"; return 1; }
	while IFS= read -r line; do
		if ! [[ $line =~ $re ]]; then
			echo "unexpected record: $line"
			return 1
		fi
		local cur=${BASH_REMATCH[2]} req=${BASH_REMATCH[3]}
		local tv=${BASH_REMATCH[4]} unit=${BASH_REMATCH[5]}
		case $unit in
		K) tv=$((tv << 10)) ;; M) tv=$((tv << 20)) ;;
		G) tv=$((tv << 30)) ;; T) tv=$((tv << 40)) ;;
		esac
		if [ $((cur + req)) -lt $LIMIT_B ] || [ "$tv" -le $((cur + req)) ]; then
			echo "numbers do not add up: $line"
			return 1
		fi
		local fmax=${BASH_REMATCH[6]} fcur=${BASH_REMATCH[8]}
		local fvmax=${BASH_REMATCH[9]} fvcur=${BASH_REMATCH[10]}
		[ "$key" = mem/vm_max ] && fmax=$fvmax fcur=$fvcur
		if [ "$fmax" != $LIMIT_B ] || [ "$fcur" != "$cur" ] ||
		   [ "${BASH_REMATCH[11]}" != "$req" ]; then
			echo "fields differ from the message: $line"
			return 1
		fi
		[ "${BASH_REMATCH[1]}" = "$sys" ] && n=$((n + 1))
	done < "$dir/log"
	[ $n -gt 0 ] || { echo "no $sys record among the denials"; return 1; }
	return 0
}

# The sys a growth kind is refused at first.
sys_of() {
	case $1 in
	sbrk|malloc-small) echo brk ;;
	mmap|malloc-large) echo mmap ;;
	mremap|dontunmap) echo mremap ;;
	esac
}

# A denied brk must fail the way glibc's brk wrapper understands (it
# compares the result with the argument register after the call). The
# cases growing through glibc's brk need that; say so once, plainly.
brk_ok=1
mg mem/glibc-sbrk-refused seccomp,info -m sandbox/mem:on \
	-m mem/vm_max:$LIMIT -- "$G" sbrk deny $TOTAL
if [ $rc -eq 0 ] && grep -q '^memgrow sbrk: ENOMEM after' "$dir/out"; then
	pass "mem/glibc-sbrk-refused"
else
	brk_ok=0
	fail "mem/glibc-sbrk-refused" "a refused brk did not fail cleanly through glibc's sbrk, which compares the result with the argument register it passed (the tracer must leave that register as it was): $(said)"
fi
brk_reason="blocked by the failure of mem/glibc-sbrk-refused: glibc's brk wrapper cannot see a refused brk"

# Growth under each limit, each way: refused with ENOMEM before twice
# the limit, cleanly (the tracee checks what it had and grows again
# after giving memory back). mem/vm_max in every mode; mem/max (the
# pages touched, so that PSS grows with VmSize) in both decode paths.
for mode in $MODES; do
	for kind in sbrk mmap mremap dontunmap malloc-large malloc-small; do
		for lim in vm_max:VmSize max:PSS; do
			key=mem/${lim%%:*} what=${lim#*:} touch=
			if [ "$key" = mem/max ]; then
				case $mode in seccomp,regs|ptrace,info) continue ;; esac
				touch="touch"
			fi
			name=mem/$kind/${lim%%:*}
			case $kind in sbrk|malloc-*)
				if [ $brk_ok = 0 ]; then
					skip "$name [$mode]" "$brk_reason"
					continue
				fi
			esac
			mg "$name" "$mode" --json -m sandbox/mem:on \
				-m "$key:$LIMIT" -- "$G" "$kind" deny $TOTAL $touch
			if [ $rc -ne 0 ]; then
				fail "$name [$mode]" "$(said)"
			elif ! w=$(mode_check "$mode" "$dir/stats"); then
				fail "$name [$mode]" "$w"
			elif ! w=$(check_records "$key" "$what" "$(sys_of "$kind")"); then
				fail "$name [$mode]" "$w"
			else
				pass "$name [$mode]"
			fi
		done
	done
done

# PSS counts what is resident, not what is reserved: twice the limit
# never touched passes mem/max (VmSize reaches it, so PSS is read).
for kind in mmap mremap dontunmap; do
	mg "mem/$kind/max-untouched" seccomp,info -m sandbox/mem:on \
		-m mem/max:$LIMIT -- "$G" "$kind" allow $TOTAL
	no_record "mem/$kind/max-untouched"
done

# Under a limit out of reach nothing is refused, and the sandbox on
# without any limit is off.
for rules in "sandbox/mem:on mem/vm_max:1T mem/max:1T" "sandbox/mem:on"; do
	args=()
	for r in $rules; do args+=(-m "$r"); done
	for kind in mmap mremap sbrk; do
		mg "mem/$kind/allowed-${#args[@]}" ptrace,info "${args[@]}" -- \
			"$G" "$kind" allow $TOTAL touch
		no_record "mem/$kind/allowed ($rules)"
	done
done

# The tip is a rule that, added with -m, allows the same call.
for lim in vm_max max; do
	mg "mem/tip-$lim" seccomp,info -m sandbox/mem:on -m "mem/$lim:$LIMIT" \
		-- "$G" once deny $TOTAL touch
	tip=$(sed -n 's/.*; tip: -m \(mem\/[a-z_]*:[0-9]*[KMGT]\{0,1\}\)$/\1/p' "$dir/log")
	if [ $rc -ne 0 ] || [ -z "$tip" ]; then
		fail "mem/tip-$lim" "no tip: $(said)"
		continue
	fi
	mg "mem/tip-$lim-rerun" seccomp,info -m sandbox/mem:on \
		-m "mem/$lim:$LIMIT" -m "$tip" -- "$G" once allow $TOTAL touch
	if [ $rc -eq 0 ] && [ ! -s "$dir/log" ] &&
	   grep -q '^memgrow once: ok$' "$dir/out"; then
		pass "mem/tip-$lim ($tip allows the call)"
	else
		fail "mem/tip-$lim" "-m $tip did not allow the call: $(said)"
	fi
done

# Each action, on one mmap of twice the limit, every mode.
call_re="x86_64 mmap\\(NULL, $TOTAL_B, PROT_READ\\|PROT_WRITE, MAP_PRIVATE\\|MAP_ANONYMOUS, -1, 0\\)"
mem_re="mem: VmSize [0-9]+ \\+ $TOTAL_B requested >= mem/vm_max $LIMIT_B; tip: -m mem/vm_max:[0-9]+M"
# record ACT DENIED: the log holds exactly that one record.
record() {
	local res=
	[ "$2" = 1 ] && res=' = -ENOMEM'
	[ "$(grep -c '^memtrace: [a-z]* pid=' "$dir/log")" = 1 ] &&
		grep -Eq "^memtrace: $1 pid=[0-9]+ tid=[0-9]+ $call_re$res; $mem_re$" "$dir/log"
}
tracee_pid() {
	sed -n 's/^memgrow once: pid \([0-9]*\),.*/\1/p' "$dir/out"
}
# A pid that is gone (or a zombie nobody reaped yet).
gone() {
	local st
	st=$(proc_state "$1")
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}
# The policy of the action cases, before their default/mem:ACT.
act_base=(-m sandbox/mem:on -m "mem/vm_max:$LIMIT")
# deny in every mode; the other actions in two that between them cover
# both modes and both decode paths.
DIAG="seccomp,info ptrace,regs"

for mode in $MODES; do
	mg mem/act-deny "$mode" "${act_base[@]}" -m default/mem:deny \
		-- "$G" once deny $TOTAL
	if [ $rc -eq 0 ] && record deny 1; then
		pass "mem/act-deny [$mode]"
	else
		fail "mem/act-deny [$mode]" "$(said)"
	fi
done

for mode in $DIAG; do
	mg mem/act-warn "$mode" "${act_base[@]}" -m default/mem:warn \
		-- "$G" once allow $TOTAL
	if [ $rc -eq 0 ] && record warn 0 && grep -q '^memgrow once: ok$' "$dir/out"; then
		pass "mem/act-warn [$mode]"
	else
		fail "mem/act-warn [$mode]" "$(said)"
	fi

	mg mem/act-filter "$mode" "${act_base[@]}" -m default/mem:filter \
		-- "$G" once deny $TOTAL
	if [ $rc -eq 0 ] && [ ! -s "$dir/log" ] &&
	   grep -q '^memgrow once: Cannot allocate memory$' "$dir/out"; then
		pass "mem/act-filter [$mode]"
	else
		fail "mem/act-filter [$mode]" "$(said)"
	fi

	mg mem/act-kill "$mode" "${act_base[@]}" -m default/mem:kill \
		-- "$G" once deny $TOTAL
	if [ $rc -eq 137 ] && record kill 1 && ! grep -q '^memgrow once: [CO]' "$dir/out"; then
		pass "mem/act-kill [$mode]"
	else
		fail "mem/act-kill [$mode]" "$(said)"
	fi

	mg mem/act-abort "$mode" "${act_base[@]}" -m default/mem:abort \
		-- "$G" once deny $TOTAL
	if [ $rc -eq 134 ] && record abort 1; then
		pass "mem/act-abort [$mode]"
	else
		fail "mem/act-abort [$mode]" "$(said)"
	fi

	mg mem/act-exit "$mode" "${act_base[@]}" -m default/mem:exit \
		-- "$G" once deny $TOTAL
	if [ $rc -eq 12 ] && record exit 1; then
		pass "mem/act-exit [$mode]"
	else
		fail "mem/act-exit [$mode]" "$(said)"
	fi

	mg mem/act-panic "$mode" "${act_base[@]}" -m default/mem:panic \
		-- "$G" once deny $TOTAL
	p=$(tracee_pid)
	for _ in $(seq 100); do [ -n "$p" ] && gone "$p" && break; sleep 0.05; done
	if [ $rc -eq 134 ] && record panic 1 && [ -n "$p" ] && gone "$p"; then
		pass "mem/act-panic [$mode]"
	else
		fail "mem/act-panic [$mode]" "tracee ${p:-?} $( [ -n "$p" ] && gone "$p" && echo gone || echo alive); $(said)"
	fi
done

# stop: the process is left stopped and detached, memtrace names it.
for mode in $DIAG; do
	dir=$base/act-stop.${mode/,/_}
	# shellcheck disable=SC2086
	stop_case "$mode" "$dir" "${act_base[@]}" -m default/mem:stop -- \
		"$G" once deny $TOTAL
	p=$stop_pid st=$stop_state tracer=$stop_tracer
	ok=0
	[ -n "$p" ] && [ "$p" = "$(tracee_pid)" ] && [ "$st" = T ] &&
		[ "$tracer" = 0 ] && record stop 1 && ok=1
	stop_end; rc=$stop_rc
	if [ $ok = 1 ] && [ $rc -ne 124 ]; then
		pass "mem/act-stop [$mode]"
	else
		fail "mem/act-stop [$mode]" "pid ${p:-none}, state ${st:-?}, tracer ${tracer:-?}; $(said)"
	fi
done

# The filter, from --dump-filter: with the sandbox on, every call that
# can grow stops whatever its arguments; mprotect does not stop for it.
out=$("$mt" --dump-filter -m sandbox/mem:on -m mem/vm_max:$LIMIT)
ok=1
for want in "x86_64 brk(12): trace always" "x86_64 mmap(9): trace always" \
	    "x86_64 mremap(25): trace always" "i386 brk(45): trace always" \
	    "i386 mmap2(192): trace always" "i386 old_mmap(90): trace always" \
	    "i386 mremap(163): trace always" "x86_64 mprotect(10): trace if arg2 & 0x4" \
	    "i386 mprotect(125): trace if arg2 & 0x4"; do
	grep -qxF "$want" <<< "$out" || { ok=0; fail mem/dump-filter "no line \"$want\": $(tr '\n' '|' <<< "$out")"; }
done
[ $ok = 1 ] && pass mem/dump-filter
# The default policy and the switch without a limit: brk never stops,
# an anonymous mmap only with PROT_EXEC, old_mmap always; -v: all.
for rules in "" "-m sandbox/mem:on"; do
	# shellcheck disable=SC2086
	out=$("$mt" --dump-filter $rules)
	if grep -qxF "x86_64 brk(12): allow" <<< "$out" &&
	   grep -qxF "i386 brk(45): allow" <<< "$out" &&
	   grep -qx "x86_64 mmap(9): trace if arg2 & 0x4" <<< "$out" &&
	   grep -qx "x86_64 mprotect(10): trace if arg2 & 0x4" <<< "$out" &&
	   grep -qxF "i386 old_mmap(90): trace always" <<< "$out"; then
		pass "mem/dump-filter-default ${rules:-(no rules)}"
	else
		fail "mem/dump-filter-default ${rules:-(no rules)}" "$(tr '\n' '|' <<< "$out")"
	fi
done
out=$("$mt" --dump-filter -v | grep -E '^[a-z0-9_]+ (brk|mmap|mmap2|old_mmap|mremap|mprotect|pkey_mprotect)\(')
if [ "$(grep -c ': trace always$' <<< "$out")" = 16 ] &&
   [ "$(grep -c . <<< "$out")" = 16 ]; then
	pass mem/dump-filter-verbose
else
	fail mem/dump-filter-verbose "$(tr '\n' '|' <<< "$out")"
fi

# Stops, counted. The difference between a run of N calls and a run of
# none is the loop's own calls: each must stop exactly once with the
# sandbox on, never under the default policy.
# count NAME CALLS MEMTRACE-ARGS -- ARGV-WITH-N / ARGV-WITH-0
count() {
	local name=$1 calls=$2; shift 2
	local margs=()
	while [ "$1" != -- ]; do margs+=("$1"); shift; done
	shift
	local n_argv=() z_argv=()
	while [ "$1" != / ]; do n_argv+=("$1"); shift; done
	shift
	z_argv=("$@")
	local s1 s0 r1
	mg "$name" seccomp,info "${margs[@]}" -- "${n_argv[@]}"
	r1=$rc
	grep -qx mode=seccomp "$dir/stats" || r1=seccomp-off
	s1=$(sed -n 's/^seccomp_stops=//p' "$dir/stats")
	mg "$name.0" seccomp,info "${margs[@]}" -- "${z_argv[@]}"
	s0=$(sed -n 's/^seccomp_stops=//p' "$dir/stats")
	if [ "$r1" != 0 ] || [ $rc -ne 0 ] || [ -z "$s1" ] || [ -z "$s0" ]; then
		fail "$name" "exit $r1/$rc: $(said)"
	elif [ $((s1 - s0)) -eq "$calls" ]; then
		pass "$name ($s1 - $s0 stops for $calls calls)"
	else
		fail "$name" "$s1 - $s0 stops for $calls calls"
	fi
}
on=(-m sandbox/mem:on -m mem/vm_max:1T)
count mem/stops-anon-mmap-default 0 -- "$T/anonloop" 10000 / "$T/anonloop" 0
count mem/stops-anon-mmap-sandbox 2000 "${on[@]}" -- \
	"$T/anonloop" 2000 / "$T/anonloop" 0
count mem/stops-anon-mmap-no-limit 0 -m sandbox/mem:on -- \
	"$T/anonloop" 10000 / "$T/anonloop" 0
# 16M in 64K sbrk steps: 256 brk calls, and one to give it back;
# never stopping by default.
count mem/stops-brk-sandbox 257 "${on[@]}" -- \
	"$G" sbrk allow 16M / "$G" sbrk allow 0
count mem/stops-brk-default 0 -- "$G" sbrk allow 16M / "$G" sbrk allow 0
# 1M grown to 16M by 1M steps: 15 mremap calls.
count mem/stops-mremap-sandbox 15 "${on[@]}" -- \
	"$G" mremap allow 16M / "$G" mremap allow 1M
count mem/stops-mmap-chunks-sandbox 16 "${on[@]}" -- \
	"$G" mmap allow 16M / "$G" mmap allow 0

# VmSize is read where the bound the tracer keeps (the last VmSize
# read, plus what it allowed since, plus the stack's room) could reach
# the limit, not at every stop: 2000 mmaps of 4K far below mem/vm_max
# read it about once. Against a limit 256K above the bound's start,
# the bound reaches it every 64 calls, VmSize is read, and the calls
# still pass: the munmaps, unseen, keep VmSize where it was.
for mode in seccomp,info ptrace,regs; do
	mg mem/vmsize-bound-far "$mode" "${on[@]}" -- "$T/anonloop" 2000
	reads=$(sed -n 's/^vmsize_reads=//p' "$dir/stats")
	if [ $rc -eq 0 ] && [ -n "$reads" ] && [ "$reads" -le 5 ]; then
		pass "mem/vmsize-bound-far [$mode] ($reads reads for 2000 calls)"
	else
		fail "mem/vmsize-bound-far [$mode]" "exit $rc, ${reads:-no} VmSize reads: $(said)"
	fi
	# At exec the maps W^X has just read bound VmSize (their sizes
	# together): three execs far below the limit read it not once.
	mg mem/vmsize-bound-exec "$mode" "${on[@]}" -- \
		/bin/sh -c '/bin/true; /bin/true'
	reads=$(sed -n 's/^vmsize_reads=//p' "$dir/stats")
	if [ $rc -eq 0 ] && [ "${reads:-x}" = 0 ]; then
		pass "mem/vmsize-bound-exec [$mode] (3 execs, no VmSize read)"
	else
		fail "mem/vmsize-bound-exec [$mode]" "exit $rc, ${reads:-no} VmSize reads for 3 execs: $(said)"
	fi
	# What anonloop holds before its loop, as it says itself.
	held=$("$T/anonloop" 0 vmsize)
	stack_kb=$(ulimit -s)
	if [ "$stack_kb" = unlimited ] || [ -z "$held" ]; then
		skip "mem/vmsize-bound-near [$mode]" "RLIMIT_STACK is unlimited (no bound is kept) or anonloop could not read its VmSize"
		continue
	fi
	# The stack's room in the bound: RLIMIT_STACK plus 16 MiB.
	near=$(( held / 1024 + stack_kb + 16 * 1024 + 256 ))K
	mg mem/vmsize-bound-near "$mode" -m sandbox/mem:on \
		-m "mem/vm_max:$near" -- "$T/anonloop" 2000
	reads=$(sed -n 's/^vmsize_reads=//p' "$dir/stats")
	if [ $rc -eq 0 ] && [ -n "$reads" ] && [ "$reads" -ge 10 ] &&
	   ! grep -q deny "$dir/log"; then
		pass "mem/vmsize-bound-near [$mode] ($reads reads for 2000 calls)"
	else
		fail "mem/vmsize-bound-near [$mode]" "exit $rc, ${reads:-no} VmSize reads: $(said)"
	fi
done

# i386: old_mmap and brk under the limit. The tip is in whatever unit
# memtrace rounds it to (8M plus a little is 8373K): it must name a
# limit above what the call asked for, so that it allows the call.
# tip_over SYS AMOUNT: $dir/log has the i386 denial of SYS asking for
# AMOUNT bytes, and its tip's limit is above VmSize + AMOUNT.
tip_over() {
	local sys=$1 req=$2 line
	local re="^memtrace: deny pid=[0-9]+ tid=[0-9]+ i386 $sys\\(.* mem: VmSize ([0-9]+) \\+ $req requested >= mem/vm_max $LIMIT_B; tip: -m mem/vm_max:([0-9]+)([KMGT]?)\$"
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		local cur=${BASH_REMATCH[1]} tv=${BASH_REMATCH[2]}
		case ${BASH_REMATCH[3]} in
		K) tv=$((tv << 10)) ;; M) tv=$((tv << 20)) ;;
		G) tv=$((tv << 30)) ;; T) tv=$((tv << 40)) ;;
		esac
		[ $((cur + req)) -ge $LIMIT_B ] && [ "$tv" -gt $((cur + req)) ] &&
			return 0
	done < "$dir/log"
	return 1
}
if can_run_i386; then
	for mode in $MODES; do
		mg mem/i386-deny "$mode" -m sandbox/mem:on -m mem/vm_max:$LIMIT \
			-- "$T/i386/memgrow32" deny
		if [ $rc -eq 0 ] &&
		   grep -q '^memtrace: deny pid=[0-9]* tid=[0-9]* i386 old_mmap({NULL, 1048576, .* = -ENOMEM; mem: ' "$dir/log" &&
		   grep -q '^memtrace: deny pid=[0-9]* tid=[0-9]* i386 brk(0x[0-9a-f]*) = break unchanged; mem: ' "$dir/log" &&
		   tip_over old_mmap 1048576 && tip_over brk 65536 &&
		   grep -q '^memgrow32 old_mmap: ENOMEM after [0-9]* bytes$' "$dir/out" &&
		   grep -q '^memgrow32 brk: refused after [0-9]* bytes$' "$dir/out"; then
			pass "mem/i386-deny [$mode]"
		else
			fail "mem/i386-deny [$mode]" "$(said)"
		fi
		mg mem/i386-allow "$mode" -m sandbox/mem:on -m mem/vm_max:1G \
			-- "$T/i386/memgrow32" allow
		no_record "mem/i386-allow [$mode]"
		# A 64 MiB SysV segment: ipc(SHMAT) stops under the memory
		# sandbox and counts its size, as the direct shmat does (the
		# kernel's RLIMIT_AS would refuse it too, but without a
		# record: the records say memtrace judged both).
		mg mem/i386-shmat-deny "$mode" -m sandbox/mem:on \
			-m mem/vm_max:32M -- "$T/i386/shmgrow32" deny
		if [ $rc -eq 0 ] &&
		   grep -q '^memtrace: deny pid=[0-9]* tid=[0-9]* i386 ipc(0x15, .* = -ENOMEM; mem: VmSize [0-9]* + 67108864 requested' "$dir/log" &&
		   grep -q '^memtrace: deny pid=[0-9]* tid=[0-9]* i386 shmat(.* = -ENOMEM; mem: VmSize [0-9]* + 67108864 requested' "$dir/log"; then
			pass "mem/i386-shmat-deny [$mode]"
		else
			fail "mem/i386-shmat-deny [$mode]" "$(said)"
		fi
		mg mem/i386-shmat-allow "$mode" -m sandbox/mem:on \
			-m mem/vm_max:1G -- "$T/i386/shmgrow32" allow
		no_record "mem/i386-shmat-allow [$mode]"
	done
else
	skip "mem/i386 [all modes]" "$i386_reason"
fi

# Limits that hold. 64 MiB, and requests of 30 MiB each.
HOLD=64M
HOLD_B=67108864
REQ_B=31457280
E=$T/memedge

# Threads race the limit: six threads map 30 MiB each at once
# (MAP_POPULATE: each call takes long enough for the others to stop
# meanwhile, and PSS grows with it). Each stop must count what other
# threads were allowed and have not got yet, so at the end VmSize
# (PSS) stays below the limit plus one request, in every mode. The
# same with six processes made with CLONE_VM (race-clonevm): one
# address space, six thread groups.
for mode in $MODES; do
	for lim in vm_max:vmsize max:pss vm_max:vmsize:vm max:pss:vm; do
		IFS=: read -r key field how <<< "$lim"
		name=mem/race-threads/$key
		[ "$how" = vm ] && name=mem/race-clonevm/$key
		key=mem/$key
		mg "$name" "$mode" -m sandbox/mem:on -m "$key:$HOLD" -- \
			"$T/racemem" 6 $REQ_B populate ${how:+"$how"}
		line=$(grep '^racemem: ok' "$dir/out")
		val=$(sed -n "s/.* $field \\([0-9]*\\).*/\\1/p" <<< "$line")
		ok=$(sed -n 's/^racemem: ok \([0-9]*\) .*/\1/p' <<< "$line")
		if [ $rc -ne 0 ] || [ -z "$val" ]; then
			fail "$name [$mode]" "$(said)"
		elif ! w=$(mode_check "$mode" "$dir/stats"); then
			fail "$name [$mode]" "$w"
		elif [ "$val" -ge $((HOLD_B + REQ_B)) ] || [ "$ok" -lt 1 ] ||
		     [ "$ok" -ge 6 ]; then
			fail "$name [$mode]" "$ok of 6 calls allowed, $field $val against $key $HOLD_B: $(said)"
		else
			pass "$name [$mode] ($ok of 6 allowed, $field $val)"
		fi
	done
done

# What is pending needs the call's exit stop, and only a task that
# shares its address space can race it: a single-threaded process's
# calls under a limit take no exit stop (seccomp modes; ptrace-only
# mode stops at every exit anyway), threads' calls take one each, a
# sh that forks its child (kcmp: a copy, not a share) takes none.
for mode in $MODES; do
	case $mode in ptrace,*) continue ;; esac
	mg mem/exit-stops/alone "$mode" -m sandbox/mem:on -m mem/vm_max:1G -- \
		sh -c "$T/anonloop 300; true"
	n=$(sed -n 's/^seccomp_stops=//p' "$dir/stats")
	x=$(sed -n 's/^exit_stops=//p' "$dir/stats")
	if [ $rc -eq 0 ] && [ "${n:-0}" -ge 300 ] && [ "$x" = 0 ]; then
		pass "mem/exit-stops/alone [$mode] ($n stops, no exit stop)"
	else
		fail "mem/exit-stops/alone [$mode]" "$n stops, ${x:-?} exit stops: $(said)"
	fi
	mg mem/exit-stops/threads "$mode" -m sandbox/mem:on -m mem/vm_max:1G -- \
		"$T/racemem" 4 65536
	x=$(sed -n 's/^exit_stops=//p' "$dir/stats")
	if [ $rc -eq 0 ] && [ "${x:-0}" -ge 4 ]; then
		pass "mem/exit-stops/threads [$mode] ($x exit stops)"
	else
		fail "mem/exit-stops/threads [$mode]" "${x:-?} exit stops: $(said)"
	fi
done

# A program whose VmSize at exec is over mem/vm_max (a 512 MiB .bss,
# mapped by the kernel without a call): the kernel refuses to build it
# under RLIMIT_AS (it dies by SIGSEGV at exec); it never runs. Under a
# limit it fits, it runs.
bss_case() {
	local name=$1 prog=$2 mode=$3; shift 3
	mg "$name" "$mode" -m sandbox/mem:on -m mem/vm_max:$HOLD -- "$prog" "$@"
	if [ $rc -ge 128 ] && ! grep -q ': ran$' "$dir/out"; then
		pass "$name [$mode] (status $rc)"
	else
		fail "$name [$mode]" "not refused at exec: $(said)"
	fi
	mg "$name-fits" "$mode" -m sandbox/mem:on -m mem/vm_max:1G -- "$prog" "$@"
	if [ $rc -eq 0 ] && grep -q ': ran$' "$dir/out" && [ ! -s "$dir/log" ]; then
		pass "$name-fits [$mode]"
	else
		fail "$name-fits [$mode]" "$(said)"
	fi
}
for mode in $MODES; do
	bss_case mem/exec-bss "$T/bigbss" "$mode"
	if can_run_i386; then
		bss_case mem/exec-bss-i386 "$T/i386/bigbss32" "$mode" allow
	else
		skip "mem/exec-bss-i386 [$mode]" "$i386_reason"
	fi
done

# memtrace's own check at the exec event: the new program's PSS (its
# arguments, written onto its stack by the kernel) is over mem/max: it
# is killed after exec with a record saying so.
big_args=()
for _ in $(seq 12); do big_args+=("$(printf '%0100000d' 0)"); done
for mode in $MODES; do
	mg mem/exec-pss "$mode" -m sandbox/mem:on -m mem/max:1M -- \
		"$T/bigbss" "${big_args[@]}"
	if [ $rc -eq 137 ] && ! grep -q ': ran$' "$dir/out" &&
	   grep -Eq "^memtrace: deny pid=[0-9]+ tid=[0-9]+ x86_64 execve\\(\"[^\"]*/bigbss\", \\[.*\\]\\) = 0; mem: PSS [0-9]+ of the new program >= mem/max 1048576; program killed after exec; tip: -m mem/max:[0-9]+K\$" "$dir/log"; then
		pass "mem/exec-pss [$mode]"
	else
		fail "mem/exec-pss [$mode]" "$(said)"
	fi
done

# shmat maps a whole SysV segment: its size counts, under either limit.
for mode in $MODES; do
	for key in mem/vm_max mem/max; do
		name=mem/shmat/${key#mem/}
		mg "$name" "$mode" -m sandbox/mem:on -m "$key:$HOLD" -- \
			"$E" shm 268435456
		if [ $rc -eq 0 ] && grep -qx 'memedge shm: errno ENOMEM' "$dir/out" &&
		   grep -Eq "^memtrace: deny pid=[0-9]+ tid=[0-9]+ x86_64 shmat\\(0x[0-9a-f]+, 0, 0\\) = -ENOMEM; mem: (VmSize|PSS) [0-9]+ \\+ 268435456 requested >= $key $HOLD_B; tip: -m $key:[0-9]+M\$" "$dir/log"; then
			pass "$name [$mode]"
		else
			fail "$name [$mode]" "$(said)"
		fi
	done
	mg mem/shmat-fits "$mode" -m sandbox/mem:on -m mem/vm_max:1G -- \
		"$E" shm 268435456
	if [ $rc -eq 0 ] && grep -qx 'memedge shm: attached' "$dir/out" &&
	   [ ! -s "$dir/log" ]; then
		pass "mem/shmat-fits [$mode]"
	else
		fail "mem/shmat-fits [$mode]" "$(said)"
	fi
done

# The stack and MAP_GROWSDOWN regions grow by page faults, without a
# call: RLIMIT_AS = mem/vm_max makes the kernel refuse the fault
# (SIGSEGV, caught by the tracee) before 64 MiB; under 1G, 100 MiB.
for mode in $MODES; do
	for kind in stack growsdown; do
		mg "mem/fault-$kind" "$mode" -m sandbox/mem:on \
			-m mem/vm_max:$HOLD -- "$E" "$kind" 104857600
		mib=$(sed -n 's/^memedge: SIGSEGV after \([0-9]*\) MiB$/\1/p' "$dir/out")
		if [ $rc -eq 0 ] && [ -n "$mib" ] && [ "$mib" -lt 64 ]; then
			pass "mem/fault-$kind [$mode] (refused after $mib MiB)"
		else
			fail "mem/fault-$kind [$mode]" "$(said)"
		fi
		mg "mem/fault-$kind-fits" "$mode" -m sandbox/mem:on \
			-m mem/vm_max:1G -- "$E" "$kind" 104857600
		if [ $rc -eq 0 ] && grep -qx 'memedge: grew 100 MiB' "$dir/out"; then
			pass "mem/fault-$kind-fits [$mode]"
		else
			fail "mem/fault-$kind-fits [$mode]" "$(said)"
		fi
	done
done

# A prlimit64 that only asks (new NULL, as ld.so does for RLIMIT_STACK
# at every start) does not stop under the filter; one with a new
# pointer does, even where only its bits above 32 are set.
stops() { sed -n 's/^seccomp_stops=//p' "$dir/stats"; }
for mode in seccomp,info seccomp,regs; do
	for kind in query high; do
		mg mem/prlimit-$kind-0 "$mode" -m sandbox/mem:on \
			-m mem/vm_max:$HOLD -- "$E" rlimit-$kind 0
		rc0=$rc s0=$(stops)
		mg mem/prlimit-$kind-40 "$mode" -m sandbox/mem:on \
			-m mem/vm_max:$HOLD -- "$E" rlimit-$kind 40
		want=$s0
		[ $kind = high ] && want=$((s0 + 40))
		if [ $rc0 -eq 0 ] && [ $rc -eq 0 ] && [ -n "$s0" ] &&
		   [ "$(stops)" = "$want" ]; then
			pass "mem/prlimit-$kind-stops [$mode]"
		else
			fail "mem/prlimit-$kind-stops [$mode]" "exit $rc0/$rc, seccomp stops $s0 for 0 calls, $(stops) for 40 (want $want): $(said)"
		fi
	done
done

# RLIMIT_AS cannot be raised past mem/vm_max: setrlimit and prlimit64
# (also with high bits in the resource, which the kernel ignores) fail
# with EPERM and a record; lowering it works. As root and as nobody.
rlimit_want="memedge rlimit: setrlimit infinity EPERM
memedge rlimit: setrlimit soft above EPERM
memedge rlimit: prlimit64 infinity EPERM
memedge rlimit: prlimit64 high bits EPERM
memedge rlimit: prlimit64 lower 0
memedge rlimit: now soft within hard within"
rlimit_check() {
	local name=$1
	if [ $rc -eq 0 ] && [ "$(cat "$dir/out")" = "$rlimit_want" ] &&
	   [ "$(grep -Ec "^memtrace: deny pid=[0-9]+ tid=[0-9]+ x86_64 (setrlimit\\(0x9, 0x[0-9a-f]+\\)|prlimit64\\(0, 0x(10000000)?9, 0x[0-9a-f]+, 0\\)) = -EPERM; mem: RLIMIT_AS soft [0-9]+ hard [0-9]+ would exceed mem/vm_max $HOLD_B; tip: -m mem/vm_max:(0|65M)\$" "$dir/log")" = 4 ]; then
		pass "$name"
	else
		fail "$name" "$(said)"
	fi
}
for mode in $MODES; do
	mg mem/rlimit "$mode" -m sandbox/mem:on -m mem/vm_max:$HOLD -- \
		"$E" rlimit $HOLD_B
	rlimit_check "mem/rlimit [$mode]"
	if can_run_i386; then
		mg mem/rlimit-i386 "$mode" -m sandbox/mem:on \
			-m mem/vm_max:$HOLD -- "$T/i386/rlimit32" deny
		# Three stops under the filter: its ten queries run free.
		ok=1
		[ $rc -eq 0 ] && [ "$(grep -c '^memtrace: deny .* i386 \(setrlimit\|prlimit64\)(.*= -EPERM; mem: RLIMIT_AS ' "$dir/log")" = 2 ] &&
			{ [ "${mode%%,*}" = ptrace ] || [ "$(sed -n 's/^seccomp_stops=//p' "$dir/stats")" = 3 ]; } && ok=0
		if [ $ok = 0 ]; then
			pass "mem/rlimit-i386 [$mode]"
		else
			fail "mem/rlimit-i386 [$mode]" "$(said)"
		fi
		mg mem/rlimit-i386-off "$mode" -m sandbox/mem:on \
			-m mem/max:$HOLD -- "$T/i386/rlimit32" allow
		no_record "mem/rlimit-i386-off [$mode]"
	else
		skip "mem/rlimit-i386 [$mode]" "$i386_reason"
	fi
done
dir=$base/rlimit-nobody; mkdir -p "$dir"; chmod 777 "$dir"
as_user "$mt" -m sandbox/mem:on -m mem/vm_max:$HOLD -o "$dir/log" -- \
	"$E" rlimit $HOLD_B > "$dir/out" 2> "$dir/err"
rc=$?
rlimit_check "mem/rlimit [nobody]"
# The rlimit the tracee starts with is mem/vm_max, soft and hard.
mg mem/rlimit-start seccomp,info -m sandbox/mem:on -m mem/vm_max:$HOLD -- \
	sh -c 'cat /proc/$$/limits'
if grep -Eq "^Max address space +$HOLD_B +$HOLD_B +bytes" "$dir/out"; then
	pass mem/rlimit-start
else
	fail mem/rlimit-start "$(said)"
fi
