# SPDX-License-Identifier: GPL-3.0-or-later
# Profiles as Syd users write them: Syd's other keys ignored with one
# notice, include, near misses named, bounded reads; crc64 force rules;
# outputs that cannot be written; the example profiles of doc/examples.
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/profiles
mkdir -p "$D"
EX=$MT_ROOT/doc/examples

# expect NAME RC WANT CMD...: exit status RC and WANT in the output.
expect() {
	local name=$1 want_rc=$2 want=$3 out rc; shift 3
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$want" <<< "$out"; then
		pass "profiles/$name"
	else
		fail "profiles/$name" "exit $rc (wanted $want_rc), said: $(head -c 400 <<< "$out")"
	fi
}

# ---- a profile pasted from Syd --------------------------------------
cat > "$D/syd.conf" <<'P'
# from a Syd profile
sandbox/read:on
sandbox/net:on
allow/read+/etc/***
allow/net/connect+127.0.0.1!80
deny/write+/etc/**
lock:on
trace/exit_wait_all:true
sandbox/exec:on
allow/exec+/usr/***
deny/exec+/tmp/**
P
out=$("$mt" -P "$D/syd.conf" -o "$D/syd.log" -- true 2>&1); rc=$?
notice="$D/syd.conf: 7 rules of Syd's outside memtrace's scope ignored (keys: sandbox/read, sandbox/net, allow/read, allow/net/connect, deny/write, lock, trace/exit_wait_all)"
if [ $rc -eq 0 ] && [ "$(wc -l <<< "$out")" -eq 1 ] && grep -qF -- "$notice" <<< "$out" &&
   "$mt" -P "$D/syd.conf" --dump-policy 2>/dev/null | grep -qx 'deny/exec+/tmp/\*\*'; then
	pass profiles/syd-paste
else
	fail profiles/syd-paste "exit $rc, said: $out"
fi
printf 'sandbox/exec:on\nsandbox/exce:on\n' > "$D/near.conf"
expect near-miss 2 '"sandbox/exce:on": unknown key "sandbox/exce"; did you mean sandbox/exec?' \
	"$mt" -P "$D/near.conf" true
expect near-miss-m 2 'did you mean trace/allow_unsafe_exec_memory?' \
	"$mt" -m trace/allow_unsafe_exec_memroy:1 true
expect neither-key 2 'unknown key "frobnicate/this"' "$mt" -m frobnicate/this:1 true
# Syd's exec rules with an action memtrace lacks are not dropped.
expect foreign-exec-action 2 'memtrace'"'"'s exec rules are allow/exec and deny/exec' \
	"$mt" -m 'kill/exec+/tmp/**' true
expect syd-key-m 0 'key "sandbox/read" is Syd'"'"'s, outside memtrace'"'"'s scope: ignored' \
	"$mt" -m sandbox/read:on true

# ---- include --------------------------------------------------------
mkdir -p "$D/inc/sub"
printf 'sandbox/mem:on\ninclude sub/limits.conf\n' > "$D/inc/main.conf"
printf '# relative to sub/\ninclude more.conf\n' > "$D/inc/sub/limits.conf"
printf 'mem/vm_max:1G\nsandbox/read:on\n' > "$D/inc/sub/more.conf"
out=$(cd / && "$mt" -P "$D/inc/main.conf" --dump-policy 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -qx 'mem/vm_max:1G' <<< "$out" && grep -qx 'sandbox/mem:true' <<< "$out" &&
   grep -qF "$D/inc/main.conf: 1 rule of Syd's outside memtrace's scope ignored (keys: sandbox/read)" <<< "$out"; then
	pass profiles/include-relative
else
	fail profiles/include-relative "exit $rc: $out"
fi
printf 'include b.conf\n' > "$D/inc/a.conf"
printf 'sandbox/mem:on\ninclude a.conf\n' > "$D/inc/b.conf"
expect include-loop 2 "$D/inc/a.conf: include loop" "$MEMTRACE" -P "$D/inc/a.conf" true
for i in $(seq 0 9); do printf 'include d%d.conf\n' $((i + 1)) > "$D/inc/d$i.conf"; done
printf 'sandbox/mem:on\n' > "$D/inc/d10.conf"
expect include-depth 2 'includes nested deeper than 8' "$mt" -P "$D/inc/d0.conf" true
printf 'include nothere.conf\n' > "$D/inc/m.conf"
expect include-missing 2 "$D/inc/nothere.conf: No such file or directory" "$mt" -P "$D/inc/m.conf" true
expect include-m 2 'include works in a profile only' "$mt" -m 'include /etc/passwd' true

# ---- bounded reads: a profile that never ends ------------------------
for src in /dev/zero /dev/urandom; do
	"$mt" -P "$src" true > "$D/bounded.out" 2>&1 &
	wait_bounded $! 10; rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l < "$D/bounded.out")" -eq 1 ] &&
	   grep -qF "memtrace: $src:" "$D/bounded.out"; then
		pass "profiles/bounded [$src]"
	else
		fail "profiles/bounded [$src]" "exit $rc: $(head -c 300 "$D/bounded.out")"
	fi
done
yes 'sandbox/mem:on' | "$mt" -P /dev/stdin true > "$D/bounded.out" 2>&1 &
wait_bounded $! 30; rc=$?
if [ $rc -eq 2 ] && grep -qF 'profile larger than 16 MiB' "$D/bounded.out"; then
	pass "profiles/bounded [endless lines]"
else
	fail "profiles/bounded [endless lines]" "exit $rc: $(head -c 300 "$D/bounded.out")"
fi

# ---- crc64 force rules ------------------------------------------------
printf 123456789 > "$D/check"
expect crc64-check-value 0 "force+$D/check:crc64:6c40df5f0b497347" "$mt" --hash=crc64 "$D/check"
TRUE=$(realpath /usr/bin/true)
pin=$("$mt" --hash=crc64 "$TRUE" 2>/dev/null | sed 's/:crc64:/:/')	# 16 digits: inferred
out=$("$mt" -m sandbox/force:on -m default/force:warn -m "$pin" -o "$D/crc.log" -- "$TRUE" 2>&1); rc=$?
if [ $rc -eq 0 ] && [[ $pin =~ :[0-9a-f]{16}$ ]] && ! grep -q "path $TRUE;" "$D/crc.log"; then
	pass profiles/crc64-rule-matches
else
	fail profiles/crc64-rule-matches "exit $rc ($pin): $out $(head -c 300 "$D/crc.log")"
fi
"$mt" -m sandbox/force:on -m default/force:warn -m "force+$TRUE:0123456789abcdef:deny" \
	-o "$D/crc.log" -- "$TRUE" > /dev/null 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "deny .*force: .*path $TRUE" "$D/crc.log"; then
	pass profiles/crc64-rule-mismatch
else
	fail profiles/crc64-rule-mismatch "exit $rc: $(head -c 300 "$D/crc.log")"
fi

# ---- outputs that cannot be written ----------------------------------
expect learn-full 1 'memtrace: --learn /dev/full: No space left on device' \
	"$mt" --learn /dev/full true
# Root may open it, and the write fails (1, after the run); a user may
# not open it at all (2, before the command starts).
want=1; [ "$(id -u)" != 0 ] && want=2
expect learn-proc $want 'memtrace: --learn /proc/version:' "$mt" --learn /proc/version true
if "$mt" --learn /proc/version true 2>&1 | grep -q 'profile written'; then
	fail profiles/learn-proc-not-written "said the profile was written"
else
	pass profiles/learn-proc-not-written
fi
rm -f "$D/started"
expect learn-no-dir 2 'memtrace: --learn /nonexistent/dir/p: No such file or directory' \
	"$mt" --learn /nonexistent/dir/p touch "$D/started"
if [ -e "$D/started" ]; then
	fail profiles/learn-no-dir-before-start "the command ran"
else
	pass profiles/learn-no-dir-before-start
fi
expect log-full 1 'memtrace: -o /dev/full: No space left on device' "$mt" -v -o /dev/full true
expect log-full-keeps-status 3 'memtrace: -o /dev/full' "$mt" -v -o /dev/full sh -c 'exit 3'
expect dump-filter-full 1 'memtrace: --dump-filter: standard output: No space left on device' \
	sh -c "'$mt' --dump-filter > /dev/full"
expect dump-policy-full 1 'memtrace: --dump-policy: standard output: No space left on device' \
	sh -c "'$mt' --dump-policy > /dev/full"
expect log-ok 0 '' "$mt" -v -o "$D/ok.log" true

# ---- the example profiles ---------------------------------------------
for f in "$EX"/*.conf; do
	expect "example-loads [$(basename "$f")]" 0 '' "$mt" -P "$f" --dump-policy
done
# build.conf: a compile, and nothing run from /tmp.
mkdir -p "$D/build"
printf 'int main(void) { return 0; }\n' > "$D/build/x.c"
out=$("$mt" -P "$EX/build.conf" -o "$D/build.log" -- sh -c "cd '$D/build' && cc -o x x.c" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -x "$D/build/x" ] && ! grep -q . "$D/build.log"; then
	pass profiles/example-build/compiles
else
	fail profiles/example-build/compiles "exit $rc: $out $(head -c 300 "$D/build.log")"
fi
cp "$TRUE" "$D/true-copy"
"$mt" -P "$EX/build.conf" -o "$D/build2.log" -- "$D/true-copy" > /dev/null 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "deny .*exec: .*path $D/true-copy" "$D/build2.log"; then
	pass profiles/example-build/refuses-tmp
else
	fail profiles/example-build/refuses-tmp "exit $rc: $(head -c 300 "$D/build2.log")"
fi
# force.conf: unpinned files warn; pinned ones pass; a bad pin is refused.
"$mt" -P "$EX/force.conf" -o "$D/force.log" -- "$TRUE" > /dev/null 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q "^memtrace: warn .*force: no force rule" "$D/force.log"; then
	pass profiles/example-force/unpinned-warn
else
	fail profiles/example-force/unpinned-warn "exit $rc: $(head -c 300 "$D/force.log")"
fi
cp "$EX/force.conf" "$D/force.conf"
"$mt" --hash "$TRUE" >> "$D/force.conf"
"$mt" -P "$D/force.conf" -o "$D/force2.log" -- "$TRUE" > /dev/null 2>&1; rc=$?
if [ $rc -eq 0 ] && ! grep -q "path $TRUE;" "$D/force2.log"; then
	pass profiles/example-force/pinned
else
	fail profiles/example-force/pinned "exit $rc: $(head -c 300 "$D/force2.log")"
fi
cp "$EX/force.conf" "$D/force-bad.conf"
echo "force+$TRUE:sha256:$(printf '0%.0s' $(seq 64)):kill" >> "$D/force-bad.conf"
"$mt" -P "$D/force-bad.conf" -o "$D/force3.log" -- "$TRUE" > /dev/null 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "^memtrace: kill .*force: .*path $TRUE" "$D/force3.log"; then
	pass profiles/example-force/bad-pin
else
	fail profiles/example-force/bad-pin "exit $rc: $(head -c 300 "$D/force3.log")"
fi
# jit.conf: a real JIT runs under it, and is refused without it.
NODE=$(command -v node || true)
if [ -z "$NODE" ]; then
	skip profiles/example-jit "node is not installed (no JIT runtime to run)"
else
	out=$("$mt" -P "$EX/jit.conf" -o "$D/jit.log" -- "$NODE" -e 'console.log(6*7)' 2>&1); rc=$?
	"$mt" -o "$D/jit-default.log" -- "$NODE" -e 'console.log(6*7)' > /dev/null 2>&1
	if [ $rc -eq 0 ] && [ "$out" = 42 ] && ! grep -q . "$D/jit.log" &&
	   grep -q "deny .*wx: writable and executable" "$D/jit-default.log"; then
		pass profiles/example-jit
	else
		fail profiles/example-jit "exit $rc: $out $(head -c 300 "$D/jit.log")"
	fi
fi
