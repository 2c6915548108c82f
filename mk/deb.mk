# SPDX-License-Identifier: GPL-3.0-or-later
# make deb: the Debian package, built by dpkg-buildpackage from debian/
# in a copy of the tree, so that the tree's own build stays as it is:
#
#   build/deb/memtrace_VERSION_ARCH.deb          the program, stripped
#   build/deb/memtrace-dbgsym_VERSION_ARCH.deb   its debug symbols
#
# then lintian, which must report no error. As root, the tools it
# needs (dpkg-dev, debhelper, lintian) are installed when missing, as
# tools/deps.sh does for the build.

DEB_DIR ?= build/deb
DEB_SRC := $(DEB_DIR)/memtrace-$(VERSION)
DEB_JOBS ?= 2

# The package's build is its own: nothing of this make's command line
# (SANITIZE=1 or B= from make check) reaches dpkg-buildpackage's make.
.PHONY: deb
deb:
	@sh tools/deps.sh deb
	@v=$$(dpkg-parsechangelog -l debian/changelog -SVersion) && \
	 [ "$$v" = "$(VERSION)" ] || { echo "memtrace: debian/changelog" \
	 "is at $$v, the GNUmakefile at $(VERSION)" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -cf - --anchored --exclude=./.git --exclude=./build \
		--exclude='./build-*' \
		--exclude=./memtrace . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		-u SANITIZE -u B dpkg-buildpackage -b -us -uc -j$(DEB_JOBS) \
		> ../build.log 2>&1 || { tail -30 ../build.log >&2; exit 1; }
	rm -rf $(DEB_SRC)
	lintian --fail-on error $(DEB_DIR)/memtrace_$(VERSION)_*.changes
	@ls $(DEB_DIR)/*.deb
