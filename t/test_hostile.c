/*
 * test_hostile.c - hostile input through the library, the way the milter
 * feeds it.
 *
 * The complaints of t/hostile/mkhostile.sh are decided twice: read whole
 * (complaint_raw, as the dry run does) and fed as the milter feeds them
 * (complaint_header per top-level field, then the body with CRLF line
 * ends in 64 KiB chunks, complaint_body); both must decide the same, as
 * t/hostile/expected.tsv allows.  A complaint that would route is kept
 * when the map is missing or cannot be read.  Untrusted strings that
 * could reach the X-Abuse-Route header or the log line (an IP, port or
 * customer text carrying CR, LF, ';', '"', NUL) come out of
 * str_sanitize() unable to forge a field.  Address forms that must never
 * be read (octal, short, integer, zone IDs, bad mapped) are refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "complaint.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "log.h"
#include "mime.h"
#include "rules.h"
#include "str.h"
#include "tap.h"

#define ARRIVAL		1773133200	/* 2026-03-10T09:00:00Z */
#define SCAN_LIMIT	(4 * 1024 * 1024)
#define CHUNK		65535		/* libmilter's body chunk */
#define SECONDS_MAX	20

static char	tmpdir[] = "/tmp/test_hostile.XXXXXX";

/* Read the whole file at path; NULL on error. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	buf_t	 b;
	char	 chunk[65536];
	size_t	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b, 64 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) == -1) {
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	fclose(fp);
	*len = b.len;
	return b.data;
}

struct feed {
	complaint_t	*c;
	int		 failed;
};

/* mime_split_headers callback: hand one top-level field over, as a C
 * string the way libmilter gives it (a NUL ends it). */
static int
feed_field(void *arg, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct feed	*f = arg;
	char		*n, *v;

	n = strndup(name, nlen);
	v = strndup(value, vlen);
	if (n == NULL || v == NULL || complaint_header(f->c, n, v) == -1)
		f->failed = 1;
	free(n);
	free(v);
	return 0;
}

/* Feed the body with CRLF line ends in CHUNK-byte pieces. */
static int
feed_body(complaint_t *c, const char *s, size_t len)
{
	buf_t	 b;
	size_t	 i, off, n;
	int	 rc = 0;

	buf_init(&b, 2 * len + 16);
	for (i = 0; i < len; i++)
		if ((s[i] == '\n' && buf_putc(&b, '\r') == -1) ||
		    buf_putc(&b, s[i]) == -1) {
			buf_free(&b);
			return -1;
		}
	for (off = 0; off < b.len && rc == 0; off += n) {
		n = b.len - off < CHUNK ? b.len - off : CHUNK;
		rc = complaint_body(c, b.data + off, n);
	}
	buf_free(&b);
	return rc;
}

/* Decide data read whole (milter == 0) or fed as the milter does; the
 * decision as JSON goes to out, the outcome ("route:C" / "keep:R") to
 * got.  Returns 0, or -1 on an internal failure. */
static int
decide(const rules_t *rules, ipmap_t *map, const char *data, size_t len,
    int milter, buf_t *out, char *got, size_t gotlen)
{
	struct feed	 f;
	struct decision	 d;
	size_t		 bodyoff = len;
	int		 rc = 0;

	if ((f.c = complaint_new(SCAN_LIMIT)) == NULL)
		return -1;
	f.failed = 0;
	if (!milter)
		rc = complaint_raw(f.c, data, len);
	else {
		mime_split_headers(data, len, 100000, feed_field, &f,
		    &bodyoff);
		if (f.failed ||
		    feed_body(f.c, data + bodyoff, len - bodyoff) == -1)
			rc = -1;
	}
	memset(&d, 0, sizeof(d));
	route_decide(rules, map, f.c, ARRIVAL, &d);
	if (d.action == ROUTE_ROUTE)
		snprintf(got, gotlen, "route:%s", d.customer);
	else
		snprintf(got, gotlen, "keep:%s", d.reason);
	if (decision_json(&d, "complaint", out) == -1)
		rc = -1;
	decision_clear(&d);
	complaint_free(f.c);
	return rc;
}

/* Is outcome got one of the '|'-separated outcomes in allowed? */
static int
allowed_has(const char *allowed, const char *got)
{
	size_t	 n = strlen(got);
	const char *p = allowed;

	while ((p = strstr(p, got)) != NULL) {
		if ((p == allowed || p[-1] == '|') &&
		    (p[n] == '\0' || p[n] == '|'))
			return 1;
		p += n;
	}
	return 0;
}

/* Every hostile complaint, read whole and fed as the milter does. */
static void
test_complaints(const char *srcdir, const rules_t *rules, ipmap_t *map)
{
	char	 path[4096], cmd[8192], line[1024], got1[128], got2[128];
	char	*data, *file, *allowed, *what, *save;
	buf_t	 j1, j2;
	FILE	*fp;
	size_t	 len;
	time_t	 t0;
	int	 r1, r2;

	snprintf(cmd, sizeof(cmd), "sh '%s/t/hostile/mkhostile.sh' '%s/in'",
	    srcdir, tmpdir);
	if (!ok(system(cmd) == 0, "mkhostile.sh writes the hostile complaints"))
		return;
	snprintf(path, sizeof(path), "%s/t/hostile/expected.tsv", srcdir);
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "read %s", path);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		file = strtok_r(line, "\t", &save);
		allowed = strtok_r(NULL, "\t", &save);
		what = strtok_r(NULL, "\t", &save);
		if (file == NULL || allowed == NULL || what == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/in/%s", tmpdir, file);
		if ((data = slurp(path, &len)) == NULL) {
			ok(0, "%s: read", file);
			continue;
		}
		buf_init(&j1, 1024 * 1024);
		buf_init(&j2, 1024 * 1024);
		t0 = time(NULL);
		r1 = decide(rules, map, data, len, 0, &j1, got1, sizeof(got1));
		r2 = decide(rules, map, data, len, 1, &j2, got2, sizeof(got2));
		ok(r1 == 0 && r2 == 0 && allowed_has(allowed, got1) &&
		    time(NULL) - t0 <= SECONDS_MAX,
		    "%s: %s, allowed %s (%s)", file, got1, allowed, what);
		if (!ok(strcmp(j1.data, j2.data) == 0,
		    "%s: fed as the milter feeds it, decided the same", file)) {
			diag("whole:  %.300s", j1.data);
			diag("milter: %.300s", j2.data);
		}
		buf_free(&j1);
		buf_free(&j2);
		free(data);
	}
	fclose(fp);
}

/* A routable complaint is kept when the map is missing or unreadable. */
static void
test_no_map(const char *srcdir, const rules_t *rules, ipmap_t *map)
{
	char	 path[4096], got[128];
	char	*data;
	buf_t	 j;
	size_t	 len;
	ipmap_t	*none;

	snprintf(path, sizeof(path), "%s/in/ip-mapped-good.eml", tmpdir);
	if ((data = slurp(path, &len)) == NULL) {
		ok(0, "read %s", path);
		return;
	}
	buf_init(&j, 1024 * 1024);
	decide(rules, map, data, len, 0, &j, got, sizeof(got));
	is_str(got, "route:H1", "with the map the complaint routes");
	buf_reset(&j);
	decide(rules, NULL, data, len, 0, &j, got, sizeof(got));
	ok(strncmp(got, "keep:", 5) == 0, "with no map handle it is kept (%s)",
	    got);
	snprintf(path, sizeof(path), "%s/nomap", tmpdir);
	if ((none = ipmap_open(path, NULL, 0)) != NULL) {
		buf_reset(&j);
		decide(rules, none, data, len, 0, &j, got, sizeof(got));
		is_str(got, "keep:map-error",
		    "with a map directory holding no map it is kept");
		ipmap_close(none);
	} else
		ok(0, "ipmap_open %s", path);
	buf_free(&j);
	free(data);
	(void)srcdir;
}

/* What str_sanitize() makes of text meant to forge a header field. */
static void
test_sanitize(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
		const char	*what;
	} t[] = {
#define S(x)	x, sizeof(x) - 1
		{ S("192.0.2.1\r\nBcc: victim@example.com"),
		  "192.0.2.1??Bcc: victim@example.com", "CR LF in an IP" },
		{ S("25; customer=H2"), "25? customer=H2", "';' in a port" },
		{ S("H1\"; to=<victim@example.com>"),
		  "H1?? to=<victim@example.com>", "quote and ';' in a customer" },
		{ S("H1\0; to=x"), "H1?? to=x", "NUL in the middle" },
		{ S("caf\xc3\xa9\x1b[31m"), "caf???[31m", "8-bit and ESC" },
		{ S("\n X-Injected: yes"), "? X-Injected: yes",
		  "a leading LF (folding)" },
#undef S
	};
	char	 out[64], small[12];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		str_sanitize(t[i].in, t[i].len, out, sizeof(out));
		is_str(out, t[i].want, "str_sanitize: %s", t[i].what);
		ok(strpbrk(out, "\r\n;\"") == NULL,
		    "str_sanitize: %s leaves no CR, LF, ';' or '\"'",
		    t[i].what);
	}
	str_sanitize("192.0.2.1\r\nBcc: victim@example.com", 33, small,
	    sizeof(small));
	ok(strlen(small) < sizeof(small) &&
	    strcmp(small + strlen(small) - 3, "...") == 0 &&
	    strpbrk(small, "\r\n") == NULL,
	    "str_sanitize: text that does not fit is cut with \"...\" (%s)",
	    small);
}

/* Address forms that must never be read as an address. */
static void
test_addresses(void)
{
	static const char *const bad[] = {
		"999.1.1.1", "1.2.3.4.5", "192.0.2.1.5", "::ffff:999.1.1.1",
		"fe80::1%eth0", "2001:db8::1%eth0", "2001:db8::1%25eth0",
		"010.1.1.1", "192.0.2.010", "0x7f.0.0.1", "0177.0.0.1",
		"2130706433", "127.1", "192.0.2", "192.0.2.1 ", " 192.0.2.1",
		"192.0.2.1/24", "::ffff:192.0.2.1:25", "1:2:3:4:5:6:7:8:9",
		"2001:db8:::1", "[2001:db8::1]", "\xd9\xa1\xd9\xa9\xd9\xa2.0.2.1",
		"192.0.2.1\n", "192\n.0.2.1",
	};
	struct ipaddr	 ip;
	char		 text[IPADDR_STRLEN];
	size_t		 i;
	int		 refused = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ipaddr_parse(bad[i], strlen(bad[i]), IPADDR_DEFANGED,
		    &ip) == 0) {
			ipaddr_format(&ip, text, sizeof(text));
			diag("\"%s\" read as %s", bad[i], text);
		} else
			refused++;
	}
	is_int(refused, sizeof(bad) / sizeof(bad[0]),
	    "every octal, short, integer, zone-ID, out-of-range and padded "
	    "address form is refused");
	ok(ipaddr_parse("192.0.2\0.1", 10, 0, &ip) == -1,
	    "an address with a NUL inside is refused");
	ok(ipaddr_parse("::ffff:192.0.2.1", 16, 0, &ip) == 0 &&
	    ip.family == IPADDR_V4 && ip.a[0] == 192 && ip.a[3] == 1,
	    "::ffff:192.0.2.1 is read as the IPv4 address 192.0.2.1");
}

int
main(void)
{
	const char		*srcdir;
	char			 path[4096], err[8192];
	struct ipmap_build_opts	 opts;
	buf_t			 errs;
	rules_t			*rules;
	ipmap_t			*map;

	if ((srcdir = getenv("top_srcdir")) == NULL)
		tap_skip_all("top_srcdir is not set (run under make check)");
	log_init("test_hostile", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	tap_plan(0);

	test_sanitize();
	test_addresses();

	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(path, sizeof(path), "%s/rules/abuse.rules", srcdir);
	rules = rules_load(path, err, sizeof(err));
	if (!ok(rules != NULL, "the shipped rules load"))
		diag("%s", err);
	memset(&opts, 0, sizeof(opts));
	buf_init(&errs, 65536);
	snprintf(err, sizeof(err), "%s/map", tmpdir);
	snprintf(path, sizeof(path), "%s/t/hostile/map.csv", srcdir);
	if (!ok(ipmap_build_file(err, path, &opts, &errs, NULL) == 0,
	    "the hostile test map builds"))
		diag("%s", errs.data);
	buf_free(&errs);
	map = ipmap_open(err, NULL, 0);
	if (rules != NULL && map != NULL) {
		test_complaints(srcdir, rules, map);
		test_no_map(srcdir, rules, map);
	}
	ipmap_close(map);
	rules_free(rules);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		diag("cannot remove %s", tmpdir);
	return tap_done();
}
