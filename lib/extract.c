/*
 * extract.c - run the rules over a read complaint; see extract.h.
 *
 * Each rule whose conditions hold (report type, sender domain) is run
 * over every segment of its regions (content type, if-match and
 * unless-match permitting), each match giving a candidate: the ip group
 * read as an address (defanged forms accepted, anything else that is
 * not exactly one address dropped: a masked "192.0.2.xxx" is no
 * address), the port and time groups when they took part.  Rules with
 * a time group and no ip group give the incident time: the first rule
 * in file order that reads a date wins.  The Received chain of every
 * embedded message is walked once (received.c) and gives at most one
 * candidate; the reporter it is walked for is the sender of the message
 * that carried it: the complaint, or the forwarded complaint it was
 * found in.  The header block of a forwarded complaint is read as a
 * reported message's would be, but what it gives is marked transport:
 * it never routes, it can only keep (decide.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "extract.h"
#include "ipaddr.h"
#include "received.h"
#include "rules_int.h"
#include "str.h"
#include "timeparse.h"

#define TABLE_COLS_MAX		64
#define TABLE_NAME_MAX		48
#define TIME_UNSET		INT64_MIN

/* State of one extraction. */
struct extract_ctx {
	const rules_t		*rs;
	const struct extract_in	*in;
	struct extract_out	*out;
	size_t			 size;		/* room in out->cand */
	const char		*region;	/* of the segment being read */
	int			 defers;	/* what it finds keeps only
						   as strong as the deciding
						   class (complaint.h) */
	int			 transport;	/* it is a forwarded
						   complaint's header block */
};

/* Free what extract_evidence allocated. */
void
extract_clear(struct extract_out *out)
{
	free(out->cand);
	out->cand = NULL;
	out->ncand = 0;
}

/*
 * Parse a time text as the span it may mean (timeparse.h), the year a
 * syslog line leaves out taken from the arrival time; RFC 3339 last.
 */
static int
parse_time(const char *s, size_t len, int64_t arrival, int64_t *lo,
    int64_t *hi)
{
	while (len > 0 && (*s == ' ' || *s == '\'' || *s == '"')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\'' ||
	    s[len - 1] == '"' || s[len - 1] == ','))
		len--;
	if (len == 0)
		return -1;
	if (time_parse_span(s, len, arrival, lo, hi) == 0)
		return 0;
	if (time_parse_rfc3339(s, len, lo) == -1)
		return -1;
	*hi = *lo;
	return 0;
}

/* Note that a candidate of strength was left out (a cap). */
static void
note_dropped(struct extract_out *o, int strength)
{
	if (strength > o->dropped)
		o->dropped = strength;
}

/* Note that an address-like token of strength could not be read. */
static void
note_unreadable(struct extract_out *o, int strength)
{
	if (strength > o->unreadable)
		o->unreadable = strength;
}

/* Add a candidate unless the same address, strength, role and port is
 * there. */
static void
add_cand(struct extract_ctx *x, const struct ipaddr *ip, int port, int64_t t,
    int64_t thi, const struct rule *r, const char *region)
{
	struct extract_out *o = x->out;
	struct candidate *c;
	size_t	 i, nsize;

	for (i = 0; i < o->ncand; i++)
		if (o->cand[i].strength == r->strength &&
		    o->cand[i].role == r->role &&
		    o->cand[i].port == port &&
		    o->cand[i].transport == x->transport &&
		    ipaddr_cmp(&o->cand[i].ip, ip) == 0)
			return;
	if (o->ncand >= EXTRACT_CAND_MAX) {
		note_dropped(o, r->strength);
		return;
	}
	if (o->ncand == x->size) {
		nsize = x->size ? x->size * 2 : 8;
		c = realloc(o->cand, nsize * sizeof(*c));
		if (c == NULL) {
			o->nomem = 1;
			return;
		}
		o->cand = c;
		x->size = nsize;
	}
	c = &o->cand[o->ncand];
	memset(c, 0, sizeof(*c));
	c->ip = *ip;
	c->port = port;
	c->time = t;
	c->time_lo = t;
	c->time_hi = thi;
	c->rule = r->name;
	c->region = region;
	c->strength = r->strength;
	c->role = r->role;
	c->pos = o->ncand;
	c->status = IPMAP_NOTFOUND;
	c->transport = x->transport;
	c->defers = x->defers || x->transport == CAND_TRANSPORT;
	o->ncand++;
}

/* One rule match: a candidate, or the incident time. */
static int
on_hit(void *arg, const struct rule *r, const struct rule_hit *h)
{
	struct extract_ctx	*x = arg;
	struct ipaddr	 ip;
	int64_t		 t = TIME_UNSET, thi = TIME_UNSET;
	int		 port, tport, plen;

	if (h->time != NULL && parse_time(h->time, h->timelen,
	    x->in->arrival, &t, &thi) == -1)
		t = thi = TIME_UNSET;
	if (r->g_ip[0] == 0) {
		if (t != TIME_UNSET && !x->out->has_incident) {
			x->out->incident = t;
			x->out->incident_hi = thi;
			x->out->has_incident = 1;
			x->out->incident_rule = r->name;
			return 1;
		}
		return 0;
	}
	if (h->ip == NULL)
		return 0;
	port = ipaddr_port(h->port, h->portlen);
	if (ipaddr_parse(h->ip, h->iplen, IPADDR_DEFANGED, &ip) == -1) {
		/*
		 * Free text is full of numbers that are no address; a field
		 * or a column made to hold the offender's is read as a person
		 * reads it, and what cannot be read is noted, never dropped in
		 * silence.  A victim's or a site's is no offender.
		 */
		if (r->strength < STRENGTH_STRONG ||
		    (r->role != ROLE_OFFENDER && r->role != ROLE_SENDER))
			return 0;
		switch (ipaddr_parse_token(h->ip, h->iplen, &ip, &tport,
		    &plen)) {
		case 0:
			return 0;
		case -1:
			note_unreadable(x->out, r->strength);
			return 0;
		}
		if (plen != ipaddr_bits(&ip)) {
			/* a network: every holder of it, not one */
			note_unreadable(x->out, r->strength);
			return 0;
		}
		if (port == -1)
			port = tport;
	}
	if (ipaddr_is_reserved(&ip))
		return 0;
	add_cand(x, &ip, port, t, thi, r, x->region);
	return x->out->nomem ? -1 : 0;
}

/*
 * Run keep rule r over one piece of the complaint's own words: a match
 * holds the complaint.  A pattern that fails (its limits) counts as an
 * error, which keeps a route.
 */
static void
run_keep(struct extract_ctx *x, const struct rule *r, const char *s, size_t len)
{
	if (x->out->held != NULL)
		return;
	if (r->when != NULL &&
	    rules_test(x->rs, r->when, x->in->md, s, len) != 1)
		return;
	if (r->unless != NULL &&
	    rules_test(x->rs, r->unless, x->in->md, s, len) != 0)
		return;
	switch (rules_test(x->rs, r->re, x->in->md, s, len)) {
	case 1:
		x->out->held = r->name;
		break;
	case -1:
		x->out->errors++;
		break;
	}
}

/* Run rule r over one piece of text. */
static void
run(struct extract_ctx *x, const struct rule *r, const char *s, size_t len,
    const char *region)
{
	int	 err = 0, n;

	if (r->keep) {
		run_keep(x, r, s, len);
		return;
	}
	if (r->marks != 0) {
		/* site-report is the one mark (rules.h) */
		if (!x->out->site_report)
			switch (rules_test(x->rs, r->re, x->in->md, s, len)) {
			case 1:
				x->out->site_report = 1;
				break;
			case -1:
				x->out->errors++;	/* keeps a route */
				break;
			}
		return;
	}
	if (r->g_ip[0] == 0 && x->out->has_incident)
		return;
	x->region = region;
	if (r->when != NULL &&
	    rules_test(x->rs, r->when, x->in->md, s, len) != 1)
		return;
	if (r->unless != NULL &&
	    rules_test(x->rs, r->unless, x->in->md, s, len) != 0)
		return;
	n = rules_exec(x->rs, r, x->in->md, s, len, on_hit, x, &err);
	if (n == -1 && err != 0)
		x->out->errors++;
	else if (n > 0 && (size_t)n > x->rs->max_matches && r->g_ip[0] != 0)
		note_dropped(x->out, r->strength);	/* past max_matches */
}

/* Trim blanks and one pair of quotes from a cell. */
static void
cell_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
	if (*len >= 2 && (((*s)[0] == '"' && (*s)[*len - 1] == '"') ||
	    ((*s)[0] == '\'' && (*s)[*len - 1] == '\''))) {
		(*s)++;
		*len -= 2;
	}
}

/* Split line into cells at delim (outside double quotes). */
static int
cells(const char *s, size_t len, int delim, const char **cs, size_t *cl,
    int max)
{
	size_t	 i, start = 0;
	int	 n = 0, q = 0;

	for (i = 0; i <= len && n < max; i++) {
		if (i < len && s[i] == '"')
			q = !q;
		if (i == len || (!q && s[i] == delim)) {
			cs[n] = s + start;
			cl[n] = i - start;
			cell_trim(&cs[n], &cl[n]);
			n++;
			start = i + 1;
		}
	}
	return n;
}

/* Count delim outside quotes. */
static int
count_delim(const char *s, size_t len, int delim)
{
	size_t	 i;
	int	 n = 0, q = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == delim)
			n++;
	}
	return n;
}

/* Is this cell a plausible column name? */
static int
colname_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len >= TABLE_NAME_MAX ||
	    !isalpha((unsigned char)s[0]) || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != ' ' && s[i] != '.' && s[i] != '/')
			return 0;
	return 1;
}

/* Try line as a table header; returns the delimiter or 0. */
static int
table_header(const char *s, size_t len, char names[][TABLE_NAME_MAX],
    int *ncol)
{
	static const char delims[] = { ',', '\t', ';', '|' };
	const char	*cs[TABLE_COLS_MAX];
	size_t		 cl[TABLE_COLS_MAX], d, k, j;
	int		 n, i, named;

	/* a commented header row: "# asn,ip,timestamp" */
	while (len > 0 && (*s == '#' || *s == ' ')) {
		s++;
		len--;
	}
	for (d = 0; d < sizeof(delims); d++) {
		if (count_delim(s, len, delims[d]) < 2)
			continue;
		n = cells(s, len, delims[d], cs, cl, TABLE_COLS_MAX);
		named = 0;
		for (i = 0; i < n; i++) {
			if (cl[i] == 0 && delims[d] == '|' &&
			    (i == 0 || i == n - 1))
				continue;
			if (!colname_ok(cs[i], cl[i]))
				break;
			named++;
		}
		if (i < n || named < 2)
			continue;
		for (i = 0; i < n; i++) {
			for (k = 0, j = 0; k < cl[i] && j + 1 < TABLE_NAME_MAX;
			    k++)
				names[i][j++] = cs[i][k] == ' ' ? '_' :
				    (char)tolower((unsigned char)cs[i][k]);
			names[i][j] = '\0';
		}
		*ncol = n;
		return delims[d];
	}
	return 0;
}

/* Is this a ruling line drawn between table rows? */
static int
rule_line(const char *s, size_t len)
{
	size_t	 i, dashes = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '-' || s[i] == '=')
			dashes++;
		else if (s[i] != '+' && s[i] != '|' && s[i] != ':' &&
		    s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return dashes >= 3;
}

/* Turn the tables of s into records appended to b; *full (when not
 * NULL) is set to 1 when b filled up and rows were left out. */
static size_t
tables_into(const char *s, size_t len, buf_t *b, int *full)
{
	char		 names[TABLE_COLS_MAX][TABLE_NAME_MAX];
	const char	*cs[TABLE_COLS_MAX], *line, *nl, *end = s + len;
	size_t		 cl[TABLE_COLS_MAX], ll, rows = 0;
	int		 delim = 0, ncol = 0, n, i, hd = 0, nd;

	for (line = s; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		ll = (size_t)(nl - line);
		if (delim != 0 && rule_line(line, ll))
			continue;	/* +-----+ or |---|---| between rows */
		nd = delim != 0 ? count_delim(line, ll, delim) : 0;
		if (delim != 0 && nd >= 1 && (nd == hd ||
		    (delim == '|' && nd == hd - 1))) {
			n = cells(line, ll, delim, cs, cl, TABLE_COLS_MAX);
			for (i = 0; i < n && i < ncol; i++) {
				if (cl[i] == 0 || names[i][0] == '\0')
					continue;
				if (buf_printf(b, "%s: ", names[i]) == -1 ||
				    buf_append(b, cs[i], cl[i]) == -1 ||
				    buf_putc(b, '\n') == -1)
					goto full;
			}
			if (buf_putc(b, '\n') == -1)
				goto full;
			rows++;
			continue;
		}
		delim = table_header(line, ll, names, &ncol);
		if (delim != 0)
			hd = count_delim(line, ll, delim);
	}
	return rows;
full:
	if (full != NULL)
		*full = 1;
	return rows;
}

/* Turn the tables of s into records; see extract.h. */
size_t
extract_tables(const char *s, size_t len, buf_t *b)
{
	return tables_into(s, len, b, NULL);
}

/* Domain of the first address in a From value. */
void
extract_from_domain(const char *v, char *out, size_t size)
{
	const char	*at, *e;
	size_t		 n, i;

	out[0] = '\0';
	if ((at = strrchr(v, '@')) == NULL)
		return;
	at++;
	for (e = at; *e != '\0' && *e != '>' && *e != ' ' && *e != ',' &&
	    *e != ')' && *e != '"' && *e != ';'; e++)
		;
	n = (size_t)(e - at);
	if (n == 0 || n >= size)
		return;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)at[i]);
	out[n] = '\0';
}

/* The ARF Feedback-Type of the complaint, lowercased ("" if none). */
static void
report_type(const mime_t *m, char *out, size_t size)
{
	const struct mime_seg *s;
	const char	*p, *e, *end;
	size_t		 i, n;

	out[0] = '\0';
	for (i = 0; i < mime_count(m); i++) {
		s = mime_seg(m, i);
		if (s->region != MIME_SEG_REPORT)
			continue;
		end = s->data + s->len;
		for (p = s->data; p < end; p = e + 1) {
			e = memchr(p, '\n', (size_t)(end - p));
			if (e == NULL)
				e = end;
			if (e - p > 14 && strncasecmp(p, "Feedback-Type:", 14)
			    == 0) {
				p += 14;
				while (p < e && (*p == ' ' || *p == '\t'))
					p++;
				for (n = 0; p + n < e && n + 1 < size &&
				    p[n] != ' ' && p[n] != ';'; n++)
					out[n] = (char)tolower(
					    (unsigned char)p[n]);
				out[n] = '\0';
				return;
			}
		}
	}
}

/* Do the rule's complaint-level conditions hold? */
static int
conditions_ok(const struct rule *r, const char *rtype, const char *sdom)
{
	size_t	 i, dl, sl;
	int	 ok;

	if (r->nrtypes > 0) {
		for (ok = 0, i = 0; i < r->nrtypes && !ok; i++)
			ok = strcmp(r->rtypes[i], rtype) == 0 ||
			    (rtype[0] == '\0' && strcmp(r->rtypes[i],
			    "none") == 0) || (rtype[0] != '\0' &&
			    strcmp(r->rtypes[i], "any") == 0);
		if (!ok)
			return 0;
	}
	if (r->ndomains > 0) {
		sl = strlen(sdom);
		for (ok = 0, i = 0; i < r->ndomains && !ok; i++) {
			dl = strlen(r->domains[i]);
			ok = sl == dl ? strcmp(sdom, r->domains[i]) == 0 :
			    sl > dl && sdom[sl - dl - 1] == '.' &&
			    strcmp(sdom + sl - dl, r->domains[i]) == 0;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* Region bit of a segment. */
static unsigned
seg_bit(int region)
{
	switch (region) {
	case MIME_SEG_REPORT:
		return RULE_REG_REPORT;
	case MIME_SEG_TEXT:
		return RULE_REG_TEXT;
	case MIME_SEG_ATTACH:
		return RULE_REG_ATTACH;
	case MIME_SEG_EMB_HEADERS:
		return RULE_REG_EMB_HEADERS;
	case MIME_SEG_EMB_TEXT:
		return RULE_REG_EMB_TEXT;
	default:
		return 0;
	}
}

/*
 * The sender domain of embedded message msgno, from the From field of its
 * header block, into out ("" if none).
 */
static void
message_from_domain(const mime_t *m, int msgno, char *out, size_t size)
{
	const struct mime_seg	*s = NULL, *t;
	const char		*p, *e, *end;
	char			 v[1024];
	size_t			 i;

	out[0] = '\0';
	for (i = 0; i < mime_count(m) && s == NULL; i++) {
		t = mime_seg(m, i);
		if (t->msgno == msgno && (t->region == MIME_SEG_FWD_HEADERS ||
		    t->region == MIME_SEG_EMB_HEADERS))
			s = t;
	}
	if (s == NULL)
		return;
	end = s->data + s->len;
	for (p = s->data; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if (e - p > 5 && strncasecmp(p, "From:", 5) == 0) {
			str_copyn(v, sizeof(v), p + 5, (size_t)(e - p - 5));
			extract_from_domain(v, out, size);
			return;
		}
	}
}

/*
 * Walk the Received chain of every embedded message, for the reporter
 * that sent it: the complaint's sender (sdom) for a message the complaint
 * carries, a forwarded complaint's sender for a message found in it.
 */
static void
walk_chains(struct extract_ctx *x, const unsigned char *enabled,
    const char *sdom)
{
	const mime_t		*m = x->in->mime;
	const struct mime_seg	*s;
	struct received_result	 rr;
	char			 dom[256], reg[256];
	size_t			 i;
	int			 rc, k, first = 1, report = 0;

	for (i = 0; i < mime_count(m); i++)
		if (mime_seg(m, i)->region == MIME_SEG_REPORT)
			report = 1;

	for (i = 0; i < mime_count(m); i++) {
		s = mime_seg(m, i);
		if (s->region != MIME_SEG_EMB_HEADERS &&
		    s->region != MIME_SEG_FWD_HEADERS)
			continue;
		if (s->parent == 0)
			str_copyn(dom, sizeof(dom), sdom, strlen(sdom));
		else
			message_from_domain(m, s->parent, dom, sizeof(dom));
		received_domain(dom, strlen(dom), reg, sizeof(reg));
		memset(&rr, 0, sizeof(rr));
		rc = received_walk(x->rs, enabled, x->in->md, s->data, s->len,
		    reg, &rr);
		if (rc == -1)
			x->out->errors++;
		/*
		 * Contested hops (received.h) may keep the complaint, never
		 * route it: they are transport.
		 */
		x->transport = CAND_TRANSPORT;
		for (k = 0; rc != -1 && k < rr.ncontested; k++)
			add_cand(x, &rr.contested[k].ip, rr.contested[k].port,
			    rr.contested[k].has_time ? rr.contested[k].time :
			    TIME_UNSET, rr.contested[k].has_time ?
			    rr.contested[k].time : TIME_UNSET,
			    rr.contested[k].rule, "contested");
		x->transport = 0;
		if (rc != 1)
			continue;
		x->transport = s->region == MIME_SEG_FWD_HEADERS ?
		    CAND_TRANSPORT : 0;
		/*
		 * The chain of a feedback report's reported message is a
		 * reading that the report's own Source-IP (the reporter's word
		 * on its hand-off) outranks; any other chain (a second sample,
		 * an earlier complaint's spam) is evidence of its own, and
		 * must agree with the rest.
		 */
		if (!x->transport && s->region == MIME_SEG_EMB_HEADERS &&
		    s->parent == 0 && first-- > 0 && report)
			x->defers = 1;
		add_cand(x, &rr.ip, rr.port, rr.has_time ? rr.time :
		    TIME_UNSET, rr.has_time ? rr.time : TIME_UNSET, rr.rule,
		    x->transport ? "forwarded" : "received");
		x->defers = 0;
		x->transport = 0;
	}
}

/*
 * Run rule r over a forwarded complaint's header block s as if it were
 * a reported message's: what it finds is transport, never a route, but
 * may keep the complaint (see decide.c).  Time rules do not run: the
 * incident is the reported message's.
 */
static void
run_forwarded(struct extract_ctx *x, const struct rule *r,
    const struct mime_seg *s)
{
	if (!(r->regions & RULE_REG_EMB_HEADERS) || r->g_ip[0] == 0 ||
	    !rules_ctype_ok(r, s->ctype))
		return;
	x->transport = CAND_TRANSPORT;
	run(x, r, s->data, s->len, "forwarded");
	x->transport = 0;
}

/*
 * Run rule r over the text of a message the complaint carries (an
 * earlier complaint attached, the reported message's own text): what it
 * finds never routes, but an offender of another customer named there
 * keeps the complaint (CAND_CARRIED).  Time rules do not run.
 */
static void
run_carried(struct extract_ctx *x, const struct rule *r,
    const struct mime_seg *s)
{
	if (!(r->regions & (RULE_REG_TEXT | RULE_REG_REPORT |
	    RULE_REG_ATTACH)) || r->g_ip[0] == 0 || r->marks != 0 ||
	    !rules_ctype_ok(r, s->ctype))
		return;
	x->transport = CAND_CARRIED;
	run(x, r, s->data, s->len, "carried");
	x->transport = 0;
}

/* Collect the evidence of a complaint; see extract.h. */
int
extract_evidence(const rules_t *rs, const struct extract_in *in,
    struct extract_out *out)
{
	struct extract_ctx		 x;
	const struct mime_seg	*s;
	const struct rule	*r;
	unsigned char		*enabled;
	char			 rtype[64], sdom[256];
	buf_t			 tables;
	size_t			 i, j, k;
	int			 have_tables = 0, any_received = 0;
	int			 tables_full = 0;

	memset(&x, 0, sizeof(x));
	x.rs = rs;
	x.in = in;
	x.out = out;
	out->incident = 0;
	if ((enabled = calloc(rs->nrule ? rs->nrule : 1, 1)) == NULL) {
		out->nomem = 1;
		return -1;
	}
	report_type(in->mime, rtype, sizeof(rtype));
	sdom[0] = '\0';
	for (i = 0; i < in->nhdr; i++)
		if (strcasecmp(in->hdr[i].name, "From") == 0) {
			extract_from_domain(in->hdr[i].value, sdom,
			    sizeof(sdom));
			break;
		}
	buf_init(&tables, EXTRACT_TABLE_MAX);
	for (i = 0; i < rs->nrule && !out->nomem; i++) {
		r = &rs->rule[i];
		if (!conditions_ok(r, rtype, sdom))
			continue;
		enabled[i] = 1;
		if (r->regions & RULE_REG_RECEIVED)
			any_received = 1;
		if (r->regions & RULE_REG_HEADER)
			for (j = 0; j < in->nhdr; j++)
				for (k = 0; k < r->nheaders; k++)
					if (strcasecmp(in->hdr[j].name,
					    r->headers[k]) == 0)
						run(&x, r, in->hdr[j].value,
						    strlen(in->hdr[j].value),
						    "header");
		for (j = 0; j < mime_count(in->mime); j++) {
			s = mime_seg(in->mime, j);
			if (s->region == MIME_SEG_FWD_HEADERS) {
				run_forwarded(&x, r, s);
				continue;
			}
			if (s->region == MIME_SEG_EMB_TEXT &&
			    !(r->regions & RULE_REG_EMB_TEXT)) {
				run_carried(&x, r, s);
				continue;
			}
			/* a keep rule reads the complaint's own words */
			if (!(r->regions & seg_bit(s->region)) ||
			    !rules_ctype_ok(r, s->ctype) ||
			    (r->keep && s->embedded > 0))
				continue;
			run(&x, r, s->data, s->len,
			    rules_region_name(seg_bit(s->region)));
		}
		if (r->regions & RULE_REG_TABLE) {
			if (!have_tables) {
				have_tables = 1;
				for (j = 0; j < mime_count(in->mime); j++) {
					s = mime_seg(in->mime, j);
					if (s->region == MIME_SEG_TEXT ||
					    s->region == MIME_SEG_ATTACH)
						(void)tables_into(s->data,
						    s->len, &tables,
						    &tables_full);
				}
			}
			if (tables.len > 0)
				run(&x, r, tables.data, tables.len, "table");
			/* rows past EXTRACT_TABLE_MAX were not read */
			if (tables_full && r->g_ip[0] != 0)
				note_dropped(out, r->strength);
		}
	}
	if (any_received && !out->nomem)
		walk_chains(&x, enabled, sdom);
	buf_free(&tables);
	free(enabled);
	return out->nomem ? -1 : 0;
}
