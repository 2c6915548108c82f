# SPDX-License-Identifier: GPL-3.0-or-later
# make fuzz: build every testsuite/fuzz/fuzz_NAME.c with libFuzzer, ASan
# and UBSan into build-fuzz/, then run each for FUZZ_SECONDS seconds on
# a scratch corpus seeded from testsuite/fuzz/corpus/NAME/ (and with
# testsuite/fuzz/fuzz_NAME.dict as its dictionary, if there is one).
# A crash, leak, sanitizer report or an input slower than FUZZ_TIMEOUT
# seconds fails the target; the input is saved in build-fuzz/artifacts/.
#
# The sources a harness links, first found of:
#   FUZZ_DEPS_NAME                       (make variable)
#   a comment line "fuzz-deps: checks/a.c checks/b.c" in the harness
#   checks/X.c for every "checks/X.h" the harness includes
# and its libraries: FUZZ_LDLIBS_NAME, else a "fuzz-libs: -lfoo" line,
# else nothing if it has a fuzz-deps line, else the main build's
# pkg-config flags and libraries. It does not use the main build's objects, so it
# works while other parts of the tree are broken. A harness may name
# another target's seeds ("fuzz-corpus: elf") and a longest input of
# its own ("fuzz-max-len: 16384").
#
#   make fuzz FUZZ_SECONDS=20          every target, 20 seconds each
#   make fuzz FUZZ_TARGETS=policy      only fuzz_policy

FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_MAX_LEN ?= 4096
FUZZ_CC ?= $(firstword $(shell command -v clang clang-14 2>/dev/null) clang)
FUZZ_B := build-fuzz
FUZZ_CFLAGS ?= -O1 -g
FUZZ_CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow \
	-Wno-unused-parameter -D_GNU_SOURCE -I. -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

FUZZ_ALL := $(patsubst testsuite/fuzz/fuzz_%.c,%,\
	$(wildcard testsuite/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL)

# What follows "fuzz-$(2):" in testsuite/fuzz/fuzz_$(1).c.
fuzz_tag = $(strip $(shell sed -n 's/^.*fuzz-$(2):\([^*]*\).*$$/\1/p' \
	testsuite/fuzz/fuzz_$(1).c))
# checks/X.c for each checks/X.h the harness includes ('.' is '#').
fuzz_guess = $(wildcard $(patsubst %.h,%.c,$(shell sed -n \
	's/^.include "\(checks\/[^"]*\.h\)".*/\1/p' testsuite/fuzz/fuzz_$(1).c)))
fuzz_deps = $(or $(FUZZ_DEPS_$(1)),$(call fuzz_tag,$(1),deps),\
	$(call fuzz_guess,$(1)))
fuzz_libs = $(or $(FUZZ_LDLIBS_$(1)),$(call fuzz_tag,$(1),libs),\
	$(if $(call fuzz_tag,$(1),deps),,$(PKG_LIBS)))
fuzz_cflags = $(if $(call fuzz_tag,$(1),deps),,$(PKG_CFLAGS))

define fuzz_rule
$(FUZZ_B)/fuzz_$(1): testsuite/fuzz/fuzz_$(1).c $(call fuzz_deps,$(1)) \
		$(wildcard checks/*.h testsuite/fuzz/*.h)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $(call fuzz_cflags,$(1)) \
		-o $$@ $$(filter %.c,$$^) \
		$(call fuzz_libs,$(1))
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		h=testsuite/fuzz/fuzz_$$t.c; \
		seeds=testsuite/fuzz/corpus/$$t; \
		[ -d "$$seeds" ] || seeds=testsuite/fuzz/corpus/$$(sed -n \
			's/^.*fuzz-corpus: *\([a-z]*\).*$$/\1/p' $$h); \
		[ -d "$$seeds" ] || seeds=; \
		maxlen=$$(sed -n 's/^.*fuzz-max-len: *\([0-9]*\).*$$/\1/p' $$h); \
		dict=testsuite/fuzz/fuzz_$$t.dict; \
		[ -f "$$dict" ] && dict=-dict=$$dict || dict=; \
		mkdir -p $(FUZZ_B)/corpus/$$t $(FUZZ_B)/artifacts; \
		echo "fuzz_$$t: $(FUZZ_SECONDS) seconds"; \
		$(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=$(FUZZ_TIMEOUT) \
			-max_len=$${maxlen:-$(FUZZ_MAX_LEN)} \
			-print_final_stats=1 $$dict \
			-artifact_prefix=$(FUZZ_B)/artifacts/$$t- \
			$(FUZZ_B)/corpus/$$t $$seeds \
			|| { echo "fuzz_$$t: FAILED" >&2; exit 1; }; \
	done
