/*
 * dryrun.c - the offline dry run; see dryrun.h.
 *
 * Each file is read in chunks into a complaint (the scan limit applies
 * as it does in the milter), decided with route_decide(), passed to the
 * policy hook, and printed with decision_json().
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "complaint.h"
#include "dryrun.h"

#define DRYRUN_JSON_MAX	(4 * 1024 * 1024)

/* Decide a complaint c and append its JSON to b. */
static int
decide_one(const rules_t *rules, ipmap_t *map, int64_t arrival,
    dryrun_policy_fn policy, void *ctx, const char *name, complaint_t *c,
    buf_t *b)
{
	struct decision	 d;
	int		 rc;

	route_decide(rules, map, c, arrival, &d);
	if (policy != NULL)
		policy(ctx, c, &d);
	rc = decision_json(&d, name, b);
	decision_clear(&d);
	return rc;
}

/* Decide one complaint held in memory; see dryrun.h. */
int
dryrun_buffer(const rules_t *rules, ipmap_t *map, size_t scan_limit,
    int64_t arrival, dryrun_policy_fn policy, void *ctx, const char *name,
    const void *data, size_t len, buf_t *b)
{
	complaint_t	*c;
	int		 rc;

	if ((c = complaint_new(scan_limit)) == NULL)
		return -1;
	if (complaint_raw(c, data, len) == -1) {
		complaint_free(c);
		return -1;
	}
	rc = decide_one(rules, map, arrival, policy, ctx, name, c, b);
	complaint_free(c);
	return rc;
}

/* Print the line of a file that could not be read. */
static void
read_error(FILE *out, const char *name, const char *why)
{
	buf_t	 b;

	buf_init(&b, DRYRUN_JSON_MAX);
	if (buf_puts(&b, "{\"file\":") == 0 &&
	    buf_json_str(&b, name, strlen(name)) == 0 &&
	    buf_puts(&b, ",\"action\":\"keep\",\"reason\":\"read-error\","
	    "\"customer\":null,\"to\":null,\"ip\":null,\"port\":null,"
	    "\"time\":null,\"rule\":null,\"candidates\":[],\"error\":") == 0 &&
	    buf_json_str(&b, why, strlen(why)) == 0 &&
	    buf_puts(&b, "}\n") == 0)
		(void)fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

/* Read one file into a complaint and print its decision. */
static int
dryrun_file(const rules_t *rules, ipmap_t *map, size_t scan_limit,
    int64_t arrival, dryrun_policy_fn policy, void *ctx, const char *name,
    FILE *out)
{
	FILE		*fp;
	complaint_t	*c;
	char		 chunk[65536];
	size_t		 n, total = 0;
	buf_t		 b;
	int		 rc = 0;

	if ((fp = fopen(name, "rb")) == NULL) {
		read_error(out, name, strerror(errno));
		return -1;
	}
	if ((c = complaint_new(scan_limit)) == NULL) {
		fclose(fp);
		read_error(out, name, "out of memory");
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (complaint_raw(c, chunk, n) == -1) {
			rc = -1;
			break;
		}
		total += n;
		if (total > scan_limit)
			break;		/* the rest is ignored anyway */
	}
	if (ferror(fp))
		rc = -1;
	fclose(fp);
	if (rc == -1) {
		complaint_free(c);
		read_error(out, name, "read error");
		return -1;
	}
	buf_init(&b, DRYRUN_JSON_MAX);
	if (decide_one(rules, map, arrival, policy, ctx, name, c, &b) == 0 &&
	    buf_putc(&b, '\n') == 0)
		(void)fwrite(b.data, 1, b.len, out);
	else
		rc = -1;
	buf_free(&b);
	complaint_free(c);
	if (rc == -1)
		read_error(out, name, "out of memory");
	return rc;
}

/* Read, decide and print each file; see dryrun.h. */
int
dryrun_files(const rules_t *rules, ipmap_t *map, size_t scan_limit,
    int64_t arrival, dryrun_policy_fn policy, void *ctx,
    char *const *files, int nfiles, FILE *out)
{
	int	 i, bad = 0;

	for (i = 0; i < nfiles; i++)
		if (dryrun_file(rules, map, scan_limit, arrival, policy, ctx,
		    files[i], out) == -1)
			bad++;
	fflush(out);
	return bad;
}
