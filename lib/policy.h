/*
 * policy.h - the protections applied to a routing decision before the
 * milter acts on it, shared by the milter and the dry run.
 *
 * route_decide() says which customer a complaint points at; the policies
 * may still turn a route into a keep (never the other way), each with its
 * own reason, in this order:
 *
 *	auto-submitted	 Auto-Submitted: is not one of AutoSubmittedRoute
 *			 (a reply to a routed complaint must not bounce back)
 *	customer-sender	 the envelope sender or a From: address is the
 *			 customer's own address (a loop)
 *	spf-fail	 SPF result fail (SPFPolicy route-unless-fail or
 *			 require-pass): a forged complaint
 *	spf-not-pass	 SPFPolicy require-pass and the result is not pass
 *			 (or the client address is not known)
 *	returned	 the message came for the return path (ReturnPath,
 *			 policy_return_rcpt()): an answer to a routed
 *			 complaint, never a complaint to route
 *	rate-limit	 the customer already got RateLimit complaints in
 *			 the period (only complaints that route are counted)
 *
 * A decision that is already a keep is left as it is; whatever the
 * action, d->returned receives the customer of m->returned.
 */
#ifndef ABUSE_POLICY_H
#define ABUSE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "complaint.h"
#include "conf.h"
#include "ratelimit.h"
#include "spf.h"

/* What the policies use, shared by all messages. */
struct policy {
	const struct conf *conf;	/* AutoSubmittedRoute, SPFPolicy */
	ratelimit_t	*ratelimit;	/* NULL: no rate limit */
	spf_t		*spf;		/* NULL: no SPF check */
};

/* What is known of one message beyond its content; NULL when unknown. */
struct policy_msg {
	const char	*returned;	/* it came for the return path: the
					   customer its tag names, "" when
					   untagged; NULL: it did not */
	const char	*mail_from;	/* envelope sender as received */
	const char	*helo;		/* HELO/EHLO name */
	const char	*client_addr;	/* SMTP client address, as text */
	int64_t		 now;		/* for the rate limit */
};

/* Result of the SPF check when none was made. */
#define POLICY_SPF_UNCHECKED	(-1)

/*
 * Apply the policies to d (see above).  c is the complaint d was decided
 * from.  When spf_res is not NULL it receives the SPF result (an enum
 * spf_res), or POLICY_SPF_UNCHECKED when no check was made.  Never fails.
 */
void	 policy_apply(const struct policy *p, const complaint_t *c,
	    const struct policy_msg *m, struct decision *d, int *spf_res);

/*
 * 1 when an Auto-Submitted: value (NULL: header absent) still allows
 * routing under cf's AutoSubmittedRoute, 0 when it does not.  The
 * keyword before any ';' or comment is compared without regard to case.
 */
int	 policy_auto_submitted_ok(const struct conf *cf, const char *value);

/*
 * 1 when the RCPT TO path rcpt reaches one of cf's AbuseRecipients as
 * Postfix delivers it (addr_same_mailbox: quotes, a source route, a
 * trailing dot, case and a RecipientDelimiter extension do not count).
 */
int	 policy_is_abuse_rcpt(const struct conf *cf, const char *rcpt);

/* 1 when a From:-like header value names the mailbox of addr among its
 * addresses (addr_same_mailbox with delims). */
int	 policy_header_has_addr(const char *value, const char *addr,
	    const char *delims);

/*
 * The envelope sender a complaint routed to customer leaves with, as an
 * SMTP path "<local@domain>" in out: conf_return_path(), with the
 * customer tag "local+CUSTOMER@domain" when RecipientDelimiter is set
 * and the customer ID is safe there (letters, digits, '.', '_', '-'
 * other than the delimiter; no '.' first, last or doubled; the local
 * part within 64 characters), else untagged.  Returns 1, 0 when the
 * reporter's sender stays (ReturnPath none), -1 when out is too small.
 */
int	 policy_return_path(const struct conf *cf, const char *customer,
	    char *out, size_t outsize);

/*
 * Is RCPT TO path rcpt the return path, and not one of AbuseRecipients?
 * Returns 1 with the customer its tag names in tag ("" when untagged, or
 * when the tag is not a safe customer ID), else 0.
 */
int	 policy_return_rcpt(const struct conf *cf, const char *rcpt,
	    char *tag, size_t tagsize);


#endif
