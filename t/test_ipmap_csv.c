/*
 * test_ipmap_csv.c - unit tests of the map source reader (csv.c: RFC 4180
 * quoting, comments, line numbers, errors and recovery, field limits,
 * records across read blocks) and of the SHA-256 that fingerprints the
 * source (FIPS 180-4 test vectors, SHA instructions against the portable
 * code).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "sha256.h"
#include "tap.h"

/*
 * Hash text with sha256 and compare with hex; with hw clear, on the
 * portable code even where the CPU has SHA instructions.
 */
static int
sha_is(const void *p, size_t len, const char *hex, int hw)
{
	struct sha256	 s;
	char		 out[SHA256_HEXLEN];

	sha256_init(&s);
	if (!hw)
		s.hw = 0;
	sha256_update(&s, p, len);
	sha256_hex(&s, out);
	return strcmp(out, hex) == 0;
}

/*
 * Hash len bytes of p in pieces of pseudo-random sizes (seed) the
 * default way, and in one piece on the portable code; 1 if they agree.
 */
static int
sha_agree(const unsigned char *p, size_t len, unsigned seed)
{
	struct sha256	 a, b;
	char		 ha[SHA256_HEXLEN], hb[SHA256_HEXLEN];
	size_t		 o, k;

	sha256_init(&a);
	sha256_init(&b);
	b.hw = 0;
	for (o = 0; o < len; o += k) {
		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 200;
		if (k > len - o)
			k = len - o;
		sha256_update(&a, p + o, k);
	}
	sha256_update(&b, p, len);
	sha256_hex(&a, ha);
	sha256_hex(&b, hb);
	return strcmp(ha, hb) == 0;
}

/*
 * Read text up to its end or its first bad record, the last record read
 * left in r: what the last csv_read() returned (1, or -1 with the reason
 * in why), or -2 if text cannot be opened.
 */
static int
read_all(const char *text, size_t len, struct csv_record *r, char *why,
    size_t whysize)
{
	FILE	*fp;
	csv_t	*c;
	int	 rc, last = 0;

	if ((fp = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL)
		return -2;
	c = csv_open(fp, NULL, NULL);
	while ((rc = csv_read(c, r)) != 0) {
		last = rc;
		if (rc == -1) {
			snprintf(why, whysize, "%s", csv_error(c));
			break;
		}
	}
	csv_close(c);
	fclose(fp);
	return last;
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
	static unsigned char rnd[100003];
	char		 big[1000], out[SHA256_HEXLEN];
	char		 line[2 * CSV_MAX_FIELDS + 8], why[64];
	size_t		 i, seen = 0;
	unsigned	 seed;
	int		 hw;
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

	/* As many fields as allowed, and one more. */
	memset(line, 0, sizeof(line));
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		memcpy(line + 2 * i, i + 1 < CSV_MAX_FIELDS ? "f," : "f\n", 2);
	is_int(read_all(line, strlen(line), &r, why, sizeof(why)), 1,
	    "%d fields read", CSV_MAX_FIELDS);
	is_int((int)r.nfields, CSV_MAX_FIELDS, "all of them");
	memcpy(line + 2 * CSV_MAX_FIELDS - 1, ",g\n", 3);
	is_int(read_all(line, strlen(line), &r, why, sizeof(why)), -1,
	    "%d fields refused", CSV_MAX_FIELDS + 1);
	is_str(why, "too many fields", "says why");

	/* Records across the edge of the 64 KB read block. */
	fp = tmpfile();
	for (i = 0; i < 3000; i++)
		fprintf(fp, "10.%zu.%zu.0/24,c%zu,abuse@c%zu.example%s\n",
		    i / 256, i % 256, i, i, i % 7 ? "" : ",\"q\"");
	rewind(fp);
	c = csv_open(fp, NULL, NULL);
	for (i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), "c%zu", i);
		if (csv_read(c, &r) != 1 || r.line != i + 1 ||
		    r.nfields != (i % 7 ? 3u : 4u) ||
		    strcmp(r.field[1], line) != 0 ||
		    (i % 7 == 0 && strcmp(r.field[3], "q") != 0))
			break;
	}
	is_int((int)i, 3000, "3000 records over several blocks read right");
	is_int(csv_read(c, &r), 0, "then the end");
	csv_close(c);
	fclose(fp);

	/* SHA-256 (FIPS 180-4 examples), on SHA instructions if the CPU
	 * has them and on the portable code. */
	for (hw = 1; hw >= 0; hw--) {
		const char *how = hw ? "default" : "portable";

		ok(sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b9"
		    "34ca495991b7852b855", hw), "SHA-256 of nothing (%s)", how);
		ok(sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396"
		    "177a9cb410ff61f20015ad", hw), "SHA-256 of abc (%s)", how);
		ok(sha_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
		    "nopq", 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2"
		    "167f6ecedd419db06c1", hw),
		    "SHA-256 of the two-block message (%s)", how);
		sha256_init(&s);
		if (!hw)
			s.hw = 0;
		memset(big, 'a', sizeof(big));
		for (i = 0; i < 1000; i++)
			sha256_update(&s, big, sizeof(big));
		sha256_hex(&s, out);
		is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e04"
		    "6d39ccc7112cd0", "SHA-256 of a million a, in pieces (%s)",
		    how);
	}
	for (i = 0, seed = 1; i < sizeof(rnd); i++) {
		seed = seed * 1103515245u + 12345u;
		rnd[i] = (unsigned char)(seed >> 16);
	}
	for (i = 0; i <= 300; i++)
		if (!sha_agree(rnd, i, (unsigned)i))
			break;
	is_int((int)i, 301, "SHA-256 of 0 to 300 bytes, default and portable "
	    "agree");
	ok(sha_agree(rnd, sizeof(rnd), 7), "SHA-256 of %zu bytes in pieces, "
	    "default and portable agree", sizeof(rnd));
	return tap_done();
}
