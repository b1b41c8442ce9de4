## mk/variants.mk - attribution by classes: t/variants/variants.py derives
## everyday variants (the hand-off hop in each MTA's dialect, another
## customer's evidence, the incident time across a reassignment, bounces
## and replies, re-encodings, forwards) from the fixtures, its own
## fixtures and the corpus beside the checkout when present, decides
## them with abuse-milter -t and fails on any misroute or false route.
## VARIANTS_ALLOW_FAIL=1 reports the failures and passes.

dist_noinst_SCRIPTS += t/variants/variants.py
EXTRA_DIST += t/variants/README t/variants/map.csv t/variants/fixtures

VARIANTS_SEED = 1
VARIANTS_ALLOW_FAIL =
check-variants: all
	VARIANTS_ALLOW_FAIL='$(VARIANTS_ALLOW_FAIL)' $(PYTHON3) \
	    $(top_srcdir)/t/variants/variants.py \
	    --srcdir '$(abs_top_srcdir)' --builddir '$(abs_top_builddir)' \
	    --corpus '$(CORPUS)' --seed '$(VARIANTS_SEED)'

.PHONY: check-variants
