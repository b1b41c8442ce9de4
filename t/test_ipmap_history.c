/*
 * test_ipmap_history.c - the map's history built from daily exports
 * (ipmap_build_file() with history, ipmap_history.c).
 *
 * A series of daily exports of a few hundred /24s under one /8 is made
 * here: each day some /24s change hands, are split into two /25s of
 * other customers, merged back, vanish or come back, and some customers
 * change their address; day 1 to 3 each carry one of every kind for
 * sure.  The exports are loaded in order, each at its day, and after
 * every load random lookups at random past and present times are
 * compared with a brute-force oracle over the series: at time t the
 * holder is the longest prefix of the export of the last day not after
 * t (the first export before the first day), with the address the
 * customer's latest export gives.
 * Then: a re-run of the last export changes nothing; an export of an
 * earlier day is refused; a broken export is refused with its count and
 * the map keeps serving, and loads with --force; retention drops what
 * was closed before it; the dump, loaded into a new directory, answers
 * as the map; and a generation installed from a copy answers exactly as
 * the original.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "tap.h"

#define NBLK		300	/* /24s: 10.0.0.0/24 .. */
#define NCUST		60
#define NDAY		6
#define DAY		86400
#define T0		1735689600	/* 2025-01-01, the first export */
#define NLOOKUP		20000

enum { NONE, WHOLE, SPLIT };

/* One /24 on one day. */
struct blk {
	int	 kind;
	int	 c24, clo, chi;		/* customers of /24, low and high /25 */
};

static struct blk day[NDAY][NBLK];
static int addrver[NDAY][NCUST];	/* the address each customer has */
static uint64_t seed = 20250101;
static char tmpdir[] = "/tmp/test_ipmap_history.XXXXXX";

/* A deterministic pseudo-random number. */
static uint32_t
rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(seed >> 33);
}

/* The export's time of day d. */
static int64_t
as_of(int d)
{
	return (int64_t)T0 + (int64_t)d * DAY;
}

/* Change block b of day d at random, or as kind says (-1: at random). */
static void
mutate(struct blk *k, int kind)
{
	int	 what = kind >= 0 ? kind : (int)(rnd() % 5);

	switch (what) {
	case 0:		/* reassignment */
		k->kind = WHOLE;
		k->c24 = (k->c24 + 1 + (int)(rnd() % (NCUST - 1))) % NCUST;
		break;
	case 1:		/* split */
		k->kind = SPLIT;
		k->clo = (int)(rnd() % NCUST);
		k->chi = (int)(rnd() % NCUST);
		break;
	case 2:		/* merge, or a whole /24 again */
		k->kind = WHOLE;
		k->c24 = (int)(rnd() % NCUST);
		break;
	case 3:		/* vanished */
		k->kind = NONE;
		break;
	default:	/* back, or untouched */
		if (k->kind == NONE) {
			k->kind = WHOLE;
			k->c24 = (int)(rnd() % NCUST);
		}
		break;
	}
}

/* Make the series: day 0 at random, then changes. */
static void
make_series(void)
{
	int	 d, b, c;

	for (b = 0; b < NBLK; b++) {
		day[0][b].kind = b % 7 == 6 ? SPLIT : WHOLE;
		day[0][b].c24 = (int)(rnd() % NCUST);
		day[0][b].clo = (int)(rnd() % NCUST);
		day[0][b].chi = (int)(rnd() % NCUST);
	}
	for (d = 1; d < NDAY; d++) {
		memcpy(day[d], day[d - 1], sizeof(day[d]));
		memcpy(addrver[d], addrver[d - 1], sizeof(addrver[d]));
		for (b = 0; b < NBLK; b++)
			if (rnd() % 100 < 6)
				mutate(&day[d][b], -1);
		for (c = 0; c < NCUST; c++)
			if (rnd() % 100 < 5)
				addrver[d][c]++;
	}
	/* Sure cases: 0 reassigned on day 1, 1 split on day 2, 6 (split
	 * on day 0) merged on day 3, 2 vanished on day 2, customer 0's
	 * address changed on day 3. */
	day[1][0].kind = WHOLE;
	day[1][0].c24 = (day[0][0].c24 + 1) % NCUST;
	for (d = 2; d < NDAY; d++) {
		day[d][1].kind = SPLIT;
		day[d][1].clo = 1;
		day[d][1].chi = 2;
		day[d][2].kind = NONE;
	}
	for (d = 3; d < NDAY; d++) {
		day[d][6].kind = WHOLE;
		day[d][6].c24 = 3;
		addrver[d][0] = addrver[2][0] + 1;
	}
}

/* Write one row. */
static void
row(FILE *fp, int b, int plen, int c, int d)
{
	fprintf(fp, "10.%d.%d.%d/%d,c%d,abuse+%d@c%d.example\n", b / 256,
	    b % 256, plen == 25 && c < 0 ? 128 : 0, plen, c < 0 ? -c - 1 : c,
	    addrver[d][c < 0 ? -c - 1 : c], c < 0 ? -c - 1 : c);
}

/* Write the export of day d to path; the cover 10/8 is c0 always. */
static void
write_export(const char *path, int d)
{
	FILE	*fp = fopen(path, "w");
	int	 b;

	if (fp == NULL)
		exit(1);
	fprintf(fp, "prefix,customer,address\n");
	fprintf(fp, "10.0.0.0/8,c0,abuse+%d@c0.example\n", addrver[d][0]);
	for (b = 0; b < NBLK; b++) {
		if (day[d][b].kind == WHOLE)
			row(fp, b, 24, day[d][b].c24, d);
		else if (day[d][b].kind == SPLIT) {
			row(fp, b, 25, day[d][b].clo, d);
			row(fp, b, 25, -day[d][b].chi - 1, d);
		}
	}
	fclose(fp);
}

/* The customer's address after the loads of days 0..last. */
static int
latest_ver(int c, int last)
{
	int	 d, b;

	for (d = last; d > 0; d--) {
		if (c == 0)
			return addrver[d][0];	/* the cover names it */
		for (b = 0; b < NBLK; b++)
			if ((day[d][b].kind == WHOLE && day[d][b].c24 == c) ||
			    (day[d][b].kind == SPLIT && (day[d][b].clo == c ||
			    day[d][b].chi == c)))
				return addrver[d][c];
	}
	return addrver[0][c];
}

/*
 * The oracle after loading days 0..last: the holder of 10.0.b.host at t
 * (customer and prefix length).
 */
static void
oracle(int last, int b, int host, int64_t t, int *cust, int *plen)
{
	const struct blk *k;
	int	 d = 0;

	while (d < last && as_of(d + 1) <= t)
		d++;
	k = &day[d][b];
	*cust = 0;
	*plen = 8;
	if (k->kind == WHOLE) {
		*cust = k->c24;
		*plen = 24;
	} else if (k->kind == SPLIT) {
		*cust = host < 128 ? k->clo : k->chi;
		*plen = 25;
	}
}

/* A random instant around the series. */
static int64_t
random_time(void)
{
	int64_t	 t = as_of(-3) + (int64_t)(rnd() % ((NDAY + 6) * 24)) * 3600;

	switch (rnd() % 4) {
	case 0:
		return as_of((int)(rnd() % NDAY));	/* a boundary */
	case 1:
		return as_of((int)(rnd() % NDAY)) - 1;
	default:
		return t;
	}
}

/* Compare n random lookups in map with the oracle after day last. */
static int
check_oracle(ipmap_t *map, int last, int n, char *why, size_t whylen)
{
	struct ipmap_result r;
	struct ipaddr	 ip;
	char		 s[32], want[64];
	int		 i, b, host, cust, plen, rc;
	int64_t		 t;

	for (i = 0; i < n; i++) {
		b = (int)(rnd() % NBLK);
		host = (int)(rnd() % 256);
		t = random_time();
		snprintf(s, sizeof(s), "10.%d.%d.%d", b / 256, b % 256, host);
		ipaddr_parse(s, strlen(s), 0, &ip);
		oracle(last, b, host, t, &cust, &plen);
		snprintf(want, sizeof(want), "abuse+%d@c%d.example",
		    latest_ver(cust, last), cust);
		rc = ipmap_lookup(map, &ip, t, IPMAP_NO_PORT, &r);
		if (rc != IPMAP_FOUND || r.plen != plen ||
		    strcmp(r.address, want) != 0) {
			snprintf(why, whylen, "%s at %lld: got %d %s /%d, want "
			    "%s /%d", s, (long long)t, rc, rc == IPMAP_FOUND ?
			    r.address : "-", rc == IPMAP_FOUND ? r.plen : 0,
			    want, plen);
			return -1;
		}
	}
	return 0;
}

/* Load path into dir with history at as_of; the build's return. */
static int
hload(const char *dir, const char *path, int64_t when, int keep, int force,
    struct ipmap_build_result *res, buf_t *errs)
{
	struct ipmap_build_opts o;

	memset(&o, 0, sizeof(o));
	o.history = IPMAP_HIST_ON;
	o.as_of = when;
	o.keep_days = keep;
	o.max_close = force ? 100 : 0;
	buf_truncate(errs, 0);
	return ipmap_build_file(dir, path, &o, errs, res);
}

/* Every lookup of a grid answers alike in maps a and b. */
static int
same_answers(ipmap_t *a, ipmap_t *b)
{
	struct ipmap_result ra, rb;
	struct ipaddr	 ip;
	char		 s[64];
	int		 bl, host, d, x, y;

	for (bl = 0; bl < NBLK; bl++)
		for (host = 0; host < 256; host += 127)
			for (d = -1; d <= NDAY; d++) {
				snprintf(s, sizeof(s), "10.%d.%d.%d", bl / 256,
				    bl % 256, host);
				ipaddr_parse(s, strlen(s), 0, &ip);
				memset(&ra, 0, sizeof(ra));
				memset(&rb, 0, sizeof(rb));
				x = ipmap_lookup(a, &ip, as_of(d), -1, &ra);
				y = ipmap_lookup(b, &ip, as_of(d), -1, &rb);
				ra.serial = rb.serial = 0;
				if (x != y || memcmp(&ra, &rb,
				    sizeof(ra)) != 0)
					return 0;
			}
	return 1;
}

/* The whole dump of the map in dir, into out. */
static void
dump_of(const char *dir, buf_t *out)
{
	char	 err[256], *p = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&p, &len);
	ipmap_t	*map = ipmap_open(dir, err, sizeof(err));

	buf_truncate(out, 0);
	if (fp && map && ipmap_dump(map, fp, err, sizeof(err)) == 0)
		fflush(fp);
	if (fp)
		fclose(fp);
	if (p)
		buf_append(out, p, len);
	free(p);
	ipmap_close(map);
}

/* Load the series in order and check every load against the oracle. */
static void
test_series(const char *dir, char paths[][256])
{
	struct ipmap_build_result res;
	char		 why[512], err[256];
	buf_t		 errs;
	int		 d, rc, bad = 0;
	uint64_t	 closed = 0, opened = 0, contacts = 0;
	ipmap_t		*map;

	buf_init(&errs, 1 << 20);
	for (d = 0; d < NDAY; d++) {
		rc = hload(dir, paths[d], as_of(d), 0, 1, &res, &errs);
		if (!ok(rc == 0 && !res.unchanged, "day %d loads with history",
		    d))
			printf("# %s\n", errs.data ? errs.data : "");
		closed += res.hist.closed;
		opened += res.hist.opened;
		contacts += res.hist.contacts;
		map = ipmap_open(dir, err, sizeof(err));
		if (check_oracle(map, d, NLOOKUP / NDAY, why,
		    sizeof(why)) == -1) {
			printf("# %s\n", why);
			bad++;
		}
		ipmap_close(map);
	}
	ok(bad == 0, "every load answers the then-holder at past and "
	    "present times, as the oracle over the series");
	ok(closed > 0 && opened > 0 && contacts > 0, "the series closed "
	    "%llu, opened %llu, changed %llu contacts",
	    (unsigned long long)closed, (unsigned long long)opened,
	    (unsigned long long)contacts);
	buf_free(&errs);
}

/* The same export again changes nothing; an earlier one is refused. */
static void
test_rerun(const char *dir, char paths[][256])
{
	struct ipmap_build_result res;
	buf_t		 errs, before, after;
	char		 err[256];
	uint64_t	 serial;
	ipmap_t		*map;
	int		 rc;

	buf_init(&errs, 1 << 20);
	buf_init(&before, 1 << 24);
	buf_init(&after, 1 << 24);
	map = ipmap_open(dir, err, sizeof(err));
	serial = ipmap_serial(map);
	ipmap_close(map);
	dump_of(dir, &before);
	rc = hload(dir, paths[NDAY - 1], as_of(NDAY - 1) + 3600, 0, 0, &res,
	    &errs);
	dump_of(dir, &after);
	ok(rc == 0 && res.unchanged && res.serial == serial &&
	    res.hist.closed == 0 && res.hist.opened == 0 &&
	    before.len == after.len &&
	    memcmp(before.data, after.data, before.len) == 0,
	    "a re-run of the same export changes nothing (serial %llu)",
	    (unsigned long long)res.serial);
	rc = hload(dir, paths[NDAY - 2], as_of(NDAY - 2), 0, 1, &res, &errs);
	ok(rc == -1 && errs.data && strstr(errs.data, "before that of the "
	    "map in service") != NULL, "an export older than the map's is "
	    "refused");
	buf_free(&errs);
	buf_free(&before);
	buf_free(&after);
}

/* An export that closes too much is refused, then loads with force. */
static void
test_guard(const char *dir)
{
	struct ipmap_build_result res;
	struct ipmap_build_opts o;
	char		 path[512], err[256], want[128];
	buf_t		 errs;
	uint64_t	 serial;
	FILE		*fp;
	ipmap_t		*map;
	int		 rc, b, n = 0;

	buf_init(&errs, 1 << 20);
	/* The last export cut off after its first fifth, as a broken
	 * transfer leaves it. */
	snprintf(path, sizeof(path), "%s/broken.csv", tmpdir);
	fp = fopen(path, "w");
	fprintf(fp, "prefix,customer,address\n10.0.0.0/8,c0,"
	    "abuse+%d@c0.example\n", addrver[NDAY - 1][0]);
	for (b = 0; b < NBLK / 5; b++)
		if (day[NDAY - 1][b].kind == WHOLE)
			row(fp, b, 24, day[NDAY - 1][b].c24, NDAY - 1);
		else if (day[NDAY - 1][b].kind == SPLIT) {
			row(fp, b, 25, day[NDAY - 1][b].clo, NDAY - 1);
			row(fp, b, 25, -day[NDAY - 1][b].chi - 1, NDAY - 1);
		}
	fclose(fp);
	for (b = NBLK / 5; b < NBLK; b++)
		n += day[NDAY - 1][b].kind == WHOLE ? 1 :
		    day[NDAY - 1][b].kind == SPLIT ? 2 : 0;
	map = ipmap_open(dir, err, sizeof(err));
	serial = ipmap_serial(map);
	rc = hload(dir, path, as_of(NDAY), 0, 0, &res, &errs);
	snprintf(want, sizeof(want), "would close %d of the ", n);
	ok(rc == -1 && errs.data && strstr(errs.data, want) != NULL,
	    "a broken export is refused, saying it would close %d entries",
	    n);
	if (errs.data)
		printf("# %s", errs.data);
	ok(ipmap_serial(map) == serial && check_oracle(map, NDAY - 1, 2000,
	    err, sizeof(err)) == 0, "the map in service keeps serving");
	memset(&o, 0, sizeof(o));
	o.history = IPMAP_HIST_ON;
	o.as_of = as_of(NDAY);
	o.force = 1;
	buf_truncate(&errs, 0);
	rc = ipmap_build_file(dir, path, &o, &errs, &res);
	ok(rc == 0 && res.hist.closed == (uint64_t)n, "with force it loads "
	    "and closes them");
	ipmap_close(map);
	buf_free(&errs);
}

/* Entries closed more than keep days before as_of are dropped. */
static void
test_retention(const char *dir, char paths[][256])
{
	struct ipmap_build_result res;
	struct ipmap_result r;
	struct ipaddr	 ip;
	char		 err[256];
	buf_t		 errs;
	ipmap_t		*map;
	int		 rc, a, b;

	buf_init(&errs, 1 << 20);
	/* Block 0 was reassigned on day 1: its first holder was closed at
	 * as_of(1).  Keep 2 days at as_of(3): closed just 2 days ago, still
	 * there; at as_of(4) it is more than 2 days ago: dropped. */
	ipaddr_parse("10.0.0.1", 8, 0, &ip);
	rc = hload(dir, paths[0], as_of(0), 400, 1, &res, &errs);
	rc |= hload(dir, paths[1], as_of(1), 400, 1, &res, &errs);
	rc |= hload(dir, paths[3], as_of(3), 2, 1, &res, &errs);
	map = ipmap_open(dir, err, sizeof(err));
	a = ipmap_lookup(map, &ip, as_of(0), -1, &r) == IPMAP_FOUND &&
	    r.plen == 24;
	ipmap_close(map);
	rc |= hload(dir, paths[4], as_of(4), 2, 1, &res, &errs);
	map = ipmap_open(dir, err, sizeof(err));
	b = ipmap_lookup(map, &ip, as_of(0), -1, &r) == IPMAP_FOUND &&
	    r.plen == 8;
	ipmap_close(map);
	ok(rc == 0 && a && b && res.hist.expired > 0, "retention: a holder "
	    "closed within keep days stays, one closed before is dropped "
	    "(%llu expired)", (unsigned long long)res.hist.expired);
	buf_free(&errs);
}

/* The dump rebuilds the map; an installed copy answers as the original. */
static void
test_dump_install(const char *dir)
{
	struct ipmap_build_result res;
	struct ipmap_build_opts o;
	char		 dumpf[512], dir2[512], dir3[512], copy[512];
	char		 cmd[2048], err[256], name[64];
	buf_t		 errs, d1, d2;
	uint64_t	 serial;
	ipmap_t		*a, *b;
	FILE		*fp;
	int		 rc;

	buf_init(&errs, 1 << 20);
	buf_init(&d1, 1 << 24);
	buf_init(&d2, 1 << 24);
	snprintf(dumpf, sizeof(dumpf), "%s/dump.csv", tmpdir);
	snprintf(dir2, sizeof(dir2), "%s/rebuilt", tmpdir);
	snprintf(dir3, sizeof(dir3), "%s/mx", tmpdir);
	dump_of(dir, &d1);
	fp = fopen(dumpf, "w");
	fwrite(d1.data, 1, d1.len, fp);
	fclose(fp);
	memset(&o, 0, sizeof(o));
	o.history = IPMAP_HIST_ON;
	o.as_of = as_of(NDAY);
	rc = ipmap_build_file(dir2, dumpf, &o, &errs, &res);
	a = ipmap_open(dir, err, sizeof(err));
	b = ipmap_open(dir2, err, sizeof(err));
	dump_of(dir2, &d2);
	ok(rc == 0 && same_answers(a, b) && d1.len == d2.len &&
	    memcmp(d1.data, d2.data, d1.len) == 0, "the dump, loaded into "
	    "a new directory, keeps the history and answers as the map");
	ipmap_close(b);

	/* Copy the generation as scp would, and install the copy. */
	snprintf(name, sizeof(name), "map.%llu.mdb",
	    (unsigned long long)ipmap_serial(a));
	snprintf(copy, sizeof(copy), "%s/%s", tmpdir, name);
	snprintf(cmd, sizeof(cmd), "cp '%s/%s' '%s'", dir, name, copy);
	rc = system(cmd);
	buf_truncate(&errs, 0);
	rc |= ipmap_install(dir3, copy, &serial, &errs);
	b = ipmap_open(dir3, err, sizeof(err));
	dump_of(dir3, &d2);
	ok(rc == 0 && serial == ipmap_serial(a) && ipmap_serial(b) == serial &&
	    same_answers(a, b) && d1.len == d2.len &&
	    memcmp(d1.data, d2.data, d1.len) == 0, "an installed copy of the "
	    "generation answers exactly as the original, serial %llu",
	    (unsigned long long)serial);
	buf_truncate(&errs, 0);
	ok(ipmap_install(dir3, copy, &serial, &errs) == 1, "installing it "
	    "again does nothing");
	ipmap_close(b);

	/* A damaged copy is refused and the map keeps serving. */
	snprintf(cmd, sizeof(cmd), "head -c 20000 '%s/%s' > '%s'", dir, name,
	    copy);
	rc = system(cmd);
	buf_truncate(&errs, 0);
	rc = ipmap_install(dir3, copy, &serial, &errs);
	b = ipmap_open(dir3, err, sizeof(err));
	ok(rc == -1 && same_answers(a, b), "a truncated copy is refused, the "
	    "map in service is unchanged");
	ipmap_close(a);
	ipmap_close(b);
	buf_free(&errs);
	buf_free(&d1);
	buf_free(&d2);
}

int
main(void)
{
	static char	 paths[NDAY][256];
	char		 dir[512], dir2[512], cmd[600];
	int		 d;

	if (mkdtemp(tmpdir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	tap_plan(18);
	make_series();
	for (d = 0; d < NDAY; d++) {
		snprintf(paths[d], sizeof(paths[d]), "%s/day%d.csv", tmpdir,
		    d);
		write_export(paths[d], d);
	}
	snprintf(dir, sizeof(dir), "%s/map", tmpdir);
	snprintf(dir2, sizeof(dir2), "%s/kept", tmpdir);
	test_series(dir, paths);
	test_rerun(dir, paths);
	test_dump_install(dir);
	test_guard(dir);
	test_retention(dir2, paths);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
