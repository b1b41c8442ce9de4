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
 * Entries of the map in service come out of ipmap_walk() in the order
 * of build_sort(); they are joined with the sorted rows (struct build_entry,
 * BENT_OLD, line 0), and each prefix's entries are merged in place;
 * what is dropped is marked BENT_DEAD and removed at the end.  An old
 * entry names its customer record by where it is in the map (the map
 * stays open through the merge), and only those that stay are interned:
 * most are continued by a row and dropped.  The caller holds the map
 * directory's lock.
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
	ipmap_t		*map;		/* the map in service, open */
	/* its entries, in build_sort() order */
	struct build_entry	*old;
	size_t		 nold, aold;
	int		 unsorted;	/* they came out of order */
	const char	**orec;		/* [cid of an old entry]: its customer
					 * record "customer\0address\0" */
	size_t		 norec, aorec;
	/* record pointer -> customer id, when interned */
	const char	*pkey[PCACHE];
	uint32_t	 pcid[PCACHE];
};

/* The customer record ("customer\0address\0") entry e names. */
static const char *
record(const struct hist *h, const struct build_entry *e)
{
	return e->hist & BENT_OLD ? h->orec[e->cid] :
	    build_cust_name(h->b, e->cid);
}

/* Keep one entry of the map in service, naming its record by pointer. */
static int
take_old(void *arg, const struct ipmap_walk_ent *w)
{
	struct hist	*h = arg;
	struct build_entry	*e;
	void		*p;

	if (h->nold == h->aold) {
		h->aold = h->aold ? h->aold * 2 : 65536;
		if ((p = realloc(h->old, h->aold * sizeof(*h->old))) == NULL)
			goto nomem;
		h->old = p;
	}
	if (h->norec == h->aorec) {
		h->aorec = h->aorec ? h->aorec * 2 : 65536;
		if ((p = realloc(h->orec, h->aorec * sizeof(*h->orec))) == NULL)
			goto nomem;
		h->orec = p;
	}
	h->orec[h->norec] = w->customer;
	e = &h->old[h->nold];
	memset(e, 0, sizeof(*e));
	memcpy(e->a, w->net.a, 16);
	e->fam = w->net.family;
	e->plen = (uint8_t)w->plen;
	e->from = w->from;
	e->until = w->until;
	if (w->port_lo != -1) {
		e->ports = 1;
		e->plo = (uint16_t)w->port_lo;
		e->phi = (uint16_t)w->port_hi;
	}
	e->cid = (uint32_t)h->norec++;
	e->hist = BENT_OLD;
	if (h->nold > 0 && build_cmp(e - 1, e) > 0)
		h->unsorted = 1;
	h->nold++;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

/*
 * Read the map in service (file oldname of dir) and check that as_of is
 * not before its own; the map stays open.  0, -1 (refused) or -2.
 */
static int
read_old(struct hist *h, const char *dir, const char *oldname)
{
	struct build	*b = h->b;
	char		 err[512], t[64];
	int64_t		 last;

	if ((h->map = ipmap_open_file(dir, oldname, err,
	    sizeof(err))) == NULL) {
		build_error(b, 0, "%s", err);
		return -2;
	}
	if (ipmap_meta(h->map, "as_of", t, sizeof(t)) == 1 &&
	    time_parse_rfc3339(t, strlen(t), &last) == 0 && b->as_of < last) {
		build_error(b, 0, "the export's time (--as-of) is before "
		    "that of the map in service, %s: load exports in order", t);
		return -1;
	}
	if (ipmap_meta(h->map, "history", t, sizeof(t)) != 1)
		h->changed = 1;		/* the map starts its history */
	if (ipmap_walk(h->map, take_old, h, err, sizeof(err)) == -1) {
		build_error(b, 0, "%s/%s: %s", dir, oldname, err);
		return -2;
	}
	return 0;
}

/* Sort old entries v[0..n) (they come sorted from a map: seldom). */
static void
sort_old(struct build_entry *v, size_t n)
{
	qsort(v, n, sizeof(*v), (int (*)(const void *,
	    const void *))build_cmp);
}

/* Join the sorted rows of the build and the old entries into b->ent. */
static int
join(struct hist *h)
{
	struct build	*b = h->b;
	struct build_entry	*out;
	size_t		 i = 0, j = 0, o = 0;

	build_sort(b);
	if (h->unsorted)
		sort_old(h->old, h->nold);
	if ((out = malloc((b->nent + h->nold + 1) * sizeof(*out))) == NULL)
		return -1;
	while (i < b->nent || j < h->nold)
		if (j == h->nold || (i < b->nent &&
		    build_cmp(&b->ent[i], &h->old[j]) < 0))
			out[o++] = b->ent[i++];
		else
			out[o++] = h->old[j++];
	free(b->ent);
	b->ent = out;
	b->nent = b->aent = o;
	b->aent++;
	free(h->old);
	h->old = NULL;
	return 0;
}

/* Non-zero if x and y have the same ports (or none, both). */
static int
same_ports(const struct build_entry *x, const struct build_entry *y)
{
	return x->ports == y->ports &&
	    (!x->ports || (x->plo == y->plo && x->phi == y->phi));
}

/* Non-zero if the ports of x and y overlap. */
static int
ports_meet(const struct build_entry *x, const struct build_entry *y)
{
	return !x->ports || !y->ports ||
	    (x->plo <= y->phi && y->plo <= x->phi);
}

/* Non-zero if x and y name the same customer. */
static int
same_customer(const struct hist *h, const struct build_entry *x,
    const struct build_entry *y)
{
	if (!((x->hist ^ y->hist) & BENT_OLD) && x->cid == y->cid)
		return 1;
	return strcmp(record(h, x), record(h, y)) == 0;
}

/* Non-zero if x and y name the same customer and address. */
static int
same_record(const struct hist *h, const struct build_entry *x,
    const struct build_entry *y)
{
	const char	*p = record(h, x), *q = record(h, y);
	size_t		 n = strlen(p);

	if (!((x->hist ^ y->hist) & BENT_OLD) && x->cid == y->cid)
		return 1;
	return strcmp(p, q) == 0 && strcmp(p + n + 1, q + n + 1) == 0;
}

/* Non-zero if e is a row of the export that holds now (no until). */
static int
is_current_row(const struct build_entry *e)
{
	return !(e->hist & (BENT_OLD | BENT_DEAD)) && e->until == OPEN;
}

/* The row of v[0..n) that continues old entry o, or NULL. */
static struct build_entry *
continuation(struct hist *h, struct build_entry *v, size_t n,
    const struct build_entry *o)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (is_current_row(&v[i]) && !(v[i].hist & BENT_MATCHED) &&
		    same_ports(&v[i], o) && same_customer(h, &v[i], o))
			return &v[i];
	return NULL;
}

/* Old entry o goes on as row r: r takes its start, o is dropped. */
static void
carry_on(struct hist *h, struct build_entry *o, struct build_entry *r)
{
	h->b->counts.kept++;
	if (r->from == OPEN)
		r->from = o->from;	/* a dated row is as written */
	if (r->from != o->from)
		h->changed = 1;
	if (!same_record(h, r, o)) {
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
close_old(struct hist *h, struct build_entry *v, size_t n,
    struct build_entry *o)
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
known(const struct hist *h, const struct build_entry *v, size_t n,
    const struct build_entry *r)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((v[i].hist & BENT_OLD) && same_record(h, &v[i], r) &&
		    v[i].from == r->from && v[i].until == r->until &&
		    same_ports(&v[i], r))
			return 1;
	return 0;
}

/* Merge the entries v[0..n) of one prefix. */
static void
merge_prefix(struct hist *h, struct build_entry *v, size_t n)
{
	struct build_entry	*r;
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
			if (!known(h, v, n, &v[i]))
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
same_net(const struct build_entry *x, const struct build_entry *y)
{
	return x->fam == y->fam && x->plen == y->plen &&
	    memcmp(x->a, y->a, 16) == 0;
}

/* Intern the record of old entry e, which stays; 0, or -1 (ENOMEM). */
static int
intern_old(struct hist *h, struct build_entry *e)
{
	const char	*r = h->orec[e->cid];
	unsigned	 slot = (unsigned)(((uintptr_t)r >> 3) % PCACHE);
	size_t		 clen = strlen(r);
	int64_t		 cid;

	if (h->pkey[slot] != r) {
		if ((cid = build_intern(h->b, r, clen, r + clen + 1,
		    strlen(r + clen + 1))) == -1)
			return -1;
		h->pkey[slot] = r;
		h->pcid[slot] = (uint32_t)cid;
	}
	e->cid = h->pcid[slot];
	e->hist &= (uint8_t)~BENT_OLD;
	return 0;
}

/*
 * Remove the dropped entries, intern the records of the old ones that
 * stay, and put the entries of each prefix (whose starts the merge may
 * have moved) back in order.  0, or -1 when out of memory.
 */
static int
settle(struct hist *h)
{
	struct build	*b = h->b;
	struct build_entry	 t;
	size_t		 i, j, o = 0, s = 0;

	for (i = 0; i < b->nent; i++) {
		if (b->ent[i].hist & BENT_DEAD)
			continue;
		b->ent[o] = b->ent[i];
		if ((b->ent[o].hist & BENT_OLD) &&
		    intern_old(h, &b->ent[o]) == -1)
			return -1;
		if (o > 0 && !same_net(&b->ent[o], &b->ent[o - 1]))
			s = o;
		for (j = o; j > s && build_cmp(&b->ent[j - 1],
		    &b->ent[j]) > 0; j--) {
			t = b->ent[j];
			b->ent[j] = b->ent[j - 1];
			b->ent[j - 1] = t;
		}
		o++;
	}
	b->nent = o;
	b->sorted = 1;
	return 0;
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

/* A customer of an entry that is not a row holding now. */
struct name {
	const char	*name;		/* NULL: a free slot */
	uint32_t	 cur;		/* record + 1 the export gives it now,
					 * 0 none, NAME_MULTI several */
};

#define NAME_MULTI	UINT32_MAX

/* The slot of name in tab (size a power of two). */
static struct name *
name_slot(struct name *tab, size_t size, const char *name)
{
	size_t	 k;

	for (k = name_hash(name) & (size - 1); tab[k].name != NULL &&
	    strcmp(tab[k].name, name) != 0; k = (k + 1) & (size - 1))
		;
	return &tab[k];
}

/*
 * Give every entry of a customer that is not a row holding now (those
 * closed, and rows with their own validity) the address the export
 * gives the customer now, when it gives one only.  0, or -1 when out of
 * memory.
 */
static int
contacts(struct hist *h)
{
	struct build	*b = h->b;
	struct name	*tab, *sl;
	uint8_t		*used;
	size_t		 size = 16, n = 0, i, c;

	for (i = 0; i < b->nent; i++)
		n += !is_current_row(&b->ent[i]);
	if (n == 0)
		return 0;
	while (size < n * 2)
		size *= 2;
	if ((tab = calloc(size, sizeof(*tab))) == NULL)
		return -1;
	for (i = 0; i < b->nent; i++)
		if (!is_current_row(&b->ent[i]))
			name_slot(tab, size, build_cust_name(b,
			    b->ent[i].cid))->name = build_cust_name(b,
			    b->ent[i].cid);
	/* The records rows holding now name, in the order of the records
	 * (their text is read in order, not at random). */
	if ((used = calloc(b->ncust / 8 + 1, 1)) == NULL) {
		free(tab);
		return -1;
	}
	for (i = 0; i < b->nent; i++)
		if (is_current_row(&b->ent[i]))
			used[b->ent[i].cid / 8] |=
			    (uint8_t)(1 << b->ent[i].cid % 8);
	for (c = 0; c < b->ncust; c++) {
		if (!(used[c / 8] & 1 << c % 8) || (sl = name_slot(tab, size,
		    build_cust_name(b, (uint32_t)c)))->name == NULL)
			continue;
		if (sl->cur == 0)
			sl->cur = (uint32_t)c + 1;
		else if (sl->cur != c + 1)
			sl->cur = NAME_MULTI;
	}
	free(used);
	for (i = 0; i < b->nent; i++) {
		if (is_current_row(&b->ent[i]))
			continue;
		sl = name_slot(tab, size, build_cust_name(b, b->ent[i].cid));
		if (sl->cur == 0 || sl->cur == NAME_MULTI ||
		    sl->cur == b->ent[i].cid + 1)
			continue;
		b->ent[i].cid = sl->cur - 1;
		b->counts.contacts++;
		h->changed = 1;
	}
	free(tab);
	return 0;
}

/* Drop entries closed more than keep_days before as_of. */
static void
expire(struct hist *h)
{
	struct build	*b = h->b;
	int64_t		 limit = b->as_of - (int64_t)b->keep_days * 86400;
	size_t		 i, o;

	for (i = 0, o = 0; i < b->nent; i++) {
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

/*
 * Fetch, while entries before it are merged, the customer records that
 * the rows some way after entry s name: rows are in address order, their
 * records at random.
 */
static void
ahead(struct hist *h, size_t s)
{
	const struct build *b = h->b;
	const struct build_entry *e;

	if (s + 32 < b->nent && !((e = &b->ent[s + 32])->hist & BENT_OLD))
		__builtin_prefetch(&b->cust[e->cid]);
	if (s + 16 < b->nent && !((e = &b->ent[s + 16])->hist & BENT_OLD))
		__builtin_prefetch(b->carena + b->cust[e->cid].off);
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
	if (join(h) == -1)
		goto nomem;
	for (s = 0; s < b->nent; s = k) {
		ahead(h, s);
		for (k = s + 1; k < b->nent && same_net(&b->ent[k],
		    &b->ent[s]); k++)
			;
		merge_prefix(h, b->ent + s, k - s);
	}
	if ((rc = guard(h)) != 0)
		goto out;
	if (settle(h) == -1 || contacts(h) == -1)
		goto nomem;
	expire(h);
	b->unchanged = !h->changed;
	goto out;
nomem:
	build_error(b, 0, "out of memory");
	rc = -2;
out:
	ipmap_close(h->map);
	free(h->old);
	free(h->orec);
	free(h);
	return rc;
}
