/*
 * received.h - walk the Received chain of an embedded (reported)
 * message to the hop where the mail entered the reporter's system.
 *
 * The hops are read top-down (the reporter's own hops are on top).  The
 * reporter's domains start with the domain of the top hop's "by" host
 * and the complaint's sender domain; a hop whose client is local (no
 * address, loopback) or named in the reporter's domains (directly, or
 * as a host that itself received mail from the reporter further down)
 * is internal, and its client's domain joins the reporter's.  The first
 * hop that is not internal is the hand-off: its client address is the
 * sender.  When every hop looks internal, the bottom-most hop with an
 * address is taken.  A hop taken for internal although the receiving MTA
 * did not vouch for it (no name it found in the DNS, "(name [address])",
 * is in the reporter's domains: the client's HELO name, say, which the
 * client chooses) is reported as contested: a sender naming itself after
 * the reporter would otherwise be skipped, and the hops below it are its
 * own to write.  Addresses are read from the hop's "from" part with
 * the rules of region "received", in the order of the rules file.
 */
#ifndef ABUSE_RECEIVED_H
#define ABUSE_RECEIVED_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "rules_int.h"

#define RECV_HOPS_MAX	100	/* hops read; the rest are ignored */
#define RECV_CONTEST_MAX 8	/* contested hops reported */

/* The MTA families whose grammar the walk knows (see above). */
enum recv_family {
	RECV_UNKNOWN,
	RECV_POSTFIX,
	RECV_SENDMAIL,
	RECV_EXIM,
	RECV_EXCHANGE,		/* and Microsoft 365 */
	RECV_QMAIL,
	RECV_GMAIL,
	RECV_YAHOO,
	RECV_OPENSMTPD,
	RECV_HARAKA,
	RECV_AMAVIS
};

/* A hop above the hand-off that was not vouched for (see recv_walk). */
struct recv_contest {
	int			 hop;		/* 0 is the top hop */
	struct ipaddr		 ip;
	int			 port;
	int64_t			 time;
	int			 has_time;
	const struct rule	*rule;
};

struct recv_result {
	struct ipaddr		 ip;
	int			 port;		/* -1 if none */
	int64_t			 time;		/* the hop's stamp */
	int			 has_time;
	const struct rule	*rule;		/* the rule that read the ip */
	int			 hop;		/* 0 is the top hop */
	int			 family;	/* enum recv_family */
	int			 nhops;
	struct recv_contest	 contested[RECV_CONTEST_MAX];
	int			 ncontested;
};

/*
 * Walk the Received fields in hdrs (an embedded header block, one
 * unfolded "Name: value" field per line).  enabled[i] says whether rule
 * i of rs may be used (its conditions hold).  sender_domain is the
 * complaint's From domain ("" if none).  Returns 1 with out filled when
 * a hand-off hop with an address was found, 0 when none, -1 when PCRE2
 * failed (limits).
 */
int	 recv_walk(const rules_t *rs, const unsigned char *enabled,
	    pcre2_match_data *md, const char *hdrs, size_t len,
	    const char *sender_domain, struct recv_result *out);

/* Name of family ("postfix", "exim", ...; "unknown"), static. */
const char *recv_family_name(int family);

/* Write the registered domain of host (lowercase; "" for none) into out
 * (size bytes). */
void	 recv_domain(const char *host, size_t len, char *out, size_t size);

#endif
