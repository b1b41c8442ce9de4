/*
 * complaint.h - read one complaint and decide where it goes.
 *
 * The one code path shared by the milter and the dry run:
 *
 *	complaint_t *c = complaint_new(scan_limit);
 *	complaint_header(c, name, value);	   (each top-level header)
 *	complaint_body(c, chunk, len);		   (each body chunk)
 *	   -- or complaint_raw(c, data, len) for a whole message from a file
 *	route_decide(rules, map, c, arrival, &d);
 *	... d.action, d.reason, d.to ...
 *	decision_clear(&d);
 *	complaint_free(c);
 *
 * Memory is bounded: bytes past scan_limit are ignored (never an error),
 * and so is what passes a cap of the MIME reader (mime.h); both are
 * counted (complaint_cuts()), and a decision that could be changed by
 * what was left out keeps the complaint ("truncated").
 * A complaint_t belongs to one thread at a time; rules_t and ipmap_t are
 * shared.  The decision is a pure function of the message, the rules,
 * the map and the arrival time.
 */
#ifndef ABUSE_COMPLAINT_H
#define ABUSE_COMPLAINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "mime.h"
#include "rules.h"

typedef struct complaint complaint_t;

/* A new empty complaint that reads at most scan_limit bytes; NULL: ENOMEM. */
complaint_t *complaint_new(size_t scan_limit);
void	 complaint_free(complaint_t *c);

/* Say what the envelope sender (MAIL FROM, as received) was: the
 * decision reads it to know a bounce (the null reverse-path).  NULL
 * forgets it.  Returns 0, or -1 on ENOMEM. */
int	 complaint_envelope(complaint_t *c, const char *mail_from);

/* Add one top-level header field (value unfolded or not, without CRLF).
 * Returns 0, or -1 on an internal error (ENOMEM). */
int	 complaint_header(complaint_t *c, const char *name, const char *value);
/* Add a chunk of the body (after all headers). Returns 0 or -1. */
int	 complaint_body(complaint_t *c, const void *p, size_t len);
/* Add a chunk of a whole raw message (headers, blank line, body), as read
 * from a file; may be called repeatedly.  Returns 0 or -1. */
int	 complaint_raw(complaint_t *c, const void *p, size_t len);

/* First value of top-level header name (case-insensitive), NULL if none.
 * Valid until complaint_free(). */
const char *complaint_top_header(const complaint_t *c, const char *name);

/*
 * What reading a complaint left out: the bytes past the scan limit, and
 * per cap of the MIME reader (enum mime_cap) how many times it dropped
 * or cut a piece of the complaint.  Top-level header fields past the
 * complaint's own cap (2000) count under MIME_CAP_FIELDS.
 */
struct complaint_cuts {
	size_t	 ignored;		/* bytes past the scan limit */
	size_t	 dropped[MIME_CAP_COUNT];	/* per MIME cap */
};

/*
 * Fill cuts with what reading c left out so far: the MIME caps are known
 * once route_decide() has read the complaint's structure.  Returns 1
 * when anything was left out, 0 when c was read whole.
 */
int	 complaint_cuts(const complaint_t *c, struct complaint_cuts *cuts);

enum route_action {
	ROUTE_KEEP = 0,
	ROUTE_ROUTE = 1
};

/* One IP found by a rule, with what the map said of it. */
struct candidate {
	struct ipaddr	ip;
	int		port;		/* -1 if none */
	int64_t		time;		/* incident time used for the lookup */
	int64_t		time_lo, time_hi;	/* the time it reads
					   (INT64_MIN: none), then the
					   window looked over */
	int		uncertain;	/* several holders (or none at some
					   instant) over the window */
	const char	*rule;		/* rule name (owned by the rules_t) */
	const char	*region;	/* region name (static) */
	int		strength;	/* enum strength */
	int		role;		/* enum role (rules.h) */
	size_t		pos;		/* order of discovery */
	int		status;		/* enum ipmap_status of the lookup */
	struct ipmap_result res;	/* valid when status == IPMAP_FOUND */
	int		transport;	/* never routes, may keep
					   (decide.c): CAND_TRANSPORT, read
					   from a forwarded complaint's own
					   header block or a contested hop;
					   CAND_CARRIED, from the text of a
					   message the complaint carries */
	int		defers;		/* keeps only when as strong as the
					   deciding class (transport hops,
					   the reported message's sender);
					   else any non-weak one keeps */
};

#define CAND_TRANSPORT	1
#define CAND_CARRIED	2

struct decision {
	int		action;		/* enum route_action */
	const char	*reason;	/* static string, see abuse-milter(8) */
	char		customer[IPMAP_CUSTOMER_MAX];	/* "" if none */
	char		to[IPMAP_ADDRESS_MAX];		/* "" if none */
	int		has_ip;
	struct ipaddr	ip;		/* the deciding IP when has_ip */
	int		port;		/* -1 if none */
	int64_t		time;		/* incident time */
	char		rule[64];	/* deciding rule, "" if none */
	uint64_t	map_serial;
	struct complaint_cuts cuts;	/* what reading it left out */
	int		kind;		/* enum msg_kind (kind.h) */
	int		site_report;	/* a report about a web site: its
					   URL hosts are the offender */
	const char	*kind_why;	/* its signal (static), "" */
	char		returned[IPMAP_CUSTOMER_MAX];	/* it came for the
					   return path: the customer its
					   tag names (policy.h), "" */
	const char	*held;		/* the keep rule that held it (or
					   RULES_KEEP_SENDERS_NAME), owned
					   by the rules; NULL: none */
	struct candidate *cand;		/* every candidate, in order */
	size_t		ncand;
};

/*
 * Decide: extract candidates with the rules, look them up in the map at
 * the incident time (arrival when the complaint gives none), and fill d.
 * Never fails: any internal problem yields ROUTE_KEEP with its reason
 * ("map-error", "internal-error").  Reasons: "route", "no-ip",
 * "unknown-ip", "ambiguous", "multi-customer", "too-many-ips" (more
 * addresses of the deciding strength than are kept, so another customer
 * could hide among them), "held" (a keep rule matched, or the sender is
 * one of the KeepSenders: d->rule names which, and nothing the evidence
 * says outweighs it), "truncated" (part of the complaint was left
 * out, past the scan limit or by a MIME cap, and its evidence is not
 * authoritative), "map-error", "internal-error".  d->cuts says what was
 * left out.
 */
void	 route_decide(const rules_t *rules, ipmap_t *map, complaint_t *c,
	    int64_t arrival, struct decision *d);

/* Turn d into a keep with the given (static) reason, keeping the IP facts. */
void	 decision_keep(struct decision *d, const char *reason);

/* Free what route_decide allocated in d. */
void	 decision_clear(struct decision *d);

/*
 * Append d as one JSON object (no newline) to out: file, action, reason,
 * customer, to, ip, port, time, rule, map_serial, candidates (each with
 * ip, port, rule, region, strength, customer or null), dropped (what
 * reading the complaint left out: "scan_bytes", the bytes past the scan
 * limit, and per MIME cap by its name the times it dropped something;
 * only what is not 0, {} when the complaint was read whole).  Returns 0
 * or -1.
 */
int	 decision_json(const struct decision *d, const char *file, buf_t *out);

/*
 * Write what reading the complaint of d left out as one word for a log
 * line into out (size bytes): "scan_bytes:N,segments:N,..." with the
 * counts that are not 0, or "-" when the complaint was read whole.
 * Returns 0, or -1 when out is too small (out then holds as much of "?"
 * as fits).
 */
int	 decision_dropped_text(const struct decision *d, char *out,
	    size_t size);

#endif
