/*
 * fuzz_charset.c - fuzz target for the charset path of the MIME reader:
 * mime_to_utf8() (byte order marks, the UTF-16 NUL pattern, iconv),
 * mime_decode_2047() and a part read through mime_parse() in the
 * charset the input names.
 *
 * Input: one byte that sets the output cap (1 to 256 bytes, or none
 * when it is 0), a charset name up to the first LF, then the text.  The
 * properties: no output passes its cap; converted text is valid UTF-8;
 * a decoded header value holds no control character but tab; a value
 * without "=?" decodes to itself; the segments of the part never hold
 * more than the reader's decoded-bytes cap.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mime.h"

#define NAME_MAX_FUZZ	64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Is s (len bytes) valid UTF-8 (no overlong form, no surrogate)? */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n, k;
	uint32_t c;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3;
		else
			return 0;
		if (len - i <= n)
			return 0;
		c = s[i] & (0x3f >> n);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 ||
		    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* The charset path on one text. */
static void
check_text(const char *cs, const char *s, size_t len, size_t cap)
{
	char	*out;
	size_t	 olen;
	int	 how;

	if ((out = mime_to_utf8(cs, s, len, cap, &olen, &how)) == NULL)
		fuzz_fail("mime_to_utf8 out of memory");
	if (olen > cap || out[olen] != '\0')
		fuzz_fail("mime_to_utf8 passed its cap");
	if ((how & MIME_UTF8_CONVERTED) &&
	    !valid_utf8((const unsigned char *)out, olen))
		fuzz_fail("converted text is not valid UTF-8");
	if (!(how & MIME_UTF8_CUT) && !(how & MIME_UTF8_CONVERTED) &&
	    olen > len)
		fuzz_fail("a copy grew");
	free(out);
}

/* RFC 2047 on one value. */
static void
check_2047(const char *s, size_t len, size_t cap)
{
	char	*out;
	size_t	 olen, i;
	int	 cut;

	if ((out = mime_decode_2047(s, len, cap, &olen, &cut)) == NULL)
		fuzz_fail("mime_decode_2047 out of memory");
	if (olen > cap || out[olen] != '\0')
		fuzz_fail("mime_decode_2047 passed its cap");
	for (i = 0; i < olen; i++)
		if (((unsigned char)out[i] < 0x20 && out[i] != '\t') ||
		    out[i] == 0x7f)
			fuzz_fail("a decoded value holds a control character");
	if (!cut && olen != len && memmem(s, len, "=?", 2) == NULL)
		fuzz_fail("a value without encoded words changed length");
	if (!cut && memmem(s, len, "=?", 2) == NULL) {
		for (i = 0; i < len; i++)
			if (out[i] != s[i] && !((unsigned char)s[i] < 0x20 ||
			    s[i] == 0x7f))
				fuzz_fail("a value without encoded words "
				    "changed");
	}
	free(out);
}

/* The text as the one part of a message in charset cs. */
static void
check_part(const char *cs, const char *s, size_t len)
{
	struct mime_limits	 lim;
	struct mime_field	 f[2];
	char			 ct[NAME_MAX_FUZZ + 40];
	mime_t			*m;
	size_t			 i, total = 0;

	memcpy(ct, "text/csv; charset=\"", 19);
	memcpy(ct + 19, cs, strlen(cs));
	memcpy(ct + 19 + strlen(cs), "\"", 2);
	f[0].name = "Content-Type";
	f[0].value = ct;
	f[1].name = "Subject";
	f[1].value = cs;
	mime_default_limits(&lim);
	lim.max_decoded = 4096;
	if ((m = mime_new(&lim)) == NULL)
		fuzz_fail("mime_new");
	(void)mime_parse(m, f, 2, s, len);
	for (i = 0; i < mime_count(m); i++) {
		const struct mime_seg *sg = mime_seg(m, i);

		if (sg->data[sg->len] != '\0')
			fuzz_fail("a segment is not NUL-terminated");
		total += sg->len;
	}
	if (total > lim.max_decoded)
		fuzz_fail("segments past the decoded-bytes cap");
	mime_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *nl;
	char		 cs[NAME_MAX_FUZZ + 1];
	size_t		 cap, n;

	if (size < 1)
		return 0;
	cap = data[0] == 0 ? 1 << 20 : data[0];
	p++;
	size--;
	nl = memchr(p, '\n', size);
	n = nl != NULL ? (size_t)(nl - p) : 0;
	if (n > NAME_MAX_FUZZ)
		n = NAME_MAX_FUZZ;
	memcpy(cs, p, n);
	cs[n] = '\0';
	if (memchr(cs, '"', n) != NULL || memchr(cs, '\0', n) != NULL)
		cs[0] = '\0';
	if (nl != NULL) {
		size -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	check_text(cs, p, size, cap);
	check_2047(p, size, cap);
	check_part(cs, p, size);
	return 0;
}
