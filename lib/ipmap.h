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

/* Serial number of the map currently in service, 0 if none. */
uint64_t ipmap_serial(ipmap_t *map);

/* Build time and source hash of the map in service; -1 if none. */
int	 ipmap_info(ipmap_t *map, int64_t *built, char *hash, size_t hashlen);

#endif
