/*
 * decide.c - the routing decision and its JSON form; see complaint.h.
 *
 * Only the strongest evidence class present counts.  Each of its IPs is
 * looked up in the map at its incident time (and port): one customer
 * for every IP found routes; several customers keep ("multi-customer"),
 * so one customer never sees another's data; an ambiguous answer keeps
 * ("ambiguous"); nothing found keeps ("unknown-ip"); no candidate keeps
 * ("no-ip"); a map that cannot answer keeps ("map-error").  Weaker
 * candidates are looked up too, for the postmaster to see, but never
 * count.  A route needs the whole deciding class: when part of the
 * complaint was left out (the scan limit, a cap of the MIME reader), only
 * authoritative evidence routes, anything weaker keeps ("truncated").
 *
 * Candidates read from a forwarded complaint's own header block
 * (transport) are no evidence: they never route and never make the
 * deciding class.  But a message that carries another may also be a
 * reported message carrying an attachment, and then its header block is
 * the evidence; so one of them as strong as the deciding class that names
 * another customer, or that the map cannot answer, keeps.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "complaint.h"
#include "complaint_int.h"
#include "extract.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "kind.h"
#include "policy.h"
#include "str.h"
#include "timeparse.h"

#define TIME_UNSET	INT64_MIN
#define DAY		86400

/* Start d as an empty keep. */
static void
decision_init(struct decision *d, int64_t arrival)
{
	memset(d, 0, sizeof(*d));
	d->action = ROUTE_KEEP;
	d->reason = "no-ip";
	d->kind = KIND_COMPLAINT;
	d->kind_why = "";
	d->port = -1;
	d->time = arrival;
}

/* Take the facts of candidate c as the deciding ones. */
static void
take_ip(struct decision *d, const struct candidate *c)
{
	d->has_ip = 1;
	d->ip = c->ip;
	d->port = c->port;
	d->time = c->time;
	str_copyn(d->rule, sizeof(d->rule), c->rule, strlen(c->rule));
}

/*
 * Does candidate c name the offender of this complaint?  The offender's
 * own address always does, and so does an address with no label; the
 * host that handed over a spam does in a spam report, the URL's host in
 * a report about a web site (and then never the spam's sender).
 * Victims, targets and the reporter's hosts never do.
 */
static int
offender_role(const struct candidate *c, int site_report)
{
	switch (c->role) {
	case ROLE_OFFENDER:
	case ROLE_MENTION:
		return 1;
	case ROLE_SENDER:
		return !site_report;
	case ROLE_SITE:
		return site_report;
	default:
		return 0;
	}
}

/*
 * Does the rest of the evidence object to a route to found?  One
 * complaint, one customer: every candidate that names the offender and
 * is not weak must agree, whatever its class.  Transport (a forwarded
 * complaint's own hops, the contested hops: see received.h) may keep,
 * never route, and objects when it is as strong as the deciding class
 * best: above an authoritative field it is the reporter's own relays.
 * Returns the reason to keep, or NULL.
 */
static const char *
objection(const struct decision *d, int best, const struct candidate *found)
{
	const struct candidate *c;
	size_t	 i;
	int	 ambiguous = 0, multi = 0, defers;

	for (i = 0; i < d->ncand; i++) {
		c = &d->cand[i];
		/*
		 * A reported message's chain defers to its report's own
		 * Source-IP only, transport to whatever decides.
		 */
		defers = c->defers && (c->transport == CAND_TRANSPORT ||
		    (found->region != NULL && strcmp(found->region, "report")
		    == 0));
		if (defers ? c->strength < best : c->strength < STRENGTH_STRONG)
			continue;
		/*
		 * In a site report the spam's sender never routes, but it
		 * keeps: the report's wording may be the spam's own text, and
		 * a spamming customer must not send its complaints to a web
		 * host of its choice by writing "phishing site" in its spam.
		 */
		if (c->transport != CAND_TRANSPORT &&
		    !offender_role(c, d->site_report) &&
		    !(c->role == ROLE_SENDER && d->site_report))
			continue;
		if (c->status == IPMAP_ERROR)
			return "map-error";
		if (c->uncertain)
			return "time-uncertain";
		if (c->status == IPMAP_AMBIGUOUS)
			ambiguous = 1;
		else if (c->status == IPMAP_FOUND &&
		    strcmp(c->res.customer, found->res.customer) != 0)
			multi = 1;
	}
	if (multi)
		return "multi-customer";
	return ambiguous ? "ambiguous" : NULL;
}

/*
 * Decide over the looked-up offender candidates of strength best.  Each
 * must be held by one and the same customer: an address the map does
 * not know keeps ("unknown-ip": the offender is not ours, and another
 * address of the class is no stand-in for it).
 */
static void
decide_class(struct decision *d, int best)
{
	struct candidate *c, *found = NULL, *first = NULL;
	const char	*why;
	size_t	 i;
	int	 error = 0, ambiguous = 0, multi = 0, unknown = 0;
	int	 uncertain = 0;

	for (i = 0; i < d->ncand; i++) {
		c = &d->cand[i];
		if (c->strength != best || c->transport ||
		    !offender_role(c, d->site_report))
			continue;
		if (first == NULL)
			first = c;
		if (c->uncertain)
			uncertain = 1;
		switch (c->status) {
		case IPMAP_ERROR:
			error = 1;
			break;
		case IPMAP_AMBIGUOUS:
			ambiguous = 1;
			break;
		case IPMAP_FOUND:
			if (found == NULL)
				found = c;
			else if (strcmp(found->res.customer,
			    c->res.customer) != 0)
				multi = 1;
			break;
		default:
			unknown = 1;
			break;
		}
	}
	if (first == NULL)
		return;
	take_ip(d, found != NULL ? found : first);
	if (error)
		d->reason = "map-error";
	else if (uncertain)
		d->reason = "time-uncertain";
	else if (multi)
		d->reason = "multi-customer";
	else if (ambiguous)
		d->reason = "ambiguous";
	else if (unknown || found == NULL)
		d->reason = "unknown-ip";
	else if ((why = objection(d, best, found)) != NULL)
		d->reason = why;
	else {
		d->action = ROUTE_ROUTE;
		d->reason = "route";
		str_copyn(d->customer, sizeof(d->customer),
		    found->res.customer, strlen(found->res.customer));
		str_copyn(d->to, sizeof(d->to), found->res.address,
		    strlen(found->res.address));
	}
}

/*
 * An address the complaint labels as the victim's or the reporter's own
 * anywhere is not the offender, whatever else reads it (the free-text
 * rule, a log line it also appears in): it takes that role everywhere.
 */
static void
shadow_roles(struct decision *d)
{
	struct candidate *v, *c;
	size_t	 i, j;

	for (i = 0; i < d->ncand; i++) {
		v = &d->cand[i];
		if (v->role != ROLE_VICTIM && v->role != ROLE_REPORTER)
			continue;
		for (j = 0; j < d->ncand; j++) {
			c = &d->cand[j];
			if (c->role != ROLE_VICTIM && c->role != ROLE_REPORTER &&
			    ipaddr_cmp(&c->ip, &v->ip) == 0)
				c->role = v->role;
		}
	}
}

/*
 * The window of time candidate c is looked up over.  Only the reporter's
 * times count (never the reported message's Date:, which the spammer
 * writes).  A time the complaint does not give, or one later than
 * arrival + 1 day (a misread date, a clock far off), is unknown, and
 * unknown is not "now": it is the whole window [arrival - age, arrival +
 * 1 day], over which one customer must have held the address all along.
 * A time read as a span (no zone: +-14 h; a day; day and month either
 * way round) is looked up over all of the span.  A time the reporter
 * gives before the window is taken as given: the map's history answers
 * who held the address then, as a complaint replayed years later needs.
 */
static void
window(struct candidate *c, int64_t arrival, int64_t age)
{
	int64_t	 wlo = arrival - age, whi = arrival + DAY;

	if (c->time_lo == TIME_UNSET || c->time_lo > whi) {
		c->time_lo = wlo;
		c->time_hi = whi;
	} else if (c->time_hi > whi)
		c->time_hi = whi;
	c->time = c->time_lo;
}

/*
 * Look candidate c up over its window: at one instant when the window is
 * one, else every holder over it.  One customer holding the address all
 * along is found; several, or none at some instant of the window, leave
 * the time uncertain (c->uncertain), which keeps the complaint.
 */
static void
look_up(ipmap_t *map, struct candidate *c)
{
	struct ipmap_holders h;
	int	 port = c->port >= 0 ? c->port : IPMAP_NO_PORT;

	if (map == NULL) {
		c->status = IPMAP_ERROR;
		return;
	}
	if (c->time_lo == c->time_hi) {
		c->status = ipmap_lookup(map, &c->ip, c->time, port, &c->res);
		return;
	}
	c->status = ipmap_lookup_span(map, &c->ip, c->time_lo, c->time_hi,
	    port, &h);
	if (c->status == IPMAP_FOUND || c->status == IPMAP_AMBIGUOUS) {
		if (h.n > 0)
			c->res = h.holder[h.n - 1];
		c->res.serial = h.serial;
	}
	if (c->status == IPMAP_FOUND && (h.n != 1 || h.more || h.gap)) {
		c->uncertain = 1;
		c->time = c->res.valid_from != IPMAP_OPEN_END &&
		    c->res.valid_from > c->time_lo ? c->res.valid_from :
		    c->time_lo;
	}
}

/*
 * Is the complaint's envelope sender, or the address of its From:, one
 * of the KeepSenders?  Either can be forged, but holding is the safe
 * side: a forger can only keep a complaint at the desk.
 */
static int
keep_sender(const rules_t *rules, const struct extract_in *in)
{
	char	 addr[IPMAP_ADDRESS_MAX], dom[256];
	size_t	 i, k;

	if (in->mail_from != NULL &&
	    addr_internal(in->mail_from, addr, sizeof(addr)) == 0 &&
	    rules_keep_sender(rules, addr))
		return 1;
	for (i = 0; i < in->nhdr; i++) {
		if (strcasecmp(in->hdr[i].name, "From") != 0)
			continue;
		extract_from_domain(in->hdr[i].value, dom, sizeof(dom));
		if (dom[0] != '\0' && snprintf(addr, sizeof(addr), "@%s",
		    dom) < (int)sizeof(addr) && rules_keep_sender(rules, addr))
			return 1;
		for (k = 0; k < rules->nkeep_senders; k++)
			if (strchr(rules->keep_senders[k], '@') != NULL &&
			    policy_header_has_addr(in->hdr[i].value,
			    rules->keep_senders[k], NULL))
				return 1;
		break;
	}
	return 0;
}

/* Decide on the evidence of complaint c (its kind aside). */
static void
decide_evidence(const rules_t *rules, ipmap_t *map, complaint_t *c,
    int64_t arrival, struct decision *d)
{
	struct extract_in	 in;
	struct extract_out	 out;
	struct kind_result	 kind;
	struct candidate	*cd;
	size_t			 i;
	int			 best = 0, rc, cut;

	decision_init(d, arrival);
	memset(&out, 0, sizeof(out));
	if (rules == NULL || complaint_prepare(c, rules, &in) == -1) {
		(void)complaint_cuts(c, &d->cuts);
		d->reason = "internal-error";
		return;
	}
	cut = complaint_cuts(c, &d->cuts);
	in.arrival = arrival;
	if (keep_sender(rules, &in))
		d->held = RULES_KEEP_SENDERS_NAME;
	kind_classify(in.hdr, in.nhdr, in.mime, in.mail_from, &kind);
	d->kind = kind.kind;
	d->kind_why = kind.why;
	if ((rc = extract_evidence(rules, &in, &out)) == -1 && out.ncand == 0) {
		extract_clear(&out);
		d->reason = "internal-error";
		return;
	}
	d->cand = out.cand;
	d->ncand = out.ncand;
	d->site_report = out.site_report;
	if (d->held == NULL)
		d->held = out.held;
	shadow_roles(d);
	/* Every lookup of this decision answers from one map generation. */
	d->map_serial = map != NULL ? ipmap_pin(map) : 0;
	for (i = 0; i < d->ncand; i++) {
		cd = &d->cand[i];
		if (cd->time_lo == TIME_UNSET && out.has_incident) {
			cd->time_lo = out.incident;
			cd->time_hi = out.incident_hi;
		}
		window(cd, arrival, rules_max_incident_age(rules));
		look_up(map, cd);
		if (cd->status == IPMAP_FOUND || cd->status == IPMAP_AMBIGUOUS)
			d->map_serial = cd->res.serial;
		if (cd->strength > best && !cd->transport &&
		    offender_role(cd, d->site_report))
			best = cd->strength;
	}
	if (map != NULL)
		ipmap_unpin(map);
	if (best == 0) {
		if (out.unreadable >= STRENGTH_STRONG)
			d->reason = "unreadable-ip";
		return;		/* no-ip */
	}
	decide_class(d, best);
	if (d->action != ROUTE_ROUTE)
		return;
	/*
	 * A route needs every candidate of the deciding class: one left
	 * out could name another customer.
	 */
	if (out.unreadable >= STRENGTH_STRONG) {
		/* an address a field or a column holds, not read */
		decision_keep(d, "unreadable-ip");
		d->customer[0] = '\0';
	} else if (rc == -1 || out.errors > 0) {
		/* no memory, or a pattern hit its limits */
		decision_keep(d, "internal-error");
		d->customer[0] = '\0';
	} else if (out.dropped >= best) {
		decision_keep(d, "too-many-ips");
		d->customer[0] = '\0';
	} else if (best < STRENGTH_AUTHORITATIVE && cut) {
		/*
		 * In what was left out (past the scan limit, or dropped by a
		 * MIME cap) there may be stronger evidence, or more of this
		 * class, naming another customer.  A report field made to
		 * name the offender is not outranked by anything there.
		 */
		decision_keep(d, "truncated");
		d->customer[0] = '\0';
	}
}

/*
 * Decide where complaint c goes; see complaint.h.  A message that is no
 * complaint (kind.h) is read all the same, so that the log shows what it
 * names (and the customer a route would have reached), and kept with its
 * kind as the reason.
 */
void
route_decide(const rules_t *rules, ipmap_t *map, complaint_t *c,
    int64_t arrival, struct decision *d)
{
	decide_evidence(rules, map, c, arrival, d);
	if (d->held != NULL) {
		/* the provider's word: nothing outweighs it */
		decision_keep(d, "held");
		str_copyn(d->rule, sizeof(d->rule), d->held, strlen(d->held));
	} else if (d->kind != KIND_COMPLAINT)
		decision_keep(d, kind_name(d->kind));
}

/* Turn d into a keep, keeping the IP facts. */
void
decision_keep(struct decision *d, const char *reason)
{
	d->action = ROUTE_KEEP;
	d->reason = reason;
	d->to[0] = '\0';
}

/* Free what route_decide allocated. */
void
decision_clear(struct decision *d)
{
	free(d->cand);
	d->cand = NULL;
	d->ncand = 0;
}

/* Append a time as a JSON string, null if it cannot be written. */
static int
json_time(buf_t *b, int64_t t)
{
	char	 s[32];

	if (time_format_rfc3339(t, s, sizeof(s)) == -1)
		return buf_puts(b, "null");
	return buf_json_str(b, s, strlen(s));
}

/* Append a JSON string or null. */
static int
json_str_or_null(buf_t *b, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return buf_puts(b, "null");
	return buf_json_str(b, s, strlen(s));
}

/* Append an address as a JSON string. */
static int
json_ip(buf_t *b, const struct ipaddr *ip)
{
	char	 t[IPADDR_STRLEN];

	if (ipaddr_format(ip, t, sizeof(t)) == -1)
		return buf_puts(b, "null");
	return buf_json_str(b, t, strlen(t));
}

/* Name of a lookup status. */
static const char *
status_name(int st)
{
	switch (st) {
	case IPMAP_FOUND:
		return "found";
	case IPMAP_AMBIGUOUS:
		return "ambiguous";
	case IPMAP_ERROR:
		return "error";
	default:
		return "not-found";
	}
}

/*
 * Append the counts of cuts that are not 0 as open NAME close COUNT,
 * separated by sep: "scan_bytes" first, then the MIME caps by name.
 */
static int
cuts_write(const struct complaint_cuts *cuts, buf_t *b, const char *open,
    const char *close, const char *sep)
{
	const char	*s = "";
	int		 i;

	if (cuts->ignored > 0) {
		if (buf_printf(b, "%sscan_bytes%s%zu", open, close,
		    cuts->ignored) == -1)
			return -1;
		s = sep;
	}
	for (i = 0; i < MIME_CAP_COUNT; i++) {
		if (cuts->dropped[i] == 0)
			continue;
		if (buf_printf(b, "%s%s%s%s%zu", s, open, mime_cap_name(i),
		    close, cuts->dropped[i]) == -1)
			return -1;
		s = sep;
	}
	return 0;
}

/* Append one candidate as JSON. */
static int
json_cand(buf_t *b, const struct candidate *c)
{
	if (buf_puts(b, "{\"ip\":") == -1 || json_ip(b, &c->ip) == -1)
		return -1;
	if (c->port >= 0) {
		if (buf_printf(b, ",\"port\":%d", c->port) == -1)
			return -1;
	} else if (buf_puts(b, ",\"port\":null") == -1)
		return -1;
	if (buf_puts(b, ",\"time\":") == -1 || json_time(b, c->time) == -1)
		return -1;
	if (c->time_lo != c->time_hi && (buf_puts(b, ",\"window\":[") == -1 ||
	    json_time(b, c->time_lo) == -1 || buf_putc(b, ',') == -1 ||
	    json_time(b, c->time_hi) == -1 || buf_printf(b, "],\"holders\":"
	    "\"%s\"", c->uncertain ? "several" : "one") == -1))
		return -1;
	if (buf_puts(b, ",\"rule\":") == -1 ||
	    json_str_or_null(b, c->rule) == -1 ||
	    buf_puts(b, ",\"region\":") == -1 ||
	    json_str_or_null(b, c->region) == -1 ||
	    buf_printf(b, ",\"strength\":\"%s\",\"role\":\"%s\",\"map\":"
	    "\"%s\",\"customer\":", strength_name(c->strength),
	    role_name(c->role), status_name(c->status)) == -1 ||
	    json_str_or_null(b, c->status == IPMAP_FOUND ?
	    c->res.customer : NULL) == -1 ||
	    buf_putc(b, '}') == -1)
		return -1;
	return 0;
}

/* Append d as one JSON object; see complaint.h. */
int
decision_json(const struct decision *d, const char *file, buf_t *out)
{
	size_t	 i;

	if (buf_puts(out, "{\"file\":") == -1 ||
	    json_str_or_null(out, file) == -1 ||
	    buf_printf(out, ",\"action\":\"%s\",\"reason\":",
	    d->action == ROUTE_ROUTE ? "route" : "keep") == -1 ||
	    json_str_or_null(out, d->reason) == -1 ||
	    buf_puts(out, ",\"customer\":") == -1 ||
	    json_str_or_null(out, d->customer) == -1 ||
	    buf_puts(out, ",\"to\":") == -1 ||
	    json_str_or_null(out, d->to) == -1 ||
	    buf_puts(out, ",\"ip\":") == -1)
		return -1;
	if ((d->has_ip ? json_ip(out, &d->ip) : buf_puts(out, "null")) == -1)
		return -1;
	if (d->port >= 0) {
		if (buf_printf(out, ",\"port\":%d", d->port) == -1)
			return -1;
	} else if (buf_puts(out, ",\"port\":null") == -1)
		return -1;
	if (buf_puts(out, ",\"time\":") == -1 || json_time(out, d->time) == -1 ||
	    buf_puts(out, ",\"rule\":") == -1 ||
	    json_str_or_null(out, d->rule) == -1 ||
	    buf_printf(out, ",\"map_serial\":%llu,\"candidates\":[",
	    (unsigned long long)d->map_serial) == -1)
		return -1;
	for (i = 0; i < d->ncand; i++)
		if ((i > 0 && buf_putc(out, ',') == -1) ||
		    json_cand(out, &d->cand[i]) == -1)
			return -1;
	if (buf_puts(out, "],\"dropped\":{") == -1 ||
	    cuts_write(&d->cuts, out, "\"", "\":", ",") == -1 ||
	    buf_printf(out, "},\"kind\":\"%s\",\"signal\":",
	    kind_name(d->kind)) == -1 ||
	    json_str_or_null(out, d->kind_why) == -1)
		return -1;
	return buf_puts(out, "}");
}

/* Write what reading the complaint left out; see complaint.h. */
int
decision_dropped_text(const struct decision *d, char *out, size_t size)
{
	const char	*text;
	buf_t		 b;
	int		 rc;

	if (size == 0)
		return -1;
	buf_init(&b, size - 1);
	rc = cuts_write(&d->cuts, &b, "", ":", ",");
	text = rc == -1 ? "?" : b.len > 0 ? b.data : "-";
	if (strlen(text) >= size)
		rc = -1;
	str_copyn(out, size, text, strlen(text));
	buf_free(&b);
	return rc;
}
