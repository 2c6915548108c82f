# SPDX-License-Identifier: GPL-3.0-or-later
# testsuite/tools/features: the kernel features testsuite/run prints at
# its start that a shell cannot probe (MDWE). Never sanitised: it only
# asks the kernel.
FEATURES_PROBE := build/tools/features
check: $(FEATURES_PROBE)

$(FEATURES_PROBE): testsuite/tools/features.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $<
