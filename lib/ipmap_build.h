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

#define IPMAP_KEEP_DAYS		400	/* history: closed entries kept */
#define IPMAP_MAX_CLOSE		10	/* history: share (%) a load may close */

/* Whether a load builds history (ipmap_history.c). */
enum ipmap_hist_mode {
	IPMAP_HIST_AUTO = 0,	/* as the map in service: on if it has it */
	IPMAP_HIST_ON = 1,	/* compare with the map in service */
	IPMAP_HIST_OFF = -1	/* the source is the whole map */
};

/* What a history load did, in entries. */
struct ipmap_hist_counts {
	uint64_t	 held;		/* open in the map in service */
	uint64_t	 kept;		/* of them, the same customer's still */
	uint64_t	 closed;	/* of them, closed at the export's time */
	uint64_t	 opened;	/* new holders opened */
	uint64_t	 contacts;	/* given their customer's new address */
	uint64_t	 expired;	/* closed before the retention limit */
};

struct ipmap_build_opts {
	int		 allow_empty;	/* accept a source without rows */
	int		 max_errors;	/* 0: IPMAP_MAX_ERRORS */
	size_t		 mapsize;	/* first LMDB map size; 0: estimate */
	/* Called now and then during a load; may be NULL. */
	void		(*progress)(void *arg, enum ipmap_phase phase,
			    uint64_t done, uint64_t total);
	void		*progress_arg;
	/* history (abuse-map load --history) */
	enum ipmap_hist_mode history;
	int64_t		 as_of;		/* the export's time; 0: now */
	int		 keep_days;	/* 0: IPMAP_KEEP_DAYS */
	int		 max_close;	/* percent; 0: IPMAP_MAX_CLOSE */
	int		 force;		/* close more than max_close */
};

struct ipmap_build_result {
	uint64_t	 serial;	/* of the new generation */
	uint64_t	 rows;		/* data rows read */
	uint64_t	 prefixes;	/* distinct prefixes */
	uint64_t	 ranges;	/* ranges written */
	size_t		 mapsize;	/* final LMDB map size */
	int		 regrown;	/* times the map size grew */
	int		 history;	/* the map has history */
	int		 unchanged;	/* history load: nothing changed, no
					 * new generation (serial is the one
					 * in service) */
	struct ipmap_hist_counts hist;
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
 *
 * With history (opts->history, see ipmap_history.c and abuse-map(8)),
 * the source is compared with the map in service under the directory's
 * lock: holders that changed or vanished are closed at opts->as_of and
 * new ones opened; an export that would close more than opts->max_close
 * percent of the entries held is refused (-1, a line saying how many)
 * unless opts->force; an export that changes nothing writes no new
 * generation (res->unchanged).
 */
int	ipmap_build_file(const char *dir, const char *path,
	    const struct ipmap_build_opts *opts, buf_t *errs,
	    struct ipmap_build_result *res);

/*
 * Install the map generation file src (a map.SERIAL.mdb built elsewhere
 * by ipmap_build_file(), copied here) in directory dir, created if
 * missing: under the directory's lock it is copied beside the
 * generations, checked as a reader opens a generation and entry by
 * entry, and put in service atomically under its own serial, which
 * *serial receives.  Returns 0 when installed; 1 when that serial is
 * already in service (nothing done); -1 when src is not a good map or is
 * older than the map in service; -2 on a system error.  On any return
 * but 0 the map in service is unchanged, and a line "FILE: message" says
 * why in errs.
 */
int	ipmap_install(const char *dir, const char *src, uint64_t *serial,
	    buf_t *errs);

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
