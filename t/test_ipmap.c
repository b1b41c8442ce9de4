/*
 * test_ipmap.c - table-driven tests of map lookups: /0, /32, /128,
 * nested and adjacent prefixes, first and last addresses, IPv4-mapped
 * IPv6, validity boundaries, port splits and the ambiguous case; and of
 * a map that is missing, broken, replaced, and that must grow; and of
 * the holders of an address over a window of time (ipmap_lookup_span).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "tap.h"
#include "timeparse.h"

static const char source[] =
    "# nested and adjacent IPv4 prefixes\n"
    "prefix,customer,address,valid_from,valid_until,ports\n"
    "0.0.0.0/0,world,abuse@world.example,,,\n"
    "10.0.0.0/8,ten,abuse@ten.example,,,\n"
    "10.1.0.0/16,ten-one,noc@ten-one.example,,,\n"
    "10.1.2.0/24,ten-one-two,noc@112.example,,,\n"
    "10.1.3.0/24,ten-one-three,noc@113.example,,,\n"
    "10.1.2.7,host7,host7@example.com,,,\n"
    "255.255.255.255,bcast,b@example.com,,,\n"
    "# validity: from inclusive, until exclusive\n"
    "192.0.2.0/24,old,old@example.com,,2015-01-01T00:00:00Z,\n"
    "192.0.2.0/24,new,new@example.com,2015-01-01T00:00:00Z,"
        "2016-01-01T00:00:00Z,\n"
    "192.0.2.0/25,inner,inner@example.com,2017-01-01T00:00:00Z,,\n"
    "# ports\n"
    "198.51.100.0/24,natpool,nat@example.com,,,\n"
    "198.51.100.1,cgn-a,a@cgn.example,,,1024-2047\n"
    "198.51.100.1,cgn-b,b@cgn.example,,,2048-4095\n"
    "198.51.100.2,solo,solo@example.com,,,1024-2047\n"
    "198.51.100.3,same,same@example.com,,,1-100\n"
    "198.51.100.3,same,same@example.com,,,200-300\n"
    "198.51.100.4,later-ports,lp@example.com,2020-01-01T00:00:00Z,,1-100\n"
    "198.51.100.4,later-ports2,lp2@example.com,2020-01-01T00:00:00Z,,101-200\n"
    "198.51.100.4,early,early@example.com,,2020-01-01T00:00:00Z,\n"
    "# IPv6\n"
    "::/0,world6,abuse@world6.example,,,\n"
    "2001:db8::/32,doc,doc@example.com,,,\n"
    "2001:db8:1::/48,doc1,doc1@example.com,,,\n"
    "2001:db8:1::1,one,one@example.com,,,\n"
    "2001:db8:2::/48,doc2,doc2@example.com,,,\n"
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128,last6,l6@example.com,,,\n";

#define T2014	"2014-06-01T00:00:00Z"
#define T2015	"2015-01-01T00:00:00Z"
#define T2016	"2016-01-01T00:00:00Z"
#define T2018	"2018-01-01T00:00:00Z"
#define T2021	"2021-01-01T00:00:00Z"

static const struct {
	const char	*ip;
	const char	*when;
	int		 port;
	int		 status;
	const char	*customer;	/* when found */
	const char	*prefix;	/* when found */
} cases[] = {
	{ "10.1.2.7", T2014, -1, IPMAP_FOUND, "host7", "10.1.2.7/32" },
	{ "10.1.2.6", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.8", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.0", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.255", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.3.0", T2014, -1, IPMAP_FOUND, "ten-one-three", "10.1.3.0/24" },
	{ "10.1.3.255", T2014, -1, IPMAP_FOUND, "ten-one-three",
	    "10.1.3.0/24" },
	{ "10.1.1.255", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.4.0", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.0.0", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.255.255", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.0.255.255", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.2.0.0", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.0.0.0", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.255.255.255", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "9.255.255.255", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "11.0.0.0", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "0.0.0.0", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "255.255.255.254", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "255.255.255.255", T2014, -1, IPMAP_FOUND, "bcast",
	    "255.255.255.255/32" },
	{ "::ffff:10.1.2.7", T2014, -1, IPMAP_FOUND, "host7", "10.1.2.7/32" },
	{ "::ffff:a01:206", T2014, -1, IPMAP_FOUND, "ten-one-two",
	    "10.1.2.0/24" },
	/* validity */
	{ "192.0.2.1", T2014, -1, IPMAP_FOUND, "old", "192.0.2.0/24" },
	{ "192.0.2.1", "2014-12-31T23:59:59Z", -1, IPMAP_FOUND, "old",
	    "192.0.2.0/24" },
	{ "192.0.2.1", T2015, -1, IPMAP_FOUND, "new", "192.0.2.0/24" },
	{ "192.0.2.1", "2015-12-31T23:59:59Z", -1, IPMAP_FOUND, "new",
	    "192.0.2.0/24" },
	{ "192.0.2.1", T2016, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "192.0.2.200", T2015, -1, IPMAP_FOUND, "new", "192.0.2.0/24" },
	{ "192.0.2.1", T2018, -1, IPMAP_FOUND, "inner", "192.0.2.0/25" },
	{ "192.0.2.129", T2018, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	/* ports */
	{ "198.51.100.1", T2014, -1, IPMAP_AMBIGUOUS, NULL, NULL },
	{ "198.51.100.1", T2014, 1024, IPMAP_FOUND, "cgn-a",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 2047, IPMAP_FOUND, "cgn-a",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 2048, IPMAP_FOUND, "cgn-b",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 4095, IPMAP_FOUND, "cgn-b",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 4096, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.1", T2014, 1023, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.2", T2014, -1, IPMAP_FOUND, "solo", "198.51.100.2/32" },
	{ "198.51.100.2", T2014, 80, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.3", T2014, -1, IPMAP_FOUND, "same", "198.51.100.3/32" },
	{ "198.51.100.3", T2014, 150, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.4", T2014, -1, IPMAP_FOUND, "early", "198.51.100.4/32" },
	{ "198.51.100.4", T2014, 50, IPMAP_FOUND, "early", "198.51.100.4/32" },
	{ "198.51.100.4", T2021, -1, IPMAP_AMBIGUOUS, NULL, NULL },
	{ "198.51.100.4", T2021, 50, IPMAP_FOUND, "later-ports",
	    "198.51.100.4/32" },
	{ "198.51.100.4", T2021, 150, IPMAP_FOUND, "later-ports2",
	    "198.51.100.4/32" },
	{ "198.51.100.4", T2021, 250, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	/* IPv6 */
	{ "2001:db8:1::1", T2014, -1, IPMAP_FOUND, "one", "2001:db8:1::1/128" },
	{ "2001:db8:1::", T2014, -1, IPMAP_FOUND, "doc1", "2001:db8:1::/48" },
	{ "2001:db8:1::2", T2014, -1, IPMAP_FOUND, "doc1", "2001:db8:1::/48" },
	{ "2001:db8:1:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "doc1", "2001:db8:1::/48" },
	{ "2001:db8:2::", T2014, -1, IPMAP_FOUND, "doc2", "2001:db8:2::/48" },
	{ "2001:db8:3::", T2014, -1, IPMAP_FOUND, "doc", "2001:db8::/32" },
	{ "2001:db8::", T2014, -1, IPMAP_FOUND, "doc", "2001:db8::/32" },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "doc", "2001:db8::/32" },
	{ "2001:db9::", T2014, -1, IPMAP_FOUND, "world6", "::/0" },
	{ "::", T2014, -1, IPMAP_FOUND, "world6", "::/0" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", T2014, -1, IPMAP_FOUND,
	    "world6", "::/0" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "last6", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
};

/* Write text to path; 0 or -1. */
static int
write_file(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/*
 * The holders over a window: a map without /0, so that an address can
 * have nobody at some instant.
 */
static const char span_source[] =
    "prefix,customer,address,valid_from,valid_until,ports\n"
    "# reassigned at the start of 2015\n"
    "192.0.2.0/24,old,old@example.com,,2015-01-01T00:00:00Z,\n"
    "192.0.2.0/24,new,new@example.com,2015-01-01T00:00:00Z,,\n"
    "# nobody in 2015\n"
    "198.51.100.0/24,gap-a,a@example.com,,2015-01-01T00:00:00Z,\n"
    "198.51.100.0/24,gap-b,b@example.com,2016-01-01T00:00:00Z,,\n"
    "# a /28 of inner inside the /24 of outer, in 2015 only\n"
    "203.0.113.0/24,outer,outer@example.com,,,\n"
    "203.0.113.0/28,inner,inner@example.com,2015-01-01T00:00:00Z,"
        "2016-01-01T00:00:00Z,\n"
    "# held whole until 2015, then split by ports\n"
    "10.0.0.0/24,whole,whole@example.com,,2015-01-01T00:00:00Z,\n"
    "10.0.0.1,cgn-a,a@cgn.example,2015-01-01T00:00:00Z,,1024-2047\n"
    "10.0.0.1,cgn-b,b@cgn.example,2015-01-01T00:00:00Z,,2048-4095\n"
    "# one customer on a /16, and on a /24 inside it in 2015\n"
    "172.16.0.0/16,same,same16@example.com,,,\n"
    "172.16.1.0/24,same,same24@example.com,2015-01-01T00:00:00Z,"
        "2016-01-01T00:00:00Z,\n"
    "# ten customers one after the other, a year each\n"
    "10.9.9.0/24,y2010,y@example.com,,2011-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2011,y@example.com,2011-01-01T00:00:00Z,"
        "2012-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2012,y@example.com,2012-01-01T00:00:00Z,"
        "2013-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2013,y@example.com,2013-01-01T00:00:00Z,"
        "2014-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2014,y@example.com,2014-01-01T00:00:00Z,"
        "2015-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2015,y@example.com,2015-01-01T00:00:00Z,"
        "2016-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2016,y@example.com,2016-01-01T00:00:00Z,"
        "2017-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2017,y@example.com,2017-01-01T00:00:00Z,"
        "2018-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2018,y@example.com,2018-01-01T00:00:00Z,"
        "2019-01-01T00:00:00Z,\n"
    "10.9.9.0/24,y2019,y@example.com,2019-01-01T00:00:00Z,,\n"
    "# IPv6: reassigned in 2015, a /48 inside for June 2015\n"
    "2001:db8::/32,v6a,a@example.net,,2015-01-01T00:00:00Z,\n"
    "2001:db8::/32,v6b,b@example.net,2015-01-01T00:00:00Z,,\n"
    "2001:db8:1::/48,v6in,in@example.net,2015-06-01T00:00:00Z,"
        "2015-07-01T00:00:00Z,\n";

#define TMIN	"min"		/* INT64_MIN + 1 */
#define TMAX	"max"		/* INT64_MAX */
#define T2015J	"2015-06-15T00:00:00Z"

static const struct {
	const char	*ip;
	const char	*t0, *t1;
	int		 port;
	int		 status;
	const char	*holders;	/* customers in time order */
	int		 gap, ambiguous, more;
} span_cases[] = {
	/* reassignment after, inside, before the window, at its ends */
	{ "192.0.2.1", T2014, "2014-12-31T23:59:59Z", -1, IPMAP_FOUND,
	    "old", 0, 0, 0 },
	{ "192.0.2.1", T2014, T2015J, -1, IPMAP_FOUND, "old new", 0, 0, 0 },
	{ "192.0.2.1", T2014, T2015, -1, IPMAP_FOUND, "old new", 0, 0, 0 },
	{ "192.0.2.1", T2015, T2016, -1, IPMAP_FOUND, "new", 0, 0, 0 },
	{ "192.0.2.1", "2014-12-31T23:59:59Z", "2014-12-31T23:59:59Z", -1,
	    IPMAP_FOUND, "old", 0, 0, 0 },
	{ "192.0.2.1", TMIN, TMAX, -1, IPMAP_FOUND, "old new", 0, 0, 0 },
	/* a gap */
	{ "198.51.100.1", T2014, T2018, -1, IPMAP_FOUND, "gap-a gap-b", 1,
	    0, 0 },
	{ "198.51.100.1", T2014, "2014-12-31T23:59:59Z", -1, IPMAP_FOUND,
	    "gap-a", 0, 0, 0 },
	{ "198.51.100.1", T2015J, T2015J, -1, IPMAP_NOTFOUND, "", 1, 0, 0 },
	{ "198.51.100.1", T2015, "2015-12-31T23:59:59Z", -1, IPMAP_NOTFOUND,
	    "", 1, 0, 0 },
	{ "198.51.100.1", T2015J, T2016, -1, IPMAP_FOUND, "gap-b", 1, 0, 0 },
	{ "198.51.100.1", T2016, T2018, -1, IPMAP_FOUND, "gap-b", 0, 0, 0 },
	{ "192.0.2.255", T2014, T2018, -1, IPMAP_FOUND, "old new", 0, 0, 0 },
	{ "8.8.8.8", T2014, T2018, -1, IPMAP_NOTFOUND, "", 1, 0, 0 },
	{ "255.255.255.255", TMIN, TMAX, -1, IPMAP_NOTFOUND, "", 1, 0, 0 },
	/* nested prefixes valid part of the window */
	{ "203.0.113.1", T2014, T2018, -1, IPMAP_FOUND, "outer inner", 0, 0,
	    0 },
	{ "203.0.113.15", T2015J, T2018, -1, IPMAP_FOUND, "inner outer", 0, 0,
	    0 },
	{ "203.0.113.1", T2015J, T2015J, -1, IPMAP_FOUND, "inner", 0, 0, 0 },
	{ "203.0.113.16", T2014, T2018, -1, IPMAP_FOUND, "outer", 0, 0, 0 },
	{ "203.0.113.1", T2014, "2014-12-31T23:59:59Z", -1, IPMAP_FOUND,
	    "outer", 0, 0, 0 },
	{ "172.16.1.1", T2014, T2018, -1, IPMAP_FOUND, "same", 0, 0, 0 },
	/* port-split rows, with and without a port */
	{ "10.0.0.1", T2014, T2015J, -1, IPMAP_AMBIGUOUS, "whole", 0, 1, 0 },
	{ "10.0.0.1", T2015, T2018, -1, IPMAP_AMBIGUOUS, "", 0, 1, 0 },
	{ "10.0.0.1", T2014, T2015J, 1024, IPMAP_FOUND, "whole cgn-a", 0, 0,
	    0 },
	{ "10.0.0.1", T2014, T2015J, 4095, IPMAP_FOUND, "whole cgn-b", 0, 0,
	    0 },
	{ "10.0.0.1", T2014, T2015J, 5000, IPMAP_FOUND, "whole", 1, 0, 0 },
	{ "10.0.0.1", T2015, T2018, 2048, IPMAP_FOUND, "cgn-b", 0, 0, 0 },
	{ "10.0.0.2", T2014, T2015J, -1, IPMAP_FOUND, "whole", 1, 0, 0 },
	/* more holders than fit */
	{ "10.9.9.9", TMIN, TMAX, -1, IPMAP_FOUND,
	    "y2010 y2011 y2012 y2013 y2014 y2015 y2016 y2017", 0, 0, 1 },
	{ "10.9.9.9", "2011-06-01T00:00:00Z", "2018-12-31T23:59:59Z", -1,
	    IPMAP_FOUND, "y2011 y2012 y2013 y2014 y2015 y2016 y2017 y2018",
	    0, 0, 0 },
	/* IPv6 */
	{ "2001:db8::1", T2014, T2018, -1, IPMAP_FOUND, "v6a v6b", 0, 0, 0 },
	{ "2001:db8:1::1", T2014, T2018, -1, IPMAP_FOUND, "v6a v6b v6in", 0,
	    0, 0 },
	{ "2001:db8:1::1", T2015J, T2015J, -1, IPMAP_FOUND, "v6in", 0, 0, 0 },
	{ "2001:db9::1", T2014, T2018, -1, IPMAP_NOTFOUND, "", 1, 0, 0 },
	{ "::ffff:192.0.2.1", T2014, T2018, -1, IPMAP_FOUND, "old new", 0, 0,
	    0 },
};

/* Parse a test time: RFC 3339, TMIN or TMAX; 0 or -1. */
static int
test_time(const char *s, int64_t *t)
{
	if (strcmp(s, TMIN) == 0) {
		*t = INT64_MIN + 1;
		return 0;
	}
	if (strcmp(s, TMAX) == 0) {
		*t = INT64_MAX;
		return 0;
	}
	return time_parse_rfc3339(s, strlen(s), t);
}

/* The customers of h, separated by spaces, into out. */
static void
holder_names(const struct ipmap_holders *h, char *out, size_t size)
{
	size_t	 i, o = 0;
	int	 w;

	out[0] = '\0';
	for (i = 0; i < h->n && o < size; i++) {
		w = snprintf(out + o, size - o, "%s%s", i ? " " : "",
		    h->holder[i].customer);
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

/* Non-zero if two answers are the same, field by field. */
static int
result_equal(const struct ipmap_result *x, const struct ipmap_result *y)
{
	return strcmp(x->customer, y->customer) == 0 &&
	    strcmp(x->address, y->address) == 0 &&
	    ipaddr_cmp(&x->prefix, &y->prefix) == 0 && x->plen == y->plen &&
	    x->valid_from == y->valid_from &&
	    x->valid_until == y->valid_until && x->port_lo == y->port_lo &&
	    x->port_hi == y->port_hi && x->serial == y->serial;
}

/*
 * Non-zero if the span lookup of [t, t] gives what ipmap_lookup() gives
 * at t: the same status and, when found, the same one answer.
 */
static int
span_point_agrees(ipmap_t *map, const struct ipaddr *a, int64_t t, int port)
{
	struct ipmap_holders h;
	struct ipmap_result r;
	int	 st, sst;

	memset(&r, 0, sizeof(r));
	st = ipmap_lookup(map, a, t, port, &r);
	sst = ipmap_lookup_span(map, a, t, t, port, &h);
	if (st != sst)
		return 0;
	switch (st) {
	case IPMAP_FOUND:
		return h.n == 1 && !h.gap && !h.ambiguous && !h.more &&
		    result_equal(&h.holder[0], &r);
	case IPMAP_NOTFOUND:
		return h.n == 0 && h.gap && !h.ambiguous;
	case IPMAP_AMBIGUOUS:
		return h.n == 0 && !h.gap && h.ambiguous &&
		    h.serial == r.serial;
	}
	return 1;
}

/* The span cases, on the map in directory mapdir built from csv. */
static void
test_span(const char *mapdir, const char *csv)
{
	static const char *points[] = { TMIN, T2014, T2015, T2015J,
	    "2015-06-01T00:00:00Z", "2015-07-01T00:00:00Z", T2016, T2018,
	    "2014-12-31T23:59:59Z", "2015-12-31T23:59:59Z", TMAX };
	static const int ports[] = { -1, 0, 1024, 2048, 4095, 5000 };
	struct ipmap_build_result res;
	struct ipmap_holders h;
	struct ipaddr	 a;
	buf_t		 errs;
	ipmap_t		*map;
	char		 names[IPMAP_HOLDERS_MAX * IPMAP_CUSTOMER_MAX];
	char		 err[512];
	int64_t		 t0, t1;
	size_t		 i, j, k, bad;
	int		 st;
	uint64_t	 serial_a;

	buf_init(&errs, 1 << 20);
	ok(write_file(csv, span_source) == 0, "span: source written");
	if (!ok(ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "span: the source loads"))
		diag("%s", errs.data);
	map = ipmap_open(mapdir, err, sizeof(err));
	for (i = 0; i < sizeof(span_cases) / sizeof(span_cases[0]); i++) {
		if (ipaddr_parse(span_cases[i].ip, strlen(span_cases[i].ip), 0,
		    &a) == -1 || test_time(span_cases[i].t0, &t0) == -1 ||
		    test_time(span_cases[i].t1, &t1) == -1) {
			ok(0, "span case %zu parses", i);
			continue;
		}
		memset(&h, 0x55, sizeof(h));
		st = ipmap_lookup_span(map, &a, t0, t1, span_cases[i].port, &h);
		holder_names(&h, names, sizeof(names));
		if (!ok(st == span_cases[i].status &&
		    strcmp(names, span_cases[i].holders) == 0 &&
		    h.gap == span_cases[i].gap &&
		    h.ambiguous == span_cases[i].ambiguous &&
		    h.more == span_cases[i].more && h.serial == res.serial,
		    "span %s over [%s, %s] port %d: status %d, holders \"%s\","
		    " gap %d, ambiguous %d, more %d", span_cases[i].ip,
		    span_cases[i].t0, span_cases[i].t1, span_cases[i].port,
		    span_cases[i].status, span_cases[i].holders,
		    span_cases[i].gap, span_cases[i].ambiguous,
		    span_cases[i].more))
			diag("  got status %d, holders \"%s\", gap %d, "
			    "ambiguous %d, more %d, serial %llu", st, names,
			    h.gap, h.ambiguous, h.more,
			    (unsigned long long)h.serial);
	}

	/* Each holder is its answer at the latest instant it held. */
	ipaddr_parse("172.16.1.1", 10, 0, &a);
	test_time(T2014, &t0);
	test_time(T2018, &t1);
	ok(ipmap_lookup_span(map, &a, t0, t1, -1, &h) == IPMAP_FOUND &&
	    h.n == 1 && h.holder[0].plen == 16 &&
	    strcmp(h.holder[0].address, "same16@example.com") == 0,
	    "span: one holder on two prefixes keeps the latest (the /16)");
	test_time("2015-12-31T23:59:59Z", &t1);
	ok(ipmap_lookup_span(map, &a, t0, t1, -1, &h) == IPMAP_FOUND &&
	    h.n == 1 && h.holder[0].plen == 24 &&
	    h.holder[0].valid_from == 1420070400 &&
	    h.holder[0].valid_until == 1451606400 &&
	    strcmp(h.holder[0].address, "same24@example.com") == 0,
	    "span: ... and the /24 with its validity when it ends there");
	ipaddr_parse("203.0.113.1", 11, 0, &a);
	ok(ipmap_lookup_span(map, &a, t0, t1, -1, &h) == IPMAP_FOUND &&
	    h.n == 2 && h.holder[0].plen == 24 && h.holder[1].plen == 28 &&
	    h.holder[1].valid_until == 1451606400,
	    "span: nested holders carry their own prefix and validity");

	/* A window of one instant answers as ipmap_lookup(). */
	bad = 0;
	for (i = 0; i < sizeof(span_cases) / sizeof(span_cases[0]); i++)
		for (j = 0; j < sizeof(points) / sizeof(points[0]); j++)
			for (k = 0; k < sizeof(ports) / sizeof(ports[0]);
			    k++) {
				if (ipaddr_parse(span_cases[i].ip,
				    strlen(span_cases[i].ip), 0, &a) == -1 ||
				    test_time(points[j], &t0) == -1 ||
				    !span_point_agrees(map, &a, t0, ports[k]))
					bad++;
			}
	is_int(bad, 0, "span: [t, t] equals ipmap_lookup at t (%zu points)",
	    sizeof(span_cases) / sizeof(span_cases[0]) *
	    (sizeof(points) / sizeof(points[0])) *
	    (sizeof(ports) / sizeof(ports[0])));

	/* Bad arguments. */
	ipaddr_parse("192.0.2.1", 9, 0, &a);
	is_int(ipmap_lookup_span(map, &a, 2, 1, -1, &h), IPMAP_ERROR,
	    "span: t0 > t1 is an error");
	a.family = 99;
	is_int(ipmap_lookup_span(map, &a, 1, 2, -1, &h), IPMAP_ERROR,
	    "span: an address of no family is an error");

	/* A pinned thread's span answers from its generation. */
	ipaddr_parse("192.0.2.1", 9, 0, &a);
	serial_a = ipmap_pin(map);
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "192.0.2.0/24,later,later@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "span: a new map loaded while pinned");
	ok(ipmap_lookup_span(map, &a, INT64_MIN + 1, INT64_MAX, -1, &h) ==
	    IPMAP_FOUND && h.n == 2 && h.serial == serial_a &&
	    h.holder[1].serial == serial_a,
	    "span: pinned, the old map answers");
	ipmap_unpin(map);
	ok(ipmap_lookup_span(map, &a, INT64_MIN + 1, INT64_MAX, -1, &h) ==
	    IPMAP_FOUND && h.n == 1 && h.serial == res.serial &&
	    strcmp(h.holder[0].customer, "later") == 0,
	    "span: unpinned, the new map answers");
	ipmap_close(map);

	/* No map: an error, never a miss. */
	map = ipmap_open(csv, err, sizeof(err));
	is_int(ipmap_lookup_span(map, &a, 1, 2, -1, &h), IPMAP_ERROR,
	    "span: without a map is an error");
	ipmap_close(map);
	buf_free(&errs);
}

/* Look up text ip at RFC 3339 time; status, customer into cust. */
static int
look(ipmap_t *map, const char *ip, const char *when, int port,
    struct ipmap_result *r)
{
	struct ipaddr	 a;
	int64_t		 t;

	if (ipaddr_parse(ip, strlen(ip), 0, &a) == -1 ||
	    time_parse_rfc3339(when, strlen(when), &t) == -1)
		return -99;
	return ipmap_lookup(map, &a, t, port, r);
}

int
main(void)
{
	struct ipmap_build_result res;
	struct ipmap_build_opts opts;
	struct ipmap_result r;
	char		 dir[256], mapdir[300], csv[400], err[512], pfx[64];
	char		 a[IPADDR_STRLEN], hash[80];
	const char	*tmp = getenv("TMPDIR");
	buf_t		 errs;
	ipmap_t		*map, *map2;
	size_t		 i;
	int		 st, rc;
	int64_t		 built;
	FILE		*fp;

	tap_plan(0);
	(void)tap_skip_all;
	snprintf(dir, sizeof(dir), "%s/test_ipmap.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	snprintf(mapdir, sizeof(mapdir), "%s/map", dir);
	snprintf(csv, sizeof(csv), "%s/src.csv", dir);

	/* No map yet: errors, not misses, and no crash. */
	map = ipmap_open(mapdir, err, sizeof(err));
	ok(map != NULL, "open of a missing map directory gives a handle");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_ERROR,
	    "lookup without a map is an error");
	is_int(ipmap_serial(map), 0, "serial without a map is 0");
	ok(ipmap_info(map, &built, hash, sizeof(hash)) == -1,
	    "info without a map fails");

	/* Build, with a tiny first map size so that it has to grow: 1000
	 * more rows under 172.16.0.0/12 make it too big for 16 KB. */
	ok(write_file(csv, source) == 0, "source written");
	if ((fp = fopen(csv, "a")) != NULL) {
		for (i = 0; i < 1000; i++)
			fprintf(fp, "172.16.%zu.%zu/30,filler%zu,"
			    "filler%zu@example.com,,,\n", i / 64, i % 64 * 4, i,
			    i);
		fclose(fp);
	}
	memset(&opts, 0, sizeof(opts));
	opts.mapsize = 16384;
	buf_init(&errs, 1 << 20);
	rc = ipmap_build_file(mapdir, csv, &opts, &errs, &res);
	if (!ok(rc == 0, "the source loads"))
		diag("%s", errs.data);
	ok(res.regrown > 0, "a full map grew (MDB_MAP_FULL handled, %d times)",
	    res.regrown);
	is_int(res.serial, 1, "the first build has serial 1");

	/* The open handle picks the map up by itself (hint file). */
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "the handle opened before the map finds it");
	is_int(ipmap_serial(map), 1, "serial is 1");
	ok(ipmap_info(map, &built, hash, sizeof(hash)) == 0 &&
	    strlen(hash) == 64, "info gives the build time and a SHA-256");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		st = look(map, cases[i].ip, cases[i].when, cases[i].port, &r);
		if (!ok(st == cases[i].status, "%s at %s port %d: status %d",
		    cases[i].ip, cases[i].when, cases[i].port,
		    cases[i].status)) {
			diag("  got %d (%s)", st, st == IPMAP_FOUND ?
			    r.customer : "");
			continue;
		}
		if (st == IPMAP_AMBIGUOUS)
			is_int(r.serial, 1, "%s: ambiguous carries the serial",
			    cases[i].ip);
		if (st != IPMAP_FOUND)
			continue;
		ipaddr_format(&r.prefix, a, sizeof(a));
		snprintf(pfx, sizeof(pfx), "%s/%d", a, r.plen);
		is_str(r.customer, cases[i].customer, "%s: customer",
		    cases[i].ip);
		is_str(pfx, cases[i].prefix, "%s: matched prefix", cases[i].ip);
	}

	/* Result details. */
	look(map, "192.0.2.1", T2015, -1, &r);
	is_str(r.address, "new@example.com", "address is returned");
	is_int(r.valid_from, 1420070400, "valid_from is returned");
	is_int(r.valid_until, 1451606400, "valid_until is returned");
	is_int(r.port_lo, -1, "no ports: port_lo is -1");
	look(map, "198.51.100.1", T2015, 3000, &r);
	ok(r.port_lo == 2048 && r.port_hi == 4095, "ports are returned");
	look(map, "10.1.2.7", T2015, -1, &r);
	ok(r.valid_from == IPMAP_OPEN_END && r.valid_until == IPMAP_OPEN_END,
	    "open validity is IPMAP_OPEN_END");

	/* Replace the map: the handle moves to the new one. */
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,replaced,r@example.com\n") == 0, "second source");
	buf_reset(&errs);
	ok(ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "the second source loads");
	is_int(res.serial, 2, "serial 2");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "lookup after the replacement");
	is_str(r.customer, "replaced", "the new map answers at once");
	is_int(r.serial, 2, "the answer carries serial 2");
	is_int(look(map, "192.0.2.1", T2014, -1, &r), IPMAP_NOTFOUND,
	    "a prefix of the old map only is gone");

	/* A bad source changes nothing. */
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.1/8,bad,bad@example.com\n") == 0, "bad source");
	buf_reset(&errs);
	is_int(ipmap_build_file(mapdir, csv, NULL, &errs, &res), -1,
	    "a bad source fails");
	ok(strstr(errs.data, ":2: prefix \"10.0.0.1/8\": host bits set") !=
	    NULL, "the error names line 2");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "the old map still answers");
	is_int(r.serial, 2, "still serial 2");

	/* Addresses Postfix would rewrite are refused, each at its line:
	 * added as written, stored rewritten, they would be removed with
	 * the desk recipient. */
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,q,\"\"\"abuse\"\"@provider.test\"\n"
	    "10.1.0.0/16,d,abuse@c1.example.\n"
	    "10.2.0.0/16,r,@relay.example:abuse@c1.example\n"
	    "10.3.0.0/16,p,user%c1@provider.test\n"
	    "10.4.0.0/16,s,\"\"\"first last\"\"@c1.example\"\n") == 0,
	    "source with rewritten addresses");
	buf_reset(&errs);
	is_int(ipmap_build_file(mapdir, csv, NULL, &errs, &res), -1,
	    "a source with addresses Postfix rewrites fails");
	ok(strstr(errs.data, ":2: address \"?abuse?@provider.test\" is not "
	    "a mailbox: quoted local part that needs no quotes") != NULL &&
	    strstr(errs.data, ":3: address") != NULL &&
	    strstr(errs.data, ":4: address") != NULL &&
	    strstr(errs.data, ":5: address") != NULL &&
	    strstr(errs.data, ":6:") == NULL,
	    "each is named at its line; a quoted local part with a space is "
	    "taken: %s", errs.data);
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "the old map still answers");

	/* A second handle in the same process. */
	map2 = ipmap_open(mapdir, err, sizeof(err));
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "a second handle works");
	ipmap_close(map2);
	is_int(look(map, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "the first handle still works after the second closed");

	/* Older generations are removed, the previous one is kept. */
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,third,t@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "third load");
	snprintf(csv, sizeof(csv), "%s/map.1.mdb", mapdir);
	ok(access(csv, F_OK) == -1, "generation 1 was removed");
	snprintf(csv, sizeof(csv), "%s/map.2.mdb", mapdir);
	ok(access(csv, F_OK) == 0, "generation 2 (the previous) is kept");

	/* Garbage in the directory: the map in service stays. */
	snprintf(csv, sizeof(csv), "%s/map.9.mdb", mapdir);
	write_file(csv, "this is not an LMDB file\n");
	snprintf(csv, sizeof(csv), "%s/current", mapdir);
	unlink(csv);
	if (symlink("map.9.mdb", csv) == -1)
		diag("symlink: %s", strerror(errno));
	map2 = ipmap_open(mapdir, err, sizeof(err));
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_ERROR,
	    "a fresh handle on a garbage map answers error");
	ok(strlen(err) > 0, "open says why: %s", err);
	snprintf(csv, sizeof(csv), "%s/src.csv", dir);
	buf_reset(&errs);
	ok(ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "a good map is loaded over the garbage");
	is_int(res.serial, 10, "its serial is past the garbage's");
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "the handle recovers when a good map appears");
	ipmap_close(map2);

	/* A pinned thread stays on its generation until it unpins. */
	snprintf(csv, sizeof(csv), "%s/pin.csv", dir);
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-a,a@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map A loaded");
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-a") == 0, "map A answers");
	is_int(ipmap_pin(map), res.serial, "pin returns the serial of A");
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-b,b@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map B loaded while pinned");
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-a") == 0, "pinned: A still answers");
	ipmap_unpin(map);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-b") == 0, "unpinned: B answers");

	/* A directory removed and built again reuses file names. */
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mapdir);
		ok(system(cmd) == 0, "map directory removed");
	}
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-c,c@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map C loaded into a new directory");
	is_int(res.serial, 1, "the new directory starts at serial 1");
	usleep(1100 * 1000);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-c") == 0,
	    "the rebuilt directory's map is taken (got %s)", r.customer);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mapdir);
		ok(system(cmd) == 0, "map directory removed again");
	}
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-d,d@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0 &&
	    res.serial == 1, "map D loaded with the same serial and file name");
	usleep(1100 * 1000);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-d") == 0,
	    "a new file under the old name is taken (got %s)", r.customer);

	/* Holders over a window, on a map of their own. */
	snprintf(mapdir, sizeof(mapdir), "%s/spanmap", dir);
	snprintf(csv, sizeof(csv), "%s/span.csv", dir);
	test_span(mapdir, csv);

	/* Dump. */
	snprintf(csv, sizeof(csv), "%s/dump.csv", dir);
	fp = fopen(csv, "w");
	ok(fp != NULL && ipmap_dump(map, fp, err, sizeof(err)) == 0,
	    "dump works");
	if (fp)
		fclose(fp);
	ipmap_close(map);
	buf_free(&errs);

	/* Clean up. */
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return tap_done();
}
