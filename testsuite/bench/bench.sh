#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench: every workload under every configuration, REPS times,
# interleaved (for each repetition every configuration runs once, the
# starting configuration rotating), then a table of medians and ratios
# on stdout, kept with the raw times in build/bench/results/.
#
# Environment: MEMTRACE (default ./memtrace), QUICK=1 (small counts,
# for the suite's smoke test), REPS (default 5), BENCH_ONLY (workload
# names), BENCH_CONFIGS (configuration names), BENCH_OUT (results dir).
#
# Configurations:
#   native        the workload alone
#   floor         build/bench/floor -m default: stops where memtrace's
#                 default policy stops, one GET_SYSCALL_INFO, PTRACE_CONT
#   floor/mem     build/bench/floor -m mem: stops where sandbox/mem:on does
#   memtrace      memtrace, default policy
#   mt/mem        memtrace -m sandbox/mem:on -m mem/vm_max:1T
#   mt/exec       memtrace with sandbox/exec, tpe and force on, rules that
#                 allow everything, force rules for libc and ld.so
#   mt/ptrace     memtrace --no-seccomp (PTRACE_SYSCALL on every call)
#   strace        strace -f --seccomp-bpf -e trace=brk,mmap,mremap,mprotect
#                 -o /dev/null
#   strace/all    the same without --seccomp-bpf: strace stops at every
#                 call's entry and exit, as mt/ptrace does (its anchor)
#
# The startup workload runs each configuration 300 times on /bin/true
# (build/bench/repeat N CONFIG... /bin/true): start-up, one exec.
#
# The rules workload runs apart, under three configurations of its own:
# native, mt/rules10 and mt/rules10k (memtrace with sandbox/exec and 10
# or 10,000 exec rules); its target is that a stop with 10,000 rules
# costs at most twice one with ten.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
BB=$ROOT/build/bench
MEMTRACE=${MEMTRACE:-$ROOT/memtrace}
QUICK=${QUICK:-}
REPS=${REPS:-}
# The build workload runs make: nothing of an outer make may leak in.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES 2>/dev/null || true

ALL_WORKLOADS="startup anon file malloc forkexec build python rules"
ALL_CONFIGS="native floor floor/mem memtrace mt/mem mt/exec mt/ptrace strace strace/all"
WORKLOADS=${BENCH_ONLY:-}
[ -n "$WORKLOADS" ] || WORKLOADS=$ALL_WORKLOADS
CONFIGS=${BENCH_CONFIGS:-}
[ -n "$CONFIGS" ] || CONFIGS=$ALL_CONFIGS

# Counts: the full run stays under 10 minutes on 2 cores, QUICK=1 under 1.
# The smoke run checks the harness, not the numbers: 3 repetitions.
if [ "$QUICK" = 1 ]; then
	N_ANON=2000 N_FILE=2000 N_MALLOC=5000 N_EXEC=10 N_CFILES=2 N_PY=1
	N_RULES=2000 N_START=10
	[ -n "$REPS" ] || REPS=3
else
	N_ANON=30000 N_FILE=50000 N_MALLOC=100000 N_EXEC=300 N_CFILES=14
	N_PY=5 N_RULES=30000 N_START=300
fi
[ -n "$REPS" ] || REPS=5

for b in run floor anon filemap malloc repeat; do
	if [ ! -x "$BB/$b" ]; then
		echo "bench: $BB/$b is missing (make bench-build)" >&2
		exit 2
	fi
done
if [ ! -x "$MEMTRACE" ]; then
	echo "bench: $MEMTRACE is missing (make)" >&2
	exit 2
fi

TMP=$(mktemp -d /tmp/memtrace-bench.XXXXXX)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
# One binary for the whole run, whatever rebuilds the tree meanwhile.
MEMTRACE_BUILT=$(stat -c %y "$MEMTRACE" | cut -d. -f1)
cp "$MEMTRACE" "$TMP/memtrace"
MEMTRACE=$TMP/memtrace
OUT=${BENCH_OUT:-$ROOT/build/bench/results}
mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
RAW=$OUT/raw-$STAMP.tsv
TABLE=$OUT/table-$STAMP.txt

# ---- workloads ------------------------------------------------------

head -c 4096 /dev/urandom > "$TMP/small.dat"
# An ELF file to map executable (the stack check refuses anything else).
cp /bin/true "$TMP/code.elf"

make_build_dir() {
	local d=$TMP/build i objs=""
	mkdir -p "$d"
	for i in $(seq -w 1 "$N_CFILES"); do
		local k=$((10#$i))
		cat > "$d/f$i.c" <<-EOF
		#include <stdio.h>
		#include <stdlib.h>
		#include <string.h>
		struct item$i { char name[32]; long value; };
		static int cmp$i(const void *a, const void *b)
		{
			const struct item$i *x = a, *y = b;
			return (x->value > y->value) - (x->value < y->value);
		}
		long work$i(int n)
		{
			struct item$i *v = calloc((size_t)n, sizeof(*v));
			long s = 0;
			if (!v)
				return -1;
			for (int i = 0; i < n; i++) {
				snprintf(v[i].name, sizeof(v[i].name), "i%d", i * $k);
				v[i].value = (long)strlen(v[i].name) * (n - i);
			}
			qsort(v, (size_t)n, sizeof(*v), cmp$i);
			for (int i = 0; i < n; i++)
				s += v[i].value;
			free(v);
			return s;
		}
		EOF
		objs="$objs f$i.o"
	done
	{
		echo "#include <stdio.h>"
		for i in $(seq -w 1 "$N_CFILES"); do echo "long work$i(int);"; done
		echo "int main(void) { long s = 0;"
		for i in $(seq -w 1 "$N_CFILES"); do echo "s += work$i(10);"; done
		echo 'printf("%ld\n", s); return 0; }'
	} > "$d/main.c"
	printf 'CC = cc\nCFLAGS = -O2 -Wall\nOBJS = main.o%s\n' "$objs" \
		> "$d/Makefile"
	printf 'prog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n' >> "$d/Makefile"
	printf '%%.o: %%.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n' >> "$d/Makefile"
}

# The real interpreter, not a version manager's shell shim.
PY=
if [ -x /usr/bin/python3 ]; then
	PY=/usr/bin/python3
elif command -v python3 > /dev/null 2>&1; then
	PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
fi

declare -A WL_NA=()
wl_argv() {
	case $1 in
	startup) WL=(/bin/true) ;;	# under repeat, below
	anon) WL=("$BB/anon" "$N_ANON") ;;
	file) WL=("$BB/filemap" "$TMP/small.dat" "$N_FILE") ;;
	malloc) WL=("$BB/malloc" "$N_MALLOC") ;;
	forkexec) WL=("$BB/repeat" "$N_EXEC" /bin/true) ;;
	build) WL=(make -s -B -j2 -C "$TMP/build") ;;
	python) WL=("$BB/repeat" "$N_PY" "$PY" -c 'import json, sqlite3, ssl') ;;
	rules) WL=("$BB/filemap" "$TMP/code.elf" "$N_RULES" x) ;;
	*) echo "bench: unknown workload $1" >&2; exit 2 ;;
	esac
}
wl_desc() {
	case $1 in
	startup) echo "start-up: /bin/true under the configuration x $N_START" ;;
	anon) echo "$N_ANON anonymous mmap/munmap pairs" ;;
	file) echo "$N_FILE PROT_READ mmaps of a 4 KiB file" ;;
	malloc) echo "malloc/free/realloc, 2 threads x $N_MALLOC" ;;
	forkexec) echo "fork+exec /bin/true x $N_EXEC" ;;
	build) echo "make -j2: $((N_CFILES + 1)) C files and a link" ;;
	python) echo "python3 -c 'import json, sqlite3, ssl' x $N_PY" ;;
	rules) echo "$N_RULES PROT_EXEC mmaps of an ELF file, 10 vs 10,000 exec rules" ;;
	esac
}

# ---- configurations -------------------------------------------------

MT_MEM=(-m sandbox/mem:on -m mem/vm_max:1T)
MT_EXEC=(-m sandbox/exec:on -m 'allow/exec+/***' -m sandbox/tpe:on
	 -m sandbox/force:on -m default/force:allow)
# Force rules for the C library and the dynamic loader (canonical
# paths): memtrace --hash where it exists, else sha256sum.
force_rules() {
	local lib real line
	for lib in libc.so.6 ld-linux-x86-64.so.2; do
		real=$(ldd /bin/true | awk -v l="$lib" \
			'$1 ~ l { print ($3 ~ /^\// ? $3 : $1) }' | head -1)
		[ -n "$real" ] || continue
		real=$(realpath "$real")
		if line=$("$MEMTRACE" --hash "$real" 2>/dev/null) &&
		   [[ $line == force+* ]]; then
			MT_EXEC+=(-m "$line")
		else
			MT_EXEC+=(-m "force+$real:sha256:$(sha256sum "$real" |
				cut -d' ' -f1)")
		fi
	done
}
force_rules

# repeat execs by path.
STRACE=$(command -v strace 2> /dev/null || true)
declare -A CF_NA=()
cf_argv() {	# config stats-file log-file
	case $1 in
	native) CP=() ;;
	floor) CP=("$BB/floor" -m default -s "$2" --) ;;
	floor/mem) CP=("$BB/floor" -m mem -s "$2" --) ;;
	memtrace) CP=("$MEMTRACE" -o "$3" --) ;;
	mt/mem) CP=("$MEMTRACE" "${MT_MEM[@]}" -o "$3" --) ;;
	mt/exec) CP=("$MEMTRACE" "${MT_EXEC[@]}" -o "$3" --) ;;
	mt/ptrace) CP=("$MEMTRACE" --no-seccomp -o "$3" --) ;;
	strace) CP=("$STRACE" -f --seccomp-bpf -e trace=brk,mmap,mremap,mprotect
		    -o /dev/null --) ;;
	strace/all) CP=("$STRACE" -f -e trace=brk,mmap,mremap,mprotect
			-o /dev/null --) ;;
	*) echo "bench: unknown configuration $1" >&2; exit 2 ;;
	esac
}
# Which floor a configuration is compared with (same filter).
floor_of() {
	case $1 in
	floor/mem|mt/mem|strace|strace/all) echo floor/mem ;;
	*) echo floor ;;
	esac
}

# ---- preflight: each configuration works, or says why not -----------

preflight() {
	local c=$1 s=$TMP/pre.stats l=$TMP/pre.log err
	case $c in
	strace|strace/all)
		if [ -z "$STRACE" ]; then
			CF_NA[$c]="n/a (strace not installed)"
			return
		fi ;;
	esac
	rm -f "$s"
	cf_argv "$c" "$s" "$l"
	if ! err=$(MEMTRACE_STATS=$s "${CP[@]}" "$BB/anon" 100 2>&1); then
		CF_NA[$c]="n/a ($(head -1 <<< "$err" | cut -c1-60))"
		return
	fi
	case $c in
	mt/mem)
		local n
		n=$(sed -n 's/^seccomp_stops=//p' "$s" 2>/dev/null)
		if [ "${n:-0}" -lt 100 ]; then
			CF_NA[$c]="n/a (sandbox/mem:on stopped ${n:-0} of 100 mmaps)"
		fi ;;
	esac
}
for c in $CONFIGS; do preflight "$c"; done
[ -n "$PY" ] || WL_NA[python]="n/a (python3 not found)"

# ---- the runs -------------------------------------------------------

# stops of one run: the floor's counter, memtrace's MEMTRACE_STATS
# (seccomp stops, plus syscall stops: exit stops, or every call in
# ptrace-only mode), 0 for native; strace is counted separately.
stops_of() {
	local c=$1 s=$2
	case $c in
	native) echo 0 ;;
	floor|floor/mem) sed -n 's/^stops=//p' "$s" ;;
	strace|strace/all) echo - ;;
	*) awk -F= '$1=="seccomp_stops"{a=$2} $1=="syscall_stops"{b=$2}
		    END{print a+b}' "$s" ;;
	esac
}

# strace's stops: the memory calls it reports, from one untimed run.
strace_count() {
	local f=$TMP/strace.out
	strace -f -qq --seccomp-bpf -e trace=brk,mmap,mremap,mprotect \
		-e signal=none -o "$f" -- "${WL[@]}" > /dev/null 2>&1 || true
	grep -cE '^[0-9]+ +(brk|mmap|mremap|mprotect)\(' "$f" || true
}

: > "$RAW"
printf 'workload\tconfig\trep\twall\tcpu\tstops\tstatus\n' >> "$RAW"
failed=0
START=$SECONDS
[ "${WL_NA[build]+x}" ] || make_build_dir

ncf=$(wc -w <<< "$CONFIGS")
read -r -a CFA <<< "$CONFIGS"
declare -A STRACE_STOPS=() RECORDS=()
for w in $WORKLOADS; do
	[ "${WL_NA[$w]+x}" ] && continue
	[ "$w" = rules ] && continue	# below, under its own configurations
	wl_argv "$w"
	echo "bench: $w: $(wl_desc "$w")" >&2
	# Warm the caches once, untimed.
	"${WL[@]}" > /dev/null 2>&1 || {
		echo "bench: $w fails natively: ${WL[*]}" >&2
		WL_NA[$w]="n/a (fails natively)"
		continue
	}
	[ "${CF_NA[strace]+x}" ] || ! [[ " $CONFIGS " == *" strace "* ]] ||
		STRACE_STOPS[$w]=$(strace_count)
	for r in $(seq 1 "$REPS"); do
		for k in $(seq 0 $((ncf - 1))); do
			c=${CFA[$(((k + r - 1) % ncf))]}
			[ "${CF_NA[$c]+x}" ] && continue
			s=$TMP/stats l=$TMP/log o=$TMP/time
			rm -f "$s" "$l" "$o"
			cf_argv "$c" "$s" "$l"
			if [ "$w" = startup ]; then
				MEMTRACE_STATS=$s "$BB/run" "$o" "$BB/repeat" \
					"$N_START" "${CP[@]}" "${WL[@]}" \
					> /dev/null 2> "$TMP/stderr" || true
			else
				MEMTRACE_STATS=$s "$BB/run" "$o" "${CP[@]}" "${WL[@]}" \
					> /dev/null 2> "$TMP/stderr" || true
			fi
			read -r wall user sys st < "$o"
			wall=${wall#wall=} user=${user#user=} sys=${sys#sys=}
			st=${st#status=}
			if [ "$st" != 0 ]; then
				echo "bench: $w under $c exited $st:" \
					"$(head -c 300 "$TMP/stderr")" >&2
				failed=1
			fi
			if [ "$c" = strace ]; then
				n=${STRACE_STOPS[$w]:-0}
			elif [ "$c" = strace/all ]; then
				n=-
			else
				n=$(stops_of "$c" "$s")
			fi
			if [ -s "$l" ]; then
				RECORDS[$w $c]=$(wc -l < "$l")
			fi
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$c" "$r" \
				"$wall" "$(awk -v u="$user" -v s="$sys" \
				'BEGIN{printf "%.6f", u+s}')" "${n:-0}" "$st" \
				>> "$RAW"
		done
	done
done

# ---- rules: a stop's cost with 10 and with 10,000 exec rules -----------
# The profiles: allow everything, then N rules of the shapes profiles
# use (a directory's tree, a library, a glob in a directory), none of
# which matches the workload's file: every stop looks the rules up and
# allows. Per-stop cost is (wall - native wall) / stops, from medians.
rules_profile() {	# N FILE
	local i
	{
		echo sandbox/exec:on
		echo 'allow/exec+/***'
		for i in $(seq 1 "$1"); do
			case $((i % 3)) in
			0) echo "deny/exec+/opt/app$i/**" ;;
			1) echo "deny/exec+/usr/lib/pkg$i/libp$i.so" ;;
			2) echo "deny/exec+/srv/s$i/*.so" ;;
			esac
		done
	} > "$2"
}
rules_bench() {
	local r k c s o cfgs=(native mt/rules10 mt/rules10k) st
	rules_profile 10 "$TMP/rules10.conf"
	rules_profile 10000 "$TMP/rules10k.conf"
	wl_argv rules
	echo "bench: rules: $(wl_desc rules)" >&2
	"${WL[@]}" > /dev/null 2>&1 || { WL_NA[rules]="n/a (fails natively)"; return; }
	for r in $(seq 1 "$REPS"); do
		for k in 0 1 2; do
			c=${cfgs[$(((k + r - 1) % 3))]}
			s=$TMP/stats o=$TMP/time
			rm -f "$s" "$o"
			case $c in
			native) CP=() ;;
			mt/rules10) CP=("$MEMTRACE" -P "$TMP/rules10.conf" -o "$TMP/log" --) ;;
			mt/rules10k) CP=("$MEMTRACE" -P "$TMP/rules10k.conf" -o "$TMP/log" --) ;;
			esac
			MEMTRACE_STATS=$s "$BB/run" "$o" "${CP[@]}" "${WL[@]}" \
				> /dev/null 2> "$TMP/stderr" || true
			read -r wall user sys st < "$o"
			st=${st#status=}
			if [ "$st" != 0 ]; then
				echo "bench: rules under $c exited $st:" \
					"$(head -c 300 "$TMP/stderr")" >&2
				failed=1
			fi
			printf 'rules\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$r" \
				"${wall#wall=}" "$(awk -v u="${user#user=}" \
				-v s="${sys#sys=}" 'BEGIN{printf "%.6f", u+s}')" \
				"$(stops_of "$c" "$s")" "$st" >> "$RAW"
		done
	done
}
[[ " $WORKLOADS " == *" rules "* ]] && rules_bench
ELAPSED=$((SECONDS - START))

# The rules target line, from the rules rows of the raw file.
rules_target() {
	awk -F'\t' '
	function median(arr, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) {
				t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t
			}
		return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
	}
	$1 == "rules" { n[$2]++; w[$2, n[$2]] = $4; s[$2, n[$2]] = $6 }
	END {
		if (!n["native"] || !n["mt/rules10"] || !n["mt/rules10k"]) exit
		for (i = 1; i <= n["native"]; i++) a[i] = w["native", i]
		nat = median(a, n["native"])
		split("mt/rules10 mt/rules10k", C, " ")
		for (c = 1; c <= 2; c++) {
			delete a; delete b
			for (i = 1; i <= n[C[c]]; i++) { a[i] = w[C[c], i]; b[i] = s[C[c], i] }
			st = median(b, n[C[c]])
			ps[c] = st > 0 ? (median(a, n[C[c]]) - nat) * 1e6 / st : 0
			stops[c] = st
		}
		if (ps[1] <= 0 || ps[2] <= 0) {
			printf "  10,000 exec rules: per-stop %.1f us vs 10 rules %.1f us: noise (target <= 2.00x)\n", ps[2], ps[1]
			exit
		}
		printf "  10,000 exec rules, rules: per-stop %.1f us vs 10 rules %.1f us = %.2fx (%d stops; target <= 2.00): %s\n", ps[2], ps[1], ps[2] / ps[1], stops[2], (ps[2] / ps[1] <= 2.0 ? "met" : "MISSED")
	}' "$RAW"
}

# ---- the table ------------------------------------------------------

na_list() {
	local k
	for k in "${!CF_NA[@]}"; do printf 'C\t%s\t%s\n' "$k" "${CF_NA[$k]}"; done
	for k in "${!WL_NA[@]}"; do printf 'W\t%s\t%s\n' "$k" "${WL_NA[$k]}"; done
}

{
	echo "memtrace bench, $(date '+%Y-%m-%d %H:%M %Z'), $(uname -srm)," \
		"$(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' \
		/proc/cpuinfo | head -1)"
	echo "memtrace built $MEMTRACE_BUILT; medians of $REPS interleaved" \
		"runs${QUICK:+ (QUICK=1)};" \
		"load average at the end: $(cut -d' ' -f1-3 /proc/loadavg);" \
		"runs took ${ELAPSED}s"
	echo
	awk -F'\t' -v nstart="$N_START" -v workloads="$(tr " " "\n" <<< "$WORKLOADS" | grep -vx rules | tr "\n" " ")" -v configs="$CONFIGS" '
	function median(arr, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) {
				t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t
			}
		if (n == 0) return ""
		return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
	}
	function floor_of(c) {
		return (c == "floor/mem" || c == "mt/mem" || c == "strace") ? \
			"floor/mem" : "floor"
	}
	# med(w, c, what): median over the repetitions, where what is
	# wall, cpu, stops, or a ratio: wn cn (to native), wf cf (to floor).
	function med(w, c, what,    r, n, a, v, f) {
		n = 0; f = floor_of(c)
		for (r = 1; r <= maxrep; r++) {
			if (!((w, c, r) in wall)) continue
			if (what == "wall") v = wall[w, c, r]
			else if (what == "cpu") v = cpu[w, c, r]
			else if (what == "stops") v = stops[w, c, r]
			else if (what == "wn" || what == "cn" || what == "wf" ||
				 what == "cf") {
				ref = (what ~ /n$/) ? "native" : f
				if (!((w, ref, r) in wall)) continue
				if (what ~ /^w/) {
					if (wall[w, ref, r] <= 0) continue
					v = wall[w, c, r] / wall[w, ref, r]
				} else {
					if (cpu[w, ref, r] <= 0) continue
					v = cpu[w, c, r] / cpu[w, ref, r]
				}
			}
			a[++n] = v
		}
		return median(a, n)
	}
	# The median over the repetitions of the wall of c over that of ref.
	function medr(w, c, ref,    r, n, a) {
		n = 0
		for (r = 1; r <= maxrep; r++)
			if ((w, c, r) in wall && (w, ref, r) in wall &&
			    wall[w, ref, r] > 0)
				a[++n] = wall[w, c, r] / wall[w, ref, r]
		return median(a, n)
	}
	# Per-stop CPU time in microseconds, as perstop does with wall
	# time: steadier on a loaded machine.
	function perstopcpu(w, c,    s) {
		s = med(w, c, "stops")
		if (s == "" || s == "-" || s + 0 < 1000 || med(w, "native", "cpu") == "")
			return ""
		return (med(w, c, "cpu") - med(w, "native", "cpu")) * 1e6 / s
	}
	function verdict(v, t) { return v <= t ? "met" : "MISSED" }
	# Per-stop cost in microseconds: (median wall - median native wall)
	# / median stops.
	# Only where stops are many (1000 or more): with a handful, the
	# difference is start-up and noise.
	function perstop(w, c,    s, d) {
		s = med(w, c, "stops")
		if (s == "" || s == "-" || s + 0 < 1000 || med(w, "native", "wall") == "")
			return ""
		return (med(w, c, "wall") - med(w, "native", "wall")) * 1e6 / s
	}
	function fmt(v, f) { return v == "" ? "-" : sprintf(f, v) }
	FNR == 1 && FILENAME ~ /raw/ { next }
	FILENAME ~ /raw/ {
		wall[$1, $2, $3] = $4; cpu[$1, $2, $3] = $5
		stops[$1, $2, $3] = $6; seen[$1, $2] = 1
		if ($3 > maxrep) maxrep = $3
		next
	}
	$1 == "C" { cna[$2] = $3; next }
	$1 == "W" { wna[$2] = $3; next }
	END {
		nw = split(workloads, W, " "); nc = split(configs, C, " ")
		hdr = sprintf("%-9s %-10s %8s %8s %8s %8s %9s %9s %8s %8s %9s",
			"workload", "config", "wall s", "cpu s", "wall/nat",
			"cpu/nat", "wall/flr", "cpu/flr", "stops", "us/stop",
			"stop/flr")
		print hdr
		gsub(/./, "-", hdr); print hdr
		for (i = 1; i <= nw; i++) {
			w = W[i]
			for (j = 1; j <= nc; j++) {
				c = C[j]
				if (w in wna) { printf "%-9s %-10s %s\n", w, c, wna[w]; continue }
				if (c in cna) { printf "%-9s %-10s %s\n", w, c, cna[c]; continue }
				if (!((w, c) in seen)) { printf "%-9s %-10s %s\n", w, c, "n/a (not run)"; continue }
				ps = perstop(w, c); pf = perstop(w, floor_of(c))
				sr = (ps != "" && pf != "" && ps > 0 && pf > 0 && c != "native") ? ps / pf : ""
				st = med(w, c, "stops")
				printf "%-9s %-10s %8.3f %8.3f %8s %8s %9s %9s %8s %8s %9s\n",
					w, c, med(w, c, "wall"), med(w, c, "cpu"),
					fmt(med(w, c, "wn"), "%.2f"), fmt(med(w, c, "cn"), "%.2f"),
					fmt(med(w, c, "wf"), "%.2f"), fmt(med(w, c, "cf"), "%.2f"),
					(c == "native" || st == "-" ? "-" : fmt(st, "%d")),
					(c == "native" ? "-" : ps != "" && ps < 0 ? "noise" : fmt(ps, "%.1f")),
					(c == "native" || c ~ /^floor/ ? "-" : fmt(sr, "%.2f"))
			}
			if (i < nw) print ""
		}
		# The targets.
		print ""
		print "targets:"
		# Each: the wall figure and its verdict, then the CPU one.
		v = medr("startup", "memtrace", "floor"); u = med("startup", "memtrace", "cf")
		if (v != "") printf "  start-up, /bin/true x %d: memtrace/floor wall %.2f (%.2f ms against %.2f ms a run; target <= 1.30): %s; cpu %.2f: %s\n", nstart, v, med("startup", "memtrace", "wall") * 1000 / nstart, med("startup", "floor", "wall") * 1000 / nstart, verdict(v, 1.30), u, verdict(u, 1.30)
		v = med("python", "memtrace", "wn"); u = med("python", "memtrace", "cn")
		if (v != "") printf "  python3 -c import json, sqlite3, ssl, default policy: wall/native %.2f (target <= 1.10): %s; cpu %.2f: %s\n", v, verdict(v, 1.10), u, verdict(u, 1.10)
		ps = perstop("anon", "mt/mem"); pf = perstop("anon", "floor/mem")
		cs = perstopcpu("anon", "mt/mem"); cf = perstopcpu("anon", "floor/mem")
		if (ps != "" && pf != "" && pf > 0 && cf != "" && cf > 0)
			printf "  sandbox/mem:on, anon: per-stop %.1f us vs floor %.1f us = %.2fx (target <= 1.15): %s; cpu %.1f vs %.1f us = %.2fx: %s\n", ps, pf, ps / pf, verdict(ps / pf, 1.15), cs, cf, cs / cf, verdict(cs / cf, 1.15)
		v = med("forkexec", "mt/mem", "wf"); u = med("forkexec", "mt/mem", "cf")
		if (v != "") printf "  sandbox/mem:on, forkexec: wall/floor %.2f (target <= 1.20): %s; cpu %.2f: %s\n", v, verdict(v, 1.20), u, verdict(u, 1.20)
		n = split("anon file malloc forkexec build python", PW, " ")
		for (i = 1; i <= n; i++) {
			v = medr(PW[i], "mt/ptrace", "strace/all")
			if (v == "") continue
			a = med(PW[i], "mt/ptrace", "wall") - med(PW[i], "native", "wall")
			b = med(PW[i], "strace/all", "wall") - med(PW[i], "native", "wall")
			printf "  ptrace-only, %s: mt/ptrace over strace -f without --seccomp-bpf: wall %.2f, cost over native %s (target <= 1.00): %s\n", PW[i], v, (b > 0 ? sprintf("%.2f", a / b) : "noise"), (b > 0 && a / b <= 1.0 ? "met" : (b > 0 ? "MISSED" : "noise"))
		}
		print "earlier targets:"
		v = med("anon", "memtrace", "wn")
		if (v != "") printf "  default policy, anon: wall/native %.2f (target <= 1.10): %s\n", v, (v <= 1.10 ? "met" : "MISSED")
		ps = perstop("anon", "mt/mem"); pf = perstop("anon", "floor/mem"); px = perstop("anon", "strace")
		if (ps != "" && px != "" && ps > 0)
			printf "  sandbox/mem:on, anon: strace per-stop %.1f us = %.2fx memtrace (target >= 1.50): %s\n", px, px / ps, (px / ps >= 1.5 ? "met" : "MISSED")
		v = med("forkexec", "mt/exec", "wf")
		if (v != "") printf "  exec+force+tpe, forkexec: wall/floor %.2f (target <= 1.50): %s\n", v, (v <= 1.50 ? "met" : "MISSED")
	}' "$RAW" <(na_list)
	rules_target
	echo
	echo "workloads:"
	for w in $WORKLOADS; do printf '  %-9s %s\n' "$w" "$(wl_desc "$w")"; done
	echo "ratios: median over the repetitions of the run's time over the"
	echo "  same repetition's native (nat) or floor (flr) run; floor/mem is"
	echo "  the floor of mt/mem and strace, floor that of the others."
	echo "stops: traced calls (memtrace: seccomp + syscall stops; strace:"
	echo "  calls it reported). us/stop: (wall - native wall) / stops, from"
	echo "  the medians, where stops >= 1000 (noise: below native's wall);"
	echo "  stop/flr: that over the floor's. Under load, cpu ratios are steadier."
	for k in "${!RECORDS[@]}"; do
		echo "note: memtrace wrote ${RECORDS[$k]} record(s) for $k"
	done
} | tee "$TABLE"
echo "bench: raw times in $RAW" >&2
exit $failed
