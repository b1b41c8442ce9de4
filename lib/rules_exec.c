/*
 * rules_exec.c - run the compiled rules over a piece of text; see
 * rules_int.h.  Every match runs under the match and depth limits of
 * the rules set's match context; any PCRE2 result other than a match or
 * PCRE2_ERROR_NOMATCH is an error.
 */
#include "config.h"

#include <fnmatch.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "rules_int.h"

/* First set group of a list, into *p / *len. */
static void
group_span(const PCRE2_SIZE *ov, uint32_t n, const int *g, const char *s,
    const char **p, size_t *len)
{
	int	 i;

	*p = NULL;
	*len = 0;
	for (i = 0; i < RULE_GROUPS_MAX && g[i] != 0; i++) {
		if ((uint32_t)g[i] >= n || ov[2 * g[i]] == PCRE2_UNSET)
			continue;
		*p = s + ov[2 * g[i]];
		*len = ov[2 * g[i] + 1] - ov[2 * g[i]];
		return;
	}
}

/* Run rule r over s; see rules_int.h. */
int
rules_exec(const rules_t *rs, const struct rule *r, pcre2_match_data *md,
    const char *s, size_t len, rule_hit_fn fn, void *arg, int *err)
{
	struct rule_hit	 h;
	PCRE2_SIZE	*ov;
	size_t		 off = 0, n = 0;
	uint32_t	 novec;
	int		 rc;

	novec = pcre2_get_ovector_count(md);
	while (off <= len && n < rs->max_matches) {
		rc = pcre2_match(r->re, (PCRE2_SPTR)s, len, off, 0, md,
		    rs->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			if (err != NULL)
				*err = rc;
			return -1;
		}
		ov = pcre2_get_ovector_pointer(md);
		group_span(ov, novec, r->g_ip, s, &h.ip, &h.iplen);
		group_span(ov, novec, r->g_port, s, &h.port, &h.portlen);
		group_span(ov, novec, r->g_time, s, &h.time, &h.timelen);
		h.start = ov[0];
		n++;
		rc = fn(arg, r, &h);
		if (rc != 0)
			return rc < 0 ? -1 : (int)n;
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	if (n == rs->max_matches && off <= len) {
		/* is there a match past the cap? */
		rc = pcre2_match(r->re, (PCRE2_SPTR)s, len, off, 0, md,
		    rs->mctx);
		if (rc >= 0)
			return (int)n + 1;
		if (rc != PCRE2_ERROR_NOMATCH) {
			if (err != NULL)
				*err = rc;
			return -1;
		}
	}
	return (int)n;
}

/* Does re match anywhere in s? */
int
rules_test(const rules_t *rs, const pcre2_code *re, pcre2_match_data *md,
    const char *s, size_t len)
{
	int	 rc;

	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, rs->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc < 0 ? -1 : 1;
}

/* Does ct match one of the rule's content-type globs? */
int
rules_ctype_ok(const struct rule *r, const char *ct)
{
	size_t	 i;

	if (r->nctypes == 0)
		return 1;
	for (i = 0; i < r->nctypes; i++)
		if (fnmatch(r->ctypes[i], ct, 0) == 0)
			return 1;
	return 0;
}
