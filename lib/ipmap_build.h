/*
 * ipmap_build.h - build an IP map from its CSV source, and write a map
 * back out (dump, statistics).  Used by abuse-map(8) and the tests; the
 * milter only reads (ipmap.h).
 *
 * ipmap_build_file() reads and checks the whole source first; only when
 * it has no error is a new generation written beside the old one and
 * swapped in atomically (see ipmap_int.h).  On any error nothing in the
 * map directory changes.
 */
#ifndef ABUSE_IPMAP_BUILD_H
#define ABUSE_IPMAP_BUILD_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "ipmap.h"

#define IPMAP_MAX_ERRORS	100	/* default error limit */

/* Phases reported to a progress callback. */
enum ipmap_phase {
	IPMAP_PHASE_READ,	/* done/total: bytes of the source */
	IPMAP_PHASE_WRITE	/* done/total: records written */
};

struct ipmap_build_opts {
	int		 allow_empty;	/* accept a source without rows */
	int		 max_errors;	/* 0: IPMAP_MAX_ERRORS */
	size_t		 mapsize;	/* first LMDB map size; 0: estimate */
	/* Called now and then during a load; may be NULL. */
	void		(*progress)(void *arg, enum ipmap_phase phase,
			    uint64_t done, uint64_t total);
	void		*progress_arg;
};

struct ipmap_build_result {
	uint64_t	 serial;	/* of the new generation */
	uint64_t	 rows;		/* data rows read */
	uint64_t	 prefixes;	/* distinct prefixes */
	uint64_t	 ranges;	/* ranges written */
	size_t		 mapsize;	/* final LMDB map size */
	int		 regrown;	/* times the map size grew */
};

/*
 * Build the map in directory dir (created if missing, its parent must
 * exist) from the CSV file at path, and put it in service.  opts may be
 * NULL for defaults; res may be NULL.
 * Returns 0 on success.  Returns -1 when the source has errors: every
 * one is appended to errs as a line "FILE:LINE: message" (or "FILE:
 * message" for the file as a whole), sorted by line, at most max_errors
 * of them and then a line saying how many more were left out.  Returns
 * -2 on a system error (unreadable file, map directory not writable, out
 * of memory), with a line "FILE: message" or "DIR: message" in errs.
 * The map in service is unchanged after a failure.
 */
int	ipmap_build_file(const char *dir, const char *path,
	    const struct ipmap_build_opts *opts, buf_t *errs,
	    struct ipmap_build_result *res);

/*
 * Write the map in service as CSV in the source format (header row
 * first, one row per entry, ordered by address, prefix length, start of
 * validity and ports) to fp.  Returns 0, or -1 with a message in err
 * (errlen bytes) when the map cannot be read or fp fails.
 */
int	ipmap_dump(ipmap_t *map, FILE *fp, char *err, size_t errlen);

/*
 * Write statistics of the map in service to fp as lines
 * "name<TAB>value": serial, built, source_sha256, rows, prefixes,
 * customers, ranges, then "ipv4/LEN<TAB>count" and "ipv6/LEN<TAB>count"
 * for each prefix length present.  Returns 0, or -1 as ipmap_dump().
 */
int	ipmap_stat(ipmap_t *map, FILE *fp, char *err, size_t errlen);

#endif
