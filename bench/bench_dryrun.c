/*
 * bench_dryrun.c - dry-run decisions per second on one core.
 *
 *	bench_dryrun -r RULES -m MAPDIR [-n ROUNDS] FILE...
 *
 * Reads every FILE into memory once, then decides them ROUNDS times
 * (default 2000) in one thread the way the dry run does (a complaint is
 * built from the raw bytes, route_decide(), the JSON line), and prints
 * "decisions N seconds S per_second R us_per_decision U" (wall clock)
 * and the same on the thread's CPU clock (steady on a loaded machine),
 * plus the routes and keeps of one round.  File reading is not timed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dryrun.h"
#include "ipmap.h"
#include "rules.h"

struct file {
	char	*name;
	char	*data;
	size_t	 len;
};

/* Read a whole file; 0 or -1. */
static int
slurp(const char *path, struct file *f)
{
	FILE	*fp;
	buf_t	 b;
	char	 chunk[65536];
	size_t	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	buf_init(&b, 64 * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) == -1)
			break;
	fclose(fp);
	f->name = strdup(path);
	f->len = b.len;
	if ((f->data = malloc(b.len + 1)) == NULL || f->name == NULL) {
		buf_free(&b);
		return -1;
	}
	memcpy(f->data, b.data, b.len);
	buf_free(&b);
	return 0;
}

/* Seconds on clock id. */
static double
now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	const char	*rpath = NULL, *mdir = NULL;
	char		 err[8192];
	rules_t		*rules;
	ipmap_t		*map;
	struct file	*files;
	buf_t		 out;
	long		 rounds = 2000, r;
	int		 ch, i, nf, routes = 0;
	double		 t0, t1, c0, c1;
	unsigned long	 n = 0;

	while ((ch = getopt(argc, argv, "m:n:r:")) != -1) {
		switch (ch) {
		case 'm':
			mdir = optarg;
			break;
		case 'n':
			rounds = strtol(optarg, NULL, 10);
			break;
		case 'r':
			rpath = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (rpath == NULL || mdir == NULL || argc == 0 || rounds < 1)
		goto usage;
	if ((rules = rules_load(rpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		return 1;
	}
	if ((map = ipmap_open(mdir, err, sizeof(err))) == NULL ||
	    ipmap_serial(map) == 0) {
		fprintf(stderr, "bench_dryrun: %s: no map\n", mdir);
		return 1;
	}
	nf = argc;
	if ((files = calloc((size_t)nf, sizeof(*files))) == NULL)
		return 1;
	for (i = 0; i < nf; i++)
		if (slurp(argv[i], &files[i]) == -1) {
			fprintf(stderr, "bench_dryrun: cannot read %s\n",
			    argv[i]);
			return 1;
		}
	buf_init(&out, 16 * 1024 * 1024);
	/* one round to warm up and count the routes */
	for (i = 0; i < nf; i++) {
		buf_reset(&out);
		(void)dryrun_buffer(rules, map, 4 * 1024 * 1024, 1700000000,
		    NULL, NULL, files[i].name, files[i].data, files[i].len,
		    &out);
		if (strstr(out.data, "\"action\":\"route\"") != NULL)
			routes++;
	}
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_THREAD_CPUTIME_ID);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nf; i++) {
			buf_reset(&out);
			if (dryrun_buffer(rules, map, 4 * 1024 * 1024,
			    1700000000, NULL, NULL, files[i].name,
			    files[i].data, files[i].len, &out) == -1) {
				fprintf(stderr, "bench_dryrun: out of memory\n");
				return 1;
			}
			n++;
		}
	t1 = now(CLOCK_MONOTONIC);
	c1 = now(CLOCK_THREAD_CPUTIME_ID);
	printf("files %d routes %d keeps %d map_serial %llu\n", nf, routes,
	    nf - routes, (unsigned long long)ipmap_serial(map));
	printf("decisions %lu seconds %.3f per_second %.0f us_per_decision "
	    "%.1f\n", n, t1 - t0, (double)n / (t1 - t0),
	    (t1 - t0) * 1e6 / (double)n);
	printf("cpu_seconds %.3f per_cpu_second %.0f cpu_us_per_decision "
	    "%.1f\n", c1 - c0, (double)n / (c1 - c0),
	    (c1 - c0) * 1e6 / (double)n);
	buf_free(&out);
	for (i = 0; i < nf; i++) {
		free(files[i].name);
		free(files[i].data);
	}
	free(files);
	ipmap_close(map);
	rules_free(rules);
	return 0;
usage:
	fprintf(stderr, "usage: bench_dryrun -r rules -m mapdir [-n rounds] "
	    "file ...\n");
	return 2;
}
