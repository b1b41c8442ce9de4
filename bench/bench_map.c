/*
 * bench_map.c - the IP map benchmark's helper; bench/map.sh drives it.
 *
 *	bench_map gen N FILE.csv [SEED]
 *		write a synthetic map source of N prefixes shaped like a
 *		routing table: 90% IPv4 (mostly /24, with /8../23 above
 *		them), 10% IPv6 /32../64, some with validity intervals and
 *		port splits.
 *	bench_map mdbinput N FILE
 *		write mdb_load(1) input of N records with keys and values
 *		of the sizes of a map source row.
 *	bench_map run CMD [ARG...]
 *		run a command, print "seconds S maxrss_kb K".
 *	bench_map lookup MAPDIR FILE.csv [SECONDS]
 *		random lookups, half hits and half misses, single thread;
 *		then span lookups (ipmap_lookup_span) of the same addresses
 *		over a window of SPAN_DAYS before the lookup time, which
 *		crosses the 2020-01-01 boundary of the rows split in time;
 *		then raw mdb_get of existing keys (of the address data) in
 *		the same environment; prints the rates and their ratios.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipaddr.h"
#include "ipmap.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64* */
static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Uniform in [0, n). */
static uint64_t
rndn(uint64_t n)
{
	return rnd() % n;
}

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A simple set of 64-bit values (open addressing, 0 reserved). */
struct set {
	uint64_t	*v;
	size_t		 size, n;
};

/* Insert x; 1 if new, 0 if it was there. */
static int
set_add(struct set *s, uint64_t x)
{
	size_t	 i;

	x++;				/* never 0 */
	if (s->n * 2 >= s->size) {
		struct set ns;
		size_t	 k;

		ns.size = s->size ? s->size * 2 : 1 << 16;
		ns.n = 0;
		if ((ns.v = calloc(ns.size, sizeof(*ns.v))) == NULL) {
			perror("calloc");
			exit(1);
		}
		for (k = 0; k < s->size; k++)
			if (s->v[k])
				set_add(&ns, s->v[k] - 1);
		free(s->v);
		*s = ns;
	}
	for (i = (x * 0x9e3779b97f4a7c15ULL) >> 20 & (s->size - 1); s->v[i];
	    i = (i + 1) & (s->size - 1))
		if (s->v[i] == x)
			return 0;
	s->v[i] = x;
	s->n++;
	return 1;
}

/* Write the rows of one prefix: plain, split in time, or by ports. */
static void
gen_rows(FILE *fp, const char *pfx, uint64_t id)
{
	unsigned r = (unsigned)rndn(100);

	if (r < 5) {
		fprintf(fp, "%s,c%" PRIu64 "a,noc@c%" PRIu64 "a.example,,"
		    "2020-01-01T00:00:00Z,\n", pfx, id, id);
		fprintf(fp, "%s,c%" PRIu64 "b,noc@c%" PRIu64 "b.example,"
		    "2020-01-01T00:00:00Z,,\n", pfx, id, id);
	} else if (r < 7) {
		fprintf(fp, "%s,c%" PRIu64 "a,noc@c%" PRIu64 "a.example,,,"
		    "1024-32767\n", pfx, id, id);
		fprintf(fp, "%s,c%" PRIu64 "b,noc@c%" PRIu64 "b.example,,,"
		    "32768-65535\n", pfx, id, id);
	} else
		fprintf(fp, "%s,c%" PRIu64 ",abuse@c%" PRIu64 ".example,,,\n",
		    pfx, id % 200000, id % 200000);
}

/* bench_map gen N FILE [SEED] */
static int
cmd_gen(uint64_t n, const char *path, uint64_t seed)
{
	struct set	 s4 = { 0 }, s6 = { 0 };
	FILE		*fp;
	uint64_t	 n4 = n * 9 / 10, n6 = n - n4, i, id = 0, a;
	char		 pfx[64];
	int		 plen;

	rng_state ^= seed * 0x2545f4914f6cdd1dULL;
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	fprintf(fp, "# synthetic map: %" PRIu64 " prefixes\n"
	    "prefix,customer,address,valid_from,valid_until,ports\n", n);
	for (i = 0; i < n4;) {
		/* 88% /24s, the rest /8../23 covering some of them: a
		 * few /8s, some /9../15, mostly /16../23. */
		unsigned r = (unsigned)rndn(100000);

		if (r < 88000)
			plen = 24;
		else if (r < 88002)
			plen = 8;
		else if (r < 88100)
			plen = 9 + (int)rndn(7);
		else
			plen = 16 + (int)rndn(8);
		a = (1 + rndn(223)) << 24 | rndn(1 << 24);
		a &= ~((1ULL << (32 - plen)) - 1) & 0xffffffffULL;
		if (!set_add(&s4, a << 6 | (uint64_t)plen))
			continue;
		if (snprintf(pfx, sizeof(pfx), "%u.%u.%u.%u/%d",
		    (unsigned)(a >> 24), (unsigned)(a >> 16 & 255),
		    (unsigned)(a >> 8 & 255), (unsigned)(a & 255), plen) >=
		    (int)sizeof(pfx))
			return 1;
		gen_rows(fp, pfx, id++);
		i++;
	}
	for (i = 0; i < n6;) {
		uint64_t hi;

		plen = 32 + 16 * (int)rndn(3);	/* /32, /48, /64 */
		/* 2001:0000::/16 .. with the first 32 bits from a small set
		 * so that /48s and /64s nest under /32s. */
		hi = (0x2001ULL << 48) | (rndn(4096) << 32);
		if (plen >= 48)
			hi |= rndn(65536) << 16;
		if (plen >= 64)
			hi |= rndn(65536);
		if (!set_add(&s6, (hi >> 8) << 8 | (uint64_t)plen))
			continue;
		if (snprintf(pfx, sizeof(pfx), "%x:%x:%x:%x::/%d",
		    (unsigned)(hi >> 48), (unsigned)(hi >> 32 & 0xffff),
		    (unsigned)(hi >> 16 & 0xffff), (unsigned)(hi & 0xffff),
		    plen) >= (int)sizeof(pfx))
			return 1;
		gen_rows(fp, pfx, id++);
		i++;
	}
	if (fclose(fp) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* bench_map mdbinput N FILE: mdb_load input, keys in order. */
static int
cmd_mdbinput(uint64_t n, const char *path)
{
	static const char hex[] = "0123456789abcdef";
	FILE		*fp;
	uint64_t	 i;
	unsigned char	 val[64];
	int		 k;

	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	fputs("VERSION=3\nformat=bytevalue\ntype=btree\nmapsize=17179869184\n"
	    "HEADER=END\n", fp);
	for (i = 0; i < n; i++) {
		/* Key: family byte and a 4-byte address, like a range key. */
		fprintf(fp, " 04%08" PRIx64 "\n ", i * 256 + 255);
		for (k = 0; k < (int)sizeof(val); k++)
			val[k] = (unsigned char)rnd();
		for (k = 0; k < (int)sizeof(val); k++) {
			fputc(hex[val[k] >> 4], fp);
			fputc(hex[val[k] & 15], fp);
		}
		fputc('\n', fp);
	}
	fputs("DATA=END\n", fp);
	return fclose(fp) == 0 ? 0 : 1;
}

/* bench_map run CMD...: time a command and its peak memory. */
static int
cmd_run(char **argv)
{
	struct rusage	 ru;
	double		 t0 = now(), t1;
	pid_t		 pid;
	int		 st;

	if ((pid = fork()) == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1 || getrusage(RUSAGE_CHILDREN, &ru)) {
		perror("wait");
		return 1;
	}
	t1 = now();
	printf("seconds %.3f maxrss_kb %ld status %d\n", t1 - t0,
	    ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* A prefix read back from the source, to aim lookups at. */
struct pfx {
	struct ipaddr	 net;
	int		 plen;
};

/* Random address inside p. */
static void
addr_in(const struct pfx *p, struct ipaddr *out)
{
	int	 bits = p->net.family == IPADDR_V4 ? 32 : 128, i;

	*out = p->net;
	for (i = p->plen; i < bits; i++)
		if (rnd() & 1)
			out->a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* Read the prefixes of a source (first column of each data row). */
static struct pfx *
read_prefixes(const char *path, size_t *np)
{
	FILE		*fp;
	char		 line[1024], *comma;
	struct pfx	*v = NULL;
	size_t		 n = 0, a = 0;
	const char	*why;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || strncmp(line, "prefix,", 7) == 0 ||
		    (comma = strchr(line, ',')) == NULL)
			continue;
		if (n == a) {
			a = a ? a * 2 : 65536;
			if ((v = realloc(v, a * sizeof(*v))) == NULL) {
				perror("realloc");
				exit(1);
			}
		}
		if (ipaddr_parse_prefix(line, (size_t)(comma - line),
		    &v[n].net, &v[n].plen, &why) == 0)
			n++;
	}
	fclose(fp);
	*np = n;
	return v;
}

#define NADDR	(1 << 20)
#define SPAN_DAYS	(5 * 365)	/* the window of the span lookups */

/* bench_map lookup MAPDIR FILE [SECONDS] */
static int
cmd_lookup(const char *dir, const char *csv, double secs)
{
	struct ipmap_result r;
	struct ipmap_holders h;
	struct ipaddr	*hits, *misses, *mix, ip;
	struct pfx	*pf;
	size_t		 npf, nh = 0, nm = 0, i, tries = 0;
	uint64_t	 count, found = 0, sink = 0, held = 0;
	double		 t0, t1, lrate, grate, srate;
	int64_t		 when = 1700000000;
	char		 err[256], path[PATH_MAX], name[256];
	ipmap_t		*map;
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_cursor	*cur;
	MDB_dbi		 dbi, dbi4, dbi6, *kdbi;
	MDB_val		 k, v, *keys;
	ssize_t		 ln;
	size_t		 nkeys = 0;
	int		 rc;

	if ((pf = read_prefixes(csv, &npf)) == NULL || npf == 0)
		return 1;
	if ((map = ipmap_open(dir, err, sizeof(err))) == NULL ||
	    ipmap_serial(map) == 0) {
		fprintf(stderr, "bench_map: %s: %s\n", dir, err);
		return 1;
	}
	hits = calloc(NADDR, sizeof(*hits));
	misses = calloc(NADDR, sizeof(*misses));
	mix = calloc(NADDR, sizeof(*mix));
	if (!hits || !misses || !mix)
		return 1;
	/* Classify candidates with the map itself (before timing). */
	while ((nh < NADDR / 2 || nm < NADDR / 2) && tries++ < 50 * NADDR) {
		memset(&ip, 0, sizeof(ip));
		if (rnd() & 1)
			addr_in(&pf[rndn(npf)], &ip);
		else if (rndn(10) < 9) {
			ip.family = IPADDR_V4;
			for (i = 0; i < 4; i++)
				ip.a[i] = (uint8_t)rnd();
		} else {
			ip.family = IPADDR_V6;
			ip.a[0] = 0x20;
			ip.a[1] = 0x01;
			for (i = 2; i < 16; i++)
				ip.a[i] = (uint8_t)rnd();
			ip.a[2] &= 0x0f;
		}
		rc = ipmap_lookup(map, &ip, when, IPMAP_NO_PORT, &r);
		if (rc == IPMAP_ERROR) {
			fprintf(stderr, "bench_map: lookup error\n");
			return 1;
		}
		if (rc == IPMAP_NOTFOUND) {
			if (nm < NADDR / 2)
				misses[nm++] = ip;
		} else if (nh < NADDR / 2)
			hits[nh++] = ip;
	}
	for (i = 0; i < NADDR; i++)
		mix[i] = (i & 1) ? misses[(i / 2) % nm] : hits[(i / 2) % nh];
	for (i = NADDR - 1; i > 0; i--) {
		size_t j = rndn(i + 1);

		ip = mix[i];
		mix[i] = mix[j];
		mix[j] = ip;
	}
	/* LPM lookups. */
	count = 0;
	t0 = now();
	do {
		for (i = 0; i < NADDR; i++) {
			rc = ipmap_lookup(map, &mix[i], when, IPMAP_NO_PORT,
			    &r);
			if (rc == IPMAP_ERROR)
				return 1;
			found += rc == IPMAP_FOUND;
		}
		count += NADDR;
		t1 = now();
	} while (t1 - t0 < secs);
	lrate = (double)count / (t1 - t0);
	printf("lookups %" PRIu64 " seconds %.3f lookups_per_s %.0f "
	    "found_share %.3f\n", count, t1 - t0, lrate,
	    (double)found / (double)count);
	/* Span lookups of the same addresses. */
	count = 0;
	t0 = now();
	do {
		for (i = 0; i < NADDR; i++) {
			rc = ipmap_lookup_span(map, &mix[i],
			    when - (int64_t)SPAN_DAYS * 86400, when,
			    IPMAP_NO_PORT, &h);
			if (rc == IPMAP_ERROR)
				return 1;
			held += h.n;
		}
		count += NADDR;
		t1 = now();
	} while (t1 - t0 < secs);
	srate = (double)count / (t1 - t0);
	printf("spans %" PRIu64 " seconds %.3f spans_per_s %.0f "
	    "holders_per_span %.3f span_cost_in_lookups %.2f\n", count,
	    t1 - t0, srate, (double)held / (double)count, lrate / srate);
	ipmap_close(map);

	/* Raw mdb_get of existing keys in the same environment. */
	if (snprintf(path, sizeof(path), "%s/current", dir) >=
	    (int)sizeof(path) ||
	    (ln = readlink(path, name, sizeof(name) - 1)) <= 0)
		return 1;
	name[ln] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return 1;
	if ((keys = calloc(NADDR, sizeof(*keys))) == NULL ||
	    (kdbi = calloc(NADDR, sizeof(*kdbi))) == NULL)
		return 1;
	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 2) ||
	    mdb_env_open(env, path, MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK |
	    MDB_NOTLS, 0) || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
	    mdb_dbi_open(txn, "ipv4", MDB_INTEGERKEY, &dbi4) ||
	    mdb_dbi_open(txn, "ipv6", 0, &dbi6))
		return 1;
	/* Every key of the data, or an evenly spread sample of them. */
	{
		MDB_stat s4, s6;
		size_t	 step, pos = 0, d;

		mdb_stat(txn, dbi4, &s4);
		mdb_stat(txn, dbi6, &s6);
		step = (s4.ms_entries + s6.ms_entries) / NADDR + 1;
		for (d = 0; d < 2; d++) {
			dbi = d ? dbi6 : dbi4;
			if (mdb_cursor_open(txn, dbi, &cur))
				return 1;
			for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
			    rc == 0 && nkeys < NADDR;
			    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
				if (pos++ % step == 0) {
					kdbi[nkeys] = dbi;
					keys[nkeys++] = k;
				}
			mdb_cursor_close(cur);
		}
	}
	for (i = nkeys - 1; i > 0; i--) {
		size_t j = rndn(i + 1);

		k = keys[i];
		keys[i] = keys[j];
		keys[j] = k;
		dbi = kdbi[i];
		kdbi[i] = kdbi[j];
		kdbi[j] = dbi;
	}
	count = 0;
	t0 = now();
	do {
		for (i = 0; i < NADDR; i++) {
			k = keys[i % nkeys];
			if (mdb_get(txn, kdbi[i % nkeys], &k, &v) != 0)
				return 1;
			sink += v.mv_size;
		}
		count += NADDR;
		t1 = now();
	} while (t1 - t0 < secs);
	grate = (double)count / (t1 - t0);
	printf("raw_gets %" PRIu64 " seconds %.3f gets_per_s %.0f (%zu keys, "
	    "sink %" PRIu64 ")\n", count, t1 - t0, grate, nkeys, sink);
	printf("lookup_cost_in_raw_gets %.2f\n", grate / lrate);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	free(keys);
	free(kdbi);
	free(hits);
	free(misses);
	free(mix);
	free(pf);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(strtoull(argv[2], NULL, 10), argv[3],
		    argc > 4 ? strtoull(argv[4], NULL, 10) : 1);
	if (argc == 4 && strcmp(argv[1], "mdbinput") == 0)
		return cmd_mdbinput(strtoull(argv[2], NULL, 10), argv[3]);
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return cmd_run(argv + 2);
	if (argc >= 4 && strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argv[2], argv[3],
		    argc > 4 ? atof(argv[4]) : 3.0);
	fprintf(stderr, "usage: bench_map gen N FILE [SEED] | mdbinput N FILE"
	    " | run CMD... | lookup MAPDIR FILE [SECONDS]\n");
	return 2;
}
