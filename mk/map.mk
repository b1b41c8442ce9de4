## mk/map.mk - addresses, timestamps, the LMDB IP map, abuse-map(8) and
## their tests and benchmark.

lib_libabuse_la_SOURCES += lib/ipaddr.c lib/ipaddr.h \
	lib/timeparse.c lib/timeparse.h \
	lib/sha256.c lib/sha256.h lib/csv.c lib/csv.h \
	lib/ipmap.c lib/ipmap.h lib/ipmap_build.c lib/ipmap_build.h \
	lib/ipmap_build_int.h lib/ipmap_history.c lib/ipmap_install.c \
	lib/ipmap_int.h

sbin_PROGRAMS += tools/abuse-map
tools_abuse_map_SOURCES = tools/abuse-map.c
tools_abuse_map_LDADD = $(LIBABUSE)
dist_man_MANS += docs/abuse-map.8

## Unit, oracle and concurrency tests (C, TAP).
check_PROGRAMS += t/test_ipaddr t/test_timeparse t/test_ipmap_csv \
	t/test_ipmap t/test_ipmap_oracle t/test_ipmap_concurrent \
	t/test_ipmap_history
t_test_ipmap_history_SOURCES = t/test_ipmap_history.c t/tap.h
t_test_ipmap_history_LDADD = $(LIBABUSE)
t_test_ipaddr_SOURCES = t/test_ipaddr.c t/tap.h
t_test_ipaddr_LDADD = $(LIBABUSE)
t_test_timeparse_SOURCES = t/test_timeparse.c t/tap.h
t_test_timeparse_LDADD = $(LIBABUSE)
t_test_ipmap_csv_SOURCES = t/test_ipmap_csv.c t/tap.h
t_test_ipmap_csv_LDADD = $(LIBABUSE)
t_test_ipmap_SOURCES = t/test_ipmap.c t/tap.h
t_test_ipmap_LDADD = $(LIBABUSE)
t_test_ipmap_oracle_SOURCES = t/test_ipmap_oracle.c t/tap.h
t_test_ipmap_oracle_LDADD = $(LIBABUSE)
t_test_ipmap_concurrent_SOURCES = t/test_ipmap_concurrent.c t/tap.h
t_test_ipmap_concurrent_LDADD = $(LIBABUSE)
TESTS += t/test_ipaddr t/test_timeparse t/test_ipmap_csv t/test_ipmap \
	t/test_ipmap_oracle t/test_ipmap_concurrent t/test_ipmap_history

## Golden-file tests of abuse-map load/dump/lookup/stat and bad input.
TESTS += t/test_map_golden.sh t/test_map_history.sh
dist_noinst_SCRIPTS += t/test_map_golden.sh t/test_map_history.sh
EXTRA_DIST += t/map/good.csv t/map/good.queries t/map/good.load.ref \
	t/map/good.dump.ref t/map/good.lookup.ref t/map/good.stat.ref \
	t/map/span.csv t/map/span.queries t/map/span.lookup.ref \
	t/map/format4.mdb \
	t/map/bad-address.csv t/map/bad-address.ref \
	t/map/bad-csv.csv t/map/bad-csv.ref \
	t/map/bad-customer.csv t/map/bad-customer.ref \
	t/map/bad-empty.csv t/map/bad-empty.ref \
	t/map/bad-header-dup.csv t/map/bad-header-dup.ref \
	t/map/bad-header-missing.csv t/map/bad-header-missing.ref \
	t/map/bad-header-unknown.csv t/map/bad-header-unknown.ref \
	t/map/bad-many.csv t/map/bad-many.ref \
	t/map/bad-overlap.csv t/map/bad-overlap.ref \
	t/map/bad-ports.csv t/map/bad-ports.ref \
	t/map/bad-prefix.csv t/map/bad-prefix.ref \
	t/map/bad-time.csv t/map/bad-time.ref

## Benchmark (never a test): sh bench/map.sh BUILDDIR, see its header.
noinst_PROGRAMS += bench/bench_map
bench_bench_map_SOURCES = bench/bench_map.c
bench_bench_map_LDADD = $(LIBABUSE)
dist_noinst_SCRIPTS += bench/map.sh bench/history.sh
