# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The bash completion (options, rule keys, actions, call names) and the
# Debian package (make deb: its contents, lintian).
# shellcheck source=testsuite/lib.sh
. "$MT_ROOT/testsuite/lib.sh"

D=$MT_TMP/deb
mkdir -p "$D"
comp=$MT_ROOT/contrib/bash-completion/memtrace

# complete LINE: the completions bash would offer at the end of LINE.
complete_line() {
	bash -c '
		. "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		read -r -a COMP_WORDS <<< "$2"
		COMP_WORDS[0]=$3
		_memtrace
		printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$1" "$mt"
}

# Every long option of --help is offered.
missing=
for o in $("$mt" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
	complete_line "memtrace $o" | grep -qx -- "$o" || missing="$missing $o"
done
for o in -m -P -o -v -k -c -p -f -ff -e -t -tt -ttt -s -q; do
	"$mt" --help | grep -qE -- "(^|[ ,])${o}[ ,]" || continue
	complete_line "memtrace $o" | grep -qx -- "$o" || missing="$missing $o"
done
if [ -z "$missing" ]; then
	pass completion/options
else
	fail completion/options "not offered:$missing"
fi

# Every key memtrace knows (every line of --dump-policy) after -m.
keys=$(complete_line "memtrace -m " | sort)
want=$("$mt" --dump-policy | sed -n -e 's/^\([a-z_/]*\)^$/\1+/p' \
	-e 's/^\([a-z_/]*\):.*/\1:/p' | sort -u)
n=$(grep -c . <<< "$want")
if [ "$keys" = "$want" ] && [ "$n" -ge 26 ] && grep -qx allow/exec+ <<< "$keys" &&
   grep -qx mem/vm_max: <<< "$keys"; then
	pass "completion/keys ($n)"
else
	fail completion/keys "offered $(tr '\n' ' ' <<< "$keys"); want $(tr '\n' ' ' <<< "$want")"
fi

# Values: the actions after default/KEY:, booleans after a boolean key.
a=$(complete_line "memtrace -m default/wx:" | tr '\n' ' ')
b=$(complete_line "memtrace -m sandbox/exec:" | tr '\n' ' ')
k=$(complete_line "memtrace -m default/mem:k" | tr '\n' ' ')
if [ "$a" = "allow warn filter deny panic stop abort kill exit " ] &&
   [ "$b" = "true false " ] && [ "$k" = "kill " ]; then
	pass completion/values
else
	fail completion/values "default/wx: \"$a\", sandbox/exec: \"$b\", default/mem:k \"$k\""
fi

# -e: the names memtrace itself lists (its message for an unknown one).
names=$("$mt" -e trace=x true 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' |
	sed 's/, / /g; s/ or / /')
offered=$(complete_line "memtrace -e trace=" | tr '\n' ' ')
bad=
for nm in $names; do
	grep -qw -- "$nm" <<< "$offered" || bad="$bad $nm"
done
list=$(complete_line "memtrace -e trace=brk,mp" | tr '\n' ' ')
if [ -n "$names" ] && [ -z "$bad" ] && [ "$list" = "brk,mprotect " ]; then
	pass completion/trace-names
else
	fail completion/trace-names "memtrace lists \"$names\"; not offered:$bad; brk,mp gives \"$list\""
fi

# The package's version is the program's.
v=$(sed -n '1s/^memtrace (\([^)]*\)).*/\1/p' "$MT_ROOT/debian/changelog")
mv=$("$mt" --version | sed -n 's/^memtrace //p')
if [ "$v" = "$mv" ]; then
	pass "deb/version ($v)"
else
	fail deb/version "debian/changelog at $v, memtrace --version at $mv"
fi

# make deb: dpkg-buildpackage, lintian with no error, and the package
# holds the stripped program, the man pages, the README, the copyright,
# the completion and the example profiles (where the tree has them).
need=
for c in dpkg-buildpackage dh lintian dpkg-deb; do
	command -v "$c" > /dev/null 2>&1 || need="$need $c"
done
if [ -n "$need" ]; then
	skip deb/package "no$need here (make deb installs dpkg-dev, debhelper and lintian as root)"
else
	if make -s -C "$MT_ROOT" deb DEB_DIR="$D/out" > "$D/make.log" 2>&1; then
		deb=$(find "$D/out" -maxdepth 1 -name "memtrace_${mv}_*.deb" | head -1)
		dpkg-deb -c "$deb" > "$D/contents" 2>&1
		bad=
		for f in ./usr/bin/memtrace ./usr/share/man/man1/memtrace.1.gz \
			 ./usr/share/man/man5/memtrace.conf.5.gz \
			 ./usr/share/doc/memtrace/README.md.gz \
			 ./usr/share/doc/memtrace/copyright \
			 ./usr/share/bash-completion/completions/memtrace; do
			grep -q " $f\$" "$D/contents" || bad="$bad $f"
		done
		for f in "$MT_ROOT"/doc/examples/*; do
			[ -e "$f" ] || continue
			grep -q "/examples/$(basename "$f")" "$D/contents" ||
				bad="$bad examples/$(basename "$f")"
		done
		mkdir -p "$D/x"
		dpkg-deb -x "$deb" "$D/x"
		stripped=no
		readelf -S "$D/x/usr/bin/memtrace" | grep -q '\.symtab' || stripped=yes
		# Not the sanitised build, even under make check SANITIZE=1.
		readelf -d "$D/x/usr/bin/memtrace" | grep -q 'libasan' &&
			bad="$bad (linked with libasan)"

		dbg=$(find "$D/out" -maxdepth 1 -name "memtrace-dbgsym_${mv}_*.deb" | head -1)
		if [ -n "$bad" ] || [ $stripped != yes ] || [ -z "$dbg" ]; then
			fail deb/package "missing:$bad; stripped: $stripped; dbgsym: ${dbg:-none}"
		else
			pass "deb/package ($(basename "$deb"), $(grep -c . "$D/contents") entries)"
		fi
	else
		fail deb/package "make deb failed: $(tail -c 400 "$D/make.log" | tr '\n' '|')"
	fi
fi
