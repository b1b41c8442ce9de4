## mk/read.mk - reading complaints: MIME, rules, Received walk, the
## decision, the dry run, the default rules and their tests.

lib_libabuse_la_SOURCES += lib/mime.c lib/mime.h \
	lib/rules.c lib/rules_exec.c lib/rules_set.c lib/rules.h \
	lib/rules_int.h \
	lib/received.c lib/received.h \
	lib/extract.c lib/extract.h \
	lib/complaint.c lib/complaint.h lib/complaint_int.h \
	lib/decide.c lib/dryrun.c lib/dryrun.h \
	lib/kind.c lib/kind.h

dist_pkgdata_DATA += rules/abuse.rules
dist_man_MANS += docs/abuse-rules.5

## A stand-alone dry run over a map directory and a rules file, for the
## tests and the corpus score (abuse-milter -t runs the same code).
check_PROGRAMS += t/dryrun_driver t/test_mime t/test_rules t/test_decide \
	t/test_kind t/test_received t/test_keep
t_dryrun_driver_SOURCES = t/dryrun_driver.c
t_dryrun_driver_LDADD = $(LIBABUSE)
t_test_mime_SOURCES = t/test_mime.c t/tap.h
t_test_mime_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
t_test_mime_LDADD = $(LIBABUSE)
t_test_rules_SOURCES = t/test_rules.c t/tap.h
t_test_rules_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
t_test_rules_LDADD = $(LIBABUSE)
t_test_decide_SOURCES = t/test_decide.c t/tap.h
t_test_decide_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS) $(LMDB_CFLAGS)
t_test_decide_LDADD = $(LIBABUSE)
t_test_keep_SOURCES = t/test_keep.c t/tap.h
t_test_keep_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS) $(LMDB_CFLAGS)
t_test_keep_LDADD = $(LIBABUSE)
t_test_kind_SOURCES = t/test_kind.c t/tap.h
t_test_kind_LDADD = $(LIBABUSE)
t_test_received_SOURCES = t/test_received.c t/tap.h
t_test_received_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)
t_test_received_LDADD = $(LIBABUSE)
TESTS += t/test_mime t/test_rules t/test_decide t/test_kind \
	t/test_received t/test_keep t/test_dryrun.sh
dist_noinst_SCRIPTS += t/test_dryrun.sh t/corpus.sh
EXTRA_DIST += t/fixtures/read

## Dry-run decisions per second over the fixtures with a 1M-prefix map:
## sh bench/dryrun.sh BUILDDIR (run by `make bench` when present).
noinst_PROGRAMS += bench/bench_dryrun
bench_bench_dryrun_SOURCES = bench/bench_dryrun.c
bench_bench_dryrun_LDADD = $(LIBABUSE)
dist_noinst_SCRIPTS += bench/dryrun.sh
