/*
 * mime.c - the MIME reader of a complaint; see mime.h.
 *
 * The reader walks the entity tree of a message held in memory (LF line
 * ends): multiparts are split on their boundary lines (a boundary that
 * never closes runs to the end), message/rfc822 and the rfc822-headers
 * family open an embedded message, base64 and quoted-printable are
 * decoded on any part that carries them, and zip or gzip attachments are
 * expanded with libarchive under hard caps.  Every decoded piece becomes
 * one segment.  Nothing here fails on bad input: broken structure is
 * read as far as it makes sense and the rest is dropped.  What a cap
 * drops is counted per cap; what is left out on purpose (images, the
 * attachments of a reported message) is not.
 *
 * An embedded message is read header block first; only once its body
 * is read is it known whether it carried a message or a feedback report
 * of its own, and then its header block is marked as a forwarded
 * complaint's (MIME_SEG_FWD_HEADERS).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <iconv.h>

#include "buf.h"
#include "mime.h"
#include "str.h"

#define MIME_BOUNDARY_MAX	200
#define CS_NAME_MAX		40	/* a charset name and its NUL */
#define MIME_NOSEG		SIZE_MAX

struct mime {
	struct mime_limits lim;
	struct mime_seg	*seg;
	size_t		 nseg, segsize;
	size_t		 decoded;	/* bytes held by segments */
	size_t		 expanded;	/* bytes taken out of archives */
	size_t		 dropped[MIME_CAP_COUNT];	/* per cap */
	int		 msgs;		/* embedded messages seen */
	int		 reports;	/* feedback-report parts seen */
	int		 parent;	/* the message the one being read is
					   in (0: the complaint) */
	int		 nomem;
};

/* What the reader needs to know of an entity's header. */
struct ent {
	char	 ctype[MIME_CTYPE_MAX];
	char	 boundary[MIME_BOUNDARY_MAX];
	char	 cte[32];
	char	 name[MIME_NAME_MAX];
	char	 charset[CS_NAME_MAX];
	int	 attachment;
};

static void	mime_entity(struct mime *, const struct ent *, const char *,
		    size_t, size_t, int, int);
static void	mime_message(struct mime *, const char *, size_t, size_t,
		    int, int, int);

/* Fill lim with the default limits. */
void
mime_default_limits(struct mime_limits *lim)
{
	lim->max_depth = 20;
	lim->max_segs = 512;
	lim->max_decoded = 8 * 1024 * 1024;
	lim->max_expanded = 8 * 1024 * 1024;
	lim->max_ratio = 200;
}

/* Make a reader. */
mime_t *
mime_new(const struct mime_limits *lim)
{
	struct mime *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (lim != NULL)
		m->lim = *lim;
	else
		mime_default_limits(&m->lim);
	return m;
}

/* Drop every segment of m. */
static void
mime_clear(struct mime *m)
{
	size_t	 i;

	for (i = 0; i < m->nseg; i++)
		free(m->seg[i].data);
	m->nseg = 0;
	m->decoded = 0;
	m->expanded = 0;
	memset(m->dropped, 0, sizeof(m->dropped));
	m->msgs = 0;
	m->reports = 0;
	m->parent = 0;
	m->nomem = 0;
}

/* Free a reader. */
void
mime_free(mime_t *m)
{
	if (m == NULL)
		return;
	mime_clear(m);
	free(m->seg);
	free(m);
}

/* Number of segments. */
size_t
mime_count(const mime_t *m)
{
	return m->nseg;
}

/* Segment i. */
const struct mime_seg *
mime_seg(const mime_t *m, size_t i)
{
	return i < m->nseg ? &m->seg[i] : NULL;
}

/* Times cap dropped content of the last message. */
size_t
mime_dropped(const mime_t *m, int cap)
{
	if (cap < 0 || cap >= MIME_CAP_COUNT)
		return 0;
	return m->dropped[cap];
}

/* Times any cap dropped content of the last message. */
size_t
mime_truncations(const mime_t *m)
{
	size_t	 i, n = 0;

	for (i = 0; i < MIME_CAP_COUNT; i++)
		n += m->dropped[i];
	return n;
}

/* Name of a cap. */
const char *
mime_cap_name(int cap)
{
	static const char *const names[MIME_CAP_COUNT] = {
		[MIME_CAP_DEPTH] = "depth",
		[MIME_CAP_SEGS] = "segments",
		[MIME_CAP_DECODED] = "decoded",
		[MIME_CAP_EXPANDED] = "expanded",
		[MIME_CAP_RATIO] = "ratio",
		[MIME_CAP_MEMBERS] = "members",
		[MIME_CAP_FIELDS] = "fields",
		[MIME_CAP_CHARSET] = "charset",
	};

	if (cap < 0 || cap >= MIME_CAP_COUNT)
		return NULL;
	return names[cap];
}

/* Copy at most size-1 bytes of s into out, lowercased, NUL-terminated. */
static void
copy_lower(char *out, size_t size, const char *s, size_t len)
{
	size_t	 i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
}

/* Turn CRLF (and lone CR) into LF in place; returns the new length. */
static size_t
norm_lf(char *s, size_t len)
{
	size_t	 i, o;

	for (i = o = 0; i < len; i++) {
		if (s[i] == '\r') {
			if (i + 1 < len && s[i + 1] == '\n')
				continue;
			s[o++] = '\n';
			continue;
		}
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/*
 * Add a segment holding data (malloc'd, NUL-terminated, len bytes; taken
 * over, freed on failure).
 */
static void
add_seg(struct mime *m, int region, const char *ctype, const char *name,
    int emb, int msgno, char *data, size_t len)
{
	struct mime_seg *s;
	size_t	 nsize;

	if (m->nseg >= m->lim.max_segs ||
	    len > m->lim.max_decoded - m->decoded) {
		m->dropped[m->nseg >= m->lim.max_segs ? MIME_CAP_SEGS :
		    MIME_CAP_DECODED]++;
		free(data);
		return;
	}
	if (m->nseg == m->segsize) {
		nsize = m->segsize ? m->segsize * 2 : 16;
		if (nsize > m->lim.max_segs)
			nsize = m->lim.max_segs;
		s = realloc(m->seg, nsize * sizeof(*s));
		if (s == NULL) {
			m->nomem = 1;
			free(data);
			return;
		}
		m->seg = s;
		m->segsize = nsize;
	}
	s = &m->seg[m->nseg++];
	s->region = region;
	str_copyn(s->ctype, sizeof(s->ctype), ctype, strlen(ctype));
	str_copyn(s->name, sizeof(s->name), name, strlen(name));
	s->embedded = emb;
	s->msgno = msgno;
	s->parent = m->parent;
	s->data = data;
	s->len = len;
	m->decoded += len;
}

/* Value of a base64 character, -1 if not in the alphabet. */
static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode base64, leniently, into a new buffer of at most cap bytes. */
char *
mime_decode_b64(const char *s, size_t len, size_t cap, size_t *outlen,
    int *cut)
{
	char		*out;
	size_t		 i, o, want;
	uint32_t	 acc = 0;
	int		 n = 0, v, c = 0;

	want = len / 4 * 3 + 3;
	if (want > cap)
		want = cap;
	if ((out = malloc(want + 1)) == NULL)
		return NULL;
	for (i = o = 0; i < len; i++) {
		if (s[i] == '=')
			break;
		if ((v = b64val((unsigned char)s[i])) < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		if (++n == 4) {
			if (o + 3 > want) {
				c = 1;
				n = 0;
				break;
			}
			out[o++] = (char)(acc >> 16);
			out[o++] = (char)(acc >> 8);
			out[o++] = (char)acc;
			acc = 0;
			n = 0;
		}
	}
	if (n == 2 && o + 1 <= want)
		out[o++] = (char)(acc >> 4);
	else if (n == 3 && o + 2 <= want) {
		out[o++] = (char)(acc >> 10);
		out[o++] = (char)(acc >> 2);
	} else if (n == 2 || n == 3)
		c = 1;
	out[o] = '\0';
	*outlen = o;
	if (cut != NULL)
		*cut = c;
	return out;
}

/* Value of a hex digit, -1 if none. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Would quoted-printable s decode to anything but soft line breaks? */
static int
qp_more(const char *s, size_t len)
{
	size_t	 i = 0, j;

	while (i < len) {
		if (s[i] != '=')
			return 1;
		j = i + 1;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && s[j] == '\r')
			j++;
		if (j < len && s[j] != '\n')
			return 1;
		i = j + 1;
	}
	return 0;
}

/* Decode quoted-printable into a new buffer of at most cap bytes. */
char *
mime_decode_qp(const char *s, size_t len, size_t cap, size_t *outlen,
    int *cut)
{
	char	*out;
	size_t	 i, o, want, j;
	int	 h, l;

	want = len < cap ? len : cap;
	if ((out = malloc(want + 1)) == NULL)
		return NULL;
	for (i = o = 0; i < len && o < want; i++) {
		if (s[i] != '=') {
			out[o++] = s[i];
			continue;
		}
		/* soft line break: '=' then blanks then a line end */
		j = i + 1;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && s[j] == '\r')
			j++;
		if (j >= len || s[j] == '\n') {
			i = j;
			continue;
		}
		if (i + 2 < len && (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			i += 2;
			continue;
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	*outlen = o;
	if (cut != NULL)
		*cut = i < len && qp_more(s + i, len - i);
	return out;
}

/* State of one header split. */
struct split {
	mime_field_fn	 fn;
	void		*arg;
	size_t		 max, n;	/* fields given so far */
	size_t		 dropped;	/* past max, or cut */
	int		 stop;		/* fn asked to stop */
};

/* Give one whole field to the caller, or count it dropped. */
static void
split_emit(struct split *sp, const char *name, size_t nlen, const buf_t *v,
    int cut)
{
	if (sp->stop)
		return;
	if (sp->n >= sp->max) {
		sp->dropped++;
		return;
	}
	sp->n++;
	if (sp->fn(sp->arg, name, nlen, v->data, v->len) == -1)
		sp->stop = 1;
	else if (cut)
		sp->dropped++;
}

/* Split a header block into unfolded fields; see mime.h. */
size_t
mime_split_headers(const char *s, size_t len, size_t max, mime_field_fn fn,
    void *arg, size_t *bodyoff)
{
	struct split	 sp;
	buf_t		 v;
	const char	*line, *nl, *colon, *name;
	size_t		 pos = 0, llen, nlen, vstart;
	int		 have = 0, cut = 0;

	memset(&sp, 0, sizeof(sp));
	sp.fn = fn;
	sp.arg = arg;
	sp.max = max;
	buf_init(&v, MIME_FIELD_MAX);
	name = NULL;
	nlen = 0;
	if (len >= 5 && memcmp(s, "From ", 5) == 0) {
		nl = memchr(s, '\n', len);
		pos = nl != NULL ? (size_t)(nl - s) + 1 : len;
	}
	while (pos < len) {
		line = s + pos;
		nl = memchr(line, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += llen + (nl != NULL);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;
		if (llen == 0)
			break;
		if ((line[0] == ' ' || line[0] == '\t') && have) {
			if (buf_append(&v, line, llen) == -1)
				cut = 1;
			continue;
		}
		if (have)
			split_emit(&sp, name, nlen, &v, cut);
		have = 0;
		colon = memchr(line, ':', llen);
		if (colon == NULL || colon == line) {
			/* not a field: a header block does not go on here */
			if (memchr(line, ' ', llen) != NULL || colon == line) {
				pos = (size_t)(line - s);
				break;
			}
			continue;
		}
		name = line;
		nlen = (size_t)(colon - line);
		while (nlen > 0 && (name[nlen - 1] == ' ' ||
		    name[nlen - 1] == '\t'))
			nlen--;
		if (memchr(name, ' ', nlen) != NULL) {
			pos = (size_t)(line - s);
			break;
		}
		vstart = (size_t)(colon - line) + 1;
		while (vstart < llen && (line[vstart] == ' ' ||
		    line[vstart] == '\t'))
			vstart++;
		buf_reset(&v);
		cut = buf_append(&v, line + vstart, llen - vstart) == -1;
		have = 1;
	}
	if (have)
		split_emit(&sp, name, nlen, &v, cut);
	buf_free(&v);
	if (bodyoff != NULL)
		*bodyoff = pos;
	return sp.dropped;
}

/* Find parameter key (lowercase) in a header value; copy its value. */
static int
param_get(const char *v, size_t vlen, const char *key, char *out,
    size_t size)
{
	size_t	 i, klen, j, start;
	int	 q = 0;

	klen = strlen(key);
	for (i = 0; i < vlen; i++) {
		if (v[i] == '"')
			q = !q;
		if (q || v[i] != ';')
			continue;
		j = i + 1;
		while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
			j++;
		if (vlen - j < klen || strncasecmp(v + j, key, klen) != 0)
			continue;
		j += klen;
		if (j < vlen && v[j] == '*') {
			/* RFC 2231: key*=charset'lang'value */
			j++;
			if (j < vlen && v[j] == '=') {
				const char *a;

				j++;
				a = memchr(v + j, '\'', vlen - j);
				if (a != NULL && (a = memchr(a + 1, '\'',
				    vlen - (size_t)(a + 1 - v))) != NULL)
					j = (size_t)(a + 1 - v);
				start = j;
				while (j < vlen && v[j] != ';' && v[j] != ' ')
					j++;
				str_copyn(out, size, v + start, j - start);
				return 1;
			}
			continue;
		}
		while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
			j++;
		if (j >= vlen || v[j] != '=')
			continue;
		j++;
		while (j < vlen && (v[j] == ' ' || v[j] == '\t'))
			j++;
		if (j < vlen && v[j] == '"') {
			start = ++j;
			while (j < vlen && v[j] != '"')
				j++;
		} else {
			start = j;
			while (j < vlen && v[j] != ';' && v[j] != ' ' &&
			    v[j] != '\t')
				j++;
		}
		str_copyn(out, size, v + start, j - start);
		return 1;
	}
	return 0;
}

/* Take what the reader needs from one field of an entity header. */
static void
ent_field(struct ent *e, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	size_t	 i;

	if (nlen == 12 && strncasecmp(name, "Content-Type", 12) == 0) {
		for (i = 0; i < vlen && v[i] != ';' && v[i] != ' ' &&
		    v[i] != '\t'; i++)
			;
		copy_lower(e->ctype, sizeof(e->ctype), v, i);
		(void)param_get(v, vlen, "boundary", e->boundary,
		    sizeof(e->boundary));
		(void)param_get(v, vlen, "charset", e->charset,
		    sizeof(e->charset));
		if (e->name[0] == '\0')
			(void)param_get(v, vlen, "name", e->name,
			    sizeof(e->name));
	} else if (nlen == 25 &&
	    strncasecmp(name, "Content-Transfer-Encoding", 25) == 0) {
		for (i = 0; i < vlen && v[i] != ' ' && v[i] != ';'; i++)
			;
		copy_lower(e->cte, sizeof(e->cte), v, i);
	} else if (nlen == 19 &&
	    strncasecmp(name, "Content-Disposition", 19) == 0) {
		if (vlen >= 10 && strncasecmp(v, "attachment", 10) == 0)
			e->attachment = 1;
		(void)param_get(v, vlen, "filename", e->name, sizeof(e->name));
	}
}

/* Callback for mime_split_headers filling a struct ent. */
static int
ent_cb(void *arg, const char *name, size_t nlen, const char *v, size_t vlen)
{
	ent_field(arg, name, nlen, v, vlen);
	return 0;
}

/* State to collect an embedded header block as text. */
struct embhdr {
	struct ent	*e;
	buf_t		*b;
	int		 cut;	/* b filled up: later fields lost */
};

/* Callback: collect one field of an embedded message. */
static int
embhdr_cb(void *arg, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	struct embhdr *eh = arg;
	char	*dec = NULL;
	size_t	 dlen;
	int	 rc = 0;

	if (eh->e != NULL)
		ent_field(eh->e, name, nlen, v, vlen);
	if (nlen == 7 && strncasecmp(name, "Subject", 7) == 0 &&
	    (dec = mime_decode_2047(v, vlen, MIME_FIELD_MAX, &dlen, NULL)) !=
	    NULL) {
		v = dec;
		vlen = dlen;
	}
	if (buf_append(eh->b, name, nlen) == -1 ||
	    buf_append(eh->b, ": ", 2) == -1 ||
	    buf_append(eh->b, v, vlen) == -1 ||
	    buf_putc(eh->b, '\n') == -1) {
		eh->cut = 1;
		rc = -1;
	}
	free(dec);
	return rc;
}

/* Does the file name end in ext (case-insensitive)? */
static int
name_ends(const char *name, const char *ext)
{
	size_t	 n = strlen(name), e = strlen(ext);

	return n >= e && strcasecmp(name + n - e, ext) == 0;
}

/* A content type for a file name, or NULL when the name says nothing. */
static const char *
type_of_name(const char *name)
{
	static const struct {
		const char *ext, *type;
	} map[] = {
		{ ".csv", "text/csv" }, { ".txt", "text/plain" },
		{ ".log", "text/plain" }, { ".json", "application/json" },
		{ ".xml", "application/xml" }, { ".html", "text/html" },
		{ ".htm", "text/html" }, { ".eml", "message/rfc822" },
		{ ".zip", "application/zip" }, { ".gz", "application/gzip" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (name_ends(name, map[i].ext))
			return map[i].type;
	return NULL;
}

/* Is this a type whose content is never text evidence? */
static int
skip_type(const char *ct)
{
	return strncmp(ct, "image/", 6) == 0 ||
	    strncmp(ct, "audio/", 6) == 0 ||
	    strncmp(ct, "video/", 6) == 0 ||
	    strcmp(ct, "application/pgp-signature") == 0 ||
	    strcmp(ct, "application/pkcs7-signature") == 0 ||
	    strcmp(ct, "application/x-pkcs7-signature") == 0 ||
	    strcmp(ct, "application/pdf") == 0;
}

/* Is ct one of the rfc822-headers family, misspellings included? */
static int
headers_type(const char *ct)
{
	return strcmp(ct, "text/rfc822-headers") == 0 ||
	    strcmp(ct, "text/rfc822-header") == 0 ||
	    strcmp(ct, "message/rfc822-headers") == 0 ||
	    strcmp(ct, "message/rfc822-header") == 0 ||
	    strcmp(ct, "text/rfc822") == 0;
}

/* Copy len bytes into a new NUL-terminated buffer; NULL: ENOMEM. */
static char *
dup_mem(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * Charsets.  A name from a message reaches iconv_open() only when it is
 * short and made of the characters charset names use (no "/", so no
 * iconv suffix and no path).
 */

/* Names in the wild that iconv spells otherwise. */
static const struct {
	const char *name, *iconv;
} cs_alias[] = {
	{ "unicode-1-1-utf-7", "UTF-7" },
	{ "ks_c_5601-1987", "CP949" },
	{ "x-sjis", "SHIFT_JIS" },
	{ "gb2312", "GBK" },		/* GBK text is often sent as GB2312 */
	{ "iso-8859-8-i", "ISO-8859-8" },
};

/* Copy a charset name, lowercased, into out; 0 if it is not one. */
static int
cs_name(const char *cs, char *out, size_t size)
{
	size_t	 i, n;

	if (cs == NULL)
		return 0;
	n = strlen(cs);
	if (n == 0 || n >= size)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)cs[i]) && strchr("-_.:+", cs[i])
		    == NULL)
			return 0;
		out[i] = (char)tolower((unsigned char)cs[i]);
	}
	out[n] = '\0';
	for (i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++)
		if (strcmp(out, cs_alias[i].name) == 0)
			str_copyn(out, size, cs_alias[i].iconv,
			    strlen(cs_alias[i].iconv));
	return 1;
}

/* Is the charset one whose text is copied as it is? */
static int
cs_plain(const char *cs)
{
	static const char *const plain[] = {
		"us-ascii", "ascii", "utf-8", "utf8", "ansi_x3.4-1968",
	};
	size_t	 i;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(cs, plain[i]) == 0)
			return 1;
	return 0;
}

/* Is the text plain 7-bit ASCII, without NUL or ESC (ISO 2022)? */
static int
is_7bit(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0' ||
		    s[i] == '\033')
			return 0;
	return 1;
}

/*
 * The byte order mark at s: sets *enc to the charset and returns the
 * mark's length, or returns 0 when there is none.
 */
static size_t
bom_of(const unsigned char *s, size_t len, const char **enc)
{
	if (len >= 4 && s[0] == 0xff && s[1] == 0xfe && s[2] == 0 &&
	    s[3] == 0) {
		*enc = "UTF-32LE";
		return 4;
	}
	if (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xfe &&
	    s[3] == 0xff) {
		*enc = "UTF-32BE";
		return 4;
	}
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		*enc = "UTF-8";
		return 3;
	}
	if (len >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		*enc = "UTF-16LE";
		return 2;
	}
	if (len >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		*enc = "UTF-16BE";
		return 2;
	}
	return 0;
}

/*
 * UTF-16 without a mark, by its NUL pattern over the first 4 KiB: in
 * text that is mostly Latin, one byte of each pair is NUL, always the
 * same one; binary data has NULs on both sides or in pairs.  Returns
 * "UTF-16LE", "UTF-16BE" or NULL.
 */
static const char *
utf16_guess(const unsigned char *s, size_t len)
{
	size_t	 i, pairs, lo = 0, hi = 0, both = 0;

	if (len > 4096)
		len = 4096;
	pairs = len / 2;
	if (pairs < 2)
		return NULL;
	for (i = 0; i < pairs; i++) {
		if (s[2 * i] == 0 && s[2 * i + 1] == 0)
			both++;
		else if (s[2 * i + 1] == 0)
			lo++;		/* the high byte is 0: LE */
		else if (s[2 * i] == 0)
			hi++;
	}
	if (lo * 3 >= pairs && (hi + both) * 16 <= lo)
		return "UTF-16LE";
	if (hi * 3 >= pairs && (lo + both) * 16 <= hi)
		return "UTF-16BE";
	return NULL;
}

/* Code unit size of an encoding iconv is given (a sequence it rejects
 * is skipped by one unit). */
static size_t
cs_unit(const char *enc)
{
	if (strncasecmp(enc, "utf-16", 6) == 0 ||
	    strncasecmp(enc, "ucs-2", 5) == 0)
		return 2;
	if (strncasecmp(enc, "utf-32", 6) == 0 ||
	    strncasecmp(enc, "ucs-4", 5) == 0)
		return 4;
	return 1;
}

/* Drop a UTF-8 sequence that a cut left incomplete at the end of b. */
static void
utf8_trim(buf_t *b)
{
	size_t	 i, need;
	unsigned char c;

	for (i = b->len; i > 0 && b->len - i < 4; i--) {
		c = (unsigned char)b->data[i - 1];
		if ((c & 0xc0) == 0x80)
			continue;
		if (c < 0x80)
			return;
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (b->len - (i - 1) < need)
			buf_truncate(b, i - 1);
		return;
	}
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t	 k, len;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	c = s[0] & (0x7f >> len);
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

/*
 * Make what iconv wrote to b from offset i on valid UTF-8 in place:
 * glibc writes the code points of UCS-4 past U+10FFFF in the old 5- and
 * 6-byte forms.  Each byte of a sequence that is not valid becomes '?'
 * and sets *bad.
 */
static void
utf8_fix(buf_t *b, size_t i, int *bad)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t	 n;

	while (i < b->len) {
		if ((n = utf8_seq(u + i, b->len - i)) > 0) {
			i += n;
			continue;
		}
		b->data[i++] = '?';
		*bad = 1;
	}
}

/*
 * Append len bytes of s to b, or what fits of them, cut on a character
 * boundary.  Returns 0, 1 when b reached its cap, -1 when out of memory.
 */
static int
put_cut(buf_t *b, const char *s, size_t len)
{
	if (buf_append(b, s, len) == 0)
		return 0;
	if (errno != EMSGSIZE)
		return -1;
	if (buf_append(b, s, b->cap - b->len) == -1 && errno != EMSGSIZE)
		return -1;
	utf8_trim(b);
	return 1;
}

/*
 * Convert s (len bytes) with cd, appending UTF-8 to b.  A sequence cd
 * rejects becomes U+FFFD and is skipped by one unit; it, and a sequence
 * cut at the end, set *bad.  Returns as put_cut().
 */
static int
conv_append(iconv_t cd, const char *s, size_t len, size_t unit, buf_t *b,
    int *bad)
{
	static const char repl[] = "\xef\xbf\xbd";
	char	 chunk[8192], *in = (char *)s, *out;
	size_t	 inleft = len, outleft, r, n;
	int	 stop = 0, rc, e;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (!stop) {
		out = chunk;
		outleft = sizeof(chunk);
		errno = 0;
		if (inleft > 0)
			r = iconv(cd, &in, &inleft, &out, &outleft);
		else {
			r = iconv(cd, NULL, NULL, &out, &outleft);
			stop = 1;
		}
		e = errno;
		n = sizeof(chunk) - outleft;
		if (n > 0 && (rc = put_cut(b, chunk, n)) != 0)
			return rc;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		*bad = 1;
		if (e != EILSEQ || stop)
			break;		/* EINVAL: cut at the end */
		if ((rc = put_cut(b, repl, 3)) != 0)
			return rc;
		n = unit < inleft ? unit : inleft;
		in += n;
		inleft -= n;
	}
	return 0;
}

/* Turn a part's text into UTF-8; see mime.h. */
char *
mime_to_utf8(const char *charset, const char *s, size_t len, size_t cap,
    size_t *outlen, int *how)
{
	const unsigned char *u = (const unsigned char *)s;
	const char	*enc = NULL, *guess;
	char		 cs[CS_NAME_MAX];
	size_t		 skip;
	iconv_t		 cd = (iconv_t)-1;
	buf_t		 b;
	int		 rc, bad = 0;

	*how = 0;
	buf_init(&b, cap);
	if ((skip = bom_of(u, len, &enc)) > 0) {
		s += skip;
		len -= skip;
	} else if ((guess = utf16_guess(u, len)) != NULL)
		enc = guess;
	else if (charset != NULL && *charset != '\0' &&
	    !cs_name(charset, cs, sizeof(cs)))
		bad = !is_7bit(s, len);	/* no charset name: not known */
	else if (cs_name(charset, cs, sizeof(cs)) && !cs_plain(cs)) {
		enc = cs;
		if (strcmp(cs, "utf-16") == 0 || strcmp(cs, "ucs-2") == 0)
			enc = "UTF-16BE";	/* no mark: RFC 2781 */
		else if (strcmp(cs, "utf-32") == 0)
			enc = "UTF-32BE";
	}
	if (enc != NULL && strcmp(enc, "UTF-8") == 0)
		enc = NULL;
	if (enc != NULL && (cd = iconv_open("UTF-8", enc)) == (iconv_t)-1 &&
	    !is_7bit(s, len))
		bad = 1;	/* not known: the text is read as it is */
	if (cd == (iconv_t)-1)
		rc = put_cut(&b, s, len);
	else {
		rc = conv_append(cd, s, len, cs_unit(enc), &b, &bad);
		(void)iconv_close(cd);
		utf8_fix(&b, 0, &bad);
		*how |= MIME_UTF8_CONVERTED;
	}
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	if (rc == 1)
		*how |= MIME_UTF8_CUT;
	if (bad)
		*how |= MIME_UTF8_BAD;
	*outlen = b.len;
	if (b.size == 0)
		return dup_mem("", 0);
	return b.data;
}

/*
 * RFC 2047.  The words of one charset that follow each other are
 * gathered in a run (a character may be split across two words) and
 * converted together.
 */
struct ew_run {
	iconv_t	 cd;			/* (iconv_t)-1: no run yet */
	char	 cs[CS_NAME_MAX];
	buf_t	 raw;			/* the run's decoded bytes */
};

/* Convert the run's bytes, append them to out and empty the run (its
 * charset stays); as put_cut(). */
static int
ew_flush(struct ew_run *run, buf_t *out)
{
	size_t	 from = out->len;
	int	 rc = 0, bad = 0;

	if (run->cd != (iconv_t)-1 && run->raw.len > 0)
		rc = conv_append(run->cd, run->raw.data, run->raw.len,
		    cs_unit(run->cs), out, &bad);
	utf8_fix(out, from, &bad);
	buf_reset(&run->raw);
	return rc;
}

/* Decode Q text (s, len) into w; -1 when w is full. */
static int
ew_q(const char *s, size_t len, buf_t *w)
{
	size_t	 i;
	int	 h, l, rc;

	for (i = 0; i < len; i++) {
		if (s[i] == '_')
			rc = buf_putc(w, ' ');
		else if (s[i] == '=' && i + 2 < len &&
		    (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			rc = buf_putc(w, h * 16 + l);
			i += 2;
		} else
			rc = buf_putc(w, s[i]);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * Parse the encoded word at s (=?charset?enc?text?=, len bytes left):
 * its charset into cs, its bytes into w.  Returns the word's length, or
 * 0 when it is not a word.
 */
static size_t
ew_parse(const char *s, size_t len, char *cs, size_t cssize, buf_t *w)
{
	const char	*q1, *q3, *text, *star;
	char		 name[CS_NAME_MAX], *dec;
	size_t		 dlen, tlen, n;
	int		 enc, rc;

	if (len < 8 || s[0] != '=' || s[1] != '?' ||
	    (q1 = memchr(s + 2, '?', len - 2)) == NULL ||
	    (size_t)(q1 - s) + 3 >= len || q1[2] != '?')
		return 0;
	enc = tolower((unsigned char)q1[1]);
	text = q1 + 3;
	if ((q3 = memchr(text, '?', len - (size_t)(text - s))) == NULL ||
	    (size_t)(q3 - s) + 1 >= len || q3[1] != '=')
		return 0;
	tlen = (size_t)(q3 - text);
	if (memchr(text, ' ', tlen) != NULL || memchr(text, '\t', tlen) !=
	    NULL)
		return 0;
	n = (size_t)(q1 - (s + 2));
	if ((star = memchr(s + 2, '*', n)) != NULL)
		n = (size_t)(star - (s + 2));	/* RFC 2231 language */
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, s + 2, n);
	name[n] = '\0';
	if (!cs_name(name, cs, cssize))
		return 0;
	buf_reset(w);
	if (enc == 'b') {
		if ((dec = mime_decode_b64(text, tlen, tlen, &dlen, NULL)) ==
		    NULL)
			return 0;
		rc = buf_append(w, dec, dlen);
		free(dec);
	} else if (enc == 'q')
		rc = ew_q(text, tlen, w);
	else
		return 0;
	return rc == 0 ? (size_t)(q3 - s) + 2 : 0;
}

/* Are the len bytes at s blanks only? */
static int
all_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

/*
 * Take the word cs (bytes in w) found after the text lit (litlen bytes)
 * into the run: the text is dropped when it is blanks between two
 * words, else written out after the run so far.  Returns 0 when the
 * word was taken, 2 when its charset is not known (it is not a word),
 * or as put_cut() when out stopped.
 */
static int
ew_take(struct ew_run *run, buf_t *out, const char *cs, const buf_t *w,
    const char *lit, size_t litlen, int had)
{
	iconv_t	 cd = (iconv_t)-1;
	int	 same, adjacent, rc = 0;

	same = run->cd != (iconv_t)-1 && strcmp(cs, run->cs) == 0;
	if (!same && (cd = iconv_open("UTF-8", cs)) == (iconv_t)-1)
		return 2;
	adjacent = had && all_blank(lit, litlen);
	if (!adjacent || !same)
		rc = ew_flush(run, out);
	if (!adjacent && rc == 0)
		rc = put_cut(out, lit, litlen);
	if (!same) {
		if (run->cd != (iconv_t)-1)
			(void)iconv_close(run->cd);
		run->cd = cd;
		str_copyn(run->cs, sizeof(run->cs), cs, strlen(cs));
	}
	if (rc == 0 && buf_append(&run->raw, w->data, w->len) == -1)
		rc = -1;
	return rc;
}

/* Turn what decoding brought in of control characters into spaces. */
static void
no_controls(char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			s[i] = ' ';
}

/* Decode the RFC 2047 encoded words of a field value; see mime.h. */
char *
mime_decode_2047(const char *s, size_t len, size_t cap, size_t *outlen,
    int *cut)
{
	struct ew_run	 run;
	buf_t		 out, w;
	char		 cs[CS_NAME_MAX];
	size_t		 i = 0, lit = 0, wlen;
	int		 had = 0, rc = 0;

	buf_init(&out, cap);
	buf_init(&w, len);
	buf_init(&run.raw, len);
	run.cd = (iconv_t)-1;
	run.cs[0] = '\0';
	while (rc == 0 && i + 1 < len) {
		if (s[i] != '=' || s[i + 1] != '?' ||
		    (wlen = ew_parse(s + i, len - i, cs, sizeof(cs), &w)) == 0 ||
		    (rc = ew_take(&run, &out, cs, &w, s + lit, i - lit, had)) ==
		    2) {
			rc = 0;
			i++;
			continue;
		}
		had = 1;
		i += wlen;
		lit = i;
	}
	if (rc == 0 && (rc = ew_flush(&run, &out)) == 0)
		rc = put_cut(&out, s + lit, len - lit);
	if (run.cd != (iconv_t)-1)
		(void)iconv_close(run.cd);
	buf_free(&run.raw);
	buf_free(&w);
	if (rc == -1) {
		buf_free(&out);
		return NULL;
	}
	if (cut != NULL)
		*cut = rc == 1;
	no_controls(out.data, out.len);
	*outlen = out.len;
	if (out.size == 0)
		return dup_mem("", 0);
	return out.data;
}

/* Is the line at s (len bytes) a header field or its continuation? */
static int
header_line(const char *s, size_t len)
{
	size_t	 i;

	if (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	for (i = 0; i < len && i < 80; i++) {
		if (s[i] == ':')
			return i > 0;
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	}
	return 0;
}

/*
 * Where a message forwarded inline begins in a text part: the line that
 * mail clients write above it ("---------- Forwarded message ---------",
 * "Begin forwarded message:", "-----Original Message-----", ...), at
 * the start of a line, or anywhere in raw HTML, where tags stand before
 * it.  Its offset, or 0 when there is none.
 */
static size_t
forward_mark(const char *s, size_t len, int anywhere)
{
	static const char *const marks[] = {
		"---------- forwarded message",	/* Gmail */
		"-------- forwarded message",	/* Thunderbird */
		"-------- original message",
		"begin forwarded message:",	/* Apple Mail */
		"-----original message-----",	/* Outlook */
		"----- original message -----",
		"----- forwarded message from",	/* mutt */
		"-------- weitergeleitete nachricht",
		"-------- message transf",	/* "transféré" */
		"-------- mensaje reenviado",
	};
	size_t	 i, k, n, off;

	for (off = 0; off < len; ) {
		for (i = off; i < len && (s[i] == ' ' || s[i] == '\t' ||
		    s[i] == '>'); i++)
			;
		if (anywhere && i < len && s[i] != '-' && s[i] != 'b' &&
		    s[i] != 'B') {
			off = i + 1;	/* no mark begins here */
			continue;
		}
		for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
			n = strlen(marks[k]);
			if (len - i >= n && strncasecmp(s + i, marks[k], n) == 0)
				return off > 0 ? off : 1;
		}
		if (anywhere)
			off++;
		else {
			while (off < len && s[off] != '\n')
				off++;
			off++;
		}
	}
	return 0;
}

/*
 * A header block pasted into a text part (a forwarded spam with its
 * headers, a SpamCop "Offending message"): the run of header lines
 * around the first "Received: from" line.  Sets *start and *end;
 * returns 0 when there is none.
 */
static int
pasted_headers(const char *s, size_t len, size_t *start, size_t *end)
{
	const char	*p, *nl, *e = s + len;
	size_t		 ls, le, first = len;

	for (p = s; p < e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		if ((size_t)(nl - p) > 15 && strncmp(p, "Received: from ", 15) ==
		    0) {
			first = (size_t)(p - s);
			break;
		}
	}
	if (first == len)
		return 0;
	/* back to the first header line of the run */
	ls = first;
	while (ls > 0) {
		size_t	 prev = ls - 1;

		while (prev > 0 && s[prev - 1] != '\n')
			prev--;
		if (!header_line(s + prev, ls - 1 - prev))
			break;
		ls = prev;
	}
	/* on to the end of the run */
	for (le = first; le < len; le = (size_t)(nl - s) + 1) {
		nl = memchr(s + le, '\n', len - le);
		if (nl == NULL)
			nl = e;
		if (!header_line(s + le, (size_t)(nl - (s + le))))
			break;
		if (nl == e) {
			le = len;
			break;
		}
	}
	*start = ls;
	*end = le;
	return 1;
}

/* Text of an HTML part with the tags taken out (a new buffer). */
static char *
html_text(const char *s, size_t len, size_t *outlen)
{
	static const struct {
		const char *ent;
		char	 c;
	} ents[] = {
		{ "&nbsp;", ' ' }, { "&amp;", '&' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&quot;", '"' }, { "&#46;", '.' },
		{ "&#58;", ':' },
	};
	char	*o;
	size_t	 i, n = 0, k, el;

	if ((o = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			const char *gt = memchr(s + i, '>', len - i);
			int	 brk;

			if (gt == NULL)
				break;
			brk = (i + 2 < len && (strncasecmp(s + i + 1, "br", 2)
			    == 0 || strncasecmp(s + i + 1, "p", 1) == 0 ||
			    strncasecmp(s + i + 1, "/p", 2) == 0 ||
			    strncasecmp(s + i + 1, "div", 3) == 0 ||
			    strncasecmp(s + i + 1, "/div", 4) == 0 ||
			    strncasecmp(s + i + 1, "tr", 2) == 0 ||
			    strncasecmp(s + i + 1, "li", 2) == 0));
			o[n++] = brk ? '\n' : ' ';
			i = (size_t)(gt - s);
			continue;
		}
		if (s[i] == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				el = strlen(ents[k].ent);
				if (len - i >= el &&
				    strncasecmp(s + i, ents[k].ent, el) == 0)
					break;
			}
			if (k < sizeof(ents) / sizeof(ents[0])) {
				o[n++] = ents[k].c;
				i += el - 1;
				continue;
			}
		}
		o[n++] = s[i];
	}
	o[n] = '\0';
	*outlen = n;
	return o;
}

/*
 * Unfold the header fields of a report part in place (s, len bytes,
 * LF line ends): a line that starts with a blank goes on the line
 * before, unless that one is empty.  Returns the new length.
 */
static size_t
unfold(char *s, size_t len)
{
	size_t	 i, o;

	for (i = o = 0; i < len; i++) {
		if (s[i] == '\n' && i + 1 < len && (s[i + 1] == ' ' ||
		    s[i + 1] == '\t') && o > 0 && s[o - 1] != '\n')
			continue;
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/*
 * The text of a part (s, len, in charset, NULL if none declared) as
 * UTF-8 with LF line ends, in a new buffer of *outlen bytes; NULL when
 * out of memory.  UTF-8 past what is left of the decoded-bytes cap is
 * cut there, and text not valid in its charset is read as far as it
 * goes; each is counted under its cap.
 */
static char *
part_text(struct mime *m, const char *charset, const char *s, size_t len,
    size_t *outlen)
{
	char	*p;
	int	 how;

	p = mime_to_utf8(charset, s, len, m->lim.max_decoded - m->decoded,
	    outlen, &how);
	if (p == NULL) {
		m->nomem = 1;
		return NULL;
	}
	if (how & MIME_UTF8_BAD)
		m->dropped[MIME_CAP_CHARSET]++;
	if (how & MIME_UTF8_CUT)
		m->dropped[MIME_CAP_DECODED]++;
	*outlen = norm_lf(p, *outlen);
	return p;
}

/*
 * Add text p (len bytes, NUL-terminated, malloc'd: the segment takes it)
 * of region: for the complaint's own text, what follows a mail client's
 * forward line is the forwarded message's, a carried segment of its own
 * (in raw HTML, raw_html, the line may stand anywhere).
 */
static void
text_seg(struct mime *m, int region, const char *ctype, const char *name,
    int emb, int msgno, char *p, size_t len, int raw_html)
{
	char	*q;
	size_t	 fw;

	if (region == MIME_SEG_TEXT && (fw = forward_mark(p, len,
	    raw_html)) > 0) {
		if ((q = dup_mem(p + fw, len - fw)) == NULL) {
			m->nomem = 1;
			free(p);
			return;
		}
		add_seg(m, MIME_SEG_EMB_TEXT, ctype, name, emb + 1, msgno, q,
		    len - fw);
		len = fw;
		p[len] = '\0';
	}
	add_seg(m, region, ctype, name, emb, msgno, p, len);
}

/* Add a leaf's text as a segment of the right region. */
static void
leaf_text(struct mime *m, const char *ctype, const char *charset,
    const char *name, int attach, int emb, int msgno, size_t depth,
    const char *s, size_t len)
{
	char	*p, *h;
	size_t	 hs, he, hl;
	int	 region;

	if (emb > 0)
		region = MIME_SEG_EMB_TEXT;
	else
		region = attach ? MIME_SEG_ATTACH : MIME_SEG_TEXT;
	if ((emb > 0 && attach) || len == 0)
		return;		/* attachments of the reported message */
	if ((p = part_text(m, charset, s, len, &len)) == NULL)
		return;
	if (region == MIME_SEG_TEXT && strcmp(ctype, "text/html") == 0) {
		if ((h = html_text(p, len, &hl)) == NULL)
			m->nomem = 1;
		else
			text_seg(m, region, "text/html", "(text of html)", emb,
			    msgno, h, hl, 0);
	}
	if (region == MIME_SEG_TEXT && strcmp(ctype, "text/plain") == 0 &&
	    pasted_headers(p, len, &hs, &he))
		mime_message(m, p + hs, he - hs, depth + 1, emb + 1, 1, msgno);
	text_seg(m, region, ctype, name, emb, msgno, p, len,
	    strcmp(ctype, "text/html") == 0);
}

/* The name of an archive member (mname, NULL if none) into out: a gzip
 * member, or a raw one, is named after the attachment. */
static void
member_name(const char *name, const char *mname, int gz, char *out,
    size_t size)
{
	if (gz || mname == NULL || strcmp(mname, "data") == 0) {
		str_copyn(out, size, name, strlen(name));
		if (name_ends(out, ".gz"))
			out[strlen(out) - 3] = '\0';
	} else
		str_copyn(out, size, mname, strlen(mname));
}

/*
 * Expand the current member of a (an archive of len bytes) into b, at
 * most what is left of max_expanded and max_ratio times len.  Returns 1
 * when the member was cut at a cap (counted), else 0.
 */
static int
read_member(struct mime *m, struct archive *a, size_t len, buf_t *b)
{
	char		 chunk[8192];
	la_ssize_t	 n;
	size_t		 cap;
	int		 which = MIME_CAP_EXPANDED;

	cap = m->lim.max_expanded - m->expanded;
	if (m->lim.max_ratio > 0 && len < SIZE_MAX / m->lim.max_ratio &&
	    cap > len * m->lim.max_ratio) {
		cap = len * m->lim.max_ratio;
		which = MIME_CAP_RATIO;
	}
	buf_init(b, cap);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if (buf_append(b, chunk, (size_t)n) == 0)
			continue;
		if ((size_t)n <= cap - b->len) {
			m->nomem = 1;
			break;
		}
		(void)buf_append(b, chunk, cap - b->len);
		m->dropped[which]++;
		m->expanded += b->len;
		return 1;
	}
	m->expanded += b->len;
	return 0;
}

/* Expand a zip or gzip attachment; each member becomes a segment. */
static void
leaf_archive(struct mime *m, const char *name, int emb, int msgno,
    const char *s, size_t len)
{
	struct archive		*a;
	struct archive_entry	*ent;
	const char		*ct;
	char			 mbuf[MIME_NAME_MAX], *p;
	buf_t			 b;
	size_t			 members = 0, plen;
	int			 gz, cut;

	gz = (unsigned char)s[0] == 0x1f;
	if ((a = archive_read_new()) == NULL) {
		m->nomem = 1;
		return;
	}
	if (gz) {
		archive_read_support_filter_gzip(a);
		archive_read_support_format_raw(a);
	} else
		archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, s, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return;
	}
	while (!m->nomem && archive_read_next_header(a, &ent) == ARCHIVE_OK) {
		if (members++ >= MIME_MEMBERS_MAX) {
			m->dropped[MIME_CAP_MEMBERS]++;
			break;
		}
		member_name(name, archive_entry_pathname(ent), gz, mbuf,
		    sizeof(mbuf));
		if ((ct = type_of_name(mbuf)) == NULL)
			ct = "application/octet-stream";
		if (skip_type(ct))
			continue;
		cut = read_member(m, a, len, &b);
		if (b.len > 0 && (p = part_text(m, NULL, b.data, b.len,
		    &plen)) != NULL)
			add_seg(m, MIME_SEG_ATTACH, ct, mbuf, emb, msgno, p,
			    plen);
		buf_free(&b);
		if (cut && m->expanded >= m->lim.max_expanded)
			break;	/* nothing more can be taken out */
	}
	archive_read_free(a);
}

/*
 * Read an embedded message (headers and body) at s, found in message
 * parent (0: the complaint).  When its body carries a message or a
 * feedback report of its own, its header block is a forwarded
 * complaint's: transport, not evidence.
 */
static void
mime_message(struct mime *m, const char *s, size_t len, size_t depth,
    int emb, int headers_only, int parent)
{
	struct ent	 e;
	struct embhdr	 eh;
	buf_t		 b;
	size_t		 off, hseg = MIME_NOSEG;
	int		 msgno, saved, reports;
	char		*p;

	memset(&e, 0, sizeof(e));
	buf_init(&b, m->lim.max_decoded);
	eh.e = &e;
	eh.b = &b;
	eh.cut = 0;
	/* skip blank lines some senders put before the header block */
	while (len > 0 && (*s == '\n' || *s == '\r' || *s == ' ')) {
		s++;
		len--;
	}
	m->dropped[MIME_CAP_FIELDS] += mime_split_headers(s, len,
	    MIME_HDR_FIELDS_MAX, embhdr_cb, &eh, &off);
	if (eh.cut)
		m->dropped[MIME_CAP_DECODED]++;
	msgno = ++m->msgs;
	saved = m->parent;
	m->parent = parent;
	if (b.len > 0) {
		if ((p = dup_mem(b.data, b.len)) == NULL)
			m->nomem = 1;
		else {
			hseg = m->nseg;
			add_seg(m, MIME_SEG_EMB_HEADERS, "text/rfc822-headers",
			    "", emb, msgno, p, b.len);
			if (m->nseg == hseg)
				hseg = MIME_NOSEG;	/* dropped */
		}
	}
	buf_free(&b);
	if (!headers_only && off < len) {
		if (e.ctype[0] == '\0')
			str_copyn(e.ctype, sizeof(e.ctype), "text/plain", 10);
		reports = m->reports;
		mime_entity(m, &e, s + off, len - off, depth, emb, msgno);
		if (hseg != MIME_NOSEG && (m->msgs > msgno ||
		    m->reports > reports))
			m->seg[hseg].region = MIME_SEG_FWD_HEADERS;
	}
	m->parent = saved;
}

/* Does a boundary line go on as one should after the boundary ("--",
 * blanks, the line end)? */
static int
boundary_end(const char *p, size_t len)
{
	if (len >= 2 && p[0] == '-' && p[1] == '-') {
		p += 2;
		len -= 2;
	}
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	return len == 0 || *p == '\n';
}

/* Find the next boundary line at or after pos; returns its offset or
 * len, and sets *close when it is the closing one. */
static size_t
next_boundary(const char *s, size_t len, size_t pos, const char *bd,
    size_t bdlen, int *close, size_t *after)
{
	const char	*p, *nl;

	while (pos + 2 + bdlen <= len) {
		p = s + pos;
		if (p[0] == '-' && p[1] == '-' &&
		    memcmp(p + 2, bd, bdlen) == 0 &&
		    boundary_end(p + 2 + bdlen, len - pos - 2 - bdlen)) {
			*close = pos + 4 + bdlen <= len && p[2 + bdlen] == '-' &&
			    p[3 + bdlen] == '-';
			nl = memchr(p, '\n', len - pos);
			*after = nl != NULL ? (size_t)(nl - s) + 1 : len;
			return pos;
		}
		nl = memchr(p, '\n', len - pos);
		if (nl == NULL)
			break;
		pos = (size_t)(nl - s) + 1;
		/* jump quickly to the next line that may start a boundary */
		while (pos < len && s[pos] != '-') {
			nl = memchr(s + pos, '\n', len - pos);
			if (nl == NULL)
				return len;
			pos = (size_t)(nl - s) + 1;
		}
	}
	return len;
}

/* Read the parts of a multipart body. */
static void
mime_multipart(struct mime *m, const struct ent *e, const char *s,
    size_t len, size_t depth, int emb, int msgno)
{
	struct ent	 pe;
	size_t		 bdlen, pos, start, end, after, off;
	int		 close = 0, digest;

	bdlen = strlen(e->boundary);
	digest = strcmp(e->ctype, "multipart/digest") == 0;
	pos = next_boundary(s, len, 0, e->boundary, bdlen, &close, &after);
	if (pos >= len) {
		/* no boundary at all: read the body as text */
		leaf_text(m, "text/plain", e->charset, "", 0, emb, msgno,
		    depth, s, len);
		return;
	}
	while (!close && after < len) {
		start = after;
		end = next_boundary(s, len, start, e->boundary, bdlen, &close,
		    &after);
		memset(&pe, 0, sizeof(pe));
		m->dropped[MIME_CAP_FIELDS] += mime_split_headers(s + start,
		    end - start, MIME_HDR_FIELDS_MAX, ent_cb, &pe, &off);
		if (pe.ctype[0] == '\0')
			str_copyn(pe.ctype, sizeof(pe.ctype), digest ?
			    "message/rfc822" : "text/plain", digest ? 14 : 10);
		/* the line end before a boundary belongs to the boundary */
		if (end > start && end < len && s[end - 1] == '\n')
			end--;
		if (start + off <= end)
			mime_entity(m, &pe, s + start + off,
			    end - start - off, depth + 1, emb, msgno);
		if (end >= len || m->nomem)
			break;
	}
}

/* Read one entity's body (s, len) whose header said e. */
static void
mime_entity(struct mime *m, const struct ent *e, const char *s, size_t len,
    size_t depth, int emb, int msgno)
{
	const char	*ct = e->ctype, *inferred;
	char		*dec = NULL;
	size_t		 dlen, tcap;
	int		 attach, cut;

	if (depth > m->lim.max_depth) {
		m->dropped[MIME_CAP_DEPTH]++;
		return;
	}
	if (skip_type(ct))
		return;
	if (strcmp(e->cte, "base64") == 0 ||
	    strcmp(e->cte, "quoted-printable") == 0) {
		/* room for UTF-32 that the cap's worth of UTF-8 may be */
		tcap = m->lim.max_decoded <= SIZE_MAX / 4 ?
		    m->lim.max_decoded * 4 : m->lim.max_decoded;
		dec = e->cte[0] == 'b' ?
		    mime_decode_b64(s, len, tcap, &dlen, &cut) :
		    mime_decode_qp(s, len, tcap, &dlen, &cut);
		if (dec == NULL) {
			m->nomem = 1;
			return;
		}
		if (cut)
			m->dropped[MIME_CAP_DECODED]++;
		s = dec;
		len = dlen;
	}
	if (strncmp(ct, "multipart/", 10) == 0 && e->boundary[0] != '\0')
		mime_multipart(m, e, s, len, depth, emb, msgno);
	else if (strcmp(ct, "message/rfc822") == 0 ||
	    strcmp(ct, "message/global") == 0)
		mime_message(m, s, len, depth + 1, emb + 1, 0, msgno);
	else if (headers_type(ct))
		mime_message(m, s, len, depth + 1, emb + 1, 1, msgno);
	else if (strcmp(ct, "message/feedback-report") == 0 ||
	    strcmp(ct, "message/global-delivery-status") == 0) {
		char	*p;
		size_t	 plen;

		if (strcmp(ct, "message/feedback-report") == 0)
			m->reports++;	/* the mark of a complaint */
		/*
		 * The report of a complaint the complaint carries (forwarded
		 * as an attachment) is no report of this one: its text is
		 * carried, read only to keep (extract.c).
		 */
		if ((p = part_text(m, e->charset, s, len, &plen)) != NULL)
			add_seg(m, emb == 0 ? MIME_SEG_REPORT :
			    MIME_SEG_EMB_TEXT, ct, e->name, emb, msgno, p,
			    unfold(p, plen));
	} else if (len >= 4 && emb == 0 &&
	    (memcmp(s, "PK\003\004", 4) == 0 ||
	    ((unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b)))
		leaf_archive(m, e->name, emb, msgno, s, len);
	else {
		inferred = NULL;
		if (e->name[0] != '\0' && (ct[0] == '\0' ||
		    strcmp(ct, "application/octet-stream") == 0))
			inferred = type_of_name(e->name);
		if (inferred != NULL && strcmp(inferred, "message/rfc822") == 0)
			mime_message(m, s, len, depth + 1, emb + 1, 0, msgno);
		else {
			if (inferred != NULL)
				ct = inferred;
			attach = e->attachment || e->name[0] != '\0' ||
			    strncmp(ct, "text/", 5) != 0;
			leaf_text(m, ct, e->charset, e->name, attach, emb,
			    msgno, depth, s, len);
		}
	}
	free(dec);
}

/* Read a message given as top-level fields and a body. */
int
mime_parse(mime_t *m, const struct mime_field *hdr, size_t nhdr,
    const char *body, size_t len)
{
	struct ent	 e;
	size_t		 i;

	mime_clear(m);
	memset(&e, 0, sizeof(e));
	for (i = 0; i < nhdr; i++)
		ent_field(&e, hdr[i].name, strlen(hdr[i].name), hdr[i].value,
		    strlen(hdr[i].value));
	if (e.ctype[0] == '\0')
		str_copyn(e.ctype, sizeof(e.ctype), "text/plain", 10);
	mime_entity(m, &e, body, len, 0, 0, 0);
	return m->nomem ? -1 : 0;
}
