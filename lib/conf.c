/*
 * conf.c - the configuration file parser; see conf.h and
 * abuse-milter.conf(5).
 *
 * One table declares every key: its name, value type, where the value
 * goes in struct conf, the default as text (parsed by the same code as
 * the file, so a default can never be a value the file would refuse)
 * and a one-line description.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "conf.h"
#include "log.h"
#include "str.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/abuse-milter"
#endif

#define CONF_LINE_MAX	4096	/* longest line accepted */
#define CONF_ERRORS_MAX	20	/* problems reported before giving up */

enum conf_type {
	T_OPTSTRING,		/* text, or "none" for NULL */
	T_DELIMS,		/* recipient_delimiter characters, or "none" */
	T_PATH,			/* an absolute path */
	T_OPTPATH,		/* an absolute path, or "none" */
	T_SOCKET,		/* a milter socket */
	T_BOOL,			/* yes/no */
	T_SECONDS,		/* a positive number of seconds */
	T_DAYS,			/* a positive number of days */
	T_OCTAL,		/* a file mode mask */
	T_SIZE,			/* bytes, with k/M/G suffixes */
	T_FACILITY,		/* a syslog facility */
	T_LEVEL,		/* a log level */
	T_ADDRESS,		/* one mail address, or "none" */
	T_ADDRLIST,		/* mail addresses */
	T_WORDLIST,		/* words, lowercased */
	T_SENDERLIST,		/* addresses and domains, lowercased */
	T_RETURNPATH,		/* desk, none, or one mail address */
	T_SPFPOLICY,		/* off, route-unless-fail, require-pass */
	T_RATE			/* N/PERIOD or none */
};

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	const char	*def;
	const char	*doc;
};

#define OFF(f)	offsetof(struct conf, f)

static const struct conf_key keys[] = {
	{ "Socket", T_SOCKET, OFF(socket), "local:/var/spool/postfix/abuse-milter/abuse-milter.sock",
	  "where to listen: inet:PORT@HOST, inet6:PORT@HOST or local:/path" },
	{ "UserID", T_OPTSTRING, OFF(user_id), "none",
	  "USER[:GROUP] to run as after opening the socket" },
	{ "UMask", T_OCTAL, OFF(umask), "007",
	  "file mode mask for the socket, PID and statistics files" },
	{ "PidFile", T_OPTPATH, OFF(pid_file), "none",
	  "file to write the process ID to" },
	{ "Syslog", T_BOOL, OFF(syslog), "yes",
	  "log to syslog (yes) or to standard error (no)" },
	{ "SyslogFacility", T_FACILITY, OFF(syslog_facility), "mail",
	  "syslog facility" },
	{ "LogLevel", T_LEVEL, OFF(log_level), "notice",
	  "least important messages logged: error, warning, notice, info, "
	  "debug" },
	{ "AbuseRecipients", T_ADDRLIST, OFF(abuse_recipients), "",
	  "the abuse desk mailboxes whose copies are routed" },
	{ "MapDirectory", T_PATH, OFF(map_directory),
	  LOCALSTATEDIR "/lib/abuse-milter/map",
	  "directory of the IP map built by abuse-map load" },
	{ "RulesFile", T_PATH, OFF(rules_file), PKGDATADIR "/abuse.rules",
	  "extraction rules, see abuse-rules(5)" },
	{ "RecipientDelimiter", T_DELIMS, OFF(recipient_delimiter), "+",
	  "Postfix's recipient_delimiter: abuse+tag@ is the desk's abuse@, "
	  "and the return path names the customer (local+CUSTOMER@domain)" },
	{ "KeepCopy", T_ADDRESS, OFF(keep_copy), "none",
	  "address that also receives every routed complaint" },
	{ "SPFPolicy", T_SPFPOLICY, OFF(spf_policy), "route-unless-fail",
	  "off, route-unless-fail or require-pass" },
	{ "SPFTimeout", T_SECONDS, OFF(spf_timeout), "2",
	  "seconds to wait for each SPF DNS query" },
	{ "RateLimit", T_RATE, OFF(rate_limit), "100/1h",
	  "most complaints routed to one customer per period, or none" },
	{ "MaxScanBytes", T_SIZE, OFF(max_scan_bytes), "4M",
	  "bytes of each complaint read; the rest is ignored" },
	{ "MaxIncidentAge", T_DAYS, OFF(max_incident_age), "180",
	  "days before arrival an incident time may lie; older times count "
	  "as that many days, and an unknown time is looked up over them" },
	{ "StatsFile", T_OPTPATH, OFF(stats_file), "none",
	  "file the counters are written to, Prometheus text format" },
	{ "StatsInterval", T_SECONDS, OFF(stats_interval), "60",
	  "seconds between two writes of StatsFile" },
	{ "AutoSubmittedRoute", T_WORDLIST, OFF(auto_submitted_route),
	  "no, auto-generated",
	  "Auto-Submitted values that may still be routed" },
	{ "KeepSenders", T_SENDERLIST, OFF(keep_senders), "",
	  "sender addresses and domains (envelope sender or From:) whose "
	  "complaints always stay at the desk" },
	{ "LocalRulesFile", T_OPTPATH, OFF(local_rules_file), "none",
	  "the provider's own rules, added to RulesFile; a missing file adds "
	  "none" },
	{ "ReturnPath", T_RETURNPATH, OFF(return_path), "desk",
	  "envelope sender of a routed complaint: desk (the first "
	  "AbuseRecipients address), an address, or none (the reporter's)" },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const char *spf_policy_names[] = {
	"off", "route-unless-fail", "require-pass"
};

/* Number of declared keys. */
size_t
conf_nkeys(void)
{
	return NKEYS;
}

/* Name of key i. */
const char *
conf_key_name(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

/* Default of key i, as text. */
const char *
conf_key_default(size_t i)
{
	return i < NKEYS ? keys[i].def : NULL;
}

/* Description of key i. */
const char *
conf_key_doc(size_t i)
{
	return i < NKEYS ? keys[i].doc : NULL;
}

/* Name of an SPF policy. */
const char *
conf_spf_policy_name(int policy)
{
	if (policy < 0 || policy > SPF_POLICY_REQUIRE_PASS)
		return "?";
	return spf_policy_names[policy];
}

/* The return path of a routed complaint; see conf.h. */
const char *
conf_return_path(const struct conf *cf)
{
	if (cf->return_path == NULL)
		return NULL;
	if (strcasecmp(cf->return_path, "desk") != 0)
		return cf->return_path;
	return cf->abuse_recipients.n > 0 ? cf->abuse_recipients.v[0] : NULL;
}

/* Write a message into why; returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	if (why == NULL || whylen == 0)
		return -1;
	va_start(ap, fmt);
	if (vsnprintf(why, whylen, fmt, ap) >= (int)whylen && whylen > 4)
		memcpy(why + whylen - 4, "...", 4);
	va_end(ap);
	return -1;
}

/* Free a list's strings. */
static void
list_clear(struct conf_list *l)
{
	size_t	 i;

	if (l->v != NULL)
		for (i = 0; i < l->n; i++)
			free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Parse a non-negative decimal number no larger than max. */
static int
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Seconds in a period unit, 0 if unknown. */
static int64_t
unit_seconds(const char *u)
{
	if (strcasecmp(u, "s") == 0 || strcasecmp(u, "sec") == 0)
		return 1;
	if (strcasecmp(u, "m") == 0 || strcasecmp(u, "min") == 0)
		return 60;
	if (strcasecmp(u, "h") == 0 || strcasecmp(u, "hour") == 0)
		return 3600;
	if (strcasecmp(u, "d") == 0 || strcasecmp(u, "day") == 0)
		return 86400;
	return 0;
}

/* Parse "N/PERIOD" or "none". */
int
conf_parse_rate(const char *s, unsigned *n, int64_t *period)
{
	char		 num[32], per[32];
	const char	*slash;
	unsigned long	 count, mult = 1;
	size_t		 i, len;
	int64_t		 unit = 1;

	if (strcasecmp(s, "none") == 0 || strcmp(s, "0") == 0) {
		*n = 0;
		*period = 0;
		return 0;
	}
	if ((slash = strchr(s, '/')) == NULL)
		return -1;
	len = (size_t)(slash - s);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_ulong(num, 1000000, &count) == -1 || count == 0)
		return -1;
	if (snprintf(per, sizeof(per), "%s", slash + 1) >= (int)sizeof(per))
		return -1;
	for (i = 0; isdigit((unsigned char)per[i]); i++)
		;
	if (per[i] != '\0') {
		if ((unit = unit_seconds(per + i)) == 0)
			return -1;
		per[i] = '\0';
	}
	if (i > 0 && parse_ulong(per, 366UL * 86400, &mult) == -1)
		return -1;
	if (i == 0 && unit == 1)
		return -1;		/* "N/" */
	if (mult == 0 || (int64_t)mult * unit > 366LL * 86400)
		return -1;
	*n = (unsigned)count;
	*period = (int64_t)mult * unit;
	return 0;
}

/* Check a milter socket specification. */
int
conf_check_socket(const char *s, const char **why)
{
	const char	*p, *at;
	unsigned long	 port;
	char		 num[16];
	size_t		 len;

	if (strncasecmp(s, "local:", 6) == 0 || strncasecmp(s, "unix:", 5) == 0) {
		p = strchr(s, ':') + 1;
		if (*p != '/') {
			*why = "a local socket needs an absolute path";
			return -1;
		}
		if (strlen(p) >= 100) {
			*why = "socket path too long";
			return -1;
		}
		return 0;
	}
	if (*s == '/')
		return 0;
	if (strncasecmp(s, "inet:", 5) == 0)
		p = s + 5;
	else if (strncasecmp(s, "inet6:", 6) == 0)
		p = s + 6;
	else {
		*why = "expected inet:PORT@HOST, inet6:PORT@HOST or local:/path";
		return -1;
	}
	at = strchr(p, '@');
	len = at != NULL ? (size_t)(at - p) : strlen(p);
	if (len == 0 || len >= sizeof(num)) {
		*why = "bad port";
		return -1;
	}
	memcpy(num, p, len);
	num[len] = '\0';
	if (parse_ulong(num, 65535, &port) == -1 || port == 0) {
		*why = "bad port";
		return -1;
	}
	if (at != NULL && at[1] == '\0') {
		*why = "empty host after '@'";
		return -1;
	}
	return 0;
}

/* Check that s looks like a domain name (a.b, letters, digits, '-'). */
static int
domain_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n >= 254 || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.' || strchr(s, '.') == NULL || strstr(s, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* Is word w (len bytes) fit for a list of type t?  NULL, or why not. */
static const char *
word_check(enum conf_type t, const char *w, size_t len)
{
	const char	*why;

	switch (t) {
	case T_ADDRLIST:
		return addr_check(w, len);
	case T_SENDERLIST:
		if ((why = addr_check(w, len)) == NULL || domain_ok(w))
			return NULL;
		return strchr(w, '@') != NULL ? why : "not a domain";
	default:
		return NULL;
	}
}

/* Split a list value into l; lower-cases when fold is set. */
static int
parse_list(const char *value, struct conf_list *l, int fold,
    enum conf_type type, char *why, size_t whylen)
{
	struct conf_list nl = { 0, NULL };
	const char	*p = value, *start, *msg;
	char		**nv, *w, safe[80];
	size_t		 len, i;

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		len = (size_t)(p - start);
		if ((w = strndup(start, len)) == NULL)
			goto nomem;
		if (fold)
			for (i = 0; i < len; i++)
				w[i] = (char)tolower((unsigned char)w[i]);
		if ((msg = word_check(type, w, len)) != NULL) {
			fail(why, whylen, "bad %s \"%s\": %s", type == T_ADDRLIST ?
			    "address" : "address or domain",
			    str_sanitize(w, len, safe, sizeof(safe)), msg);
			free(w);
			list_clear(&nl);
			return -1;
		}
		if ((nv = reallocarray(nl.v, nl.n + 2, sizeof(*nv))) == NULL) {
			free(w);
			goto nomem;
		}
		nl.v = nv;
		nl.v[nl.n++] = w;
		nl.v[nl.n] = NULL;
	}
	if (nl.v == NULL && (nl.v = calloc(1, sizeof(*nl.v))) == NULL)
		goto nomem;
	list_clear(l);
	*l = nl;
	return 0;
nomem:
	list_clear(&nl);
	return fail(why, whylen, "out of memory");
}

/* Parse a size with an optional k, M or G suffix. */
static int
parse_size(const char *s, size_t *out)
{
	char		 num[32];
	size_t		 len = strlen(s);
	unsigned long	 v, mult = 1;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K':
		mult = 1024;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		break;
	case 'g': case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		break;
	}
	if (mult != 1)
		num[len - 1] = '\0';
	if (parse_ulong(num, 1UL << 30, &v) == -1 || v * mult > (1UL << 30) ||
	    v * mult < 1024)
		return -1;
	*out = v * mult;
	return 0;
}

/* Replace a string field with a copy of value (NULL for none). */
static int
set_string(char **field, const char *value)
{
	char	*s = NULL;

	if (value != NULL && (s = strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

/* Set a ReturnPath value (safe: sanitized). */
static int
set_desk_string(const struct conf_key *k, char **field, const char *value,
    const char *safe, char *why, size_t whylen)
{
	if (strcasecmp(value, "none") == 0)
		value = NULL;
	else if (strcasecmp(value, "desk") != 0 &&
	    addr_check(value, strlen(value)) != NULL)
		return fail(why, whylen, "%s: \"%s\" is not desk, none or an "
		    "address: %s", k->name, safe,
		    addr_check(value, strlen(value)));
	return set_string(field, value) == -1 ?
	    fail(why, whylen, "out of memory") : 0;
}

/* Parse value for key k into cf. */
static int
set_key(struct conf *cf, const struct conf_key *k, const char *value,
    char *why, size_t whylen)
{
	void		*field = (char *)cf + k->off;
	const char	*msg;
	unsigned long	 ul;
	char		 safe[80];
	int		 v;

	str_sanitize(value, strlen(value), safe, sizeof(safe));
	switch (k->type) {
	case T_OPTSTRING:
	case T_OPTPATH:
	case T_ADDRESS:
	case T_DELIMS:
		if (*value == '\0' || strcasecmp(value, "none") == 0)
			return set_string(field, NULL) == -1 ?
			    fail(why, whylen, "out of memory") : 0;
		if (k->type == T_OPTPATH && *value != '/')
			return fail(why, whylen, "%s: \"%s\" is not an "
			    "absolute path", k->name, safe);
		if (k->type == T_ADDRESS &&
		    (msg = addr_check(value, strlen(value))) != NULL)
			return fail(why, whylen, "%s: bad address \"%s\": %s",
			    k->name, safe, msg);
		if (k->type == T_DELIMS && (strlen(value) > 4 ||
		    value[strspn(value, CONF_DELIMITERS)] != '\0'))
			return fail(why, whylen, "%s: \"%s\": some of the "
			    "characters %s, or none", k->name, safe,
			    CONF_DELIMITERS);
		break;
	case T_PATH:
		if (*value != '/')
			return fail(why, whylen, "%s: \"%s\" is not an "
			    "absolute path", k->name, safe);
		break;
	case T_SOCKET:
		if (conf_check_socket(value, &msg) == -1)
			return fail(why, whylen, "%s: \"%s\": %s", k->name,
			    safe, msg);
		break;
	case T_BOOL:
		if (strcasecmp(value, "yes") == 0 ||
		    strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
			v = 1;
		else if (strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0)
			v = 0;
		else
			return fail(why, whylen, "%s: \"%s\" is not yes or no",
			    k->name, safe);
		*(int *)field = v;
		return 0;
	case T_SECONDS:
		if (parse_ulong(value, 86400, &ul) == -1 || ul == 0)
			return fail(why, whylen, "%s: \"%s\" is not a number "
			    "of seconds (1 to 86400)", k->name, safe);
		*(int *)field = (int)ul;
		return 0;
	case T_DAYS:
		if (parse_ulong(value, 3650, &ul) == -1 || ul == 0)
			return fail(why, whylen, "%s: \"%s\" is not a number "
			    "of days (1 to 3650)", k->name, safe);
		*(int *)field = (int)ul;
		return 0;
	case T_OCTAL:
		if (strspn(value, "01234567") != strlen(value) ||
		    strlen(value) == 0 || strlen(value) > 4 ||
		    (ul = strtoul(value, NULL, 8)) > 0777)
			return fail(why, whylen, "%s: \"%s\" is not an octal "
			    "mask", k->name, safe);
		*(int *)field = (int)ul;
		return 0;
	case T_SIZE:
		if (parse_size(value, (size_t *)field) == -1)
			return fail(why, whylen, "%s: \"%s\" is not a size "
			    "(1k to 1G)", k->name, safe);
		return 0;
	case T_FACILITY:
		if ((v = log_facility_parse(value)) == -1)
			return fail(why, whylen, "%s: unknown facility \"%s\"",
			    k->name, safe);
		*(int *)field = v;
		return 0;
	case T_LEVEL:
		if ((v = log_level_parse(value)) == -1)
			return fail(why, whylen, "%s: unknown level \"%s\"",
			    k->name, safe);
		*(int *)field = v;
		return 0;
	case T_ADDRLIST:
	case T_WORDLIST:
	case T_SENDERLIST:
		return parse_list(value, field, k->type != T_ADDRLIST,
		    k->type, why, whylen) == -1 ? -1 : 0;
	case T_RETURNPATH:
		return set_desk_string(k, field, value, safe, why, whylen);
	case T_SPFPOLICY:
		for (v = 0; v <= SPF_POLICY_REQUIRE_PASS; v++)
			if (strcasecmp(value, spf_policy_names[v]) == 0) {
				*(int *)field = v;
				return 0;
			}
		return fail(why, whylen, "%s: \"%s\" is not off, "
		    "route-unless-fail or require-pass", k->name, safe);
	case T_RATE:
		if (conf_parse_rate(value, &cf->rate_limit,
		    &cf->rate_period) == -1)
			return fail(why, whylen, "%s: \"%s\" is not N/PERIOD "
			    "(for example 20/1h) or none", k->name, safe);
		return 0;
	}
	if (set_string(field, value) == -1)
		return fail(why, whylen, "out of memory");
	return 0;
}

/* Find a key by name. */
static const struct conf_key *
find_key(const char *name)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return &keys[i];
	return NULL;
}

/* Set one key from text. */
int
conf_set(struct conf *cf, const char *key, const char *value, char *why,
    size_t whylen)
{
	const struct conf_key *k;
	char	 safe[80];

	if ((k = find_key(key)) == NULL)
		return fail(why, whylen, "unknown key \"%s\"",
		    str_sanitize(key, strlen(key), safe, sizeof(safe)));
	return set_key(cf, k, value, why, whylen);
}

/* A configuration with the defaults. */
struct conf *
conf_defaults(void)
{
	struct conf	*cf;
	char		 why[256];
	size_t		 i;

	if ((cf = calloc(1, sizeof(*cf))) == NULL)
		return NULL;
	if ((cf->path = strdup("")) == NULL)
		goto fail;
	for (i = 0; i < NKEYS; i++)
		if (set_key(cf, &keys[i], keys[i].def, why, sizeof(why)) == -1)
			goto fail;
	return cf;
fail:
	conf_free(cf);
	return NULL;
}

/* Free a configuration. */
void
conf_free(struct conf *cf)
{
	if (cf == NULL)
		return;
	free(cf->path);
	free(cf->socket);
	free(cf->user_id);
	free(cf->pid_file);
	list_clear(&cf->abuse_recipients);
	free(cf->map_directory);
	free(cf->rules_file);
	free(cf->keep_copy);
	free(cf->recipient_delimiter);
	free(cf->stats_file);
	list_clear(&cf->auto_submitted_route);
	list_clear(&cf->keep_senders);
	free(cf->local_rules_file);
	free(cf->return_path);
	free(cf);
}

/* Remove a trailing comment and surrounding white space, in place. */
static char *
trim_line(char *line)
{
	char	*p, *end;

	for (p = line; *p != '\0'; p++)
		if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	while (isspace((unsigned char)*line))
		line++;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return line;
}

/* Parse one line; returns 0, or -1 with why set. */
static int
parse_line(struct conf *cf, char *line, unsigned char *seen, char *why,
    size_t whylen)
{
	const struct conf_key *k;
	char	*key, *value, safe[80];

	key = line;
	value = key;
	while (*value != '\0' && !isspace((unsigned char)*value))
		value++;
	if (*value != '\0') {
		*value++ = '\0';
		while (isspace((unsigned char)*value))
			value++;
	}
	if ((k = find_key(key)) == NULL)
		return fail(why, whylen, "unknown key \"%s\"",
		    str_sanitize(key, strlen(key), safe, sizeof(safe)));
	if (seen[k - keys])
		return fail(why, whylen, "%s given twice", k->name);
	seen[k - keys] = 1;
	return set_key(cf, k, value, why, whylen);
}

/* Read the configuration file at path. */
struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*cf;
	FILE		*fp;
	buf_t		 errs;
	char		 line[CONF_LINE_MAX + 2], why[512], *p;
	unsigned char	 seen[NKEYS];
	unsigned long	 lineno = 0;
	int		 nerr = 0, skipping = 0;
	size_t		 len;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	buf_init(&errs, errlen > 0 ? errlen - 1 : 0);
	memset(seen, 0, sizeof(seen));
	if ((cf = conf_defaults()) == NULL) {
		(void)buf_printf(&errs, "%s: out of memory\n", path);
		goto fail;
	}
	if (set_string(&cf->path, path) == -1) {
		(void)buf_printf(&errs, "%s: out of memory\n", path);
		goto fail;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		(void)buf_printf(&errs, "%s: %s\n", path, strerror(errno));
		goto fail;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		len = strlen(line);
		if (skipping) {		/* the rest of an over-long line */
			skipping = len > 0 && line[len - 1] != '\n';
			continue;
		}
		lineno++;
		if (len > 0 && line[len - 1] != '\n' && !feof(fp)) {
			(void)buf_printf(&errs, "%s:%lu: line longer than "
			    "%d bytes\n", path, lineno, CONF_LINE_MAX);
			nerr++;
			skipping = 1;
			continue;
		}
		p = trim_line(line);
		if (*p == '\0')
			continue;
		if (parse_line(cf, p, seen, why, sizeof(why)) == -1) {
			(void)buf_printf(&errs, "%s:%lu: %s\n", path, lineno,
			    why);
			if (++nerr >= CONF_ERRORS_MAX)
				break;
		}
	}
	if (ferror(fp)) {
		(void)buf_printf(&errs, "%s: read error\n", path);
		nerr++;
	}
	fclose(fp);
	if (nerr == 0) {
		buf_free(&errs);
		return cf;
	}
fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", errs.data != NULL ? errs.data : "");
	if (err != NULL && errlen > 1 && err[0] == '\0')
		snprintf(err, errlen, "%s: too many errors\n", path);
	buf_free(&errs);
	conf_free(cf);
	return NULL;
}
