/*
 * buf.c - growable byte buffer with checked appends; see buf.h.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static char empty[1];

/* Initialise an empty buffer capped at cap bytes. */
void
buf_init(buf_t *b, size_t cap)
{
	b->data = empty;
	b->len = 0;
	b->size = 0;
	b->cap = cap;
}

/* Release the memory of b. */
void
buf_free(buf_t *b)
{
	if (b->size > 0)
		free(b->data);
	b->data = empty;
	b->len = 0;
	b->size = 0;
}

/* Forget the contents of b, keeping its memory. */
void
buf_reset(buf_t *b)
{
	b->len = 0;
	if (b->size > 0)
		b->data[0] = '\0';
}

/* Make room for need more bytes plus the NUL. */
static int
buf_reserve(buf_t *b, size_t need)
{
	size_t	 want, nsize;
	char	*p;

	if (need > b->cap || b->len > b->cap - need) {
		errno = EMSGSIZE;
		return -1;
	}
	want = b->len + need + 1;
	if (want <= b->size)
		return 0;
	nsize = b->size ? b->size : 64;
	while (nsize < want) {
		if (nsize > SIZE_MAX / 2) {
			nsize = want;
			break;
		}
		nsize *= 2;
	}
	if (nsize > b->cap + 1)
		nsize = b->cap + 1;
	p = b->size ? realloc(b->data, nsize) : malloc(nsize);
	if (p == NULL)
		return -1;
	if (b->size == 0)
		p[0] = '\0';
	b->data = p;
	b->size = nsize;
	return 0;
}

/* Append len bytes of p. */
int
buf_append(buf_t *b, const void *p, size_t len)
{
	if (buf_reserve(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* Append the string s. */
int
buf_puts(buf_t *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* Append the byte c. */
int
buf_putc(buf_t *b, int c)
{
	char ch = (char)c;

	return buf_append(b, &ch, 1);
}

/* Append formatted text. */
int
buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if (buf_reserve(b, (size_t)n) == -1)
		return -1;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		return -1;
	b->len += (size_t)n;
	return 0;
}

/* Append formatted text. */
int
buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* Shorten b to len bytes. */
void
buf_truncate(buf_t *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* Append s as a quoted JSON string. */
int
buf_json_str(buf_t *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, start = b->len;
	unsigned char c;

	if (buf_putc(b, '"') == -1)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			if (buf_putc(b, '\\') == -1 || buf_putc(b, c) == -1)
				goto fail;
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4],
			    hex[c & 15] };
			if (buf_append(b, esc, sizeof(esc)) == -1)
				goto fail;
		} else if (buf_putc(b, c) == -1)
			goto fail;
	}
	if (buf_putc(b, '"') == -1)
		goto fail;
	return 0;
fail:
	buf_truncate(b, start);
	return -1;
}
