/*
 * test_keep.c - complaints that always stay at the desk: each shipped
 * keep rule holds the complaint it is written for (reason "held", the
 * rule named in the decision and its JSON), a keep rule wins over an
 * authoritative ARF Source-IP, the complaint's own words are read and a
 * carried message's are not, the loader refuses a keep rule that reads
 * carried text or finds addresses, KeepSenders holds by envelope sender
 * and From:, and the local rules file adds keep rules to the shipped
 * ones.
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

#define NOW	1700000000

static char dir[256];

/* Write text into dir/name; returns the path (static). */
static const char *
put(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return path;
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Decide raw message msg from envelope sender from (NULL: none). */
static void
decide(const rules_t *rs, ipmap_t *map, const char *from, const char *msg,
    struct decision *d)
{
	complaint_t *c = complaint_new(1 << 20);

	if (from != NULL)
		(void)complaint_envelope(c, from);
	(void)complaint_raw(c, msg, strlen(msg));
	route_decide(rs, map, c, NOW, d);
	complaint_free(c);
}

/* An ARF report about 192.0.2.1 (customer C1), with extra text. */
#define ARF(SUBJ, TEXT) \
	"From: fbl@isp.example\nSubject: " SUBJ "\n" \
	"Content-Type: multipart/report; report-type=feedback-report; " \
	"boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n" \
	TEXT "\n--b\nContent-Type: message/feedback-report\n\n" \
	"Feedback-Type: abuse\nSource-IP: 192.0.2.1\n--b--\n"

/* A plain complaint naming 192.0.2.1 as the offender. */
#define PLAIN(FROM, SUBJ, TEXT) \
	"From: " FROM "\nSubject: " SUBJ "\n" \
	"Content-Type: text/plain; charset=utf-8\n\n" \
	TEXT "\nOffending IP: 192.0.2.1\n"

struct kcase {
	const char	*name;
	const char	*from;		/* envelope sender, NULL */
	const char	*msg;
	const char	*rule;		/* the keep rule, NULL: routes */
};

/* Each shipped keep rule, and what must not be held. */
static const struct kcase shipped[] = {
	{ "a hotline's report is held", NULL,
	  PLAIN("reports@iwf.org.uk", "Report 4711",
	  "We found content on a server of yours."),
	  "illegal-content-hotline" },
	{ "a hotline's subdomain too", NULL,
	  PLAIN("Notices <noreply@notices.cybertip.ca>", "Notice",
	  "Please remove the content."),
	  "illegal-content-hotline" },
	{ "CSAM in the text", NULL,
	  PLAIN("a@reporter.example", "Abuse report",
	  "This host serves child sexual abuse material."),
	  "illegal-content-wording" },
	{ "German wording", NULL,
	  PLAIN("a@reporter.example", "Meldung",
	  "Auf dem Server liegen Darstellungen sexuellen Kindesmissbrauchs."),
	  "illegal-content-wording" },
	{ "French wording", NULL,
	  PLAIN("a@reporter.example", "Signalement",
	  "Contenus p\xc3\xa9" "dopornographiques h\xc3\xa9" "berg\xc3\xa9s."),
	  "illegal-content-wording" },
	{ "Spanish wording", NULL,
	  PLAIN("a@reporter.example", "Denuncia",
	  "Material de abuso sexual infantil alojado en su red."),
	  "illegal-content-wording" },
	{ "Dutch wording", NULL,
	  PLAIN("a@reporter.example", "Melding",
	  "Materiaal van seksueel kindermisbruik op uw server."),
	  "illegal-content-wording" },
	{ "XARF v4 type child_abuse", NULL,
	  "From: x@reporter.example\nSubject: report\n"
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: text/plain\n\nReport attached.\n--b\n"
	  "Content-Type: application/json; name=report.json\n\n"
	  "{\"xarf_version\":\"4.0.0\",\"category\":\"content\","
	  "\"type\": \"child_abuse\",\"source_identifier\":\"192.0.2.1\"}\n--b--\n",
	  "illegal-content-xarf" },
	{ "X-ARF Report-Type", NULL,
	  PLAIN("x@reporter.example", "report",
	  "Report-Type: child-abuse\nSource-Type: ip-address"),
	  "illegal-content-xarf" },
	{ "an English subpoena", NULL,
	  PLAIN("legal@agency.example", "Subpoena for records",
	  "Please preserve the records of this address."),
	  "law-enforcement-en" },
	{ "a court order in the text", NULL,
	  PLAIN("a@firm.example", "Request",
	  "Enclosed is a court order for the subscriber data."),
	  "law-enforcement-en" },
	{ "a German Gerichtsbeschluss", NULL,
	  PLAIN("a@polizei.example", "Auskunft",
	  "Anbei der Gerichtsbeschluss zur Bestandsdatenauskunft."),
	  "law-enforcement-de" },
	{ "a German request of the Staatsanwaltschaft", NULL,
	  PLAIN("a@justiz.example", "Anfrage",
	  "Die Staatsanwaltschaft bittet um Auskunft."),
	  "law-enforcement-de" },
	{ "a French r\xc3\xa9quisition judiciaire", NULL,
	  PLAIN("a@gendarmerie.example", "Demande",
	  "R\xc3\xa9quisition judiciaire concernant l'adresse."),
	  "law-enforcement-fr" },
	{ "a Spanish orden judicial", NULL,
	  PLAIN("a@policia.example", "Solicitud",
	  "Adjuntamos la orden judicial correspondiente."),
	  "law-enforcement-es" },
	{ "a Dutch vordering", NULL,
	  PLAIN("a@politie.example", "Verzoek",
	  "Vordering tot verstrekking van gegevens, officier van justitie."),
	  "law-enforcement-nl" },
	{ "in the Subject alone", NULL,
	  PLAIN("a@firm.example", "Court order 2024-17", "Details follow."),
	  "law-enforcement-en" },
	/* what is not held */
	{ "a complaint that says court alone routes", NULL,
	  PLAIN("a@reporter.example", "Spam",
	  "Registration Court: Duesseldorf, HRB 66749"), NULL },
	{ "an ordinary ARF report routes", NULL,
	  ARF("FW: report", "This is an email abuse report."), NULL },
	{ "a spam carried as a message that says court order routes", NULL,
	  "From: fbl@isp.example\nSubject: report\n"
	  "Content-Type: multipart/report; report-type=feedback-report; "
	  "boundary=b\n\n--b\nContent-Type: text/plain\n\nspam report\n--b\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	  "Source-IP: 192.0.2.1\n--b\nContent-Type: message/rfc822\n\n"
	  "From: x@spam.example\nSubject: court order: pay now\n\n"
	  "A court order and a subpoena were issued. CSAM.\n--b--\n", NULL },
	{ "an attachment of a carried spam that says court order routes",
	  NULL,
	  "From: fbl@isp.example\nSubject: report\n"
	  "Content-Type: multipart/report; report-type=feedback-report; "
	  "boundary=b\n\n--b\nContent-Type: text/plain\n\nspam report\n--b\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	  "Source-IP: 192.0.2.1\n--b\nContent-Type: message/rfc822\n\n"
	  "From: x@spam.example\nSubject: invoice\n"
	  "Content-Type: multipart/mixed; boundary=c\n\n--c\n"
	  "Content-Type: text/plain\n\nSee attached.\n--c\n"
	  "Content-Type: text/plain; name=notice.txt\n"
	  "Content-Disposition: attachment; filename=notice.txt\n\n"
	  "A court order was issued against you.\n--c--\n--b--\n", NULL },
	{ "a spam below a forward line that says subpoena routes", NULL,
	  PLAIN("a@reporter.example", "Fwd: spam",
	  "Offending IP: 192.0.2.1\n\n---------- Forwarded message ---------\n"
	  "From: x@spam.example\n\nYou received a subpoena, click here."),
	  NULL },
	{ "a look-alike of a hotline's domain routes", NULL,
	  PLAIN("a@notiwf.org.uk", "Report", "Spam from your network."),
	  NULL },
};

/* The shipped keep rules, one case each, and what they must not hold. */
static void
test_shipped(const rules_t *rs, ipmap_t *map)
{
	struct decision	 d;
	size_t		 i;
	int		 good;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		decide(rs, map, shipped[i].from, shipped[i].msg, &d);
		if (shipped[i].rule != NULL)
			good = d.action == ROUTE_KEEP &&
			    strcmp(d.reason, "held") == 0 &&
			    strcmp(d.rule, shipped[i].rule) == 0;
		else
			good = d.action == ROUTE_ROUTE &&
			    strcmp(d.customer, "C1") == 0;
		if (!ok(good, "%s", shipped[i].name))
			diag("got %s %s rule %s", d.action == ROUTE_ROUTE ?
			    "route" : "keep", d.reason, d.rule);
		decision_clear(&d);
	}
}

/* A keep rule outweighs an authoritative Source-IP; the JSON says so. */
static void
test_wins(const rules_t *rs, ipmap_t *map)
{
	static const char msg[] = ARF("report", "Subpoena attached.");
	struct decision	 d;
	buf_t		 js;

	decide(rs, map, NULL, msg, &d);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "held") == 0 &&
	    strcmp(d.rule, "law-enforcement-en") == 0,
	    "a keep rule wins over an authoritative ARF Source-IP");
	ok(strcmp(d.customer, "C1") == 0,
	    "the held decision still names the customer the evidence names");
	buf_init(&js, 65536);
	ok(decision_json(&d, "f.eml", &js) == 0 &&
	    strstr(js.data, "\"action\":\"keep\",\"reason\":\"held\"") != NULL &&
	    strstr(js.data, "\"rule\":\"law-enforcement-en\"") != NULL,
	    "the JSON gives reason held and the keep rule");
	buf_free(&js);
	decision_clear(&d);
}

struct lcase {
	const char	*name;
	const char	*text;
	const char	*error;		/* expected in the message */
};

static const struct lcase loads[] = {
	{ "a keep rule may not read a carried message",
	  "keep k\n\tregion embedded-text\n\tpattern x\n",
	  "t.rules:1: keep k: a keep rule reads only the regions" },
	{ "a keep rule may not walk the Received chain",
	  "keep k\n\tregion received\n\tpattern x\n",
	  "t.rules:1: keep k: a keep rule reads only" },
	{ "a keep rule finds no address",
	  "keep k\n\tregion text\n\tpattern (?<ip>x)\n",
	  "t.rules:1: keep k: a keep rule takes no ip or time group" },
	{ "a keep rule has no strength",
	  "keep k\n\tregion text\n\tstrength weak\n\tpattern x\n",
	  "t.rules:1: keep k: a keep rule takes no ip" },
	{ "a keep rule needs a pattern",
	  "keep k\n\tregion text\n",
	  "t.rules:1: rule k: no pattern" },
};

/* The loader refuses keep rules that could read what is not the
 * complaint's own. */
static void
test_load(void)
{
	char		 err[2048], path[512];
	rules_t		*rs;
	size_t		 i;

	for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s", put("t.rules",
		    loads[i].text));
		rs = rules_load(path, err, sizeof(err));
		if (!ok(rs == NULL && strstr(err, loads[i].error) != NULL,
		    "%s", loads[i].name))
			diag("got: %s", rs != NULL ? "loaded" : err);
		rules_free(rs);
	}
}

/* KeepSenders: the envelope sender, or the From: address or domain. */
static void
test_senders(const char *shipped_path, ipmap_t *map)
{
	static const char msg[] = PLAIN("Officer <officer@police.example>",
	    "spam", "Spam from your network.");
	static const char other[] = PLAIN("a@reporter.example", "spam",
	    "Spam from your network.");
	static const char byaddr[] = PLAIN("Legal <LEGAL@firm.example>",
	    "spam", "Spam from your network.");
	char		 err[2048];
	struct decision	 d;
	rules_t		*rs;

	rs = rules_load(shipped_path, err, sizeof(err));
	if (rs == NULL)
		return;
	ok(rules_add_keep_sender(rs, "police.example") == 0 &&
	    rules_add_keep_sender(rs, "Legal@Firm.Example") == 0,
	    "KeepSenders take domains and addresses");
	decide(rs, map, NULL, msg, &d);
	ok(d.action == ROUTE_KEEP && strcmp(d.reason, "held") == 0 &&
	    strcmp(d.rule, RULES_KEEP_SENDERS_NAME) == 0,
	    "the From: domain of a KeepSenders domain is held");
	decision_clear(&d);
	decide(rs, map, "<bounce@mail.police.example>", other, &d);
	ok(strcmp(d.reason, "held") == 0,
	    "an envelope sender under a KeepSenders domain is held");
	decision_clear(&d);
	decide(rs, map, "<legal@firm.example>", other, &d);
	ok(strcmp(d.reason, "held") == 0,
	    "an envelope sender that is a KeepSenders address is held");
	decision_clear(&d);
	decide(rs, map, NULL, byaddr, &d);
	ok(strcmp(d.reason, "held") == 0,
	    "a From: that is a KeepSenders address is held");
	decision_clear(&d);
	decide(rs, map, "<other@firm.example>", other, &d);
	ok(d.action == ROUTE_ROUTE,
	    "another address of that domain routes");
	decision_clear(&d);
	decide(rs, map, "<a@notpolice.example>", other, &d);
	ok(d.action == ROUTE_ROUTE, "a look-alike domain routes");
	decision_clear(&d);
	rules_free(rs);
}

/* The local rules add to the shipped ones; a missing file adds none. */
static void
test_local(const char *shipped_path, ipmap_t *map)
{
	static const char msg[] = PLAIN("a@reporter.example",
	    "Cease and desist", "Spam from your network.");
	char		 err[2048], local[512];
	struct decision	 d;
	rules_t		*rs;

	(void)snprintf(local, sizeof(local), "%s", put("local.rules",
	    "# the provider's own\nkeep legal-threat\n"
	    "\tregion header:Subject\n\tpattern cease and desist\n"));
	rs = rules_load_local(shipped_path, local, err, sizeof(err));
	if (!ok(rs != NULL, "shipped and local rules load together"))
		diag("%s", err);
	if (rs != NULL) {
		decide(rs, map, NULL, msg, &d);
		ok(strcmp(d.reason, "held") == 0 &&
		    strcmp(d.rule, "legal-threat") == 0,
		    "a local keep rule holds");
		decision_clear(&d);
		rules_free(rs);
	}
	(void)snprintf(local, sizeof(local), "%s/no-such.rules", dir);
	rs = rules_load_local(shipped_path, local, err, sizeof(err));
	ok(rs != NULL, "a missing local rules file adds nothing");
	rules_free(rs);
	(void)snprintf(local, sizeof(local), "%s", put("bad.rules",
	    "\n\nkeep arf-source-ip\n\tregion text\n\tpattern x\n"));
	rs = rules_load_local(shipped_path, local, err, sizeof(err));
	ok(rs == NULL && strstr(err, "bad.rules:3: rule arf-source-ip "
	    "already defined") != NULL,
	    "a local rule's error names the local file and line");
	rules_free(rs);
}

int
main(void)
{
	static const char map_csv[] =
	    "prefix,customer,address\n192.0.2.0/24,C1,abuse@c1.example\n";
	const char	*top = getenv("top_srcdir"), *tmp = getenv("TMPDIR");
	char		 shipped_path[1024], err[4096], mapdir[512];
	struct ipmap_build_result res;
	buf_t		 errs;
	rules_t		*rs;
	ipmap_t		*map;

	tap_plan(0);
	(void)snprintf(dir, sizeof(dir), "%s/test_keep.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	(void)snprintf(shipped_path, sizeof(shipped_path),
	    "%s/rules/abuse.rules", top != NULL ? top : ".");
	rs = rules_load(shipped_path, err, sizeof(err));
	if (!ok(rs != NULL, "the shipped rules load")) {
		diag("%s", err);
		return tap_done();
	}
	buf_init(&errs, 65536);
	(void)snprintf(mapdir, sizeof(mapdir), "%s/map", dir);
	ok(ipmap_build_file(mapdir, put("map.csv", map_csv), NULL, &errs,
	    &res) == 0, "the test map builds");
	map = ipmap_open(mapdir, err, sizeof(err));
	test_shipped(rs, map);
	test_wins(rs, map);
	test_load();
	test_senders(shipped_path, map);
	test_local(shipped_path, map);
	rules_free(rs);
	ipmap_close(map);
	buf_free(&errs);
	(void)snprintf(err, sizeof(err), "rm -rf '%s'", dir);
	if (system(err) != 0)
		diag("cannot remove %s", dir);
	return tap_done();
}
