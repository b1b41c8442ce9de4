/*
 * extract.h - run the rules over the regions of a read complaint and
 * collect the candidate IPs (with port, time, rule, region, strength)
 * and the incident time.
 *
 * Used by route_decide() (decide.c); the milter and the dry run never
 * call it directly.  Tables (CSV, TSV, ';' or '|' separated, with a
 * header row) found in text parts and attachments are turned into
 * records of "column: value" lines, one blank line between rows, for the
 * rules of region "table".
 */
#ifndef ABUSE_EXTRACT_H
#define ABUSE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "complaint.h"
#include "mime.h"
#include "rules_int.h"

#define EXTRACT_CAND_MAX	256	/* candidates kept per complaint */
#define EXTRACT_TABLE_MAX	(4 * 1024 * 1024)	/* record bytes */

struct extract_in {
	const struct mime_field	*hdr;	/* top-level header fields */
	size_t			 nhdr;
	const mime_t		*mime;
	pcre2_match_data	*md;	/* room for rules->max_groups */
	const char		*mail_from;	/* envelope sender, NULL
						   unknown */
	int64_t			 arrival;	/* the year a date leaves
						   out comes from it */
};

struct extract_out {
	struct candidate	*cand;	/* malloc'd, ncand of them */
	size_t			 ncand;
	int64_t			 incident;	/* when has_incident: the
						   span [incident,
						   incident_hi] it may mean */
	int64_t			 incident_hi;
	int			 has_incident;
	const char		*incident_rule;
	size_t			 errors;	/* PCRE2 failures (limits) */
	int			 nomem;
	int			 site_report;	/* a marks site-report rule
						   matched */
	const char		*held;		/* the first keep rule that
						   matched (its name, owned
						   by the rules), NULL */
	int			 unreadable;	/* strength of the strongest
						   address-like token that
						   could not be read; 0:
						   none */
	int			 dropped;	/* strength of the strongest
						   evidence left out by a cap:
						   a candidate past
						   EXTRACT_CAND_MAX, matches of
						   a rule past max_matches,
						   table rows past
						   EXTRACT_TABLE_MAX; 0: none */
};

/*
 * Collect the evidence of a complaint into out (zeroed by the caller).
 * Candidates come in order of discovery; an address found again with
 * the same strength and port is kept once.  Reserved addresses
 * (loopback, link-local, ...) are never candidates.  Returns 0, or -1
 * when out of memory (what was found is kept).
 */
int	 extract_evidence(const rules_t *rules, const struct extract_in *in,
	    struct extract_out *out);

/* Free what extract_evidence allocated. */
void	 extract_clear(struct extract_out *out);

/*
 * Turn the tables in s into records appended to b; returns the number
 * of rows written.  Exposed for the tests.
 */
size_t	 extract_tables(const char *s, size_t len, buf_t *b);

/* The domain of the first address in a From field value, lowercased,
 * into out ("" if none). */
void	 extract_from_domain(const char *v, char *out, size_t size);

#endif
