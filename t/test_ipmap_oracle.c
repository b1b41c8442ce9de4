/*
 * test_ipmap_oracle.c - a random map of thousands of prefixes, random
 * lookups, and every answer compared with a brute-force scan of the
 * source rows written here independently of the library's flattening.
 * Then the map is dumped, the dump loaded into a second map directory,
 * and the two must give the same answers (load(dump(x)) == x).
 * Last, a second random map whose prefixes change hands many times, with
 * gaps and port splits, and random windows of time: every answer of
 * ipmap_lookup_span() is compared with the brute-force answer at every
 * instant where any row of the map starts or stops, and on each side of
 * it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "tap.h"
#include "timeparse.h"

#define NPREFIX		3000
#define NLOOKUP		40000
#define MAXROWS		(NPREFIX * 8)
#define NSPANPREFIX	1500
#define NSPAN		20000
#define NSPANTIME	12	/* instants where rows of the span map
				 * start or stop */

struct row {
	struct ipaddr	 net;
	int		 plen;
	int64_t		 from, until;	/* INT64_MIN: open */
	int		 plo, phi;	/* -1: no ports */
	char		 cust[32];
	char		 addr[64];
};

static struct row rows[MAXROWS];
static int nrows;
static uint64_t seed = 20240601;

/* A deterministic pseudo-random number. */
static uint32_t
rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(seed >> 33);
}

static const int64_t times[] = {
	1262304000,	/* 2010-01-01 */
	1420070400,	/* 2015-01-01 */
	1577836800,	/* 2020-01-01 */
	1735689600,	/* 2025-01-01 */
};

/* Clear the host bits of ip beyond plen. */
static void
mask(struct ipaddr *ip, int plen)
{
	int	 bits = ipaddr_bits(ip), i;

	for (i = plen; i < bits; i++)
		ip->a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* A random prefix in a small space, so that many of them nest. */
static void
random_prefix(struct ipaddr *ip, int *plen)
{
	int	 i;

	memset(ip, 0, sizeof(*ip));
	if (rnd() % 4) {
		ip->family = IPADDR_V4;
		ip->a[0] = 10;
		ip->a[1] = (uint8_t)(rnd() % 4);
		ip->a[2] = (uint8_t)(rnd() % 8);
		ip->a[3] = (uint8_t)rnd();
		*plen = rnd() % 200 == 0 ? 1 + (int)(rnd() % 8) :
		    8 + (int)(rnd() % 25);
	} else {
		ip->family = IPADDR_V6;
		ip->a[0] = 0x20;
		ip->a[1] = 0x01;
		ip->a[2] = 0x0d;
		ip->a[3] = 0xb8;
		ip->a[4] = (uint8_t)(rnd() % 4);
		ip->a[6] = (uint8_t)(rnd() % 4);
		for (i = 8; i < 16; i++)
			ip->a[i] = rnd() % 3 ? 0 : (uint8_t)rnd();
		*plen = rnd() % 200 == 0 ? 1 + (int)(rnd() % 32) :
		    32 + (int)(rnd() % 97);
	}
	mask(ip, *plen);
}

/* Add a row for prefix (ip, plen). */
static void
add_row(const struct ipaddr *ip, int plen, int64_t from, int64_t until,
    int plo, int phi, int cust)
{
	struct row *r = &rows[nrows++];

	r->net = *ip;
	r->plen = plen;
	r->from = from;
	r->until = until;
	r->plo = plo;
	r->phi = phi;
	snprintf(r->cust, sizeof(r->cust), "c%d", cust);
	snprintf(r->addr, sizeof(r->addr), "abuse@c%d.example", cust);
}

/* Non-zero if prefix (net, plen) was used already. */
static int
seen(const struct ipaddr *ip, int plen)
{
	int	 i;

	for (i = 0; i < nrows; i++)
		if (rows[i].plen == plen && ipaddr_cmp(&rows[i].net, ip) == 0)
			return 1;
	return 0;
}

/* Make the random source: conflict-free by construction. */
static void
make_rows(void)
{
	struct ipaddr	 ip;
	int		 plen, p, kind, k, cust;

	for (p = 0; p < NPREFIX; p++) {
		do
			random_prefix(&ip, &plen);
		while (seen(&ip, plen));
		cust = (int)(rnd() % 500);
		kind = (int)(rnd() % 10);
		if (kind < 5)
			add_row(&ip, plen, INT64_MIN, INT64_MIN, -1, -1, cust);
		else if (kind < 7) {
			/* Split in time, maybe with a hole. */
			int a = (int)(rnd() % 2), b = a + 1 + (int)(rnd() % 2);

			add_row(&ip, plen, INT64_MIN, times[a], -1, -1, cust);
			if (b < 4)
				add_row(&ip, plen, times[b], INT64_MIN, -1, -1,
				    cust + 1);
			if (b > a + 1)
				add_row(&ip, plen, times[a], times[b], -1, -1,
				    rnd() % 2 ? cust : cust + 2);
		} else if (kind < 9) {
			/* Port blocks, some customers twice, maybe a gap. */
			int lo = 1024, n = 2 + (int)(rnd() % 3);

			for (k = 0; k < n; k++) {
				int hi = lo + 1023;

				if (rnd() % 4)
					add_row(&ip, plen, INT64_MIN,
					    INT64_MIN, lo, hi,
					    rnd() % 3 ? cust + k : cust);
				lo = hi + 1;
			}
			if (rnd() % 2)
				add_row(&ip, plen, INT64_MIN, INT64_MIN,
				    9000, 9000, cust + 7);
		} else {
			/* Ports before a date, one customer after. */
			add_row(&ip, plen, INT64_MIN, times[1], 0, 32767,
			    cust);
			add_row(&ip, plen, INT64_MIN, times[1], 32768, 65535,
			    cust + 1);
			add_row(&ip, plen, times[2], INT64_MIN, -1, -1,
			    cust + 2);
		}
	}
}

/* Non-zero if prefix (net, plen) holds ip. */
static int
contains(const struct row *r, const struct ipaddr *ip)
{
	struct ipaddr	 m = *ip;

	if (r->net.family != ip->family)
		return 0;
	mask(&m, r->plen);
	return memcmp(m.a, r->net.a, 16) == 0;
}

/*
 * The expected answer by brute force: the longest prefix holding ip that
 * has a row valid at when (and holding port, if given); ambiguous if
 * those rows name more than one customer.  Among the nv rows of v.
 */
static int
oracle_among(const struct row *v, int nv, const struct ipaddr *ip,
    int64_t when, int port, const char **cust, int *plen,
    const struct row **hit)
{
	int	 i, best = -1, status = IPMAP_NOTFOUND;

	*cust = NULL;
	*hit = NULL;
	for (i = 0; i < nv; i++) {
		const struct row *r = &v[i];

		if (!contains(r, ip) || r->plen < best)
			continue;
		if (r->from != INT64_MIN && when < r->from)
			continue;
		if (r->until != INT64_MIN && when >= r->until)
			continue;
		if (port != -1 && r->plo != -1 && (port < r->plo ||
		    port > r->phi))
			continue;
		if (r->plen > best) {
			best = r->plen;
			*cust = r->cust;
			*hit = r;
			status = IPMAP_FOUND;
		} else if (strcmp(*cust, r->cust) != 0)
			status = IPMAP_AMBIGUOUS;
	}
	*plen = best;
	return status;
}

/* The expected answer by brute force over all the rows. */
static int
oracle(const struct ipaddr *ip, int64_t when, int port, const char **cust,
    int *plen, const struct row **hit)
{
	return oracle_among(rows, nrows, ip, when, port, cust, plen, hit);
}

/* Write the rows as CSV in a shuffled order. */
static int
write_source(const char *path)
{
	FILE	*fp;
	int	*order, i, j, t;
	char	 a[IPADDR_STRLEN], f[32], u[32];

	if ((fp = fopen(path, "w")) == NULL ||
	    (order = calloc((size_t)nrows, sizeof(*order))) == NULL)
		return -1;
	for (i = 0; i < nrows; i++)
		order[i] = i;
	for (i = nrows - 1; i > 0; i--) {
		j = (int)(rnd() % (uint32_t)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	fprintf(fp, "ports,valid_until,address,customer,prefix,valid_from\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[order[i]];

		ipaddr_format(&r->net, a, sizeof(a));
		f[0] = u[0] = '\0';
		if (r->from != INT64_MIN)
			time_format_rfc3339(r->from, f, sizeof(f));
		if (r->until != INT64_MIN)
			time_format_rfc3339(r->until, u, sizeof(u));
		if (r->plo == -1)
			fprintf(fp, ",");
		else
			fprintf(fp, "%d-%d,", r->plo, r->phi);
		fprintf(fp, "%s,\"%s\",%s,%s/%d,%s\n", u, r->addr, r->cust, a,
		    r->plen, f);
	}
	free(order);
	return fclose(fp) == 0 ? 0 : -1;
}

/* A random lookup address: mostly inside some prefix, near its edges. */
static void
random_addr(struct ipaddr *ip)
{
	const struct row *r = &rows[rnd() % (uint32_t)nrows];
	int	 bits, i, how = (int)(rnd() % 4);

	if (rnd() % 8 == 0) {
		/* Anywhere at all. */
		memset(ip, 0, sizeof(*ip));
		ip->family = rnd() % 2 ? IPADDR_V4 : IPADDR_V6;
		for (i = 0; i < (ip->family == IPADDR_V4 ? 4 : 16); i++)
			ip->a[i] = (uint8_t)rnd();
		return;
	}
	*ip = r->net;
	bits = ipaddr_bits(ip);
	for (i = r->plen; i < bits; i++) {
		int set = how == 0 ? 0 : how == 1 ? 1 : (int)(rnd() & 1);

		if (set)
			ip->a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
	if (rnd() % 8 == 0 && bits == 32)
		ip->a[3] ^= (uint8_t)(1 << (rnd() % 8));
}

static int64_t span_times[NSPANTIME];

/* Instant k of the span map, or an open end for k < 0 or past the last. */
static int64_t
span_time(int k)
{
	return k < 0 || k >= NSPANTIME ? INT64_MIN : span_times[k];
}

/*
 * Make the rows of the span map: each prefix is held in turn by a few
 * customers (some twice), with gaps, and some by port blocks for a while.
 */
static void
make_span_rows(void)
{
	struct ipaddr	 ip;
	int		 plen, p, k, n, cust, at, next, lo;

	nrows = 0;
	for (k = 0; k < NSPANTIME; k++)
		span_times[k] = 1400000000 + 1000 * (int64_t)k;
	for (p = 0; p < NSPANPREFIX; p++) {
		do
			random_prefix(&ip, &plen);
		while (seen(&ip, plen));
		cust = (int)(rnd() % 500);
		/* A timeline of segments [at, next), open at either end. */
		at = rnd() % 2 ? -1 : (int)(rnd() % 4);
		n = 1 + (int)(rnd() % 6);
		for (k = 0; k < n && at < NSPANTIME; k++, at = next) {
			next = at + 1 + (int)(rnd() % 4);
			if (k == n - 1 && rnd() % 2)
				next = NSPANTIME;	/* open end */
			if (rnd() % 5 == 0)
				continue;		/* a gap */
			if (rnd() % 6 == 0) {
				/* Port blocks for the segment. */
				for (lo = 1024; lo < 4096; lo += 1024)
					add_row(&ip, plen, span_time(at),
					    span_time(next), lo, lo + 1023,
					    cust + (int)(rnd() % 5));
				continue;
			}
			add_row(&ip, plen, span_time(at), span_time(next), -1,
			    -1, cust + (int)(rnd() % 5));
		}
	}
}

/* Order of int64_t values for qsort(). */
static int
cmp_i64(const void *x, const void *y)
{
	int64_t	 a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The brute-force holders of ip over [t0, t1], as ipmap_lookup_span():
 * the answer at t0, t1, and at each instant where any row of the map
 * starts or stops and on each side of it, in time order.  holder points
 * into a copy of the rows that hold ip, valid until the next call.
 */
static int
span_oracle(const struct ipaddr *ip, int64_t t0, int64_t t1, int port,
    const struct row **holder, int *n, int *more, int *gap, int *amb)
{
	static struct row sub[MAXROWS];
	const struct row *hit;
	const char	*cust;
	int64_t		 cand[3 * NSPANTIME + 2], t;
	int		 nc = 0, nsub = 0, i, j, d, st, plen;

	*n = *more = *gap = *amb = 0;
	for (i = 0; i < nrows; i++)
		if (contains(&rows[i], ip))
			sub[nsub++] = rows[i];
	cand[nc++] = t0;
	cand[nc++] = t1;
	for (i = 0; i < NSPANTIME; i++)
		for (d = -1; d <= 1; d++)
			cand[nc++] = span_times[i] + d;
	qsort(cand, (size_t)nc, sizeof(cand[0]), cmp_i64);
	for (i = 0; i < nc; i++) {
		t = cand[i];
		if ((i > 0 && t == cand[i - 1]) || t < t0 || t > t1)
			continue;
		st = oracle_among(sub, nsub, ip, t, port, &cust, &plen, &hit);
		if (st == IPMAP_NOTFOUND)
			*gap = 1;
		else if (st == IPMAP_AMBIGUOUS)
			*amb = 1;
		else {
			for (j = 0; j < *n; j++)
				if (strcmp(holder[j]->cust, cust) == 0)
					break;
			if (j < *n)
				holder[j] = hit;
			else if (*n < IPMAP_HOLDERS_MAX)
				holder[(*n)++] = hit;
			else
				*more = 1;
		}
	}
	if (*amb)
		return IPMAP_AMBIGUOUS;
	return *n > 0 ? IPMAP_FOUND : IPMAP_NOTFOUND;
}

/* A random instant for a window: near a row's edge, or anywhere. */
static int64_t
span_random_time(void)
{
	switch (rnd() % 6) {
	case 0:
		return INT64_MIN + 1;
	case 1:
		return INT64_MAX;
	case 2:
		return span_times[0] - 1 + (int64_t)(rnd() % (1000 *
		    NSPANTIME + 2));
	default:
		return span_times[rnd() % NSPANTIME] + (int64_t)(rnd() % 3) - 1;
	}
}

/*
 * Random windows over the span map in mapdir; the number of answers that
 * differ from span_oracle().
 */
static int
span_check(const char *mapdir, int *found, int *gaps, int *amb, int *more)
{
	static const int ports[] = { -1, -1, -1, 1024, 2047, 2048, 3072,
	    4096, 80 };
	const struct row *want[IPMAP_HOLDERS_MAX];
	struct ipmap_holders h;
	struct ipaddr	 ip;
	char		 err[512], a[IPADDR_STRLEN];
	ipmap_t		*map;
	int64_t		 t0, t1, t;
	int		 i, j, st, wst, wn, wmore, wgap, wamb, port, bad = 0;

	if ((map = ipmap_open(mapdir, err, sizeof(err))) == NULL)
		return NSPAN;
	for (i = 0; i < NSPAN; i++) {
		random_addr(&ip);
		t0 = span_random_time();
		t1 = rnd() % 8 == 0 ? t0 : span_random_time();
		if (t0 > t1) {
			t = t0;
			t0 = t1;
			t1 = t;
		}
		port = ports[rnd() % (sizeof(ports) / sizeof(ports[0]))];
		wst = span_oracle(&ip, t0, t1, port, want, &wn, &wmore, &wgap,
		    &wamb);
		st = ipmap_lookup_span(map, &ip, t0, t1, port, &h);
		*found += st == IPMAP_FOUND;
		*gaps += h.gap && h.n > 0;
		*amb += st == IPMAP_AMBIGUOUS;
		*more += h.more;
		for (j = 0; j < wn && (size_t)wn == h.n; j++)
			if (strcmp(h.holder[j].customer, want[j]->cust) != 0 ||
			    strcmp(h.holder[j].address, want[j]->addr) != 0 ||
			    h.holder[j].plen != want[j]->plen ||
			    h.holder[j].valid_from != want[j]->from ||
			    h.holder[j].valid_until != want[j]->until ||
			    h.holder[j].port_lo != want[j]->plo)
				break;
		if (st == wst && (size_t)wn == h.n && j == wn &&
		    h.more == wmore && h.gap == wgap && h.ambiguous == wamb)
			continue;
		if (bad++ < 10) {
			ipaddr_format(&ip, a, sizeof(a));
			diag("%s over [%lld, %lld] port %d: got %d, %zu "
			    "holders (%s...), gap %d, ambiguous %d; "
			    "want %d, %d holders (%s...), gap %d, "
			    "ambiguous %d", a,
			    (long long)t0, (long long)t1, port, st, h.n,
			    h.n ? h.holder[0].customer : "", h.gap,
			    h.ambiguous, wst, wn, wn ? want[0]->cust : "",
			    wgap, wamb);
		}
	}
	ipmap_close(map);
	return bad;
}

int
main(void)
{
	static const int ports[] = { -1, -1, -1, 0, 1023, 1024, 2047, 2048,
	    3072, 4095, 4096, 5119, 9000, 32767, 32768, 65535 };
	struct ipmap_build_opts opts;
	struct ipmap_build_result res;
	struct ipmap_result r, r2;
	struct ipaddr	 ip;
	char		 dir[256], mapdir[300], mapdir2[300], csv[300];
	char		 dump[300], err[512], a[IPADDR_STRLEN], cmd[600];
	const char	*tmp = getenv("TMPDIR"), *cust;
	const struct row *hit;
	buf_t		 errs;
	ipmap_t		*map, *map2;
	int		 i, st, bad = 0, bad2 = 0, found = 0, amb = 0;
	int		 gaps = 0, more = 0;
	int64_t		 when;
	FILE		*fp;

	tap_plan(0);
	snprintf(dir, sizeof(dir), "%s/test_oracle.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	snprintf(mapdir, sizeof(mapdir), "%s/map", dir);
	snprintf(mapdir2, sizeof(mapdir2), "%s/map2", dir);
	snprintf(csv, sizeof(csv), "%s/src.csv", dir);
	snprintf(dump, sizeof(dump), "%s/dump.csv", dir);

	make_rows();
	diag("%d rows over %d prefixes", nrows, NPREFIX);
	ok(write_source(csv) == 0, "random source written");
	buf_init(&errs, 1 << 20);
	/* Start with a map far too small: it must grow as it is written. */
	memset(&opts, 0, sizeof(opts));
	opts.mapsize = 32768;
	if (!ok(ipmap_build_file(mapdir, csv, &opts, &errs, &res) == 0,
	    "random source loads"))
		diag("%s", errs.data);
	ok(res.regrown > 0, "the map grew %d times to %zu bytes", res.regrown,
	    res.mapsize);
	map = ipmap_open(mapdir, err, sizeof(err));
	ok(map != NULL && ipmap_serial(map) == 1, "map opens");

	fp = fopen(dump, "w");
	ok(fp != NULL && ipmap_dump(map, fp, err, sizeof(err)) == 0,
	    "map dumps");
	if (fp)
		fclose(fp);
	buf_reset(&errs);
	if (!ok(ipmap_build_file(mapdir2, dump, NULL, &errs, NULL) == 0,
	    "the dump loads"))
		diag("%s", errs.data);
	map2 = ipmap_open(mapdir2, err, sizeof(err));
	ok(map2 != NULL && ipmap_serial(map2) == 1, "the second map opens");

	for (i = 0; i < NLOOKUP; i++) {
		int want, wplen, port;

		random_addr(&ip);
		when = times[rnd() % 4] + (int64_t)(rnd() % 3) - 1;
		port = ports[rnd() % (sizeof(ports) / sizeof(ports[0]))];
		want = oracle(&ip, when, port, &cust, &wplen, &hit);
		st = ipmap_lookup(map, &ip, when, port, &r);
		found += st == IPMAP_FOUND;
		amb += st == IPMAP_AMBIGUOUS;
		if (st != want || (st == IPMAP_FOUND &&
		    (strcmp(r.customer, cust) != 0 || r.plen != wplen))) {
			if (bad++ < 10) {
				ipaddr_format(&ip, a, sizeof(a));
				diag("%s at %lld port %d: got %d %s/%d, "
				    "want %d %s/%d", a, (long long)when, port,
				    st, st == IPMAP_FOUND ? r.customer : "-",
				    st == IPMAP_FOUND ? r.plen : -1, want,
				    cust ? cust : "-", wplen);
			}
		}
		if (map2 != NULL) {
			int st2 = ipmap_lookup(map2, &ip, when, port, &r2);

			if (st2 != st || (st == IPMAP_FOUND &&
			    (strcmp(r.customer, r2.customer) != 0 ||
			    strcmp(r.address, r2.address) != 0 ||
			    r.plen != r2.plen ||
			    r.valid_from != r2.valid_from ||
			    r.valid_until != r2.valid_until ||
			    r.port_lo != r2.port_lo)))
				bad2++;
		}
	}
	diag("%d found, %d ambiguous, %d not found", found, amb,
	    NLOOKUP - found - amb);
	is_int(bad, 0, "%d random lookups agree with the brute-force scan",
	    NLOOKUP);
	ok(found > NLOOKUP / 4 && amb > 10 && found + amb < NLOOKUP - 100,
	    "the lookups exercised hits, misses and ambiguous answers");
	is_int(bad2, 0, "the map loaded from the dump answers the same");

	ipmap_close(map);
	ipmap_close(map2);

	/* Windows of time over a map that changes hands often. */
	make_span_rows();
	diag("span map: %d rows over %d prefixes", nrows, NSPANPREFIX);
	snprintf(mapdir, sizeof(mapdir), "%s/spanmap", dir);
	buf_reset(&errs);
	ok(write_source(csv) == 0, "random span source written");
	if (!ok(ipmap_build_file(mapdir, csv, NULL, &errs, NULL) == 0,
	    "random span source loads"))
		diag("%s", errs.data);
	found = amb = 0;
	bad = span_check(mapdir, &found, &gaps, &amb, &more);
	diag("%d found (%d with a gap), %d ambiguous, %d with more holders "
	    "than fit", found, gaps, amb, more);
	is_int(bad, 0, "%d random windows agree with the brute-force scan at "
	    "every edge", NSPAN);
	ok(found > NSPAN / 4 && gaps > 100 && amb > 100 && more > 0 &&
	    found + amb < NSPAN - 100,
	    "the windows exercised holders, gaps, misses and ambiguity");
	buf_free(&errs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
