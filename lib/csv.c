/*
 * csv.c - RFC 4180 CSV record reader; see csv.h.
 *
 * A small state machine over a block buffer.  Field text is collected in
 * one record buffer with a NUL after each field, so a record costs no
 * allocation once the buffer has grown.  UTF-8 is checked byte by byte
 * (overlong forms, surrogates and code points past U+10FFFF refused).
 * The usual line, whole in the buffer and plain printable ASCII without
 * quotes, is split at its commas in one pass instead (csv_fast()).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define CSV_BLOCK	65536

struct csv {
	FILE		*fp;
	csv_tap_fn	 tap;
	void		*arg;
	unsigned char	 in[CSV_BLOCK];
	size_t		 ipos, ilen;
	int		 eof;
	char		*rec;		/* field text, NUL after each */
	size_t		 rlen;
	unsigned long	 line;		/* current line number */
	unsigned long	 errline;
	const char	*err;
	int		 fatal;
	/* UTF-8 decoder state */
	int		 u8need;
	unsigned	 u8cp, u8min;
};

/* Open a reader on fp. */
csv_t *
csv_open(FILE *fp, csv_tap_fn tap, void *arg)
{
	csv_t	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->rec = malloc(CSV_MAX_RECORD + CSV_MAX_FIELDS + 1)) == NULL) {
		free(c);
		return NULL;
	}
	c->fp = fp;
	c->tap = tap;
	c->arg = arg;
	c->line = 1;
	return c;
}

/* Free the reader. */
void
csv_close(csv_t *c)
{
	if (c == NULL)
		return;
	free(c->rec);
	free(c);
}

/* Next byte, or -1 at the end of the file or on error. */
static int
csv_getc(csv_t *c)
{
	if (c->ipos == c->ilen) {
		if (c->eof)
			return -1;
		c->ilen = fread(c->in, 1, sizeof(c->in), c->fp);
		c->ipos = 0;
		if (c->ilen < sizeof(c->in)) {
			c->eof = 1;
			if (ferror(c->fp)) {
				c->fatal = 1;
				c->err = strerror(errno ? errno : EIO);
				return -1;
			}
		}
		if (c->ilen == 0)
			return -1;
		if (c->tap)
			c->tap(c->arg, c->in, c->ilen);
	}
	return c->in[c->ipos++];
}

/* Look at the next byte without taking it. */
static int
csv_peek(csv_t *c)
{
	int	 ch;

	if ((ch = csv_getc(c)) != -1)
		c->ipos--;
	return ch;
}

/* Feed one byte to the UTF-8 checker; 0 or -1. */
static int
utf8_check(csv_t *c, unsigned b)
{
	if (c->u8need == 0) {
		if (b < 0x80)
			return 0;
		if (b >= 0xc2 && b <= 0xdf) {
			c->u8need = 1; c->u8cp = b & 0x1f; c->u8min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			c->u8need = 2; c->u8cp = b & 0x0f; c->u8min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			c->u8need = 3; c->u8cp = b & 0x07; c->u8min = 0x10000;
		} else
			return -1;
		return 0;
	}
	if ((b & 0xc0) != 0x80)
		return -1;
	c->u8cp = c->u8cp << 6 | (b & 0x3f);
	if (--c->u8need == 0 && (c->u8cp < c->u8min || c->u8cp > 0x10ffff ||
	    (c->u8cp >= 0xd800 && c->u8cp <= 0xdfff)))
		return -1;
	return 0;
}

/* Drop the rest of the current line after an error. */
static void
skip_line(csv_t *c)
{
	int	 ch;

	while ((ch = csv_getc(c)) != -1 && ch != '\n')
		;
	if (ch == '\n')
		c->line++;
	c->u8need = 0;
}

/* Record an error at the record's first line. */
static int
csv_fail(csv_t *c, unsigned long line, const char *why)
{
	c->err = why;
	c->errline = line;
	if (!c->fatal)
		skip_line(c);
	return -1;
}

/*
 * Copy the run of plain printable ASCII at the read position into the
 * record (stopping at a comma unless quoted, and at a quote); the byte
 * after it goes through the careful path.  Returns 0, or -1 if the record
 * would get too long.
 */
static int
csv_plain_run(csv_t *c, int quoted)
{
	const unsigned char *p = c->in + c->ipos, *e = c->in + c->ilen, *q;
	size_t		 n;

	for (q = p; q < e && *q >= 0x20 && *q < 0x7f && *q != '"' &&
	    (quoted || *q != ','); q++)
		;
	n = (size_t)(q - p);
	if (n == 0)
		return 0;
	if (c->rlen + n > CSV_MAX_RECORD)
		return -1;
	memcpy(c->rec + c->rlen, p, n);
	c->rlen += n;
	c->ipos += n;
	return 0;
}

/*
 * The usual record: a line already in the buffer, all printable ASCII
 * without quotes.  Split it at the commas straight into rec.  Returns 1,
 * or 0 (nothing taken) if the record needs the careful path.
 */
static int
csv_fast(csv_t *c, struct csv_record *rec)
{
	const unsigned char *p = c->in + c->ipos, *nl, *end;
	size_t		 o = 0, fstart = 0, nf = 0;
	char		*out = c->rec;

	if ((nl = memchr(p, '\n', c->ilen - c->ipos)) == NULL)
		return 0;
	end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if ((size_t)(end - p) > CSV_MAX_RECORD)
		return 0;
	for (; p < end; p++) {
		if (*p == ',') {
			if (nf == CSV_MAX_FIELDS - 1)
				return 0;
			out[o] = '\0';
			rec->field[nf] = out + fstart;
			rec->len[nf++] = o - fstart;
			fstart = ++o;
		} else if (*p >= 0x20 && *p < 0x7f && *p != '"')
			out[o++] = (char)*p;
		else
			return 0;
	}
	out[o] = '\0';
	rec->field[nf] = out + fstart;
	rec->len[nf++] = o - fstart;
	rec->nfields = nf;
	rec->line = c->line++;
	c->rlen = o + 1;
	c->ipos = (size_t)(nl + 1 - c->in);
	return 1;
}

/* Read one record. */
int
csv_read(csv_t *c, struct csv_record *rec)
{
	unsigned long	 start;
	size_t		 fstart;
	int		 ch, quoted, after_quote;

	if (c->fatal)
		return -1;
	/* Skip comment and blank lines. */
	for (;;) {
		ch = csv_peek(c);
		if (ch == -1)
			return c->fatal ? csv_fail(c, c->line, c->err) : 0;
		if (ch == '#') {
			skip_line(c);
			continue;
		}
		if (ch == '\n' || ch == '\r') {
			csv_getc(c);
			if (ch == '\r' && csv_peek(c) == '\n')
				csv_getc(c);
			c->line++;
			continue;
		}
		break;
	}
	if (csv_fast(c, rec))
		return 1;
	start = c->line;
	rec->line = start;
	rec->nfields = 0;
	c->rlen = 0;
	c->u8need = 0;
	for (;;) {
		/* One field. */
		if (rec->nfields == CSV_MAX_FIELDS)
			return csv_fail(c, start, "too many fields");
		fstart = c->rlen;
		quoted = 0;
		after_quote = 0;
		if (csv_peek(c) == '"') {
			csv_getc(c);
			quoted = 1;
		}
		for (;;) {
			if (!after_quote && c->u8need == 0 &&
			    csv_plain_run(c, quoted) == -1)
				return csv_fail(c, start, "record too long");
			ch = csv_getc(c);
			if (ch == -1 && c->fatal)
				return -1;
			if (quoted && !after_quote) {
				if (ch == -1)
					return csv_fail(c, start,
					    "unterminated quoted field");
				if (ch == '"') {
					if (csv_peek(c) == '"')
						csv_getc(c);
					else {
						after_quote = 1;
						continue;
					}
				} else if (ch == '\n')
					c->line++;
			} else {
				if (ch == -1 || ch == ',' || ch == '\n')
					break;
				if (ch == '\r') {
					if (csv_peek(c) == '\n')
						continue;
					return csv_fail(c, start,
					    "carriage return inside a field");
				}
				if (after_quote)
					return csv_fail(c, start,
					    "text after a closing quote");
				if (ch == '"')
					return csv_fail(c, start,
					    "quote inside an unquoted field");
			}
			if (ch == 0)
				return csv_fail(c, start, "NUL byte");
			if (utf8_check(c, (unsigned)ch) == -1)
				return csv_fail(c, start, "invalid UTF-8");
			if (c->rlen >= CSV_MAX_RECORD)
				return csv_fail(c, start, "record too long");
			c->rec[c->rlen++] = (char)ch;
		}
		if (c->u8need != 0)
			return csv_fail(c, start, "invalid UTF-8");
		c->rec[c->rlen++] = '\0';
		rec->len[rec->nfields] = c->rlen - 1 - fstart;
		rec->field[rec->nfields++] = c->rec + fstart;
		if (ch != ',')
			break;
	}
	if (ch == '\n')
		c->line++;
	return 1;
}

/* Why the last csv_read() failed. */
const char *
csv_error(const csv_t *c)
{
	return c->err ? c->err : "no error";
}

/* Line of the record that failed. */
unsigned long
csv_errline(const csv_t *c)
{
	return c->errline;
}

/* Non-zero after an I/O error. */
int
csv_fatal(const csv_t *c)
{
	return c->fatal;
}
