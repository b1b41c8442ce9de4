## mk/bench.mk - `make bench`: Postfix throughput, latency and memory with
## and without milters (bench/postfix.sh), plus the map and dry-run
## benchmarks (bench/map.sh, bench/dryrun.sh) when present; prints a
## table and writes docs/PERFORMANCE.md.

noinst_PROGRAMS += bench/empty_milter
bench_empty_milter_SOURCES = bench/empty_milter.c
bench_empty_milter_CFLAGS = $(AM_CFLAGS) $(MILTER_CFLAGS)
bench_empty_milter_LDADD = $(MILTER_LIBS)

dist_noinst_SCRIPTS += bench/postfix.sh bench/run.sh bench/loadgen.py \
	bench/profile.sh bench/transport.sh bench/lib.sh
EXTRA_DIST += docs/PERFORMANCE.md

bench: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	POSTFIX='$(POSTFIX)' SMTP_SINK='$(SMTP_SINK)' \
	SMTP_SOURCE='$(SMTP_SOURCE)' PYTHON3='$(PYTHON3)' \
	$(SHELL) $(top_srcdir)/bench/run.sh \
	    '$(abs_top_srcdir)/docs/PERFORMANCE.md'

.PHONY: bench
