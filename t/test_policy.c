/*
 * test_policy.c - the policies applied to a routing decision: address
 * comparison, Auto-Submitted, customer-sender, SPF (over a zone, no
 * network) and the rate limit, in their order.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "complaint.h"
#include "conf.h"
#include "policy.h"
#include "ratelimit.h"
#include "spf.h"
#include "tap.h"

/* A complaint made of the given headers (name, value, ..., NULL). */
static complaint_t *
complaint_of(const char *const *h)
{
	complaint_t *c = complaint_new(65536);

	for (; h != NULL && h[0] != NULL; h += 2)
		complaint_header(c, h[0], h[1]);
	complaint_body(c, "report\r\n", 8);
	return c;
}

/* A route to customer C1 at noc@c1.example. */
static void
route_to_c1(struct decision *d)
{
	memset(d, 0, sizeof(*d));
	d->action = ROUTE_ROUTE;
	d->reason = "route";
	snprintf(d->customer, sizeof(d->customer), "C1");
	snprintf(d->to, sizeof(d->to), "noc@c1.example");
	snprintf(d->rule, sizeof(d->rule), "test-rule");
	d->port = -1;
}

/* Apply the policies to a route for a complaint with headers h. */
static const char *
outcome(const struct policy *p, const char *const *h, const char *from,
    const char *client, int *spf)
{
	static char	 out[64];
	struct decision	 d;
	struct policy_msg m;
	complaint_t	*c = complaint_of(h);

	memset(&m, 0, sizeof(m));
	m.mail_from = from;
	m.helo = "mx.reporter.example";
	m.client_addr = client;
	m.now = 1000;
	route_to_c1(&d);
	policy_apply(p, c, &m, &d, spf);
	snprintf(out, sizeof(out), "%s %s",
	    d.action == ROUTE_ROUTE ? "route" : "keep", d.reason);
	decision_clear(&d);
	complaint_free(c);
	return out;
}

static void
test_addresses(struct conf *cf)
{
	char	 why[128];

	conf_set(cf, "AbuseRecipients", "abuse@provider.test, "
	    "security@provider.test", why, sizeof(why));
	ok(policy_is_abuse_rcpt(cf, "<Abuse@PROVIDER.test>"),
	    "abuse recipient matched whatever the case");
	ok(policy_is_abuse_rcpt(cf, "<security@provider.test>"),
	    "second abuse recipient");
	ok(!policy_is_abuse_rcpt(cf, "<sales@provider.test>"),
	    "other recipients are not abuse recipients");
	ok(!policy_is_abuse_rcpt(cf, "<abuse@provider.test.example>"),
	    "no suffix match");
	ok(policy_is_abuse_rcpt(cf, "<\"abuse\"@provider.test>") &&
	    policy_is_abuse_rcpt(cf, "<@relay.example:abuse@provider.test>") &&
	    policy_is_abuse_rcpt(cf, "<abuse@provider.test.>") &&
	    policy_is_abuse_rcpt(cf, "<abuse+tag@provider.test>"),
	    "the forms Postfix delivers to the desk are the desk: quotes, "
	    "source route, trailing dot, RecipientDelimiter extension");
	conf_set(cf, "RecipientDelimiter", "none", why, sizeof(why));
	ok(!policy_is_abuse_rcpt(cf, "<abuse+tag@provider.test>"),
	    "RecipientDelimiter none: abuse+tag@ is another mailbox");
	conf_set(cf, "RecipientDelimiter", "+", why, sizeof(why));
	ok(policy_header_has_addr("\"C1 NOC\" <NOC@c1.example>",
	    "noc@c1.example", "+"), "From: display name and brackets");
	ok(policy_header_has_addr("reports@x.example, noc@c1.example (NOC)",
	    "<noc@c1.example>", "+"), "From: second address, comment");
	ok(!policy_header_has_addr("xnoc@c1.example", "noc@c1.example", "+"),
	    "From: no substring match");
	ok(!policy_header_has_addr("noc@c1.example.evil", "noc@c1.example",
	    "+"),
	    "From: no prefix match");
	ok(!policy_header_has_addr(NULL, "noc@c1.example", "+"),
	    "From: absent");
	ok(policy_header_has_addr("<noc+reply@C1.example.>", "noc@c1.example",
	    "+"), "From: the same mailbox as Postfix sees it");
}

static void
test_auto_submitted(const struct conf *cf)
{
	static const struct {
		const char	*value;
		int		 ok;
	} t[] = {
		{ NULL, 1 }, { "no", 1 }, { "No", 1 },
		{ "auto-generated", 1 }, { " Auto-Generated (X-ARF)", 1 },
		{ "auto-generated; owner-email=x@y", 1 },
		{ "auto-replied", 0 }, { "auto-notified", 0 },
		{ "", 0 }, { "auto-generatedx", 0 }, { "frobnicate", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(policy_auto_submitted_ok(cf, t[i].value), t[i].ok,
		    "Auto-Submitted: %s%s%s %s", t[i].value ? "\"" : "",
		    t[i].value ? t[i].value : "(absent)",
		    t[i].value ? "\"" : "", t[i].ok ? "routes" : "stays");
}

static void
test_apply(struct conf *cf)
{
	static const char *plain[] = {
		"From", "reports@reporter.example",
		"Subject", "abuse report", NULL
	};
	static const char *replied[] = {
		"From", "reports@reporter.example",
		"Auto-Submitted", "auto-replied", NULL
	};
	static const char *generated[] = {
		"From", "reports@reporter.example",
		"Auto-Submitted", "auto-generated", NULL
	};
	static const char *from_customer[] = {
		"From", "C1 <NOC@C1.example>", NULL
	};
	static const char *sender_customer[] = {
		"From", "Reports <reports@reporter.example>",
		"Sender", "C1 NOC <noc@c1.example>", NULL
	};
	struct policy	 p;
	struct decision	 d;
	complaint_t	*c;
	char		 why[128];
	int		 spf, i, n;

	memset(&p, 0, sizeof(p));
	p.conf = cf;
	is_str(outcome(&p, plain, "<reports@reporter.example>", NULL, &spf),
	    "route route", "a plain complaint routes");
	is_int(spf, POLICY_SPF_UNCHECKED, "no checker: SPF unchecked");
	is_str(outcome(&p, replied, NULL, NULL, NULL),
	    "keep auto-submitted", "Auto-Submitted: auto-replied stays");
	is_str(outcome(&p, generated, NULL, NULL, NULL),
	    "route route", "Auto-Submitted: auto-generated routes");
	is_str(outcome(&p, from_customer, NULL, NULL, NULL),
	    "keep customer-sender", "From: the customer's address stays");
	is_str(outcome(&p, plain, "<noc@c1.example>", NULL, NULL),
	    "keep customer-sender", "envelope sender the customer stays");
	is_str(outcome(&p, sender_customer, NULL, NULL, NULL),
	    "keep customer-sender", "Sender: the customer's address stays");
	is_str(outcome(&p, plain, "<\"noc\"@C1.example.>", NULL, NULL),
	    "keep customer-sender", "envelope sender the customer in "
	    "another form stays");
	is_str(outcome(&p, plain, "<noc+reply@c1.example>", NULL, NULL),
	    "keep customer-sender", "envelope sender the customer with an "
	    "extension stays");
	ok(conf_set(cf, "AbuseRecipients", "abuse@provider.test, "
	    "NOC@c1.example", why, sizeof(why)) == 0, "desk includes C1");
	is_str(outcome(&p, plain, NULL, NULL, NULL), "keep desk-address",
	    "a customer address that is an abuse recipient stays");
	ok(conf_set(cf, "AbuseRecipients", "abuse@provider.test", why,
	    sizeof(why)) == 0, "desk is abuse@ again");

	/* A keep is never turned into a route, nor its reason changed. */
	c = complaint_of(replied);
	route_to_c1(&d);
	decision_keep(&d, "multi-customer");
	policy_apply(&p, c, NULL, &d, NULL);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "multi-customer") == 0,
	    "a keep stays as it was");
	decision_clear(&d);
	complaint_free(c);

	/* SPF over a zone. */
	p.spf = spf_new_zone();
	spf_zone_add(p.spf, "reporter.example", "TXT",
	    "v=spf1 ip4:192.0.2.0/24 -all");
	spf_zone_add(p.spf, "mx.reporter.example", "TXT",
	    "v=spf1 ip4:192.0.2.0/24 -all");
	spf_zone_add(p.spf, "slow.example", "TXT", NULL);
	spf_zone_add(p.spf, "neutral.example", "TXT", "v=spf1 ?all");
	is_str(outcome(&p, plain, "<reports@reporter.example>", "192.0.2.5",
	    &spf), "route route", "SPF pass routes");
	is_int(spf, SPF_RES_PASS, "SPF result reported");
	is_str(outcome(&p, plain, "<reports@reporter.example>",
	    "203.0.113.9", &spf), "keep spf-fail",
	    "route-unless-fail: a forged sender stays (spf-fail)");
	is_str(outcome(&p, plain, "<x@slow.example>", "192.0.2.5", &spf),
	    "route route", "route-unless-fail: temperror routes");
	is_int(spf, SPF_RES_TEMPERROR, "DNS timeout reported as temperror");
	is_str(outcome(&p, replied, "<reports@reporter.example>",
	    "203.0.113.9", &spf), "keep auto-submitted",
	    "Auto-Submitted is decided before SPF");
	is_int(spf, POLICY_SPF_UNCHECKED, "no SPF query for a keep");
	conf_set(cf, "SPFPolicy", "require-pass", why, sizeof(why));
	is_str(outcome(&p, plain, "<x@neutral.example>", "192.0.2.5", &spf),
	    "keep spf-not-pass", "require-pass: neutral stays");
	is_str(outcome(&p, plain, "<x@slow.example>", "192.0.2.5", &spf),
	    "keep spf-not-pass", "require-pass: temperror stays");
	is_str(outcome(&p, plain, "<reports@reporter.example>", NULL, &spf),
	    "keep spf-not-pass", "require-pass: unknown client stays");
	is_str(outcome(&p, plain, "<reports@reporter.example>", "192.0.2.5",
	    &spf), "route route", "require-pass: pass routes");
	conf_set(cf, "SPFPolicy", "off", why, sizeof(why));
	is_str(outcome(&p, plain, "<reports@reporter.example>",
	    "203.0.113.9", &spf), "route route", "SPFPolicy off: no check");
	is_int(spf, POLICY_SPF_UNCHECKED, "SPFPolicy off: unchecked");
	conf_set(cf, "SPFPolicy", "route-unless-fail", why, sizeof(why));

	/* Rate limit: 2 per period, counted only for routes. */
	p.ratelimit = ratelimit_new(2, 3600, 64);
	is_str(outcome(&p, replied, NULL, NULL, NULL), "keep auto-submitted",
	    "a kept complaint is not counted");
	n = 0;
	for (i = 0; i < 4; i++)
		n += strcmp(outcome(&p, plain, "<reports@reporter.example>",
		    "192.0.2.5", NULL), "route route") == 0;
	is_int(n, 2, "RateLimit 2: two of four route");
	is_str(outcome(&p, plain, "<reports@reporter.example>", "192.0.2.5",
	    NULL), "keep rate-limit", "beyond the limit: rate-limit");
	is_str(outcome(&p, plain, "<reports@reporter.example>",
	    "203.0.113.9", NULL), "keep spf-fail",
	    "SPF is decided before the rate limit");
	ratelimit_free(p.ratelimit);
	spf_free(p.spf);
}

/* The return path of a routed complaint, and how a reply to it is
 * known again. */
static void
test_return_path(void)
{
	static const struct {
		const char	*rp, *delim, *customer, *want;
	} paths[] = {
		{ "desk", "+", "C1001", "<abuse+C1001@provider.test>" },
		{ "desk", "none", "C1001", "<abuse@provider.test>" },
		{ "none", "+", "C1001", NULL },
		{ "bounces@provider.test", "-", "C_7.x", "<bounces-C_7.x@provider.test>" },
		{ "desk", "+", "C+1", "<abuse@provider.test>" },
		{ "desk", "-", "C-1", "<abuse@provider.test>" },
		{ "desk", "+", "../etc", "<abuse@provider.test>" },
		{ "desk", "+", "a..b", "<abuse@provider.test>" },
		{ "desk", "+", ".a", "<abuse@provider.test>" },
		{ "desk", "+", "a b", "<abuse@provider.test>" },
		{ "desk", "+", "a>b", "<abuse@provider.test>" },
		{ "desk", "+", "a@b", "<abuse@provider.test>" },
		{ "desk", "+", "a\r\nRCPT", "<abuse@provider.test>" },
		{ "desk", "+", "", "<abuse@provider.test>" },
		{ "desk", "+", "x234567890123456789012345678901234567890123456789012345678",
		  "<abuse+x234567890123456789012345678901234567890123456789012345678@provider.test>" },
		{ "desk", "+", "x2345678901234567890123456789012345678901234567890123456789",
		  "<abuse@provider.test>" },
	};
	static const struct {
		const char	*rp, *rcpt;
		int		 want;
		const char	*tag;
	} rcpts[] = {
		{ "desk", "<abuse+C1001@provider.test>", 1, "C1001" },
		{ "desk", "<ABUSE+C1001@Provider.Test>", 1, "C1001" },
		{ "desk", "<abuse@provider.test>", 0, "" },
		{ "desk", "<abuse+C1001@other.test>", 0, "" },
		{ "desk", "<abusex+C1001@provider.test>", 0, "" },
		{ "desk", "<abuse+a..b@provider.test>", 1, "" },
		{ "desk", "<abuse+@provider.test>", 0, "" },
		{ "bounces@provider.test", "<bounces@provider.test>", 1, "" },
		{ "bounces@provider.test", "<bounces+C9@provider.test>", 1, "C9" },
		{ "none", "<abuse+C1001@provider.test>", 0, "" },
	};
	struct conf	*cf = conf_defaults();
	char		 why[256], out[256], tag[64];
	size_t		 i;
	int		 rc;

	conf_set(cf, "AbuseRecipients", "abuse@provider.test", why,
	    sizeof(why));
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		conf_set(cf, "ReturnPath", paths[i].rp, why, sizeof(why));
		conf_set(cf, "RecipientDelimiter", paths[i].delim, why,
		    sizeof(why));
		rc = policy_return_path(cf, paths[i].customer, out,
		    sizeof(out));
		if (!ok(paths[i].want == NULL ? rc == 0 : rc == 1 &&
		    strcmp(out, paths[i].want) == 0,
		    "return path %s %s for '%s'", paths[i].rp, paths[i].delim,
		    paths[i].customer))
			diag("got %d %s", rc, out);
	}
	ok(policy_return_path(cf, "C1", out, 10) == -1,
	    "a return path that does not fit is refused");
	conf_set(cf, "RecipientDelimiter", "+", why, sizeof(why));
	for (i = 0; i < sizeof(rcpts) / sizeof(rcpts[0]); i++) {
		conf_set(cf, "ReturnPath", rcpts[i].rp, why, sizeof(why));
		rc = policy_return_rcpt(cf, rcpts[i].rcpt, tag, sizeof(tag));
		if (!ok(rc == rcpts[i].want && strcmp(tag, rcpts[i].tag) == 0,
		    "%s %s the return path of %s", rcpts[i].rcpt,
		    rcpts[i].want ? "is" : "is not", rcpts[i].rp))
			diag("got %d '%s'", rc, tag);
	}
	conf_free(cf);
}

/* What comes for the return path is never routed. */
static void
test_returned(struct conf *cf)
{
	struct policy	 p = { cf, NULL, NULL };
	struct policy_msg m;
	struct decision	 d;
	complaint_t	*c = complaint_of(NULL);

	memset(&m, 0, sizeof(m));
	m.returned = "C1001";
	route_to_c1(&d);
	policy_apply(&p, c, &m, &d, NULL);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "returned") == 0 &&
	    strcmp(d.returned, "C1001") == 0,
	    "a message for the return path is kept, its customer noted");
	decision_clear(&d);
	route_to_c1(&d);
	decision_keep(&d, "bounce");
	policy_apply(&p, c, &m, &d, NULL);
	ok(strcmp(d.reason, "bounce") == 0 && strcmp(d.returned, "C1001") == 0,
	    "a bounce for the return path keeps its reason and notes the "
	    "customer");
	decision_clear(&d);
	complaint_free(c);
}

int
main(void)
{
	struct conf *cf = conf_defaults();

	tap_plan(0);
	(void)tap_skip_all;
	test_addresses(cf);
	test_auto_submitted(cf);
	test_apply(cf);
	test_return_path();
	test_returned(cf);
	conf_free(cf);
	return tap_done();
}
