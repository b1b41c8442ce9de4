/*
 * ipmap_history.c - build the map's history from daily exports: merge
 * the rows of a load with the map in service (abuse-map load --history).
 *
 * An inventory exports today's assignments.  Compared with the map in
 * service, prefix by prefix and port range by port range:
 *   - an entry held there (valid_until open) whose customer is still the
 *     export's for the same prefix and ports stays open from where it
 *     started, with the address the export gives now;
 *   - one whose customer changed or vanished is closed at the export's
 *     time (as_of), or where a row of the export says the new holder
 *     started, if that is earlier;
 *   - a row of the export no entry continues is a new holder, opened at
 *     as_of (or from its own valid_from); when there is no map in service
 *     at all nothing is known before, and it is open at both ends as in
 *     a plain load;
 *   - rows with a valid_until are history the export carries: taken as
 *     written, beside the entries already closed.
 * Splits and merges need nothing more: the longest prefix valid at a
 * time answers, so a /24 closed at as_of still answers before it, under
 * the /25s opened then.  A customer whose address changed is a contact
 * change: every entry of the customer, closed ones too, takes the
 * address the export gives (when it gives one only), because a complaint
 * about the past goes to whoever answers for the customer now.  Entries
 * closed more than keep_days before as_of are dropped.
 *
 * The export is refused, and the map in service kept, when it would
 * close more than max_close percent of the entries held (a broken
 * export is likelier than such a renumbering), unless forced, and when
 * as_of is before that of the map in service.  An export that changes
 * no entry leaves the map as it is (b->unchanged).
 *
 * Entries of the map in service are added to the build (struct bent,
 * BENT_OLD, line 0), sorted with the rows, and each prefix's entries are
 * merged in place; what is dropped is marked BENT_DEAD and removed at
 * the end.  The caller holds the map directory's lock.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmap.h"
#include "ipmap_build_int.h"
#include "timeparse.h"

#define OPEN		INT64_MIN	/* an open end */
#define PCACHE		256		/* customer records looked up last */

/* The merge of one load. */
struct hist {
	struct build	*b;
	int		 first;		/* no map in service */
	int		 changed;	/* an entry is not as it was */
	/* the walk of the map in service: record pointer -> customer id */
	const char	*pkey[PCACHE];
	uint32_t	 pcid[PCACHE];
};

/* Add one entry of the map in service to the build. */
static int
take_old(void *arg, const struct ipmap_walk_ent *w)
{
	struct hist	*h = arg;
	struct bent	 e;
	unsigned	 slot = (unsigned)(((uintptr_t)w->customer >> 3) %
			    PCACHE);
	int64_t		 cid;

	if (h->pkey[slot] != w->customer) {
		cid = build_intern(h->b, w->customer, strlen(w->customer),
		    w->address, strlen(w->address));
		if (cid == -1) {
			errno = ENOMEM;
			return -1;
		}
		h->pkey[slot] = w->customer;
		h->pcid[slot] = (uint32_t)cid;
	}
	memset(&e, 0, sizeof(e));
	memcpy(e.a, w->net.a, 16);
	e.fam = w->net.family;
	e.plen = (uint8_t)w->plen;
	e.from = w->from;
	e.until = w->until;
	if (w->port_lo != -1) {
		e.ports = 1;
		e.plo = (uint16_t)w->port_lo;
		e.phi = (uint16_t)w->port_hi;
	}
	e.cid = h->pcid[slot];
	e.hist = BENT_OLD;
	if (build_add(h->b, &e) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * Read the map in service (file oldname of dir) into the build, and
 * check that as_of is not before its own.  0, -1 (refused) or -2.
 */
static int
read_old(struct hist *h, const char *dir, const char *oldname)
{
	struct build	*b = h->b;
	char		 err[512], t[64];
	int64_t		 last;
	ipmap_t		*map;
	int		 rc = 0;

	if ((map = ipmap_open_file(dir, oldname, err, sizeof(err))) == NULL) {
		build_error(b, 0, "%s", err);
		return -2;
	}
	if (ipmap_meta(map, "as_of", t, sizeof(t)) == 1 &&
	    time_parse_rfc3339(t, strlen(t), &last) == 0 && b->as_of < last) {
		build_error(b, 0, "the export's time (--as-of) is before "
		    "that of the map in service, %s: load exports in order", t);
		rc = -1;
	} else if (ipmap_meta(map, "history", t, sizeof(t)) != 1)
		h->changed = 1;		/* the map starts its history */
	if (rc == 0 && ipmap_walk(map, take_old, h, err, sizeof(err)) == -1) {
		build_error(b, 0, "%s/%s: %s", dir, oldname, err);
		rc = -2;
	}
	ipmap_close(map);
	return rc;
}

/* Non-zero if x and y have the same ports (or none, both). */
static int
same_ports(const struct bent *x, const struct bent *y)
{
	return x->ports == y->ports &&
	    (!x->ports || (x->plo == y->plo && x->phi == y->phi));
}

/* Non-zero if the ports of x and y overlap. */
static int
ports_meet(const struct bent *x, const struct bent *y)
{
	return !x->ports || !y->ports ||
	    (x->plo <= y->phi && y->plo <= x->phi);
}

/* Non-zero if records x and y name the same customer. */
static int
same_customer(const struct build *b, uint32_t x, uint32_t y)
{
	return x == y ||
	    strcmp(build_cust_name(b, x), build_cust_name(b, y)) == 0;
}

/* Non-zero if e is a row of the export that holds now (no until). */
static int
is_current_row(const struct bent *e)
{
	return !(e->hist & (BENT_OLD | BENT_DEAD)) && e->until == OPEN;
}

/* The row of v[0..n) that continues old entry o, or NULL. */
static struct bent *
continuation(struct hist *h, struct bent *v, size_t n, const struct bent *o)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (is_current_row(&v[i]) && !(v[i].hist & BENT_MATCHED) &&
		    same_ports(&v[i], o) &&
		    same_customer(h->b, v[i].cid, o->cid))
			return &v[i];
	return NULL;
}

/* Old entry o goes on as row r: r takes its start, o is dropped. */
static void
carry_on(struct hist *h, struct bent *o, struct bent *r)
{
	h->b->counts.kept++;
	if (r->from == OPEN)
		r->from = o->from;	/* a dated row is as written */
	if (r->from != o->from)
		h->changed = 1;
	if (r->cid != o->cid) {
		h->b->counts.contacts++;
		h->changed = 1;
	}
	r->hist |= BENT_MATCHED;
	o->hist |= BENT_DEAD;
}

/*
 * Close old entry o of prefix v[0..n): at as_of, or earlier where a row
 * with its own valid_from starts on its ports.
 */
static void
close_old(struct hist *h, struct bent *v, size_t n, struct bent *o)
{
	int64_t	 cut = h->b->as_of;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (is_current_row(&v[i]) && v[i].from != OPEN &&
		    ports_meet(&v[i], o) && v[i].from > o->from &&
		    v[i].from < cut)
			cut = v[i].from;
	h->b->counts.closed++;
	h->changed = 1;
	if (o->from != OPEN && cut <= o->from)
		o->hist |= BENT_DEAD;	/* it was never held */
	else
		o->until = cut;
}

/* Non-zero if row r repeats an entry of the map in service in v[0..n). */
static int
known(const struct bent *v, size_t n, const struct bent *r)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((v[i].hist & BENT_OLD) && v[i].cid == r->cid &&
		    v[i].from == r->from && v[i].until == r->until &&
		    same_ports(&v[i], r))
			return 1;
	return 0;
}

/* Merge the entries v[0..n) of one prefix. */
static void
merge_prefix(struct hist *h, struct bent *v, size_t n)
{
	struct bent	*r;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!(v[i].hist & BENT_OLD) || v[i].until != OPEN)
			continue;
		h->b->counts.held++;
		if ((r = continuation(h, v, n, &v[i])) != NULL)
			carry_on(h, &v[i], r);
		else
			close_old(h, v, n, &v[i]);
	}
	for (i = 0; i < n; i++) {
		if (v[i].hist & (BENT_OLD | BENT_MATCHED))
			continue;
		if (v[i].until != OPEN) {
			if (!known(v, n, &v[i]))
				h->changed = 1;
			continue;
		}
		if (v[i].from == OPEN && !h->first)
			v[i].from = h->b->as_of;
		h->b->counts.opened++;
		h->changed = 1;
	}
}

/* Non-zero if x and y are the same prefix. */
static int
same_net(const struct bent *x, const struct bent *y)
{
	return x->fam == y->fam && x->plen == y->plen &&
	    memcmp(x->a, y->a, 16) == 0;
}

/* Hash of a customer name. */
static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * The slot of customer name of record cid in tab (size a power of two):
 * tab[slot] is 0 when free, else a record id + 1 of that name.
 */
static size_t
name_slot(const struct build *b, const uint32_t *tab, size_t size,
    uint32_t cid)
{
	const char	*name = build_cust_name(b, cid);
	size_t		 k;

	for (k = name_hash(name) & (size - 1); tab[k] != 0 &&
	    strcmp(build_cust_name(b, tab[k] - 1), name) != 0;
	    k = (k + 1) & (size - 1))
		;
	return k;
}

#define NAME_MULTI	UINT32_MAX	/* several addresses in the export */

/*
 * Give every entry of a customer the address the export gives it now,
 * when it gives one only.  0, or -1 when out of memory.
 */
static int
contacts(struct hist *h)
{
	struct build	*b = h->b;
	uint32_t	*tab, *cur;
	size_t		 size = 16, i, k;

	while (size < b->ncust * 2 + 2)
		size *= 2;
	if ((tab = calloc(size, sizeof(*tab))) == NULL ||
	    (cur = calloc(size, sizeof(*cur))) == NULL) {
		free(tab);
		return -1;
	}
	for (i = 0; i < b->nent; i++) {
		if (!is_current_row(&b->ent[i]))
			continue;
		k = name_slot(b, tab, size, b->ent[i].cid);
		if (tab[k] == 0)
			tab[k] = b->ent[i].cid + 1;
		if (cur[k] == 0)
			cur[k] = b->ent[i].cid + 1;
		else if (cur[k] != b->ent[i].cid + 1)
			cur[k] = NAME_MULTI;
	}
	for (i = 0; i < b->nent; i++) {
		if (b->ent[i].hist & BENT_DEAD)
			continue;
		k = name_slot(b, tab, size, b->ent[i].cid);
		if (tab[k] == 0 || cur[k] == NAME_MULTI ||
		    cur[k] == b->ent[i].cid + 1)
			continue;
		b->ent[i].cid = cur[k] - 1;
		b->counts.contacts++;
		h->changed = 1;
	}
	free(tab);
	free(cur);
	return 0;
}

/* Drop entries closed more than keep_days before as_of; remove the dead. */
static void
expire(struct hist *h)
{
	struct build	*b = h->b;
	int64_t		 limit = b->as_of - (int64_t)b->keep_days * 86400;
	size_t		 i, o;

	for (i = 0, o = 0; i < b->nent; i++) {
		if (b->ent[i].hist & BENT_DEAD)
			continue;
		if (b->ent[i].until != OPEN && b->ent[i].until < limit) {
			b->counts.expired++;
			h->changed = 1;
			continue;
		}
		b->ent[o++] = b->ent[i];
	}
	b->nent = o;
}

/* Refuse an export that closes too much of the map; 0 or -1. */
static int
guard(struct hist *h)
{
	struct build	*b = h->b;
	const struct ipmap_hist_counts *c = &b->counts;
	int		 max = b->opts->max_close > 0 ? b->opts->max_close :
			    IPMAP_MAX_CLOSE;

	if (b->opts->force || c->held == 0 ||
	    c->closed * 100 <= (uint64_t)max * c->held)
		return 0;
	build_error(b, 0, "would close %" PRIu64 " of the %" PRIu64
	    " entries held in the map in service (%.1f%%, more than %d%%): "
	    "refused as a likely broken export (--force loads it)",
	    c->closed, c->held, 100.0 * (double)c->closed / (double)c->held,
	    max);
	return -1;
}

/* Merge the rows of b with the map in service. */
int
ipmap_history_merge(struct build *b, const char *dir, const char *oldname)
{
	struct hist	*h;
	size_t		 s, k;
	int		 rc = 0;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		build_error(b, 0, "out of memory");
		return -2;
	}
	h->b = b;
	h->first = oldname == NULL;
	h->changed = h->first;
	if (!h->first && (rc = read_old(h, dir, oldname)) != 0)
		goto out;
	build_sort(b);
	for (s = 0; s < b->nent; s = k) {
		for (k = s + 1; k < b->nent && same_net(&b->ent[k],
		    &b->ent[s]); k++)
			;
		merge_prefix(h, b->ent + s, k - s);
	}
	if ((rc = guard(h)) != 0)
		goto out;
	if (contacts(h) == -1) {
		build_error(b, 0, "out of memory");
		rc = -2;
		goto out;
	}
	expire(h);
	b->unchanged = !h->changed;
out:
	free(h);
	return rc;
}
