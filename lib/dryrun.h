/*
 * dryrun.h - the offline dry run: read files as complaints and print the
 * decision of each as one JSON object per line.
 *
 * This is what `abuse-milter -t FILE...` runs; the decision is made by
 * route_decide(), the same code the milter uses.
 */
#ifndef ABUSE_DRYRUN_H
#define ABUSE_DRYRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "complaint.h"
#include "ipmap.h"
#include "rules.h"

/* policy hook: may turn d into a keep (decision_keep) after route_decide;
 * NULL for none */
typedef void (*dryrun_policy_fn)(void *ctx, const complaint_t *c,
    struct decision *d);

/*
 * Read each file as a complaint (at most scan_limit bytes of it), decide,
 * print one JSON object per line to out (see decision_json()).  arrival:
 * the time used when the complaint gives no incident time (the file's
 * mtime is NOT used; pass time(NULL) normally).  A file that cannot be
 * read gives a line with "action":"keep","reason":"read-error" and an
 * "error" field.  Returns the number of files that could not be read.
 */
int	 dryrun_files(const rules_t *rules, ipmap_t *map, size_t scan_limit,
	    int64_t arrival, dryrun_policy_fn policy, void *ctx,
	    char *const *files, int nfiles, FILE *out);

/*
 * Decide one complaint held in memory (data, len bytes) the same way and
 * append its JSON object (no newline) to b.  Returns 0, or -1 when out of
 * memory.  Used by dryrun_files() and the benchmark.
 */
int	 dryrun_buffer(const rules_t *rules, ipmap_t *map, size_t scan_limit,
	    int64_t arrival, dryrun_policy_fn policy, void *ctx,
	    const char *name, const void *data, size_t len, buf_t *b);

#endif
