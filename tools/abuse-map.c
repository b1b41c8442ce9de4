/*
 * abuse-map.c - build, query and inspect the IP map of abuse-milter.
 *
 *	abuse-map load [-q] [-m MAPDIR] [--allow-empty] [--max-errors N]
 *	    [--history | --no-history] [--as-of TIME] [--keep DAYS]
 *	    [--max-close PCT] [--force] FILE.csv
 *	abuse-map lookup [-m MAPDIR] [-t TIME | -w FROM..TO] [-p PORT] IP...
 *	abuse-map history [-m MAPDIR] [-p PORT] PREFIX|IP...
 *	abuse-map install [-q] [-m MAPDIR] FILE.mdb
 *	abuse-map dump [-m MAPDIR]
 *	abuse-map stat [-m MAPDIR]
 *
 * See abuse-map(8).  The work is done by the library (ipmap_build.h,
 * ipmap.h); this file only reads options and prints.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "log.h"
#include "str.h"
#include "timeparse.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define DEFAULT_MAPDIR	LOCALSTATEDIR "/lib/abuse-milter/map"

#define EX_OK_		0
#define EX_FAIL		1	/* errors in the source, failed lookups */
#define EX_USAGE_	2	/* bad command line */
#define EX_SYSTEM	3	/* the map directory could not be written */

static const char *progname = "abuse-map";

/* Print the usage summary and exit with status st. */
static void __attribute__((noreturn))
usage(int st)
{
	fprintf(st ? stderr : stdout,
	    "usage: %s load [-q] [-m mapdir] [--allow-empty] "
	    "[--max-errors n]\n"
	    "           [--history | --no-history] [--as-of time] "
	    "[--keep days]\n"
	    "           [--max-close pct] [--force] file.csv\n"
	    "       %s lookup [-m mapdir] [-t time | -w from..to] [-p port] "
	    "ip ...\n"
	    "       %s history [-m mapdir] [-p port] prefix|ip ...\n"
	    "       %s install [-q] [-m mapdir] map.serial.mdb\n"
	    "       %s dump [-m mapdir]\n"
	    "       %s stat [-m mapdir]\n"
	    "The map directory defaults to %s.\n",
	    progname, progname, progname, progname, progname, progname,
	    DEFAULT_MAPDIR);
	exit(st);
}

/* State of the progress bar. */
struct progress {
	int		 shown;
	int		 last_pct;
	enum ipmap_phase last_phase;
};

/* Draw a progress bar on the terminal. */
static void
progress_cb(void *arg, enum ipmap_phase phase, uint64_t done, uint64_t total)
{
	struct progress	*pr = arg;
	char		 bar[41];
	int		 pct, i;

	if (total == 0)
		return;
	pct = done >= total ? 100 : (int)(done * 100 / total);
	if (pr->shown && phase == pr->last_phase && pct == pr->last_pct)
		return;
	if (pr->shown && phase != pr->last_phase)
		fputc('\n', stderr);
	for (i = 0; i < 40; i++)
		bar[i] = i < pct * 40 / 100 ? '#' : ' ';
	bar[40] = '\0';
	fprintf(stderr, "\r%-8s [%s] %3d%%", phase == IPMAP_PHASE_READ ?
	    "reading" : "writing", bar, pct);
	fflush(stderr);
	pr->shown = 1;
	pr->last_pct = pct;
	pr->last_phase = phase;
}

/* The number in s, lo to hi, for option opt; a usage error if not one. */
static int
number_arg(const char *opt, const char *s, long lo, long hi)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || end == s || n < lo || n > hi) {
		fprintf(stderr, "%s: %s %s: not a number from %ld to %ld\n",
		    progname, opt, s, lo, hi);
		usage(EX_USAGE_);
	}
	return (int)n;
}

/* Print the line that says what a load did. */
static void
print_loaded(const char *path, const struct ipmap_build_result *res)
{
	const struct ipmap_hist_counts *h = &res->hist;

	printf("%s: %" PRIu64 " rows, %" PRIu64 " prefixes, ", path,
	    res->rows, res->prefixes);
	if (res->unchanged)
		printf("unchanged, serial %" PRIu64, res->serial);
	else
		printf("serial %" PRIu64, res->serial);
	if (res->history)
		printf("; history: %" PRIu64 " held, %" PRIu64 " kept, %"
		    PRIu64 " closed, %" PRIu64 " opened, %" PRIu64
		    " contact changes, %" PRIu64 " expired", h->held, h->kept,
		    h->closed, h->opened, h->contacts, h->expired);
	if (res->regrown > 0)
		printf(" (map size grown %d times to %zu MB)", res->regrown,
		    res->mapsize >> 20);
	printf("\n");
}

/* abuse-map load. */
static int
cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-empty", no_argument, NULL, 'E' },
		{ "max-errors", required_argument, NULL, 'M' },
		{ "history", no_argument, NULL, 'H' },
		{ "no-history", no_argument, NULL, 'N' },
		{ "as-of", required_argument, NULL, 'A' },
		{ "keep", required_argument, NULL, 'K' },
		{ "max-close", required_argument, NULL, 'C' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct ipmap_build_opts	 opts;
	struct ipmap_build_result res;
	struct progress		 pr;
	const char		*dir = DEFAULT_MAPDIR;
	buf_t			 errs;
	int			 ch, quiet = 0, rc;

	memset(&opts, 0, sizeof(opts));
	memset(&pr, 0, sizeof(pr));
	while ((ch = getopt_long(argc, argv, "m:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'E':
			opts.allow_empty = 1;
			break;
		case 'M':
			opts.max_errors = number_arg("--max-errors", optarg, 1,
			    100000);
			break;
		case 'H':
			opts.history = IPMAP_HIST_ON;
			break;
		case 'N':
			opts.history = IPMAP_HIST_OFF;
			break;
		case 'A':
			if (time_parse_arg(optarg, &opts.as_of) == -1 ||
			    opts.as_of <= 0) {
				fprintf(stderr, "%s: --as-of %s: not a time\n",
				    progname, optarg);
				usage(EX_USAGE_);
			}
			break;
		case 'K':
			opts.keep_days = number_arg("--keep", optarg, 1, 36500);
			break;
		case 'C':
			opts.max_close = number_arg("--max-close", optarg, 1,
			    100);
			break;
		case 'F':
			opts.force = 1;
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (argc - optind != 1)
		usage(EX_USAGE_);
	if (opts.history == IPMAP_HIST_OFF && (opts.as_of || opts.keep_days ||
	    opts.max_close || opts.force))
		usage(EX_USAGE_);
	if (!quiet && isatty(STDERR_FILENO)) {
		opts.progress = progress_cb;
		opts.progress_arg = &pr;
	}
	buf_init(&errs, (size_t)16 << 20);
	rc = ipmap_build_file(dir, argv[optind], &opts, &errs, &res);
	if (pr.shown)
		fputc('\n', stderr);
	if (rc != 0) {
		fputs(errs.data, stderr);
		fprintf(stderr, "%s: %s: nothing loaded, the map in service "
		    "is unchanged\n", progname, argv[optind]);
		buf_free(&errs);
		return rc == -1 ? EX_FAIL : EX_SYSTEM;
	}
	buf_free(&errs);
	if (!quiet)
		print_loaded(argv[optind], &res);
	return EX_OK_;
}

/*
 * Parse the -w argument, "FROM..TO" with each end as for -t and FROM not
 * after TO; 0, or -1.
 */
static int
parse_window(const char *s, int64_t *t0, int64_t *t1)
{
	const char	*dots;
	char		 from[128];
	size_t		 len;

	if ((dots = strstr(s, "..")) == NULL ||
	    (len = (size_t)(dots - s)) >= sizeof(from))
		return -1;
	memcpy(from, s, len);
	from[len] = '\0';
	if (time_parse_arg(from, t0) == -1 || time_parse_arg(dots + 2, t1) == -1 ||
	    *t0 > *t1)
		return -1;
	return 0;
}

/* Print one found answer. */
static void
print_found(const char *ip, const struct ipmap_result *r)
{
	char	 a[IPADDR_STRLEN], from[32], until[32];

	if (ipaddr_format(&r->prefix, a, sizeof(a)) == -1)
		a[0] = '\0';
	if (r->valid_from == IPMAP_OPEN_END ||
	    time_format_rfc3339(r->valid_from, from, sizeof(from)) == -1)
		memcpy(from, "..", 3);
	if (r->valid_until == IPMAP_OPEN_END ||
	    time_format_rfc3339(r->valid_until, until, sizeof(until)) == -1)
		memcpy(until, "..", 3);
	/* Customer and address were checked by the loader: printable
	 * ASCII without tabs. */
	printf("%s\t%s\t%s\t%s/%d\t%s/%s\t", ip, r->customer, r->address, a,
	    r->plen, from, until);
	if (r->port_lo == -1)
		printf("-\n");
	else
		printf("%d-%d\n", r->port_lo, r->port_hi);
}

/*
 * Print the holders of one address over a window: a line per holder as
 * print_found(), then "gap", "ambiguous" and "more holders" lines where
 * they apply, or "not found" alone.  Returns the lookup's status.
 */
static int
print_span(ipmap_t *map, const char *shown, const struct ipaddr *ip,
    int64_t t0, int64_t t1, int port)
{
	struct ipmap_holders	 h;
	size_t			 i;
	int			 rc;

	rc = ipmap_lookup_span(map, ip, t0, t1, port, &h);
	if (rc == IPMAP_ERROR) {
		printf("%s\terror\n", shown);
		return rc;
	}
	if (rc == IPMAP_NOTFOUND) {
		printf("%s\tnot found\n", shown);
		return rc;
	}
	for (i = 0; i < h.n; i++)
		print_found(shown, &h.holder[i]);
	if (h.more)
		printf("%s\tmore holders\n", shown);
	if (h.gap)
		printf("%s\tgap\n", shown);
	if (h.ambiguous)
		printf("%s\tambiguous\n", shown);
	return rc;
}

/* abuse-map lookup. */
static int
cmd_lookup(int argc, char **argv)
{
	struct ipmap_result	 r;
	struct ipaddr		 ip;
	const char		*dir = DEFAULT_MAPDIR;
	char			 err[512], shown[128], *end;
	int64_t			 when = (int64_t)time(NULL), t0 = 0, t1 = 0;
	int			 ch, port = IPMAP_NO_PORT, st = EX_OK_, i;
	int			 window = 0, timed = 0;
	long			 n;
	ipmap_t			*map;

	while ((ch = getopt(argc, argv, "m:t:w:p:")) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		case 't':
			if (time_parse_arg(optarg, &when) == -1) {
				fprintf(stderr, "%s: -t %s: not a time\n",
				    progname, optarg);
				usage(EX_USAGE_);
			}
			timed = 1;
			break;
		case 'w':
			if (parse_window(optarg, &t0, &t1) == -1) {
				fprintf(stderr, "%s: -w %s: not a window "
				    "FROM..TO\n", progname, optarg);
				usage(EX_USAGE_);
			}
			window = 1;
			break;
		case 'p':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 0 ||
			    n > 65535) {
				fprintf(stderr, "%s: -p %s: not a port\n",
				    progname, optarg);
				usage(EX_USAGE_);
			}
			port = (int)n;
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind == argc || (timed && window))
		usage(EX_USAGE_);
	if ((map = ipmap_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EX_FAIL;
	}
	if (ipmap_serial(map) == 0)
		fprintf(stderr, "%s: no map in service: %s\n", progname, err);
	for (i = optind; i < argc; i++) {
		str_sanitize(argv[i], strlen(argv[i]), shown, sizeof(shown));
		if (ipaddr_parse(argv[i], strlen(argv[i]), IPADDR_DEFANGED,
		    &ip) == -1) {
			printf("%s\tinvalid address\n", shown);
			st = EX_FAIL;
			continue;
		}
		if (window) {
			if (print_span(map, shown, &ip, t0, t1, port) ==
			    IPMAP_ERROR)
				st = EX_FAIL;
			continue;
		}
		switch (ipmap_lookup(map, &ip, when, port, &r)) {
		case IPMAP_FOUND:
			print_found(shown, &r);
			break;
		case IPMAP_NOTFOUND:
			printf("%s\tnot found\n", shown);
			break;
		case IPMAP_AMBIGUOUS:
			printf("%s\tambiguous\n", shown);
			break;
		default:
			printf("%s\terror\n", shown);
			st = EX_FAIL;
			break;
		}
	}
	if (fflush(stdout) == EOF)
		st = EX_FAIL;
	ipmap_close(map);
	return st;
}

/* "FROM/UNTIL" of a validity into out, ".." for an open end. */
static void
validity_text(int64_t from, int64_t until, char *out, size_t size)
{
	char	 f[32], u[32];

	if (from == IPMAP_OPEN_END ||
	    time_format_rfc3339(from, f, sizeof(f)) == -1)
		memcpy(f, "..", 3);
	if (until == IPMAP_OPEN_END ||
	    time_format_rfc3339(until, u, sizeof(u)) == -1)
		memcpy(u, "..", 3);
	snprintf(out, size, "%s/%s", f, u);
}

/* One line of a history: the answer over [from, until). */
static void
print_period(const char *shown, int64_t from, int64_t until, int rc,
    const struct ipmap_result *r)
{
	char	 v[80], a[IPADDR_STRLEN];

	validity_text(from, until, v, sizeof(v));
	if (rc == IPMAP_NOTFOUND) {
		printf("%s\t%s\tnobody\n", shown, v);
		return;
	}
	if (rc == IPMAP_AMBIGUOUS) {
		printf("%s\t%s\tambiguous\n", shown, v);
		return;
	}
	if (ipaddr_format(&r->prefix, a, sizeof(a)) == -1)
		a[0] = '\0';
	printf("%s\t%s\t%s\t%s\t%s/%d\t", shown, v, r->customer, r->address,
	    a, r->plen);
	if (r->port_lo == -1)
		printf("-\n");
	else
		printf("%d-%d\n", r->port_lo, r->port_hi);
}

/* Non-zero if answers (ra, a) and (rb, b) are the same holder. */
static int
same_answer(int ra, const struct ipmap_result *a, int rb,
    const struct ipmap_result *b)
{
	if (ra != rb)
		return 0;
	if (ra != IPMAP_FOUND)
		return 1;
	return strcmp(a->customer, b->customer) == 0 &&
	    strcmp(a->address, b->address) == 0 && a->plen == b->plen &&
	    ipaddr_cmp(&a->prefix, &b->prefix) == 0 &&
	    a->port_lo == b->port_lo && a->port_hi == b->port_hi;
}

/*
 * Print the holders of ip over all time, a line per period in which the
 * answer is the same.  Returns the lookup status: IPMAP_ERROR or not.
 */
static int
print_timeline(ipmap_t *map, const char *shown, const struct ipaddr *ip,
    int port)
{
	struct ipmap_result r, prev;
	int64_t		 t = IPMAP_OPEN_END, start = IPMAP_OPEN_END, next;
	int		 rc, prc = IPMAP_ERROR, more, shown_any = 0;

	for (;;) {
		if ((rc = ipmap_lookup(map, ip, t, port, &r)) == IPMAP_ERROR ||
		    (more = ipmap_next_change(map, ip, t, port, &next)) == -1) {
			printf("%s\terror\n", shown);
			return IPMAP_ERROR;
		}
		if (prc != IPMAP_ERROR && !same_answer(prc, &prev, rc, &r)) {
			if (prc != IPMAP_NOTFOUND || shown_any)
				print_period(shown, start, t, prc, &prev);
			shown_any = 1;
			start = t;
		}
		prc = rc;
		prev = r;
		if (!more)
			break;
		t = next;
	}
	if (prc == IPMAP_NOTFOUND && !shown_any)
		printf("%s\tnot found\n", shown);
	else
		print_period(shown, start, IPMAP_OPEN_END, prc, &prev);
	return IPMAP_FOUND;
}

/* A prefix asked for by `history`, and how it is shown. */
struct prefix_query {
	struct ipaddr	 net;
	int		 plen;
	const char	*shown;
	int		 port;
	unsigned long	 n;		/* entries printed */
};

/* Non-zero if a's first plen bits are those of b. */
static int
same_bits(const struct ipaddr *a, const struct ipaddr *b, int plen)
{
	int	 full = plen / 8, rest = plen % 8;

	if (memcmp(a->a, b->a, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a->a[full] ^ b->a[full]) &
	    (0xff00 >> rest) & 0xff) == 0;
}

/* Print entry e when its prefix covers the query's or lies within it. */
static int
print_prefix_entry(void *arg, const struct ipmap_walk_ent *e)
{
	struct prefix_query *q = arg;
	struct ipmap_result r;

	if (e->net.family != q->net.family ||
	    !same_bits(&e->net, &q->net, e->plen < q->plen ? e->plen :
	    q->plen))
		return 0;
	if (q->port != IPMAP_NO_PORT && e->port_lo != -1 &&
	    (q->port < e->port_lo || q->port > e->port_hi))
		return 0;
	memset(&r, 0, sizeof(r));
	snprintf(r.customer, sizeof(r.customer), "%s", e->customer);
	snprintf(r.address, sizeof(r.address), "%s", e->address);
	r.prefix = e->net;
	r.plen = e->plen;
	r.port_lo = e->port_lo;
	r.port_hi = e->port_hi;
	print_period(q->shown, e->from, e->until, IPMAP_FOUND, &r);
	q->n++;
	return 0;
}

/* Print the entries of the prefixes covering or within prefix s. */
static int
print_prefix_history(ipmap_t *map, const char *s, const char *shown,
    int port)
{
	struct prefix_query q;
	const char	*why;
	char		 err[512];

	memset(&q, 0, sizeof(q));
	if (ipaddr_parse_prefix(s, strlen(s), &q.net, &q.plen, &why) == -1) {
		printf("%s\tinvalid prefix\n", shown);
		return IPMAP_ERROR;
	}
	q.shown = shown;
	q.port = port;
	if (ipmap_walk(map, print_prefix_entry, &q, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		printf("%s\terror\n", shown);
		return IPMAP_ERROR;
	}
	if (q.n == 0)
		printf("%s\tnot found\n", shown);
	return IPMAP_FOUND;
}

/* abuse-map history. */
static int
cmd_history(int argc, char **argv)
{
	struct ipaddr	 ip;
	const char	*dir = DEFAULT_MAPDIR;
	char		 err[512], shown[128];
	int		 ch, port = IPMAP_NO_PORT, st = EX_OK_, i, rc;
	ipmap_t		*map;

	while ((ch = getopt(argc, argv, "m:p:")) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		case 'p':
			port = number_arg("-p", optarg, 0, 65535);
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind == argc)
		usage(EX_USAGE_);
	if ((map = ipmap_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EX_FAIL;
	}
	if (ipmap_pin(map) == 0)
		fprintf(stderr, "%s: no map in service: %s\n", progname, err);
	for (i = optind; i < argc; i++) {
		str_sanitize(argv[i], strlen(argv[i]), shown, sizeof(shown));
		if (strchr(argv[i], '/') != NULL)
			rc = print_prefix_history(map, argv[i], shown, port);
		else if (ipaddr_parse(argv[i], strlen(argv[i]),
		    IPADDR_DEFANGED, &ip) == -1) {
			printf("%s\tinvalid address\n", shown);
			rc = IPMAP_ERROR;
		} else
			rc = print_timeline(map, shown, &ip, port);
		if (rc == IPMAP_ERROR)
			st = EX_FAIL;
	}
	if (fflush(stdout) == EOF)
		st = EX_FAIL;
	ipmap_unpin(map);
	ipmap_close(map);
	return st;
}

/* abuse-map install. */
static int
cmd_install(int argc, char **argv)
{
	const char	*dir = DEFAULT_MAPDIR;
	uint64_t	 serial;
	buf_t		 errs;
	int		 ch, quiet = 0, rc;

	while ((ch = getopt(argc, argv, "m:q")) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (argc - optind != 1)
		usage(EX_USAGE_);
	buf_init(&errs, (size_t)1 << 20);
	rc = ipmap_install(dir, argv[optind], &serial, &errs);
	if (rc == 1) {
		if (!quiet)
			fputs(errs.data, stdout);
		rc = 0;
	} else if (rc != 0) {
		fputs(errs.data, stderr);
		fprintf(stderr, "%s: %s: not installed, the map in service "
		    "is unchanged\n", progname, argv[optind]);
	} else if (!quiet)
		printf("%s: installed, serial %" PRIu64 "\n", argv[optind],
		    serial);
	buf_free(&errs);
	return rc == 0 ? EX_OK_ : rc == -1 ? EX_FAIL : EX_SYSTEM;
}

/* abuse-map dump and stat. */
static int
cmd_show(int argc, char **argv, int dump)
{
	const char	*dir = DEFAULT_MAPDIR;
	char		 err[512];
	int		 ch, rc;
	ipmap_t		*map;

	while ((ch = getopt(argc, argv, "m:")) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind != argc)
		usage(EX_USAGE_);
	if ((map = ipmap_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EX_FAIL;
	}
	rc = dump ? ipmap_dump(map, stdout, err, sizeof(err)) :
	    ipmap_stat(map, stdout, err, sizeof(err));
	if (rc == -1)
		fprintf(stderr, "%s: %s\n", progname, err);
	ipmap_close(map);
	return rc == -1 ? EX_FAIL : EX_OK_;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	log_init(progname, 0, 0);
	if (argc < 2)
		usage(EX_USAGE_);
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0)
		usage(EX_OK_);
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("%s %s\n", progname, PACKAGE_VERSION);
		return EX_OK_;
	}
	argc--;
	argv++;
	optind = 1;
	if (strcmp(cmd, "load") == 0)
		return cmd_load(argc, argv);
	if (strcmp(cmd, "lookup") == 0)
		return cmd_lookup(argc, argv);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(argc, argv);
	if (strcmp(cmd, "install") == 0)
		return cmd_install(argc, argv);
	if (strcmp(cmd, "dump") == 0)
		return cmd_show(argc, argv, 1);
	if (strcmp(cmd, "stat") == 0)
		return cmd_show(argc, argv, 0);
	fprintf(stderr, "%s: unknown command \"%s\"\n", progname, cmd);
	usage(EX_USAGE_);
}
