/*
 * addr.h - mail addresses as Postfix reads and compares them.
 *
 * One home for three questions: is this string one mailbox we may hand to
 * Postfix as it is written (addr_check: the map loader and the
 * configuration), what does Postfix store for a path it receives
 * (addr_internal), and do two paths reach the same mailbox
 * (addr_same_mailbox: the desk recipients, the desk-address and
 * customer-sender policies).
 *
 * Postfix stores an address in its internal form: the angle brackets and
 * an RFC 5321 source route ("@relay:") dropped, the local part unquoted.
 * Its trivial-rewrite then drops a trailing dot of the domain, and its
 * lookups fold case and strip a recipient_delimiter extension
 * ("abuse+tag").  A milter that compares raw strings sees several
 * mailboxes where Postfix sees one: it may add a recipient that its own
 * delete then removes.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>

#define ADDR_MAX	256	/* a mailbox with its NUL (RFC 5321 path) */

/*
 * Check s[0..len) as one mailbox written in a map or a configuration:
 * local-part@domain or local-part@[address literal], printable ASCII, a
 * quoted local part only where the local part needs quotes.  NULL when
 * Postfix takes it as it is written, else why not (a source route, a
 * trailing dot, needless quotes, '%' or '!' in the local part, which
 * Postfix may rewrite).
 */
const char	*addr_check(const char *s, size_t len);

/*
 * Postfix's internal form of an SMTP path or a mailbox ("<a@b>", "a@b",
 * "<@relay:\"a\"@B.>") into out: brackets and a source route dropped, the
 * local part unquoted, the domain without its trailing dots and in lower
 * case.  0, or -1 when it is not one address with a domain or does not
 * fit.
 */
int		 addr_internal(const char *path, char *out, size_t outsize);

/*
 * Non-zero when paths a and b reach the same mailbox: their internal
 * forms are equal without regard to case, once a recipient_delimiter
 * extension (from the first of the characters in delims, which may be
 * NULL or empty) is taken off each local part.
 */
int		 addr_same_mailbox(const char *a, const char *b,
		    const char *delims);

/*
 * An SMTP path without its source route: "<@relay:a@b>" gives "<a@b>"
 * in out.  1 when there was a route, 0 when there was none (out is not
 * set), -1 when the result does not fit.  Postfix's smtpd stores the
 * recipient without the route, so smfi_delrcpt needs this form.
 */
int		 addr_strip_route(const char *path, char *out, size_t outsize);

/*
 * The SMTP path "<mailbox>" of a mailbox that addr_check accepts, for
 * smfi_addrcpt; 0, or -1 when the mailbox is not accepted or does not fit.
 */
int		 addr_path(const char *mailbox, char *out, size_t outsize);

#endif
