/*
 * policy.c - loop, abuse and forgery protections applied to a routing
 * decision; see policy.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "complaint.h"
#include "conf.h"
#include "policy.h"
#include "ratelimit.h"
#include "spf.h"
#include "str.h"

/* Is rcpt one of the abuse desk mailboxes? */
int
policy_is_abuse_rcpt(const struct conf *cf, const char *rcpt)
{
	size_t	 i;

	for (i = 0; i < cf->abuse_recipients.n; i++)
		if (addr_same_mailbox(rcpt, cf->abuse_recipients.v[i],
		    cf->recipient_delimiter))
			return 1;
	return 0;
}

#define LOCAL_MAX	64	/* RFC 5321 local part */

/* May tag (len bytes) stand after delimiter delim in a local part? */
static int
tag_safe(const char *tag, size_t len, int delim)
{
	size_t	 i;

	if (len == 0 || tag[0] == '.' || tag[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (tag[i] == delim || (!isalnum((unsigned char)tag[i]) &&
		    tag[i] != '.' && tag[i] != '_' && tag[i] != '-'))
			return 0;
		if (tag[i] == '.' && tag[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* The envelope sender of a routed complaint; see policy.h. */
int
policy_return_path(const struct conf *cf, const char *customer, char *out,
    size_t outsize)
{
	const char	*rp = conf_return_path(cf), *at;
	const char	*dl = cf->recipient_delimiter;
	size_t		 llen, clen = customer != NULL ? strlen(customer) : 0;
	int		 n;

	if (rp == NULL)
		return 0;
	if ((at = strrchr(rp, '@')) == NULL)
		return -1;
	llen = (size_t)(at - rp);
	if (dl != NULL && tag_safe(customer, clen, dl[0]) &&
	    llen + 1 + clen <= LOCAL_MAX)
		n = snprintf(out, outsize, "<%.*s%c%s%s>", (int)llen, rp,
		    dl[0], customer, at);
	else
		n = snprintf(out, outsize, "<%s>", rp);
	return n < 0 || (size_t)n >= outsize ? -1 : 1;
}

/* Is rcpt the return path?  See policy.h. */
int
policy_return_rcpt(const struct conf *cf, const char *rcpt, char *tag,
    size_t tagsize)
{
	const char	*rp = conf_return_path(cf), *dl = cf->recipient_delimiter;
	char		 in[ADDR_MAX], want[ADDR_MAX];
	const char	*at, *rat;
	size_t		 llen, rlen, tlen;

	if (tagsize > 0)
		tag[0] = '\0';
	if (rp == NULL || addr_internal(rcpt, in, sizeof(in)) == -1 ||
	    addr_internal(rp, want, sizeof(want)) == -1)
		return 0;
	at = strrchr(want, '@');
	rat = strrchr(in, '@');
	if (strcmp(at, rat) != 0)
		return 0;
	llen = (size_t)(at - want);
	rlen = (size_t)(rat - in);
	if (rlen == llen && strncasecmp(in, want, llen) == 0)
		return !policy_is_abuse_rcpt(cf, rp);
	if (dl == NULL || rlen <= llen + 1 || strchr(dl, in[llen]) == NULL ||
	    strncasecmp(in, want, llen) != 0)
		return 0;
	tlen = rlen - llen - 1;
	if (tag_safe(in + llen + 1, tlen, in[llen]) && tlen < tagsize) {
		memcpy(tag, in + llen + 1, tlen);
		tag[tlen] = '\0';
	}
	return 1;
}

/* Does a From:-like header value name the mailbox of addr? */
int
policy_header_has_addr(const char *value, const char *addr,
    const char *delims)
{
	static const char sep[] = "<>,;:()\"' \t\r\n";
	char		 tok[ADDR_MAX];
	const char	*p = value;
	size_t		 len;

	if (value == NULL)
		return 0;
	while (*p != '\0') {
		p += strspn(p, sep);
		len = strcspn(p, sep);
		if (len > 0 && len < sizeof(tok)) {
			memcpy(tok, p, len);
			tok[len] = '\0';
			if (addr_same_mailbox(tok, addr, delims))
				return 1;
		}
		p += len;
	}
	return 0;
}

/* May a complaint with this Auto-Submitted: value be routed? */
int
policy_auto_submitted_ok(const struct conf *cf, const char *value)
{
	char	 kw[64];
	size_t	 len, i;

	if (value == NULL)
		return 1;
	while (isspace((unsigned char)*value))
		value++;
	for (len = 0; value[len] != '\0' && len < sizeof(kw) - 1; len++) {
		if (!isalnum((unsigned char)value[len]) && value[len] != '-')
			break;
		kw[len] = (char)tolower((unsigned char)value[len]);
	}
	kw[len] = '\0';
	if (len == 0)
		return 0;
	for (i = 0; i < cf->auto_submitted_route.n; i++)
		if (strcmp(kw, cf->auto_submitted_route.v[i]) == 0)
			return 1;
	return 0;
}

/* Is the sender of the complaint the customer itself? */
static int
customer_sender(const struct conf *cf, const complaint_t *c,
    const struct policy_msg *m, const char *to)
{
	const char	*delims = cf->recipient_delimiter;

	if (m != NULL && m->mail_from != NULL &&
	    addr_same_mailbox(m->mail_from, to, delims))
		return 1;
	if (policy_header_has_addr(complaint_top_header(c, "From"), to,
	    delims))
		return 1;
	if (policy_header_has_addr(complaint_top_header(c, "Sender"), to,
	    delims))
		return 1;
	return 0;
}

/* Apply the policies to a decision. */
void
policy_apply(const struct policy *p, const complaint_t *c,
    const struct policy_msg *m, struct decision *d, int *spf_res)
{
	int	 res = POLICY_SPF_UNCHECKED;

	if (spf_res != NULL)
		*spf_res = POLICY_SPF_UNCHECKED;
	if (m != NULL && m->returned != NULL)
		str_copyn(d->returned, sizeof(d->returned), m->returned,
		    strlen(m->returned));
	if (d->action != ROUTE_ROUTE)
		return;
	if (m != NULL && m->returned != NULL) {
		decision_keep(d, "returned");
		return;
	}
	/*
	 * A map row naming the desk itself: the route would add the desk's
	 * address and then delete it, and the complaint could be left with
	 * no recipient.
	 */
	if (policy_is_abuse_rcpt(p->conf, d->to)) {
		decision_keep(d, "desk-address");
		return;
	}
	if (!policy_auto_submitted_ok(p->conf,
	    complaint_top_header(c, "Auto-Submitted"))) {
		decision_keep(d, "auto-submitted");
		return;
	}
	if (customer_sender(p->conf, c, m, d->to)) {
		decision_keep(d, "customer-sender");
		return;
	}
	if (p->spf != NULL && p->conf->spf_policy != SPF_POLICY_OFF &&
	    m != NULL) {
		res = m->client_addr != NULL ? spf_check(p->spf,
		    m->client_addr, m->helo, m->mail_from) : SPF_RES_NONE;
		if (spf_res != NULL)
			*spf_res = res;
		if (res == SPF_RES_FAIL) {
			decision_keep(d, "spf-fail");
			return;
		}
		if (p->conf->spf_policy == SPF_POLICY_REQUIRE_PASS &&
		    res != SPF_RES_PASS) {
			decision_keep(d, "spf-not-pass");
			return;
		}
	}
	if (p->ratelimit != NULL && m != NULL &&
	    ratelimit_hit(p->ratelimit, d->customer, m->now) == 0)
		decision_keep(d, "rate-limit");
}
