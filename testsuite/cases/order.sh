# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The answer a call gets where several checks have something to say:
# Syd's order, errnos and records (testsuite/tracees/order.c prints
# the records memtrace must write), and Force digests that must not
# go stale; every mode. The file checks' share is in files.sh.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

O=$T/order
L=$MT_ROOT/build/testlibs
sha() { sha256sum "$1" | cut -d' ' -f1; }

OK=$(sha "$L/libok.so")
cp "$L/libok.so" "$MT_TMP/order-mod.so"
printf 'X' | dd of="$MT_TMP/order-mod.so" bs=1 seek=200 conv=notrunc status=none
MOD=$(sha "$MT_TMP/order-mod.so")

for mode in $MODES; do
	d=$MT_TMP/order.${mode/,/_}; mkdir -p "$d"
	# mremap's arguments first: EINVAL, not the limit's ENOMEM.
	tracee_case order/mremap-before-mem "$mode" "$O" deny mremap -- \
		-m sandbox/mem:on -m mem/vm_max:64M
	# W^X warns (recorded), then append-only refuses: EPERM, not the
	# writable-fd rule's EACCES.
	tracee_case order/append-before-fd "$mode" "$O" deny append-fd "$d" \
		-- -m default/wx:warn -m "append+$d/*.log"
	# An fd that is not open: the kernel's EBADF, no record, not
	# default/fd's kill.
	tracee_case order/badf-silent "$mode" "$O" deny badf -- \
		-m default/fd:kill
	# The writable-fd rule is part of W^X: lifted with it.
	tracee_case order/wx-lifts-fd "$mode" "$O" deny wx-fd "$d" -- \
		-m trace/allow_unsafe_exec_memory:1
	# Any writable fd of a named file; a writable O_APPEND fd of any.
	tracee_case order/append-writable "$mode" "$O" deny append "$d" -- \
		-m "append+$d/*.log"
	# A pinned library changed through a dirty shared page after it
	# was hashed: no time changes, the next mapping is refused.
	cp -f "$L/libok.so" "$d/stale.so"
	tracee_case force/stale-cache "$mode" "$O" deny force-stale \
		"$d/stale.so" "$OK" "$MOD" -- -m sandbox/force:on \
		-m default/force:allow -m "force+$d/stale.so:sha256:$OK:deny"
done

# The same as an unprivileged user: memtrace owns the file (a lease
# can be taken) but not the libraries (no lease: read every time).
if [ "$(id -u)" != 0 ]; then
	skip force/stale-cache-user "needs root to switch to nobody"
elif ! as_nobody test -x "$mt" || ! as_nobody test -x "$O"; then
	skip force/stale-cache-user "nobody cannot reach $mt or $O (directory permissions)"
else
	d=$MT_TMP/order.user; mkdir -p "$d"; chmod 777 "$d"
	cp -f "$L/libok.so" "$d/stale.so"; chown 65534 "$d/stale.so"
	records_case force/stale-cache-user 0 - normalise "$d" \
		as_nobody "$mt" -o "$d/log" -m sandbox/force:on \
		-m default/force:allow -m "force+$d/stale.so:sha256:$OK:deny" \
		-- "$O" deny force-stale "$d/stale.so" "$OK" "$MOD"
fi
exit 0
