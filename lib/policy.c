/*
 * policy.c - loop, abuse and forgery protections applied to a routing
 * decision; see policy.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "complaint.h"
#include "conf.h"
#include "policy.h"
#include "ratelimit.h"
#include "spf.h"

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
	if (d->action != ROUTE_ROUTE)
		return;
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
