/*
 * test_ipmap_csv.c - unit tests of the map source reader (csv.c: RFC 4180
 * quoting, comments, line numbers, errors and recovery) and of the
 * SHA-256 that fingerprints the source (FIPS 180-4 test vectors).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "sha256.h"
#include "tap.h"

/* Hash text with sha256 and compare with hex. */
static int
sha_is(const void *p, size_t len, const char *hex)
{
	struct sha256	 s;
	char		 out[SHA256_HEXLEN];

	sha256_init(&s);
	sha256_update(&s, p, len);
	sha256_hex(&s, out);
	return strcmp(out, hex) == 0;
}

/* Tap for csv_open(): count the bytes seen. */
static void
count_tap(void *arg, const void *p, size_t len)
{
	(void)p;
	*(size_t *)arg += len;
}

int
main(void)
{
	static const char text[] =
	    "# comment, with \"quotes\"\n"
	    "a,b,c\r\n"
	    "\n"
	    "1,\"two, with comma\",\"say \"\"hi\"\"\"\n"
	    "x,\"multi\nline\",z\n"
	    ",,\n"
	    "bad\"quote,2,3\n"
	    "\"closed\"junk,2,3\n"
	    "after,the,errors\n"
	    "\"unterminated,1\n";
	struct csv_record r;
	struct sha256	 s;
	char		 big[1000], out[SHA256_HEXLEN];
	size_t		 i, seen = 0;
	FILE		*fp;
	csv_t		*c;

	tap_plan(0);
	(void)tap_skip_all;
	fp = fmemopen((void *)(uintptr_t)text, sizeof(text) - 1, "r");
	c = csv_open(fp, count_tap, &seen);
	ok(c != NULL, "reader opens");

	is_int(csv_read(c, &r), 1, "header record");
	ok(r.nfields == 3 && strcmp(r.field[0], "a") == 0 &&
	    strcmp(r.field[2], "c") == 0, "header fields, CRLF removed");
	is_int(r.line, 2, "the comment line is skipped, header on line 2");

	is_int(csv_read(c, &r), 1, "quoted record");
	is_int(r.line, 4, "the blank line is skipped");
	is_str(r.field[1], "two, with comma", "comma inside quotes");
	is_str(r.field[2], "say \"hi\"", "doubled quotes");
	is_int(r.len[2], 8, "field length");

	is_int(csv_read(c, &r), 1, "multi-line record");
	is_str(r.field[1], "multi\nline", "newline inside quotes");
	is_int(r.line, 5, "record starts on line 5");

	is_int(csv_read(c, &r), 1, "empty fields");
	ok(r.nfields == 3 && r.len[0] == 0 && r.len[2] == 0,
	    "three empty fields");
	is_int(r.line, 7, "line 7");

	is_int(csv_read(c, &r), -1, "quote inside an unquoted field");
	is_int(csv_errline(c), 8, "error on line 8");
	is_str(csv_error(c), "quote inside an unquoted field", "says why");
	is_int(csv_read(c, &r), -1, "text after a closing quote");
	is_int(csv_errline(c), 9, "error on line 9");
	is_int(csv_read(c, &r), 1, "reading goes on after errors");
	ok(r.line == 10 && strcmp(r.field[2], "errors") == 0, "line 10 read");
	is_int(csv_read(c, &r), -1, "unterminated quote at the end");
	is_str(csv_error(c), "unterminated quoted field", "says why");
	is_int(csv_read(c, &r), 0, "then the end");
	is_int(seen, sizeof(text) - 1, "the tap saw every byte");
	csv_close(c);
	fclose(fp);

	/* A record too long. */
	fp = tmpfile();
	for (i = 0; i < sizeof(big); i++)
		big[i] = 'x';
	for (i = 0; i < CSV_MAX_RECORD / sizeof(big) + 2; i++)
		fwrite(big, 1, sizeof(big), fp);
	fputs("\nok,1\n", fp);
	rewind(fp);
	c = csv_open(fp, NULL, NULL);
	is_int(csv_read(c, &r), -1, "a record past CSV_MAX_RECORD fails");
	is_str(csv_error(c), "record too long", "says why");
	is_int(csv_read(c, &r), 1, "the next line reads");
	is_str(r.field[0], "ok", "and is right");
	csv_close(c);
	fclose(fp);

	/* Overlong UTF-8 and a lone continuation byte. */
	fp = fmemopen((void *)(uintptr_t)"\xc0\xaf\n\x80\nh\xc3\xa9\n", 9,
	    "r");
	c = csv_open(fp, NULL, NULL);
	is_int(csv_read(c, &r), -1, "overlong UTF-8 refused");
	is_int(csv_read(c, &r), -1, "lone continuation byte refused");
	is_int(csv_read(c, &r), 1, "valid UTF-8 accepted");
	is_str(r.field[0], "h\xc3\xa9", "and kept");
	csv_close(c);
	fclose(fp);

	/* SHA-256 (FIPS 180-4 examples). */
	ok(sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49"
	    "5991b7852b855"), "SHA-256 of nothing");
	ok(sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	    "b410ff61f20015ad"), "SHA-256 of abc");
	ok(sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419"
	    "db06c1"), "SHA-256 of the two-block message");
	sha256_init(&s);
	memset(big, 'a', sizeof(big));
	for (i = 0; i < 1000; i++)
		sha256_update(&s, big, sizeof(big));
	sha256_hex(&s, out);
	is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39cc"
	    "c7112cd0", "SHA-256 of a million a, in pieces");
	return tap_done();
}
