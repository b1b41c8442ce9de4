/*
 * timeparse.h - parse and format the timestamps found in complaints and
 * in the map source.  Times are seconds since the epoch, UTC, int64_t.
 */
#ifndef ABUSE_TIMEPARSE_H
#define ABUSE_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse an RFC 3339 timestamp ("2015-01-01T12:00:00Z",
 * "2015-01-01T12:00:00.5+01:00"; a date alone "2015-01-01" means
 * midnight UTC).  Returns 0 and sets *out, or -1.
 */
int	time_parse_rfc3339(const char *s, size_t len, int64_t *out);

/*
 * Parse a date as complaints write it, liberally: RFC 5322
 * ("Thu, 8 Mar 2005 14:00:00 -0500", obsolete zones "EST", "GMT", "UT"),
 * RFC 3339 and ISO 8601 with a space ("2015-01-01 12:00:00", "...Z",
 * "...+0100"), asctime-like ("Mon Jan  2 15:04:05 2006"), and
 * "2015-01-01 12:00:00 UTC".  A missing zone means UTC.  Leading and
 * trailing spaces are ignored.  Returns 0 and sets *out, or -1.
 */
int	time_parse_date(const char *s, size_t len, int64_t *out);

/*
 * Parse a time given on a command line (NUL-terminated s): RFC 3339, a
 * date as time_parse_date() reads it, or seconds since the epoch written
 * "@1420070400" or "1420070400" (negative only after "@").  Returns 0 and sets *out, or -1.
 */
int	time_parse_arg(const char *s, int64_t *out);

/* Write t as "YYYY-MM-DDTHH:MM:SSZ" into out; returns 0, or -1 if size
 * is too small (21 bytes are enough). */
int	time_format_rfc3339(int64_t t, char *out, size_t size);

#endif
