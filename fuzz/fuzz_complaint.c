/*
 * fuzz_complaint.c - fuzz target for the complaint reader and the
 * decision: MIME, the default rules, the map lookup, route_decide().
 *
 * LLVMFuzzerInitialize() loads the shipped rules (the file named by
 * $FUZZ_RULES, else rules/abuse.rules under $top_srcdir) and builds a
 * small map in the target's temporary directory; a second handle opens
 * a directory that holds no map, so every lookup through it fails.
 *
 * Each input is a whole raw message.  It is read twice, once in one
 * piece and once in small chunks whose size comes from the first byte,
 * and both reads must decide the same, byte for byte in JSON (a decision
 * is a pure function of the message).  The decision must keep the hard
 * rules: a route names exactly one customer and an address without
 * CR, LF, comma or angle brackets; the customers the strongest routed
 * evidence found are all that customer; a keep has a known reason; with
 * the map that cannot be read nothing is ever routed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "complaint.h"
#include "fuzz.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "log.h"
#include "rules.h"

#define SCAN_LIMIT	(1024 * 1024)
#define ARRIVAL		1420070400	/* 2015-01-01T00:00:00Z */

static rules_t	*rules;
static ipmap_t	*map, *nomap;

static const char map_csv[] =
    "prefix,customer,address,valid_from,valid_until\n"
    "192.0.2.0/24,C1,abuse@c1.example,,\n"
    "192.0.2.128/25,C2,abuse@c2.example,,\n"
    "198.51.100.0/24,C3,noc@c3.example,,2015-06-01T00:00:00Z\n"
    "198.51.100.0/24,C4,abuse@c4.example,2015-06-01T00:00:00Z,\n"
    "203.0.113.0/24,C5,abuse@c5.example,,\n"
    "2001:db8::/32,C6,abuse@c6.example,,\n"
    "2001:db8:1::/48,C1,abuse@c1.example,,\n";

static const char *const reasons[] = {
	"route", "no-ip", "unknown-ip", "ambiguous", "multi-customer",
	"truncated", "too-many-ips", "map-error", "internal-error",
	"bounce", "auto-reply", "reply", "raw-spam", "time-uncertain",
	"unreadable-ip"
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ipmap_build_opts	 opts;
	buf_t			 errs, path;
	const char		*rpath, *src, *csv;
	char			 err[8192], dir[4096];
	int			 n;

	log_init("fuzz_complaint", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	buf_init(&path, 4096);
	if ((rpath = getenv("FUZZ_RULES")) == NULL) {
		if ((src = getenv("top_srcdir")) == NULL)
			src = ".";
		if (buf_printf(&path, "%s/rules/abuse.rules", src) == -1)
			fuzz_fail("rules path");
		rpath = path.data;
	}
	if ((rules = rules_load(rpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		fuzz_fail("cannot load the rules (set FUZZ_RULES)");
	}
	buf_free(&path);

	csv = fuzz_write_file("map.csv", map_csv, sizeof(map_csv) - 1);
	n = snprintf(dir, sizeof(dir), "%s/map", fuzz_tmpdir());
	if (n < 0 || (size_t)n >= sizeof(dir))
		fuzz_fail("path too long");
	memset(&opts, 0, sizeof(opts));
	buf_init(&errs, 65536);
	if (ipmap_build_file(dir, csv, &opts, &errs, NULL) == -1) {
		fprintf(stderr, "%s", errs.data);
		fuzz_fail("cannot build the map");
	}
	buf_free(&errs);
	if ((map = ipmap_open(dir, NULL, 0)) == NULL)
		fuzz_fail("ipmap_open");
	n = snprintf(dir, sizeof(dir), "%s/nomap", fuzz_tmpdir());
	if (n < 0 || (size_t)n >= sizeof(dir))
		fuzz_fail("path too long");
	if ((nomap = ipmap_open(dir, NULL, 0)) == NULL)
		fuzz_fail("ipmap_open");
	return 0;
}

/* Does candidate c name the offender of d's complaint (its role)? */
static int
names_offender(const struct decision *d, const struct candidate *c)
{
	if (c->transport == CAND_TRANSPORT)
		return 1;
	switch (c->role) {
	case ROLE_SENDER:
		return !d->site_report;
	case ROLE_SITE:
		return d->site_report;
	case ROLE_VICTIM:
	case ROLE_REPORTER:
		return 0;
	default:
		return 1;
	}
}

/* Check the hard rules on one decision. */
static void
check_decision(const struct decision *d, int map_ok)
{
	const struct candidate	*c, *dc = NULL;
	size_t			 i;
	int			 known = 0;

	if (d->reason == NULL)
		fuzz_fail("decision without a reason");
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(d->reason, reasons[i]) == 0)
			known = 1;
	if (!known)
		fuzz_fail("unknown reason");
	if (memchr(d->to, '\0', sizeof(d->to)) == NULL ||
	    memchr(d->customer, '\0', sizeof(d->customer)) == NULL ||
	    memchr(d->rule, '\0', sizeof(d->rule)) == NULL)
		fuzz_fail("decision string not NUL-terminated");
	if (d->ncand > 0 && d->cand == NULL)
		fuzz_fail("candidates counted but not given");
	if (d->action == ROUTE_KEEP) {
		if (strcmp(d->reason, "route") == 0)
			fuzz_fail("keep with reason route");
		return;
	}
	if (d->action != ROUTE_ROUTE)
		fuzz_fail("action neither keep nor route");
	if (!map_ok)
		fuzz_fail("routed although the map cannot be read");
	if (strcmp(d->reason, "route") != 0)
		fuzz_fail("route with a reason other than route");
	if (d->to[0] == '\0' || d->customer[0] == '\0')
		fuzz_fail("route without customer or address");
	if (strpbrk(d->to, "\r\n,<>\"") != NULL)
		fuzz_fail("route to an address with CR, LF, comma, <> or quote");
	if (!d->has_ip)
		fuzz_fail("route without the deciding IP");
	/* The deciding candidate, and no other customer as strong as it. */
	for (i = 0; i < d->ncand; i++) {
		c = &d->cand[i];
		if (c->status == IPMAP_FOUND && names_offender(d, c) &&
		    ipaddr_cmp(&c->ip, &d->ip) == 0 &&
		    strcmp(c->res.customer, d->customer) == 0 &&
		    (dc == NULL || c->strength > dc->strength))
			dc = c;
	}
	if (dc == NULL)
		fuzz_fail("route without a candidate that found the customer");
	for (i = 0; i < d->ncand; i++) {
		c = &d->cand[i];
		if (!names_offender(d, c))
			continue;
		/* the weak mentions of a carried message never count */
		if (c->transport == CAND_CARRIED &&
		    c->strength < STRENGTH_STRONG)
			continue;
		if (c->status == IPMAP_FOUND && c->strength >= dc->strength &&
		    strcmp(c->res.customer, d->customer) != 0)
			fuzz_fail("routed although evidence as strong names "
			    "another customer");
		if (c->status == IPMAP_FOUND && !c->transport &&
		    c->role != ROLE_SENDER && c->strength >= STRENGTH_STRONG &&
		    strcmp(c->res.customer, d->customer) != 0)
			fuzz_fail("routed although non-weak evidence names "
			    "another customer");
		if (c->strength > dc->strength &&
		    (c->status == IPMAP_AMBIGUOUS || c->status == IPMAP_ERROR))
			fuzz_fail("routed on weaker evidence than an "
			    "undecided candidate");
	}
}

/* Read data in chunks of chunk bytes (0: in one piece), decide, and put
 * the decision as JSON in out. */
static void
decide(const uint8_t *data, size_t size, size_t chunk, ipmap_t *m,
    int map_ok, buf_t *out)
{
	complaint_t	*c;
	struct decision	 d;
	size_t		 off, n;

	if ((c = complaint_new(SCAN_LIMIT)) == NULL)
		fuzz_fail("complaint_new");
	if (chunk == 0)
		chunk = size;
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (complaint_raw(c, data + off, n) == -1)
			fuzz_fail("complaint_raw failed");
	}
	memset(&d, 0, sizeof(d));
	route_decide(rules, m, c, ARRIVAL, &d);
	check_decision(&d, map_ok);
	if (decision_json(&d, "fuzz", out) == -1)
		fuzz_fail("decision_json failed");
	for (n = 0; n < out->len; n++)
		if ((unsigned char)out->data[n] < 0x20)
			fuzz_fail("control character in the JSON decision");
	decision_clear(&d);
	complaint_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf_t	 whole, chunked, none;
	size_t	 chunk;

	buf_init(&whole, 16 * 1024 * 1024);
	buf_init(&chunked, 16 * 1024 * 1024);
	decide(data, size, 0, map, 1, &whole);
	chunk = size > 0 ? 1 + data[0] % 97 : 1;
	decide(data, size, chunk, map, 1, &chunked);
	if (whole.len != chunked.len ||
	    memcmp(whole.data, chunked.data, whole.len) != 0) {
		fprintf(stderr, "whole:   %s\nchunked: %s\n", whole.data,
		    chunked.data);
		fuzz_fail("reading in chunks decides otherwise");
	}
	if (size % 4 == 0) {
		buf_init(&none, 16 * 1024 * 1024);
		decide(data, size, 0, nomap, 0, &none);
		buf_free(&none);
	}
	buf_free(&whole);
	buf_free(&chunked);
	return 0;
}
