/*
 * rules_set.c - what a loaded rules set is told before it is shared
 * (the provider's own domains, the senders whose complaints are kept,
 * the incident window) and what it tells its users; see rules.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "rules.h"
#include "rules_int.h"
#include "str.h"

#define KEEP_SENDERS_MAX	4096

/* Set the incident window's age; see rules.h. */
void
rules_set_max_incident_age(rules_t *rs, int64_t age)
{
	rs->max_age = age > 0 ? age : RULES_MAX_AGE_DEFAULT;
}

/* The incident window's age; see rules.h. */
int64_t
rules_max_incident_age(const rules_t *rs)
{
	return rs->max_age > 0 ? rs->max_age : RULES_MAX_AGE_DEFAULT;
}

/* Note one of the provider's own domains. */
int
rules_add_own_domain(rules_t *rs, const char *domain)
{
	int	 i;

	if (domain[0] == '\0' || strlen(domain) >= RULES_DOM_MAX)
		return -1;
	for (i = 0; i < rs->nown; i++)
		if (strcmp(rs->own[i], domain) == 0)
			return 0;
	if (rs->nown == RULES_OWN_MAX)
		return -1;
	str_copyn(rs->own[rs->nown++], RULES_DOM_MAX, domain, strlen(domain));
	return 0;
}

/* Number of rules. */
size_t
rules_count(const rules_t *rs)
{
	return rs->nrule;
}

/* Name of rule i. */
const char *
rules_name(const rules_t *rs, size_t i)
{
	return i < rs->nrule ? rs->rule[i].name : NULL;
}

/* Note one sender whose complaints are kept; see rules.h. */
int
rules_add_keep_sender(rules_t *rs, const char *sender)
{
	char	**nv, *w;
	size_t	 i, len = strlen(sender);

	if (len == 0 || len >= RULES_DOM_MAX ||
	    rs->nkeep_senders >= KEEP_SENDERS_MAX)
		return -1;
	if ((w = strdup(sender)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		w[i] = (char)tolower((unsigned char)w[i]);
	nv = reallocarray(rs->keep_senders, rs->nkeep_senders + 1,
	    sizeof(*nv));
	if (nv == NULL) {
		free(w);
		return -1;
	}
	rs->keep_senders = nv;
	rs->keep_senders[rs->nkeep_senders++] = w;
	return 0;
}

/*
 * Does the list entry e name the address addr (local@domain, bare)?  An
 * entry with an '@' is one address; one without is a domain, which
 * names the addresses under it and its subdomains.
 */
static int
sender_is(const char *e, const char *addr)
{
	const char	*dom;
	size_t		 dl, el;

	if (strchr(e, '@') != NULL)
		return strcasecmp(e, addr) == 0;
	if ((dom = strrchr(addr, '@')) == NULL)
		return 0;
	dom++;
	dl = strlen(dom);
	el = strlen(e);
	if (dl == el)
		return strcasecmp(dom, e) == 0;
	return dl > el && dom[dl - el - 1] == '.' &&
	    strcasecmp(dom + dl - el, e) == 0;
}

/* Is addr one of the KeepSenders?  See rules.h. */
int
rules_keep_sender(const rules_t *rs, const char *addr)
{
	size_t	 i;

	if (addr == NULL || addr[0] == '\0')
		return 0;
	for (i = 0; i < rs->nkeep_senders; i++)
		if (sender_is(rs->keep_senders[i], addr))
			return 1;
	return 0;
}
