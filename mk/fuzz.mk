## mk/fuzz.mk - fuzz targets, sanitizer and valgrind runs, hostile inputs.
##
## The fuzz targets (fuzz/fuzz_*.c) are built twice: here with a small
## main() (fuzz/standalone.c) so that `make check` replays the regression
## inputs and the seeds, and by fuzz/run.sh with clang and libFuzzer for
## `make fuzz` (FUZZ_SECONDS per target) and `make fuzz-ci` (30 s each).

FUZZ_MAIN = fuzz/standalone.c fuzz/fuzzutil.c fuzz/fuzz.h

check_PROGRAMS += fuzz/fuzz_ipaddr fuzz/fuzz_rules fuzz/fuzz_conf \
	fuzz/fuzz_mapcsv fuzz/fuzz_complaint fuzz/fuzz_timeparse \
	fuzz/fuzz_received fuzz/fuzz_charset fuzz/fuzz_addr
fuzz_fuzz_ipaddr_SOURCES = fuzz/fuzz_ipaddr.c $(FUZZ_MAIN)
fuzz_fuzz_ipaddr_LDADD = $(LIBABUSE)
fuzz_fuzz_rules_SOURCES = fuzz/fuzz_rules.c $(FUZZ_MAIN)
fuzz_fuzz_rules_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
fuzz_fuzz_rules_LDADD = $(LIBABUSE)
fuzz_fuzz_conf_SOURCES = fuzz/fuzz_conf.c $(FUZZ_MAIN)
fuzz_fuzz_conf_LDADD = $(LIBABUSE)
fuzz_fuzz_mapcsv_SOURCES = fuzz/fuzz_mapcsv.c $(FUZZ_MAIN)
fuzz_fuzz_mapcsv_LDADD = $(LIBABUSE)
fuzz_fuzz_complaint_SOURCES = fuzz/fuzz_complaint.c $(FUZZ_MAIN)
fuzz_fuzz_complaint_LDADD = $(LIBABUSE)
fuzz_fuzz_timeparse_SOURCES = fuzz/fuzz_timeparse.c $(FUZZ_MAIN)
fuzz_fuzz_timeparse_LDADD = $(LIBABUSE)
fuzz_fuzz_received_SOURCES = fuzz/fuzz_received.c $(FUZZ_MAIN)
fuzz_fuzz_received_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
fuzz_fuzz_received_LDADD = $(LIBABUSE)
fuzz_fuzz_charset_SOURCES = fuzz/fuzz_charset.c $(FUZZ_MAIN)
fuzz_fuzz_charset_LDADD = $(LIBABUSE)
fuzz_fuzz_addr_SOURCES = fuzz/fuzz_addr.c $(FUZZ_MAIN)
fuzz_fuzz_addr_LDADD = $(LIBABUSE)

## Hostile complaints and map rows; regression inputs of the fuzz targets.
check_PROGRAMS += t/test_hostile
t_test_hostile_SOURCES = t/test_hostile.c t/tap.h
t_test_hostile_LDADD = $(LIBABUSE)
TESTS += t/test_hostile t/test_fuzz_regress.sh t/test_hostile_dryrun.sh
dist_noinst_SCRIPTS += t/test_fuzz_regress.sh t/test_hostile_dryrun.sh \
	t/hostile/mkhostile.sh fuzz/run.sh fuzz/seeds.sh t/tsan.sh t/valgrind.sh \
	t/valgrind_postfix.sh
EXTRA_DIST += fuzz/regress fuzz/fuzz_complaint.dict fuzz/fuzz_rules.dict \
	fuzz/fuzz_conf.dict fuzz/fuzz_mapcsv.dict fuzz/fuzz_timeparse.dict \
	fuzz/fuzz_received.dict fuzz/fuzz_charset.dict \
	t/hostile/map.csv \
	t/hostile/expected.tsv t/hostile/backtrack.rules t/valgrind.supp \
	t/tsan.supp

FUZZ_SECONDS = 300
FUZZ_JOBS = 2
FUZZ_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	CLANG='$(CLANG)' FUZZ_JOBS='$(FUZZ_JOBS)'

## Long run: FUZZ_SECONDS per target; make fuzz FUZZ_SECONDS=3600.
fuzz:
	$(FUZZ_ENV) FUZZ_SECONDS='$(FUZZ_SECONDS)' $(SHELL) $(top_srcdir)/fuzz/run.sh

## Short run for CI: fails on any crash; exits 77 (skipped) without clang
## or libFuzzer, which .ci/run counts as a failure.
fuzz-ci:
	$(FUZZ_ENV) FUZZ_SECONDS=30 $(SHELL) $(top_srcdir)/fuzz/run.sh

## Used by fuzz/run.sh in its own clang build directory.
fuzz-print-cflags:
	@echo '$(PCRE2_CFLAGS) $(LMDB_CFLAGS) $(MILTER_CFLAGS) $(ARCHIVE_CFLAGS)'
fuzz-print-libs:
	@echo '$(PCRE2_LIBS) $(LMDB_LIBS) $(ARCHIVE_LIBS) $(SPF2_LIBS) $(LIBS)'
## Used by t/tsan.sh: the tests this tree declares.
fuzz-print-tests:
	@echo '$(TESTS)'

## The concurrent tests again under ThreadSanitizer, in tsan-build/.
check-tsan:
	$(FUZZ_ENV) $(SHELL) $(top_srcdir)/t/tsan.sh

## The dry run, the map loader and the Postfix test under valgrind memcheck.
check-valgrind: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    VALGRIND='$(VALGRIND)' POSTFIX='$(POSTFIX)' \
	    SMTP_SINK='$(SMTP_SINK)' SMTP_SOURCE='$(SMTP_SOURCE)' \
	    $(SHELL) $(top_srcdir)/t/valgrind.sh
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    VALGRIND='$(VALGRIND)' POSTFIX='$(POSTFIX)' \
	    SMTP_SINK='$(SMTP_SINK)' SMTP_SOURCE='$(SMTP_SOURCE)' \
	    $(SHELL) $(top_srcdir)/t/valgrind_postfix.sh

fuzz-clean:
	rm -rf fuzz-build tsan-build

.PHONY: fuzz fuzz-ci fuzz-print-cflags fuzz-print-libs fuzz-print-tests \
	check-tsan \
	check-valgrind fuzz-clean
