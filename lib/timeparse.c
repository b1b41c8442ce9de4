/*
 * timeparse.c - parse and format timestamps; see timeparse.h.
 *
 * All arithmetic is done here on the proleptic Gregorian calendar
 * (days_from_civil), so nothing depends on the TZ environment variable
 * or on the C library's time zone database.  time_parse_rfc3339() is
 * strict.  time_parse_span() and time_parse_date() share one reader
 * (read_text): the text is normalised (comments dropped, white space
 * made single), cut into words, and each word read as a number, a
 * clock, a date of digits, a day or month name, AM/PM or a zone; the
 * checks that need every word come after.  The span is then the union,
 * over the calendar readings, of the local time less every offset the
 * zone may have.  Parts are checked for range (a 31st of April is
 * refused), and a zone name not listed is refused rather than guessed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeparse.h"

#define DATE_TEXT_MAX	128
/* The widest offset from UTC in use (minutes): a date without a zone. */
#define ZONE_SLACK_MIN	(14 * 60)

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

/*
 * Zone names and every offset each is given in the tz database or in
 * common use (minutes east of UTC).  Where one name has several readings
 * (CST: US Central, Cuba, China) lo and hi cover them all.  The names
 * RFC 5322 defines (section 4.3) are marked: time_parse_date() reads only
 * those, at the offset RFC 5322 gives them (off).
 */
static const struct zone_name {
	const char	*name;
	int		 lo, hi;	/* every reading, minutes east */
	int		 off;		/* the RFC 5322 reading */
	int		 rfc5322;
} zone_names[] = {
	{ "UT", 0, 0, 0, 1 }, { "UTC", 0, 0, 0, 1 }, { "GMT", 0, 0, 0, 1 },
	{ "Z", 0, 0, 0, 1 },
	{ "EST", -300, -300, -300, 1 }, { "EDT", -240, -240, -240, 1 },
	{ "CST", -360, 480, -360, 1 },	/* US Central, Cuba, China */
	{ "CDT", -300, -240, -300, 1 },	/* US Central, Cuba */
	{ "MST", -420, -420, -420, 1 }, { "MDT", -360, -360, -360, 1 },
	{ "PST", -480, 480, -480, 1 },	/* US Pacific, Philippines */
	{ "PDT", -420, -420, -420, 1 },
	{ "AKST", -540, -540, 0, 0 }, { "AKDT", -480, -480, 0, 0 },
	{ "HST", -600, -600, 0, 0 },
	{ "WET", 0, 0, 0, 0 }, { "WEST", 60, 60, 0, 0 },
	{ "BST", 60, 360, 0, 0 },	/* British Summer, Bangladesh */
	{ "IST", 60, 330, 0, 0 },	/* Irish, Israel, India */
	{ "CET", 60, 60, 0, 0 }, { "CEST", 120, 120, 0, 0 },
	{ "EET", 120, 120, 0, 0 }, { "EEST", 180, 180, 0, 0 },
	{ "MSK", 180, 240, 0, 0 },	/* UTC+4 from 2011 to 2014 */
	{ "HKT", 480, 480, 0, 0 }, { "SGT", 480, 480, 0, 0 },
	{ "AWST", 480, 480, 0, 0 },
	{ "JST", 540, 540, 0, 0 },
	{ "KST", 510, 540, 0, 0 },	/* Pyongyang UTC+8:30, 2015-2018 */
	{ "ACST", 570, 570, 0, 0 }, { "ACDT", 630, 630, 0, 0 },
	{ "AEST", 600, 600, 0, 0 }, { "AEDT", 660, 660, 0, 0 },
	{ "NZST", 720, 720, 0, 0 }, { "NZDT", 780, 780, 0, 0 },
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
 * What the text says, before a year is chosen and a zone applied.  One
 * or two calendar readings (two when "03/05/2020" may be either order).
 */
struct reading {
	int	 year;
	int	 hasyear;	/* the year is written */
	int	 mon[2], day[2];
	int	 ncal;		/* readings; 0 until a date is seen */
	int	 monname;	/* month written as a name */
	int	 nnum, ndig[2], num[2];	/* numbers beside a month */
	int	 hour, min, sec;	/* hour -1: no time of day */
	int	 width;		/* seconds the clock leaves open */
	int	 ampm;		/* 0, 'a' or 'p' */
	int	 zone;		/* a zone was written */
	int	 zlo, zhi;	/* its readings, minutes east */
	int	 zoff;		/* its RFC 5322 reading */
	int	 zrfc;		/* numeric, or named in RFC 5322 */
	int	 isepoch;
	int64_t	 epoch;
};

/* Is c an ASCII letter? */
static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Is c an ASCII digit? */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A military zone letter (RFC 822 section 5): RFC 822 gives A-I and
 * K-M as -1..-12 hours and N-Y as +1..+12, a sign RFC 5322 section 4.3
 * says was written the wrong way round, so that they "SHOULD all be
 * considered equivalent to -0000" (UTC, the writer's zone not known).
 * Which the writer meant cannot be told, so the hours the letter names
 * are returned (-1 if c is not one) and the span takes both signs and
 * UTC.
 */
static int
military_hours(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'I')
		return c - 'A' + 1;
	if (c >= 'K' && c <= 'M')
		return c - 'K' + 10;
	if (c >= 'N' && c <= 'Y')
		return c - 'N' + 1;
	return -1;
}

/*
 * Read the word w[0..n) as a zone: "+hh[[:]mm]", a name, a name with an
 * offset ("UTC+01:00") or a military letter.  0, or -1.
 */
static int
read_zone(const char *w, size_t n, struct reading *r)
{
	size_t	 i = 0, k;
	int	 off, hours;

	if (r->zone || n == 0)
		return -1;
	if (w[0] == '+' || w[0] == '-') {
		if (parse_offset(w, n, &i, 1, &off) == -1 || i != n)
			return -1;
		r->zlo = r->zhi = r->zoff = off;
		r->zone = r->zrfc = 1;
		return 0;
	}
	while (i < n && is_alpha(w[i]))
		i++;
	if (i == 1 && i == n && (w[0] != 'Z' && w[0] != 'z')) {
		if ((hours = military_hours(w[0])) == -1)
			return -1;
		r->zlo = -60 * hours;
		r->zhi = 60 * hours;
		r->zoff = 0;
		r->zone = r->zrfc = 1;
		return 0;
	}
	for (k = 0; k < sizeof(zone_names) / sizeof(zone_names[0]); k++) {
		if (strlen(zone_names[k].name) == i &&
		    strncasecmp(zone_names[k].name, w, i) == 0)
			break;
	}
	if (k == sizeof(zone_names) / sizeof(zone_names[0]))
		return -1;
	r->zlo = zone_names[k].lo;
	r->zhi = zone_names[k].hi;
	r->zoff = zone_names[k].off;
	r->zrfc = zone_names[k].rfc5322;
	if (i < n) {			/* "UTC+01:00", "GMT-0500" */
		if (r->zlo != 0 || r->zhi != 0 || parse_offset(w, n, &i, 1,
		    &off) == -1 || i != n)
			return -1;
		r->zlo = r->zhi = r->zoff = off;
	}
	r->zone = 1;
	return 0;
}

/* Is w[0..n) "am" or "pm" (any case, dots allowed)?  'a', 'p' or 0. */
static int
ampm_word(const char *w, size_t n)
{
	char	 c;

	if (n == 4 && w[1] == '.' && w[3] == '.' && (w[2] == 'm' ||
	    w[2] == 'M'))
		c = w[0];
	else if (n == 2 && (w[1] == 'm' || w[1] == 'M'))
		c = w[0];
	else
		return 0;
	if (c == 'a' || c == 'A')
		return 'a';
	if (c == 'p' || c == 'P')
		return 'p';
	return 0;
}

/*
 * Read the word w[0..n) as a time of day: "h:mm" or "hh:mm", then
 * ":ss" with a fraction optionally, then optionally and with nothing
 * between "AM"/"PM" or a zone.  0, or -1.
 */
static int
read_clock(const char *w, size_t n, struct reading *r)
{
	size_t	 i = 0, k = 0;
	int	 h, mi, sec = 0;

	if (r->hour != -1)
		return -1;
	while (k < n && k < 3 && is_digit(w[k]))
		k++;
	if (k < 1 || k > 2 || (h = digits(w, n, &i, (int)k)) == -1 ||
	    expect(w, n, &i, ':') || (mi = digits(w, n, &i, 2)) == -1)
		return -1;
	r->width = 59;
	if (i < n && w[i] == ':') {
		i++;
		if ((sec = digits(w, n, &i, 2)) == -1 ||
		    skip_fraction(w, n, &i) == -1)
			return -1;
		r->width = 0;
	}
	r->hour = h;
	r->min = mi;
	r->sec = sec;
	if (i == n)
		return 0;
	if ((r->ampm = ampm_word(w + i, n - i)) != 0)
		return 0;
	return read_zone(w + i, n - i, r);
}

/* Read a run of 1..max digits at w[*i]; its value, or -1.  *nd: count. */
static int
digit_run(const char *w, size_t n, size_t *i, int max, int *nd)
{
	size_t	 k = 0;

	while (*i + k < n && is_digit(w[*i + k]))
		k++;
	if (k < 1 || k > (size_t)max)
		return -1;
	*nd = (int)k;
	return digits(w, n, i, (int)k);
}

/*
 * Read the word w[0..n) as a date of digits: "YYYY-MM-DD" (or with "/"
 * or "."), "DD.MM.YYYY", "DD/MM/YYYY" or "MM/DD/YYYY" (either, when both
 * could be a month), "DD/Mon/YYYY" and "DD-Mon-YYYY"; then optionally a
 * time after "T" or ":" ("2020-03-05T14:02:11Z", "05/Mar/2020:14:02:11").
 * 0, or -1.
 */
static int
read_numdate(const char *w, size_t n, struct reading *r)
{
	size_t	 i = 0, start;
	int	 a, b = 0, c, na, nb = 0, nc, mon = -1;
	char	 sep;

	if (r->ncal != 0 || r->monname)
		return -1;
	if ((a = digit_run(w, n, &i, 4, &na)) == -1 || i >= n)
		return -1;
	sep = w[i++];
	if (sep != '-' && sep != '/' && sep != '.')
		return -1;
	start = i;
	while (i < n && is_alpha(w[i]))
		i++;
	if (i > start) {
		if (na > 2 || sep == '.' || (mon = name_lookup(w + start,
		    i - start, month_names, month_long, 12)) == -1)
			return -1;
	} else if ((b = digit_run(w, n, &i, 2, &nb)) == -1)
		return -1;
	if (expect(w, n, &i, sep) == -1 ||
	    (c = digit_run(w, n, &i, 4, &nc)) == -1)
		return -1;
	if (mon != -1) {			/* DD/Mon/YYYY */
		if (nc != 4)
			return -1;
		r->year = c;
		r->mon[0] = mon + 1;
		r->day[0] = a;
		r->ncal = 1;
	} else if (na == 4) {			/* YYYY-MM-DD */
		if (nc > 2)
			return -1;
		r->year = a;
		r->mon[0] = b;
		r->day[0] = c;
		r->ncal = 1;
	} else if (na <= 2 && nc == 4) {
		r->year = c;
		r->ncal = 1;
		if (sep == '.' || a > 12) {	/* DD.MM.YYYY, 31/12/2020 */
			r->day[0] = a;
			r->mon[0] = b;
		} else if (b > 12 || a == b) {	/* 12/31/2020 */
			r->mon[0] = a;
			r->day[0] = b;
		} else {			/* 03/05/2020: both */
			r->day[0] = r->mon[1] = a;
			r->mon[0] = r->day[1] = b;
			r->ncal = 2;
		}
	} else
		return -1;
	r->hasyear = 1;
	if (i == n)
		return 0;
	if (w[i] != 'T' && w[i] != 't' && w[i] != ':')
		return -1;
	i++;
	return read_clock(w + i, n - i, r);
}

/* Read the word w[0..n) beside a month name: a day or a year. */
static int
read_number(const char *w, size_t n, struct reading *r)
{
	size_t	 i = 0;
	int	 v, nd;

	if (r->nnum == 2 || r->ncal != 0 ||
	    (v = digit_run(w, n, &i, 4, &nd)) == -1 || i != n)
		return -1;
	r->ndig[r->nnum] = nd;
	r->num[r->nnum++] = v;
	return 0;
}

/*
 * Read the word w[0..n), after a date, as "hh-mm-ss", a time some
 * reporters write (Arrival-Date: 2012-10-31 04-46-42).  0, or -1.
 */
static int
read_dashed_clock(const char *w, size_t n, struct reading *r)
{
	char	 c[8];

	if (n != 8 || w[2] != '-' || w[5] != '-')
		return -1;
	memcpy(c, w, n);
	c[2] = c[5] = ':';
	return read_clock(c, n, r);
}

/* Read one word of the normalised text; first: it is the first. */
static int
read_word(const char *w, size_t n, int first, struct reading *r)
{
	size_t	 i = 0;
	int	 k;

	if (is_digit(w[0])) {
		while (i < n && is_digit(w[i]))
			i++;
		if (i == n)
			return read_number(w, n, r);
		if (w[i] == ':')
			return read_clock(w, n, r);
		if (r->ncal != 0)
			return read_dashed_clock(w, n, r);
		return read_numdate(w, n, r);
	}
	if (first && name_lookup(w, n, day_names, day_long, 7) != -1)
		return 0;		/* not checked against the date */
	if (!r->monname && r->ncal == 0 &&
	    (k = name_lookup(w, n, month_names, month_long, 12)) != -1) {
		r->monname = 1;
		r->mon[0] = k + 1;
		return 0;
	}
	if (r->hour == -1)		/* a zone or AM/PM follows a time */
		return -1;
	if (r->ampm == 0 && (r->ampm = ampm_word(w, n)) != 0)
		return 0;
	return read_zone(w, n, r);
}

/*
 * Read epoch seconds ("1583416931", a fraction allowed) or milliseconds
 * ("1583416931123"), when they are the whole text.  1 if read, 0 if the
 * text is not such a number.
 */
static int
read_epoch(const char *s, size_t len, struct reading *r)
{
	size_t	 i = 0, nd;
	int64_t	 v = 0;

	while (i < len && i < 14 && is_digit(s[i]))
		v = v * 10 + (s[i++] - '0');	/* 14 digits fit */
	if ((nd = i) != 10 && nd != 13)
		return 0;
	if (nd == 10 && i < len && skip_fraction(s, len, &i) == -1)
		return 0;
	if (i != len)
		return 0;
	r->isepoch = 1;
	r->epoch = nd == 13 ? v / 1000 : v;
	return 1;
}

/*
 * Copy s into out with comments "( ... )" removed, commas and brackets
 * made spaces (but a comma before the fraction of a second, "14:02:11,123",
 * kept), runs of white space made one space, and the ends trimmed.
 * Returns the length, or -1 if it does not fit or a comment is not closed.
 */
static int
normalise(const char *s, size_t len, char *out, size_t outsize)
{
	size_t	 i, o = 0, word = 0;
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
		if (c == ',' && !space && o > word && is_digit(out[o - 1]) &&
		    i + 1 < len && is_digit(s[i + 1]) &&
		    memchr(out + word, ':', o - word) != NULL) {
			/* a decimal comma: kept */
		} else if (c == ',' || c == ' ' || c == '\t' || c == '\r' ||
		    c == '\n' || c == '[' || c == ']') {
			space = 1;
			continue;
		}
		if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e)
			return -1;
		if (space && o > 0) {
			if (o + 1 >= outsize)
				return -1;
			out[o++] = ' ';
			word = o;
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

/*
 * Read the text into *r: the words, then the checks that need them all
 * (a month, a day, the year if written, AM/PM applied).  The calendar
 * readings are checked against the year later, when it is known.
 * 0, or -1.
 */
static int
read_text(const char *s, size_t len, struct reading *r)
{
	char	 tmp[DATE_TEXT_MAX];
	size_t	 i = 0, start;
	int	 n, first = 1, k;

	memset(r, 0, sizeof(*r));
	r->hour = -1;
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= DATE_TEXT_MAX)
		return -1;
	if (read_epoch(s, len, r))
		return 0;
	if ((n = normalise(s, len, tmp, sizeof(tmp))) <= 0)
		return -1;
	while (i < (size_t)n) {
		start = i;
		while (i < (size_t)n && tmp[i] != ' ')
			i++;
		if (read_word(tmp + start, i - start, first, r) == -1)
			return -1;
		first = 0;
		if (i < (size_t)n)
			i++;
	}
	if (r->monname) {
		if (r->nnum == 0 || r->ndig[0] == 3)
			return -1;
		k = r->nnum == 2 && r->ndig[0] == 4;	/* "2020 Mar 5" */
		if (r->ndig[k] > 2)
			return -1;
		r->day[0] = r->num[k];
		r->ncal = 1;
		if (r->nnum == 2) {
			r->year = r->num[!k];
			r->hasyear = 1;
			if (r->ndig[!k] <= 2)	/* RFC 5322 section 4.3 */
				r->year += r->year < 50 ? 2000 : 1900;
			else if (r->ndig[!k] == 3)
				r->year += 1900;
		} else if (r->hour == -1)
			return -1;	/* a log line: year inferred */
	}
	if (r->ncal == 0)
		return -1;
	if (r->ampm != 0) {
		if (r->hour < 1 || r->hour > 12)
			return -1;
		r->hour = r->hour % 12 + (r->ampm == 'p' ? 12 : 0);
	}
	if (r->hour > 23 || r->min > 59 || r->sec > 60)
		return -1;
	return 0;
}

/* Does calendar reading k of *r name a day of year y? */
static int
valid_day(const struct reading *r, int k, int64_t y)
{
	return y >= 1 && y <= 9999 && r->mon[k] >= 1 && r->mon[k] <= 12 &&
	    r->day[k] >= 1 && r->day[k] <= month_days(y, r->mon[k]);
}

/*
 * The span of *r in year y: the union over its calendar readings of
 * [local - widest offset east, local + what the clock leaves open -
 * widest offset west].  0, or -1 if a reading is not a day of y.
 */
static int
span_in_year(const struct reading *r, int64_t y, int64_t *lo, int64_t *hi)
{
	int64_t	 t, first = 0, last = 0;
	int	 k, width, zlo, zhi;

	width = r->hour == -1 ? 86399 : r->width;
	zlo = r->zone ? r->zlo : -ZONE_SLACK_MIN;
	zhi = r->zone ? r->zhi : ZONE_SLACK_MIN;
	for (k = 0; k < r->ncal; k++) {
		if (!valid_day(r, k, y))
			return -1;
		t = days_from_civil(y, r->mon[k], r->day[k]) * 86400;
		if (r->hour != -1)
			t += r->hour * 3600 + r->min * 60 + r->sec;
		if (k == 0 || t < first)
			first = t;
		if (k == 0 || t > last)
			last = t;
	}
	*lo = first - (int64_t)zhi * 60;
	*hi = last + width - (int64_t)zlo * 60;
	return 0;
}

/*
 * A year for a date written without one (a syslog line): the latest
 * year, from the one after ref's back eight (a 29th of February), that
 * puts the earliest reading at or before ref.
 */
static int
infer_year(const struct reading *r, int64_t ref, int64_t *lo, int64_t *hi)
{
	int64_t	 refyear, y, days;
	int	 m, d;

	if (ref < days_from_civil(1, 1, 1) * 86400 ||
	    ref > days_from_civil(9999, 12, 31) * 86400 + 86399)
		return -1;
	days = ref / 86400 - (ref % 86400 < 0);
	civil_from_days(days, &refyear, &m, &d);
	for (y = refyear + 1; y >= refyear - 8 && y >= 1; y--) {
		if (span_in_year(r, y, lo, hi) == 0 && *lo <= ref)
			return 0;
	}
	return -1;
}

/* Parse a date and say how sure the reading is. */
int
time_parse_span(const char *s, size_t len, int64_t ref, int64_t *lo,
    int64_t *hi)
{
	struct reading	 r;

	if (read_text(s, len, &r) == -1)
		return -1;
	if (r.isepoch) {
		*lo = *hi = r.epoch;
		return 0;
	}
	if (!r.hasyear)
		return infer_year(&r, ref, lo, hi);
	return span_in_year(&r, r.year, lo, hi);
}

/* Parse a date as complaints write it: one reading, UTC by default. */
int
time_parse_date(const char *s, size_t len, int64_t *out)
{
	struct reading	 r;

	if (read_text(s, len, &r) == -1)
		return -1;
	if (r.isepoch) {
		*out = r.epoch;
		return 0;
	}
	if (!r.hasyear || r.ncal != 1 || (r.zone && !r.zrfc) ||
	    !valid_day(&r, 0, r.year))
		return -1;
	if (r.hour == -1)
		r.hour = 0;
	return make_time(r.year, r.mon[0], r.day[0], r.hour, r.min, r.sec,
	    r.zone ? r.zoff : 0, out);
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
		if (end != d && (*end == ' ' || *end == '\t'))
			return -1;	/* a number with a tail is no time */
	}
	if (d != s)
		return -1;
	if (time_parse_rfc3339(s, strlen(s), out) == 0)
		return 0;
	return time_parse_date(s, strlen(s), out);
}
