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
 * own to write.
 *
 * A hop's client is what the receiving MTA recorded, never the client's
 * HELO/EHLO argument.  The "from" part is cut into its lead (the first
 * word: the HELO name for most MTAs) and the words and parenthesised
 * groups after it; the family, told by the by part's marker ("(Postfix",
 * "Microsoft SMTP", "(Exim ", "(Haraka", "(OpenSMTPD", "amavis", a
 * Sendmail version, google.com, yahoo.com) or else by the shape ("helo="
 * is Exim, "may be forged" Sendmail, a "(HELO x)" group qmail), names the
 * field:
 *   Postfix, Sendmail, OpenSMTPD, Haraka, Gmail, amavis: the literal in
 *	the last group, "helo (name [addr])", "(user@name [addr] (may be
 *	forged))", "(name. [addr])"; Sendmail without HELO "name [addr]"
 *	or "[addr] (may be forged)".
 *   Exim: the literal opening the first group, "name ([addr]:port
 *	helo=x)", else the lead, "[addr]:port (helo=x)"; never a helo= value.
 *   Exchange, Microsoft 365, qmail, Yahoo: the last group that is all an
 *	address, "helo (addr)", "remotehost (HELO x) (info@addr)",
 *	"127.0.0.1 (EHLO x) (addr)"; never a "(HELO ...)" group.
 *   unknown: a literal after a name in a group, else an address group,
 *	else the lead when nothing follows it ("from 192.0.2.1 by ...").
 * The rules of region "received" (in file order) read the address and
 * port from that field alone; a loopback or reserved address, or no
 * field, leaves the hop without one (and so internal).
 *
 * A hop is an authenticated submission when the protocol of its "with"
 * clause (after "by", at parenthesis depth 0) is one of RFC 3848's
 * (ESMTPA, ESMTPSA, LMTPA, ... and the UTF8 forms) or "authenticated";
 * nowhere else.  Its client, the submitter, is never taken: when it is
 * the hand-off, the hand-off is the hop above when that hop's client is
 * this hop's by host (the submission server), and otherwise there is
 * none.  A hop whose client is the by host of a hop above it (same name,
 * or same address where the by part gives one: "by host (addr)"), or
 * whose client received mail below from such a host (a loop through an
 * outside filter), is the reporter's; matched by address or by a name the
 * MTA found in the DNS it is vouched for, else contested.  The hand-off
 * is never also a contested hop.
 */
#ifndef ABUSE_RECEIVED_H
#define ABUSE_RECEIVED_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "rules_int.h"

#define RECEIVED_HOPS_MAX	100	/* hops read; the rest are ignored */
#define RECEIVED_CONTEST_MAX 8	/* contested hops reported */

/* The MTA families whose grammar the walk knows (see above). */
enum received_family {
	RECEIVED_UNKNOWN,
	RECEIVED_POSTFIX,
	RECEIVED_SENDMAIL,
	RECEIVED_EXIM,
	RECEIVED_EXCHANGE,		/* and Microsoft 365 */
	RECEIVED_QMAIL,
	RECEIVED_GMAIL,
	RECEIVED_YAHOO,
	RECEIVED_OPENSMTPD,
	RECEIVED_HARAKA,
	RECEIVED_AMAVIS
};

/* A hop above the hand-off that was not vouched for (see received_walk). */
struct received_contest {
	int			 hop;		/* 0 is the top hop */
	struct ipaddr		 ip;
	int			 port;
	int64_t			 time;
	int			 has_time;
	const struct rule	*rule;
};

struct received_result {
	struct ipaddr		 ip;
	int			 port;		/* -1 if none */
	int64_t			 time;		/* the hop's stamp */
	int			 has_time;
	const struct rule	*rule;		/* the rule that read the ip */
	int			 hop;		/* 0 is the top hop */
	int			 family;	/* enum received_family of hop */
	int			 nhops;
	struct received_contest	 contested[RECEIVED_CONTEST_MAX];
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
int	 received_walk(const rules_t *rs, const unsigned char *enabled,
	    pcre2_match_data *md, const char *hdrs, size_t len,
	    const char *sender_domain, struct received_result *out);

/* Name of family ("postfix", "exim", ...; "unknown"), static. */
const char *received_family_name(int family);

/* Write the registered domain of host (lowercase; "" for none) into out
 * (size bytes). */
void	 received_domain(const char *host, size_t len, char *out, size_t size);

#endif
