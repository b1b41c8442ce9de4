## mk/postfix.mk - everything that runs a real Postfix: the private
## instance harness, the README demo and its samples, the integration
## tests, and the Postfix and systemd files shipped in contrib/.

TESTS += t/test_postfix.sh t/test_postfix_corpus.sh t/test_postfix_addr.sh \
	t/test_postfix_return.sh
dist_noinst_SCRIPTS += t/test_postfix.sh t/test_postfix_corpus.sh \
	t/test_postfix_addr.sh t/test_postfix_return.sh \
	t/demo.sh t/lib/postfix.sh t/lib/tap.sh t/lib/pfhelper.py

EXTRA_DIST += samples/README samples/map.csv samples/expected.tsv \
	samples/acns-copyright.eml samples/arf-spam.eml \
	samples/firewall-log.eml samples/spamcop.eml \
	samples/two-customers.eml samples/xarf-login-attack.eml \
	t/fixtures/postfix/signed-report.eml \
	contrib/postfix/README contrib/postfix/main.cf.snippet \
	contrib/systemd/abuse-milter.service \
	contrib/systemd/abuse-milter.tmpfiles \
	docs/DEPLOYMENT.md
