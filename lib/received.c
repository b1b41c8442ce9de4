/*
 * received.c - the Received-chain walker; see received.h.
 *
 * A hop is parsed into its client part (between "from" and the "by" at
 * parenthesis depth 0), the host names the client part gives (the HELO
 * name, the reverse DNS name, "helo=" and "(EHLO ...)" forms), the "by"
 * host (and its address when the by part gives one), the "with"
 * protocol and the stamp after the last ';'.  The client part is cut
 * into its lead (the first word) and the parenthesised groups and words
 * after it; the MTA family (received.h) says which of them is the field
 * the receiving MTA recorded the client in, and the "received" rules
 * read the address from that field alone.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "buf.h"
#include "received.h"
#include "rules_int.h"
#include "str.h"
#include "timeparse.h"

#define RECEIVED_NAMES_MAX	6
#define RECEIVED_DOM_MAX	128
#define RECEIVED_SET_MAX	64

#define RECEIVED_ELEMS_MAX	16

/* A word or parenthesised group of a client part, at depth 0. */
struct elem {
	const char	*p;		/* the text (a group's without parens) */
	size_t		 n;
	int		 group;
};

struct hop {
	const char	*from;		/* client part */
	size_t		 fromlen;
	const char	*bypart;	/* the text after "by" */
	size_t		 bylen;
	int		 family;	/* enum received_family */
	const char	*field;		/* where the MTA recorded the client */
	size_t		 fieldlen;
	unsigned char	 fullv[RECEIVED_NAMES_MAX];	/* fulls[k] is a DNS name */
	struct ipaddr	 byip;		/* the by host's address */
	int		 has_byip;
	char		 names[RECEIVED_NAMES_MAX][RECEIVED_DOM_MAX];	/* domains */
	int		 nnames;
	char		 fulls[RECEIVED_NAMES_MAX][RECEIVED_DOM_MAX];	/* host names */
	int		 nfulls;
	char		 vnames[RECEIVED_NAMES_MAX][RECEIVED_DOM_MAX];	/* verified */
	int		 nvnames;
	char		 by[RECEIVED_DOM_MAX];	/* domain of the by host */
	char		 byfull[RECEIVED_DOM_MAX];	/* the by host */
	int		 has_ip;
	struct ipaddr	 ip;
	int		 port;
	const struct rule *rule;
	int64_t		 time;
	int		 has_time;
	int		 auth;		/* an authenticated submission */
	int		 unplaced;	/* the client part names an address
					   (ip) but not where its family
					   records the client */
};

struct domset {
	char	 d[RECEIVED_SET_MAX][RECEIVED_DOM_MAX];
	int	 n;
};

/* Is the set holding d? */
static int
set_has(const struct domset *s, const char *d)
{
	int	 i;

	if (d[0] == '\0')
		return 0;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->d[i], d) == 0)
			return 1;
	return 0;
}

/* Add d to the set (ignored when full or empty). */
static void
set_add(struct domset *s, const char *d)
{
	if (d[0] == '\0' || set_has(s, d) || s->n >= RECEIVED_SET_MAX)
		return;
	str_copyn(s->d[s->n], RECEIVED_DOM_MAX, d, strlen(d));
	s->n++;
}

/* Registered domain of a host name: the last two labels, three under a
 * two-letter country code with a generic second level (co.uk, ne.jp). */
void
received_domain(const char *host, size_t len, char *out, size_t size)
{
	char		 h[RECEIVED_DOM_MAX];
	size_t		 i, n, dots = 0, cut = 0;
	const char	*p2, *last;
	struct ipaddr	 ip;

	out[0] = '\0';
	while (len > 0 && (host[len - 1] == '.' || host[len - 1] == ']' ||
	    host[len - 1] == ')' || host[len - 1] == '?'))
		len--;
	while (len > 0 && (host[0] == '[' || host[0] == '(' || host[0] == '?'))
		host++, len--;
	if (len == 0 || len >= sizeof(h))
		return;
	for (i = 0; i < len; i++) {
		int c = tolower((unsigned char)host[i]);

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return;
		h[i] = (char)c;
	}
	h[len] = '\0';
	if (ipaddr_parse(h, len, 0, &ip) == 0)
		return;		/* an address is not a name */
	for (i = 0; i < len; i++)
		if (h[i] == '.')
			dots++;
	if (dots == 0)
		return;		/* unqualified */
	n = len;
	/* position after the second-to-last dot, or the third-to-last */
	for (i = len; i > 0; i--) {
		if (h[i - 1] != '.')
			continue;
		cut++;
		if (cut == 2) {
			last = strrchr(h, '.') + 1;
			p2 = h + i;
			if (strlen(last) == 2 && (size_t)(last - p2) <= 4 &&
			    (strncmp(p2, "co.", 3) == 0 ||
			    strncmp(p2, "com.", 4) == 0 ||
			    strncmp(p2, "net.", 4) == 0 ||
			    strncmp(p2, "org.", 4) == 0 ||
			    strncmp(p2, "ac.", 3) == 0 ||
			    strncmp(p2, "ne.", 3) == 0 ||
			    strncmp(p2, "or.", 3) == 0 ||
			    strncmp(p2, "gov.", 4) == 0 ||
			    strncmp(p2, "edu.", 4) == 0))
				continue;
			str_copyn(out, size, h + i, n - i);
			return;
		}
		if (cut == 3) {
			str_copyn(out, size, h + i, n - i);
			return;
		}
	}
	str_copyn(out, size, h, n);
}

/* Find " by " at parenthesis depth 0; offset or len. */
static size_t
find_by(const char *s, size_t len)
{
	size_t	 i;
	int	 depth = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && i + 4 <= len &&
		    (s[i] == ' ' || s[i] == '\t') &&
		    (s[i + 1] == 'b' || s[i + 1] == 'B') &&
		    (s[i + 2] == 'y' || s[i + 2] == 'Y') &&
		    (i + 3 == len || s[i + 3] == ' ' || s[i + 3] == '\t'))
			return i;
	}
	return len;
}

/* Does a host name look internal: unqualified, or under a top-level
 * label no registry hands out (.internal, .local, .lan, ord1a, ...)? */
static int
internal_name(const char *h)
{
	static const char *const tlds[] = {
		"internal", "local", "localdomain", "lan", "corp", "home",
		"intranet", "intra", "private", "priv", "localhost", "domain",
	};
	const char	*dot, *p;
	size_t		 i;

	if ((dot = strrchr(h, '.')) == NULL)
		return 1;
	for (p = dot + 1; *p != '\0'; p++)
		if (isdigit((unsigned char)*p))
			return 1;
	for (i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (strcmp(dot + 1, tlds[i]) == 0)
			return 1;
	return 0;
}

/* Lowercase host name of a token into out ("" if it is none: an
 * address, a keyword, other characters). */
static void
host_of(const char *t, size_t n, char *out, size_t size)
{
	struct ipaddr	 ip;
	size_t		 i;
	int		 alpha = 0;

	out[0] = '\0';
	while (n > 0 && (t[n - 1] == '.' || t[n - 1] == '?' || t[n - 1] == ','))
		n--;
	while (n > 0 && (t[0] == '?' || t[0] == '"'))
		t++, n--;
	if (n == 0 || n >= size)
		return;
	for (i = 0; i < n; i++) {
		int c = tolower((unsigned char)t[i]);

		if (isalpha(c))
			alpha = 1;
		else if (!isdigit(c) && c != '-' && c != '.' && c != '_') {
			out[0] = '\0';
			return;
		}
		out[i] = (char)c;
	}
	out[n] = '\0';
	if (!alpha || ipaddr_parse(out, n, 0, &ip) == 0 ||
	    strcmp(out, "helo") == 0 || strcmp(out, "ehlo") == 0 ||
	    strcmp(out, "lhlo") == 0 || strcmp(out, "unknown") == 0)
		out[0] = '\0';
}

/*
 * Is the token at t (n bytes) of the client part s (len bytes) the name
 * the receiving MTA found in the DNS for the client, written as
 * "(name [address])" (Postfix, Sendmail and the like), rather than a name
 * the client gave (HELO) or one that cannot be told from it?
 */
static int
verified_name(const char *s, size_t len, const char *t, size_t n)
{
	size_t	 i = (size_t)(t - s) + n;

	if (t == s || t[-1] != '(')
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i > (size_t)(t - s) + n && i < len && s[i] == '[';
}

/* Add domain d to list (size RECEIVED_NAMES_MAX, *n used) unless there. */
static void
name_add(char list[][RECEIVED_DOM_MAX], int *n, const char *d)
{
	int	 k;

	if (d[0] == '\0' || *n >= RECEIVED_NAMES_MAX)
		return;
	for (k = 0; k < *n; k++)
		if (strcmp(list[k], d) == 0)
			return;
	str_copyn(list[(*n)++], RECEIVED_DOM_MAX, d, strlen(d));
}

/* Collect the host names (and their domains) of a client part. */
static void
hop_names(struct hop *h)
{
	const char	*s = h->from, *t;
	size_t		 len = h->fromlen, i = 0, n;
	char		 full[RECEIVED_DOM_MAX], d[RECEIVED_DOM_MAX];
	int		 k, dup, verified, forged;

	/* Sendmail's mark of a DNS name that does not map back */
	forged = memmem(s, len, "may be forged", 13) != NULL;

	while (i < len && h->nfulls < RECEIVED_NAMES_MAX) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '(' ||
		    s[i] == ')' || s[i] == '[' || s[i] == ']'))
			i++;
		t = s + i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '(' &&
		    s[i] != ')' && s[i] != '[' && s[i] != ']')
			i++;
		n = (size_t)(s + i - t);
		verified = !forged && verified_name(s, len, t, n);
		if (n > 5 && strncasecmp(t, "helo=", 5) == 0) {
			t += 5;
			n -= 5;
		}
		host_of(t, n, full, sizeof(full));
		if (full[0] == '\0')
			continue;
		received_domain(full, strlen(full), d, sizeof(d));
		if (verified && !internal_name(full))
			name_add(h->vnames, &h->nvnames, d);
		for (dup = 0, k = 0; k < h->nfulls; k++)
			if (strcmp(h->fulls[k], full) == 0) {
				dup = 1;
				h->fullv[k] |= verified;
			}
		if (dup)
			continue;
		h->fullv[h->nfulls] = (unsigned char)verified;
		str_copyn(h->fulls[h->nfulls++], RECEIVED_DOM_MAX, full, strlen(full));
		if (internal_name(full))
			continue;
		name_add(h->names, &h->nnames, d);
	}
}

/* Rule hit on a client part: take the first good address. */
static int
hop_hit(void *arg, const struct rule *r, const struct rule_hit *hit)
{
	struct hop	*h = arg;
	struct ipaddr	 ip;

	if (hit->ip == NULL ||
	    ipaddr_parse(hit->ip, hit->iplen, IPADDR_DEFANGED, &ip) == -1 ||
	    ipaddr_is_reserved(&ip))
		return 0;
	h->ip = ip;
	h->has_ip = 1;
	h->rule = r;
	h->port = ipaddr_port(hit->port, hit->portlen);
	return 1;
}

/* Case-insensitive search for needle in s (len bytes); NULL if none. */
static const char *
ci_find(const char *s, size_t len, const char *needle)
{
	size_t	 i, nl = strlen(needle);

	for (i = 0; nl <= len && i <= len - nl; i++)
		if (strncasecmp(s + i, needle, nl) == 0)
			return s + i;
	return NULL;
}

/* Does s (len bytes) begin with word w, followed by a blank or its end? */
static int
word_is(const char *s, size_t len, const char *w)
{
	size_t	 wl = strlen(w);

	return len >= wl && strncasecmp(s, w, wl) == 0 &&
	    (len == wl || s[wl] == ' ' || s[wl] == '\t');
}

/* Cut the client part after its lead into words and depth-0 groups. */
static int
cut_elems(const char *s, size_t len, struct elem *e, int max)
{
	size_t	 i = 0, j;
	int	 n = 0, depth;

	while (i < len && n < max) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ')'))
			i++;
		if (i == len)
			break;
		if (s[i] == '(') {
			for (depth = 1, j = i + 1; j < len && depth > 0; j++)
				if (s[j] == '(')
					depth++;
				else if (s[j] == ')')
					depth--;
			e[n].p = s + i + 1;
			e[n].n = j - i - 1 - (depth == 0);
			e[n++].group = 1;
			i = j;
			continue;
		}
		for (j = i; j < len && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != '('; j++)
			;
		e[n].p = s + i;
		e[n].n = j - i;
		e[n++].group = 0;
		i = j;
	}
	return n;
}

/* Is s (len bytes) an address: "192.0.2.1", "IPv6:2001:db8::1"? */
static int
is_addr(const char *s, size_t len)
{
	struct ipaddr	 ip;

	if (len > 5 && strncasecmp(s, "IPv6:", 5) == 0)
		s += 5, len -= 5;
	return len > 0 && ipaddr_parse(s, len, 0, &ip) == 0;
}

/* Length of ":port" at s (len bytes), 0 if none. */
static size_t
port_len(const char *s, size_t len)
{
	size_t	 i;

	if (len < 2 || s[0] != ':')
		return 0;
	for (i = 1; i < len && i <= 6 && isdigit((unsigned char)s[i]); i++)
		;
	return i > 1 ? i : 0;
}

/* Length of a literal "[address]" (with ":port") at s, 0 if none. */
static size_t
literal_len(const char *s, size_t len)
{
	const char	*rb;
	size_t		 n;

	if (len < 3 || s[0] != '[' ||
	    (rb = memchr(s, ']', len)) == NULL ||
	    !is_addr(s + 1, (size_t)(rb - s - 1)))
		return 0;
	n = (size_t)(rb - s) + 1;
	return n + port_len(s + n, len - n);
}

/*
 * Is the whole of s (len bytes) an address field: "[address]",
 * "address", "user@address" (qmail's remote info), each with an
 * optional ":port" (IPv4 or a literal)?
 */
static int
addr_field(const char *s, size_t len)
{
	const char	*at, *c;
	size_t		 n;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if ((at = memchr(s, '@', len)) != NULL) {
		len -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	if (len > 0 && s[0] == '[')
		return (n = literal_len(s, len)) > 0 && n == len;
	if (is_addr(s, len))
		return 1;
	for (c = s + len; c > s && c[-1] != ':'; c--)
		;
	if (c == s || memchr(s, '.', (size_t)(--c - s)) == NULL)
		return 0;
	n = (size_t)(c - s);
	return is_addr(s, n) && port_len(c, len - n) == len - n;
}

/* Does group g begin with a HELO keyword ("(HELO name)", "(EHLO ...)")? */
static int
helo_group(const struct elem *g)
{
	const char	*p = g->p;
	size_t		 n = g->n;

	while (n > 0 && (*p == ' ' || *p == '\t'))
		p++, n--;
	return word_is(p, n, "HELO") || word_is(p, n, "EHLO") ||
	    word_is(p, n, "LHLO");
}

/*
 * Find in group g (at its own depth 0) a literal "[address]" that is not
 * the value of "helo=": the address the MTA wrote after the client's DNS
 * name, "(name [address])" (Postfix, Sendmail, OpenSMTPD, Haraka, Gmail)
 * or "([address]:port helo=name)" (Exim); the last of them, since a
 * client-chosen literal may stand before it.  Returns its offset in g
 * and sets *flen, or -1.
 */
static long
group_literal(const struct elem *g, size_t *flen)
{
	size_t	 i, n;
	long	 found = -1;
	int	 depth = 0;

	if (helo_group(g))
		return -1;
	for (i = 0; i < g->n; i++) {
		if (g->p[i] == '(')
			depth++;
		else if (g->p[i] == ')' && depth > 0)
			depth--;
		if (depth > 0 || g->p[i] != '[')
			continue;
		if (i >= 5 && strncasecmp(g->p + i - 5, "helo=", 5) == 0)
			continue;
		if ((n = literal_len(g->p + i, g->n - i)) > 0) {
			/* the last one: "([helo literal] [address])" */
			*flen = n;
			found = (long)i;
		}
	}
	return found;
}

/* Set the hop's field to n bytes at p. */
static void
set_field(struct hop *h, const char *p, size_t n)
{
	h->field = p;
	h->fieldlen = n;
}

/* The last group holding a literal after a name (see group_literal). */
static int
field_dns_group(struct hop *h, const struct elem *e, int ne)
{
	size_t	 n;
	long	 off;
	int	 k;

	for (k = ne - 1; k >= 0; k--)
		if (e[k].group && (off = group_literal(&e[k], &n)) >= 0) {
			set_field(h, e[k].p + off, n);
			return 1;
		}
	return 0;
}

/* The last group that is all an address: "(192.0.2.1)" (Exchange,
 * qmail, Yahoo), "(user@192.0.2.1)", "([192.0.2.1])". */
static int
field_addr_group(struct hop *h, const struct elem *e, int ne)
{
	int	 k;

	for (k = ne - 1; k >= 0; k--)
		if (e[k].group && !helo_group(&e[k]) &&
		    addr_field(e[k].p, e[k].n)) {
			set_field(h, e[k].p, e[k].n);
			return 1;
		}
	return 0;
}

/* The lead when it is an address ("from [192.0.2.1]:1234 (helo=x)",
 * "from 192.0.2.1 by"). */
static int
field_lead(struct hop *h, const char *lead, size_t leadlen)
{
	if (!addr_field(lead, leadlen) || memchr(lead, '@', leadlen) != NULL)
		return 0;
	set_field(h, lead, leadlen);
	return 1;
}

/* A word "[192.0.2.1]" after the lead: Sendmail without a HELO name,
 * "from name [192.0.2.1]". */
static int
field_word(struct hop *h, const struct elem *e, int ne)
{
	int	 k;

	for (k = 0; k < ne; k++)
		if (!e[k].group && e[k].n > 0 && e[k].p[0] == '[' &&
		    literal_len(e[k].p, e[k].n) == e[k].n) {
			set_field(h, e[k].p, e[k].n);
			return 1;
		}
	return 0;
}

/* Does some group of the client part hold a "helo=" (Exim)? */
static int
exim_shape(const struct elem *e, int ne)
{
	int	 k;

	for (k = 0; k < ne; k++)
		if (e[k].group && ci_find(e[k].p, e[k].n, "helo=") != NULL)
			return 1;
	return 0;
}

/* Markers of the receiving MTA in a by part, first match wins. */
static const struct {
	const char	*mark;
	int		 family;
} by_marks[] = {
	{ "(Postfix", RECEIVED_POSTFIX },
	{ "Microsoft SMTP", RECEIVED_EXCHANGE },
	{ "(Exim ", RECEIVED_EXIM },
	{ "(Haraka", RECEIVED_HARAKA },
	{ "(OpenSMTPD", RECEIVED_OPENSMTPD },
	{ "amavis", RECEIVED_AMAVIS },
	{ "Sendmail", RECEIVED_SENDMAIL },
	{ "(8.", RECEIVED_SENDMAIL },
	{ "google.com", RECEIVED_GMAIL },
	{ "yahoo.com", RECEIVED_YAHOO },
	{ "yahoo.net", RECEIVED_YAHOO },
};

/* Tell the hop's MTA family from the by part's marker, else its shape. */
static int
hop_family(const struct hop *h, const struct elem *e, int ne)
{
	size_t	 i;
	int	 k;

	for (i = 0; i < sizeof(by_marks) / sizeof(by_marks[0]); i++)
		if (ci_find(h->bypart, h->bylen, by_marks[i].mark) != NULL)
			return by_marks[i].family;
	if (exim_shape(e, ne))
		return RECEIVED_EXIM;
	if (ci_find(h->from, h->fromlen, "may be forged") != NULL)
		return RECEIVED_SENDMAIL;
	for (k = 0; k + 1 < ne; k++)
		if (e[k].group && helo_group(&e[k]))
			return RECEIVED_QMAIL;
	return RECEIVED_UNKNOWN;
}

/*
 * Find the field where the receiving MTA recorded the client: the place
 * its family writes it, never the HELO argument (received.h).
 */
static void
hop_field(struct hop *h)
{
	struct elem	 e[RECEIVED_ELEMS_MAX];
	const char	*lead = h->from;
	size_t		 leadlen, skip;
	int		 ne;

	while (lead < h->from + h->fromlen && (*lead == ' ' || *lead == '\t'))
		lead++;
	skip = (size_t)(lead - h->from);
	for (leadlen = 0; skip + leadlen < h->fromlen &&
	    lead[leadlen] != ' ' && lead[leadlen] != '\t'; leadlen++)
		;
	ne = cut_elems(lead + leadlen, h->fromlen - skip - leadlen, e,
	    RECEIVED_ELEMS_MAX);
	h->family = hop_family(h, e, ne);
	switch (h->family) {
	case RECEIVED_EXIM:
		/* "name ([address]:port helo=x)", "[address]:port (helo=x)" */
		if (ne > 0 && e[0].group && e[0].n > 0 && e[0].p[0] == '[' &&
		    field_dns_group(h, e, 1))
			return;
		if (field_lead(h, lead, leadlen))
			return;
		(void)field_dns_group(h, e, ne);
		return;
	case RECEIVED_EXCHANGE:
	case RECEIVED_QMAIL:
	case RECEIVED_YAHOO:
		/* "helo (address)", "remotehost (HELO helo) (info@address)" */
		if (field_addr_group(h, e, ne))
			return;
		(void)field_dns_group(h, e, ne);
		return;
	case RECEIVED_UNKNOWN:
		if (field_dns_group(h, e, ne) || field_addr_group(h, e, ne))
			return;
		if (ne == 0)
			(void)field_lead(h, lead, leadlen);
		return;
	default:
		/* "helo (name [address])"; Sendmail: "name [address]",
		 * "[address] (may be forged)" without a HELO name */
		if (field_dns_group(h, e, ne) || field_addr_group(h, e, ne))
			return;
		if (h->family == RECEIVED_SENDMAIL && (field_word(h, e, ne) ||
		    field_lead(h, lead, leadlen)))
			return;
		if (ne == 0)
			(void)field_lead(h, lead, leadlen);
		return;
	}
}

/* The "with" protocols of an authenticated submission (RFC 3848, and
 * RFC 6531's UTF8 forms). */
static const char *const auth_protos[] = {
	"ESMTPA", "ESMTPSA", "LMTPA", "LMTPSA", "UTF8SMTPA", "UTF8SMTPSA",
	"UTF8LMTPA", "UTF8LMTPSA", "authenticated",
};

/* Is the with protocol of the by part (depth 0) an authenticated one? */
static int
with_auth(const char *s, size_t len)
{
	size_t	 i, j, k;
	int	 depth = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		if (depth > 0 || (s[i] != ' ' && s[i] != '\t') ||
		    !word_is(s + i + 1, len - i - 1, "with"))
			continue;
		for (i += 5; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		for (j = i; j < len && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != '(' && s[j] != ';'; j++)
			;
		for (k = 0; k < sizeof(auth_protos) / sizeof(auth_protos[0]);
		    k++)
			if (j - i == strlen(auth_protos[k]) &&
			    strncasecmp(s + i, auth_protos[k], j - i) == 0)
				return 1;
		return 0;
	}
	return 0;
}

/* Read the by host at s (len bytes, the text after "by"), and its
 * address: "by [192.0.2.1]", "by host (192.0.2.1)",
 * "by host (name [192.0.2.1])". */
static void
hop_by(struct hop *h, const char *s, size_t len)
{
	struct elem	 g;
	const char	*a;
	size_t		 j, k, n;
	long		 off;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	h->bypart = s;
	h->bylen = len;
	h->auth = with_auth(s, len);
	for (j = 0; j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '(' &&
	    s[j] != ';'; j++)
		;
	host_of(s, j, h->byfull, sizeof(h->byfull));
	if (h->byfull[0] != '\0' && !internal_name(h->byfull))
		received_domain(h->byfull, strlen(h->byfull), h->by, sizeof(h->by));
	a = s;
	n = j;
	if (n > 0 && s[0] == '[' && literal_len(s, n) > 0) {
		a = s + 1;
		n = (size_t)((const char *)memchr(s, ']', n) - s) - 1;
	} else if (!is_addr(s, n)) {
		for (k = j; k < len && (s[k] == ' ' || s[k] == '\t'); k++)
			;
		if (k >= len || s[k] != '(' || cut_elems(s + k, len - k, &g,
		    1) != 1)
			return;
		if ((off = group_literal(&g, &n)) >= 0) {
			a = g.p + off + 1;
			n = (size_t)((const char *)memchr(a, ']', n) - a);
		} else if (is_addr(g.p, g.n)) {
			a = g.p;
			n = g.n;
		} else
			return;
	}
	if (n > 5 && strncasecmp(a, "IPv6:", 5) == 0)
		a += 5, n -= 5;
	if (ipaddr_parse(a, n, 0, &h->byip) == 0)
		h->has_byip = 1;
}

/*
 * The first address (not reserved) anywhere in the client part s: a
 * maximal run of hex digits, ':' and '.' that parses as one.  Returns 1
 * with *ip set, or 0.
 */
static int
any_address(const char *s, size_t len, struct ipaddr *ip)
{
	size_t	 i = 0, j;

	while (i < len) {
		for (j = i; j < len && (isxdigit((unsigned char)s[j]) ||
		    s[j] == ':' || s[j] == '.'); j++)
			;
		if (j > i && (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
		    (j == len || !isalnum((unsigned char)s[j])) &&
		    ipaddr_parse(s + i, j - i, 0, ip) == 0 &&
		    !ipaddr_is_reserved(ip))
			return 1;
		i = j > i ? j : i + 1;
	}
	return 0;
}

/* Parse one Received value into h; -1 on a PCRE2 failure. */
static int
hop_parse(const rules_t *rs, const unsigned char *enabled,
    pcre2_match_data *md, const char *v, size_t len, struct hop *h)
{
	const char	*semi, *lead;
	size_t		 byoff, i, skip;
	int		 err;

	memset(h, 0, sizeof(*h));
	h->port = -1;
	semi = NULL;
	for (i = len; i > 0; i--)
		if (v[i - 1] == ';') {
			semi = v + i - 1;
			break;
		}
	if (semi != NULL) {
		size_t tl = len - (size_t)(semi + 1 - v);

		if (time_parse_date(semi + 1, tl, &h->time) == 0)
			h->has_time = 1;
		len = (size_t)(semi - v);
	}
	if (len >= 3 && strncasecmp(v, "by", 2) == 0 &&
	    (v[2] == ' ' || v[2] == '\t')) {
		/* no client part: "by host (Postfix, from userid 99)" */
		hop_by(h, v + 3, len - 3);
		return 0;
	}
	if (len < 5 || strncasecmp(v, "from", 4) != 0 ||
	    (v[4] != ' ' && v[4] != '\t'))
		return 0;
	h->from = v + 5;
	/* the lead (the HELO name for most) may hold an unbalanced '(' */
	for (lead = h->from; lead < v + len && (*lead == ' ' || *lead == '\t');
	    lead++)
		;
	while (lead < v + len && *lead != ' ' && *lead != '\t')
		lead++;
	skip = (size_t)(lead - h->from);
	byoff = skip + find_by(lead, len - 5 - skip);
	h->fromlen = byoff;
	if (byoff < len - 5)
		hop_by(h, h->from + byoff + 4, len - 5 - byoff - 4);
	hop_names(h);
	hop_field(h);
	for (i = 0; i < rs->nrule && !h->has_ip && h->field != NULL; i++) {
		const struct rule *r = &rs->rule[i];

		if (!(r->regions & RULE_REG_RECEIVED) || !enabled[i])
			continue;
		if (rules_exec(rs, r, md, h->field, h->fieldlen, hop_hit, h,
		    &err) == -1)
			return -1;
	}
	/*
	 * An address the hop names where no grammar places the client (a
	 * HELO literal alone, a shape no family writes) is no proof of a
	 * local hop: the walk must not skip it to the hops below, which the
	 * client may have written itself.
	 */
	if (!h->has_ip && any_address(h->from, h->fromlen, &h->ip)) {
		h->unplaced = 1;
		for (i = 0; i < rs->nrule && h->rule == NULL; i++)
			if ((rs->rule[i].regions & RULE_REG_RECEIVED) &&
			    enabled[i])
				h->rule = &rs->rule[i];
	}
	return 0;
}

/* Does some hop below i say that the reporter sent mail to domain d
 * (a hop whose client is in the set and whose by host is d)? */
static int
received_from_reporter(const struct hop *hops, int nhops, int i,
    const struct domset *set, const char *d)
{
	int	 j, k;

	for (j = i + 1; j < nhops; j++) {
		if (strcmp(hops[j].by, d) != 0)
			continue;
		for (k = 0; k < hops[j].nnames; k++)
			if (set_has(set, hops[j].names[k]))
				return 1;
	}
	return 0;
}

/* Do host names a and b name the same host (equal, or one the other's
 * first labels: "smtp58.gate" and "smtp58.gate.example.net")? */
static int
same_host(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcmp(a, b) == 0;
	if (la < lb)
		return strncmp(a, b, la) == 0 && b[la] == '.';
	return strncmp(a, b, lb) == 0 && a[lb] == '.';
}

/* Is one of the client's names a host that receives mail further down
 * the chain under an internal-looking name (the reporter's own relay)? */
static int
relays_below(const struct hop *hops, int nhops, int i)
{
	const struct hop *h = &hops[i];
	int	 j, k;

	for (j = i + 1; j < nhops; j++) {
		if (hops[j].byfull[0] == '\0')
			continue;
		for (k = 0; k < h->nfulls; k++)
			if ((internal_name(h->fulls[k]) ||
			    internal_name(hops[j].byfull)) &&
			    same_host(h->fulls[k], hops[j].byfull))
				return 1;
	}
	return 0;
}

/* Does the client's domain receive mail further down, after a run of
 * hops inside internal-looking or reporter hosts (a loop through the
 * reporter's own systems)? */
static int
loops_below(const struct hop *hops, int nhops, int i,
    const struct domset *set)
{
	const struct hop *h = &hops[i];
	int	 j, k, m, ok;

	for (k = 0; k < h->nnames; k++)
		for (j = i + 2; j < nhops; j++) {
			if (strcmp(hops[j].by, h->names[k]) != 0)
				continue;
			for (ok = 1, m = i + 1; m < j && ok; m++)
				ok = hops[m].by[0] == '\0' ||
				    set_has(set, hops[m].by);
			if (ok)
				return 1;
		}
	return 0;
}

/* Is d one of the provider's own domains? */
static int
own_domain(const rules_t *rs, const char *d)
{
	int	 i;

	for (i = 0; i < rs->nown; i++)
		if (strcmp(rs->own[i], d) == 0)
			return 1;
	return 0;
}

/*
 * Did the receiving MTA vouch for hop h being the reporter's: a name it
 * found in the DNS for the client is in the reporter's domains?  A name
 * under the provider's own domains vouches for nothing: the provider
 * names its customers' hosts there, so when the provider is the reporter
 * such a name does not tell its relays from its customers.
 */
static int
hop_vouched(const rules_t *rs, const struct hop *h, const struct domset *set)
{
	int	 k;

	for (k = 0; k < h->nvnames; k++)
		if (set_has(set, h->vnames[k]) && !own_domain(rs, h->vnames[k]))
			return 1;
	return 0;
}

/*
 * Hop h was taken for the reporter's: unless the receiving MTA vouched
 * for it, on what its client said of itself (the HELO name) or on the
 * chain's shape.  A sender can name itself after the reporter to be
 * skipped, and write the hops below (and so the hand-off) itself: the
 * address of such a hop is contested, evidence that may keep the
 * complaint but never route it.
 */
static void
contest(const rules_t *rs, const struct hop *h, int i, int vouched,
    const struct domset *set, struct received_result *out)
{
	struct received_contest *c;

	if (!h->has_ip || h->auth || vouched || hop_vouched(rs, h, set) ||
	    out->ncontested == RECEIVED_CONTEST_MAX)
		return;
	c = &out->contested[out->ncontested++];
	c->hop = i;
	c->ip = h->ip;
	c->port = h->port;
	c->time = h->time;
	c->has_time = h->has_time;
	c->rule = h->rule;
}

/* Report the address an unplaced hop names as contested. */
static void
unplaced_contest(const struct hop *h, int i, struct received_result *out)
{
	struct received_contest *c;

	if (out->ncontested == RECEIVED_CONTEST_MAX || h->rule == NULL)
		return;
	c = &out->contested[out->ncontested++];
	memset(c, 0, sizeof(*c));
	c->hop = i;
	c->ip = h->ip;
	c->port = -1;
	c->time = h->time;
	c->has_time = h->has_time;
	c->rule = h->rule;
}

/* Is host c (its address, its names) the by host of hop b: the same
 * address, or a name of c the same host as b's (a qualified name of b
 * only, when qualified is set)?  *vouched is set when the address or a
 * name the MTA found in the DNS matches. */
static int
client_is_by(const struct hop *c, const struct hop *b, int qualified,
    int *vouched)
{
	int	 k;

	if (b->has_byip && c->has_ip && ipaddr_cmp(&b->byip, &c->ip) == 0) {
		*vouched = 1;
		return 1;
	}
	if (b->byfull[0] == '\0' || (qualified && internal_name(b->byfull)))
		return 0;
	for (k = 0; k < c->nfulls; k++)
		if (same_host(c->fulls[k], b->byfull)) {
			*vouched = c->fullv[k];
			return 1;
		}
	return 0;
}

/* Is the client of hop i a by host of a hop above it (the mail looping
 * through the reporter's own hosts)? */
static int
seen_above(const struct hop *hops, int i, int *vouched)
{
	int	 j;

	for (j = 0; j < i; j++)
		if (client_is_by(&hops[i], &hops[j], 1, vouched))
			return 1;
	return 0;
}

/*
 * Did the mail go from the reporter to hop i's client and back: a hop
 * below, received by that client (same host name or address), has for its
 * client a by host of hop i or above (an outside filter the reporter
 * relays through)?
 */
static int
looped_back(const struct hop *hops, int nhops, int i)
{
	const struct hop *h = &hops[i];
	int	 j, k, v, at;

	for (j = i + 1; j < nhops; j++) {
		at = hops[j].has_byip && ipaddr_cmp(&hops[j].byip, &h->ip) == 0;
		for (k = 0; !at && k < h->nfulls; k++)
			at = hops[j].byfull[0] != '\0' &&
			    !internal_name(hops[j].byfull) &&
			    same_host(h->fulls[k], hops[j].byfull);
		if (!at || !hops[j].has_ip)
			continue;
		for (k = 0; k <= i; k++)
			if (client_is_by(&hops[j], &hops[k], 1, &v))
				return 1;
	}
	return 0;
}

/* Is hop i internal to the reporter?  *vouched is set when the receiving
 * MTA's own record says so. */
static int
hop_internal(const struct hop *hops, int nhops, int i,
    const struct domset *set, int *vouched)
{
	const struct hop *h = &hops[i];
	int	 k;

	*vouched = 0;
	if (!h->has_ip)
		return 1;
	if (seen_above(hops, i, vouched))
		return 1;
	for (k = 0; k < h->nnames; k++)
		if (set_has(set, h->names[k]) ||
		    received_from_reporter(hops, nhops, i, set, h->names[k]))
			return 1;
	if (relays_below(hops, nhops, i) || loops_below(hops, nhops, i, set) ||
	    looped_back(hops, nhops, i))
		return 1;
	/* a client naming itself only internally ("localhost.localdomain")
	 * right above a hop the reporter received */
	if (h->nfulls > 0 && internal_name(h->fulls[0]) && i + 1 < nhops &&
	    set_has(set, hops[i + 1].by))
		return 1;
	return 0;
}

/*
 * The hand-off hop h is an authenticated submission: its client is the
 * submitter (a dial-up address, say), the responsible party the server
 * that accepted the submission.  That is the client of the hop above when
 * that client is h's by host; otherwise there is no hand-off.  Returns
 * the hop to take, or -1.
 */
static int
submission_server(const struct hop *hops, int h)
{
	const struct hop *above;
	int	 vouched;

	if (h == 0)
		return -1;
	above = &hops[h - 1];
	if (!above->has_ip || above->auth ||
	    !client_is_by(above, &hops[h], 0, &vouched))
		return -1;
	return h - 1;
}

/* Name of a family (received.h). */
const char *
received_family_name(int family)
{
	static const char *const names[] = {
		"unknown", "postfix", "sendmail", "exim", "exchange", "qmail",
		"gmail", "yahoo", "opensmtpd", "haraka", "amavis",
	};

	if (family < 0 || (size_t)family >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[family];
}

/* Walk the chain; see received.h. */
int
received_walk(const rules_t *rs, const unsigned char *enabled,
    pcre2_match_data *md, const char *hdrs, size_t len,
    const char *sender_domain, struct received_result *out)
{
	struct hop	*hops;
	struct domset	 set;
	const char	*p = hdrs, *end = hdrs + len, *nl;
	int		 n = 0, nmax, i, k, pick = -1, vouched;

	/* count the hops first: a hop is large, most chains are short */
	for (nmax = 0; p < end && nmax < RECEIVED_HOPS_MAX; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > 9 && strncasecmp(p, "Received:", 9) == 0)
			nmax++;
	}
	if (nmax == 0) {
		out->nhops = 0;
		return 0;
	}
	if ((hops = malloc((size_t)nmax * sizeof(*hops))) == NULL)
		return -1;
	p = hdrs;
	while (p < end && n < nmax) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > 9 && strncasecmp(p, "Received:", 9) == 0) {
			const char *v = p + 9;

			while (v < nl && (*v == ' ' || *v == '\t'))
				v++;
			if (hop_parse(rs, enabled, md, v, (size_t)(nl - v),
			    &hops[n]) == -1) {
				free(hops);
				return -1;
			}
			n++;
		}
		p = nl + 1;
	}
	memset(&set, 0, sizeof(set));
	if (sender_domain != NULL)
		set_add(&set, sender_domain);
	for (i = 0; i < n; i++)
		if (hops[i].by[0] != '\0') {
			set_add(&set, hops[i].by);
			break;
		}
	out->ncontested = 0;
	for (i = 0; i < n; i++) {
		if (hops[i].unplaced) {
			/* the hand-off cannot be read: no sender, and what
			 * the hop names may keep, never route */
			unplaced_contest(&hops[i], i, out);
			pick = -2;
			break;
		}
		if (!hop_internal(hops, n, i, &set, &vouched)) {
			pick = i;
			break;
		}
		contest(rs, &hops[i], i, vouched, &set, out);
		for (k = 0; k < hops[i].nnames; k++)
			set_add(&set, hops[i].names[k]);
		if (hops[i].by[0] != '\0' && hops[i].has_ip)
			set_add(&set, hops[i].by);
	}
	if (pick >= 0 && hops[pick].auth)
		pick = submission_server(hops, pick);
	else if (pick == -2)
		pick = -1;
	else if (pick == -1)
		for (i = n - 1; i >= 0; i--)
			if (hops[i].has_ip && !hops[i].auth) {
				pick = i;
				break;
			}
	if (pick >= 0) {
		/* the hand-off is the sender's, not a contested hop of the
		 * reporter (a submission server, the lowest hop) */
		while (out->ncontested > 0 &&
		    out->contested[out->ncontested - 1].hop >= pick)
			out->ncontested--;
		out->ip = hops[pick].ip;
		out->port = hops[pick].port;
		out->time = hops[pick].time;
		out->has_time = hops[pick].has_time;
		out->rule = hops[pick].rule;
		out->hop = pick;
		out->family = hops[pick].family;
	}
	out->nhops = n;
	free(hops);
	return pick >= 0;
}
