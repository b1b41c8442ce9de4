/*
 * fuzz_received.c - fuzz target for the Received walk (received.c).
 *
 * The input is an embedded header block, walked with received_walk() under
 * the shipped rules (the file named by $FUZZ_RULES, else
 * rules/abuse.rules under $top_srcdir), every rule enabled, once with a
 * sender domain and once without.  The properties: a hand-off names a
 * hop of the chain and carries a public address read by a "received"
 * rule; the contested hops are above the hand-off, no more than
 * RECEIVED_CONTEST_MAX, and public too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "log.h"
#include "received.h"
#include "rules.h"
#include "rules_int.h"

static rules_t		*rules;
static unsigned char	*enabled;
static pcre2_match_data	*md;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	buf_t		 path;
	const char	*rpath, *src;
	char		 err[8192];
	size_t		 n;

	(void)argc;
	(void)argv;
	log_init("fuzz_received", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	buf_init(&path, 4096);
	if ((rpath = getenv("FUZZ_RULES")) == NULL) {
		if ((src = getenv("top_srcdir")) == NULL)
			src = ".";
		if (buf_printf(&path, "%s/rules/abuse.rules", src) == -1)
			fuzz_fail("rules path");
		rpath = path.data;
	}
	if ((rules = rules_load(rpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		fuzz_fail("cannot load the rules (set FUZZ_RULES)");
	}
	buf_free(&path);
	n = rules_count(rules);
	if ((enabled = malloc(n ? n : 1)) == NULL)
		fuzz_fail("malloc");
	memset(enabled, 1, n ? n : 1);
	if ((md = pcre2_match_data_create(rules->max_groups + 1, NULL)) == NULL)
		fuzz_fail("pcre2_match_data_create");
	return 0;
}

/* Check the properties of one walk. */
static void
check(const struct received_result *r, int rc)
{
	int	 k;

	if (rc == -1)
		return;
	if (r->ncontested < 0 || r->ncontested > RECEIVED_CONTEST_MAX)
		fuzz_fail("contested count out of range");
	for (k = 0; k < r->ncontested; k++) {
		if (ipaddr_is_reserved(&r->contested[k].ip))
			fuzz_fail("a contested address is reserved");
		if (r->contested[k].rule == NULL ||
		    !(r->contested[k].rule->regions & RULE_REG_RECEIVED))
			fuzz_fail("a contested hop without a received rule");
		if (rc == 1 && r->contested[k].hop >= r->hop)
			fuzz_fail("a contested hop at or below the hand-off");
	}
	if (rc != 1)
		return;
	if (r->hop < 0 || r->hop >= r->nhops || r->nhops > RECEIVED_HOPS_MAX)
		fuzz_fail("hand-off hop out of range");
	if (ipaddr_is_reserved(&r->ip))
		fuzz_fail("the hand-off address is reserved");
	if (r->rule == NULL || !(r->rule->regions & RULE_REG_RECEIVED))
		fuzz_fail("hand-off without a received rule");
	if (r->port < -1 || r->port == 0 || r->port > 65535)
		fuzz_fail("port out of range");
	if (r->family < RECEIVED_UNKNOWN || r->family > RECEIVED_AMAVIS)
		fuzz_fail("family out of range");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct received_result	 r;
	char			*hdrs;
	int			 rc;

	/* an exact-size copy, so that a read past the end is caught */
	if ((hdrs = malloc(size ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(hdrs, data, size);
	memset(&r, 0, sizeof(r));
	rc = received_walk(rules, enabled, md, hdrs, size, "example.net", &r);
	check(&r, rc);
	memset(&r, 0, sizeof(r));
	rc = received_walk(rules, enabled, md, hdrs, size, "", &r);
	check(&r, rc);
	free(hdrs);
	return 0;
}
