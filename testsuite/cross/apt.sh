#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A private apt for one foreign architecture, under build-cross/apt/ARCH/:
# its own sources list, lists, cache and (empty) dpkg status. The
# system's sources are never edited and nothing is installed into the
# system: packages are only downloaded (build-cross/debs/ARCH/) and
# unpacked with dpkg-deb -x (build-cross/sysroot-ARCH/).
#
# The archive URIs come from the system's own apt configuration
# (/etc/apt/sources.list, sources.list.d/*.list and *.sources): its
# entries for this release's main, -updates and -security suites.
#
#   apt.sh ARCH sysroot PKG...   download PKG... and unpack them into
#                                build-cross/sysroot-ARCH
#   apt.sh ARCH fetch PKG...     download only; print the .deb paths
#   apt.sh ARCH kernel           download the kernel behind the
#                                linux-image-ARCH meta package
#                                (armhf: -armmp, ppc64el: -powerpc64le);
#                                print the path of the .deb that holds
#                                the image (linux-image-VERSION, or
#                                linux-binary-VERSION where the image
#                                moved there)
#   apt.sh ARCH sources          print the generated sources list
#
# ARCH is Debian's name (amd64, arm64, armhf, loong64, ppc64el,
# riscv64, s390x). riscv64 was no release architecture in bookworm (it
# is one from trixie on), so riscv64 uses the next suite
# (CROSS_SUITE_riscv64, default trixie) on the same archive; loong64 is
# an architecture of unstable only, so it uses sid. CROSS_SUITE_<arch>
# overrides any architecture. Suites without -updates and -security
# (sid, *-backports) get only the archive's main entry.
#
# CROSS_APT_NAME names the area (default ARCH): testsuite/cross/tools.sh
# keeps host tools of another suite apart from the target's libraries,
# e.g. CROSS_APT_NAME=tools-trixie CROSS_SUITE_amd64=trixie.
#
# Cache: lists are fetched once (CROSS_APT_UPDATE=1 refreshes them), a
# .deb already in build-cross/debs/ARCH is not downloaded again, a .deb
# already unpacked is not unpacked again. Exit status 3 means the
# archive could not be reached (the caller reports its cases skipped).
set -eu

die() { echo "cross/apt: $*" >&2; exit 1; }
offline() { echo "cross/apt: $*" >&2; exit 3; }

[ $# -ge 2 ] || die "usage: apt.sh ARCH sysroot|fetch|kernel|sources [PKG...]"
arch=$1 cmd=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
BC=${CROSS_BUILD_DIR:-build-cross}
case $BC in /*) ;; *) BC=$top/$BC ;; esac
name=${CROSS_APT_NAME:-$arch}
D=$BC/apt/$name
debs=$BC/debs/$name
sysroot=$BC/sysroot-$name

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
eval "suite=\${CROSS_SUITE_$arch:-}"
if [ -z "$suite" ]; then
	case $arch in
	riscv64) [ "$codename" = bookworm ] && suite=trixie || suite=$codename ;;
	loong64) suite=sid ;;
	*) suite=$codename ;;
	esac
fi

# The system's entries as "URI SUITE SIGNED-BY" lines, for the suites
# $codename, $codename-updates and $codename-security with component
# main. SIGNED-BY is "-" when the entry names no keyring file.
system_entries() {
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			awk '
			/^[ \t]*deb[ \t]/ {
				sub(/#.*/, ""); n = split($0, w, /[ \t]+/)
				i = 1; while (w[i] == "") i++
				i++; sb = "-"
				if (w[i] ~ /^\[/) {
					opts = ""
					while (i <= n) {
						opts = opts " " w[i]
						if (w[i] ~ /\]$/) { i++; break }
						i++
					}
					if (match(opts, /signed-by=[^] \t]+/))
						sb = substr(opts, RSTART + 10, RLENGTH - 10)
				}
				uri = w[i]; s = w[i + 1]; main = 0
				for (j = i + 2; j <= n; j++) if (w[j] == "main") main = 1
				if (main) print uri, s, sb
			}' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk '
			function flush(   i, j, nu, ns, u, s) {
				if (types ~ /(^| )deb( |$)/ && enabled != "no" &&
				    (" " comps " ") ~ / main /) {
					nu = split(uris, u, " "); ns = split(suites, s, " ")
					for (i = 1; i <= nu; i++)
						for (j = 1; j <= ns; j++)
							print u[i], s[j], (sb == "" ? "-" : sb)
				}
				types = uris = suites = comps = sb = enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { next }	# continuation (an inline key)
			{
				k = tolower($0); sub(/:.*/, "", k)
				v = $0; sub(/^[^:]*:[ \t]*/, "", v); gsub(/[ \t]+/, " ", v)
				if (k == "types") types = v
				else if (k == "uris") uris = v
				else if (k == "suites") suites = v
				else if (k == "components") comps = v
				else if (k == "enabled") enabled = tolower(v)
				else if (k == "signed-by" && v ~ /^\//) sb = v
			}
			END { flush() }' "$f"
		done
	} | awk -v c="$codename" '$2 == c || $2 == c "-updates" || $2 == c "-security"' |
		sort -u
}

write_sources() {
	entries=$(system_entries)
	[ -n "$entries" ] || die "no $codename main entries in the system's apt sources"
	echo "$entries" | while read -r uri s sb; do
		case $suite in
		sid|unstable|experimental|*-backports)
			[ "$s" = "$codename" ] || continue ;;
		esac
		s2=$suite${s#"$codename"}
		opt="arch=$arch"
		[ "$sb" != - ] && opt="$opt signed-by=$sb"
		echo "deb [$opt] $uri $s2 main"
	done
}

mkdir -p "$D/lists/partial" "$D/cache/archives/partial" "$debs"
new=$D/sources.list.new
write_sources > "$new"
if ! cmp -s "$new" "$D/sources.list" 2>/dev/null; then
	mv "$new" "$D/sources.list"
	rm -f "$D/updated"
else
	rm -f "$new"
fi
[ -f "$D/status" ] || : > "$D/status"

if [ "$cmd" = sources ]; then
	cat "$D/sources.list"
	exit 0
fi

apt_opts() {
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$D/sources.list" \
		-o Dir::Etc::SourceParts=- \
		-o "Dir::State=$D" \
		-o "Dir::State::Lists=$D/lists" \
		-o "Dir::State::status=$D/status" \
		-o "Dir::Cache=$D/cache" \
		-o "APT::Architecture=$arch" \
		-o "APT::Architectures=$arch" \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root \
		-o Debug::NoLocking=1
}
# shellcheck disable=SC2046
xapt_get() { IFS='
'; set -- $(apt_opts) "$@"; unset IFS; apt-get "$@"; }
# shellcheck disable=SC2046
xapt_cache() { IFS='
'; set -- $(apt_opts) "$@"; unset IFS; apt-cache "$@"; }

update() {
	[ -f "$D/updated" ] && [ "${CROSS_APT_UPDATE:-0}" != 1 ] && return 0
	echo "cross/apt: apt-get update for $arch ($suite)" >&2
	rc=0
	xapt_get -q update > "$D/update.log" 2>&1 || rc=$?
	# The release's own main index is required; an -updates or
	# -security index that failed only costs the newest versions.
	main_idx=$(find "$D/lists" -maxdepth 1 -name \
		"*_dists_${suite}_main_binary-${arch}_Packages*" | head -n 1)
	if [ -z "$main_idx" ]; then
		sed 's/^/    /' "$D/update.log" >&2
		offline "apt-get update for $arch ($suite) failed: the archive is not reachable"
	fi
	if [ $rc -ne 0 ] || grep -q '^E: ' "$D/update.log"; then
		echo "cross/apt: warning: some $arch indexes failed (using $suite main):" >&2
		grep '^E: Failed to fetch' "$D/update.log" | cut -c1-160 | sed 's/^/    /' >&2
	fi
	touch "$D/updated"
}

# The cached .deb of PKG, if any.
cached() {
	for f in "$debs/$1"_*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Download PKG (unless cached); print the path.
fetch() {
	if f=$(cached "$1"); then
		echo "$f"
		return 0
	fi
	update
	echo "cross/apt: downloading $1 ($arch)" >&2
	(cd "$debs" && xapt_get -q download "$1" > "$D/download.log" 2>&1) || {
		sed 's/^/    /' "$D/download.log" >&2
		if grep -qE 'Unable to locate|has no installation candidate' "$D/download.log"; then
			die "no package $1 for $arch in $suite"
		fi
		offline "downloading $1 for $arch failed"
	}
	cached "$1" || die "apt-get download $1 left no .deb in $debs"
}

# The kernel's meta package: linux-image-ARCH, but the flavour where
# Debian has no meta package named after the architecture.
kernel_meta() {
	case $arch in
	armhf) echo linux-image-armmp ;;
	ppc64el) echo linux-image-powerpc64le ;;
	*) echo "linux-image-$arch" ;;
	esac
}

# Whether a kernel .deb holds the image: /boot/vmlinu[xz]-VERSION, or
# /usr/lib/modules/VERSION/vmlinu[xz] in newer packages.
has_image() {
	# No grep -q: dpkg-deb complains when the pipe closes early.
	dpkg-deb -c "$1" | grep -E ' \./(boot/vmlinu[xz]-|usr/lib/modules/[^/]+/vmlinu[xz]$)' > /dev/null
}

# The real kernel package behind the meta package.
kernel_pkg() {
	update
	meta=$(kernel_meta)
	dep=$(xapt_cache depends "$meta" 2>/dev/null |
	      awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$dep" ] || die "$meta: no linux-image-<version> dependency"
	echo "$dep"
}

case $cmd in
fetch)
	for p in "$@"; do fetch "$p"; done
	;;
sysroot)
	mkdir -p "$sysroot/.unpacked"
	for p in "$@"; do
		f=$(fetch "$p")
		stamp=$sysroot/.unpacked/$(basename "$f")
		[ -f "$stamp" ] && continue
		dpkg-deb -x "$f" "$sysroot" || die "dpkg-deb -x $f failed"
		touch "$stamp"
	done
	;;
kernel)
	# Cached: a kernel package already here that holds the image.
	for f in "$debs"/linux-binary-[0-9]*.deb "$debs"/linux-image-[0-9]*.deb; do
		[ -f "$f" ] && has_image "$f" && { echo "$f"; exit 0; }
	done
	pkg=$(kernel_pkg)
	f=$(fetch "$pkg")
	if ! has_image "$f"; then
		# Newer kernels split the image into linux-binary-<version>.
		bin=$(xapt_cache depends "$pkg" 2>/dev/null |
		      awk '$1 ~ /Depends:$/ && $2 ~ /^linux-binary-/ { print $2; exit }')
		[ -n "$bin" ] || die "$pkg holds no kernel image and names no linux-binary package"
		f=$(fetch "$bin")
		has_image "$f" || die "neither $pkg nor $bin holds a kernel image"
	fi
	echo "$f"
	;;
*)
	die "unknown command $cmd"
	;;
esac
