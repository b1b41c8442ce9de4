/*
 * ipmap.h - which customer held an IP address at a given time (and port).
 *
 * The map lives in an LMDB environment under a map directory, built by
 * `abuse-map load` (ipmap_build) from the CSV source format described in
 * abuse-map(8).  A reader (the milter) opens the directory once and looks
 * up from many threads at once; when the loader replaces the map, readers
 * move to the new one by themselves at their next lookup, seeing the
 * complete old or the complete new map, never a mix.
 *
 * Lookup semantics: longest-prefix match; among the entries of a prefix
 * only those valid at the lookup time ([valid_from, valid_until)) and, when
 * a port is given, whose port range holds it, count; if none counts, the
 * next shorter prefix is tried.  When no port is given and the entries that
 * count on the most specific prefix name several customers, the answer is
 * IPMAP_AMBIGUOUS.
 *
 * An ipmap_t is safe to use from many threads at once.  ipmap_open()
 * must be called after fork()/daemon(), never before.
 */
#ifndef ABUSE_IPMAP_H
#define ABUSE_IPMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

#define IPMAP_CUSTOMER_MAX	64	/* with the NUL */
#define IPMAP_ADDRESS_MAX	256	/* with the NUL (RFC 5321 path) */

enum ipmap_status {
	IPMAP_ERROR = -1,	/* the map could not be read */
	IPMAP_NOTFOUND = 0,	/* no entry covers the address */
	IPMAP_FOUND = 1,	/* res is filled in */
	IPMAP_AMBIGUOUS = 2	/* ports split among customers, no port */
};

#define IPMAP_NO_PORT	(-1)
#define IPMAP_OPEN_END	INT64_MIN	/* valid_from / valid_until unset */

struct ipmap_result {
	char		customer[IPMAP_CUSTOMER_MAX];
	char		address[IPMAP_ADDRESS_MAX];
	struct ipaddr	prefix;		/* the matched network */
	int		plen;		/* its length */
	int64_t		valid_from;	/* IPMAP_OPEN_END if open */
	int64_t		valid_until;	/* IPMAP_OPEN_END if open */
	int		port_lo, port_hi;	/* -1 if the entry has no ports */
	uint64_t	serial;		/* build serial of the answering map */
};

typedef struct ipmap ipmap_t;

/*
 * Open the map in directory dir.  A missing or unreadable map is not
 * fatal: the handle is returned and lookups answer IPMAP_ERROR until a
 * map appears.  Returns NULL only when out of memory.  On a problem a
 * message is written into err (errlen bytes) when err is not NULL.
 */
ipmap_t	*ipmap_open(const char *dir, char *err, size_t errlen);

/* Close the map and free the handle. */
void	 ipmap_close(ipmap_t *map);

/*
 * Look up ip at time when (seconds since the epoch) and port
 * (IPMAP_NO_PORT for none).  Returns an enum ipmap_status; res is filled
 * in only on IPMAP_FOUND (on IPMAP_AMBIGUOUS res->serial is set).
 * Allocates nothing.
 */
int	 ipmap_lookup(ipmap_t *map, const struct ipaddr *ip, int64_t when,
	    int port, struct ipmap_result *res);

#define IPMAP_HOLDERS_MAX 8

/*
 * The holders of an address over a window of time, as
 * ipmap_lookup_span() finds them.
 */
struct ipmap_holders {
	size_t		n;		/* distinct holders found, at most
					 * IPMAP_HOLDERS_MAX */
	int		more;		/* more holders than fit */
	int		gap;		/* some instant of [t0, t1] has no
					 * holder */
	int		ambiguous;	/* some instant answers
					 * IPMAP_AMBIGUOUS (ports split, no
					 * port) */
	struct ipmap_result holder[IPMAP_HOLDERS_MAX];	/* one per
					 * distinct customer */
	uint64_t	serial;		/* build serial of the answering
					 * map, 0 if none */
};

/*
 * Every holder of ip over [t0, t1] (t0 <= t1): the distinct answers that
 * ipmap_lookup(map, ip, t, port) gives for t in [t0, t1], in time order.
 * Returns IPMAP_FOUND when at least one holder was found (then read
 * out->gap: a gap means some instant had none), IPMAP_NOTFOUND when no
 * instant has a holder, IPMAP_AMBIGUOUS when some instant is ambiguous
 * (out is still filled), IPMAP_ERROR when the map cannot be read.
 * Allocates nothing.
 *
 * Holders are distinct by customer, in the order in which they first
 * hold ip; holder[i] is the answer at the latest instant customer i held
 * it (its prefix and validity then; address as that entry gives it).
 * The answer can only change where an entry of a prefix covering ip
 * starts or stops being valid, so the map is asked at t0 and at each of
 * those instants in (t0, t1], never sampled.  All instants are answered
 * from one map generation (the pinned one, under ipmap_pin()).  t0 > t1
 * or an address that is neither IPv4 nor IPv6 is IPMAP_ERROR.
 */
int	 ipmap_lookup_span(ipmap_t *map, const struct ipaddr *ip, int64_t t0,
	    int64_t t1, int port, struct ipmap_holders *out);

/*
 * Keep the calling thread's lookups on the map generation in service now,
 * even if the loader replaces it, until ipmap_unpin(): every lookup of one
 * decision then answers from one map.  Returns the serial of that
 * generation, 0 if there is no map (lookups then answer IPMAP_ERROR).
 * Pins do not nest.
 */
uint64_t ipmap_pin(ipmap_t *map);
/* Let the calling thread move to the newest generation again. */
void	 ipmap_unpin(ipmap_t *map);

/*
 * The next instant after `after` at which the answer for ip (and port)
 * may change: where an entry of a prefix covering ip starts or stops
 * being valid.  Returns 1 with *next set, 0 if there is none, -1 when
 * the map cannot be read.  With ipmap_pin(), walking t from IPMAP_OPEN_END
 * through ipmap_lookup() and this gives ip's holders over all time.
 */
int	 ipmap_next_change(ipmap_t *map, const struct ipaddr *ip,
	    int64_t after, int port, int64_t *next);

/* One entry of the map, as ipmap_walk() hands it out. */
struct ipmap_walk_ent {
	struct ipaddr	 net;		/* the prefix */
	int		 plen;
	int64_t		 from, until;	/* IPMAP_OPEN_END when open */
	int		 port_lo, port_hi;	/* -1 when none */
	const char	*customer;	/* NUL-terminated, in the map: valid */
	const char	*address;	/* until the callback returns */
};

/* Called by ipmap_walk() for each entry; 0 to go on, -1 to stop. */
typedef int (*ipmap_walk_fn)(void *arg, const struct ipmap_walk_ent *e);

/*
 * Hand every entry of the map in service to fn, ordered by family,
 * address, prefix length, then as stored (start of validity, ports).
 * The customer and address pointers stay the same for the same record
 * within one chunk of the map, and are valid only during the call.
 * Returns 0, or -1 with a message in err (errlen bytes) when the map
 * cannot be read or fn returned -1 (then with errno ENOMEM: "out of
 * memory").
 */
int	 ipmap_walk(ipmap_t *map, ipmap_walk_fn fn, void *arg, char *err,
	    size_t errlen);

/*
 * The value of metadata line name of the map in service (see `abuse-map
 * stat`), copied into out (outsize bytes).  Returns 1, 0 when the map
 * has no such line (or it does not fit), -1 when there is no map.
 */
int	 ipmap_meta(ipmap_t *map, const char *name, char *out, size_t outsize);

/*
 * Open the generation file name (in directory dir) alone, checking it as
 * a reader does when it takes a new generation; the handle never moves
 * to another one.  Returns NULL with a message in err when the file is
 * not a readable map (or out of memory).  For `abuse-map install`.
 */
ipmap_t	*ipmap_open_file(const char *dir, const char *name, char *err,
	    size_t errlen);

/* Serial number of the map currently in service, 0 if none. */
uint64_t ipmap_serial(ipmap_t *map);

/* Build time and source hash of the map in service; -1 if none. */
int	 ipmap_info(ipmap_t *map, int64_t *built, char *hash, size_t hashlen);

#endif
