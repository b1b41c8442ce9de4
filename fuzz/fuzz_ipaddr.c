/*
 * fuzz_ipaddr.c - fuzz target for the address and time parsers.
 *
 * The input is parsed as an address (strict and defanged), a CIDR prefix,
 * an RFC 3339 timestamp, a liberal complaint date and (NUL-terminated)
 * a command-line time.  Whatever parses
 * must format and parse back to the same value; a strict address must
 * also parse as defanged; nothing may read past the input (the parsers
 * take a length and need no NUL).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "ipaddr.h"
#include "timeparse.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

/* Check that ip formats and parses back to itself. */
static void
check_roundtrip(const struct ipaddr *ip)
{
	struct ipaddr	 back;
	char		 text[IPADDR_STRLEN], small[8];
	int		 n;

	if (ip->family != IPADDR_V4 && ip->family != IPADDR_V6)
		fuzz_fail("parsed address has no family");
	if (ip->family == IPADDR_V4) {
		static const uint8_t zero[12];
		if (memcmp(ip->a + 4, zero, sizeof(zero)) != 0)
			fuzz_fail("IPv4 address with bytes past a[3]");
	}
	if (ipaddr_bits(ip) != (ip->family == IPADDR_V4 ? 32 : 128))
		fuzz_fail("ipaddr_bits");
	n = ipaddr_format(ip, text, sizeof(text));
	if (n <= 0 || (size_t)n >= sizeof(text) || strlen(text) != (size_t)n)
		fuzz_fail("ipaddr_format length");
	if (ipaddr_parse(text, (size_t)n, 0, &back) != 0)
		fuzz_fail("formatted address does not parse");
	if (ipaddr_cmp(ip, &back) != 0 || ipaddr_cmp(&back, ip) != 0)
		fuzz_fail("address does not round-trip");
	n = ipaddr_format(ip, small, sizeof(small));
	if (n != -1 && ((size_t)n >= sizeof(small) || strlen(small) != (size_t)n))
		fuzz_fail("ipaddr_format into a small buffer");
	(void)ipaddr_is_reserved(ip);
}

/* Check that a parsed prefix is canonical and round-trips. */
static void
check_prefix(const struct ipaddr *net, int plen)
{
	struct ipaddr	 back;
	char		 text[IPADDR_STRLEN + 8];
	const char	*why = NULL;
	int		 n, m, bplen = -1, bit;

	if (plen < 0 || plen > ipaddr_bits(net))
		fuzz_fail("prefix length out of range");
	for (bit = plen; bit < ipaddr_bits(net); bit++)
		if (net->a[bit / 8] & (0x80 >> (bit % 8)))
			fuzz_fail("prefix with host bits set");
	check_roundtrip(net);
	n = ipaddr_format(net, text, sizeof(text));
	m = snprintf(text + n, sizeof(text) - (size_t)n, "/%d", plen);
	if (m < 0 || (size_t)m >= sizeof(text) - (size_t)n)
		fuzz_fail("snprintf");
	if (ipaddr_parse_prefix(text, (size_t)(n + m), &back, &bplen,
	    &why) != 0)
		fuzz_fail("formatted prefix does not parse");
	if (ipaddr_cmp(net, &back) != 0 || bplen != plen)
		fuzz_fail("prefix does not round-trip");
}

/* Check that a parsed time formats and parses back to itself. */
static void
check_time(int64_t t)
{
	char	 text[32];
	int64_t	 back;

	if (time_format_rfc3339(t, text, sizeof(text)) != 0)
		return;		/* a year the format cannot hold */
	if (strlen(text) >= sizeof(text))
		fuzz_fail("time_format_rfc3339 length");
	if (time_parse_rfc3339(text, strlen(text), &back) != 0)
		fuzz_fail("formatted time does not parse");
	if (back != t)
		fuzz_fail("time does not round-trip");
	/* the date reader knows years 1 to 9999 (timeparse.h) */
	if (strncmp(text, "0000", 4) != 0 &&
	    (time_parse_date(text, strlen(text), &back) != 0 || back != t))
		fuzz_fail("RFC 3339 time not read alike by time_parse_date");
}

/* time_parse_arg on a NUL-terminated copy: a time it reads is one of
 * the date parsers' or a number of seconds. */
static void
check_arg(const char *s, size_t size)
{
	char	 copy[256];
	int64_t	 t, u;

	if (size >= sizeof(copy) || memchr(s, '\0', size) != NULL)
		return;
	memcpy(copy, s, size);
	copy[size] = '\0';
	if (time_parse_arg(copy, &t) != 0)
		return;
	if (copy[0] != '@' && (copy[0] < '0' || copy[0] > '9') &&
	    (time_parse_date(copy, size, &u) != 0 || u != t))
		fuzz_fail("time_parse_arg differs from time_parse_date");
}

/*
 * An address field read as a person reads it: a token read gives a
 * formattable address, a port that is none or 1..65535, and a prefix
 * length within the family; a strict address reads as itself.
 */
static void
check_token(const char *s, size_t size)
{
	struct ipaddr	 ip, ip2;
	int		 port, plen, rc;

	rc = ipaddr_parse_token(s, size, &ip, &port, &plen);
	if (rc < -1 || rc > 1)
		fuzz_fail("ipaddr_parse_token returned neither -1, 0 nor 1");
	if (rc != 1)
		return;
	check_roundtrip(&ip);
	if (port != -1 && (port < 1 || port > 65535))
		fuzz_fail("token port out of range");
	if (plen < 0 || plen > ipaddr_bits(&ip))
		fuzz_fail("token prefix length out of range");
	if (ipaddr_parse(s, size, 0, &ip2) == 0 &&
	    (ipaddr_cmp(&ip, &ip2) != 0 || port != -1 ||
	    plen != ipaddr_bits(&ip)))
		fuzz_fail("a strict address read otherwise as a token");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct ipaddr	 ip, ip2;
	const char	*why = NULL;
	int64_t		 t;
	int		 plen = -1;

	if (ipaddr_parse(s, size, 0, &ip) == 0) {
		check_roundtrip(&ip);
		if (ipaddr_parse(s, size, IPADDR_DEFANGED, &ip2) != 0 ||
		    ipaddr_cmp(&ip, &ip2) != 0)
			fuzz_fail("strict address not read alike when defanged");
		if (ipaddr_parse_prefix(s, size, &ip2, &plen, &why) == 0 &&
		    (plen != ipaddr_bits(&ip) || ipaddr_cmp(&ip, &ip2) != 0))
			fuzz_fail("bare address is not a full-length prefix");
	}
	if (ipaddr_parse(s, size, IPADDR_DEFANGED, &ip) == 0)
		check_roundtrip(&ip);
	why = NULL;
	if (ipaddr_parse_prefix(s, size, &ip, &plen, &why) == 0)
		check_prefix(&ip, plen);
	else if (why == NULL)
		fuzz_fail("ipaddr_parse_prefix failed without a reason");
	check_token(s, size);
	if (time_parse_rfc3339(s, size, &t) == 0)
		check_time(t);
	if (time_parse_date(s, size, &t) == 0)
		check_time(t);
	check_arg(s, size);
	return 0;
}
