/*
 * ipmap_int.h - the on-disk layout of an IP map generation, shared by
 * the reader (ipmap.c) and the builder (ipmap_build.c).  Not installed.
 *
 * A map directory holds:
 *	map.<serial>.mdb   one LMDB environment per build (MDB_NOSUBDIR),
 *			   written once and never modified afterwards, so
 *			   readers open it MDB_RDONLY|MDB_NOLOCK;
 *	current		   a symlink to the generation in service, replaced
 *			   atomically with rename(2);
 *	generation	   8 bytes, the serial in service, rewritten in place
 *			   after each swap; readers map it and compare, so
 *			   they notice a new map at their next lookup;
 *	.lock		   flock(2)ed by a loader for the length of a load.
 *
 * Inside a generation, the main (unnamed) database holds:
 *	"\0meta"		text lines "name<TAB>value";
 * the database "ipv4" (MDB_INTEGERKEY) holds the chunks of IPv4 ranges,
 * each keyed by the last address of its last range as a host-order
 * 32-bit integer, and the database "ipv6" the chunks of IPv6 ranges,
 * keyed by that address (16 bytes, network order).
 * The prefixes of a family are flattened at build time into disjoint
 * ranges of addresses; each range holds every prefix covering it, most
 * specific first, with their entries.  Consecutive ranges are packed into
 * chunks of up to IPMAP_CHUNK_MAX ranges, whose range records, customer
 * offsets and customer records take about IPMAP_CHUNK_BYTES, so that a
 * chunk still fits in a B-tree leaf page and the tree has a key per
 * chunk, not per range.  A lookup is one MDB_SET_RANGE (the first chunk
 * whose last address is not below the address) and a binary search of
 * the chunk's table of range ends.  A chunk carries a copy of the record
 * of each customer its entries name, and an entry names its customer by
 * its index in the chunk's list, so that a hit reads nothing outside the
 * chunk.
 *
 * A chunk value is:
 *	u16 n, u16 ncust	ranges in the chunk, customers it names
 *	end[n][alen]		last address of each range, ascending
 *	u32 off[n]		offset of each range record in the value
 *	u32 coff[ncust]		offset of each customer record in the value
 *	the range records
 *	the customer records, "customer\0address\0" each
 *
 * A range record is:
 *	start[alen]		the first address of the range
 *	u8 nchain		prefixes covering the range
 *	nchain times:
 *	    u8 plen, u16 nent (host order)
 *	    nent entries, each:
 *		u8 flags	IPMAP_EF_FROM, _UNTIL, _PORTS; bits 3-4: bytes
 *				of the customer index minus one
 *		cid		1 to 4 bytes, little-endian: the index of the
 *				customer in the chunk's coff
 *		i64 from	if IPMAP_EF_FROM (else open)
 *		i64 until	if IPMAP_EF_UNTIL (else open)
 *		u16 lo, u16 hi	if IPMAP_EF_PORTS (else no ports)
 * so that the usual entry (no validity, no ports, a chunk naming fewer
 * than 256 customers) takes 2 bytes.
 * Numbers are in host order: LMDB files are not portable across byte
 * orders anyway.
 */
#ifndef ABUSE_IPMAP_INT_H
#define ABUSE_IPMAP_INT_H

#include <stdint.h>
#include <string.h>

#include "ipmap.h"

#define IPMAP_FORMAT_VERSION	6	/* the one format written and read */

#define IPMAP_CURRENT		"current"
#define IPMAP_GENERATION	"generation"
#define IPMAP_LOCKFILE		".lock"
#define IPMAP_FILE_PREFIX	"map."
#define IPMAP_FILE_SUFFIX	".mdb"

#define IPMAP_KEY_META		"\0meta"
#define IPMAP_KEY_META_LEN	5
#define IPMAP_DB_V4		"ipv4"
#define IPMAP_DB_V6		"ipv6"

#define IPMAP_CHAIN_HDR		3
#define IPMAP_CHUNK_HDR		4
#ifndef IPMAP_CHUNK_MAX
#define IPMAP_CHUNK_MAX		28	/* ranges in a chunk, at most */
#endif
#ifndef IPMAP_CHUNK_BYTES
#define IPMAP_CHUNK_BYTES	1120	/* range and customer records in a
					 * chunk, about */
#endif
#define IPMAP_ENT_MAX		25	/* longest encoded entry */

#define IPMAP_EF_FROM		0x01
#define IPMAP_EF_UNTIL		0x02
#define IPMAP_EF_PORTS		0x04

/* One entry of a prefix, decoded. */
struct ipmap_ent {
	int64_t		 from, until;	/* IPMAP_OPEN_END when open */
	int32_t		 port_lo, port_hi;	/* -1 when none */
	uint32_t	 cid;
};

/* Encode e at p (IPMAP_ENT_MAX bytes); the length written. */
static inline size_t
ipmap_ent_put(unsigned char *p, const struct ipmap_ent *e)
{
	unsigned	 nb = e->cid < 0x100 ? 1 : e->cid < 0x10000 ? 2 :
			    e->cid < 0x1000000 ? 3 : 4, k;
	size_t		 o = 1;
	uint16_t	 port;

	p[0] = (unsigned char)((nb - 1) << 3);
	for (k = 0; k < nb; k++)
		p[o++] = (unsigned char)(e->cid >> (8 * k));
	if (e->from != INT64_MIN) {
		p[0] |= IPMAP_EF_FROM;
		memcpy(p + o, &e->from, 8);
		o += 8;
	}
	if (e->until != INT64_MIN) {
		p[0] |= IPMAP_EF_UNTIL;
		memcpy(p + o, &e->until, 8);
		o += 8;
	}
	if (e->port_lo != -1) {
		p[0] |= IPMAP_EF_PORTS;
		port = (uint16_t)e->port_lo;
		memcpy(p + o, &port, 2);
		port = (uint16_t)e->port_hi;
		memcpy(p + o + 2, &port, 2);
		o += 4;
	}
	return o;
}

/*
 * Decode the entry at p, which may not reach end; the next entry, or
 * NULL if the entry is cut short.
 */
static inline const unsigned char *
ipmap_ent_get(const unsigned char *p, const unsigned char *end,
    struct ipmap_ent *e)
{
	unsigned	 f, nb, k;
	size_t		 need;
	uint16_t	 port;

	if (p >= end)
		return NULL;
	f = p[0];
	nb = ((f >> 3) & 3) + 1;
	need = 1 + nb + (f & IPMAP_EF_FROM ? 8 : 0) +
	    (f & IPMAP_EF_UNTIL ? 8 : 0) + (f & IPMAP_EF_PORTS ? 4 : 0);
	if ((size_t)(end - p) < need)
		return NULL;
	p++;
	e->cid = 0;
	for (k = 0; k < nb; k++)
		e->cid |= (uint32_t)*p++ << (8 * k);
	e->from = e->until = INT64_MIN;
	e->port_lo = e->port_hi = -1;
	if (f & IPMAP_EF_FROM) {
		memcpy(&e->from, p, 8);
		p += 8;
	}
	if (f & IPMAP_EF_UNTIL) {
		memcpy(&e->until, p, 8);
		p += 8;
	}
	if (f & IPMAP_EF_PORTS) {
		memcpy(&port, p, 2);
		e->port_lo = port;
		memcpy(&port, p + 2, 2);
		e->port_hi = port;
		p += 4;
	}
	return p;
}

/* The key of IPv4 address a (4 bytes, network order) in "ipv4". */
static inline uint32_t
ipmap_v4key(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
}

/* Non-zero if entry e is valid at time t. */
static inline int
ipmap_ent_valid_at(const struct ipmap_ent *e, int64_t t)
{
	return (e->from == INT64_MIN || e->from <= t) &&
	    (e->until == INT64_MIN || t < e->until);
}

/* The customer records of one chunk, which its entries name. */
struct ipmap_custtab {
	const unsigned char *p;		/* the chunk; valid with the txn */
	size_t		 len;
	size_t		 offs;		/* where the u32 offsets start */
	uint32_t	 n;		/* customers */
};

/* The offset of the first byte after the record offsets of table t. */
static inline size_t
ipmap_cust_base(const struct ipmap_custtab *t)
{
	return t->offs + 4 * (size_t)t->n;
}

/*
 * The customer record at offset off of table t: customer (NUL-terminated)
 * and address (alen bytes, then NUL).  Returns 0, or -1 if off does not
 * lead to a well-formed record within the table.
 */
static inline int
ipmap_cust_at(const struct ipmap_custtab *t, uint32_t off,
    const char **cust, size_t *clen, const char **addr, size_t *alen)
{
	const char	*r, *nul, *a, *anul;
	size_t		 rest, lim;

	if (off < ipmap_cust_base(t) || off >= t->len)
		return -1;
	r = (const char *)t->p + off;
	rest = t->len - off;
	lim = rest < IPMAP_CUSTOMER_MAX ? rest : IPMAP_CUSTOMER_MAX;
	if ((nul = memchr(r, '\0', lim)) == NULL || nul == r)
		return -1;
	a = nul + 1;
	rest -= (size_t)(a - r);
	lim = rest < IPMAP_ADDRESS_MAX ? rest : IPMAP_ADDRESS_MAX;
	if ((anul = memchr(a, '\0', lim)) == NULL || anul == a)
		return -1;
	*cust = r;
	*clen = (size_t)(nul - r);
	*addr = a;
	*alen = (size_t)(anul - a);
	return 0;
}

/*
 * The customer an entry names with cid in table t: as ipmap_cust_at().
 * The table's offsets must lie within it (checked when the chunk was
 * counted).
 */
static inline int
ipmap_cust_find(const struct ipmap_custtab *t, uint32_t cid,
    const char **cust, size_t *clen, const char **addr, size_t *alen)
{
	uint32_t	 off;

	if (cid >= t->n)
		return -1;
	memcpy(&off, t->p + t->offs + 4 * (size_t)cid, 4);
	return ipmap_cust_at(t, off, cust, clen, addr, alen);
}

/* Parse "map.<serial>.mdb"; serial, or 0 if name is not one. */
uint64_t ipmap_file_serial(const char *name);

#endif
