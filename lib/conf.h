/*
 * conf.h - the abuse-milter configuration file, abuse-milter.conf(5).
 *
 * The file holds "Key value" lines; '#' starts a comment (at the start of
 * a line or after white space); key names are case-insensitive.  Every
 * key is declared once, in a table in conf.c, with its type, default
 * and a one-line description; the parser, the defaults, `abuse-milter -n`
 * and the tests that keep the manual page and the sample file honest all
 * read that table.
 *
 *	struct conf *cf;
 *	char err[2048];
 *
 *	if ((cf = conf_load(path, err, sizeof(err))) == NULL)
 *		fprintf(stderr, "%s", err);	   ("FILE:LINE: message" lines)
 *	... cf->abuse_recipients.v[i] ...
 *	conf_free(cf);
 *
 * A struct conf is never changed after it is loaded, so many threads may
 * read it at once.
 */
#ifndef ABUSE_CONF_H
#define ABUSE_CONF_H

#include <stddef.h>
#include <stdint.h>

/* SPFPolicy values. */
enum spf_policy {
	SPF_POLICY_OFF = 0,
	SPF_POLICY_ROUTE_UNLESS_FAIL = 1,
	SPF_POLICY_REQUIRE_PASS = 2
};

/* A list value: words separated by commas and/or white space. */
struct conf_list {
	size_t	  n;
	char	**v;		/* n strings, then NULL */
};

struct conf {
	char		*path;		/* file read, "" for defaults only */
	char		*socket;	/* Socket */
	char		*user_id;	/* UserID, NULL if none */
	int		 umask;		/* UMask */
	char		*pid_file;	/* PidFile, NULL if none */
	int		 syslog;	/* Syslog (bool) */
	int		 syslog_facility; /* SyslogFacility (LOG_*) */
	int		 log_level;	/* LogLevel (enum log_level) */
	struct conf_list abuse_recipients; /* AbuseRecipients */
	char		*map_directory;	/* MapDirectory */
	char		*rules_file;	/* RulesFile */
	char		*keep_copy;	/* KeepCopy, NULL if none */
	char		*recipient_delimiter; /* RecipientDelimiter: the
					   characters, or NULL for none;
					   the first tags the return path */
	int		 spf_policy;	/* SPFPolicy (enum spf_policy) */
	int		 spf_timeout;	/* SPFTimeout, seconds per DNS query */
	unsigned	 rate_limit;	/* RateLimit N, 0: no limit */
	int64_t		 rate_period;	/* RateLimit PERIOD, seconds */
	size_t		 max_scan_bytes; /* MaxScanBytes */
	char		*stats_file;	/* StatsFile, NULL if none */
	int		 stats_interval; /* StatsInterval, seconds */
	int		 max_incident_age; /* MaxIncidentAge, days */
	struct conf_list auto_submitted_route; /* AutoSubmittedRoute */
	struct conf_list keep_senders;	/* KeepSenders, lowercase */
	char		*local_rules_file; /* LocalRulesFile, NULL if none */
	char		*return_path;	/* ReturnPath: "desk", an address,
					   NULL for none (conf_return_path) */
};

/* The characters RecipientDelimiter may be. */
#define CONF_DELIMITERS	"+-=_"

/*
 * A configuration holding every default.  Returns NULL when out of
 * memory.
 */
struct conf *conf_defaults(void);

/*
 * Read the file at path over the defaults.  Returns the configuration,
 * or NULL and one "FILE:LINE: message" line per problem found (or
 * "FILE: message" when the file cannot be read) in err, which is always
 * NUL-terminated when errlen > 0.  Unknown keys, keys given twice, bad
 * values and over-long lines are errors.
 */
struct conf *conf_load(const char *path, char *err, size_t errlen);

/*
 * Set one key from its text value, as the parser does.  Returns 0, or -1
 * with a short message (no file or line) in why: unknown key, bad value,
 * out of memory.
 */
int	 conf_set(struct conf *cf, const char *key, const char *value,
	    char *why, size_t whylen);

/* Free a configuration; NULL is fine. */
void	 conf_free(struct conf *cf);

/*
 * The declared keys, for documentation and tests: the number of keys,
 * and the name, default value text and one-line description of key i
 * (static strings).
 */
size_t	 conf_nkeys(void);
const char *conf_key_name(size_t i);
const char *conf_key_default(size_t i);
const char *conf_key_doc(size_t i);

/*
 * The envelope sender a routed complaint gets: the ReturnPath address,
 * the first AbuseRecipients address for "desk", or NULL when the
 * reporter's is kept (none, or no AbuseRecipients).  Owned by cf.
 */
const char *conf_return_path(const struct conf *cf);

/* Name of an SPFPolicy value ("off", ...). */
const char *conf_spf_policy_name(int policy);

/*
 * Parse a RateLimit value "N/PERIOD" (PERIOD: seconds, or a count with
 * unit s, m, h or d, the count defaulting to 1: "20/h", "100/30m",
 * "5/3600"), or "none"/"0" for no limit (n = 0).  Returns 0 or -1.
 */
int	 conf_parse_rate(const char *s, unsigned *n, int64_t *period);

/*
 * Parse a Socket value: "inet:PORT@HOST", "inet:PORT", "inet6:PORT@HOST",
 * "local:/path", "unix:/path" or "/path".  Returns 0 or -1 with a static
 * message in *why.
 */
int	 conf_check_socket(const char *s, const char **why);

#endif
