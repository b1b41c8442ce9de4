/*
 * test_buf.c - unit tests of the checked buffer and the sanitizer.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "log.h"
#include "str.h"
#include "tap.h"

int
main(void)
{
	buf_t	 b;
	char	 out[16];
	size_t	 i;

	tap_plan(0);

	buf_init(&b, 16);
	is_str(b.data, "", "a new buffer is the empty string");
	ok(buf_puts(&b, "hello") == 0, "append within the cap succeeds");
	ok(buf_printf(&b, " %d", 42) == 0, "printf within the cap succeeds");
	is_str(b.data, "hello 42", "contents are what was appended");
	ok(buf_puts(&b, "0123456789") == -1, "an append past the cap fails");
	is_str(b.data, "hello 42", "a failed append leaves the contents");
	ok(buf_append(&b, "12345678", 8) == 0, "filling up to the cap works");
	is_int(b.len, 16, "length is exactly the cap");
	ok(buf_putc(&b, 'x') == -1, "one byte past the cap fails");
	buf_reset(&b);
	is_int(b.len, 0, "reset empties the buffer");
	buf_free(&b);

	buf_init(&b, 1 << 20);
	for (i = 0; i < 10000; i++)
		if (buf_putc(&b, 'a' + (int)(i % 26)) == -1)
			break;
	is_int(b.len, 10000, "many small appends grow the buffer");
	buf_truncate(&b, 3);
	is_str(b.data, "abc", "truncate shortens");
	buf_reset(&b);
	ok(buf_json_str(&b, "a\"b\\c\n\x01", 7) == 0, "json string appends");
	is_str(b.data, "\"a\\\"b\\\\c\\u000a\\u0001\"",
	    "json escapes quotes, backslashes and controls");
	buf_free(&b);

	is_str(str_sanitize("a\r\nb", 4, out, sizeof(out)), "a??b",
	    "sanitize replaces CR and LF");
	is_str(str_sanitize("x;y=\"z\"", 7, out, sizeof(out)), "x?y=?z?",
	    "sanitize replaces field separators and quotes");
	is_str(str_sanitize("n\0ul", 4, out, sizeof(out)), "n?ul",
	    "sanitize replaces NUL");
	is_str(str_sanitize("\xc3\xa9t\xe9", 4, out, sizeof(out)), "??t?",
	    "sanitize replaces 8-bit bytes");
	is_str(str_sanitize("0123456789abcdefghij", 20, out, sizeof(out)),
	    "0123456789ab...", "sanitize cuts long text with an ellipsis");
	ok(strlen(out) == sizeof(out) - 1, "cut text fills the buffer exactly");
	is_int(log_level_parse("debug"), LOG_LVL_DEBUG, "level names parse");
	is_int(log_level_parse("loud"), -1, "unknown level names are refused");
	return tap_done();
}
