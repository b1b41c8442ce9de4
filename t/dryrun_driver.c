/*
 * dryrun_driver.c - run the dry run over files with a given map
 * directory and rules file, for the tests and the corpus score.
 *
 *	dryrun_driver -r RULES -m MAPDIR [-a ARRIVAL] [-o DOMAIN]
 *	    [-s SCANLIMIT] FILE...
 *
 * ARRIVAL is a time as abuse-milter -a takes it: RFC 3339, a mail date or
 * seconds since the epoch (default: now); DOMAIN is the
 * provider's own domain, as abuse-milter takes it from AbuseRecipients.  Prints one JSON
 * object per line (see dryrun.h); exits 1 when a file could not be read
 * and 2 on a usage, rules or map problem.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dryrun.h"
#include "ipmap.h"
#include "rules.h"
#include "timeparse.h"

/* Print the usage line and exit 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: dryrun_driver -r rules -m mapdir "
	    "[-a arrival] [-o domain] [-s scanlimit] file ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*rpath = NULL, *mdir = NULL, *own = NULL;
	char		 err[8192];
	rules_t		*rules;
	ipmap_t		*map = NULL;
	int64_t		 arrival = (int64_t)time(NULL);
	size_t		 scan = 4 * 1024 * 1024;
	char		*end;
	int		 ch, bad;

	while ((ch = getopt(argc, argv, "a:m:o:r:s:")) != -1) {
		switch (ch) {
		case 'o':
			own = optarg;
			break;
		case 'a':
			if (time_parse_arg(optarg, &arrival) == -1) {
				fprintf(stderr, "dryrun_driver: -a %s: not a "
				    "time\n", optarg);
				usage();
			}
			break;
		case 'm':
			mdir = optarg;
			break;
		case 'r':
			rpath = optarg;
			break;
		case 's':
			scan = strtoul(optarg, &end, 10);
			if (*end != '\0' || scan == 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (rpath == NULL || argc == 0)
		usage();
	if ((rules = rules_load(rpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		return 2;
	}
	if (own != NULL && rules_add_own_domain(rules, own) == -1) {
		fprintf(stderr, "bad domain %s\n", own);
		return 2;
	}
	if (mdir != NULL) {
		err[0] = '\0';
		if ((map = ipmap_open(mdir, err, sizeof(err))) == NULL) {
			fprintf(stderr, "dryrun_driver: %s: out of memory\n",
			    mdir);
			rules_free(rules);
			return 2;
		}
		if (err[0] != '\0')
			fprintf(stderr, "dryrun_driver: %s\n", err);
	}
	bad = dryrun_files(rules, map, scan, arrival, NULL, NULL, argv, argc,
	    stdout);
	if (map != NULL)
		ipmap_close(map);
	rules_free(rules);
	return bad > 0 ? 1 : 0;
}
