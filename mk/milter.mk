## mk/milter.mk - the daemon abuse-milter(8): configuration, policies,
## rate limit, SPF, counters, snapshots, the libmilter glue, its manual
## pages, sample configuration and tests.

lib_libabuse_la_SOURCES += lib/conf.c lib/conf.h \
	lib/policy.c lib/policy.h \
	lib/ratelimit.c lib/ratelimit.h \
	lib/spf.c lib/spf.h \
	lib/stats.c lib/stats.h \
	lib/snapshot.c lib/snapshot.h

sbin_PROGRAMS += milter/abuse-milter
milter_abuse_milter_SOURCES = milter/abuse-milter.c milter/callbacks.c \
	milter/milter.h milter/whence.c milter/whence.h \
	milter/sockopt.c milter/sockopt.h \
	milter/runas.c milter/runas.h
milter_abuse_milter_CFLAGS = $(AM_CFLAGS) $(MILTER_CFLAGS)
## The binary in this tree, when no configuration is installed, reads the
## tree's own (whence.h): `build/milter/abuse-milter -t FILE` works at once.
milter_abuse_milter_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBUILD_PROGRAM='"$(abs_top_builddir)/milter/abuse-milter"' \
	-DBUILD_CONF='"$(abs_top_builddir)/milter/build.conf"'

## The build tree's configuration: the tree's rules and a map of the
## samples (samples/map.csv), for the dry run before anything is installed.
noinst_DATA = milter/build.conf samples/map/current
milter/build.conf: Makefile
	$(AM_V_GEN)$(MKDIR_P) milter && { \
	echo "# the build tree's configuration (mk/milter.mk), read by"; \
	echo "# milter/abuse-milter when $(sysconfdir)/abuse-milter.conf is missing"; \
	echo "Socket local:$(abs_top_builddir)/milter/abuse-milter.sock"; \
	echo "Syslog no"; \
	echo "AbuseRecipients abuse@provider.example"; \
	echo "MapDirectory $(abs_top_builddir)/samples/map"; \
	echo "RulesFile $(abs_top_srcdir)/rules/abuse.rules"; \
	echo "SPFPolicy off"; \
	} >$@.tmp && mv $@.tmp $@
samples/map/current: $(srcdir)/samples/map.csv tools/abuse-map$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) samples/map && \
	tools/abuse-map load -q -m samples/map $(srcdir)/samples/map.csv
clean-local: clean-build-conf
clean-build-conf:
	rm -rf milter/build.conf samples/map
.PHONY: clean-build-conf
milter_abuse_milter_LDADD = $(LIBABUSE) $(MILTER_LIBS)

dist_man_MANS += docs/abuse-milter.8 docs/abuse-milter.conf.5
EXTRA_DIST += contrib/abuse-milter.conf

check_PROGRAMS += t/test_conf t/test_ratelimit t/test_policy t/test_spf
t_test_conf_SOURCES = t/test_conf.c t/tap.h
t_test_conf_LDADD = $(LIBABUSE)
t_test_ratelimit_SOURCES = t/test_ratelimit.c t/tap.h
t_test_ratelimit_LDADD = $(LIBABUSE)
t_test_policy_SOURCES = t/test_policy.c t/tap.h
t_test_policy_LDADD = $(LIBABUSE)
t_test_spf_SOURCES = t/test_spf.c t/tap.h
t_test_spf_LDADD = $(LIBABUSE)
TESTS += t/test_conf t/test_ratelimit t/test_policy t/test_spf \
	t/test_miltertest.sh
dist_noinst_SCRIPTS += t/test_miltertest.sh
EXTRA_DIST += t/miltertest/common.lua t/miltertest/map.csv \
	t/miltertest/arf-c1.eml t/miltertest/noip.eml t/miltertest/negotiate.lua \
	t/miltertest/route.lua t/miltertest/keep.lua \
	t/miltertest/recipients.lua t/miltertest/header.lua \
	t/miltertest/policy.lua t/miltertest/ratelimit.lua \
	t/miltertest/reload.lua t/miltertest/spf.lua t/miltertest/spf.zone \
	t/miltertest/negotiate_tcp.lua t/miltertest/addfail.lua t/miltertest/chgfail.lua \
	t/miltertest/dns.py
