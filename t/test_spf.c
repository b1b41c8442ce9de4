/*
 * test_spf.c - the SPF wrapper over libspf2's zone DNS layer: no test
 * touches the network.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "spf.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*client, *helo, *from;
		int		 want;
		const char	*what;
	} t[] = {
		{ "192.0.2.10", "mx.example.org", "<reports@example.org>",
		  SPF_RES_PASS, "sender's domain lists the client" },
		{ "198.51.100.7", "mail.nospf.example", "<reports@example.org>",
		  SPF_RES_FAIL, "client not listed, -all" },
		{ "198.51.100.7", "mail.nospf.example", "reports@soft.example",
		  SPF_RES_SOFTFAIL, "~all, bare address" },
		{ "198.51.100.7", "mail.nospf.example", "<x@neutral.example>",
		  SPF_RES_NEUTRAL, "?all" },
		{ "198.51.100.7", "mail.nospf.example", "<x@norecord.example>",
		  SPF_RES_NONE, "no SPF record" },
		{ "198.51.100.7", "mail.nospf.example", "<x@timeout.example>",
		  SPF_RES_TEMPERROR, "DNS timeout is temperror" },
		{ "198.51.100.7", "mail.nospf.example", "<x@broken.example>",
		  SPF_RES_PERMERROR, "a broken record is permerror" },
		{ "192.0.2.10", "mx.example.org", "<>", SPF_RES_PASS,
		  "null sender: postmaster@HELO checked" },
		{ "198.51.100.7", "mx.example.org", "<>", SPF_RES_FAIL,
		  "null sender, HELO domain fails" },
		{ "192.0.2.10", "evil.example", "<reports@example.org>",
		  SPF_RES_FAIL, "sender passes but the HELO name fails" },
		{ "2001:db8::25", "mail.nospf.example", "<x@v6.example>",
		  SPF_RES_PASS, "IPv6 client" },
		{ "::ffff:192.0.2.10", "mail.nospf.example",
		  "<reports@example.org>", SPF_RES_PASS,
		  "IPv4-mapped client" },
		{ "192.0.2.20", "mail.nospf.example", "<x@mx.example>",
		  SPF_RES_PASS, "mx mechanism" },
		{ "192.0.2.10", "mail.nospf.example", "<x@include.example>",
		  SPF_RES_PASS, "include mechanism" },
		{ "not-an-ip", "mx.example.org", "<reports@example.org>",
		  SPF_RES_NONE, "unparsable client address: none" },
		{ "192.0.2.10", NULL, "<reports@example.org>", SPF_RES_PASS,
		  "no HELO" },
	};
	spf_t	*s;
	size_t	 i;
	int	 r;

	tap_plan(0);
	if ((s = spf_new_zone()) == NULL)
		tap_skip_all("libspf2 zone layer unavailable");
	ok(spf_zone_add(s, "example.org", "TXT",
	    "v=spf1 ip4:192.0.2.0/28 -all") == 0, "zone: add TXT");
	spf_zone_add(s, "mx.example.org", "TXT", "v=spf1 ip4:192.0.2.10 -all");
	spf_zone_add(s, "evil.example", "TXT", "v=spf1 -all");
	spf_zone_add(s, "soft.example", "TXT", "v=spf1 ~all");
	spf_zone_add(s, "neutral.example", "TXT", "v=spf1 ?all");
	spf_zone_add(s, "timeout.example", "TXT", NULL);
	spf_zone_add(s, "broken.example", "TXT", "v=spf1 ip4:999.1.1.1 bogus:x");
	spf_zone_add(s, "v6.example", "TXT", "v=spf1 ip6:2001:db8::/64 -all");
	spf_zone_add(s, "mx.example", "TXT", "v=spf1 mx -all");
	spf_zone_add(s, "mx.example", "MX", "10 mail.mx.example");
	ok(spf_zone_add(s, "mail.mx.example", "A", "192.0.2.20") == 0,
	    "zone: add A");
	spf_zone_add(s, "include.example", "TXT",
	    "v=spf1 include:example.org -all");
	ok(spf_zone_add(s, "x.example", "SRV", "0 0 25 x") == -1,
	    "zone: an unsupported type is refused");
	ok(spf_zone_add(s, "x.example", "A", "not-an-address") == -1,
	    "zone: bad A data is refused");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = spf_check(s, t[i].client, t[i].helo, t[i].from);
		if (!ok(r == t[i].want, "%s: %s", t[i].what,
		    spf_res_name(t[i].want)))
			diag("  got %s", spf_res_name(r));
	}
	is_str(spf_res_name(SPF_RES_TEMPERROR), "temperror", "result names");
	ok(spf_zone_add(NULL, "a", "A", "192.0.2.1") == -1, "NULL checker");
	spf_free(s);
	s = spf_new(1);
	ok(s != NULL && spf_zone_add(s, "a.example", "A", "192.0.2.1") == -1,
	    "the resolver checker takes no zone records");
	spf_free(s);
	return tap_done();
}
