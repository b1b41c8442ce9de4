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
	int64_t	 t;
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
