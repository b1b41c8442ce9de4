/*
 * test_ipaddr.c - table-driven tests of address and prefix parsing and
 * of RFC 5952 formatting, hostile input included.
 */
#include "config.h"

#include <string.h>

#include "ipaddr.h"
#include "tap.h"

static const struct {
	const char	*in;
	int		 flags;
	const char	*want;	/* formatted result, NULL: must be refused */
} parse_cases[] = {
	{ "192.0.2.1", 0, "192.0.2.1" },
	{ "0.0.0.0", 0, "0.0.0.0" },
	{ "255.255.255.255", 0, "255.255.255.255" },
	{ "999.1.1.1", 0, NULL },
	{ "256.1.1.1", 0, NULL },
	{ "1.2.3.4.5", 0, NULL },
	{ "1.2.3", 0, NULL },
	{ "1.2.3.", 0, NULL },
	{ ".1.2.3", 0, NULL },
	{ "1..2.3", 0, NULL },
	{ "010.1.1.1", 0, NULL },
	{ "1.1.1.00", 0, NULL },
	{ "0x7f.0.0.1", 0, NULL },
	{ "", 0, NULL },
	{ " 192.0.2.1", 0, NULL },
	{ "192.0.2.1 ", 0, NULL },
	{ "192.0.2.1/24", 0, NULL },
	{ "+1.2.3.4", 0, NULL },
	{ "1.2.3.-4", 0, NULL },
	{ "2001:db8::1", 0, "2001:db8::1" },
	{ "2001:DB8::1", 0, "2001:db8::1" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", 0, "2001:db8::1" },
	{ "::", 0, "::" },
	{ "::1", 0, "::1" },
	{ "1::", 0, "1::" },
	{ "2001:db8:0:0:1:0:0:1", 0, "2001:db8::1:0:0:1" },
	{ "2001:db8:0:1:1:1:1:1", 0, "2001:db8:0:1:1:1:1:1" },
	{ "2001:0:0:1:0:0:0:1", 0, "2001:0:0:1::1" },
	{ "1:2:3:4:5:6:7:8", 0, "1:2:3:4:5:6:7:8" },
	{ "1:2:3:4:5:6:7::", 0, "1:2:3:4:5:6:7:0" },
	{ "::1:2:3:4:5:6:7:8", 0, NULL },
	{ "1:2:3:4::5:6:7:8", 0, NULL },
	{ "1:2:3:4:5:6:7:8:9", 0, NULL },
	{ "1:2:3:4:5:6:7", 0, NULL },
	{ "1::2::3", 0, NULL },
	{ ":1::2", 0, NULL },
	{ "1::2:", 0, NULL },
	{ ":::", 0, NULL },
	{ "12345::1", 0, NULL },
	{ "g::1", 0, NULL },
	{ "fe80::1%eth0", 0, NULL },
	{ "fe80::1%1", 0, NULL },
	{ "::ffff:192.0.2.1", 0, "192.0.2.1" },
	{ "::FFFF:c000:0201", 0, "192.0.2.1" },
	{ "::ffff:999.1.1.1", 0, NULL },
	{ "::ffff:01.2.3.4", 0, NULL },
	{ "::ffff:1.2.3", 0, NULL },
	{ "::1.2.3.4", 0, "::102:304" },
	{ "64:ff9b::192.0.2.1", 0, "64:ff9b::c000:201" },
	{ "1.2.3.4::", 0, NULL },
	{ "::1.2.3.4:5", 0, NULL },
	{ "1:2:3:4:5:6:1.2.3.4", 0, "1:2:3:4:5:6:102:304" },
	{ "1:2:3:4:5:6:7:1.2.3.4", 0, NULL },
	{ "192.0.2[.]1", 0, NULL },
	{ "192.0.2[.]1", IPADDR_DEFANGED, "192.0.2.1" },
	{ "192[.]0[.]2[.]1", IPADDR_DEFANGED, "192.0.2.1" },
	{ "192.0.2(.)1", IPADDR_DEFANGED, "192.0.2.1" },
	{ "2001:db8[:]1", IPADDR_DEFANGED, "2001:db8::1" },
	{ "2001:db8[::]1", IPADDR_DEFANGED, "2001:db8::1" },
	{ "2001[:]db8[:]0[:]0[:]0[:]0[:]0[:]1", IPADDR_DEFANGED,
	    "2001:db8::1" },
	{ "2001[:]db8[:]1[:]2", IPADDR_DEFANGED, NULL },
	{ "2001:db8[:]:1", IPADDR_DEFANGED, "2001:db8::1" },
	{ "2001[:]db8::1", IPADDR_DEFANGED, "2001:db8::1" },
	{ "192.0.2(:)1", IPADDR_DEFANGED, NULL },
	{ "192.0.2[..]1", IPADDR_DEFANGED, NULL },
	{ "192.0.2[.1", IPADDR_DEFANGED, NULL },
	{ "192.0.2.1", IPADDR_DEFANGED, "192.0.2.1" },
	{ "fe80::1%eth0", IPADDR_DEFANGED, NULL },
};

static const struct {
	const char	*in;
	const char	*want;	/* "addr/len", NULL: refused */
} prefix_cases[] = {
	{ "192.0.2.0/24", "192.0.2.0/24" },
	{ "192.0.2.1", "192.0.2.1/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "192.0.2.1/24", NULL },		/* host bits set */
	{ "192.0.2.0/33", NULL },
	{ "192.0.2.0/", NULL },
	{ "192.0.2.0/024", NULL },
	{ "192.0.2.0/2x", NULL },
	{ "192.0.2.0/-1", NULL },
	{ "192.0.2.0/1000", NULL },
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "10.128.0.0/8", NULL },
	{ "2001:db8:1::/48", "2001:db8:1::/48" },
	{ "2001:db8::1", "2001:db8::1/128" },
	{ "::/0", "::/0" },
	{ "2001:db8::1/64", NULL },
	{ "2001:db8::/129", NULL },
	{ "::ffff:192.0.2.0/120", "192.0.2.0/24" },
	{ "::ffff:192.0.2.0/64", NULL },
	{ "::ffff:192.0.2.1", "192.0.2.1/32" },
	{ "bogus/8", NULL },
	{ "", NULL },
	{ "/8", NULL },
};

/* Tokens read as a person reads an address field (ipaddr_parse_token). */
static const struct {
	const char	*in;
	int		 rc;		/* 1 read, 0 no address, -1 unreadable */
	const char	*want;		/* address, when rc is 1 */
	int		 port, plen;
} token_cases[] = {
	{ "192.0.2.1", 1, "192.0.2.1", -1, 32 },
	{ "192.0.2.1:8080", 1, "192.0.2.1", 8080, 32 },
	{ "192.0.2.1:0", -1, NULL, -1, 0 },
	{ "192.0.2.1:70000", -1, NULL, -1, 0 },
	{ "[2001:db8::1]:443", 1, "2001:db8::1", 443, 128 },
	{ "[2001:db8::1]", 1, "2001:db8::1", -1, 128 },
	{ "[192.0.2.7]:25", 1, "192.0.2.7", 25, 32 },
	{ "010.001.002.003", 1, "10.1.2.3", -1, 32 },
	{ "192.000.002.010", 1, "192.0.2.10", -1, 32 },
	{ "192.0.2.0/24", 1, "192.0.2.0", -1, 24 },
	{ "2001:db8::/48", 1, "2001:db8::", -1, 48 },
	{ "192.0.2.1/24", -1, NULL, -1, 0 },	/* host bits set */
	{ "192.0.2.300", -1, NULL, -1, 0 },
	{ "0192.0.2.1", -1, NULL, -1, 0 },	/* four digits */
	{ "192[.]0[.]2[.]9", 1, "192.0.2.9", -1, 32 },
	{ "192.0.2(.)9:22", 1, "192.0.2.9", 22, 32 },
	{ "\"192.0.2.5\",", 1, "192.0.2.5", -1, 32 },
	{ "(192.0.2.5).", 1, "192.0.2.5", -1, 32 },
	{ "10:50:41", 0, NULL, -1, 0 },		/* a time of day */
	{ "12:34:56.789", 0, NULL, -1, 0 },
	{ "1.2.3", 0, NULL, -1, 0 },
	{ "v1.2", 0, NULL, -1, 0 },
	{ "2001:db8::zz", -1, NULL, -1, 0 },
	{ "[2001:db8::1", -1, NULL, -1, 0 },
	{ "", 0, NULL, -1, 0 },
};

int
main(void)
{
	struct ipaddr	 ip, ip2;
	char		 out[IPADDR_STRLEN], want[64], got[64];
	char		 big[4096];
	const char	*why;
	size_t		 i;
	int		 r, plen;

	tap_plan(0);
	(void)tap_skip_all;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const char *in = parse_cases[i].in;

		r = ipaddr_parse(in, strlen(in), parse_cases[i].flags, &ip);
		if (parse_cases[i].want == NULL) {
			ok(r == -1, "\"%s\"%s is refused", in,
			    parse_cases[i].flags ? " (defanged)" : "");
			continue;
		}
		if (!ok(r == 0, "\"%s\" parses", in))
			continue;
		ok(ipaddr_format(&ip, out, sizeof(out)) > 0, "\"%s\" formats",
		    in);
		is_str(out, parse_cases[i].want, "\"%s\" reads as %s", in,
		    parse_cases[i].want);
	}

	for (i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]); i++) {
		const char *in = token_cases[i].in;
		int	 port = 99, tplen = 0;

		r = ipaddr_parse_token(in, strlen(in), &ip, &port, &tplen);
		if (token_cases[i].rc != 1) {
			ok(r == token_cases[i].rc, "token \"%s\" is %s (got %d)",
			    in, token_cases[i].rc == 0 ? "no address" :
			    "unreadable", r);
			continue;
		}
		out[0] = '\0';
		if (r == 1)
			(void)ipaddr_format(&ip, out, sizeof(out));
		ok(r == 1 && strcmp(out, token_cases[i].want) == 0 &&
		    port == token_cases[i].port &&
		    tplen == token_cases[i].plen,
		    "token \"%s\" reads as %s port %d /%d (got %d %s %d /%d)",
		    in, token_cases[i].want, token_cases[i].port,
		    token_cases[i].plen, r, out, port, tplen);
	}

	/* Length is honoured: no NUL needed, nothing past len read. */
	ok(ipaddr_parse("192.0.2.1junk", 9, 0, &ip) == 0 &&
	    ip.family == IPADDR_V4 && ip.a[3] == 1,
	    "parsing stops at len, the rest is not looked at");
	ok(ipaddr_parse("192.0.2.1", 0, 0, &ip) == -1, "zero length refused");
	memset(big, '1', sizeof(big));
	ok(ipaddr_parse(big, sizeof(big), 0, &ip) == -1,
	    "4096 digits refused");
	memset(big, ':', sizeof(big));
	ok(ipaddr_parse(big, sizeof(big), IPADDR_DEFANGED, &ip) == -1,
	    "4096 colons refused");
	for (i = 0; i + 3 <= sizeof(big); i += 3)
		memcpy(big + i, "[.]", 3);
	ok(ipaddr_parse(big, i, IPADDR_DEFANGED, &ip) == -1,
	    "a long run of defanged dots refused");

	/* Families, mapping, comparison. */
	ipaddr_parse("::ffff:192.0.2.1", 16, 0, &ip);
	ipaddr_parse("192.0.2.1", 9, 0, &ip2);
	ok(ip.family == IPADDR_V4 && ipaddr_cmp(&ip, &ip2) == 0,
	    "IPv4-mapped IPv6 equals the IPv4 address");
	is_int(ipaddr_bits(&ip), 32, "IPv4 is 32 bits wide");
	ipaddr_parse("::1", 3, 0, &ip2);
	is_int(ipaddr_bits(&ip2), 128, "IPv6 is 128 bits wide");
	ok(ipaddr_cmp(&ip, &ip2) < 0, "IPv4 sorts before IPv6");
	ipaddr_parse("192.0.2.2", 9, 0, &ip2);
	ok(ipaddr_cmp(&ip, &ip2) < 0, "192.0.2.1 < 192.0.2.2");
	ok(ipaddr_format(&ip, out, 9) == -1, "a short output buffer fails");
	is_int(ipaddr_format(&ip, out, 10), 9, "an exact buffer is enough");
	ipaddr_parse("1111:2222:3333:4444:5555:6666:7777:8888", 39, 0, &ip);
	is_int(ipaddr_format(&ip, out, sizeof(out)), 39,
	    "longest IPv6 text fits IPADDR_STRLEN");

	/* Reserved addresses. */
	{
		static const struct {
			const char *in;
			int	 reserved;
		} rc[] = {
			{ "127.0.0.1", 1 }, { "0.0.0.0", 1 },
			{ "224.0.0.1", 1 }, { "239.255.255.255", 1 },
			{ "255.255.255.255", 1 }, { "169.254.1.1", 1 },
			{ "192.0.2.1", 0 }, { "8.8.8.8", 0 },
			{ "::", 1 }, { "::1", 1 }, { "ff02::1", 1 },
			{ "fe80::1", 1 }, { "febf::1", 1 },
			{ "fec0::1", 0 }, { "2001:db8::1", 0 },
		};

		for (i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
			ipaddr_parse(rc[i].in, strlen(rc[i].in), 0, &ip);
			is_int(!!ipaddr_is_reserved(&ip), rc[i].reserved,
			    "%s is %sreserved", rc[i].in,
			    rc[i].reserved ? "" : "not ");
		}
	}

	for (i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		const char *in = prefix_cases[i].in;

		why = NULL;
		r = ipaddr_parse_prefix(in, strlen(in), &ip, &plen, &why);
		if (prefix_cases[i].want == NULL) {
			ok(r == -1 && why != NULL, "prefix \"%s\" refused (%s)",
			    in, why ? why : "?");
			continue;
		}
		if (!ok(r == 0, "prefix \"%s\" parses", in)) {
			diag("  why: %s", why ? why : "?");
			continue;
		}
		ipaddr_format(&ip, out, sizeof(out));
		snprintf(got, sizeof(got), "%s/%d", out, plen);
		snprintf(want, sizeof(want), "%s", prefix_cases[i].want);
		is_str(got, want, "prefix \"%s\" reads as %s", in, want);
	}
	r = ipaddr_parse_prefix("192.0.2.1/24", 12, &ip, &plen, &why);
	is_str(why, "host bits set", "host bits set is said so");

	return tap_done();
}
