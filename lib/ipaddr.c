/*
 * ipaddr.c - strict IPv4/IPv6 address parsing and RFC 5952 formatting;
 * see ipaddr.h.
 *
 * The parser is written out by hand rather than calling inet_pton(3) so
 * that its rules do not depend on the C library: a dotted quad has
 * exactly four decimal octets without leading zeros, IPv6 groups have
 * one to four hex digits, "::" appears at most once, an embedded dotted
 * quad may only end an IPv6 address, zone IDs are refused.  Defanged
 * separators are rewritten into a small local buffer first, so the core
 * parser only ever sees plain text.
 */
#include "config.h"

#include <string.h>

#include "ipaddr.h"

/* Longest text accepted before or after undoing defanging. */
#define IPADDR_TEXT_MAX	64

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Parse exactly a dotted quad in s[0..len); 0 and out[0..3], or -1. */
static int
parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t	 i = 0;
	int	 part, digits, val;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		val = 0;
		digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digits > 0 && val == 0)
				return -1;	/* leading zero */
			val = val * 10 + (s[i] - '0');
			if (val > 255)
				return -1;
			digits++;
			i++;
		}
		if (digits == 0)
			return -1;
		out[part] = (uint8_t)val;
	}
	return i == len ? 0 : -1;
}

/* Value of hex digit c, or -1. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse exactly an RFC 4291 IPv6 address in s[0..len); 0 or -1. */
static int
parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t	 buf[16];
	size_t	 i = 0, start;
	int	 n = 0, gap = -1, digits, val, h;

	memset(buf, 0, sizeof(buf));
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	} else if (len >= 1 && s[0] == ':')
		return -1;
	for (;;) {
		start = i;
		val = 0;
		digits = 0;
		while (i < len && (h = hexval((unsigned char)s[i])) != -1) {
			if (digits == 4)
				return -1;
			val = (val << 4) | h;
			digits++;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* Embedded dotted quad: must be the last part. */
			if (n > 12 || parse_v4(s + start, len - start,
			    buf + n) == -1)
				return -1;
			n += 4;
			break;
		}
		if (digits == 0 || n > 14)
			return -1;
		buf[n++] = (uint8_t)(val >> 8);
		buf[n++] = (uint8_t)val;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < len && s[i] == ':') {
			if (gap != -1)
				return -1;
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len)
			return -1;	/* trailing single colon */
	}
done:
	if (gap == -1) {
		if (n != 16)
			return -1;
	} else {
		if (n == 16)
			return -1;	/* "::" must stand for a zero group */
		memmove(buf + 16 - (n - gap), buf + gap, (size_t)(n - gap));
		memset(buf + gap, 0, (size_t)(16 - n));
	}
	memcpy(out, buf, 16);
	return 0;
}

/*
 * Copy s into out undoing "[.]", "(.)", "[:]" and "[::]"; with wide set
 * "[:]" becomes "::" (the "2001:db8[:]1" form).  Returns the length,
 * or -1 if it does not fit.
 */
static int
undefang(const char *s, size_t len, int wide, char *out, size_t outsize)
{
	size_t	 i = 0, o = 0, n;
	const char *rep;

	while (i < len) {
		rep = NULL;
		n = 1;
		if (i + 2 < len && s[i + 2] == (s[i] == '(' ? ')' : ']') &&
		    (s[i] == '(' || s[i] == '[') && s[i + 1] == '.') {
			rep = ".";
			n = 3;
		} else if (i + 2 < len && s[i] == '[' && s[i + 1] == ':' &&
		    s[i + 2] == ']') {
			rep = wide ? "::" : ":";
			n = 3;
		} else if (i + 3 < len && s[i] == '[' && s[i + 1] == ':' &&
		    s[i + 2] == ':' && s[i + 3] == ']') {
			rep = "::";
			n = 4;
		}
		if (rep == NULL) {
			if (o + 1 >= outsize)
				return -1;
			out[o++] = s[i];
		} else {
			if (o + strlen(rep) >= outsize)
				return -1;
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		}
		i += n;
	}
	out[o] = '\0';
	return (int)o;
}

/* Parse len bytes of plain text s into out; 0 or -1. */
static int
parse_plain(const char *s, size_t len, struct ipaddr *out)
{
	struct ipaddr	 ip;

	if (len == 0 || len > IPADDR_TEXT_MAX)
		return -1;
	memset(&ip, 0, sizeof(ip));
	if (memchr(s, ':', len) == NULL) {
		if (parse_v4(s, len, ip.a) == -1)
			return -1;
		ip.family = IPADDR_V4;
	} else {
		if (parse_v6(s, len, ip.a) == -1)
			return -1;
		ip.family = IPADDR_V6;
		if (memcmp(ip.a, v4mapped_prefix, 12) == 0) {
			memmove(ip.a, ip.a + 12, 4);
			memset(ip.a + 4, 0, 12);
			ip.family = IPADDR_V4;
		}
	}
	*out = ip;
	return 0;
}

/* Parse one address. */
int
ipaddr_parse(const char *s, size_t len, int flags, struct ipaddr *out)
{
	char	 tmp[IPADDR_TEXT_MAX + 1];
	int	 n;

	if (s == NULL || len == 0 || len > IPADDR_TEXT_MAX * 3)
		return -1;
	if (!(flags & IPADDR_DEFANGED))
		return parse_plain(s, len, out);
	if ((n = undefang(s, len, 0, tmp, sizeof(tmp))) != -1 &&
	    parse_plain(tmp, (size_t)n, out) == 0)
		return 0;
	if (memmem(s, len, "[:]", 3) == NULL ||
	    (n = undefang(s, len, 1, tmp, sizeof(tmp))) == -1)
		return -1;
	return parse_plain(tmp, (size_t)n, out);
}

/* Format ip as a dotted quad or RFC 5952 text. */
int
ipaddr_format(const struct ipaddr *ip, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char	 tmp[IPADDR_STRLEN];
	size_t	 o = 0;
	int	 i, g, best = -1, bestlen = 1, run, v, shift, started;
	unsigned grp[8];

	if (ip->family == IPADDR_V4) {
		for (i = 0; i < 4; i++) {
			v = ip->a[i];
			if (i > 0)
				tmp[o++] = '.';
			if (v >= 100)
				tmp[o++] = (char)('0' + v / 100);
			if (v >= 10)
				tmp[o++] = (char)('0' + v / 10 % 10);
			tmp[o++] = (char)('0' + v % 10);
		}
	} else if (ip->family == IPADDR_V6) {
		for (g = 0; g < 8; g++)
			grp[g] = (unsigned)ip->a[2 * g] << 8 | ip->a[2 * g + 1];
		/* Longest run of two or more zero groups, first on a tie. */
		for (g = 0; g < 8; g = i) {
			for (i = g; i < 8 && grp[i] == 0; i++)
				;
			run = i - g;
			if (run > bestlen) {
				best = g;
				bestlen = run;
			}
			if (i == g)
				i++;
		}
		for (g = 0; g < 8; g++) {
			if (g == best) {
				tmp[o++] = ':';
				tmp[o++] = ':';
				g += bestlen - 1;
				continue;
			}
			if (g > 0 && g != best + bestlen)
				tmp[o++] = ':';
			started = 0;
			for (shift = 12; shift >= 0; shift -= 4) {
				v = (int)(grp[g] >> shift) & 0xf;
				if (v || started || shift == 0) {
					tmp[o++] = hex[v];
					started = 1;
				}
			}
		}
	} else
		return -1;
	if (o + 1 > size)
		return -1;
	memcpy(out, tmp, o);
	out[o] = '\0';
	return (int)o;
}

/* Compare two addresses, IPv4 first. */
int
ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, x->family == IPADDR_V4 ? 4 : 16);
}

/* Width of the family in bits. */
int
ipaddr_bits(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V4 ? 32 : 128;
}

/* Non-zero for addresses that no customer can hold. */
int
ipaddr_is_reserved(const struct ipaddr *ip)
{
	static const uint8_t zero[16], one[16] = { [15] = 1 };

	if (ip->family == IPADDR_V4) {
		return ip->a[0] == 0 ||			/* 0.0.0.0/8 */
		    ip->a[0] == 127 ||			/* loopback */
		    (ip->a[0] == 169 && ip->a[1] == 254) ||
		    (ip->a[0] & 0xf0) == 0xe0 ||	/* multicast */
		    (ip->a[0] == 255 && ip->a[1] == 255 &&
		    ip->a[2] == 255 && ip->a[3] == 255);
	}
	return memcmp(ip->a, zero, 16) == 0 || memcmp(ip->a, one, 16) == 0 ||
	    ip->a[0] == 0xff ||				/* multicast */
	    (ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80);	/* fe80::/10 */
}

/* Parse "addr/len" or a bare address. */
int
ipaddr_parse_prefix(const char *s, size_t len, struct ipaddr *net,
    int *plen, const char **why)
{
	const char	*slash;
	struct ipaddr	 ip;
	size_t		 alen, i;
	int		 n = 0, bits, mapped;

	slash = len > 0 ? memchr(s, '/', len) : NULL;
	alen = slash ? (size_t)(slash - s) : len;
	if (ipaddr_parse(s, alen, 0, &ip) == -1) {
		*why = "bad address";
		return -1;
	}
	/* An IPv4-mapped IPv6 prefix counts its length over 128 bits. */
	mapped = ip.family == IPADDR_V4 && memchr(s, ':', alen) != NULL;
	bits = mapped ? 128 : ipaddr_bits(&ip);
	if (slash == NULL)
		n = bits;
	else {
		if (alen + 1 == len || len - alen - 1 > 3 ||
		    (s[alen + 1] == '0' && len - alen - 1 > 1)) {
			*why = "bad prefix length";
			return -1;
		}
		for (i = alen + 1; i < len; i++) {
			if (s[i] < '0' || s[i] > '9') {
				*why = "bad prefix length";
				return -1;
			}
			n = n * 10 + (s[i] - '0');
		}
		if (n > bits) {
			*why = "prefix length out of range";
			return -1;
		}
	}
	if (mapped) {
		if (n < 96) {
			*why = "IPv4-mapped prefix shorter than /96";
			return -1;
		}
		n -= 96;
	}
	for (i = 0; i < 16; i++) {
		int	 keep = n - (int)i * 8;
		uint8_t	 mask;

		if (keep >= 8)
			continue;
		mask = keep <= 0 ? 0 : (uint8_t)(0xff00 >> keep);
		if (ip.a[i] & ~mask) {
			*why = "host bits set";
			return -1;
		}
	}
	*net = ip;
	*plen = n;
	return 0;
}

/* Copy a dotted quad with its octets' leading zeros dropped into out;
 * -1 when s is not four groups of 1 to 3 digits. */
static int
quad_unpad(const char *s, size_t len, char *out, size_t size)
{
	size_t	 i = 0, o = 0, digits;
	int	 groups = 0;

	while (i < len) {
		for (digits = 0; i + digits < len &&
		    s[i + digits] >= '0' && s[i + digits] <= '9'; digits++)
			;
		if (digits == 0 || digits > 3)
			return -1;
		while (digits > 1 && s[i] == '0') {
			i++;
			digits--;
		}
		if (o + digits + 2 > size)
			return -1;
		memcpy(out + o, s + i, digits);
		o += digits;
		i += digits;
		if (++groups == 4)
			break;
		if (i >= len || s[i] != '.')
			return -1;
		out[o++] = '.';
		i++;
	}
	out[o] = '\0';
	return groups == 4 && i == len ? (int)o : -1;
}

/* Read a port; see ipaddr.h. */
int
ipaddr_port(const char *s, size_t len)
{
	long	 v = 0;
	size_t	 i;

	if (s == NULL || len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

/* Read an address-like token; see ipaddr.h. */
int
ipaddr_parse_token(const char *s, size_t len, struct ipaddr *out, int *port,
    int *plen)
{
	char		 t[128], u[128];
	const char	*why, *slash, *colon;
	size_t		 i, n = 0, dots = 0, colons = 0, tl;
	int		 pl, q;

	*port = -1;
	while (len > 0 && strchr(" \t\"'(<", s[0]) != NULL)
		s++, len--;
	while (len > 0 && strchr(" \t\"')>.,;", s[len - 1]) != NULL)
		len--;
	if (len == 0 || len >= sizeof(t))
		return 0;
	/* undo the defanging, so that "[.]" and "(.)" count as dots */
	for (i = 0; i < len; i++) {
		if (i + 2 < len && (s[i] == '[' || s[i] == '(') &&
		    (s[i + 1] == '.' || s[i + 1] == ':') &&
		    s[i + 2] == (s[i] == '[' ? ']' : ')')) {
			t[n++] = s[i + 1];
			i += 2;
			continue;
		}
		t[n++] = s[i];
	}
	t[n] = '\0';
	for (i = 0; i < n; i++) {
		if (t[i] == '.')
			dots++;
		else if (t[i] == ':')
			colons++;
	}
	/* a time of day ("10:50:41") has two colons and is no address */
	if (dots < 3 && colons < 3 && strstr(t, "::") == NULL &&
	    strchr(t, '/') == NULL && t[0] != '[')
		return 0;
	/* [v6]:port, [v4]:port, [addr] */
	if (t[0] == '[') {
		const char *rb = strchr(t, ']');

		if (rb == NULL)
			return -1;
		if (rb[1] == ':' && (*port = ipaddr_port(rb + 2,
		    n - (size_t)(rb + 2 - t))) == -1)
			return -1;
		if (rb[1] != '\0' && rb[1] != ':')
			return -1;
		tl = (size_t)(rb - t - 1);
		memmove(t, t + 1, tl);
		t[tl] = '\0';
		n = tl;
	} else if (dots == 3 && colons == 1) {
		/* 192.0.2.1:8080 */
		colon = strchr(t, ':');
		if ((*port = ipaddr_port(colon + 1, n - (size_t)(colon + 1 - t)))
		    == -1)
			return -1;
		n = (size_t)(colon - t);
		t[n] = '\0';
	}
	if ((slash = strchr(t, '/')) != NULL) {
		if (ipaddr_parse_prefix(t, n, out, &pl, &why) == -1)
			return -1;
		*plen = pl;
		return 1;
	}
	if (ipaddr_parse(t, n, 0, out) == 0) {
		*plen = ipaddr_bits(out);
		return 1;
	}
	if (colons == 0 && (q = quad_unpad(t, n, u, sizeof(u))) > 0 &&
	    ipaddr_parse(u, (size_t)q, 0, out) == 0) {
		*plen = 32;
		return 1;
	}
	return -1;
}
