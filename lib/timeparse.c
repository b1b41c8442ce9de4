/*
 * timeparse.c - parse and format timestamps; see timeparse.h.
 *
 * All arithmetic is done here on the proleptic Gregorian calendar
 * (days_from_civil), so nothing depends on the TZ environment variable
 * or on the C library's time zone database.  time_parse_rfc3339() is
 * strict; time_parse_date() reads the forms complaints use: RFC 3339 and
 * ISO 8601 with a space, RFC 5322 (with an optional day name, two-digit
 * years and the obsolete zone names), asctime and date(1) output.  Parts
 * are checked for range (a 31st of April is refused), and a zone name
 * not listed is refused rather than guessed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeparse.h"

#define DATE_TEXT_MAX	128

static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};
static const char *const month_long[12] = {
	"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"
};
static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};
static const char *const day_long[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday"
};

static const struct {
	const char	*name;
	int		 offset;	/* minutes east of UTC */
} zones[] = {
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -5 * 60 }, { "EDT", -4 * 60 },
	{ "CST", -6 * 60 }, { "CDT", -5 * 60 },
	{ "MST", -7 * 60 }, { "MDT", -6 * 60 },
	{ "PST", -8 * 60 }, { "PDT", -7 * 60 },
};

/* Days from 1970-01-01 to y-m-d (Gregorian, any year). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Year, month and day of the day z days after 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Number of days in month m of year y. */
static int
month_days(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Check the parts and make seconds since the epoch; 0 or -1. */
static int
make_time(int64_t y, int mo, int d, int h, int mi, int s, int off,
    int64_t *out)
{
	if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    (int64_t)off * 60;
	return 0;
}

/* Read exactly n digits at s[*i]; value, or -1. */
static int
digits(const char *s, size_t len, size_t *i, int n)
{
	int	 v = 0, k;

	if (*i + (size_t)n > len)
		return -1;
	for (k = 0; k < n; k++) {
		if (s[*i + k] < '0' || s[*i + k] > '9')
			return -1;
		v = v * 10 + (s[*i + k] - '0');
	}
	*i += (size_t)n;
	return v;
}

/* Expect character c at s[*i]. */
static int
expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return -1;
	(*i)++;
	return 0;
}

/* Skip a fraction of a second ".ddd" if present; -1 if malformed. */
static int
skip_fraction(const char *s, size_t len, size_t *i)
{
	size_t	 start;

	if (*i >= len || (s[*i] != '.' && s[*i] != ','))
		return 0;
	start = ++(*i);
	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start && *i - start <= 9 ? 0 : -1;
}

/*
 * Parse a numeric offset "+hh:mm", or with loose set also "+hhmm" and
 * "+hh", at s[*i]; minutes east in *off.
 */
static int
parse_offset(const char *s, size_t len, size_t *i, int loose, int *off)
{
	int	 sign, h, m = 0;

	if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
		return -1;
	sign = s[*i] == '-' ? -1 : 1;
	(*i)++;
	if ((h = digits(s, len, i, 2)) == -1)
		return -1;
	if (*i < len && s[*i] == ':') {
		(*i)++;
		if ((m = digits(s, len, i, 2)) == -1)
			return -1;
	} else if (!loose)
		return -1;
	else if (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if ((m = digits(s, len, i, 2)) == -1)
			return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (h * 60 + m);
	return 0;
}

/* Parse an RFC 3339 timestamp. */
int
time_parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	size_t	 i = 0;
	int	 y, mo, d, h, mi, sec, off = 0;

	if ((y = digits(s, len, &i, 4)) == -1 || expect(s, len, &i, '-') ||
	    (mo = digits(s, len, &i, 2)) == -1 || expect(s, len, &i, '-') ||
	    (d = digits(s, len, &i, 2)) == -1)
		return -1;
	if (i == len)
		return make_time(y, mo, d, 0, 0, 0, 0, out);
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return -1;
	i++;
	if ((h = digits(s, len, &i, 2)) == -1 || expect(s, len, &i, ':') ||
	    (mi = digits(s, len, &i, 2)) == -1 || expect(s, len, &i, ':') ||
	    (sec = digits(s, len, &i, 2)) == -1)
		return -1;
	if (i < len && s[i] == '.' && skip_fraction(s, len, &i) == -1)
		return -1;
	if (i < len && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	else if (parse_offset(s, len, &i, 0, &off) == -1)
		return -1;
	if (i != len)
		return -1;
	return make_time(y, mo, d, h, mi, sec, off, out);
}

/* Look up a zone name; 0 and *off, or -1. */
static int
zone_lookup(const char *s, size_t len, int *off)
{
	size_t	 k;

	for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++) {
		if (strlen(zones[k].name) == len &&
		    strncasecmp(zones[k].name, s, len) == 0) {
			*off = zones[k].offset;
			return 0;
		}
	}
	return -1;
}

/* Index of word s[0..len) in a short or a long name table, or -1. */
static int
name_lookup(const char *s, size_t len, const char *const *shortn,
    const char *const *longn, int n)
{
	int	 k;

	for (k = 0; k < n; k++) {
		if ((len == 3 && strncasecmp(shortn[k], s, 3) == 0) ||
		    (len == strlen(longn[k]) &&
		    strncasecmp(longn[k], s, len) == 0))
			return k;
	}
	return -1;
}

/*
 * Parse a zone at s[*i]: numeric, a listed name, or a name followed by
 * a numeric offset ("UTC+01:00").  Leaves *off untouched if there is
 * none.  Returns 0, or -1 if something is there but is not a zone.
 */
static int
parse_zone(const char *s, size_t len, size_t *i, int *off)
{
	size_t	 start = *i;
	int	 base, extra;

	if (*i < len && (s[*i] == '+' || s[*i] == '-'))
		return parse_offset(s, len, i, 1, off);
	while (*i < len && ((s[*i] >= 'A' && s[*i] <= 'Z') ||
	    (s[*i] >= 'a' && s[*i] <= 'z')))
		(*i)++;
	if (*i == start)
		return 0;
	if (zone_lookup(s + start, *i - start, &base) == -1)
		return -1;
	if (base == 0 && *i < len && (s[*i] == '+' || s[*i] == '-')) {
		if (parse_offset(s, len, i, 1, &extra) == -1)
			return -1;
		base = extra;
	}
	*off = base;
	return 0;
}

/* Parse "h:mm" or "hh:mm", then ":ss[.frac]" optionally, at s[*i]. */
static int
parse_clock(const char *s, size_t len, size_t *i, int *h, int *mi, int *sec)
{
	size_t	 k = 0;

	while (*i + k < len && k < 3 && s[*i + k] >= '0' && s[*i + k] <= '9')
		k++;
	if (k < 1 || k > 2 || (*h = digits(s, len, i, (int)k)) == -1 ||
	    expect(s, len, i, ':') || (*mi = digits(s, len, i, 2)) == -1)
		return -1;
	*sec = 0;
	if (*i < len && s[*i] == ':') {
		(*i)++;
		if ((*sec = digits(s, len, i, 2)) == -1 ||
		    skip_fraction(s, len, i) == -1)
			return -1;
	}
	return 0;
}

/* Parse the ISO 8601 family: "YYYY-MM-DD[( |T)hh:mm[:ss]][ ][zone]". */
static int
parse_iso(const char *s, size_t len, int64_t *out)
{
	size_t	 i = 0;
	int	 y, mo, d, h = 0, mi = 0, sec = 0, off = 0;

	if ((y = digits(s, len, &i, 4)) == -1 || expect(s, len, &i, '-') ||
	    (mo = digits(s, len, &i, 2)) == -1 || expect(s, len, &i, '-') ||
	    (d = digits(s, len, &i, 2)) == -1)
		return -1;
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if (parse_clock(s, len, &i, &h, &mi, &sec) == -1)
			return -1;
		if (i < len && s[i] == ' ')
			i++;
		if (i < len && (s[i] == 'z' || s[i] == 'Z') && i + 1 == len)
			i++;
		else if (parse_zone(s, len, &i, &off) == -1)
			return -1;
	}
	if (i != len)
		return -1;
	return make_time(y, mo, d, h, mi, sec, off, out);
}

/*
 * Copy s into out with comments "( ... )" removed, commas made spaces,
 * runs of white space made one space, and the ends trimmed.  Returns the
 * length, or -1 if it does not fit or a comment is not closed.
 */
static int
normalise(const char *s, size_t len, char *out, size_t outsize)
{
	size_t	 i, o = 0;
	int	 depth = 0, space = 0;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '(') {
			depth++;
			space = 1;
			continue;
		}
		if (c == ')') {
			if (depth == 0)
				return -1;
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (c == ',' || c == ' ' || c == '\t' || c == '\r' ||
		    c == '\n') {
			space = 1;
			continue;
		}
		if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e)
			return -1;
		if (space && o > 0) {
			if (o + 1 >= outsize)
				return -1;
			out[o++] = ' ';
		}
		space = 0;
		if (o + 1 >= outsize)
			return -1;
		out[o++] = c;
	}
	if (depth != 0)
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* Parse the RFC 5322 / asctime / date(1) word forms. */
static int
parse_words(const char *s, size_t len, int64_t *out)
{
	size_t	 i = 0, start, n;
	int	 mo = -1, day = -1, h = -1, mi = 0, sec = 0, off = 0, haszone = 0;
	int	 nums = 0, ndig[2] = { 0, 0 }, num[2] = { 0, 0 }, first = 1;
	int64_t	 y;

	while (i < len) {
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		n = i - start;
		if (i < len)
			i++;
		if (memchr(s + start, ':', n) != NULL &&
		    s[start] >= '0' && s[start] <= '9') {
			size_t	 j = start;

			if (h != -1 || parse_clock(s, start + n, &j, &h, &mi,
			    &sec) == -1)
				return -1;
			if (j < start + n) {	/* "12:00:00+0000" */
				if (haszone || parse_zone(s, start + n, &j,
				    &off) == -1 || j != start + n)
					return -1;
				haszone = 1;
			}
		} else if (s[start] >= '0' && s[start] <= '9') {
			size_t	 j = start;
			int	 v = 0;

			if (nums == 2 || n > 4)
				return -1;
			for (; j < start + n; j++) {
				if (s[j] < '0' || s[j] > '9')
					return -1;
				v = v * 10 + (s[j] - '0');
			}
			ndig[nums] = (int)n;
			num[nums++] = v;
		} else if (first && name_lookup(s + start, n, day_names,
		    day_long, 7) != -1) {
			/* An optional day name, not checked against the date. */
		} else if (mo == -1 && (mo = name_lookup(s + start, n,
		    month_names, month_long, 12)) != -1) {
			mo++;
		} else {
			size_t	 j = start;

			if (haszone || h == -1 || parse_zone(s, start + n, &j,
			    &off) == -1 || j != start + n || j == start)
				return -1;
			haszone = 1;
		}
		first = 0;
	}
	if (mo == -1 || nums != 2 || ndig[0] > 2)
		return -1;
	day = num[0];
	y = num[1];
	if (ndig[1] <= 2)		/* RFC 5322 section 4.3 */
		y += y < 50 ? 2000 : 1900;
	else if (ndig[1] == 3)
		y += 1900;
	if (h == -1)
		h = 0;
	return make_time(y, mo, day, h, mi, sec, off, out);
}

/* Parse a date as complaints write it. */
int
time_parse_date(const char *s, size_t len, int64_t *out)
{
	char	 tmp[DATE_TEXT_MAX];
	int	 n;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= DATE_TEXT_MAX)
		return -1;
	if ((n = normalise(s, len, tmp, sizeof(tmp))) <= 0)
		return -1;
	if (n >= 10 && tmp[4] == '-')
		return parse_iso(tmp, (size_t)n, out);
	return parse_words(tmp, (size_t)n, out);
}

/* Write t as RFC 3339 UTC. */
int
time_format_rfc3339(int64_t t, char *out, size_t size)
{
	int64_t	 days, secs, y;
	int	 m, d, r;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	r = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m,
	    d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (r < 0 || (size_t)r >= size)
		return -1;
	return 0;
}

int
time_parse_arg(const char *s, int64_t *out)
{
	const char	*d = s[0] == '@' ? s + 1 : s;
	char		*end;
	long long	 v;

	if ((*d >= '0' && *d <= '9') || (d != s && *d == '-')) {
		errno = 0;
		v = strtoll(d, &end, 10);
		if (errno == 0 && *end == '\0') {
			*out = v;
			return 0;
		}
	}
	if (d != s)
		return -1;
	if (time_parse_rfc3339(s, strlen(s), out) == 0)
		return 0;
	return time_parse_date(s, strlen(s), out);
}
