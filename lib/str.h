/*
 * str.h - fixed-size string fields filled from untrusted text.
 */
#ifndef ABUSE_STR_H
#define ABUSE_STR_H

#include <stddef.h>

/*
 * Copy at most size-1 of the len bytes at s into out (size > 0) and
 * NUL-terminate it; a fixed field that is too small gets a cut copy.
 * Returns the number of bytes copied.
 */
size_t	 str_copyn(char *out, size_t size, const char *s, size_t len);

/*
 * Copy len bytes of untrusted text s into out (size outsize > 0) so that
 * it is safe in a log line or a header value: printable ASCII is kept,
 * every other byte (CR, LF, NUL, controls, 8-bit) becomes '?', and ';',
 * '"' and '\' become '?' so the text cannot forge a field of its own.
 * Text that does not fit is cut and ends in "...".  out is always
 * NUL-terminated.  Returns out.
 */
char	*str_sanitize(const char *s, size_t len, char *out, size_t outsize);

#endif
