/*
 * str.c - fixed-size string fields filled from untrusted text; see str.h.
 */
#include "config.h"

#include <string.h>

#include "str.h"

/* Copy at most size-1 bytes of s into out, NUL-terminated. */
size_t
str_copyn(char *out, size_t size, const char *s, size_t len)
{
	if (size == 0)
		return 0;
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	return len;
}

/* Make untrusted text safe for a log line or header value. */
char *
str_sanitize(const char *s, size_t len, char *out, size_t outsize)
{
	size_t	 i, o = 0;
	unsigned char c;

	if (outsize == 0)
		return out;
	for (i = 0; i < len; i++) {
		if (o + 1 >= outsize) {
			if (outsize >= 4)
				memcpy(out + outsize - 4, "...", 3);
			o = outsize - 1;
			break;
		}
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == ';' || c == '"' || c == '\\')
			c = '?';
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}
