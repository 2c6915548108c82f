# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The layers of the tree: arch/ decodes calls and knows nothing of the
# policy. Every arch/*.c is run through the preprocessor (cc -MM: the
# headers of the tree it reaches, directly or through other headers)
# and none may reach checks/check.h or checks/policy.h; the call
# vocabulary it needs is checks/call.h.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
	skip layers/arch-no-policy "no C compiler ($cc) to run the preprocessor"
	exit 0
fi
bad= n=0
for f in "$MT_ROOT"/arch/*.c; do
	if ! deps=$(cd "$MT_ROOT" && "$cc" -MM -I. -D_GNU_SOURCE \
		"arch/${f##*/}" 2>&1); then
		bad="$bad ${f##*/} (cc -MM failed: $(head -n1 <<< "$deps"))"
		continue
	fi
	n=$((n + 1))
	for h in checks/check.h checks/policy.h; do
		grep -qE "(^|[ /])$h( |$)" <<< "$deps" &&
			bad="$bad arch/${f##*/}->$h"
	done
done
if [ -n "$bad" ]; then
	fail layers/arch-no-policy "arch/ reaches the policy:$bad"
elif [ $n -eq 0 ]; then
	fail layers/arch-no-policy "no arch/*.c found under $MT_ROOT"
else
	pass layers/arch-no-policy
fi

# No circle of files in tracer/: which object defines each symbol (nm)
# and which objects use it give the graph of files; tsort finds a
# cycle in it and names its files. A file that every other one uses
# (the tracer's state, die) lives apart (tracer/state.c), so that no
# file reaches back to the command line (main.c) through it.
objs=("$MT_ROOT/${B:-build}"/tracer/*.o)
if ! command -v nm >/dev/null 2>&1 || ! command -v tsort >/dev/null 2>&1; then
	skip layers/tracer-no-cycle "no nm or tsort to read the objects' symbols"
elif [ ! -e "${objs[0]}" ]; then
	fail layers/tracer-no-cycle "no tracer/*.o under $MT_ROOT/${B:-build}"
else
	edges=$(for o in "${objs[@]}"; do
		f=${o##*/}
		nm "$o" | awk -v f="tracer/${f%.o}.c" '
			$1 == "U" { print "U", f, $2 }
			NF == 3 && $2 ~ /^[TDBRCGSV]$/ { print "D", f, $3 }'
	done | awk '
		$1 == "D" { def[$3] = $2 }
		$1 == "U" { n++; user[n] = $2; sym[n] = $3 }
		END {
			for (i = 1; i <= n; i++)
				if ((sym[i] in def) && def[sym[i]] != user[i])
					print user[i], def[sym[i]]
		}' | sort -u)
	if [ -z "$edges" ]; then
		fail layers/tracer-no-cycle "no symbol used across tracer/*.o (nm read nothing?)"
	elif ! loop=$(tsort <<< "$edges" 2>&1 >/dev/null) || [ -n "$loop" ]; then
		fail layers/tracer-no-cycle "a circle of files: $(awk '/input contains a loop/ { n++; next }
			n == 1 { sub(/^tsort: /, ""); printf "%s -> ", $0 }' <<< "$loop")(back to the first)"
	else
		pass layers/tracer-no-cycle
	fi
fi
