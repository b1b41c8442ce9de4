/*
 * test_decide.c - the decision table: every reason route_decide() can
 * give, the strongest-class rule, lookups at the incident time and with
 * the port, what a cap left out (the scan limit, the MIME reader's caps,
 * the caps of the extraction), the policy hook's decision_keep(), and
 * the JSON form.
 *
 * A small map is built with ipmap_build_file() in a temporary directory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "complaint.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "rules.h"
#include "tap.h"

static char dir[256];

static const char map_csv[] =
    "prefix,customer,address,valid_from,valid_until,ports\n"
    "192.0.2.0/24,C1,abuse@c1.example,,,\n"
    "198.51.100.0/24,C2,abuse@c2.example,,,\n"
    "203.0.113.0/28,C3,abuse@c3.example,,,0-1023\n"
    "203.0.113.0/28,C4,abuse@c4.example,,,1024-65535\n"
    "203.0.113.64/26,C5,abuse@c5.example,,2016-01-01T00:00:00Z,\n"
    "203.0.113.64/26,C6,abuse@c6.example,2016-01-01T00:00:00Z,,\n"
    "2001:db8::/32,C1,abuse@c1.example,,,\n"
    /* reassigned ten days before NOW */
    "203.0.113.96/28,C7,abuse@c7.example,,2023-11-04T22:13:20Z,\n"
    "203.0.113.96/28,C8,abuse@c8.example,2023-11-04T22:13:20Z,,\n";

static const char rules_txt[] =
    "define IP (?:[0-9a-f:]*:[0-9a-f:.]+|\\d{1,3}(?:\\.\\d{1,3}){3})\n"
    "rule when\n"
    "\tregion report\n"
    "\tpattern ^Arrival-Date:[ \\t]*(?<time>[^\\n]+)$\n"
    "rule src\n"
    "\tregion report\n"
    "\tstrength authoritative\n"
    "\tpattern \\A(?:(?=[\\s\\S]*?^Source-Port:[ \\t]*(?<port>\\d+)))?"
    "[\\s\\S]*?^Source-IP:[ \\t]*(?<ip>%{IP})\n"
    "rule offending\n"
    "\tregion text\n"
    "\tstrength strong\n"
    "\tpattern ^Offending IP: (?<ip>%{IP})$\n"
    "rule target\n"
    "\tregion text\n"
    "\tstrength strong\n"
    "\trole victim\n"
    "\tpattern ^Target IP: (?<ip>%{IP})$\n"
    "rule url\n"
    "\tregion text\n"
    "\tstrength strong\n"
    "\trole site\n"
    "\tpattern http://(?<ip>%{IP})/\n"
    "rule sent\n"
    "\tregion text\n"
    "\tstrength strong\n"
    "\trole sender\n"
    "\tpattern ^Sent by: (?<ip>%{IP})$\n"
    "rule about-a-site\n"
    "\tregion text\n"
    "\tmarks site-report\n"
    "\tpattern phishing site\n"
    "rule any\n"
    "\tregion text\n"
    "\tstrength weak\n"
    "\tpattern (?<ip>%{IP})\n"
    "rule origin\n"
    "\tregion embedded-headers\n"
    "\tstrength authoritative\n"
    "\tpattern ^X-Originating-IP: (?<ip>%{IP})$\n"
    "rule column\n"
    "\tregion table\n"
    "\tstrength authoritative\n"
    "\tpattern ^src_ip: (?<ip>%{IP})$\n";

/* Write text into dir/name; returns the path (static). */
static const char *
put(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* An ARF complaint naming ip as Source-IP (and port, date if given). */
static void
arf(char *out, size_t size, const char *ip, const char *port,
    const char *date)
{
	(void)snprintf(out, size,
	    "From: fbl@isp.example\nSubject: report\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nspam\n--b\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	    "%s%s%s%s%sSource-IP: %s\n--b--\n",
	    date ? "Arrival-Date: " : "", date ? date : "", date ? "\n" : "",
	    port ? "Source-Port: " : "", port ? port : "", ip);
	if (port != NULL) {
		/* put the newline after the port */
		char *p = strstr(out, "Source-IP:");
		memmove(p + 1, p, strlen(p) + 1);
		*p = '\n';
	}
}

/* Decide the raw message msg. */
static void
decide(const rules_t *rs, ipmap_t *map, const char *msg, int64_t arrival,
    struct decision *d)
{
	complaint_t *c = complaint_new(1 << 20);

	(void)complaint_raw(c, msg, strlen(msg));
	route_decide(rs, map, c, arrival, d);
	complaint_free(c);
}

struct dcase {
	const char	*name;
	const char	*msg;		/* NULL: use arf() with ip/port/date */
	const char	*ip, *port, *date;
	const char	*action, *reason, *customer;
};

#define NOW	1700000000	/* 2023-11-14, after the 2016 change */

static const struct dcase cases[] = {
	{ "an authoritative IP of one customer routes", NULL,
	  "192.0.2.10", NULL, NULL, "route", "route", "C1" },
	{ "an IPv6 Source-IP routes", NULL,
	  "2001:db8::25", NULL, NULL, "route", "route", "C1" },
	{ "an IP no customer holds keeps", NULL,
	  "100.64.0.1", NULL, NULL, "keep", "unknown-ip", "" },
	{ "a port-split IP without a port is ambiguous", NULL,
	  "203.0.113.5", NULL, NULL, "keep", "ambiguous", "" },
	{ "a port-split IP with its Source-Port routes (low)", NULL,
	  "203.0.113.5", "25", NULL, "route", "route", "C3" },
	{ "a port-split IP with its Source-Port routes (high)", NULL,
	  "203.0.113.5", "40000", NULL, "route", "route", "C4" },
	{ "a reassigned IP goes to the holder at the incident time", NULL,
	  "203.0.113.70", NULL, "Thu, 8 Mar 2015 14:00:00 -0500",
	  "route", "route", "C5" },
	{ "without an incident time the arrival time is used", NULL,
	  "203.0.113.70", NULL, NULL, "route", "route", "C6" },
	{ "an address reassigned within the window, no time given: "
	  "time-uncertain", NULL, "203.0.113.100", NULL, NULL,
	  "keep", "time-uncertain", "" },
	{ "a time before the reassignment, with its zone: the then-holder",
	  NULL, "203.0.113.100", NULL, "Wed, 1 Nov 2023 10:00:00 +0000",
	  "route", "route", "C7" },
	{ "a time after the reassignment, with its zone: the new holder",
	  NULL, "203.0.113.100", NULL, "Mon, 13 Nov 2023 10:00:00 +0000",
	  "route", "route", "C8" },
	{ "a time without a zone within 14 h of the change: time-uncertain",
	  NULL, "203.0.113.100", NULL, "2023-11-04 20:00:00",
	  "keep", "time-uncertain", "" },
	{ "a time without a zone far from the change: the then-holder",
	  NULL, "203.0.113.100", NULL, "2023-10-20 20:00:00",
	  "route", "route", "C7" },
	{ "a named zone is read (CET): the then-holder", NULL,
	  "203.0.113.100", NULL, "Fri, 3 Nov 2023 12:00:00 CET",
	  "route", "route", "C7" },
	{ "a time in the future is unknown: time-uncertain", NULL,
	  "203.0.113.100", NULL, "Mon, 1 Jan 2024 10:00:00 +0000",
	  "keep", "time-uncertain", "" },
	{ "an unreadable time is unknown, not now: time-uncertain", NULL,
	  "203.0.113.100", NULL, "the day before yesterday",
	  "keep", "time-uncertain", "" },
	{ "no candidate at all keeps", "Subject: abuse report\n\nnothing here\n",
	  NULL, NULL, NULL, "keep", "no-ip", "" },
	{ "the reported message's own Date: is no incident time",
	  "Subject: abuse report\nContent-Type: multipart/mixed; boundary=o\n\n"
	  "--o\nContent-Type: text/plain\n\nOffending IP: 203.0.113.100\n"
	  "--o\nContent-Type: message/rfc822\n\nDate: Wed, 1 Nov 2023 "
	  "10:00:00 +0000\nSubject: spam\n\nbuy\n--o--\n",
	  NULL, NULL, NULL, "keep", "time-uncertain", "" },
	{ "a victim of another customer does not object",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nTarget IP: 198.51.100.1\n",
	  NULL, NULL, NULL, "route", "route", "C1" },
	{ "an address labelled the victim's is not the offender anywhere",
	  "Subject: abuse report\n\nTarget IP: 192.0.2.1\nseen 192.0.2.1\n",
	  NULL, NULL, NULL, "keep", "no-ip", "" },
	{ "a spam report never routes on, or is kept by, an advertised site",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nvisit http://198.51.100.1/\n",
	  NULL, NULL, NULL, "route", "route", "C1" },
	{ "a report about a web site routes on its host",
	  "Subject: abuse report\n\na phishing site at http://198.51.100.1/\n",
	  NULL, NULL, NULL, "route", "route", "C2" },
	{ "the text below a forward line is carried, in HTML too",
	  "Subject: abuse report\nContent-Type: text/html\n\n<div>please "
	  "look</div><div>---------- Forwarded message ---------</div><div>"
	  "seen 192.0.2.1</div>\n", NULL, NULL, NULL, "keep", "no-ip", "" },
	{ "a forwarded complaint's own header block is transport: it does "
	  "not outrank the evidence of the text",
	  "Subject: Fwd: abuse report\nContent-Type: multipart/mixed; "
	  "boundary=o\n\n--o\nContent-Type: text/plain\n\n"
	  "Offending IP: 192.0.2.1\n--o\nContent-Type: message/rfc822\n\n"
	  "From: reports@isp.example\nSubject: abuse report\n"
	  "X-Originating-IP: 192.0.2.7\nContent-Type: multipart/mixed; "
	  "boundary=i\n\n--i\nContent-Type: text/plain\n\nreport\n--i\n"
	  "Content-Type: message/rfc822\n\nSubject: spam\n\nbuy\n--i--\n"
	  "--o--\n", NULL, NULL, NULL, "route", "route", "C1" },
	{ "the text below a forward line is carried",
	  "Subject: abuse report\n\nplease look\n\nBegin forwarded message:"
	  "\n\nseen 192.0.2.1\n", NULL, NULL, NULL, "keep", "no-ip", "" },
	{ "a victim's address that cannot be read is no offender's",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nTarget IP: "
	  "192.0.2.300\n", NULL, NULL, NULL, "route", "route", "C1" },
	{ "an offender's address that cannot be read keeps",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nOffending IP: "
	  "192.0.2.300\n", NULL, NULL, NULL, "keep", "unreadable-ip", "" },
	{ "a site report never routes on the spam's sender",
	  "Subject: abuse report\n\nphishing site http://198.51.100.1/\n"
	  "Sent by: 100.64.0.9\n", NULL, NULL, NULL, "route", "route", "C2" },
	{ "a site report whose spam another customer sent keeps",
	  "Subject: abuse report\n\nphishing site http://198.51.100.1/\n"
	  "Sent by: 192.0.2.1\n", NULL, NULL, NULL, "keep", "multi-customer",
	  "" },
	{ "a spam report routes on its sender",
	  "Subject: abuse report\n\nSent by: 192.0.2.1\nvisit "
	  "http://198.51.100.1/\n", NULL, NULL, NULL, "route", "route", "C1" },
	{ "a site report's host and an offender of another customer keep",
	  "Subject: abuse report\n\nphishing site http://198.51.100.1/\n"
	  "Offending IP: 192.0.2.1\n", NULL, NULL, NULL, "keep",
	  "multi-customer", "" },
	{ "a strong offender of another customer keeps an authoritative route",
	  "Subject: abuse report\nContent-Type: multipart/report; "
	  "report-type=feedback-report; boundary=b\n\n--b\nContent-Type: "
	  "text/plain\n\nOffending IP: 198.51.100.1\n--b\nContent-Type: "
	  "message/feedback-report\n\nFeedback-Type: abuse\nSource-IP: "
	  "192.0.2.10\n--b--\n", NULL, NULL, NULL, "keep", "multi-customer",
	  "" },
	{ "two customers in the strongest class keep",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nOffending IP: 198.51.100.1\n",
	  NULL, NULL, NULL, "keep", "multi-customer", "" },
	{ "only the strongest class counts",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nalso 198.51.100.1\n",
	  NULL, NULL, NULL, "route", "route", "C1" },
	{ "weak evidence of one customer routes",
	  "Subject: abuse report\n\nhosts 192.0.2.1, 192.0.2.2 and 192.0.2.3\n",
	  NULL, NULL, NULL, "route", "route", "C1" },
	{ "weak evidence of several customers keeps",
	  "Subject: abuse report\n\nhosts 192.0.2.1 and 198.51.100.2\n",
	  NULL, NULL, NULL, "keep", "multi-customer", "" },
	{ "an unknown offender beside a found one keeps (not ours)",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nOffending IP: 100.64.0.9\n",
	  NULL, NULL, NULL, "keep", "unknown-ip", "" },
	{ "an ambiguous IP beside a found one keeps",
	  "Subject: abuse report\n\nOffending IP: 192.0.2.1\nOffending IP: 203.0.113.9\n",
	  NULL, NULL, NULL, "keep", "ambiguous", "" },
};

/* Decide big (len bytes) with a scan limit of 16 MiB. */
static void
decide_big(const rules_t *rs, ipmap_t *map, const buf_t *big,
    struct decision *d)
{
	complaint_t *c = complaint_new(16 << 20);

	(void)complaint_raw(c, big->data, big->len);
	route_decide(rs, map, c, NOW, d);
	complaint_free(c);
}

/* Is d a keep with reason? */
static int
kept(const struct decision *d, const char *reason)
{
	if (d->action == ROUTE_KEEP && strcmp(d->reason, reason) == 0 &&
	    d->customer[0] == '\0')
		return 1;
	diag("got %s %s '%s'", d->action == ROUTE_ROUTE ? "route" : "keep",
	    d->reason, d->customer);
	return 0;
}

/* Multiparts nested depth deep around a text part holding text. */
static void
nest(buf_t *b, int depth, const char *text)
{
	int	 k;

	for (k = 0; k < depth; k++)
		(void)buf_printf(b, "--n%03d\nContent-Type: multipart/mixed; "
		    "boundary=n%03d\n\n", k, k + 1);
	(void)buf_printf(b, "--n%03d\nContent-Type: text/plain\n\n%s\n",
	    depth, text);
}

/*
 * What a cap left out: a route needs the whole deciding class, so a
 * complaint cut by a MIME cap routes only on authoritative evidence
 * (else "truncated"), and evidence left out by a cap of the extraction
 * keeps when it is as strong as the deciding class ("too-many-ips").
 */
static void
cut_tests(const rules_t *rs, ipmap_t *map)
{
	struct decision	 d;
	buf_t		 big, js;
	char		 msg[4096], word[128];
	int		 k;

	buf_init(&big, 16 << 20);
	buf_init(&js, 1 << 20);

	/* the segment cap: the second customer is in part 600 */
	(void)buf_puts(&big, "Subject: abuse report\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	    "Offending IP: 192.0.2.1\n");
	for (k = 0; k < 600; k++)
		(void)buf_printf(&big, "--b\nContent-Type: text/plain\n\n"
		    "part %d\n", k);
	(void)buf_puts(&big, "--b\nContent-Type: text/plain\n\n"
	    "Offending IP: 198.51.100.1\n--b--\n");
	decide_big(rs, map, &big, &d);
	ok(kept(&d, "truncated") && d.cuts.dropped[MIME_CAP_SEGS] == 90,
	    "strong evidence beside parts past the segment cap keeps "
	    "(truncated)");
	(void)decision_json(&d, "segs.eml", &js);
	ok(strstr(js.data, "],\"dropped\":{\"segments\":90},\"kind\"") != NULL,
	    "JSON says what was dropped");
	ok(decision_dropped_text(&d, word, sizeof(word)) == 0 &&
	    strcmp(word, "segments:90") == 0, "so does the log word (%s)",
	    word);
	ok(decision_dropped_text(&d, word, 5) == -1 && strcmp(word, "?") == 0,
	    "a log word that does not fit is '?'");
	decision_clear(&d);

	/* the same with an authoritative report field first */
	arf(msg, sizeof(msg), "192.0.2.10", NULL, NULL);
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\nContent-Type: multipart/mixed; "
	    "boundary=o\n\n--o\n");
	(void)buf_puts(&big, strstr(msg, "Content-Type:"));
	for (k = 0; k < 600; k++)
		(void)buf_printf(&big, "--o\nContent-Type: text/plain\n\n"
		    "part %d\n", k);
	(void)buf_puts(&big, "--o--\n");
	decide_big(rs, map, &big, &d);
	ok(d.action == ROUTE_ROUTE && strcmp(d.customer, "C1") == 0 &&
	    d.cuts.dropped[MIME_CAP_SEGS] > 0,
	    "an authoritative field routes past the segment cap (got %s)",
	    d.reason);
	decision_clear(&d);

	/* the depth cap */
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\nContent-Type: multipart/mixed; "
	    "boundary=n000\n\n--n000\nContent-Type: text/plain\n\n"
	    "Offending IP: 192.0.2.1\n");
	nest(&big, 30, "Offending IP: 198.51.100.1");
	decide_big(rs, map, &big, &d);
	ok(kept(&d, "truncated") && d.cuts.dropped[MIME_CAP_DEPTH] > 0,
	    "strong evidence beside parts past the depth cap keeps "
	    "(truncated)");
	decision_clear(&d);

	/* top-level fields past the complaint's field cap */
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\n");
	for (k = 0; k < 1999; k++)
		(void)buf_printf(&big, "X-Filler-%d: x\n", k);
	(void)buf_puts(&big, "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nOffending IP: 192.0.2.1\n"
	    "--b--\n");
	decide_big(rs, map, &big, &d);
	ok(kept(&d, "truncated") && d.cuts.dropped[MIME_CAP_FIELDS] == 1,
	    "a top-level Content-Type past the field cap keeps (truncated)");
	decision_clear(&d);

	/* a complaint read whole says so */
	decide(rs, map, "Subject: abuse report\n\nOffending IP: 192.0.2.1\n", NOW, &d);
	buf_reset(&js);
	(void)decision_json(&d, "whole.eml", &js);
	ok(d.action == ROUTE_ROUTE && strstr(js.data, "],\"dropped\":{},\"kind\"") !=
	    NULL && decision_dropped_text(&d, word, sizeof(word)) == 0 &&
	    strcmp(word, "-") == 0, "nothing dropped: {} and '-'");
	decision_clear(&d);

	/* matches of one rule past the match cap */
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\n\n");
	for (k = 0; k < 1000; k++)
		(void)buf_puts(&big, "Offending IP: 192.0.2.1\n");
	(void)buf_puts(&big, "Offending IP: 198.51.100.1\n");
	decide_big(rs, map, &big, &d);
	ok(kept(&d, "too-many-ips"),
	    "a second customer past 1000 matches of a rule keeps "
	    "(too-many-ips)");
	decision_clear(&d);
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\n\n");
	for (k = 0; k < 1000; k++)
		(void)buf_puts(&big, "Offending IP: 192.0.2.1\n");
	decide_big(rs, map, &big, &d);
	ok(d.action == ROUTE_ROUTE && strcmp(d.customer, "C1") == 0,
	    "exactly 1000 matches route (got %s)", d.reason);
	decision_clear(&d);

	/* table rows past the table cap */
	buf_reset(&big);
	(void)buf_puts(&big, "Subject: abuse report\n\nsrc_ip,port,note\n"
	    "192.0.2.1,25,first\n");
	for (k = 0; k < 160000; k++)
		(void)buf_puts(&big, "-,25,row\n");
	(void)buf_puts(&big, "198.51.100.1,25,last\n");
	decide_big(rs, map, &big, &d);
	ok(kept(&d, "too-many-ips"),
	    "a second customer past the table cap keeps (too-many-ips)");
	decision_clear(&d);

	buf_free(&js);
	buf_free(&big);
}

int
main(void)
{
	char		 err[4096], msg[4096];
	const char	*tmp, *mapdir;
	struct ipmap_build_result res;
	rules_t		*rs;
	ipmap_t		*map, *nomap;
	buf_t		 errs, js;
	struct decision	 d;
	size_t		 i;

	(void)tap_skip_all;
	tap_plan(0);
	tmp = getenv("TMPDIR");
	(void)snprintf(dir, sizeof(dir), "%s/test_decide.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	rs = rules_load(put("t.rules", rules_txt), err, sizeof(err));
	ok(rs != NULL, "the test rules load");
	if (rs == NULL) {
		diag("%s", err);
		return tap_done();
	}
	buf_init(&errs, 65536);
	(void)snprintf(msg, sizeof(msg), "%s/map", dir);
	mapdir = msg;
	ok(ipmap_build_file(mapdir, put("map.csv", map_csv), NULL, &errs,
	    &res) == 0, "the test map builds");
	if (errs.len > 0)
		diag("%s", errs.data);
	map = ipmap_open(mapdir, err, sizeof(err));
	(void)snprintf(msg, sizeof(msg), "%s/empty", dir);
	nomap = ipmap_open(msg, err, sizeof(err));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].msg == NULL)
			arf(msg, sizeof(msg), cases[i].ip, cases[i].port,
			    cases[i].date);
		decide(rs, map, cases[i].msg ? cases[i].msg : msg, NOW, &d);
		ok(strcmp(d.action == ROUTE_ROUTE ? "route" : "keep",
		    cases[i].action) == 0 &&
		    strcmp(d.reason, cases[i].reason) == 0 &&
		    strcmp(d.customer, cases[i].customer) == 0,
		    "%s", cases[i].name);
		if (strcmp(d.reason, cases[i].reason) != 0 ||
		    strcmp(d.customer, cases[i].customer) != 0)
			diag("got %s %s '%s'", d.action == ROUTE_ROUTE ?
			    "route" : "keep", d.reason, d.customer);
		decision_clear(&d);
	}

	/* the facts of a route */
	arf(msg, sizeof(msg), "203.0.113.5", "25", NULL);
	decide(rs, map, msg, NOW, &d);
	is_str(d.to, "abuse@c3.example", "a route names the address");
	is_int(d.port, 25, "the deciding port");
	is_str(d.rule, "src", "the deciding rule");
	ok(d.has_ip && d.ncand >= 1, "the deciding IP and the candidates");
	ok(d.map_serial == res.serial, "the serial of the map");

	/* the policy hook */
	decision_keep(&d, "policy-test");
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "policy-test") == 0 &&
	    d.to[0] == '\0' && d.has_ip, "decision_keep keeps the IP facts");

	/* JSON */
	buf_init(&js, 1 << 20);
	ok(decision_json(&d, "a \"file\".eml", &js) == 0, "JSON is written");
	{
		static const char want[] = "{\"file\":\"a \\\"file\\\".eml\","
		    "\"action\":\"keep\",\"reason\":\"policy-test\","
		    "\"customer\":\"C3\",\"to\":null,\"ip\":\"203.0.113.5\","
		    "\"port\":25,";

		ok(strncmp(js.data, want, sizeof(want) - 1) == 0,
		    "JSON fields in order");
	}
	ok(strstr(js.data, "\"candidates\":[{\"ip\":\"203.0.113.5\",\"port\":25,"
	    ) != NULL && strstr(js.data, "\"strength\":\"authoritative\"") !=
	    NULL && strstr(js.data, "\"customer\":\"C3\"}") != NULL,
	    "JSON candidates");
	decision_clear(&d);
	buf_reset(&js);
	decide(rs, map, "Subject: abuse report\n\nnothing\n", NOW, &d);
	(void)decision_json(&d, "n.eml", &js);
	ok(strstr(js.data, "\"customer\":null,\"to\":null,\"ip\":null,"
	    "\"port\":null,\"time\":\"2023-11-14T22:13:20Z\",\"rule\":null") !=
	    NULL && strstr(js.data, "\"candidates\":[]") != NULL,
	    "unknown values are null");
	decision_clear(&d);
	buf_free(&js);

	/* map errors */
	arf(msg, sizeof(msg), "192.0.2.10", NULL, NULL);
	decide(rs, nomap, msg, NOW, &d);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "map-error") == 0,
	    "a map that cannot answer keeps (map-error)");
	decision_clear(&d);
	decide(rs, NULL, msg, NOW, &d);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "map-error") == 0,
	    "no map at all keeps (map-error)");
	decision_clear(&d);
	decide(NULL, map, msg, NOW, &d);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "internal-error") == 0,
	    "no rules keeps (internal-error)");
	decision_clear(&d);

	/* more candidates than are kept */
	{
		buf_t	 big;
		int	 k;

		buf_init(&big, 1 << 20);
		(void)buf_puts(&big, "Subject: abuse report\n\n");
		for (k = 0; k < 256; k++)
			(void)buf_printf(&big, "Offending IP: 192.0.2.%d\n", k);
		(void)buf_puts(&big, "Offending IP: 198.51.100.1\n");
		decide(rs, map, big.data, NOW, &d);
		ok(d.action == ROUTE_KEEP &&
		    strcmp(d.reason, "too-many-ips") == 0 && d.customer[0] == 0,
		    "a second customer past the candidate limit keeps "
		    "(too-many-ips, got %s)", d.reason);
		decision_clear(&d);

		buf_reset(&big);
		(void)buf_puts(&big, "Subject: abuse report\n\nOffending IP: 192.0.2.1\n");
		for (k = 0; k < 300; k++)
			(void)buf_printf(&big, "seen 2001:db8::%x\n", k + 1);
		(void)buf_puts(&big, "seen 198.51.100.1\n");
		decide(rs, map, big.data, NOW, &d);
		ok(d.action == ROUTE_ROUTE && strcmp(d.customer, "C1") == 0,
		    "weak candidates past the limit do not stop a strong route "
		    "(got %s)", d.reason);
		decision_clear(&d);
		buf_free(&big);
	}

	/* a complaint longer than the scan limit */
	{
		buf_t		 big;
		complaint_t	*c;
		int		 k;

		buf_init(&big, 1 << 20);
		(void)buf_puts(&big, "Subject: abuse report\n\nOffending IP: 192.0.2.1\n");
		for (k = 0; k < 2000; k++)
			(void)buf_puts(&big, "filler text of a long complaint\n");
		(void)buf_puts(&big, "Offending IP: 198.51.100.1\n");
		c = complaint_new(4096);
		(void)complaint_raw(c, big.data, big.len);
		route_decide(rs, map, c, NOW, &d);
		ok(d.action == ROUTE_KEEP && strcmp(d.reason, "truncated") == 0,
		    "strong evidence cut by the scan limit keeps (truncated, "
		    "got %s)", d.reason);
		decision_clear(&d);
		complaint_free(c);

		arf(msg, sizeof(msg), "192.0.2.10", NULL, NULL);
		buf_reset(&big);
		(void)buf_puts(&big, msg);
		for (k = 0; k < 2000; k++)
			(void)buf_puts(&big, "trailing bytes past the report\n");
		c = complaint_new(4096);
		(void)complaint_raw(c, big.data, big.len);
		route_decide(rs, map, c, NOW, &d);
		ok(d.action == ROUTE_ROUTE && strcmp(d.customer, "C1") == 0,
		    "an authoritative field before the scan limit routes "
		    "(got %s)", d.reason);
		decision_clear(&d);
		complaint_free(c);
		buf_free(&big);
	}

	cut_tests(rs, map);

	/* the decision is a pure function of its inputs */
	{
		struct decision	 d2;

		arf(msg, sizeof(msg), "192.0.2.10", NULL, NULL);
		decide(rs, map, msg, NOW, &d);
		decide(rs, map, msg, NOW, &d2);
		ok(d.action == d2.action && strcmp(d.reason, d2.reason) == 0 &&
		    strcmp(d.customer, d2.customer) == 0 &&
		    d.ncand == d2.ncand, "the same input gives the same decision");
		decision_clear(&d);
		decision_clear(&d2);
	}

	ipmap_close(map);
	ipmap_close(nomap);
	rules_free(rs);
	buf_free(&errs);
	(void)snprintf(msg, sizeof(msg), "rm -rf '%s'", dir);
	if (system(msg) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
