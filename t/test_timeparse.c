/*
 * test_timeparse.c - table-driven tests of the RFC 3339 and the liberal
 * date parsers and of RFC 3339 formatting.  Expected values were
 * computed independently (date -u -d ... +%s).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "timeparse.h"

#define BAD	INT64_MIN

static const struct {
	const char	*in;
	int64_t		 want;	/* BAD: must be refused */
} rfc3339_cases[] = {
	{ "2015-01-01T12:00:00Z", 1420113600 },
	{ "2015-01-01t12:00:00z", 1420113600 },
	{ "2015-01-01 12:00:00Z", 1420113600 },
	{ "2015-01-01T12:00:00.5+01:00", 1420110000 },
	{ "2015-01-01T12:00:00-05:30", 1420133400 },
	{ "2015-01-01", 1420070400 },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "2000-02-29T00:00:00Z", 951782400 },
	{ "2100-02-28T23:59:59Z", 4107542399 },
	{ "2016-12-31T23:59:60Z", 1483228800 },
	{ "2015-01-01T12:00:00", BAD },		/* zone required */
	{ "2015-01-01T12:00:00+0100", BAD },
	{ "2015-01-01T12:00Z", BAD },
	{ "2015-02-29T00:00:00Z", BAD },
	{ "2100-02-29T00:00:00Z", BAD },
	{ "2015-04-31T00:00:00Z", BAD },
	{ "2015-13-01T00:00:00Z", BAD },
	{ "2015-00-01T00:00:00Z", BAD },
	{ "2015-01-01T24:00:00Z", BAD },
	{ "2015-01-01T12:60:00Z", BAD },
	{ "2015-01-01T12:00:61Z", BAD },
	{ "2015-01-01T12:00:00+24:00", BAD },
	{ "2015-1-01T12:00:00Z", BAD },
	{ "2015-01-01T12:00:00Zjunk", BAD },
	{ "2015-01-01T12:00:00.Z", BAD },
	{ " 2015-01-01T12:00:00Z", BAD },
	{ "", BAD },
	{ "yesterday", BAD },
};

static const struct {
	const char	*in;
	int64_t		 want;
} date_cases[] = {
	{ "Thu, 8 Mar 2005 14:00:00 -0500", 1110308400 },
	{ "Tue, 08 Mar 2005 14:00:00 -0500", 1110308400 },
	{ "8 Mar 2005 14:00:00 -0500", 1110308400 },
	{ "Thu,8 Mar 2005 14:00:00 -0500", 1110308400 },
	{ "Thu, 8 Mar 2005 14:00:00 EST", 1110308400 },
	{ "Thu, 8 Mar 2005 15:00:00 EDT", 1110308400 },
	{ "Thu, 8 Mar 2005 13:00:00 CST", 1110308400 },
	{ "Thu, 8 Mar 2005 14:00:00 CDT", 1110308400 },
	{ "Thu, 8 Mar 2005 12:00:00 MST", 1110308400 },
	{ "Thu, 8 Mar 2005 13:00:00 MDT", 1110308400 },
	{ "Thu, 8 Mar 2005 11:00:00 PST", 1110308400 },
	{ "Thu, 8 Mar 2005 12:00:00 PDT", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00 GMT", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00 UT", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00 UTC", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00 Z", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00 +0000 (UTC)", 1110308400 },
	{ "Thu, 8 Mar 2005 20:00:00 +0100 (CET)", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00:00", 1110308400 },
	{ "Thu, 8 Mar 2005 19:00 +0000", 1110308400 },
	{ "  Thu, 8 Mar 2005 19:00:00 +0000  ", 1110308400 },
	{ "Thursday, 8 March 2005 19:00:00 +0000", 1110308400 },
	{ "thu, 8 mar 2005 19:00:00 gmt", 1110308400 },
	{ "Thu, 8 Mar 05 19:00:00 +0000", 1110308400 },
	{ "Mon, 8 Mar 99 19:00:00 +0000", 920919600 },
	{ "Mon, 8 Mar 49 19:00:00 +0000", 2498842800 },
	{ "Mon, 8 Mar 50 19:00:00 +0000", -625381200 },
	{ "Mon, 8 Mar 105 19:00:00 +0000", 1110308400 },
	{ "Mon Jan  2 15:04:05 2006", 1136214245 },
	{ "Mon Jan 2 15:04:05 UTC 2006", 1136214245 },
	{ "Mon Jan 2 15:04:05 2006 +0000", 1136214245 },
	{ "2015-01-01 12:00:00", 1420113600 },
	{ "2015-01-01T12:00:00", 1420113600 },
	{ "2015-01-01 12:00:00Z", 1420113600 },
	{ "2015-01-01 12:00:00 Z", 1420113600 },
	{ "2015-01-01 12:00:00+0100", 1420110000 },
	{ "2015-01-01 12:00:00 +0100", 1420110000 },
	{ "2015-01-01 12:00:00 +01:00", 1420110000 },
	{ "2015-01-01T12:00:00.123+01:00", 1420110000 },
	{ "2015-01-01 12:00:00 UTC", 1420113600 },
	{ "2015-01-01 12:00:00 GMT", 1420113600 },
	{ "2015-01-01 12:00:00 +0000 (UTC)", 1420113600 },
	{ "2015-01-01 12:00", 1420113600 },
	{ "2015-01-01", 1420070400 },
	{ "Thu, 31 Apr 2005 19:00:00 +0000", BAD },
	{ "Thu, 8 Foo 2005 19:00:00 +0000", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 CEST", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 +2500", BAD },
	{ "Thu, 8 Mar 2005 25:00:00 +0000", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 +0000 (UTC", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 +0000 extra", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 +0000 +0000", BAD },
	{ "Thu, 8 Mar", BAD },
	{ "8 2005 19:00:00", BAD },
	{ "Thu, 123 Mar 2005 19:00:00", BAD },
	{ "Thu, 8 Mar 12345 19:00:00", BAD },
	{ "2015-01-01 12:00:00 XYZ", BAD },
	{ "2015-01-01 12:00:00 +0000 junk", BAD },
	{ "2015-01-01X12:00:00", BAD },
	{ "", BAD },
	{ "   ", BAD },
	{ "yesterday", BAD },
	{ "Thu, 8 Mar 2005 19:00:00 \x01+0000", BAD },
};

/*
 * time_parse_span(): one row per form and zone.  L is the instant
 * 2020-03-05T14:02:11Z, D the start of that day (UTC); a row in local
 * time 14:02:11 at offset +o has lo == hi == L - o; without a zone the
 * span is 14 h either side.  R is an arrival time, 2020-03-05T14:02:11Z.
 */
#define L	1583416931LL
#define D	1583366400LL		/* 2020-03-05T00:00:00Z */
#define MAY3	1588464000LL		/* 2020-05-03T00:00:00Z */
#define MAR13	1584057600LL		/* 2020-03-13T00:00:00Z */
#define R	L
#define NY	1609461000LL		/* 2021-01-01T00:30:00Z */
#define H	3600LL
#define M	60LL
#define DAY	86400LL
#define SLACK	(14 * H)

static const struct {
	const char	*what;
	const char	*in;
	int64_t		 ref;
	int64_t		 lo, hi;	/* lo BAD: must be refused */
} span_cases[] = {
	/* Zones: one offset, exact. */
	{ "offset", "Thu, 5 Mar 2020 14:02:11 +0100", R, L - H, L - H },
	{ "offset -0000 is UTC", "Thu, 5 Mar 2020 14:02:11 -0000", R, L, L },
	{ "offset with colon", "2020-03-05 14:02:11 -05:30", R,
	    L + 5 * H + 30 * M, L + 5 * H + 30 * M },
	{ "UTC", "Thu, 5 Mar 2020 14:02:11 UTC", R, L, L },
	{ "GMT", "Thu, 5 Mar 2020 14:02:11 GMT", R, L, L },
	{ "UT", "Thu, 5 Mar 2020 14:02:11 UT", R, L, L },
	{ "Z", "Thu, 5 Mar 2020 14:02:11 Z", R, L, L },
	{ "UTC+01:00", "2020-03-05 14:02:11 UTC+01:00", R, L - H, L - H },
	{ "WET", "Thu, 5 Mar 2020 14:02:11 WET", R, L, L },
	{ "WEST", "Thu, 5 Mar 2020 14:02:11 WEST", R, L - H, L - H },
	{ "CET", "Thu, 5 Mar 2020 14:02:11 CET", R, L - H, L - H },
	{ "CEST", "Thu, 5 Mar 2020 14:02:11 CEST", R, L - 2 * H, L - 2 * H },
	{ "EET", "Thu, 5 Mar 2020 14:02:11 EET", R, L - 2 * H, L - 2 * H },
	{ "EEST", "Thu, 5 Mar 2020 14:02:11 EEST", R, L - 3 * H, L - 3 * H },
	{ "HKT", "Thu, 5 Mar 2020 14:02:11 HKT", R, L - 8 * H, L - 8 * H },
	{ "SGT", "Thu, 5 Mar 2020 14:02:11 SGT", R, L - 8 * H, L - 8 * H },
	{ "AWST", "Thu, 5 Mar 2020 14:02:11 AWST", R, L - 8 * H, L - 8 * H },
	{ "JST", "Thu, 5 Mar 2020 14:02:11 JST", R, L - 9 * H, L - 9 * H },
	{ "ACST", "Thu, 5 Mar 2020 14:02:11 ACST", R, L - 9 * H - 30 * M,
	    L - 9 * H - 30 * M },
	{ "AEST", "Thu, 5 Mar 2020 14:02:11 AEST", R, L - 10 * H, L - 10 * H },
	{ "AEDT", "Thu, 5 Mar 2020 14:02:11 AEDT", R, L - 11 * H, L - 11 * H },
	{ "NZST", "Thu, 5 Mar 2020 14:02:11 NZST", R, L - 12 * H, L - 12 * H },
	{ "NZDT", "Thu, 5 Mar 2020 14:02:11 NZDT", R, L - 13 * H, L - 13 * H },
	{ "EST", "Thu, 5 Mar 2020 14:02:11 EST", R, L + 5 * H, L + 5 * H },
	{ "EDT", "Thu, 5 Mar 2020 14:02:11 EDT", R, L + 4 * H, L + 4 * H },
	{ "MST", "Thu, 5 Mar 2020 14:02:11 MST", R, L + 7 * H, L + 7 * H },
	{ "MDT", "Thu, 5 Mar 2020 14:02:11 MDT", R, L + 6 * H, L + 6 * H },
	{ "PDT", "Thu, 5 Mar 2020 14:02:11 PDT", R, L + 7 * H, L + 7 * H },
	{ "AKST", "Thu, 5 Mar 2020 14:02:11 AKST", R, L + 9 * H, L + 9 * H },
	{ "HST", "Thu, 5 Mar 2020 14:02:11 HST", R, L + 10 * H, L + 10 * H },
	{ "zone in lower case", "Thu, 5 Mar 2020 14:02:11 cet", R, L - H,
	    L - H },
	/* Zones: a name with several readings covers them all. */
	{ "IST is Ireland +1 to India +5:30", "Thu, 5 Mar 2020 14:02:11 IST",
	    R, L - 5 * H - 30 * M, L - H },
	{ "BST is Britain +1 to Bangladesh +6",
	    "Thu, 5 Mar 2020 14:02:11 BST", R, L - 6 * H, L - H },
	{ "CST is US Central -6 to China +8", "Thu, 5 Mar 2020 14:02:11 CST",
	    R, L - 8 * H, L + 6 * H },
	{ "CDT is US Central -5 or Cuba -4", "Thu, 5 Mar 2020 14:02:11 CDT",
	    R, L + 4 * H, L + 5 * H },
	{ "PST is US Pacific -8 to the Philippines +8",
	    "Thu, 5 Mar 2020 14:02:11 PST", R, L - 8 * H, L + 8 * H },
	{ "MSK is +3, +4 from 2011 to 2014", "Thu, 5 Mar 2020 14:02:11 MSK",
	    R, L - 4 * H, L - 3 * H },
	{ "KST is +9, +8:30 from 2015 to 2018",
	    "Thu, 5 Mar 2020 14:02:11 KST", R, L - 9 * H, L - 8 * H - 30 * M },
	/* Military letters: RFC 5322 4.3, either sign or UTC. */
	{ "military A is -1, +1 or UTC", "Thu, 5 Mar 2020 14:02:11 A", R,
	    L - H, L + H },
	{ "military M is -12, +12 or UTC", "Thu, 5 Mar 2020 14:02:11 M", R,
	    L - 12 * H, L + 12 * H },
	{ "military N is -1, +1 or UTC", "Thu, 5 Mar 2020 14:02:11 N", R,
	    L - H, L + H },
	{ "military Y is -12, +12 or UTC", "Thu, 5 Mar 2020 14:02:11 Y", R,
	    L - 12 * H, L + 12 * H },
	{ "military J is not a zone", "Thu, 5 Mar 2020 14:02:11 J", R, BAD, 0 },
	/* No zone: 14 h either side. */
	{ "no zone", "Thu, 5 Mar 2020 14:02:11", R, L - SLACK, L + SLACK },
	{ "ISO no zone", "2020-03-05 14:02:11", R, L - SLACK, L + SLACK },
	{ "ISO T no zone", "2020-03-05T14:02:11", R, L - SLACK, L + SLACK },
	/* date(1). */
	{ "date(1) C locale", "Thu Mar  5 14:02:11 CET 2020", R, L - H, L - H },
	{ "date(1) day first", "Thu  5 Mar 14:02:11 CET 2020", R, L - H,
	    L - H },
	{ "date(1) 12-hour PM", "Thu 05 Mar 2020 02:11:00 PM CET", R,
	    L + 529 - H, L + 529 - H },
	{ "date(1) without zone", "Thu Mar  5 14:02:11 2020", R, L - SLACK,
	    L + SLACK },
	{ "12 AM is midnight", "Thu 05 Mar 2020 12:00:00 AM UTC", R, D, D },
	{ "12 PM is noon", "Thu 05 Mar 2020 12:00:00 PM UTC", R, D + 12 * H,
	    D + 12 * H },
	{ "pm attached, lower case", "2020-03-05 2:02:11pm UTC", R, L, L },
	{ "a.m. with dots", "2020-03-05 2:02:11 a.m. UTC", R, L - 12 * H,
	    L - 12 * H },
	/* Syslog lines: the year from the arrival time. */
	{ "syslog, this year", "Mar  5 14:02:11", R, L - SLACK, L + SLACK },
	{ "syslog, two-digit day", "Mar 05 14:02:11", R, L - SLACK,
	    L + SLACK },
	{ "syslog, a day after arrival is last year", "Mar  6 14:02:11", R,
	    1551880931 - SLACK, 1551880931 + SLACK },
	{ "syslog, December line in January is last year",
	    "Dec 31 23:59:59", NY, 1609459199 - SLACK, 1609459199 + SLACK },
	{ "syslog, January line in January is this year", "Jan  1 00:10:00",
	    NY, 1609459800 - SLACK, 1609459800 + SLACK },
	{ "syslog, 2 January line on 1 January is last year",
	    "Jan  2 00:10:00", NY, 1577923800 - SLACK, 1577923800 + SLACK },
	{ "syslog, next year's line within the zone slack",
	    "Jan  1 10:00:00", 1609455600, 1609495200 - SLACK,
	    1609495200 + SLACK },
	{ "syslog, 29 February goes back to a leap year", "Feb 29 12:00:00",
	    1614556800, 1582977600 - SLACK, 1582977600 + SLACK },
	{ "syslog with a zone", "Mar  5 14:02:11 CET", R, L - H, L - H },
	{ "syslog, arrival time past year 9999", "Mar  5 14:02:11", INT64_MAX,
	    BAD, 0 },
	{ "syslog, arrival time before year 1", "Mar  5 14:02:11", INT64_MIN,
	    BAD, 0 },
	{ "month and day without time or year", "Mar  5", R, BAD, 0 },
	{ "a written year ignores the arrival time",
	    "Thu, 5 Mar 2020 14:02:11 UTC", INT64_MIN, L, L },
	/* Dates of digits. */
	{ "YYYY/MM/DD HH:MM:SS", "2020/03/05 14:02:11", R, L - SLACK,
	    L + SLACK },
	{ "YYYY/MM/DD HH:MM", "2020/03/05 14:02", R, L - 11 - SLACK,
	    L - 11 + 59 + SLACK },
	{ "YYYY/MM/DD", "2020/03/05", R, D - SLACK, D + DAY - 1 + SLACK },
	{ "YYYY.MM.DD", "2020.03.05 14:02:11 UTC", R, L, L },
	{ "DD.MM.YYYY HH:MM:SS", "05.03.2020 14:02:11", R, L - SLACK,
	    L + SLACK },
	{ "DD.MM.YYYY with zone", "05.03.2020 14:02:11 CET", R, L - H, L - H },
	{ "DD.MM.YYYY", "05.03.2020", R, D - SLACK, D + DAY - 1 + SLACK },
	{ "DD/MM/YYYY when the day is > 12", "13/03/2020", R,
	    MAR13 - SLACK, MAR13 + DAY - 1 + SLACK },
	{ "MM/DD/YYYY when the day is > 12", "03/13/2020", R,
	    MAR13 - SLACK, MAR13 + DAY - 1 + SLACK },
	{ "DD/MM or MM/DD: both readings", "03/05/2020", R, D - SLACK,
	    MAY3 + DAY - 1 + SLACK },
	{ "DD/MM or MM/DD: both readings, either order", "05/03/2020", R,
	    D - SLACK, MAY3 + DAY - 1 + SLACK },
	{ "DD/MM or MM/DD with time and zone", "05/03/2020 14:02:11 UTC", R,
	    L, MAY3 + 14 * H + 2 * M + 11 },
	{ "DD-MM or MM-DD: both readings", "05-03-2020 14:02:11 UTC", R,
	    L, MAY3 + 14 * H + 2 * M + 11 },
	{ "12/01 and 01/12: the widest span", "12/01/2020 00:00:00 UTC", R,
	    1578787200, 1606780800 },
	{ "same day and month: one reading", "03/03/2020 00:00:00 UTC", R,
	    D - 2 * DAY, D - 2 * DAY },
	{ "web server log", "05/Mar/2020:14:02:11 +0100", R, L - H, L - H },
	{ "web server log in brackets", "[05/Mar/2020:14:02:11 +0100]", R,
	    L - H, L - H },
	{ "DD-Mon-YYYY", "05-Mar-2020 14:02:11 UTC", R, L, L },
	{ "year, month name, day", "2020 Mar 5 14:02:11 UTC", R, L, L },
	{ "time with dashes after a date", "2020-03-05 14-02-11", R,
	    L - SLACK, L + SLACK },
	{ "time with dashes and a zone", "2020-03-05 14-02-11 UTC", R, L, L },
	{ "time with dashes alone", "14-02-11", R, BAD, 0 },
	{ "time with dashes, hour 24", "2020-03-05 24-02-11", R, BAD, 0 },
	{ "time with dashes, short", "2020-03-05 14-02", R, BAD, 0 },
	/* Fractions of a second. */
	{ "fraction, six digits", "2020-03-05 14:02:11.123456 UTC", R, L, L },
	{ "fraction with Z", "2020-03-05T14:02:11.5Z", R, L, L },
	{ "fraction with offset", "2020-03-05T14:02:11.999+01:00", R, L - H,
	    L - H },
	{ "fraction after a comma", "2020-03-05 14:02:11,123", R, L - SLACK,
	    L + SLACK },
	{ "fraction in date(1) form", "Thu Mar  5 14:02:11.25 UTC 2020", R, L,
	    L },
	/* Epoch. */
	{ "epoch seconds", "1583416931", R, L, L },
	{ "epoch seconds with a fraction", "1583416931.75", R, L, L },
	{ "epoch milliseconds", "1583416931123", R, L, L },
	{ "epoch with spaces around", " 1583416931\r\n", R, L, L },
	{ "nine digits are not epoch", "158341693", R, BAD, 0 },
	{ "eleven digits are not epoch", "15834169311", R, BAD, 0 },
	{ "fourteen digits are not epoch", "15834169311234", R, BAD, 0 },
	{ "epoch with a word", "1583416931 UTC", R, BAD, 0 },
	/* A date alone: the whole day. */
	{ "ISO date alone", "2020-03-05", R, D - SLACK, D + DAY - 1 + SLACK },
	{ "RFC 5322 date alone", "Thu, 5 Mar 2020", R, D - SLACK,
	    D + DAY - 1 + SLACK },
	{ "minute alone with zone", "2020-03-05 14:02 UTC", R, L - 11,
	    L - 11 + 59 },
	/* The ends of the calendar. */
	{ "last second of year 9999", "9999-12-31 23:59:59", R,
	    253402300799LL - SLACK, 253402300799LL + SLACK },
	{ "first day of year 1", "0001-01-01", R, -62135596800LL - SLACK,
	    -62135596800LL + DAY - 1 + SLACK },
	{ "year 0", "0000-01-01", R, BAD, 0 },
	{ "year 10000", "10000-01-01", R, BAD, 0 },
	/* Out of range: refused, not normalised. */
	{ "month 13", "2020-13-01 00:00:00", R, BAD, 0 },
	{ "month 0", "2020-00-01", R, BAD, 0 },
	{ "day 32", "2020-01-32", R, BAD, 0 },
	{ "day 0", "00.03.2020", R, BAD, 0 },
	{ "30 February", "2020/02/30", R, BAD, 0 },
	{ "29 February in a common year", "29.02.2021", R, BAD, 0 },
	{ "hour 25", "Thu, 5 Mar 2020 25:00:00 UTC", R, BAD, 0 },
	{ "hour 24", "2020-03-05 24:00:00", R, BAD, 0 },
	{ "minute 60", "2020-03-05 14:60:00", R, BAD, 0 },
	{ "second 61", "2020-03-05 14:02:61", R, BAD, 0 },
	{ "hour 13 with PM", "2020-03-05 13:00:00 PM", R, BAD, 0 },
	{ "hour 0 with AM", "2020-03-05 00:30:00 AM", R, BAD, 0 },
	{ "day 32 in a syslog line", "Mar 32 14:00:00", R, BAD, 0 },
	{ "month 13 with dots", "05.13.2020", R, BAD, 0 },
	{ "both over 12", "13/13/2020", R, BAD, 0 },
	{ "two-digit year in digits", "05.03.20", R, BAD, 0 },
	{ "30 February in words", "Sun, 30 Feb 2020 12:00:00 UTC", R, BAD, 0 },
	{ "offset 24 hours", "2020-03-05 14:02:11 +2400", R, BAD, 0 },
	/* Not dates. */
	{ "unknown zone", "2020-03-05 14:02:11 XST", R, BAD, 0 },
	{ "two zones", "2020-03-05 14:02:11 UTC CET", R, BAD, 0 },
	{ "two times", "2020-03-05 14:02:11 14:02:11", R, BAD, 0 },
	{ "AM without a time", "Thu, 5 Mar 2020 AM", R, BAD, 0 },
	{ "PM before the time", "2020-03-05 PM 02:02:11", R, BAD, 0 },
	{ "two AM/PM", "2020-03-05 02:02:11 PM PM", R, BAD, 0 },
	{ "time alone", "14:02:11.123456", R, BAD, 0 },
	{ "month name and digits date", "Mar 2020-03-05", R, BAD, 0 },
	{ "day name not first", "5 Mar Thu 2020", R, BAD, 0 },
	{ "junk after the date", "2020-03-05X14:02:11", R, BAD, 0 },
	{ "ordinal day", "5th Mar 2020", R, BAD, 0 },
	{ "empty", "", R, BAD, 0 },
	{ "words", "yesterday afternoon", R, BAD, 0 },
};

/*
 * What time_parse_date() reads of the new forms: one reading or none.
 */
static const struct {
	const char	*in;
	int64_t		 want;
} date_single_cases[] = {
	{ "Thu 05 Mar 2020 02:02:11 PM", L },
	{ "2020/03/05 14:02:11", L },
	{ "05.03.2020 14:02:11", L },
	{ "13/03/2020", MAR13 },
	{ "05/Mar/2020:14:02:11 +0100", L - H },
	{ "2020-03-05 14:02:11,5", L },
	{ "1583416931", L },
	{ "1583416931123", L },
	{ "Thu, 5 Mar 2020 14:02:11 A", L },	/* RFC 5322: "-0000" */
	{ "Thu, 5 Mar 2020 14:02:11 CST", L + 6 * H },	/* RFC 5322 */
	{ "Thu, 5 Mar 2020 14:02:11 PST", L + 8 * H },
	{ "03/05/2020", BAD },		/* two readings */
	{ "Mar  5 14:02:11", BAD },	/* no year */
	{ "Thu, 5 Mar 2020 14:02:11 CET", BAD },	/* not RFC 5322 */
	{ "Thu, 5 Mar 2020 14:02:11 IST", BAD },
};

static const struct {
	int64_t		 t;
	const char	*want;
} format_cases[] = {
	{ 0, "1970-01-01T00:00:00Z" },
	{ -1, "1969-12-31T23:59:59Z" },
	{ 1420113600, "2015-01-01T12:00:00Z" },
	{ 951782400, "2000-02-29T00:00:00Z" },
	{ 253402300799LL, "9999-12-31T23:59:59Z" },
};

/* A time on a command line (abuse-milter -a, abuse-map lookup -t). */
static const struct {
	const char	*in;
	int64_t		 want;
} arg_cases[] = {
	{ "2015-01-01T12:00:00Z",		1420113600 },
	{ "2015-01-01",				1420070400 },
	{ "Thu, 1 Jan 2015 13:00:00 +0100",	1420113600 },
	{ "@1420113600",			1420113600 },
	{ "1420113600",				1420113600 },
	{ "@0",					0 },
	{ "@-1",				-1 },
	{ "-1",					BAD },
	{ "@",					BAD },
	{ "@1420113600x",			BAD },
	{ "@2015-01-01",			BAD },
	{ "1420113600 ",			BAD },
	{ "99999999999999999999",		BAD },
	{ "",					BAD },
	{ "yesterday",				BAD },
};

int
main(void)
{
	char	 out[32], big[8192];
	int64_t	 t, lo, hi;
	size_t	 i;
	int	 r;

	tap_plan(0);
	(void)tap_skip_all;
	/* The parsers must not depend on the local time zone. */
	setenv("TZ", "America/New_York", 1);

	for (i = 0; i < sizeof(rfc3339_cases) / sizeof(rfc3339_cases[0]); i++) {
		const char *in = rfc3339_cases[i].in;

		t = 12345;
		r = time_parse_rfc3339(in, strlen(in), &t);
		if (rfc3339_cases[i].want == BAD)
			ok(r == -1, "rfc3339 refuses \"%s\"", in);
		else if (ok(r == 0, "rfc3339 parses \"%s\"", in))
			is_int(t, rfc3339_cases[i].want,
			    "rfc3339 \"%s\" value", in);
	}
	for (i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
		const char *in = date_cases[i].in;

		t = 12345;
		r = time_parse_date(in, strlen(in), &t);
		if (date_cases[i].want == BAD)
			ok(r == -1, "date refuses \"%s\"", in);
		else if (ok(r == 0, "date parses \"%s\"", in))
			is_int(t, date_cases[i].want, "date \"%s\" value", in);
	}
	for (i = 0; i < sizeof(span_cases) / sizeof(span_cases[0]); i++) {
		const char *in = span_cases[i].in, *what = span_cases[i].what;

		lo = hi = 12345;
		r = time_parse_span(in, strlen(in), span_cases[i].ref, &lo,
		    &hi);
		if (span_cases[i].lo == BAD)
			ok(r == -1, "span: %s: refuses \"%s\"", what, in);
		else if (ok(r == 0, "span: %s: parses \"%s\"", what, in)) {
			is_int(lo, span_cases[i].lo, "span: %s: lo", what);
			is_int(hi, span_cases[i].hi, "span: %s: hi", what);
		}
	}
	for (i = 0; i < sizeof(date_single_cases) /
	    sizeof(date_single_cases[0]); i++) {
		const char *in = date_single_cases[i].in;

		t = 12345;
		r = time_parse_date(in, strlen(in), &t);
		if (date_single_cases[i].want == BAD)
			ok(r == -1, "date refuses \"%s\": not one reading",
			    in);
		else if (ok(r == 0, "date parses \"%s\"", in))
			is_int(t, date_single_cases[i].want,
			    "date \"%s\" value", in);
	}
	for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		r = time_format_rfc3339(format_cases[i].t, out, sizeof(out));
		ok(r == 0, "format %lld", (long long)format_cases[i].t);
		is_str(out, format_cases[i].want, "format %lld text",
		    (long long)format_cases[i].t);
	}
	for (i = 0; i < sizeof(arg_cases) / sizeof(arg_cases[0]); i++) {
		const char *in = arg_cases[i].in;

		t = 12345;
		r = time_parse_arg(in, &t);
		if (arg_cases[i].want == BAD)
			ok(r == -1, "arg refuses \"%s\"", in);
		else if (ok(r == 0, "arg parses \"%s\"", in))
			is_int(t, arg_cases[i].want, "arg \"%s\" value", in);
	}
	ok(time_format_rfc3339(0, out, 20) == -1, "20 bytes are too few");
	ok(time_format_rfc3339(0, out, 21) == 0, "21 bytes are enough");
	ok(time_format_rfc3339(INT64_MAX, out, sizeof(out)) == -1,
	    "a time past year 9999 is not formatted");

	/* Round trip over a spread of times. */
	for (t = -86400LL * 365 * 60, r = 0; t < 86400LL * 365 * 120;
	    t += 86400LL * 37 + 3607) {
		int64_t back;

		if (time_format_rfc3339(t, out, sizeof(out)) != 0 ||
		    time_parse_rfc3339(out, strlen(out), &back) != 0 ||
		    back != t) {
			r = 1;
			diag("round trip failed at %lld", (long long)t);
			break;
		}
	}
	ok(r == 0, "format then parse gives the same time, 1910..2090");

	/* Every instant time_parse_date() reads lies in the span. */
	for (i = 0, r = 0; i < sizeof(date_cases) / sizeof(date_cases[0]);
	    i++) {
		const char *in = date_cases[i].in;
		if (time_parse_date(in, strlen(in), &t) != 0)
			continue;
		if (time_parse_span(in, strlen(in), R, &lo, &hi) != 0 ||
		    t < lo || t > hi) {
			diag("\"%s\": %lld not in its span", in, (long long)t);
			r = 1;
		}
	}
	ok(r == 0, "every date read by time_parse_date lies in its span");
	ok(time_parse_span("2020-03-05 14:02:11 UTCjunk", 23, R, &lo, &hi) ==
	    0 && lo == L && hi == L, "span stops at len");
	memset(big, ' ', sizeof(big));
	memcpy(big + 4000, "Mar  5 14:02:11", 15);
	ok(time_parse_span(big, sizeof(big), R, &lo, &hi) == 0 &&
	    lo == L - SLACK && hi == L + SLACK,
	    "span ignores surrounding white space");
	memset(big, '9', sizeof(big));
	ok(time_parse_span(big, sizeof(big), R, &lo, &hi) == -1,
	    "span refuses 8 KB of digits");

	/* Length is honoured and long input refused. */
	ok(time_parse_rfc3339("2015-01-01T12:00:00Zjunk", 20, &t) == 0 &&
	    t == 1420113600, "rfc3339 stops at len");
	ok(time_parse_date("2015-01-01 12:00:00junk", 19, &t) == 0 &&
	    t == 1420113600, "date stops at len");
	memset(big, ' ', sizeof(big));
	memcpy(big + 4000, "2015-01-01", 10);
	ok(time_parse_date(big, sizeof(big), &t) == 0 && t == 1420070400,
	    "surrounding white space is ignored");
	memset(big, 'A', sizeof(big));
	ok(time_parse_date(big, sizeof(big), &t) == -1, "8 KB of text refused");
	ok(time_parse_rfc3339(big, sizeof(big), &t) == -1,
	    "rfc3339 refuses 8 KB of text");
	memset(big, '(', sizeof(big));
	ok(time_parse_date(big, 100, &t) == -1, "unclosed comments refused");

	return tap_done();
}
