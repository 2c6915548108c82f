# SPDX-License-Identifier: GPL-3.0-or-later
# Shared-library fixtures for the ELF unit test and the tracee tests,
# one per stack verdict, in build/testlibs (never sanitised: they are
# loaded by the programs under test):
#   libok.so          PT_GNU_STACK RW            -> no exec stack
#   libexecstack.so   PT_GNU_STACK RWX           -> exec stack
#   libnostack.so     no PT_GNU_STACK at all     -> the machine's default
#   libtrunc.so       libok.so cut inside its program headers -> error
#   notelf.so         a text file                -> not ELF

TESTLIB_DIR := build/testlibs
TESTLIBS := $(addprefix $(TESTLIB_DIR)/,libok.so libexecstack.so \
	libnostack.so libtrunc.so notelf.so)
TESTLIB_CFLAGS := -O1 -fPIC -shared -Wall -Wextra -Werror
STRIP_GNUSTACK := build/tools/strip_gnustack

.PHONY: testlibs
testlibs: $(TESTLIBS)
check: testlibs

$(TESTLIB_DIR)/libok.so: testsuite/tracees/lib/ok.c
	@mkdir -p $(@D)
	$(CC) $(TESTLIB_CFLAGS) -Wl,-z,noexecstack -o $@ $<

$(TESTLIB_DIR)/libexecstack.so: testsuite/tracees/lib/ok.c
	@mkdir -p $(@D)
	$(CC) $(TESTLIB_CFLAGS) -Wl,-z,execstack -o $@ $<

# No linker option drops PT_GNU_STACK, so patch its type to PT_NULL.
$(TESTLIB_DIR)/libnostack.so: $(TESTLIB_DIR)/libok.so $(STRIP_GNUSTACK)
	$(STRIP_GNUSTACK) $< $@

# 100 bytes ends inside the program header table for ELF32 and ELF64.
$(TESTLIB_DIR)/libtrunc.so: $(TESTLIB_DIR)/libok.so
	head -c 100 $< > $@

$(TESTLIB_DIR)/notelf.so:
	@mkdir -p $(@D)
	printf 'This is not an ELF file, only named like a library.\n' > $@

$(STRIP_GNUSTACK): testsuite/tools/strip_gnustack.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -o $@ $<
