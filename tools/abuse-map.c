/*
 * abuse-map.c - build, query and inspect the IP map of abuse-milter.
 *
 *	abuse-map load [-q] [-m MAPDIR] [--allow-empty] [--max-errors N] FILE.csv
 *	abuse-map lookup [-m MAPDIR] [-t TIME | -w FROM..TO] [-p PORT] IP...
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
	    "[--max-errors n] file.csv\n"
	    "       %s lookup [-m mapdir] [-t time | -w from..to] [-p port] "
	    "ip ...\n"
	    "       %s dump [-m mapdir]\n"
	    "       %s stat [-m mapdir]\n"
	    "The map directory defaults to %s.\n",
	    progname, progname, progname, progname, DEFAULT_MAPDIR);
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

/* abuse-map load. */
static int
cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-empty", no_argument, NULL, 'E' },
		{ "max-errors", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct ipmap_build_opts	 opts;
	struct ipmap_build_result res;
	struct progress		 pr;
	const char		*dir = DEFAULT_MAPDIR;
	char			*end;
	buf_t			 errs;
	int			 ch, quiet = 0, rc;
	long			 n;

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
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || n < 1 || n > 100000)
				usage(EX_USAGE_);
			opts.max_errors = (int)n;
			break;
		default:
			usage(EX_USAGE_);
		}
	}
	if (argc - optind != 1)
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
	if (!quiet) {
		printf("%s: %" PRIu64 " rows, %" PRIu64 " prefixes, serial %"
		    PRIu64, argv[optind], res.rows, res.prefixes, res.serial);
		if (res.regrown > 0)
			printf(" (map size grown %d times to %zu MB)",
			    res.regrown, res.mapsize >> 20);
		printf("\n");
	}
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
	if (strcmp(cmd, "dump") == 0)
		return cmd_show(argc, argv, 1);
	if (strcmp(cmd, "stat") == 0)
		return cmd_show(argc, argv, 0);
	fprintf(stderr, "%s: unknown command \"%s\"\n", progname, cmd);
	usage(EX_USAGE_);
}
