/*
 * fuzz_rules.c - fuzz target for the rules-file loader.
 *
 * The input is written to a file in the target's temporary directory and
 * loaded with rules_load().  A refused file must come with at least one
 * "FILE:LINE: message" line; a loaded one is run, rule by rule, over a
 * fixed hostile text so that a pattern that backtracks without end is
 * stopped by the match and depth limits (the fuzzer's timeout catches
 * one that is not).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "log.h"
#include "rules.h"
#include "rules_int.h"

static char	*text;
static size_t	 textlen;

/* A match callback that keeps nothing. */
static int
hit_ignore(void *arg, const struct rule *r, const struct rule_hit *h)
{
	size_t	*n = arg;

	if (h->ip != NULL && h->iplen > textlen)
		fuzz_fail("ip group longer than the text");
	(*n)++;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char piece[] =
	    "Source-IP: 192.0.2.1\nReceived: from x ([198.51.100.7]) by y\n"
	    "2001:db8::1 port 25 at 2015-01-01T12:00:00Z aaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n1.1.1.1.1.1.1.1.1.1.1.1.1\n";
	size_t	 i, n = 64;

	log_init("fuzz_rules", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	(void)fuzz_tmpdir();
	textlen = n * (sizeof(piece) - 1);
	if ((text = malloc(textlen + 1)) == NULL)
		fuzz_fail("malloc");
	for (i = 0; i < n; i++)
		memcpy(text + i * (sizeof(piece) - 1), piece,
		    sizeof(piece) - 1);
	text[textlen] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*path;
	char			 err[4096];
	rules_t			*rs;
	pcre2_match_data	*md;
	size_t			 i, hits;
	int			 perr;

	path = fuzz_write_file("abuse.rules", data, size);
	err[0] = '\0';
	memset(err + 1, 'x', sizeof(err) - 1);
	if ((rs = rules_load(path, err, sizeof(err))) == NULL) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			fuzz_fail("error text not NUL-terminated");
		if (err[0] == '\0')
			fuzz_fail("rules refused without a message");
		if (strncmp(err, path, strlen(path)) != 0)
			fuzz_fail("error does not start with the file name");
		return 0;
	}
	for (i = 0; i < rules_count(rs); i++)
		if (rules_name(rs, i) == NULL)
			fuzz_fail("rule without a name");
	if ((md = pcre2_match_data_create(rs->max_groups + 1, NULL)) == NULL)
		fuzz_fail("pcre2_match_data_create");
	for (i = 0; i < rs->nrule; i++) {
		hits = 0;
		perr = 0;
		if (rs->rule[i].re != NULL)
			(void)rules_exec(rs, &rs->rule[i], md, text, textlen,
			    hit_ignore, &hits, &perr);
		if (rs->rule[i].when != NULL)
			(void)rules_test(rs, rs->rule[i].when, md, text,
			    textlen);
		if (hits > rs->max_matches)
			fuzz_fail("more matches than max_matches");
	}
	pcre2_match_data_free(md);
	rules_free(rs);
	return 0;
}
