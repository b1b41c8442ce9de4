## mk/faults.mk - fault-injection and load tests: abuse-milter behind a
## real Postfix while its map, its configuration, its process, its
## resources and its DNS fail, and under 200 concurrent sessions.

check_PROGRAMS += t/faults/hold_readers
## preloaded into the daemon by t/test_miltertest.sh: smfi_addrcpt or
## smfi_chgfrom fails (a plain shared object: the library builds are static)
check_DATA = t/faults/milter_fail.so
t/faults/milter_fail.so: $(top_srcdir)/t/faults/milter_fail.c
	@$(MKDIR_P) t/faults
	$(CC) $(MILTER_CFLAGS) -fPIC -shared -o $@ \
	    $(top_srcdir)/t/faults/milter_fail.c -ldl
CLEANFILES += t/faults/milter_fail.so
t_faults_hold_readers_SOURCES = t/faults/hold_readers.c
t_faults_hold_readers_CFLAGS = $(AM_CFLAGS) $(LMDB_CFLAGS)
t_faults_hold_readers_LDADD = $(LMDB_LIBS)

FAULT_TESTS = t/test_faults_map.sh t/test_faults_reload.sh \
	t/test_faults_process.sh t/test_faults_resources.sh \
	t/test_faults_spf.sh t/test_load.sh
TESTS += $(FAULT_TESTS)
dist_noinst_SCRIPTS += $(FAULT_TESTS) t/faults/lib.sh t/faults/flood.py
EXTRA_DIST += t/faults/milter_fail.c t/faults/route.eml t/faults/keep.eml t/faults/noip.eml \
	t/faults/map-a.csv t/faults/map-b.csv
