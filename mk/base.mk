## mk/base.mk - foundation: buffers, logging, the TAP helper.

lib_libabuse_la_SOURCES += lib/addr.c lib/addr.h lib/buf.c lib/buf.h \
	lib/log.c lib/log.h lib/str.c lib/str.h

check_PROGRAMS += t/test_buf
t_test_buf_SOURCES = t/test_buf.c t/tap.h
t_test_buf_LDADD = $(LIBABUSE)
TESTS += t/test_buf

check_PROGRAMS += t/test_addr
t_test_addr_SOURCES = t/test_addr.c t/tap.h
t_test_addr_LDADD = $(LIBABUSE)
TESTS += t/test_addr
