## mk/deb.mk - the Debian package (debian/) and its check: make check-deb
## builds the package from the distribution, installs it, runs it behind a
## private Postfix and purges it (t/check_deb.sh; as root).

EXTRA_DIST += debian/changelog debian/control debian/copyright \
	debian/rules debian/source/format debian/abuse-milter.conf \
	debian/postinst debian/postrm debian/dirs debian/docs debian/clean \
	debian/README.Debian t/check_deb.sh \
	docs/ARCHITECTURE.md docs/SECURITY.md

check-deb: dist
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    PYTHON3='$(PYTHON3)' POSTFIX='$(POSTFIX)' SMTP_SINK='$(SMTP_SINK)' \
	    $(SHELL) $(top_srcdir)/t/check_deb.sh \
	    '$(abs_top_builddir)/$(distdir).tar.gz'

.PHONY: check-deb
