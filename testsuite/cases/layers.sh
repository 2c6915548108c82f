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
