/*
 * buf.h - growable byte buffer with checked appends.
 *
 * Every string built from untrusted data in abuse-milter goes through a
 * buf_t: no strcpy, strcat, sprintf or strncpy.  A buffer has a hard cap
 * (set at init); an append that would pass the cap fails with -1 and
 * leaves the contents as they were, so a hostile message cannot make a
 * buffer grow without bound.  The contents are always NUL-terminated.
 *
 * Usage:
 *	buf_t b;
 *	buf_init(&b, 4096);
 *	if (buf_printf(&b, "%s=%d", k, v) == -1) ... too big or no memory
 *	use(b.data, b.len);
 *	buf_free(&b);
 */
#ifndef ABUSE_BUF_H
#define ABUSE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char	*data;	/* NUL-terminated contents, or "" when empty */
	size_t	 len;	/* bytes in data, not counting the NUL */
	size_t	 size;	/* bytes allocated */
	size_t	 cap;	/* most bytes len may reach */
} buf_t;

/* Initialise an empty buffer whose length may never pass cap. */
void	buf_init(buf_t *b, size_t cap);
/* Release the memory; the buffer is empty and usable again. */
void	buf_free(buf_t *b);
/* Forget the contents but keep the memory. */
void	buf_reset(buf_t *b);
/* Append len bytes; 0 on success, -1 (contents unchanged) on cap or ENOMEM. */
int	buf_append(buf_t *b, const void *p, size_t len);
/* Append a NUL-terminated string; as buf_append. */
int	buf_puts(buf_t *b, const char *s);
/* Append one byte; as buf_append. */
int	buf_putc(buf_t *b, int c);
/* Append formatted text; as buf_append (-1 also on an encoding error). */
int	buf_printf(buf_t *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_vprintf(buf_t *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Shorten to len bytes (no-op if already shorter). */
void	buf_truncate(buf_t *b, size_t len);
/* Append s as a JSON string literal (with quotes), escaping as needed. */
int	buf_json_str(buf_t *b, const char *s, size_t len);

#endif
