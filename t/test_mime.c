/*
 * test_mime.c - unit tests of the MIME reader: encodings, line ends,
 * nesting, misspelled types, zip and gzip attachments, and the limits
 * that keep hostile messages bounded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "mime.h"
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

/* Make a zip (gzip == 0) or gzip of one member in memory. */
static char *
make_archive(int gzip, const char *member, const char *data, size_t *len)
{
	struct archive		*a;
	struct archive_entry	*e;
	size_t			 cap = 65536, used = 0;
	char			*buf = malloc(cap);

	a = archive_write_new();
	if (gzip) {
		archive_write_add_filter_gzip(a);
		archive_write_set_format_raw(a);
	} else
		archive_write_set_format_zip(a);
	archive_write_open_memory(a, buf, cap, &used);
	e = archive_entry_new();
	archive_entry_set_pathname(e, member);
	archive_entry_set_size(e, (la_int64_t)strlen(data));
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_write_header(a, e);
	archive_write_data(a, data, strlen(data));
	archive_entry_free(e);
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
	}

	/* archives */
	archive_case(m, 0, "report.csv.zip", "2024-01-01-scan.csv",
	    "timestamp,ip,port\n2024-01-01 00:00:00,192.0.2.20,123\n", "zip");
	archive_case(m, 1, "report.csv.gz", "data",
	    "timestamp,ip,port\n2024-01-01 00:00:00,192.0.2.20,123\n", "gzip");

	/* decoder edge cases */
	dec = mime_decode_b64("", 0, 100, &len);
	ok(dec != NULL && len == 0, "empty base64 decodes to nothing");
	free(dec);
	dec = mime_decode_b64("QUJD", 4, 2, &len);
	ok(dec != NULL && len <= 2, "base64 output respects its cap");
	free(dec);
	dec = mime_decode_qp("a=", 2, 100, &len);
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
	ok(find_seg(m, MIME_SEG_TEXT, "deep") < 0 && mime_truncations(m) > 0,
	    "1000-deep nesting is cut at the depth limit");

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
	ok(mime_count(m) == 3 && mime_truncations(m) > 0,
	    "no more segments than the cap");
	lim.max_segs = 512;
	lim.max_decoded = 10;
	mime_free(m);
	m = mime_new(&lim);
	parse_raw(m, "Subject: x\n\n0123456789abcdef\n", 27);
	ok(mime_count(m) == 0 && mime_truncations(m) > 0,
	    "a segment past the decoded-bytes cap is dropped");
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
		    mime_truncations(m) > 0,
		    "a gzip bomb is cut at the expansion cap");
		free(zeros);
		free(arc);
		free(enc);
	}
	mime_free(m);
	buf_free(&big);
	return tap_done();
}
