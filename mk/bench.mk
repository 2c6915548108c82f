# SPDX-License-Identifier: GPL-3.0-or-later
# make bench: memtrace's cost against native, against the floor of
# ptrace (build/bench/floor, a tracer that only stops and resumes) and
# against strace --seccomp-bpf, on the same machine in one run.
#
#   make bench              the full run (about 5 minutes on 2 cores)
#   make bench QUICK=1      a smoke run with small counts (under 1 minute)
#   make bench REPS=9       more interleaved repetitions (default 5)
#   make bench BENCH_ONLY="anon file"   some workloads only
#
# The harness is testsuite/bench/bench.sh; it prints the table and
# keeps it, with the raw times, in build/bench/results/.

BENCH_B := build/bench
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
BENCH_TOOLS := run anon filemap malloc repeat
BENCH_BINS := $(BENCH_TOOLS:%=$(BENCH_B)/%) $(BENCH_B)/floor
QUICK ?=
REPS ?=
BENCH_ONLY ?=

$(BENCH_TOOLS:%=$(BENCH_B)/%): $(BENCH_B)/%: testsuite/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -pthread -o $@ $<

$(BENCH_B)/floor: testsuite/bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(shell pkg-config --cflags libseccomp) \
		-o $@ $< $(shell pkg-config --libs libseccomp)

.PHONY: bench bench-build
bench-build: $(BENCH_BINS)

# The suite's bench case runs the harness with QUICK=1.
check: bench-build

bench: memtrace bench-build
	@QUICK='$(QUICK)' REPS='$(REPS)' BENCH_ONLY='$(BENCH_ONLY)' \
		MEMTRACE=$(CURDIR)/memtrace bash testsuite/bench/bench.sh
