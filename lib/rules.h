/*
 * rules.h - the extraction rules: named PCRE2 patterns over the regions
 * of a complaint, with an evidence strength and optional conditions.
 * The language is documented in abuse-rules(5).
 *
 * A rules_t is immutable once loaded and may be shared by many threads;
 * matching uses per-message match data (see complaint.h).
 */
#ifndef ABUSE_RULES_H
#define ABUSE_RULES_H

#include <stddef.h>

typedef struct rules rules_t;

/* Evidence strengths, weakest first. */
enum strength {
	STRENGTH_WEAK = 1,
	STRENGTH_STRONG = 2,
	STRENGTH_AUTHORITATIVE = 3
};

/*
 * Load and compile the rules file at path.  On error returns NULL and
 * writes every problem found (up to a limit), one "FILE:LINE: message"
 * per line, into err (errlen bytes; may be NULL).
 */
rules_t	*rules_load(const char *path, char *err, size_t errlen);

/*
 * As rules_load(), then the provider's local rules at local (NULL:
 * none), which add to those of path: they may use its defines, and
 * their names must differ from its.  A local file that does not exist
 * adds nothing; one that cannot be read, or has an error, fails the
 * load as path would.  Neither file alone need have a keep rule, and
 * local need have no rule at all.
 */
rules_t	*rules_load_local(const char *path, const char *local, char *err,
	    size_t errlen);

/* Free a rules set; NULL is fine. */
void	 rules_free(rules_t *rules);

/* Number of rules, and the name of rule i (for counters). */
size_t	 rules_count(const rules_t *rules);
const char *rules_name(const rules_t *rules, size_t i);

/*
 * Tell the rules that domain (a registered domain, lowercase) is the
 * provider's own: the Received walk does not take a DNS name under it as
 * the reporter's word, since the provider names its customers' hosts
 * under its own domains.  Call before the rules are shared.  Returns 0,
 * or -1 when the list is full or domain too long.
 */
int	 rules_add_own_domain(rules_t *rules, const char *domain);

/*
 * KeepSenders: complaints from these senders always stay at the desk
 * (reason "held").  sender is an address (local@domain) or a domain,
 * which also names its subdomains; compared without regard to case.
 * Call before the rules are shared.  Returns 0, or -1 when sender is
 * empty or too long, the list is full (4096) or memory is short.
 */
int	 rules_add_keep_sender(rules_t *rules, const char *sender);

/* 1 when the bare address addr (NULL: none) is one of the KeepSenders,
 * else 0. */
int	 rules_keep_sender(const rules_t *rules, const char *addr);

/* Name the log, the header, the JSON and the counters give a complaint
 * held for its sender (the configuration key). */
#define RULES_KEEP_SENDERS_NAME	"KeepSenders"

/*
 * Roles: what part the address a rule reads plays in the incident.  Only
 * the offender's address routes: the source or attacker a report names,
 * the host that sent a spam (sender) in a spam report, the web site a
 * site report is about (site).  A victim's, a target's, the reporter's
 * own hosts and the sites a spam advertises never route and never keep.
 * An address in free text with no label (mention) is read as the
 * offender's, in the weakest class only.
 */
enum role {
	ROLE_OFFENDER = 1,	/* source, attacker, infringer */
	ROLE_SENDER,		/* the host that handed over a spam */
	ROLE_SITE,		/* a URL's host */
	ROLE_VICTIM,		/* victim, target, destination */
	ROLE_REPORTER,		/* the reporter's own hosts */
	ROLE_MENTION		/* an address with no label */
};

/* Marks: what a complaint is about, set by a rule that matches. */
#define RULE_MARK_SITE_REPORT	0x01	/* a report about a web site */

/* Name of a role ("offender", "sender", "site", "victim", "reporter",
 * "mention"; "none" out of range). */
const char *role_name(int role);

/*
 * The incident window: an incident time is bounded to [arrival - age,
 * arrival + 1 day], and an unknown one is looked up over all of it
 * (complaint.h).  age in seconds (MaxIncidentAge); the default is
 * RULES_MAX_AGE_DEFAULT.  Call before the rules are shared.
 */
#define RULES_MAX_AGE_DEFAULT	(180 * 86400)
void	 rules_set_max_incident_age(rules_t *rules, int64_t age);
int64_t	 rules_max_incident_age(const rules_t *rules);

/* Name of a strength ("weak", "strong", "authoritative"). */
const char *strength_name(int strength);

#endif
