/*
 * test_ipmap_concurrent.c - reader threads look up continuously while
 * `abuse-map load` replaces the map many times.  There must be no error,
 * and every answer must be exactly the answer of the map whose serial it
 * carries (odd serials are source A, even ones source B), never a mix.
 * Span lookups (ipmap_lookup_span) run alongside: all the instants of one
 * answer from one map.
 */
#include "config.h"

#include <sys/wait.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipaddr.h"
#include "ipmap.h"
#include "tap.h"

#define NPFX		256
#define NTHREADS	4
#define NLOADS		30

static ipmap_t *map;
static int stop;	/* atomic */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total, errors, wrong;
static uint64_t max_serial_seen;	/* atomic */
static int serials_seen;

/* The answer source s (0: A, 1: B) gives for 10.0.k.1. */
static void
expect(int s, int k, int *status, char *cust, size_t size)
{
	*status = IPMAP_FOUND;
	if (s == 0)
		snprintf(cust, size, "a%d", k);
	else if (k % 2 == 0)
		snprintf(cust, size, "b%d", k);
	else
		snprintf(cust, size, "bwide");	/* also over expired /24s */
}

/* Write source s (0: A, 1: B) to path. */
static int
write_source(const char *path, int s)
{
	FILE	*fp;
	int	 k;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "prefix,customer,address,valid_from,valid_until\n");
	if (s == 1)
		fprintf(fp, "10.0.0.0/16,bwide,wide@b.example,,\n");
	for (k = 0; k < NPFX; k++) {
		if (s == 0)
			fprintf(fp, "10.0.%d.0/24,a%d,abuse@a%d.example,,\n", k,
			    k, k);
		else if (k % 2 == 0)
			fprintf(fp, "10.0.%d.0/24,b%d,abuse@b%d.example,,\n", k,
			    k, k);
		else if (k % 3 == 0)	/* expired: bwide answers */
			fprintf(fp, "10.0.%d.0/24,gone,x@example.com,,"
			    "2000-01-01T00:00:00Z\n", k);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/*
 * Check a span lookup of 10.0.k.1 from 1999 to the lookup time: every
 * holder from the map of its serial, the last one the answer at the end.
 * Returns 0, 1 on a wrong answer, -1 on an error.
 */
static int
check_span(const struct ipaddr *ip, int k)
{
	struct ipmap_holders h;
	char		 want[32];
	size_t		 i;
	int		 st, wst;

	st = ipmap_lookup_span(map, ip, 915148800, 1700000000, IPMAP_NO_PORT,
	    &h);
	if (st == IPMAP_ERROR)
		return -1;
	expect(h.serial % 2 ? 0 : 1, k, &wst, want, sizeof(want));
	if (st != wst || h.n == 0 || h.gap || h.ambiguous ||
	    strcmp(h.holder[h.n - 1].customer, want) != 0)
		return 1;
	if (h.n != (h.serial % 2 == 0 && k % 2 == 1 && k % 3 == 0 ? 2u : 1u))
		return 1;	/* only "gone", before 2000, adds one */
	for (i = 0; i < h.n; i++)
		if (h.holder[i].serial != h.serial)
			return 1;
	return 0;
}

/* Look up continuously and check every answer. */
static void *
reader(void *arg)
{
	struct ipmap_result r;
	struct ipaddr	 ip;
	char		 want[32];
	long		 n = 0, err = 0, bad = 0;
	uint64_t	 last = 0, maxs = 0;
	int		 k = (int)(intptr_t)arg, st, wst, changes = 0;

	memset(&ip, 0, sizeof(ip));
	ip.family = IPADDR_V4;
	ip.a[0] = 10;
	ip.a[3] = 1;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		k = (k + 7) % NPFX;
		ip.a[2] = (uint8_t)k;
		memset(&r, 0, sizeof(r));
		st = ipmap_lookup(map, &ip, 1700000000, IPMAP_NO_PORT, &r);
		n++;
		if (st == IPMAP_ERROR) {
			err++;
			continue;
		}
		if (st != IPMAP_FOUND) {
			if (bad++ < 3)
				diag("10.0.%d.1: status %d", k, st);
			continue;
		}
		if (r.serial != last) {
			changes++;
			last = r.serial;
		}
		if (r.serial > maxs) {
			maxs = r.serial;
			if (maxs > __atomic_load_n(&max_serial_seen,
			    __ATOMIC_RELAXED))
				__atomic_store_n(&max_serial_seen, maxs,
				    __ATOMIC_RELAXED);
		}
		expect(r.serial % 2 ? 0 : 1, k, &wst, want, sizeof(want));
		if (st != wst || strcmp(r.customer, want) != 0) {
			if (bad++ < 3)
				diag("10.0.%d.1: serial %llu: got %d %s, "
				    "want %d %s", k,
				    (unsigned long long)r.serial, st,
				    r.customer, wst, want);
		}
		if (n % 4 == 0 && (st = check_span(&ip, k)) != 0) {
			if (st == -1)
				err++;
			else if (bad++ < 3)
				diag("10.0.%d.1: a wrong span answer", k);
		}
	}
	pthread_mutex_lock(&mu);
	total += n;
	errors += err;
	wrong += bad;
	serials_seen += changes;
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* Run abuse-map load quietly; its exit status. */
static int
load(const char *tool, const char *dir, const char *csv)
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl(tool, "abuse-map", "load", "-q", "-m", dir, csv,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
main(void)
{
	pthread_t	 th[NTHREADS];
	const char	*bd = getenv("top_builddir"), *tmp = getenv("TMPDIR");
	char		 tool[512], dir[256], mapdir[300], a[300], b[300];
	char		 err[256], cmd[400];
	int		 i, failed = 0;

	if (bd == NULL)
		tap_skip_all("top_builddir is not set (run under make check)");
	snprintf(tool, sizeof(tool), "%s/tools/abuse-map", bd);
	if (access(tool, X_OK) == -1)
		tap_skip_all("tools/abuse-map is not built");
	tap_plan(6);
	snprintf(dir, sizeof(dir), "%s/test_conc.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	snprintf(mapdir, sizeof(mapdir), "%s/map", dir);
	snprintf(a, sizeof(a), "%s/a.csv", dir);
	snprintf(b, sizeof(b), "%s/b.csv", dir);
	ok(write_source(a, 0) == 0 && write_source(b, 1) == 0 &&
	    load(tool, mapdir, a) == 0, "source A loaded as serial 1");
	map = ipmap_open(mapdir, err, sizeof(err));
	ok(map != NULL && ipmap_serial(map) == 1, "map open, serial 1");

	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, reader, (void *)(intptr_t)i);
	for (i = 0; i < NLOADS; i++) {
		/* Serial 2 + i: even is B, odd is A. */
		if (load(tool, mapdir, i % 2 == 0 ? b : a) != 0)
			failed++;
		usleep(20000);
	}
	/* Give the readers up to 20 s to reach the last map. */
	for (i = 0; i < 2000 && __atomic_load_n(&max_serial_seen,
	    __ATOMIC_RELAXED) < NLOADS + 1; i++)
		usleep(10000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);

	is_int(failed, 0, "%d loads while readers run all succeed", NLOADS);
	diag("%ld lookups, %d generation changes seen by readers, "
	    "highest serial %llu", total, serials_seen,
	    (unsigned long long)max_serial_seen);
	is_int(errors, 0, "no lookup error during the replacements");
	is_int(wrong, 0, "every answer is the old or the new map's, never a mix");
	ok(max_serial_seen == NLOADS + 1 && serials_seen >= NLOADS / 2,
	    "readers followed the replacements to the last map");
	ipmap_close(map);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
