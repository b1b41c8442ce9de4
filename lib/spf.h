/*
 * spf.h - the SPF check of a complaint's sender, over libspf2.
 *
 * The envelope sender (or, for the null sender, postmaster@HELO) and the
 * HELO name are checked against the SMTP client address (RFC 7208).  The
 * DNS layer is chosen when the checker is made: the system resolver with
 * a cache and short timeouts for the milter, or an in-memory zone that
 * never touches the network for the tests.
 *
 *	spf_t *s = spf_new(2);
 *	int r = spf_check(s, "192.0.2.1", "mx.example.org", "<a@example.org>");
 *	... r == SPF_RES_FAIL ...
 *	spf_free(s);
 *
 * An spf_t may be used by many threads at once once it is made (each
 * check uses its own libspf2 request; the resolver state is per thread);
 * spf_zone_add() must not race with checks.
 */
#ifndef ABUSE_SPF_H
#define ABUSE_SPF_H

enum spf_res {
	SPF_RES_NONE = 0,	/* no record, or nothing to check */
	SPF_RES_NEUTRAL,
	SPF_RES_PASS,
	SPF_RES_FAIL,
	SPF_RES_SOFTFAIL,
	SPF_RES_TEMPERROR,	/* DNS error or timeout */
	SPF_RES_PERMERROR
};

typedef struct spf spf_t;

/*
 * A checker over the system resolver with a cache.  Each DNS query waits
 * at most timeout seconds and is tried once (this sets RES_OPTIONS in the
 * environment when it is unset: call before starting threads).  Returns
 * NULL on error (out of memory).
 */
spf_t	*spf_new(int timeout);

/* A checker whose only DNS data is what spf_zone_add() gives it; every
 * other name does not exist.  Returns NULL when out of memory. */
spf_t	*spf_new_zone(void);

/*
 * Add a record to a zone checker: type "A", "AAAA", "MX" (data
 * "PRIORITY NAME"), "TXT" or "PTR".  data NULL makes every query for
 * name and type fail temporarily (a DNS timeout).  Returns 0, or -1 on a
 * bad type, bad data, or a checker that is not a zone.
 */
int	 spf_zone_add(spf_t *s, const char *name, const char *type,
	    const char *data);

/*
 * Check one message: client_addr is the SMTP client's IPv4 or IPv6
 * address as text, helo the HELO/EHLO name (may be NULL), mail_from the
 * envelope sender as received ("<a@b>", "a@b" or "<>" for the null
 * sender).  The result is the MAIL FROM result, except that a HELO
 * result of fail makes it fail.  Returns an enum spf_res; an address
 * that cannot be parsed, or nothing to check, gives SPF_RES_NONE; an
 * internal error gives SPF_RES_TEMPERROR.
 */
int	 spf_check(spf_t *s, const char *client_addr, const char *helo,
	    const char *mail_from);

/* Lowercase name of a result ("pass", "fail", "temperror", ...). */
const char *spf_res_name(int res);

/* Free a checker; NULL is fine. */
void	 spf_free(spf_t *s);

#endif
