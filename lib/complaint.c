/*
 * complaint.c - hold one complaint as it arrives; see complaint.h.
 *
 * The complaint is fed either as top-level header fields and body
 * chunks (the milter) or as raw message chunks (a file).  Line ends are
 * normalised to LF on the way in (CRLF, LF, lone CR and mixes), across
 * chunk boundaries.  Everything past the scan limit is ignored, and so
 * are top-level fields past COMPLAINT_FIELDS_MAX; both are counted.  The
 * MIME structure is read only when a decision is asked for.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "complaint.h"
#include "complaint_int.h"
#include "mime.h"
#include "rules_int.h"

#define COMPLAINT_FIELDS_MAX	2000

struct complaint {
	size_t		 limit;		/* scan limit */
	size_t		 used;		/* bytes taken so far */
	size_t		 ignored;	/* bytes past the limit */
	size_t		 fields_dropped;	/* fields past the cap */
	struct mime_field *hdr;		/* top-level fields, malloc'd */
	size_t		 nhdr, hdrsize;
	buf_t		 body;		/* body (or whole raw message), LF */
	int		 raw;		/* body holds a raw message */
	int		 split;		/* raw message split already */
	int		 pending_cr;
	mime_t		*mime;
	int		 parsed;
	pcre2_match_data *md;
	uint32_t	 mdgroups;
	char		*mail_from;	/* envelope sender, NULL unknown */
};

/* Make an empty complaint. */
complaint_t *
complaint_new(size_t scan_limit)
{
	struct complaint *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->limit = scan_limit;
	buf_init(&c->body, scan_limit);
	return c;
}

/* Free the top-level fields. */
static void
fields_free(struct complaint *c)
{
	size_t	 i;

	for (i = 0; i < c->nhdr; i++) {
		free((char *)c->hdr[i].name);
		free((char *)c->hdr[i].value);
	}
	free(c->hdr);
	c->hdr = NULL;
	c->nhdr = c->hdrsize = 0;
}

/* Free a complaint. */
void
complaint_free(complaint_t *c)
{
	if (c == NULL)
		return;
	fields_free(c);
	buf_free(&c->body);
	mime_free(c->mime);
	pcre2_match_data_free(c->md);
	free(c->mail_from);
	free(c);
}

/* Copy s (len bytes) without CR and LF (a milter value may be folded). */
static char *
dup_unfold(const char *s, size_t len)
{
	char	*p;
	size_t	 i, o;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	for (i = o = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			p[o++] = s[i];
	p[o] = '\0';
	return p;
}

/* Decode the RFC 2047 words of a Subject the rules read (*v replaced;
 * a tail cut at MIME_FIELD_MAX counts as a dropped field). */
static int
subject_decode(struct complaint *c, char **v)
{
	char	*d;
	size_t	 dlen;
	int	 cut;

	if ((d = mime_decode_2047(*v, strlen(*v), MIME_FIELD_MAX, &dlen,
	    &cut)) == NULL) {
		free(*v);
		return -1;
	}
	free(*v);
	*v = d;
	c->fields_dropped += cut;
	return 0;
}

/* Store one top-level field. */
static int
field_add(struct complaint *c, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	struct mime_field *nf;
	char	*n, *v;
	size_t	 nsize;

	if (c->nhdr >= COMPLAINT_FIELDS_MAX) {
		c->fields_dropped++;
		return 0;
	}
	if (c->nhdr == c->hdrsize) {
		nsize = c->hdrsize ? c->hdrsize * 2 : 32;
		if ((nf = realloc(c->hdr, nsize * sizeof(*nf))) == NULL)
			return -1;
		c->hdr = nf;
		c->hdrsize = nsize;
	}
	if ((n = dup_unfold(name, nlen)) == NULL)
		return -1;
	if ((v = dup_unfold(value, vlen)) == NULL) {
		free(n);
		return -1;
	}
	if (strcasecmp(n, "Subject") == 0 && subject_decode(c, &v) == -1) {
		free(n);
		return -1;
	}
	c->hdr[c->nhdr].name = n;
	c->hdr[c->nhdr].value = v;
	c->nhdr++;
	c->parsed = 0;
	return 0;
}

/* Say what the envelope sender was; see complaint.h. */
int
complaint_envelope(complaint_t *c, const char *mail_from)
{
	char	*p = NULL;

	if (mail_from != NULL &&
	    (p = dup_unfold(mail_from, strlen(mail_from))) == NULL)
		return -1;
	free(c->mail_from);
	c->mail_from = p;
	return 0;
}

/* Add one top-level header field. */
int
complaint_header(complaint_t *c, const char *name, const char *value)
{
	size_t	 nlen = strlen(name), vlen = strlen(value);

	if (nlen + vlen + 4 > c->limit - c->used || c->limit < c->used) {
		c->ignored += nlen + vlen + 4;
		return 0;
	}
	c->used += nlen + vlen + 4;
	return field_add(c, name, nlen, value, vlen);
}

/* Append p to the body with line ends normalised, up to the limit. */
static int
body_add(struct complaint *c, const void *p, size_t len)
{
	const char	*s = p;
	char		 out[8192];
	size_t		 i, o = 0, room;

	c->parsed = 0;
	room = c->used < c->limit ? c->limit - c->used : 0;
	if (len > room) {
		c->ignored += len - room;
		len = room;
	}
	c->used += len;
	for (i = 0; i < len; i++) {
		if (o + 2 > sizeof(out)) {
			if (buf_append(&c->body, out, o) == -1)
				return errno == EMSGSIZE ? 0 : -1;
			o = 0;
		}
		if (c->pending_cr) {
			c->pending_cr = 0;
			out[o++] = '\n';
			if (s[i] == '\n')
				continue;
		}
		if (s[i] == '\r') {
			c->pending_cr = 1;
			continue;
		}
		out[o++] = s[i];
	}
	if (o > 0 && buf_append(&c->body, out, o) == -1)
		return errno == EMSGSIZE ? 0 : -1;
	return 0;
}

/* Add a chunk of the body. */
int
complaint_body(complaint_t *c, const void *p, size_t len)
{
	return body_add(c, p, len);
}

/* Add a chunk of a whole raw message. */
int
complaint_raw(complaint_t *c, const void *p, size_t len)
{
	c->raw = 1;
	return body_add(c, p, len);
}

/* Callback: store a field of the raw message's header block. */
static int
raw_field(void *arg, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	return field_add(arg, name, nlen, value, vlen);
}

/* Split a raw message into its fields and body, once. */
static int
raw_split(struct complaint *c)
{
	size_t	 off = 0;

	if (c->pending_cr) {
		c->pending_cr = 0;
		(void)buf_putc(&c->body, '\n');
	}
	if (!c->raw || c->split)
		return 0;
	c->split = 1;
	c->fields_dropped += mime_split_headers(c->body.data, c->body.len,
	    COMPLAINT_FIELDS_MAX, raw_field, c, &off);
	if (off > 0) {
		memmove(c->body.data, c->body.data + off, c->body.len - off);
		buf_truncate(&c->body, c->body.len - off);
	}
	return 0;
}

/* First value of a top-level header. */
const char *
complaint_top_header(const complaint_t *c, const char *name)
{
	size_t	 i;

	(void)raw_split((struct complaint *)c);
	for (i = 0; i < c->nhdr; i++)
		if (strcasecmp(c->hdr[i].name, name) == 0)
			return c->hdr[i].value;
	return NULL;
}

/* Read the MIME structure and make match data; see complaint_int.h. */
int
complaint_prepare(complaint_t *c, const rules_t *rules,
    struct extract_in *in)
{
	if (raw_split(c) == -1)
		return -1;
	if (c->mime == NULL && (c->mime = mime_new(NULL)) == NULL)
		return -1;
	if (!c->parsed) {
		if (mime_parse(c->mime, c->hdr, c->nhdr, c->body.data,
		    c->body.len) == -1)
			return -1;
		c->parsed = 1;
	}
	if (c->md == NULL || c->mdgroups < rules->max_groups + 1) {
		pcre2_match_data_free(c->md);
		c->mdgroups = rules->max_groups + 1;
		c->md = pcre2_match_data_create(c->mdgroups, NULL);
		if (c->md == NULL)
			return -1;
	}
	in->hdr = c->hdr;
	in->nhdr = c->nhdr;
	in->mime = c->mime;
	in->md = c->md;
	in->mail_from = c->mail_from;
	return 0;
}

/* What reading c left out; see complaint.h. */
int
complaint_cuts(const complaint_t *c, struct complaint_cuts *cuts)
{
	int	 i, any;

	memset(cuts, 0, sizeof(*cuts));
	cuts->ignored = c->ignored;
	any = c->ignored > 0;
	for (i = 0; i < MIME_CAP_COUNT; i++) {
		if (c->mime != NULL && c->parsed)
			cuts->dropped[i] = mime_dropped(c->mime, i);
		if (i == MIME_CAP_FIELDS)
			cuts->dropped[i] += c->fields_dropped;
		if (cuts->dropped[i] > 0)
			any = 1;
	}
	return any;
}
