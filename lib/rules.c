/*
 * rules.c - load, compile and run the extraction rules; the language is
 * documented in abuse-rules(5).
 *
 * A rules file is read line by line.  "define NAME TEXT" names a piece
 * of pattern that later patterns use as %{NAME}; "rule NAME" starts a
 * rule, "keep NAME" a keep rule, and the "keyword value" lines after it
 * describe it.  A line that
 * ends in " \" goes on on the next line.  Every problem is reported as
 * "FILE:LINE: message" (PCRE2 errors with their offset) and the whole
 * file is refused.  Patterns are compiled once, multi-line and caseless
 * by default, never in UTF mode (hostile text need not be valid UTF-8),
 * with JIT when the platform has it; every match runs under a match and
 * a depth limit.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules.h"
#include "rules_int.h"
#include "str.h"

#define RULES_FILE_MAX		(1024 * 1024)
#define RULES_MAX		512
#define RULES_DEFINES_MAX	128
#define RULES_ERRORS_MAX	20
#define RULES_MATCH_LIMIT	200000
#define RULES_DEPTH_LIMIT	2000
#define RULES_MATCHES_MAX	1000

struct define {
	char	 name[RULE_NAME_MAX];
	char	*value;
};

/* Loader state. */
struct loader {
	const char	*path;
	struct rules	*rs;
	struct define	 def[RULES_DEFINES_MAX];
	size_t		 ndef;
	struct rule	*cur;
	int		 cur_strength_set;
	int		 cur_role_set;
	char		*cur_pattern;
	int		 cur_pattern_line;
	buf_t		 err;
	int		 nerr;
};

static const struct {
	const char	*name;
	unsigned	 bit;
} regions[] = {
	{ "header", RULE_REG_HEADER },
	{ "report", RULE_REG_REPORT },
	{ "text", RULE_REG_TEXT },
	{ "attachment", RULE_REG_ATTACH },
	{ "embedded-headers", RULE_REG_EMB_HEADERS },
	{ "embedded-text", RULE_REG_EMB_TEXT },
	{ "received", RULE_REG_RECEIVED },
	{ "table", RULE_REG_TABLE },
};

/* Name of a strength. */
const char *
strength_name(int strength)
{
	switch (strength) {
	case STRENGTH_WEAK:
		return "weak";
	case STRENGTH_STRONG:
		return "strong";
	case STRENGTH_AUTHORITATIVE:
		return "authoritative";
	default:
		return "none";
	}
}

/* Name of a role. */
const char *
role_name(int role)
{
	static const char *const names[] = {
		"none", "offender", "sender", "site", "victim", "reporter",
		"mention"
	};

	return role >= ROLE_OFFENDER && role <= ROLE_MENTION ? names[role] :
	    names[0];
}

/* Name of a region bit. */
const char *
rules_region_name(unsigned reg)
{
	size_t	 i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (regions[i].bit == reg)
			return regions[i].name;
	return "unknown";
}

/* Record one "FILE:LINE: message" problem. */
static void __attribute__((format(printf, 3, 4)))
lerr(struct loader *L, int line, const char *fmt, ...)
{
	va_list	 ap;

	L->nerr++;
	if (L->nerr > RULES_ERRORS_MAX)
		return;
	if (L->nerr == RULES_ERRORS_MAX) {
		(void)buf_printf(&L->err, "%s:%d: too many errors\n", L->path,
		    line);
		return;
	}
	(void)buf_printf(&L->err, "%s:%d: ", L->path, line);
	va_start(ap, fmt);
	(void)buf_vprintf(&L->err, fmt, ap);
	va_end(ap);
	(void)buf_putc(&L->err, '\n');
}

/* Free what one rule holds. */
static void
rule_clear(struct rule *r)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	for (i = 0; i < r->nctypes; i++)
		free(r->ctypes[i]);
	for (i = 0; i < r->nrtypes; i++)
		free(r->rtypes[i]);
	for (i = 0; i < r->ndomains; i++)
		free(r->domains[i]);
	pcre2_code_free(r->re);
	pcre2_code_free(r->when);
	pcre2_code_free(r->unless);
	memset(r, 0, sizeof(*r));
}

/* Free a rules set. */
void
rules_free(rules_t *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrule; i++)
		rule_clear(&rs->rule[i]);
	free(rs->rule);
	for (i = 0; i < rs->nkeep_senders; i++)
		free(rs->keep_senders[i]);
	free(rs->keep_senders);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* Is c allowed in a rule or define name? */
static int
namechar(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* Check a name token; 0 if fine. */
static int
name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n >= RULE_NAME_MAX)
		return -1;
	for (; *s != '\0'; s++)
		if (!namechar((unsigned char)*s))
			return -1;
	return 0;
}

/* Replace %{NAME} by its definition; NULL (with an error) on failure. */
static char *
expand(struct loader *L, int line, const char *s)
{
	buf_t		 b;
	const char	*p, *end;
	size_t		 i, n;
	char		*out;

	buf_init(&b, 256 * 1024);
	for (p = s; *p != '\0'; p++) {
		if (p[0] != '%' || p[1] != '{') {
			if (buf_putc(&b, *p) == -1)
				goto toolong;
			continue;
		}
		if ((end = strchr(p + 2, '}')) == NULL) {
			lerr(L, line, "unterminated %%{ in pattern");
			buf_free(&b);
			return NULL;
		}
		n = (size_t)(end - (p + 2));
		for (i = 0; i < L->ndef; i++)
			if (strlen(L->def[i].name) == n &&
			    memcmp(L->def[i].name, p + 2, n) == 0)
				break;
		if (i == L->ndef) {
			lerr(L, line, "undefined name %%{%.*s}", (int)n, p + 2);
			buf_free(&b);
			return NULL;
		}
		if (buf_puts(&b, L->def[i].value) == -1)
			goto toolong;
		p = end;
	}
	if ((out = strdup(b.data)) == NULL)
		lerr(L, line, "out of memory");
	buf_free(&b);
	return out;
toolong:
	lerr(L, line, "pattern too long");
	buf_free(&b);
	return NULL;
}

/* Compile a pattern; NULL with a "FILE:LINE:" error on failure. */
static pcre2_code *
compile(struct loader *L, int line, const char *pat)
{
	pcre2_code	*re;
	int		 errcode;
	PCRE2_SIZE	 erroff;
	PCRE2_UCHAR	 msg[256];

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_MULTILINE | PCRE2_CASELESS | PCRE2_DUPNAMES |
	    PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &errcode, &erroff, NULL);
	if (re == NULL) {
		(void)pcre2_get_error_message(errcode, msg, sizeof(msg));
		lerr(L, line, "pattern error at offset %zu: %s",
		    (size_t)erroff, (const char *)msg);
		return NULL;
	}
	/* JIT when available; the interpreter otherwise. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Collect the numbers of every group called name into g[]. */
static void
groups_of(const pcre2_code *re, const char *name, int *g)
{
	PCRE2_SPTR	 first, last, e;
	uint32_t	 esize;
	int		 n = 0, rc;

	memset(g, 0, sizeof(int) * RULE_GROUPS_MAX);
	rc = pcre2_substring_nametable_scan(re, (PCRE2_SPTR)name, &first,
	    &last);
	if (rc < 0)
		return;
	(void)pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	for (e = first; e <= last && n < RULE_GROUPS_MAX; e += esize)
		g[n++] = (e[0] << 8) | e[1];
}

/*
 * Check a keep rule: it reads only the complaint's own words (its
 * header fields, report, text and attachments, never a message it
 * carries) and finds no address, time, strength, role or mark.
 */
static void
keep_finish(struct loader *L, const struct rule *r)
{
	if (r->regions & ~(unsigned)RULE_REG_KEEP)
		lerr(L, r->line, "keep %s: a keep rule reads only the regions "
		    "header:FIELD, report, text and attachment", r->name);
	if (r->g_ip[0] != 0 || r->g_time[0] != 0 || r->marks != 0 ||
	    L->cur_strength_set || L->cur_role_set)
		lerr(L, r->line, "keep %s: a keep rule takes no ip or time "
		    "group, strength, role or marks", r->name);
}

/* Finish the rule being read: check it is complete and compile it. */
static void
rule_finish(struct loader *L)
{
	struct rule	*r = L->cur;
	uint32_t	 cap;

	if (r == NULL)
		return;
	L->cur = NULL;
	if (r->regions == 0)
		lerr(L, r->line, "rule %s: no region", r->name);
	if (L->cur_pattern == NULL) {
		lerr(L, r->line, "rule %s: no pattern", r->name);
		return;
	}
	r->re = compile(L, L->cur_pattern_line, L->cur_pattern);
	free(L->cur_pattern);
	L->cur_pattern = NULL;
	if (r->re == NULL)
		return;
	groups_of(r->re, "ip", r->g_ip);
	groups_of(r->re, "port", r->g_port);
	groups_of(r->re, "time", r->g_time);
	(void)pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &cap);
	if (cap > L->rs->max_groups)
		L->rs->max_groups = cap;
	if (r->keep) {
		keep_finish(L, r);
		return;
	}
	if (r->marks != 0) {
		if (r->g_ip[0] != 0 || r->g_time[0] != 0 ||
		    L->cur_strength_set || L->cur_role_set)
			lerr(L, r->line, "rule %s: a marks rule takes no ip or "
			    "time group, strength or role", r->name);
		return;
	}
	if (r->role == 0)	/* the defaults: see rules.h */
		r->role = (r->regions & RULE_REG_RECEIVED) ? ROLE_SENDER :
		    r->strength == STRENGTH_WEAK ? ROLE_MENTION :
		    ROLE_OFFENDER;
	if (r->g_ip[0] == 0 && r->g_time[0] == 0)
		lerr(L, L->cur_pattern_line,
		    "rule %s: pattern has neither an (?<ip>...) nor a "
		    "(?<time>...) group", r->name);
	else if (r->g_ip[0] == 0 && L->cur_role_set)
		lerr(L, r->line, "rule %s: a time rule takes no role",
		    r->name);
	else if (r->g_ip[0] != 0 && !L->cur_strength_set)
		lerr(L, r->line, "rule %s: no strength", r->name);
	else if (r->g_ip[0] == 0 && L->cur_strength_set)
		lerr(L, r->line, "rule %s: a time rule (no ip group) takes "
		    "no strength", r->name);
	if ((r->regions & RULE_REG_HEADER) && r->nheaders == 0)
		lerr(L, r->line, "rule %s: region header needs the field "
		    "names (header:Subject)", r->name);
	if ((r->regions & RULE_REG_RECEIVED) && r->g_ip[0] == 0)
		lerr(L, r->line, "rule %s: a received rule needs an ip group",
		    r->name);
}

/* Append a word to a list (rule lists are capped). */
static int
list_add(struct loader *L, int line, char **list, size_t *n, const char *w,
    size_t wlen)
{
	size_t	 i;

	if (*n >= RULE_LIST_MAX) {
		lerr(L, line, "too many values (at most %d)", RULE_LIST_MAX);
		return -1;
	}
	if ((list[*n] = malloc(wlen + 1)) == NULL) {
		lerr(L, line, "out of memory");
		return -1;
	}
	for (i = 0; i < wlen; i++)
		list[*n][i] = (char)tolower((unsigned char)w[i]);
	list[*n][wlen] = '\0';
	(*n)++;
	return 0;
}

/*
 * The next word (blank or comma separated) at *pp: its start in *sp and
 * its length, 0 when there is none; *pp moves past it.
 */
static size_t
next_word(const char **pp, const char **sp)
{
	const char	*p = *pp;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	*sp = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
		p++;
	*pp = p;
	return (size_t)(p - *sp);
}

/* Split v into words (blank or comma separated) added to a list. */
static void
words(struct loader *L, int line, const char *v, char **list, size_t *n)
{
	const char	*p = v, *s;
	size_t		 len;

	while ((len = next_word(&p, &s)) > 0)
		if (list_add(L, line, list, n, s, len) == -1)
			return;
}

/* Parse the region keyword's value. */
static void
kw_region(struct loader *L, int line, const char *v)
{
	struct rule	*r = L->cur;
	const char	*p = v, *s, *colon;
	size_t		 i, n;

	while ((n = next_word(&p, &s)) > 0) {
		colon = memchr(s, ':', n);
		if (colon != NULL) {
			if ((size_t)(colon - s) != 6 ||
			    strncasecmp(s, "header", 6) != 0 ||
			    colon + 1 == p) {
				lerr(L, line, "bad region '%.*s'", (int)n, s);
				continue;
			}
			r->regions |= RULE_REG_HEADER;
			(void)list_add(L, line, r->headers, &r->nheaders,
			    colon + 1, (size_t)(p - colon - 1));
			continue;
		}
		for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
			if (strlen(regions[i].name) == n &&
			    strncasecmp(regions[i].name, s, n) == 0)
				break;
		if (i == sizeof(regions) / sizeof(regions[0]) ||
		    regions[i].bit == RULE_REG_HEADER) {
			lerr(L, line, "unknown region '%.*s'%s", (int)n, s,
			    regions[i < sizeof(regions) / sizeof(regions[0]) ?
			    i : 0].bit == RULE_REG_HEADER && n == 6 ?
			    " (the top-level header region needs field names: "
			    "header:Subject)" : "");
			continue;
		}
		r->regions |= regions[i].bit;
	}
}

/* Handle one keyword line of the current rule. */
static void
keyword(struct loader *L, int line, const char *kw, const char *v)
{
	struct rule	*r = L->cur;
	pcre2_code	**slot;
	char		*pat;

	if (strcmp(kw, "region") == 0)
		kw_region(L, line, v);
	else if (strcmp(kw, "strength") == 0) {
		if (strcasecmp(v, "authoritative") == 0)
			r->strength = STRENGTH_AUTHORITATIVE;
		else if (strcasecmp(v, "strong") == 0)
			r->strength = STRENGTH_STRONG;
		else if (strcasecmp(v, "weak") == 0)
			r->strength = STRENGTH_WEAK;
		else {
			lerr(L, line, "unknown strength '%s' (authoritative, "
			    "strong or weak)", v);
			return;
		}
		L->cur_strength_set = 1;
	} else if (strcmp(kw, "role") == 0) {
		for (r->role = ROLE_OFFENDER; r->role <= ROLE_MENTION;
		    r->role++)
			if (strcasecmp(v, role_name(r->role)) == 0)
				break;
		if (r->role > ROLE_MENTION) {
			r->role = 0;
			lerr(L, line, "unknown role '%s' (offender, sender, "
			    "site, victim, reporter or mention)", v);
			return;
		}
		L->cur_role_set = 1;
	} else if (strcmp(kw, "marks") == 0) {
		if (strcasecmp(v, "site-report") == 0)
			r->marks |= RULE_MARK_SITE_REPORT;
		else
			lerr(L, line, "unknown mark '%s' (site-report)", v);
	} else if (strcmp(kw, "pattern") == 0) {
		if (L->cur_pattern != NULL) {
			lerr(L, line, "rule %s: a second pattern", r->name);
			return;
		}
		L->cur_pattern = expand(L, line, v);
		L->cur_pattern_line = line;
	} else if (strcmp(kw, "if-match") == 0 ||
	    strcmp(kw, "unless-match") == 0) {
		slot = kw[0] == 'i' ? &r->when : &r->unless;
		if (*slot != NULL) {
			lerr(L, line, "rule %s: a second %s", r->name, kw);
			return;
		}
		if ((pat = expand(L, line, v)) == NULL)
			return;
		*slot = compile(L, line, pat);
		free(pat);
	} else if (strcmp(kw, "content-type") == 0)
		words(L, line, v, r->ctypes, &r->nctypes);
	else if (strcmp(kw, "if-report-type") == 0)
		words(L, line, v, r->rtypes, &r->nrtypes);
	else if (strcmp(kw, "if-sender-domain") == 0)
		words(L, line, v, r->domains, &r->ndomains);
	else
		lerr(L, line, "unknown keyword '%s'", kw);
}

/* Start a new rule called name. */
static void
rule_start(struct loader *L, int line, const char *name)
{
	struct rules	*rs = L->rs;
	struct rule	*nr;
	size_t		 i;

	rule_finish(L);
	if (name_ok(name) == -1) {
		lerr(L, line, "bad rule name '%s'", name);
		return;
	}
	for (i = 0; i < rs->nrule; i++)
		if (strcmp(rs->rule[i].name, name) == 0) {
			lerr(L, line, "rule %s already defined at line %d",
			    name, rs->rule[i].line);
			return;
		}
	if (rs->nrule >= RULES_MAX) {
		lerr(L, line, "too many rules (at most %d)", RULES_MAX);
		return;
	}
	nr = realloc(rs->rule, (rs->nrule + 1) * sizeof(*nr));
	if (nr == NULL) {
		lerr(L, line, "out of memory");
		return;
	}
	rs->rule = nr;
	L->cur = &rs->rule[rs->nrule++];
	memset(L->cur, 0, sizeof(*L->cur));
	/* name_ok() checked that the name fits */
	memcpy(L->cur->name, name, strlen(name) + 1);
	L->cur->line = line;
	L->cur_strength_set = 0;
	L->cur_role_set = 0;
}

/* Handle a "define NAME TEXT" line. */
static void
define(struct loader *L, int line, const char *rest)
{
	const char	*p = rest;
	char		 name[RULE_NAME_MAX];
	size_t		 n, i;
	char		*v;

	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	n = (size_t)(p - rest);
	while (*p == ' ' || *p == '\t')
		p++;
	if (n == 0 || n >= sizeof(name) || *p == '\0') {
		lerr(L, line, "usage: define NAME TEXT");
		return;
	}
	memcpy(name, rest, n);
	name[n] = '\0';
	if (name_ok(name) == -1) {
		lerr(L, line, "bad name '%s'", name);
		return;
	}
	if ((v = expand(L, line, p)) == NULL)
		return;
	for (i = 0; i < L->ndef; i++)
		if (strcmp(L->def[i].name, name) == 0) {
			free(L->def[i].value);
			L->def[i].value = v;
			return;
		}
	if (L->ndef >= RULES_DEFINES_MAX) {
		lerr(L, line, "too many defines");
		free(v);
		return;
	}
	memcpy(L->def[L->ndef].name, name, strlen(name) + 1);
	L->def[L->ndef++].value = v;
}

/* Handle one logical line (continuations joined). */
static void
logical_line(struct loader *L, int line, char *s)
{
	char	*kw, *v, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	kw = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	v = s;
	if (strcmp(kw, "rule") == 0)
		rule_start(L, line, v);
	else if (strcmp(kw, "keep") == 0) {
		rule_start(L, line, v);
		if (L->cur != NULL)
			L->cur->keep = 1;
	}
	else if (strcmp(kw, "define") == 0) {
		rule_finish(L);
		define(L, line, v);
	} else if (L->cur == NULL)
		lerr(L, line, "'%s' outside a rule (a rule starts with "
		    "'rule NAME' or 'keep NAME')", kw);
	else if (*v == '\0')
		lerr(L, line, "'%s' needs a value", kw);
	else
		keyword(L, line, kw, v);
}

/* Read the whole file at path into b. */
static int
slurp(const char *path, buf_t *b)
{
	FILE	*fp;
	char	 chunk[8192];
	size_t	 n;
	int	 rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(b, chunk, n) == -1) {
			rc = -1;
			break;
		}
	if (ferror(fp))
		rc = -1;
	fclose(fp);
	return rc;
}

/*
 * Read the rules file at path into L, one logical line at a time.  A
 * missing file is no error when optional is set.  Returns the number
 * of its last line (0: none read).
 */
static int
load_file(struct loader *L, const char *path, int optional)
{
	buf_t		 file, logical;
	char		*p, *nl, *line;
	int		 lineno = 0, start = 0, cont;
	size_t		 llen;

	L->path = path;
	buf_init(&file, RULES_FILE_MAX);
	buf_init(&logical, RULES_FILE_MAX);
	if (slurp(path, &file) == -1) {
		if (!optional || errno != ENOENT)
			lerr(L, 0, "cannot read: %s", errno == EMSGSIZE ?
			    "file too large" : strerror(errno));
		goto done;
	}
	if (memchr(file.data, '\0', file.len) != NULL) {
		lerr(L, 1, "NUL byte in the rules file");
		goto done;
	}
	p = file.data;
	while (*p != '\0') {
		lineno++;
		line = p;
		nl = strchr(p, '\n');
		if (nl != NULL) {
			*nl = '\0';
			p = nl + 1;
		} else
			p += strlen(p);
		llen = strlen(line);
		if (llen > 0 && line[llen - 1] == '\r')
			line[--llen] = '\0';
		cont = llen >= 2 && line[llen - 1] == '\\' &&
		    (line[llen - 2] == ' ' || line[llen - 2] == '\t');
		if (cont)
			llen -= 1;	/* the blank before the '\\' stays */
		if (logical.len == 0)
			start = lineno;
		else
			while (*line == ' ' || *line == '\t') {
				line++;
				llen--;
			}
		(void)buf_append(&logical, line, llen);
		if (cont && *p != '\0')
			continue;
		logical_line(L, start, logical.data);
		buf_reset(&logical);
	}
	rule_finish(L);
done:
	buf_free(&file);
	buf_free(&logical);
	return lineno;
}

/* Load and compile a rules file. */
rules_t *
rules_load(const char *path, char *err, size_t errlen)
{
	return rules_load_local(path, NULL, err, errlen);
}

/* Load and compile a rules file and the provider's local rules. */
rules_t *
rules_load_local(const char *path, const char *local, char *err,
    size_t errlen)
{
	struct loader	 L;
	size_t		 i;
	int		 last;

	memset(&L, 0, sizeof(L));
	L.path = path;
	buf_init(&L.err, 8192);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((L.rs = calloc(1, sizeof(*L.rs))) == NULL)
		goto fail_nomem;
	L.rs->max_matches = RULES_MATCHES_MAX;
	if ((L.rs->mctx = pcre2_match_context_create(NULL)) == NULL)
		goto fail_nomem;
	(void)pcre2_set_match_limit(L.rs->mctx, RULES_MATCH_LIMIT);
	(void)pcre2_set_depth_limit(L.rs->mctx, RULES_DEPTH_LIMIT);
	last = load_file(&L, path, 0);
	if (L.nerr == 0 && L.rs->nrule == 0)
		lerr(&L, last, "no rules");
	if (local != NULL && L.nerr == 0)
		(void)load_file(&L, local, 1);
	if (L.nerr > 0)
		goto fail;
	for (i = 0; i < L.ndef; i++)
		free(L.def[i].value);
	buf_free(&L.err);
	return L.rs;
fail_nomem:
	lerr(&L, 0, "out of memory");
fail:
	if (err != NULL && errlen > 0)
		if (snprintf(err, errlen, "%s", L.err.data) >= (int)errlen &&
		    errlen > 4)
			memcpy(err + errlen - 5, "...\n", 5);
	free(L.cur_pattern);
	for (i = 0; i < L.ndef; i++)
		free(L.def[i].value);
	rules_free(L.rs);
	buf_free(&L.err);
	return NULL;
}
