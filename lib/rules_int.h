/*
 * rules_int.h - the inside of a rules set, shared by the rules loader
 * (rules.c) and the evidence extractor (extract.c, received.c).  Not a
 * public interface: everything else uses rules.h.
 */
#ifndef ABUSE_RULES_INT_H
#define ABUSE_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules.h"

/* Regions, as a bit mask. */
#define RULE_REG_HEADER		0x01	/* named top-level header fields */
#define RULE_REG_REPORT		0x02	/* message/feedback-report fields */
#define RULE_REG_TEXT		0x04	/* inline text parts */
#define RULE_REG_ATTACH		0x08	/* attachments, archive members */
#define RULE_REG_EMB_HEADERS	0x10	/* embedded message's header block */
#define RULE_REG_EMB_TEXT	0x20	/* embedded message's text parts */
#define RULE_REG_RECEIVED	0x40	/* embedded Received hops (walked) */
#define RULE_REG_TABLE		0x80	/* rows of CSV/TSV/pipe tables */

/* What a keep rule may read: the complaint's own words. */
#define RULE_REG_KEEP	(RULE_REG_HEADER | RULE_REG_REPORT | RULE_REG_TEXT | \
			 RULE_REG_ATTACH)

#define RULE_NAME_MAX	64
#define RULE_LIST_MAX	32
#define RULE_GROUPS_MAX	8

struct rule {
	char		 name[RULE_NAME_MAX];
	int		 line;
	unsigned	 regions;
	char		*headers[RULE_LIST_MAX];	/* for RULE_REG_HEADER */
	size_t		 nheaders;
	char		*ctypes[RULE_LIST_MAX];		/* content-type globs */
	size_t		 nctypes;
	char		*rtypes[RULE_LIST_MAX];		/* if-report-type */
	size_t		 nrtypes;
	char		*domains[RULE_LIST_MAX];	/* if-sender-domain */
	size_t		 ndomains;
	int		 strength;	/* enum strength; 0: a time rule */
	int		 role;		/* enum role of what ip reads */
	unsigned	 marks;		/* RULE_MARK_* a match sets */
	int		 keep;		/* a keep rule: a match holds the
					   complaint at the desk */
	pcre2_code	*re;
	pcre2_code	*when;		/* if-match, or NULL */
	pcre2_code	*unless;	/* unless-match, or NULL */
	int		 g_ip[RULE_GROUPS_MAX];	/* group numbers (names may */
	int		 g_port[RULE_GROUPS_MAX];	/* repeat), 0: none */
	int		 g_time[RULE_GROUPS_MAX];
};

#define RULES_OWN_MAX	16	/* the provider's own domains kept */
#define RULES_DOM_MAX	128

struct rules {
	struct rule		*rule;
	size_t			 nrule;
	pcre2_match_context	*mctx;
	uint32_t		 max_groups;	/* most capture groups of a rule */
	size_t			 max_matches;	/* per rule and segment */
	char			 own[RULES_OWN_MAX][RULES_DOM_MAX];
	int			 nown;		/* the provider's domains */
	int64_t			 max_age;	/* MaxIncidentAge, seconds */
	char			**keep_senders;	/* KeepSenders, lowercase */
	size_t			 nkeep_senders;
};

/* One match of a rule: the spans of its ip, port and time groups
 * (NULL/0 when the group did not take part). */
struct rule_hit {
	const char	*ip, *port, *time;
	size_t		 iplen, portlen, timelen;
	size_t		 start;		/* offset of the match */
};

/* Called for every match; returns 0 to go on, 1 to stop, -1 on error. */
typedef int (*rule_hit_fn)(void *arg, const struct rule *r,
    const struct rule_hit *h);

/*
 * Run pattern re of rule r over s (len bytes), calling fn for each match
 * (at most rules->max_matches).  md must have room for the groups (see
 * max_groups).  Returns the number of matches given to fn, or
 * max_matches + 1 when s holds more matches than that (the ones past the
 * cap are not given), or -1 when PCRE2 failed (match or depth limit, or
 * another error: *err gets the PCRE2 code).
 */
int	 rules_exec(const rules_t *rules, const struct rule *r,
	    pcre2_match_data *md, const char *s, size_t len,
	    rule_hit_fn fn, void *arg, int *err);

/* Does re match anywhere in s?  1 yes, 0 no, -1 error. */
int	 rules_test(const rules_t *rules, const pcre2_code *re,
	    pcre2_match_data *md, const char *s, size_t len);

/* Does content type ct (lowercase) match one of the rule's globs (or
 * has the rule none)? */
int	 rules_ctype_ok(const struct rule *r, const char *ct);

/* Name of the region bit reg ("report", "text", ...). */
const char *rules_region_name(unsigned reg);

#endif
