/*
 * addr.c - mail addresses as Postfix reads and compares them; see addr.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "ipaddr.h"

/* Non-zero for an ASCII letter or digit. */
static int
is_letdig(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Non-zero for an RFC 5321 atext character. */
static int
is_atext(int c)
{
	return is_letdig(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~",
	    c) != NULL);
}

/* NULL when s[0..len) is a dot-atom (it needs no quotes), else why not. */
static const char *
dot_atom(const char *s, size_t len)
{
	size_t	 i, start;

	for (i = 0;;) {
		for (start = i; i < len && is_atext((unsigned char)s[i]); i++)
			;
		if (i == start)
			return i < len && s[i] != '.' ?
			    "character not allowed in the local part" :
			    "empty part in the local part";
		if (i == len)
			return NULL;
		if (s[i] != '.')
			return "character not allowed in the local part";
		i++;
	}
}

/*
 * The local part at s[0..len): its length (up to the '@'), or 0 with
 * *why set.
 */
static size_t
check_local(const char *s, size_t len, const char **why)
{
	size_t	 i, n = 0;
	char	 plain[ADDR_MAX];

	if (s[0] == '@' && memchr(s, ':', len) != NULL) {
		*why = "a source route (\"@relay:\"): Postfix drops it";
		return 0;
	}
	if (s[0] != '"') {
		for (i = 0; i < len && s[i] != '@'; i++)
			;
		if ((*why = dot_atom(s, i)) != NULL)
			return 0;
		if (memchr(s, '%', i) != NULL || memchr(s, '!', i) != NULL) {
			*why = "'%' or '!' in the local part: Postfix may "
			    "rewrite it";
			return 0;
		}
		return i;
	}
	for (i = 1; i < len && s[i] != '"'; i++) {
		if (s[i] == '\\' && ++i == len)
			break;
		if (n < sizeof(plain))
			plain[n++] = s[i];
	}
	if (i >= len) {
		*why = "unterminated quoted local part";
		return 0;
	}
	if (n == 0) {
		*why = "empty quoted local part";
		return 0;
	}
	if (n < sizeof(plain) && dot_atom(plain, n) == NULL) {
		*why = "quoted local part that needs no quotes: Postfix "
		    "stores it unquoted; write it without them";
		return 0;
	}
	return i + 1;
}

/* The domain at s[0..len): NULL if good, else why not. */
static const char *
check_domain(const char *s, size_t len)
{
	struct ipaddr	 ip;
	size_t		 i = 0, lab;

	if (len == 0)
		return "no domain";
	if (s[0] == '[') {
		if (s[len - 1] != ']')
			return "bad address literal";
		if (len > 6 && strncasecmp(s + 1, "IPv6:", 5) == 0) {
			if (ipaddr_parse(s + 6, len - 7, 0, &ip) ||
			    ip.family != IPADDR_V6)
				return "bad address literal";
		} else if (ipaddr_parse(s + 1, len - 2, 0, &ip) ||
		    memchr(s + 1, ':', len - 2) != NULL)
			return "bad address literal";
		return NULL;
	}
	for (;;) {
		for (lab = i; i < len && (is_letdig((unsigned char)s[i]) ||
		    s[i] == '-'); i++)
			;
		if (i == lab)
			return i < len && s[i] != '.' ?
			    "character not allowed in the domain" :
			    "empty label in the domain";
		if (s[lab] == '-' || s[i - 1] == '-')
			return "domain label starts or ends with '-'";
		if (i - lab > 63)
			return "domain label longer than 63 characters";
		if (i == len)
			return NULL;
		if (s[i++] != '.')
			return "character not allowed in the domain";
		if (i == len)
			return "domain ends with '.': Postfix drops it";
	}
}

const char *
addr_check(const char *s, size_t len)
{
	const char	*why = NULL;
	size_t		 i, at;

	if (len == 0)
		return "empty";
	if (len > ADDR_MAX - 3)
		return "longer than 253 characters";
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "control character";
		if ((unsigned char)s[i] >= 0x80)
			return "non-ASCII character";
	}
	if ((at = check_local(s, len, &why)) == 0)
		return why;
	if (at == len)
		return "no domain";
	if (s[at] != '@')
		return "character not allowed in the local part";
	if (at > 64)
		return "local part longer than 64 characters";
	return check_domain(s + at + 1, len - at - 1);
}

/* Append c to out[*n]; -1 when full. */
static int
put(char *out, size_t outsize, size_t *n, char c)
{
	if (*n + 1 >= outsize)
		return -1;
	out[(*n)++] = c;
	return 0;
}

int
addr_internal(const char *path, char *out, size_t outsize)
{
	const char	*p = path, *at = NULL;
	size_t		 n = 0, dom;
	int		 quoted = 0;

	if (outsize == 0)
		return -1;
	out[0] = '\0';
	if (p == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '<')
		p++;
	if (*p == '@')			/* a source route: "@a,@b:" */
		while (*p != '\0' && *p != ':' && *p != '>')
			p++;
	if (*p == ':')
		p++;
	for (; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '"')
				quoted = 0;
			else if ((*p != '\\' || *++p != '\0') &&
			    put(out, outsize, &n, *p) == -1)
				return -1;
			if (*p == '\0')
				return -1;
			continue;
		}
		if (*p == '"')
			quoted = 1;
		else if (*p == '>' || *p == ' ' || *p == '\t')
			break;
		else {
			if (*p == '@')
				at = out + n;
			if (put(out, outsize, &n, *p) == -1)
				return -1;
		}
	}
	if (quoted || at == NULL || at == out)
		return -1;
	dom = (size_t)(at - out) + 1;
	while (n > dom && out[n - 1] == '.')
		n--;
	if (n == dom)
		return -1;
	out[n] = '\0';
	for (; dom < n; dom++)
		out[dom] = (char)tolower((unsigned char)out[dom]);
	return 0;
}

/* The local part of internal form s without its extension: its length. */
static size_t
base_len(const char *s, const char *delims)
{
	size_t	 at = (size_t)(strrchr(s, '@') - s), n;

	if (delims == NULL || *delims == '\0')
		return at;
	n = strcspn(s, delims);
	return n > 0 && n < at ? n : at;
}

int
addr_same_mailbox(const char *a, const char *b, const char *delims)
{
	char	 x[ADDR_MAX], y[ADDR_MAX];
	size_t	 lx, ly;

	if (addr_internal(a, x, sizeof(x)) == -1 ||
	    addr_internal(b, y, sizeof(y)) == -1)
		return 0;
	if (strcmp(strrchr(x, '@'), strrchr(y, '@')) != 0)
		return 0;
	lx = base_len(x, delims);
	ly = base_len(y, delims);
	return lx == ly && strncasecmp(x, y, lx) == 0;
}

int
addr_strip_route(const char *path, char *out, size_t outsize)
{
	const char	*colon;
	int		 n;

	while (*path == ' ' || *path == '\t')
		path++;
	if (path[0] != '<' || path[1] != '@' ||
	    (colon = strchr(path, ':')) == NULL)
		return 0;
	n = snprintf(out, outsize, "<%s", colon + 1);
	return n < 0 || (size_t)n >= outsize ? -1 : 1;
}

int
addr_path(const char *mailbox, char *out, size_t outsize)
{
	size_t	 len;

	if (mailbox == NULL || addr_check(mailbox, strlen(mailbox)) != NULL)
		return -1;
	len = strlen(mailbox);
	if (len + 3 > outsize)
		return -1;
	out[0] = '<';
	memcpy(out + 1, mailbox, len);
	out[len + 1] = '>';
	out[len + 2] = '\0';
	return 0;
}
