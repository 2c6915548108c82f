# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Real programs run under the default policy (W^X with exec gain
# refused, and the kernel's PR_SET_MDWE where it has it) as they run
# without memtrace: python3 with ctypes and threads, perl, gcc
# compiling and linking a file, git, sqlite3. Each must exit 0 with no
# denial recorded.
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

dir=$MT_TMP/realprogs
mkdir -p "$dir"
export HOME=$dir GIT_CONFIG_NOSYSTEM=1

cat > "$dir/ct.py" <<'EOF'
import ctypes, ctypes.util, threading
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.strlen.restype = ctypes.c_size_t
assert libc.strlen(b"hello") == 5
buf = ctypes.create_string_buffer(16)
libc.snprintf(buf, 16, b"%d", 42)
assert buf.value == b"42"
got = []
def work(i):
    got.append(libc.getpid() + ctypes.c_int(i).value - i)
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert len(set(got)) == 1 and len(got) == 8
EOF
cat > "$dir/hello.c" <<'EOF'
#include <stdio.h>
#include <math.h>
int main(void) { printf("%.0f\n", sqrt(1764.0)); return 0; }
EOF

# prog_case NAME MODE PROGRAM COMMAND...: COMMAND (which needs PROGRAM)
# under memtrace in MODE.
prog_case() {
	local name=$1 mode=$2 prog=$3; shift 3
	local leaf=${name}.${mode/,/_}
	if ! command -v "$prog" > /dev/null; then
		skip "realprogs/$name [$mode]" "$prog is not installed"
		return
	fi
	mt_run "$mode" -o "$dir/log.$leaf" \
		-- "$@" > "$dir/out.$leaf" 2> "$dir/err.$leaf"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "realprogs/$name [$mode]" "exit $rc: $(head -c 300 "$dir/err.$leaf" | tr '\n' ' ') $(head -c 300 "$dir/log.$leaf")"
	elif [ -s "$dir/log.$leaf" ]; then
		fail "realprogs/$name [$mode]" "records: $(head -c 400 "$dir/log.$leaf")"
	else
		pass "realprogs/$name [$mode]"
	fi
}

# The system's python3 rather than a wrapper found first in PATH.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
for mode in seccomp,info ptrace,info; do
	leaf=${mode/,/_}
	prog_case python3-ctypes "$mode" "$py" "$py" "$dir/ct.py"
	# shellcheck disable=SC2016
	prog_case perl "$mode" perl perl -e '
		use threads; my %h = map { $_ => $_ * 2 } 1 .. 1000;
		my $t = threads->create(sub { scalar(keys %h) });
		exit($t->join == 1000 && "abc" =~ /b/ ? 0 : 1)'
	prog_case gcc "$mode" gcc gcc -O2 -o "$dir/hello.$leaf" "$dir/hello.c" -lm
	if [ -x "$dir/hello.$leaf" ] && [ "$("$dir/hello.$leaf")" != 42 ]; then
		fail "realprogs/gcc-output [$mode]" "the program gcc built printed $("$dir/hello.$leaf")"
	fi
	rm -rf "$dir/repo"
	prog_case git "$mode" git sh -c "git init -q '$dir/repo' && cd '$dir/repo' &&
		echo a > a && git add a &&
		git -c user.name=t -c user.email=t@t commit -qm one &&
		git log --oneline | grep -q one && git gc -q"
	rm -f "$dir/db"
	prog_case sqlite3 "$mode" sqlite3 sqlite3 "$dir/db" \
		"create table t(a); insert into t values (1), (2);
		 select sum(a) from t;"
done
