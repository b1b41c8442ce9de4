/*
 * test_rules.c - unit tests of the rules language and the extraction:
 * load errors with FILE:LINE (PCRE2 errors with their offset),
 * conditions, regions, defanged and masked addresses, time rules, and
 * the match limit on a runaway pattern.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "complaint.h"
#include "extract.h"
#include "ipaddr.h"
#include "rules.h"
#include "rules_int.h"
#include "tap.h"

static char dir[256];

/* Write text to dir/name; returns the path (static). */
static const char *
write_file(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Load text as a rules file; err gets the diagnostics. */
static rules_t *
load(const char *text, char *err, size_t errlen)
{
	return rules_load(write_file("t.rules", text), err, errlen);
}

struct ecase {
	const char	*name;
	const char	*text;
	const char	*want;		/* expected in the error, after dir */
};

static const struct ecase errs[] = {
	{ "unknown keyword", "rule a\n\tregion text\n\tbogus x\n",
	  "/t.rules:3: unknown keyword 'bogus'" },
	{ "PCRE2 error with its offset",
	  "rule a\n\tregion text\n\tstrength weak\n\tpattern (?<ip>[0-9\n",
	  "/t.rules:4: pattern error at offset " },
	{ "missing strength", "rule a\n\tregion text\n\tpattern (?<ip>x)\n",
	  "/t.rules:1: rule a: no strength" },
	{ "no ip and no time group",
	  "rule a\n\tregion text\n\tstrength weak\n\tpattern abc\n",
	  "/t.rules:4: rule a: pattern has neither" },
	{ "a time rule takes no strength",
	  "rule a\n\tregion text\n\tstrength weak\n\tpattern (?<time>x)\n",
	  "/t.rules:1: rule a: a time rule" },
	{ "undefined name", "rule a\n\tregion text\n\tstrength weak\n"
	  "\tpattern %{NOPE}\n", "/t.rules:4: undefined name %{NOPE}" },
	{ "no pattern", "rule a\n\tregion text\n\tstrength weak\n",
	  "/t.rules:1: rule a: no pattern" },
	{ "unknown region", "rule a\n\tregion body\n\tstrength weak\n"
	  "\tpattern (?<ip>x)\n", "/t.rules:2: unknown region 'body'" },
	{ "header region without field names", "rule a\n\tregion header\n"
	  "\tstrength weak\n\tpattern (?<ip>x)\n",
	  "/t.rules:2: unknown region 'header'" },
	{ "unknown strength", "rule a\n\tregion text\n\tstrength huge\n"
	  "\tpattern (?<ip>x)\n", "/t.rules:3: unknown strength 'huge'" },
	{ "unknown role", "rule a\n\tregion text\n\tstrength weak\n"
	  "\trole bystander\n\tpattern (?<ip>x)\n",
	  "/t.rules:4: unknown role 'bystander'" },
	{ "a time rule takes no role", "rule a\n\tregion text\n"
	  "\trole victim\n\tpattern (?<time>x)\n",
	  "/t.rules:1: rule a: a time rule takes no role" },
	{ "unknown mark", "rule a\n\tregion text\n\tmarks spam-report\n"
	  "\tpattern x\n", "/t.rules:3: unknown mark 'spam-report'" },
	{ "a marks rule reads no address", "rule a\n\tregion text\n"
	  "\tmarks site-report\n\tstrength weak\n\tpattern (?<ip>x)\n",
	  "/t.rules:1: rule a: a marks rule takes no ip or time group, "
	  "strength or role" },
	{ "duplicate rule", "rule a\n\tregion text\n\tstrength weak\n"
	  "\tpattern (?<ip>x)\nrule a\n\tregion text\n\tstrength weak\n"
	  "\tpattern (?<ip>y)\n", "/t.rules:5: rule a already defined at line 1" },
	{ "keyword outside a rule", "region text\n",
	  "/t.rules:1: 'region' outside a rule" },
	{ "a received rule needs an ip group", "rule a\n\tregion received\n"
	  "\tpattern (?<time>x)\n", "/t.rules:1: rule a: a received rule" },
	{ "an empty file", "# nothing\n", "/t.rules:1: no rules" },
	{ "bad if-match pattern", "rule a\n\tregion text\n\tstrength weak\n"
	  "\tif-match (unclosed\n\tpattern (?<ip>x)\n",
	  "/t.rules:4: pattern error at offset 9" },
};

/* Decide a raw complaint without a map: the candidates are what the
 * rules found (every lookup answers map-error). */
static void
extract(const rules_t *rs, const char *msg, struct decision *d)
{
	complaint_t *c = complaint_new(1 << 20);

	(void)complaint_raw(c, msg, strlen(msg));
	route_decide(rs, NULL, c, 1700000000, d);
	complaint_free(c);
}

/* Is ip among the candidates (with rule name rule, if not NULL)? */
static int
has_cand(const struct decision *d, const char *ip, const char *rule)
{
	struct ipaddr	 a;
	size_t		 i;

	if (ipaddr_parse(ip, strlen(ip), 0, &a) == -1)
		return 0;
	for (i = 0; i < d->ncand; i++)
		if (ipaddr_cmp(&d->cand[i].ip, &a) == 0 &&
		    (rule == NULL || strcmp(d->cand[i].rule, rule) == 0))
			return 1;
	return 0;
}

/* Callback for the runaway test: count matches. */
static int
count_hit(void *arg, const struct rule *r, const struct rule_hit *h)
{
	(void)r;
	(void)h;
	(*(int *)arg)++;
	return 0;
}

int
main(int argc, char *argv[])
{
	char		 err[8192], want[512], msg[4096];
	const char	*tmp, *src;
	rules_t		*rs;
	struct decision	 d;
	size_t		 i;

	(void)argc;
	(void)argv;
	(void)tap_skip_all;
	tap_plan(0);
	tmp = getenv("TMPDIR");
	(void)snprintf(dir, sizeof(dir), "%s/test_rules.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		rs = load(errs[i].text, err, sizeof(err));
		(void)snprintf(want, sizeof(want), "%s%s", dir, errs[i].want);
		ok(rs == NULL && strstr(err, want) != NULL, "error: %s",
		    errs[i].name);
		if (rs != NULL || strstr(err, want) == NULL)
			diag("got: %s", err);
		rules_free(rs);
	}
	rs = rules_load("/nonexistent/abuse.rules", err, sizeof(err));
	ok(rs == NULL && strstr(err, "/nonexistent/abuse.rules:0: cannot read")
	    != NULL, "a missing file is an error with its name");
	rs = load("rule a\n\tregion text\n\tbogus 1\n\tstrength wrong\n",
	    err, sizeof(err));
	ok(rs == NULL && strstr(err, ":3:") != NULL &&
	    strstr(err, ":4:") != NULL, "every problem is reported");

	/* the shipped rules load */
	src = getenv("top_srcdir");
	if (src != NULL) {
		(void)snprintf(want, sizeof(want), "%s/rules/abuse.rules", src);
		rs = rules_load(want, err, sizeof(err));
		ok(rs != NULL && rules_count(rs) > 10,
		    "the default rules load");
		if (rs == NULL)
			diag("%s", err);
		rules_free(rs);
	}

	/* a small rules set for the extraction tests */
	rs = load(
	    "# test rules\n"
	    "define IP4 (?<![\\w.])\\d{1,3}(?:(?:\\.|\\[\\.\\])\\d{1,3}){3}"
	    "(?![\\w]|\\.\\d)\n"
	    "rule incident\n"
	    "\tregion report\n"
	    "\tpattern ^Arrival-Date:[ \\t]*(?<time>[^\\n]+)$\n"
	    "rule src\n"
	    "\tregion report\n"
	    "\tstrength authoritative\n"
	    "\tpattern ^Source-IP:[ \\t]*(?<ip>%{IP4})\n"
	    "rule fraud-only\n"
	    "\tregion text\n"
	    "\tif-report-type fraud\n"
	    "\tstrength strong\n"
	    "\tpattern ^Fraud-IP: (?<ip>%{IP4})\n"
	    "rule from-example\n"
	    "\tregion text\n"
	    "\tif-sender-domain example.com\n"
	    "\tstrength strong\n"
	    "\tpattern ^Sender-IP: (?<ip>%{IP4})\n"
	    "rule xml-only\n"
	    "\tregion attachment\n"
	    "\tcontent-type application/xml text/x*\n"
	    "\tstrength strong\n"
	    "\tpattern <ip>(?<ip>%{IP4})</ip>\n"
	    "rule guarded\n"
	    "\tregion text\n"
	    "\tif-match ^Report-Kind: yes\n"
	    "\tunless-match ^Test: yes\n"
	    "\tstrength strong\n"
	    "\tpattern ^Guarded: (?<ip>%{IP4})\n"
	    "rule subject\n"
	    "\tregion header:Subject\n"
	    "\tstrength strong\n"
	    "\tpattern (?<ip>%{IP4})\n"
	    "rule long-line\n"
	    "\tregion text\n"
	    "\tstrength weak\n"
	    "\tpattern Long: \\\n"
	    "\t    (?<ip>%{IP4})\n"
	    "rule any\n"
	    "\tregion text\n"
	    "\tstrength weak\n"
	    "\tpattern (?<ip>%{IP4})(?::(?<port>\\d+))?\n", err, sizeof(err));
	ok(rs != NULL, "the test rules load");
	if (rs == NULL) {
		diag("%s", err);
		return tap_done();
	}
	is_int(rules_count(rs), 9, "nine rules");
	is_str(rules_name(rs, 1), "src", "rules keep their order and names");
	is_str(strength_name(STRENGTH_AUTHORITATIVE), "authoritative",
	    "strength names");
	ok(rules_name(rs, 99) == NULL, "no name past the end");

	extract(rs, "Subject: abuse report\n\nseen 192.0.2[.]1 and 192[.]0[.]2[.]2\n", &d);
	ok(has_cand(&d, "192.0.2.1", "any") && has_cand(&d, "192.0.2.2", "any"),
	    "defanged addresses are read");
	decision_clear(&d);
	extract(rs, "Subject: abuse report\n\nmasked 192.0.2.xxx and 198.51.100.x here\n",
	    &d);
	is_int(d.ncand, 0, "masked addresses are not addresses");
	is_str(d.reason, "no-ip", "nothing found is no-ip");
	decision_clear(&d);
	extract(rs, "Subject: abuse report\n\n999.0.2.1 and 192.0.2.1.5 and 127.0.0.1\n",
	    &d);
	is_int(d.ncand, 0, "invalid, over-long and loopback addresses are "
	    "not candidates");
	decision_clear(&d);
	extract(rs, "Subject: abuse report\n\nport 192.0.2.9:8080\n", &d);
	ok(d.ncand == 1 && d.cand[0].port == 8080, "a port group is read");
	decision_clear(&d);

	/* report type */
	(void)snprintf(msg, sizeof(msg), "Content-Type: multipart/report; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nFraud-IP: 192.0.2.3\n"
	    "--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: %s\nArrival-Date: Thu, 8 Mar 2005 14:00:00 -0500\n"
	    "Source-IP: 192.0.2.4\n--b--\n", "fraud");
	extract(rs, msg, &d);
	ok(has_cand(&d, "192.0.2.3", "fraud-only"),
	    "if-report-type holds for its type");
	ok(has_cand(&d, "192.0.2.4", "src") &&
	    d.cand[0].strength == STRENGTH_AUTHORITATIVE,
	    "the report region is read");
	is_int(d.time, 1110308400, "the incident time comes from the report");
	decision_clear(&d);
	(void)snprintf(msg, sizeof(msg), "Content-Type: multipart/report; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nFraud-IP: 192.0.2.3\n"
	    "--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: %s\n--b--\n", "abuse");
	extract(rs, msg, &d);
	ok(!has_cand(&d, "192.0.2.3", "fraud-only"),
	    "if-report-type does not hold for another type");
	is_int(d.time, 1700000000 - 180 * 86400,
	    "no incident time: the window from MaxIncidentAge before arrival");
	decision_clear(&d);

	/* sender domain */
	extract(rs, "From: Abuse <abuse@mail.example.com>\n\nSender-IP: 192.0.2.5\n",
	    &d);
	ok(has_cand(&d, "192.0.2.5", "from-example"),
	    "if-sender-domain holds for a subdomain");
	decision_clear(&d);
	extract(rs, "From: abuse@notexample.com\n\nSender-IP: 192.0.2.5\n", &d);
	ok(!has_cand(&d, "192.0.2.5", "from-example"),
	    "if-sender-domain does not hold for another domain");
	decision_clear(&d);

	/* content types */
	extract(rs, "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: application/xml; name=a.xml\n\n<ip>192.0.2.6</ip>\n"
	    "--b\nContent-Type: application/json; name=a.json\n\n"
	    "<ip>192.0.2.7</ip>\n--b--\n", &d);
	ok(has_cand(&d, "192.0.2.6", "xml-only") &&
	    !has_cand(&d, "192.0.2.7", "xml-only"),
	    "content-type globs select attachments");
	decision_clear(&d);

	/* if-match and unless-match */
	extract(rs, "Subject: abuse report\n\nReport-Kind: yes\nGuarded: 192.0.2.8\n", &d);
	ok(has_cand(&d, "192.0.2.8", "guarded"), "if-match holds");
	decision_clear(&d);
	extract(rs, "Subject: abuse report\n\nReport-Kind: yes\nTest: yes\n"
	    "Guarded: 192.0.2.8\n", &d);
	ok(!has_cand(&d, "192.0.2.8", "guarded"), "unless-match stops a rule");
	decision_clear(&d);
	extract(rs, "Subject: abuse report\n\nGuarded: 192.0.2.8\n", &d);
	ok(!has_cand(&d, "192.0.2.8", "guarded"), "if-match must match");
	decision_clear(&d);

	/* top-level headers: only the named field */
	extract(rs, "Subject: about 192.0.2.10\nX-Originating-IP: 192.0.2.11\n"
	    "Received: from x ([192.0.2.12]) by y\n\nno address here\n", &d);
	ok(has_cand(&d, "192.0.2.10", "subject") &&
	    !has_cand(&d, "192.0.2.11", NULL) &&
	    !has_cand(&d, "192.0.2.12", NULL),
	    "transport headers are never read, the named field is");
	decision_clear(&d);

	/* continuation lines */
	extract(rs, "Subject: abuse report\n\nLong: 192.0.2.13\n", &d);
	ok(has_cand(&d, "192.0.2.13", "long-line"),
	    "a line ending in ' \\' goes on");
	decision_clear(&d);

	/* the same address and strength is one candidate */
	extract(rs, "Subject: abuse report\n\n192.0.2.14 192.0.2.14 192.0.2.14\n", &d);
	is_int(d.ncand, 1, "a repeated address is one candidate");
	decision_clear(&d);
	rules_free(rs);

	/* tables */
	{
		static const struct {
			const char *name, *in, *want;
		} tabs[] = {
			{ "a CSV table with quotes",
			  "\"ts\",\"ip\",\"agent\"\n\"2024-01-01\",\"192.0.2.1\","
			  "\"Mozilla (X; Y, Z)\"\n",
			  "ts: 2024-01-01\nip: 192.0.2.1\nagent: Mozilla (X; Y, Z)\n\n" },
			{ "a pipe table between ruling lines",
			  "+------+\n|date |ip |Url|\n+------+\n|d1 |192.0.2.2 |u|\n"
			  "+------+\n",
			  "date: d1\nip: 192.0.2.2\nurl: u\n\n" },
			{ "a commented header row and ';'",
			  "# asn;Src IP;time\n64500;192.0.2.3;t\n\nafter\n",
			  "asn: 64500\nsrc_ip: 192.0.2.3\ntime: t\n\n" },
			{ "prose is no table",
			  "Hello, this is text, with commas, not a table.\n"
			  "Another line, also with, commas.\n", "" },
		};
		buf_t	 tb;

		buf_init(&tb, 1 << 20);
		for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
			buf_reset(&tb);
			(void)extract_tables(tabs[i].in, strlen(tabs[i].in),
			    &tb);
			is_str(tb.data, tabs[i].want, "table: %s", tabs[i].name);
		}
		buf_free(&tb);
	}

	/* a runaway pattern hits the match limit quickly */
	rs = load("rule runaway\n\tregion text\n\tstrength weak\n"
	    "\tpattern ^(?<ip>(?:a|a)+)+$\n", err, sizeof(err));
	ok(rs != NULL, "a catastrophic pattern loads");
	if (rs != NULL) {
		pcre2_match_data *md = pcre2_match_data_create(8, NULL);
		char	 s[64];
		int	 hits = 0, e = 0, rc;
		time_t	 t0 = time(NULL);

		memset(s, 'a', sizeof(s) - 1);
		s[sizeof(s) - 2] = '!';
		s[sizeof(s) - 1] = '\0';
		rc = rules_exec(rs, &rs->rule[0], md, s, strlen(s), count_hit,
		    &hits, &e);
		ok(rc == -1 && (e == PCRE2_ERROR_MATCHLIMIT ||
		    e == PCRE2_ERROR_DEPTHLIMIT || e == PCRE2_ERROR_JIT_STACKLIMIT),
		    "the runaway pattern stops at a limit (%d)", e);
		ok(time(NULL) - t0 < 5, "and stops quickly");
		pcre2_match_data_free(md);
		extract(rs, "Subject: abuse report\n\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaa!\n", &d);
		is_str(d.reason, "no-ip", "a pattern failure is no crash and "
		    "no candidate");
		decision_clear(&d);
		rules_free(rs);
	}
	(void)unlink(write_file("t.rules", ""));
	(void)rmdir(dir);
	return tap_done();
}
