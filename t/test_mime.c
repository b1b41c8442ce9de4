/*
 * test_mime.c - unit tests of the MIME reader: encodings, line ends,
 * nesting, misspelled types, zip and gzip attachments, the limits that
 * keep hostile messages bounded and the count of what each of them
 * dropped, the regions of a complaint forwarded as an attachment, the
 * charsets parts come in, RFC 2047 encoded words, and what the shipped
 * rules read of the decoded text.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "complaint.h"
#include "ipaddr.h"
#include "mime.h"
#include "rules.h"
#include "tap.h"

#define MAXF	64

struct fields {
	struct mime_field f[MAXF];
	char	*mem[MAXF * 2];
	size_t	 n;
};

/* Callback: keep a field. */
static int
keep_field(void *arg, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	struct fields *fs = arg;
	char	*n, *val;

	if (fs->n >= MAXF)
		return -1;
	n = strndup(name, nlen);
	val = strndup(v, vlen);
	fs->mem[2 * fs->n] = n;
	fs->mem[2 * fs->n + 1] = val;
	fs->f[fs->n].name = n;
	fs->f[fs->n].value = val;
	fs->n++;
	return 0;
}

/* Callback: take a field and do nothing with it. */
static int
keep_nothing(void *arg, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	(void)arg;
	(void)name;
	(void)nlen;
	(void)v;
	(void)vlen;
	return 0;
}

/* Free the fields. */
static void
fields_free(struct fields *fs)
{
	size_t	 i;

	for (i = 0; i < fs->n * 2; i++)
		free(fs->mem[i]);
	fs->n = 0;
}

/* Normalise line ends to LF as complaint.c does (for the tests). */
static char *
to_lf(const char *s, size_t len, size_t *outlen)
{
	char	*p = malloc(len + 1);
	size_t	 i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r') {
			if (i + 1 < len && s[i + 1] == '\n')
				continue;
			p[o++] = '\n';
			continue;
		}
		p[o++] = s[i];
	}
	p[o] = '\0';
	*outlen = o;
	return p;
}

/* Read a whole raw message (len bytes) into m. */
static void
parse_raw(mime_t *m, const char *raw, size_t len)
{
	struct fields	 fs;
	size_t		 off, n;
	char		*lf;

	memset(&fs, 0, sizeof(fs));
	lf = to_lf(raw, len, &n);
	mime_split_headers(lf, n, MAXF, keep_field, &fs, &off);
	(void)mime_parse(m, fs.f, fs.n, lf + off, n - off);
	fields_free(&fs);
	free(lf);
}

/* Index of the first segment of region with text in it, or -1. */
static int
find_seg(const mime_t *m, int region, const char *text)
{
	const struct mime_seg *s;
	size_t	 i;

	for (i = 0; i < mime_count(m); i++) {
		s = mime_seg(m, i);
		if (s->region == region &&
		    (text == NULL || memmem(s->data, s->len, text,
		    strlen(text)) != NULL))
			return (int)i;
	}
	return -1;
}

struct mcase {
	const char	*name;
	const char	*msg;
	int		 region;
	const char	*text;		/* must be in a segment of region */
	const char	*ctype;		/* its content type, or NULL */
};

static const struct mcase cases[] = {
	{ "plain LF message is one text segment",
	  "From: a@example.org\nSubject: x\n\nhello 192.0.2.1\n",
	  MIME_SEG_TEXT, "hello 192.0.2.1", "text/plain" },
	{ "CRLF line ends are read",
	  "From: a@example.org\r\nContent-Type: text/plain\r\n\r\nline one\r\n"
	  "line two\r\n",
	  MIME_SEG_TEXT, "line one\nline two", "text/plain" },
	{ "mixed line ends are read",
	  "Content-Type: multipart/mixed; boundary=XX\r\n\n--XX\r\n"
	  "Content-Type: text/plain\n\r\nmixed body\n--XX--\r\n",
	  MIME_SEG_TEXT, "mixed body", NULL },
	{ "base64 text part is decoded",
	  "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	  "U291cmNlLUlQOiAxOTIuMC4yLjE=\n",
	  MIME_SEG_TEXT, "Source-IP: 192.0.2.1", NULL },
	{ "quoted-printable soft breaks and escapes are decoded",
	  "Content-Type: text/plain\nContent-Transfer-Encoding: "
	  "quoted-printable\n\nIP: 192.0=\n.2.7 =3D ok\n",
	  MIME_SEG_TEXT, "IP: 192.0.2.7 = ok", NULL },
	{ "broken base64 is read as far as it goes",
	  "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	  "SGVsbG8g!!!d29ybGQ\n",
	  MIME_SEG_TEXT, "Hello world", NULL },
	{ "broken quoted-printable is kept as it is",
	  "Content-Type: text/plain\nContent-Transfer-Encoding: "
	  "quoted-printable\n\nbad =ZZ escape=4\n",
	  MIME_SEG_TEXT, "bad =ZZ escape=4", NULL },
	{ "feedback-report part is the report region",
	  "Content-Type: multipart/report; report-type=feedback-report; "
	  "boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nhuman\n--b1\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	  "Source-IP: 192.0.2.3\n--b1--\n",
	  MIME_SEG_REPORT, "Source-IP: 192.0.2.3", NULL },
	{ "base64 on a feedback-report part is decoded",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: message/feedback-report\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "RmVlZGJhY2stVHlwZTogYXV0aC1mYWlsdXJlClNvdXJjZS1JUDogMTkyLjAuMi40Cg==\n"
	  "--b1--\n",
	  MIME_SEG_REPORT, "Source-IP: 192.0.2.4", NULL },
	{ "message/rfc822 headers are the embedded-headers region",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: message/rfc822\n\nReceived: from x (x [192.0.2.5])\n"
	  "\tby mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000\n"
	  "Subject: spam\n\nbuy now\n--b1--\n",
	  MIME_SEG_EMB_HEADERS, "Received: from x (x [192.0.2.5])\tby mx", NULL },
	{ "the embedded body is the embedded-text region",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: message/rfc822\n\nSubject: spam\n\nbuy now\n--b1--\n",
	  MIME_SEG_EMB_TEXT, "buy now", NULL },
	{ "text/rfc822-headers is read as headers",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: text/rfc822-headers\n\nX-Originating-IP: 192.0.2.6\n"
	  "--b1--\n",
	  MIME_SEG_EMB_HEADERS, "X-Originating-IP: 192.0.2.6", NULL },
	{ "misspelled text/rfc822-header is read as headers",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: text/rfc822-header\n\nX-Originating-IP: 192.0.2.7\n"
	  "--b1--\n",
	  MIME_SEG_EMB_HEADERS, "X-Originating-IP: 192.0.2.7", NULL },
	{ "misspelled message/rfc822-headers is read as headers",
	  "Content-Type: multipart/report; boundary=b1\n\n--b1\n"
	  "Content-Type: message/rfc822-headers\n\nX-Originating-IP: "
	  "192.0.2.8\n--b1--\n",
	  MIME_SEG_EMB_HEADERS, "X-Originating-IP: 192.0.2.8", NULL },
	{ "an mbox From line before an embedded message is skipped",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: message/rfc822\n\nFrom spammer@example.net Mon Jan  1 "
	  "00:00:00 2024\nX-Originating-IP: 192.0.2.9\n\nbody\n--b1--\n",
	  MIME_SEG_EMB_HEADERS, "X-Originating-IP: 192.0.2.9", NULL },
	{ "folded header fields are unfolded",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: message/rfc822\n\nSubject: a\n  folded\n   value\n\n"
	  "x\n--b1--\n",
	  MIME_SEG_EMB_HEADERS, "Subject: a  folded   value", NULL },
	{ "nested multiparts are read",
	  "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
	  "Content-Type: multipart/alternative; boundary=i\n\n--i\n"
	  "Content-Type: text/plain\n\ninner text\n--i\n"
	  "Content-Type: text/html\n\n<p>inner html</p>\n--i--\n--o--\n",
	  MIME_SEG_TEXT, "<p>inner html</p>", "text/html" },
	{ "a boundary that never closes runs to the end",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: text/plain\n\nunclosed 192.0.2.10\n",
	  MIME_SEG_TEXT, "unclosed 192.0.2.10", NULL },
	{ "a multipart without its boundary is read as text",
	  "Content-Type: multipart/mixed; boundary=nothere\n\nstray 192.0.2.11\n",
	  MIME_SEG_TEXT, "stray 192.0.2.11", NULL },
	{ "an attachment is the attachment region with its type",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: application/xml\n"
	  "Content-Disposition: attachment; filename=\"n.xml\"\n\n"
	  "<IP_Address>192.0.2.12</IP_Address>\n--b1--\n",
	  MIME_SEG_ATTACH, "<IP_Address>192.0.2.12", "application/xml" },
	{ "an octet-stream attachment gets the type of its file name",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: application/octet-stream; name=\"r.csv\"\n"
	  "Content-Transfer-Encoding: base64\n\n"
	  "aXAscG9ydAoxOTIuMC4yLjEzLDI1Cg==\n--b1--\n",
	  MIME_SEG_ATTACH, "192.0.2.13,25", "text/csv" },
	{ "an RFC 2231 file name is read",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: application/octet-stream\n"
	  "Content-Disposition: attachment; filename*=utf-8''r%20x.json\n\n"
	  "{\"SourceIp\":\"192.0.2.14\"}\n--b1--\n",
	  MIME_SEG_ATTACH, "192.0.2.14", NULL },
	{ "images are not read",
	  "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n"
	  "Content-Type: image/png\n\n192.0.2.15\n--b1\n"
	  "Content-Type: text/plain\n\nafter the image\n--b1--\n",
	  MIME_SEG_TEXT, "after the image", NULL },
	{ "a message without a Content-Type is text",
	  "Subject: none\n\nbare body\n",
	  MIME_SEG_TEXT, "bare body", "text/plain" },
	{ "an HTML part also gives its text without tags",
	  "Content-Type: text/html\n\n<p><b>IP:</b> 192.0.2.17&nbsp;ok</p>\n",
	  MIME_SEG_TEXT, "IP:  192.0.2.17 ok", "text/html" },
	{ "headers pasted into a text part are read as embedded headers",
	  "Content-Type: text/plain\n\nPlease stop this spam:\n\n"
	  "Return-Path: <x@example.net>\nReceived: from a.example.net "
	  "(a.example.net [192.0.2.18])\n\tby mx.example.org; Mon, 1 Jan 2024 "
	  "00:00:00 +0000\nSubject: spam\n\nspam body\n",
	  MIME_SEG_EMB_HEADERS, "Return-Path: <x@example.net>\nReceived: from "
	  "a.example.net (a.example.net [192.0.2.18])\tby mx", NULL },
	{ "multipart/digest parts default to messages",
	  "Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
	  "X-Originating-IP: 192.0.2.16\n\nx\n--d--\n",
	  MIME_SEG_EMB_HEADERS, "192.0.2.16", NULL },
};

/* Write one member named name holding data (dlen bytes) to archive a. */
static void
add_member_n(struct archive *a, const char *name, const char *data,
    size_t dlen)
{
	struct archive_entry	*e;

	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)dlen);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_write_header(a, e);
	archive_write_data(a, data, dlen);
	archive_entry_free(e);
}

/* Write one member named name holding the string data to archive a. */
static void
add_member(struct archive *a, const char *name, const char *data)
{
	add_member_n(a, name, data, strlen(data));
}

/* Make a zip (gzip == 0) or gzip of one member (dlen bytes) in memory. */
static char *
make_archive_n(int gzip, const char *member, const char *data, size_t dlen,
    size_t *len)
{
	struct archive		*a;
	size_t			 cap = 65536, used = 0;
	char			*buf = malloc(cap);

	a = archive_write_new();
	if (gzip) {
		archive_write_add_filter_gzip(a);
		archive_write_set_format_raw(a);
	} else
		archive_write_set_format_zip(a);
	archive_write_open_memory(a, buf, cap, &used);
	add_member_n(a, member, data, dlen);
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* Make a zip (gzip == 0) or gzip of one member holding a string. */
static char *
make_archive(int gzip, const char *member, const char *data, size_t *len)
{
	return make_archive_n(gzip, member, data, strlen(data), len);
}

/* Make a zip of n members m0.txt, m1.txt, ... each holding data. */
static char *
make_zip_n(int n, const char *data, size_t *len)
{
	struct archive		*a;
	size_t			 cap = 1 << 20, used = 0;
	char			*buf = malloc(cap), name[32];
	int			 i;

	a = archive_write_new();
	archive_write_set_format_zip(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "m%d.txt", i);
		add_member(a, name, data);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* Base64 of len bytes into a new string with line breaks. */
static char *
b64(const unsigned char *p, size_t len)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char	*o = malloc(len * 2 + 16);
	size_t	 i, n = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		o[n++] = t[(v >> 18) & 63];
		o[n++] = t[(v >> 12) & 63];
		o[n++] = i + 1 < len ? t[(v >> 6) & 63] : '=';
		o[n++] = i + 2 < len ? t[v & 63] : '=';
		if ((i / 3) % 19 == 18)
			o[n++] = '\n';
	}
	o[n] = '\0';
	return o;
}

/* A complaint with an archive attachment named name. */
static void
archive_case(mime_t *m, int gzip, const char *name, const char *member,
    const char *csv, const char *what)
{
	buf_t	 msg;
	char	*arc, *enc;
	size_t	 alen;
	int	 i;

	arc = make_archive(gzip, member, csv, &alen);
	enc = b64((unsigned char *)arc, alen);
	buf_init(&msg, 1 << 20);
	(void)buf_printf(&msg, "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nsee attachment\n--b\n"
	    "Content-Type: application/octet-stream; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--b--\n", name, enc);
	parse_raw(m, msg.data, msg.len);
	i = find_seg(m, MIME_SEG_ATTACH, "192.0.2.20");
	ok(i >= 0, "%s: member is read", what);
	if (i >= 0)
		is_str(mime_seg(m, i)->ctype, "text/csv",
		    "%s: member type from its name", what);
	else
		ok(0, "%s: member type from its name", what);
	buf_free(&msg);
	free(arc);
	free(enc);
}

/* A complaint whose only part is an archive (arc, alen bytes) named name. */
static void
parse_archive(mime_t *m, const char *name, const char *arc, size_t alen)
{
	buf_t	 msg;
	char	*enc;

	enc = b64((const unsigned char *)arc, alen);
	buf_init(&msg, 4 << 20);
	(void)buf_printf(&msg, "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: application/octet-stream; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--b--\n", name, enc);
	parse_raw(m, msg.data, msg.len);
	buf_free(&msg);
	free(enc);
}

/* Did cap, and no other cap, drop something of the last message? */
static int
only_cap(const mime_t *m, int cap)
{
	int	 i;

	for (i = 0; i < MIME_CAP_COUNT; i++)
		if ((mime_dropped(m, i) > 0) != (i == cap))
			return 0;
	return 1;
}

/* What each cap drops is counted under its own name. */
static void
cap_tests(void)
{
	static const char b64part[] = "Content-Type: text/plain\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n";
	static const char hdrpart[] = "Content-Type: message/rfc822\n\n"
	    "X-A: 0123456789\nX-B: 0123456789\nX-C: 0123456789\n"
	    "X-D: 0123456789\nX-E: 0123456789\n\nbody\n";
	static const char csv[] = "ip,port\n192.0.2.42,25\n";
	struct mime_limits lim;
	mime_t	*m;
	buf_t	 big;
	char	*arc, *dec, *data;
	size_t	 alen, len, off;
	int	 k, cut;

	/* the decoders say when their cap cut the text */
	dec = mime_decode_b64("QUJDREVG", 8, 3, &len, &cut);
	ok(len == 3 && cut == 1, "base64 cut at its cap says so");
	free(dec);
	dec = mime_decode_b64("QUJDREVG", 8, 6, &len, &cut);
	ok(len == 6 && cut == 0, "base64 that fits its cap is not cut");
	free(dec);
	dec = mime_decode_b64("QUJDRA", 6, 3, &len, &cut);
	ok(len == 3 && cut == 1, "a base64 tail past the cap is a cut");
	free(dec);
	dec = mime_decode_qp("abcdef", 6, 3, &len, &cut);
	ok(len == 3 && cut == 1, "quoted-printable cut at its cap says so");
	free(dec);
	dec = mime_decode_qp("abc=\n", 5, 3, &len, &cut);
	ok(len == 3 && cut == 0,
	    "a soft break past the quoted-printable cap is no cut");
	free(dec);
	ok(strcmp(mime_cap_name(MIME_CAP_SEGS), "segments") == 0 &&
	    mime_cap_name(MIME_CAP_COUNT) == NULL && mime_cap_name(-1) == NULL,
	    "caps have names");

	/* a part decoded past max_decoded */
	mime_default_limits(&lim);
	lim.max_decoded = 16;
	m = mime_new(&lim);
	parse_raw(m, b64part, sizeof(b64part) - 1);
	ok(mime_count(m) == 1 && mime_seg(m, 0)->len <= 16 &&
	    only_cap(m, MIME_CAP_DECODED) &&
	    mime_dropped(m, MIME_CAP_DECODED) == 1,
	    "a base64 part cut at the decoded cap is counted (decoded)");
	/* an embedded header block past max_decoded */
	parse_raw(m, hdrpart, sizeof(hdrpart) - 1);
	ok(only_cap(m, MIME_CAP_DECODED),
	    "a header block past the decoded cap is counted (decoded)");
	mime_free(m);

	/* header fields past the field cap, and a field cut at its size */
	m = mime_new(NULL);
	buf_init(&big, 16 << 20);
	(void)buf_puts(&big, "Content-Type: message/rfc822\n\n");
	for (k = 0; k < MIME_HDR_FIELDS_MAX + 1; k++)
		(void)buf_printf(&big, "X-F%d: v\n", k);
	(void)buf_puts(&big, "\nbody\n");
	parse_raw(m, big.data, big.len);
	ok(only_cap(m, MIME_CAP_FIELDS) &&
	    mime_dropped(m, MIME_CAP_FIELDS) == 1,
	    "a field past %d in a header block is counted (fields)",
	    MIME_HDR_FIELDS_MAX);
	buf_reset(&big);
	(void)buf_puts(&big, "Content-Type: message/rfc822\n\nX-Long: a\n");
	for (k = 0; k < 300; k++) {
		(void)buf_putc(&big, '\t');
		for (off = 0; off < 4096; off++)
			(void)buf_putc(&big, 'a');
		(void)buf_putc(&big, '\n');
	}
	(void)buf_puts(&big, "X-Originating-IP: 192.0.2.41\n\nbody\n");
	parse_raw(m, big.data, big.len);
	ok(only_cap(m, MIME_CAP_FIELDS) &&
	    find_seg(m, MIME_SEG_EMB_HEADERS, "192.0.2.41") >= 0,
	    "a field folded past its size cap is counted (fields)");
	ok(mime_split_headers("A: 1\nB: 2\nC: 3\n\n", 16, 2, keep_nothing,
	    NULL, &off) == 1 && off == 16,
	    "mime_split_headers returns the fields past its max");

	/* archives: members, the expansion cap, the ratio */
	arc = make_zip_n(MIME_MEMBERS_MAX, csv, &alen);
	parse_archive(m, "r.zip", arc, alen);
	ok(mime_count(m) == MIME_MEMBERS_MAX && mime_truncations(m) == 0,
	    "%d members are read whole", MIME_MEMBERS_MAX);
	free(arc);
	arc = make_zip_n(MIME_MEMBERS_MAX + 1, csv, &alen);
	parse_archive(m, "r.zip", arc, alen);
	ok(mime_count(m) == MIME_MEMBERS_MAX && only_cap(m, MIME_CAP_MEMBERS),
	    "a member past %d is counted (members)", MIME_MEMBERS_MAX);
	free(arc);
	mime_free(m);

	data = malloc(1 << 20);
	memset(data, 'a', (1 << 20) - 1);
	data[(1 << 20) - 1] = '\0';
	arc = make_archive(1, "x", data, &alen);
	m = mime_new(NULL);
	parse_archive(m, "x.csv.gz", arc, alen);
	ok(only_cap(m, MIME_CAP_RATIO) && mime_count(m) == 1 &&
	    mime_seg(m, 0)->len == alen * 200,
	    "a member past 200 times its compressed size is counted (ratio)");
	mime_free(m);
	free(arc);
	mime_default_limits(&lim);
	lim.max_expanded = 4096;
	m = mime_new(&lim);
	data[4096] = '\0';
	arc = make_archive(1, "x", data, &alen);
	parse_archive(m, "x.csv.gz", arc, alen);
	ok(mime_truncations(m) == 0 && mime_count(m) == 1 &&
	    mime_seg(m, 0)->len == 4096,
	    "a member that fills the expansion cap exactly loses nothing");
	free(arc);
	data[4096] = 'a';
	data[4097] = '\0';
	arc = make_archive(1, "x", data, &alen);
	parse_archive(m, "x.csv.gz", arc, alen);
	ok(only_cap(m, MIME_CAP_EXPANDED) && mime_seg(m, 0)->len == 4096,
	    "one byte past the expansion cap is counted (expanded)");
	free(arc);
	mime_free(m);
	free(data);
	buf_free(&big);
}

/* The header block (embedded or forwarded) holding text, or NULL. */
static const struct mime_seg *
header_seg(const mime_t *m, const char *text)
{
	const struct mime_seg *s;
	size_t	 i;

	for (i = 0; i < mime_count(m); i++) {
		s = mime_seg(m, i);
		if ((s->region == MIME_SEG_EMB_HEADERS ||
		    s->region == MIME_SEG_FWD_HEADERS) &&
		    memmem(s->data, s->len, text, strlen(text)) != NULL)
			return s;
	}
	return NULL;
}

struct fcase {
	const char	*name;
	const char	*msg;
	const char	*fwd;		/* in a forward's header block */
	const char	*emb;		/* in a reported message's */
	int		 emb_parent;	/* the message that carried it */
};

#define FWD_TOP	"From: noc@hosting.example\nSubject: Fwd: report\n" \
	"Content-Type: multipart/mixed; boundary=fw\n\n--fw\n" \
	"Content-Type: text/plain\n\nforwarded, see attached\n--fw\n" \
	"Content-Type: message/rfc822\n\n" \
	"Received: from out.reporter.example ([198.51.100.7])\n" \
	"\tby mx.hosting.example; Mon, 1 Jan 2024 00:10:00 +0000\n" \
	"From: abuse@reporter.example\nSubject: report\n"
#define SPAM	"Received: from spam.example ([192.0.2.5])\n" \
	"\tby mx.reporter.example; Mon, 1 Jan 2024 00:00:00 +0000\n" \
	"Subject: buy\n"

static const struct fcase fcases[] = {
	{ "a forwarded ARF: the complaint's headers are a forward's, "
	  "the spam's are evidence",
	  FWD_TOP "Content-Type: multipart/report; "
	  "report-type=feedback-report; boundary=rp\n\n--rp\n"
	  "Content-Type: text/plain\n\nspam from your network\n--rp\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	  "Source-IP: 192.0.2.5\n--rp\nContent-Type: message/rfc822\n\n"
	  SPAM "\nbuy now\n--rp--\n--fw--\n",
	  "out.reporter.example", "spam.example", 1 },
	{ "a forwarded complaint carrying text/rfc822-headers",
	  FWD_TOP "Content-Type: multipart/mixed; boundary=rp\n\n--rp\n"
	  "Content-Type: text/plain\n\nspam from your network\n--rp\n"
	  "Content-Type: text/rfc822-headers\n\n" SPAM "--rp--\n--fw--\n",
	  "out.reporter.example", "spam.example", 1 },
	{ "a forwarded ARF with no copy of the spam is a forward",
	  FWD_TOP "Content-Type: multipart/report; "
	  "report-type=feedback-report; boundary=rp\n\n--rp\n"
	  "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	  "Source-IP: 192.0.2.5\n--rp--\n--fw--\n",
	  "out.reporter.example", NULL, 0 },
	{ "a complaint forwarded twice: both forwards are transport",
	  "From: a@hosting.example\nContent-Type: message/rfc822\n\n"
	  "Received: from relay.second.example ([198.51.100.8])\n"
	  "\tby mx.hosting.example; Mon, 1 Jan 2024 00:20:00 +0000\n"
	  "From: b@second.example\nContent-Type: message/rfc822\n\n"
	  "Received: from out.reporter.example ([198.51.100.7])\n"
	  "\tby mx.second.example; Mon, 1 Jan 2024 00:10:00 +0000\n"
	  "From: abuse@reporter.example\nContent-Type: multipart/mixed; "
	  "boundary=rp\n\n--rp\nContent-Type: message/rfc822\n\n" SPAM
	  "\nbuy now\n--rp--\n",
	  "relay.second.example", "spam.example", 2 },
	{ "a reported message that carries nothing is evidence",
	  "From: fbl@reporter.example\nContent-Type: multipart/mixed; "
	  "boundary=b\n\n--b\nContent-Type: message/rfc822\n\n" SPAM
	  "\nbuy now\n--b--\n",
	  NULL, "spam.example", 0 },
	{ "two reported messages side by side are both evidence",
	  "From: fbl@reporter.example\nContent-Type: multipart/digest; "
	  "boundary=d\n\n--d\n\nReceived: from other.example "
	  "([192.0.2.6]) by mx.reporter.example; Mon, 1 Jan 2024 00:00:00 "
	  "+0000\n\none\n--d\n\n" SPAM "\ntwo\n--d--\n",
	  NULL, "other.example", 0 },
};

/* Which header blocks of a forwarded complaint are evidence. */
static void
forward_tests(void)
{
	const struct fcase	*c;
	const struct mime_seg	*s;
	mime_t			*m = mime_new(NULL);
	size_t			 i;

	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		c = &fcases[i];
		parse_raw(m, c->msg, strlen(c->msg));
		if (c->fwd != NULL) {
			s = header_seg(m, c->fwd);
			ok(s != NULL && s->region == MIME_SEG_FWD_HEADERS,
			    "%s: the forward's header block", c->name);
		}
		if (c->emb != NULL) {
			s = header_seg(m, c->emb);
			ok(s != NULL && s->region == MIME_SEG_EMB_HEADERS &&
			    s->parent == c->emb_parent,
			    "%s: the reported message's header block", c->name);
		}
		ok(find_seg(m, MIME_SEG_REPORT, NULL) < 0 &&
		    mime_truncations(m) == 0,
		    "%s: no report region, nothing dropped", c->name);
	}
	mime_free(m);
}

/*
 * Charsets: every part reaches the rules as UTF-8.
 */

/* How a charset case's text is written before base64. */
enum { RAW = 0, U16LE, U16BE, U32LE };

/* The ASCII text s in the wide encoding enc (with a byte order mark when
 * bom), in a new buffer of *len bytes. */
static char *
widen(const char *s, int enc, int bom, size_t *len)
{
	size_t	 n = strlen(s), w, i, o = 0;
	char	*p;

	w = enc == U32LE ? 4 : 2;
	p = calloc(n + 1, w);
	if (bom) {
		if (enc == U16BE) {
			p[o++] = (char)0xfe;
			p[o++] = (char)0xff;
		} else {
			p[o++] = (char)0xff;
			p[o++] = (char)0xfe;
			if (enc == U32LE)
				o += 2;
		}
	}
	for (i = 0; i < n; i++, o += w)
		p[enc == U16BE ? o + 1 : o] = s[i];
	*len = o;
	return p;
}

struct cscase {
	const char	*name;
	const char	*ctype;		/* the part's Content-Type line */
	const char	*disp;		/* its Content-Disposition, or "" */
	int		 enc, bom;	/* how text is written */
	const char	*text;
	int		 region;
	const char	*want;		/* in the segment... */
	int		 atstart;	/* ...at its start */
	int		 cap;		/* the one cap that counts, or -1 */
	size_t		 len;		/* of text when it holds NULs */
};

static const struct cscase cscases[] = {
	{ "UTF-16LE CSV with a BOM (octet-stream report.csv)",
	  "application/octet-stream; name=\"report.csv\"", "attachment",
	  U16LE, 1, "ip,port\r\n192.0.2.20,25\r\n",
	  MIME_SEG_ATTACH, "ip,port\n192.0.2.20,25\n", 1, -1, 0 },
	{ "UTF-16BE text with a BOM",
	  "text/plain; charset=utf-16", "", U16BE, 1, "Source: 192.0.2.21",
	  MIME_SEG_TEXT, "Source: 192.0.2.21", 1, -1, 0 },
	{ "UTF-16LE text/csv without a BOM, no charset (NUL pattern)",
	  "text/csv; name=\"scan.csv\"", "attachment", U16LE, 0,
	  "timestamp,ip\n2024-01-01,192.0.2.22\n",
	  MIME_SEG_ATTACH, "timestamp,ip\n2024-01-01,192.0.2.22", 1, -1, 0 },
	{ "UTF-16BE without a BOM, declared utf-16",
	  "text/plain; charset=\"UTF-16\"", "", U16BE, 0, "IP 192.0.2.23",
	  MIME_SEG_TEXT, "IP 192.0.2.23", 1, -1, 0 },
	{ "UTF-16LE without a BOM in an unnamed octet-stream",
	  "application/octet-stream", "", U16LE, 0, "IP 192.0.2.24 port 25",
	  MIME_SEG_ATTACH, "IP 192.0.2.24 port 25", 1, -1, 0 },
	{ "UTF-16LE without a BOM declared us-ascii (NUL pattern wins)",
	  "text/plain; charset=us-ascii", "", U16LE, 0, "IP 192.0.2.25",
	  MIME_SEG_TEXT, "IP 192.0.2.25", 1, -1, 0 },
	{ "UTF-32LE known by its BOM only",
	  "text/plain", "", U32LE, 1, "IP 192.0.2.26",
	  MIME_SEG_TEXT, "IP 192.0.2.26", 1, -1, 0 },
	{ "a UTF-8 BOM is dropped",
	  "text/plain; charset=utf-8", "", RAW, 0,
	  "\xef\xbb\xbfIP 192.0.2.27", MIME_SEG_TEXT, "IP 192.0.2.27", 1, -1, 0 },
	{ "ISO-8859-1",
	  "text/plain; charset=iso-8859-1", "", RAW, 0,
	  "Adresse IP : 192.0.2.28, \xe9t\xe9", MIME_SEG_TEXT,
	  "Adresse IP : 192.0.2.28, \xc3\xa9t\xc3\xa9", 1, -1, 0 },
	{ "Windows-1252 quotes and euro",
	  "text/plain; charset=windows-1252", "", RAW, 0,
	  "\x93" "192.0.2.29\x94 \x80", MIME_SEG_TEXT,
	  "\xe2\x80\x9c" "192.0.2.29\xe2\x80\x9d \xe2\x82\xac", 1, -1, 0 },
	{ "KOI8-R",
	  "text/plain; charset=KOI8-R", "", RAW, 0,
	  "\xf6\xc1\xcc\xcf\xc2\xc1: 192.0.2.30", MIME_SEG_TEXT,
	  "\xd0\x96\xd0\xb0\xd0\xbb\xd0\xbe\xd0\xb1\xd0\xb0: 192.0.2.30", 1,
	  -1, 0 },
	{ "Shift_JIS",
	  "text/plain; charset=Shift_JIS", "", RAW, 0,
	  "\x95s\x90\xb3\x83" "A\x83N\x83Z\x83X 192.0.2.31", MIME_SEG_TEXT,
	  "\xe4\xb8\x8d\xe6\xad\xa3\xe3\x82\xa2\xe3\x82\xaf\xe3\x82\xbb"
	  "\xe3\x82\xb9 192.0.2.31", 1, -1, 0 },
	{ "ISO-2022-JP",
	  "text/plain; charset=iso-2022-jp", "", RAW, 0,
	  "\x1b$BIT@5%\"%/%;%9\x1b(B 192.0.2.32", MIME_SEG_TEXT,
	  "\xe4\xb8\x8d\xe6\xad\xa3\xe3\x82\xa2\xe3\x82\xaf\xe3\x82\xbb"
	  "\xe3\x82\xb9 192.0.2.32", 1, -1, 0 },
	{ "GB2312",
	  "text/plain; charset=gb2312", "", RAW, 0,
	  "\xc0\xac\xbb\xf8\xd3\xca\xbc\xfe 192.0.2.33", MIME_SEG_TEXT,
	  "\xe5\x9e\x83\xe5\x9c\xbe\xe9\x82\xae\xe4\xbb\xb6 192.0.2.33", 1,
	  -1, 0 },
	{ "Big5",
	  "text/plain; charset=big5", "", RAW, 0,
	  "\xa9U\xa7\xa3\xb6l\xa5\xf3 192.0.2.34", MIME_SEG_TEXT,
	  "\xe5\x9e\x83\xe5\x9c\xbe\xe9\x83\xb5\xe4\xbb\xb6 192.0.2.34", 1,
	  -1, 0 },
	{ "an unknown charset with 8-bit text is read as it is (charset)",
	  "text/plain; charset=x-no-such-charset", "", RAW, 0,
	  "caf\xe9 192.0.2.35", MIME_SEG_TEXT, "caf\xe9 192.0.2.35", 1,
	  MIME_CAP_CHARSET, 0 },
	{ "a sequence not valid in its charset is replaced (charset)",
	  "text/plain; charset=shift_jis", "", RAW, 0,
	  "a\x85\x40" "b 192.0.2.36", MIME_SEG_TEXT,
	  "a\xef\xbf\xbd@b 192.0.2.36", 1, MIME_CAP_CHARSET, 0 },
	{ "UTF-16 cut in the middle of a unit (charset)",
	  "text/plain; charset=utf-16le", "", RAW, 0,
	  "I\0P\0 \0""1", MIME_SEG_TEXT, "IP ", 1, MIME_CAP_CHARSET, 7 },
	{ "UCS-4 past U+10FFFF is not passed on as UTF-8 (charset)",
	  "text/plain; charset=ucs-4", "", RAW, 0,
	  "\0\0\0A\x7f\xff\xff\xff", MIME_SEG_TEXT, "A??????", 1,
	  MIME_CAP_CHARSET, 8 },
	{ "an unknown charset with 7-bit text loses nothing",
	  "text/plain; charset=x-no-such-charset", "", RAW, 0,
	  "IP 192.0.2.37", MIME_SEG_TEXT, "IP 192.0.2.37", 1, -1, 0 },
	{ "a charset name with a slash never reaches iconv (charset)",
	  "text/plain; charset=\"utf-16le//IGNORE\"", "", RAW, 0,
	  "caf\xe9 192.0.2.38", MIME_SEG_TEXT, "caf\xe9 192.0.2.38", 1,
	  MIME_CAP_CHARSET, 0 },
	{ "8-bit text declared us-ascii is read as it is",
	  "text/plain; charset=us-ascii", "", RAW, 0,
	  "caf\xe9 192.0.2.39", MIME_SEG_TEXT, "caf\xe9 192.0.2.39", 1, -1, 0 },
	{ "a report part in UTF-16 is read",
	  "message/feedback-report", "", U16LE, 1,
	  "Feedback-Type: abuse\nSource-IP: 192.0.2.40\n",
	  MIME_SEG_REPORT, "Feedback-Type: abuse\nSource-IP: 192.0.2.40", 1,
	  -1, 0 },
	{ "report fields folded onto a continuation line are unfolded",
	  "message/feedback-report", "", RAW, 0,
	  "Feedback-Type: abuse\nSource-IP:\n 192.0.2.41\nSource-Port:\n"
	  "\t2525\n\n trailing\n",
	  MIME_SEG_REPORT, "Source-IP: 192.0.2.41\nSource-Port:\t2525\n\n "
	  "trailing", 0, -1, 0 },
};

/* A complaint whose second part is text (len bytes) under ctype and
 * disp, in base64. */
static void
parse_part(mime_t *m, const char *ctype, const char *disp, const char *text,
    size_t len)
{
	buf_t	 msg;
	char	*enc;

	enc = b64((const unsigned char *)text, len);
	buf_init(&msg, 4 << 20);
	(void)buf_printf(&msg, "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nsee below\n--b\n"
	    "Content-Type: %s\n%s%s%sContent-Transfer-Encoding: base64\n\n"
	    "%s\n--b--\n", ctype, *disp ? "Content-Disposition: " : "", disp,
	    *disp ? "\n" : "", enc);
	parse_raw(m, msg.data, msg.len);
	buf_free(&msg);
	free(enc);
}

/* Did no cap drop anything (cap -1), or cap and only it? */
static int
caps_are(const mime_t *m, int cap)
{
	return cap < 0 ? mime_truncations(m) == 0 : only_cap(m, cap);
}

/* Parts in the charsets reporters send. */
static void
charset_tests(void)
{
	const struct cscase *c;
	struct mime_limits lim;
	mime_t	*m;
	char	*text, *arc, *out;
	size_t	 i, len, alen;
	int	 k, how;

	m = mime_new(NULL);
	for (i = 0; i < sizeof(cscases) / sizeof(cscases[0]); i++) {
		c = &cscases[i];
		if (c->enc == RAW) {
			len = c->len > 0 ? c->len : strlen(c->text);
			text = malloc(len + 1);
			memcpy(text, c->text, len);
		} else
			text = widen(c->text, c->enc, c->bom, &len);
		parse_part(m, c->ctype, c->disp, text, len);
		k = find_seg(m, c->region, c->want);
		ok(k >= 0 && (!c->atstart || strncmp(mime_seg(m,
		    (size_t)k)->data, c->want, strlen(c->want)) == 0),
		    "%s: read as UTF-8", c->name);
		ok(caps_are(m, c->cap), "%s: %s", c->name, c->cap < 0 ?
		    "nothing dropped" : mime_cap_name(c->cap));
		free(text);
	}

	/* a UTF-16 CSV inside a zip and a gzip */
	text = widen("ip,port\r\n192.0.2.42,25\r\n", U16LE, 1, &len);
	arc = make_archive_n(0, "report.csv", text, len, &alen);
	parse_archive(m, "report.zip", arc, alen);
	k = find_seg(m, MIME_SEG_ATTACH, "ip,port\n192.0.2.42,25");
	ok(k >= 0 && mime_seg(m, (size_t)k)->data[0] == 'i' &&
	    mime_truncations(m) == 0, "a UTF-16 CSV in a zip is read as UTF-8");
	free(arc);
	free(text);
	text = widen("ip,port\n192.0.2.43,25\n", U16BE, 0, &len);
	arc = make_archive_n(1, "data", text, len, &alen);
	parse_archive(m, "report.csv.gz", arc, alen);
	ok(find_seg(m, MIME_SEG_ATTACH, "192.0.2.43,25") >= 0 &&
	    mime_truncations(m) == 0,
	    "a UTF-16BE CSV without a BOM in a gzip is read as UTF-8");
	free(arc);
	free(text);
	mime_free(m);

	/* the decoded-bytes cap counts UTF-8 bytes, not the part's */
	mime_default_limits(&lim);
	lim.max_decoded = 100;
	m = mime_new(&lim);
	text = widen("0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789", U16LE, 0, &len);
	parse_part(m, "text/plain", "", text, len);
	ok(len == 160 && mime_count(m) == 2 && mime_truncations(m) == 0,
	    "160 bytes of UTF-16 are 80 of UTF-8: under a 100-byte cap");
	free(text);
	text = malloc(61);
	memset(text, 0x80, 60);
	parse_part(m, "text/plain; charset=windows-1252", "", text, 60);
	ok(mime_count(m) == 2 && mime_seg(m, 1)->len == 90 &&
	    only_cap(m, MIME_CAP_DECODED),
	    "60 bytes of Windows-1252 are 180 of UTF-8: cut at a 100-byte cap "
	    "(decoded)");
	free(text);
	mime_free(m);

	/* mime_to_utf8 keeps to its cap, on a character boundary */
	out = mime_to_utf8("windows-1252", "\x80\x80\x80", 3, 7, &len, &how);
	ok(out != NULL && len == 6 && memcmp(out, "\xe2\x82\xac\xe2\x82\xac",
	    6) == 0 && (how & MIME_UTF8_CUT) && (how & MIME_UTF8_CONVERTED),
	    "a conversion past its cap is cut between characters");
	free(out);
	out = mime_to_utf8(NULL, "plain", 5, 3, &len, &how);
	ok(out != NULL && len == 3 && how == MIME_UTF8_CUT,
	    "a copy past its cap is cut");
	free(out);
	out = mime_to_utf8("utf-16", "\xff\xfe", 2, 10, &len, &how);
	ok(out != NULL && len == 0 && out[0] == '\0' && !(how & MIME_UTF8_BAD),
	    "a BOM alone is empty text");
	free(out);
}

/*
 * RFC 2047 encoded words.
 */
struct ewcase {
	const char	*name;
	const char	*in;
	const char	*out;
};

static const struct ewcase ewcases[] = {
	{ "a B word", "=?utf-8?B?MTkyLjAuMi4yNQ==?=", "192.0.2.25" },
	{ "a Q word with _ and =XX", "=?iso-8859-1?Q?caf=E9_au_lait?=",
	  "caf\xc3\xa9 au lait" },
	{ "lowercase b and q", "=?UTF-8?b?YQ==?= =?utf-8?q?b?=", "ab" },
	{ "adjacent words are joined", "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab" },
	{ "adjacent words across a fold are joined",
	  "=?utf-8?Q?a?=\t  =?utf-8?Q?b?=", "ab" },
	{ "adjacent words of two charsets are joined",
	  "=?iso-8859-1?Q?=E9?=  =?koi8-r?B?9sE=?=",
	  "\xc3\xa9\xd0\x96\xd0\xb0" },
	{ "a character split across two B words",
	  "=?utf-8?B?ww==?= =?utf-8?B?qQ==?=", "\xc3\xa9" },
	{ "text around words keeps its blanks",
	  "Re: =?utf-8?Q?a?= b =?utf-8?Q?c?=", "Re: a b c" },
	{ "KOI8-R in B", "=?koi8-r?B?9sHMz8LBIDE5Mi4wLjIuMzI=?=",
	  "\xd0\x96\xd0\xb0\xd0\xbb\xd0\xbe\xd0\xb1\xd0\xb0 192.0.2.32" },
	{ "ISO-2022-JP in B", "=?ISO-2022-JP?B?GyRCSVRANRsoQiAxOTIuMC4yLjMz?=",
	  "\xe4\xb8\x8d\xe6\xad\xa3 192.0.2.33" },
	{ "an RFC 2231 language is skipped", "=?utf-8*en?Q?a?=", "a" },
	{ "decoded line breaks become spaces",
	  "=?utf-8?Q?a=0D=0AReceived:_x?=", "a  Received: x" },
	{ "a word not closed is left as it is", "=?utf-8?Q?abc",
	  "=?utf-8?Q?abc" },
	{ "a word in an unknown charset is left as it is",
	  "=?x-no-such?Q?a?= =?utf-8?Q?b?=", "=?x-no-such?Q?a?= b" },
	{ "a word in an unknown encoding is left as it is",
	  "=?utf-8?X?a?=", "=?utf-8?X?a?=" },
	{ "a word with a blank inside is left as it is",
	  "=?utf-8?Q?a b?=", "=?utf-8?Q?a b?=" },
	{ "a charset with a slash is left as it is",
	  "=?utf-8//IGNORE?Q?a?=", "=?utf-8//IGNORE?Q?a?=" },
	{ "an empty charset is left as it is", "=??Q?a?=", "=??Q?a?=" },
	{ "text without words is itself", "plain subject 192.0.2.1",
	  "plain subject 192.0.2.1" },
	{ "an invalid sequence becomes U+FFFD", "=?utf-8?Q?a=FFb?=",
	  "a\xef\xbf\xbd" "b" },
};

/* RFC 2047 words in header values. */
static void
ew_tests(void)
{
	static const char emb[] = "Content-Type: message/rfc822\n\n"
	    "Subject: =?utf-8?B?U3BhbSBmcm9tIDE5Mi4wLjIuNDA=?=\n"
	    "From: x@example.net\n\nbody\n";
	const struct ewcase *c;
	mime_t	*m;
	char	*out;
	size_t	 i, len;
	int	 cut;

	for (i = 0; i < sizeof(ewcases) / sizeof(ewcases[0]); i++) {
		c = &ewcases[i];
		out = mime_decode_2047(c->in, strlen(c->in), 1024, &len, &cut);
		ok(out != NULL && len == strlen(c->out) &&
		    memcmp(out, c->out, len) == 0 && !cut,
		    "RFC 2047: %s", c->name);
		if (out != NULL && (len != strlen(c->out) ||
		    memcmp(out, c->out, len) != 0))
			diag("got '%s'", out);
		free(out);
	}
	out = mime_decode_2047("=?utf-8?Q?abcdef?=", 18, 4, &len, &cut);
	ok(out != NULL && len == 4 && memcmp(out, "abcd", 4) == 0 && cut,
	    "RFC 2047: the output keeps to its cap");
	free(out);

	m = mime_new(NULL);
	parse_raw(m, emb, sizeof(emb) - 1);
	ok(find_seg(m, MIME_SEG_EMB_HEADERS, "Subject: Spam from 192.0.2.40\n")
	    >= 0, "RFC 2047: an embedded Subject is decoded");
	mime_free(m);
}

/*
 * What the shipped rules read of the decoded text: a Subject hiding an
 * IP in an encoded word, ARF fields with comments or folded.
 */
struct rcase {
	const char	*name;
	const char	*msg;
	const char	*ip;		/* a candidate of rule */
	const char	*rule;
	int		 port;		/* its port, or -1 */
};

#define ARF_HEAD "Subject: report\nContent-Type: multipart/report; " \
	"boundary=b\n\n--b\nContent-Type: text/plain\n\nreport\n--b\n" \
	"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"

static const struct rcase rcases[] = {
	{ "a B word hiding an IP in the Subject is read by subject-ip",
	  "Subject: =?utf-8?B?U3BhbSBmcm9tIDE5Mi4wLjIuNTA=?=\n\nno address\n",
	  "192.0.2.50", "subject-ip", -1 },
	{ "a Q word in the Subject is read by subject-ip",
	  "Subject: =?iso-8859-1?Q?Spam_de_192=2E0=2E2=2E51?=\n\nnothing\n",
	  "192.0.2.51", "subject-ip", -1 },
	{ "a Source-IP with a trailing comment is read",
	  ARF_HEAD "Source-IP: 198.51.100.23 (mta.example)\n--b--\n",
	  "198.51.100.23", "arf-source-ip", -1 },
	{ "a Source-IP with a nested comment is read",
	  ARF_HEAD "Source-IP: [198.51.100.24] (mta (the one) here)\n--b--\n",
	  "198.51.100.24", "arf-source-ip", -1 },
	{ "a Source-IP with a comment before it is read",
	  ARF_HEAD "Source-IP: (sender) 198.51.100.25\n--b--\n",
	  "198.51.100.25", "arf-source-ip", -1 },
	{ "a Source-Port with a comment, after the address",
	  ARF_HEAD "Source-IP: 198.51.100.26 (x)\nSource-Port: 2525 (smtp)\n"
	  "--b--\n", "198.51.100.26", "arf-source-ip", 2525 },
	{ "a Source-Port with a comment, before the address",
	  ARF_HEAD "Source-Port: 2526 (smtp)\nSource-IP: 198.51.100.27\n"
	  "--b--\n", "198.51.100.27", "arf-source-ip", 2526 },
	{ "a folded Source-IP is read",
	  ARF_HEAD "Source-IP:\n 198.51.100.28\nSource-Port:\n\t2527\n--b--\n",
	  "198.51.100.28", "arf-source-ip", 2527 },
};

/* Is ip a candidate of rule (with port, unless port is -1)? */
static int
has_cand(const struct decision *d, const char *ip, const char *rule,
    int port)
{
	struct ipaddr	 a;
	size_t		 i;

	if (ipaddr_parse(ip, strlen(ip), 0, &a) == -1)
		return 0;
	for (i = 0; i < d->ncand; i++)
		if (ipaddr_cmp(&d->cand[i].ip, &a) == 0 &&
		    strcmp(d->cand[i].rule, rule) == 0 &&
		    (port < 0 || d->cand[i].port == port))
			return 1;
	return 0;
}

/* The shipped rules over decoded text. */
static void
rules_tests(void)
{
	const struct rcase *c;
	struct decision	 d;
	complaint_t	*cp;
	rules_t		*rs = NULL;
	const char	*src;
	char		 path[4096], err[4096];
	size_t		 i;

	if ((src = getenv("top_srcdir")) != NULL &&
	    snprintf(path, sizeof(path), "%s/rules/abuse.rules", src) <
	    (int)sizeof(path))
		rs = rules_load(path, err, sizeof(err));
	ok(rs != NULL, "the shipped rules load (top_srcdir is set)");
	if (rs == NULL)
		return;
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		c = &rcases[i];
		cp = complaint_new(1 << 20);
		(void)complaint_raw(cp, c->msg, strlen(c->msg));
		memset(&d, 0, sizeof(d));
		route_decide(rs, NULL, cp, 1700000000, &d);
		ok(has_cand(&d, c->ip, c->rule, c->port), "%s", c->name);
		decision_clear(&d);
		complaint_free(cp);
	}
	rules_free(rs);
}

int
main(void)
{
	struct mime_limits lim;
	mime_t	*m;
	buf_t	 big;
	size_t	 i, len;
	int	 k;
	char	*dec;

	(void)tap_skip_all;
	tap_plan(0);
	m = mime_new(NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_raw(m, cases[i].msg, strlen(cases[i].msg));
		k = find_seg(m, cases[i].region, cases[i].text);
		ok(k >= 0, "%s", cases[i].name);
		if (k >= 0 && cases[i].ctype != NULL)
			is_str(mime_seg(m, (size_t)k)->ctype, cases[i].ctype,
			    "%s: content type", cases[i].name);
		if (mime_truncations(m) != 0)
			ok(0, "%s: no cap drops anything", cases[i].name);
	}

	/* archives */
	archive_case(m, 0, "report.csv.zip", "2024-01-01-scan.csv",
	    "timestamp,ip,port\n2024-01-01 00:00:00,192.0.2.20,123\n", "zip");
	archive_case(m, 1, "report.csv.gz", "data",
	    "timestamp,ip,port\n2024-01-01 00:00:00,192.0.2.20,123\n", "gzip");

	/* decoder edge cases */
	dec = mime_decode_b64("", 0, 100, &len, NULL);
	ok(dec != NULL && len == 0, "empty base64 decodes to nothing");
	free(dec);
	dec = mime_decode_b64("QUJD", 4, 2, &len, NULL);
	ok(dec != NULL && len <= 2, "base64 output respects its cap");
	free(dec);
	dec = mime_decode_qp("a=", 2, 100, &len, NULL);
	ok(dec != NULL && len == 1 && dec[0] == 'a',
	    "a trailing '=' is a soft break");
	free(dec);

	/* NUL bytes do not cut the text */
	{
		static const char nul[] = "Content-Type: text/plain\n\nbefore\0"
		    "after 192.0.2.30\n";

		parse_raw(m, nul, sizeof(nul) - 1);
		ok(find_seg(m, MIME_SEG_TEXT, "after 192.0.2.30") >= 0,
		    "text after a NUL byte is still read");
	}

	/* 1,000-deep nesting stops at the depth limit */
	buf_init(&big, 8 << 20);
	(void)buf_puts(&big, "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (k = 0; k < 1000; k++)
		(void)buf_printf(&big, "--b%d\nContent-Type: multipart/mixed; "
		    "boundary=b%d\n\n", k, k + 1);
	(void)buf_puts(&big, "--b1000\nContent-Type: text/plain\n\ndeep\n");
	parse_raw(m, big.data, big.len);
	ok(find_seg(m, MIME_SEG_TEXT, "deep") < 0 &&
	    only_cap(m, MIME_CAP_DEPTH),
	    "1000-deep nesting is cut at the depth limit (depth)");

	/* a 1 MiB header line */
	buf_reset(&big);
	(void)buf_puts(&big, "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: message/rfc822\n\nX-Long: ");
	for (k = 0; k < 1024 * 1024; k++)
		(void)buf_putc(&big, 'a');
	(void)buf_puts(&big, "\nX-Originating-IP: 192.0.2.40\n\nbody\n--b--\n");
	parse_raw(m, big.data, big.len);
	ok(find_seg(m, MIME_SEG_EMB_HEADERS, "X-Originating-IP: 192.0.2.40") >= 0,
	    "a field after a 1 MiB header line is read");

	/* the segment and decoded-bytes caps */
	mime_default_limits(&lim);
	lim.max_segs = 3;
	mime_free(m);
	m = mime_new(&lim);
	buf_reset(&big);
	(void)buf_puts(&big, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (k = 0; k < 10; k++)
		(void)buf_printf(&big, "--b\nContent-Type: text/plain\n\npart %d\n",
		    k);
	parse_raw(m, big.data, big.len);
	ok(mime_count(m) == 3 && only_cap(m, MIME_CAP_SEGS) &&
	    mime_dropped(m, MIME_CAP_SEGS) == 7,
	    "no more segments than the cap (segments)");
	lim.max_segs = 512;
	lim.max_decoded = 10;
	mime_free(m);
	m = mime_new(&lim);
	parse_raw(m, "Subject: x\n\n0123456789abcdef\n", 27);
	ok(mime_count(m) == 1 && mime_seg(m, 0)->len == 10 &&
	    only_cap(m, MIME_CAP_DECODED),
	    "a text past the decoded-bytes cap is cut there (decoded)");
	mime_free(m);

	/* an archive bomb is cut at the expansion cap */
	mime_default_limits(&lim);
	lim.max_expanded = 4096;
	m = mime_new(&lim);
	{
		char	*zeros = malloc(1 << 20), *arc, *enc;
		size_t	 alen;

		memset(zeros, 'a', (1 << 20) - 1);
		zeros[(1 << 20) - 1] = '\0';
		arc = make_archive(1, "x", zeros, &alen);
		enc = b64((unsigned char *)arc, alen);
		buf_reset(&big);
		(void)buf_printf(&big, "Content-Type: multipart/mixed; "
		    "boundary=b\n\n--b\nContent-Type: application/gzip; "
		    "name=\"x.csv.gz\"\nContent-Transfer-Encoding: base64\n\n"
		    "%s\n--b--\n", enc);
		parse_raw(m, big.data, big.len);
		k = find_seg(m, MIME_SEG_ATTACH, NULL);
		ok(k >= 0 && mime_seg(m, (size_t)k)->len <= 4096 &&
		    only_cap(m, MIME_CAP_EXPANDED),
		    "a gzip bomb is cut at the expansion cap (expanded)");
		free(zeros);
		free(arc);
		free(enc);
	}
	mime_free(m);
	buf_free(&big);
	cap_tests();
	forward_tests();
	charset_tests();
	ew_tests();
	rules_tests();
	return tap_done();
}
