## mk/map.mk - addresses, timestamps, the LMDB IP map and abuse-map(8).

lib_libabuse_la_SOURCES += lib/ipaddr.c lib/ipaddr.h \
	lib/timeparse.c lib/timeparse.h

check_PROGRAMS += t/test_ipaddr t/test_timeparse
t_test_ipaddr_SOURCES = t/test_ipaddr.c t/tap.h
t_test_ipaddr_LDADD = $(LIBABUSE)
t_test_timeparse_SOURCES = t/test_timeparse.c t/tap.h
t_test_timeparse_LDADD = $(LIBABUSE)
TESTS += t/test_ipaddr t/test_timeparse
