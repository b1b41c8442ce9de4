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
 * Parse a date as complaints write it, and say how sure the reading is:
 * the instant lies in [*lo, *hi] (seconds since the epoch, UTC); lo == hi
 * when the text fixes it to the second (a zone or offset is given).
 * ref is the arrival time of the complaint: it supplies the year a
 * syslog line leaves out (the latest year that puts the time at or
 * before ref, allowing the zone slack) and nothing else.
 * Returns 0, or -1 when the text is not a date this reader knows.
 *
 * The forms read (leading and trailing white space, a day name, commas
 * and "(comments)" are ignored; names in any case):
 *   RFC 5322		Thu, 5 Mar 2020 14:02:11 +0100 (CET); 2-digit years
 *			as RFC 5322 4.3 says (< 50: 20xx)
 *   RFC 3339, ISO 8601	2020-03-05T14:02:11.5Z, 2020-03-05 14:02:11
 *			+01:00, 2020-03-05 14-02-11 (dashes after a date)
 *   date(1), asctime	Thu Mar  5 14:02:11 CET 2020, Thu  5 Mar 14:02:11
 *			CET 2020, Thu 05 Mar 2020 02:11:00 PM CET
 *   syslog		Mar  5 14:02:11 (the year from ref, see above)
 *   digits		2020/03/05, 2020.03.05, 05.03.2020 (day first),
 *			05/03/2020 and 05-03-2020 (day or month first:
 *			the span covers both when both are <= 12),
 *			05/Mar/2020:14:02:11 +0100 (web server logs),
 *			each with " HH:MM[:SS]" after it optionally
 *   epoch		1583416931 (10 digits, a fraction allowed) or
 *			1583416931123 (13, milliseconds): the whole text
 * A time is h:mm or hh:mm, then :ss optionally, then a fraction with
 * "." or "," optionally (dropped); then AM/PM optionally (12 AM is
 * 00).  The zone is an offset (+hh, +hhmm, +hh:mm), a name, a name with
 * an offset (UTC+01:00) or a military letter.  The span is:
 *   - a time with seconds and a zone of one offset: lo == hi;
 *   - a time without seconds: the minute (hi = lo + 59);
 *   - no time: the whole day (00:00:00 to 23:59:59);
 *   - no zone: the local reading less 14 h to plus 14 h (the widest
 *     offsets in use), on top of the above;
 *   - a zone name with several readings (CST: US Central, Cuba, China;
 *     IST: Ireland, Israel, India; BST: British Summer, Bangladesh;
 *     PST: US Pacific, Philippines; CDT: US, Cuba; MSK: +3 and +4;
 *     KST: +9 and +8:30) covers them all;
 *   - a military letter other than Z: RFC 822 gave them the wrong sign
 *     and RFC 5322 4.3 says to read them as "-0000", no zone known; the
 *     span covers UTC and both signs of the hours the letter names.
 * Names known: UT UTC GMT Z WET WEST BST IST CET CEST EET EEST MSK HKT
 * SGT AWST JST KST ACST ACDT AEST AEDT NZST NZDT EST EDT CST CDT MST
 * MDT PST PDT AKST AKDT HST.  Out-of-range fields (month 13, day 32,
 * hour 25, 30 Feb, hour 0 or 13 with AM/PM) are refused, not
 * normalised; years run from 1 to 9999; the text is at most 127 bytes.
 */
int	time_parse_span(const char *s, size_t len, int64_t ref, int64_t *lo,
	    int64_t *hi);

/*
 * Parse a date to one instant, for the callers that need one (Received
 * stamps, the map source): the forms of time_parse_span(), except those
 * with more than one reading, which it refuses: a date without a year,
 * "05/03/2020" with day and month both <= 12, and a zone name other than
 * those RFC 5322 defines (UT, UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT,
 * PST, PDT, read as RFC 5322 reads them, US zones), a numeric offset or a
 * military letter (read as UTC, "-0000", as RFC 5322 says).  A missing
 * zone means UTC, a missing time midnight, missing seconds :00.
 * Returns 0 and sets *out, or -1.
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
