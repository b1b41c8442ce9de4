/*
 * ipmap.c - the IP map reader; see ipmap.h, and ipmap_int.h for the
 * layout of a generation.
 *
 * A handle keeps the generation in service (struct gen, reference
 * counted under a mutex).  Since a generation file is never written once
 * it is in service, it is opened MDB_RDONLY|MDB_NOLOCK and one read
 * transaction stays open for the generation's life, so that what it
 * returns stays valid as long as the generation.  When a generation is
 * opened its chunks of ranges are walked once, checked, and indexed in
 * memory (struct chunkidx): for IPv4 a table of the 65,536 /16s giving
 * the chunks that end in each, for IPv6 the sorted last addresses.  A
 * lookup is then a few comparisons to the chunk, a binary search in the
 * chunk, and on a hit the customer record the chunk carries: no B-tree
 * descent, no allocation, no lock, no LMDB call.
 *
 * Each thread holds a reference to the generation it uses (struct
 * tstate, found through a pthread key).  New generations are noticed
 * through the `generation` hint file, mapped read-only and compared at
 * each lookup (a memory load), and in any case by reading the `current`
 * link at most once a second (at every lookup while there is no map in
 * service).  One thread opens the new generation while the others go on
 * answering from the old one; a thread moves at its next lookup, and the
 * old generation is closed when its last thread has moved.  A generation
 * that cannot be opened is not taken: the old one stays in service.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "ipmap_int.h"
#include "sha256.h"
#include "timeparse.h"

#define RECHECK_MS	1000	/* re-read `current` this often */
#define RETRY_MS	100	/* retry a generation that failed to open */

/* The chunks of ranges of one family, indexed when a generation opens. */
struct chunkidx {
	size_t		 n;		/* chunks */
	const unsigned char **data;	/* each chunk value, in the map */
	uint32_t	*size;		/* and its length */
	uint32_t	*last4;		/* IPv4: the last address of each */
	uint32_t	*dir4;		/* IPv4: [h] the first chunk ending at
					 * or after h.0.0, h = 0..65536 */
	uint64_t	*last6;		/* IPv6: the last address of each, as
					 * two halves (high, low) */
};

#define DIR4_SIZE	(65536 + 1)

/* One generation of the map, open. */
struct gen {
	MDB_env		*env;
	MDB_txn		*txn;		/* read, open as long as the gen */
	MDB_dbi		 dbi;		/* main: metadata */
	MDB_dbi		 dbi4, dbi6;	/* chunks of ranges per family */
	struct chunkidx	 v4, v6;
	uint64_t	 serial;
	int64_t		 built;
	char		 hash[SHA256_HEXLEN];
	char		 name[64];	/* file name in the directory */
	dev_t		 dev;		/* the file's identity: a directory */
	ino_t		 ino;		/* rebuilt from scratch reuses names */
	char		*meta;		/* the metadata text */
	int		 refs;		/* in service + threads using it */
};

/* What one thread keeps between lookups. */
struct tstate {
	ipmap_t		*map;
	struct gen	*gen;		/* a reference, or NULL */
	int		 pinned;	/* stay on gen until ipmap_unpin() */
	struct tstate	*prev, *next;
};

/*
 * Locks: mu guards the reference counts, the thread list and changes of
 * cur; refresh_mu is held by the one thread that looks for and opens a
 * new generation, and guards hint, failed, retry_failed and lasterr.
 * refresh_mu may be held while taking mu, never the other way.
 */
struct ipmap {
	char		 dir[PATH_MAX];
	pthread_mutex_t	 mu;
	pthread_mutex_t	 refresh_mu;
	struct gen	*cur;		/* atomic; changed under both */
	pthread_key_t	 key;
	struct tstate	*threads;	/* under mu */
	const uint64_t	*hint;		/* mapped `generation`, or NULL */
	uint64_t	 hint_seen;	/* atomic */
	int64_t		 next_check;	/* atomic, monotonic ms */
	char		 lasterr[256];
	char		 failed[64];	/* generation that would not open */
	int64_t		 retry_failed;	/* when to try it again */
	int		 fixed;		/* ipmap_open_file(): never moves */
};

/* Monotonic milliseconds, cheaply. */
static int64_t
now_ms(void)
{
	struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Remember why the map cannot be used (cut if too long); under refresh_mu. */
static void __attribute__((format(printf, 2, 3)))
set_err(ipmap_t *map, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vsnprintf(map->lasterr, sizeof(map->lasterr), fmt, ap) < 0)
		map->lasterr[0] = '\0';
	va_end(ap);
}

/* Copy the last error into err; takes refresh_mu. */
static void
get_err(ipmap_t *map, const char *prefix, char *err, size_t errlen)
{
	if (err == NULL || errlen == 0)
		return;
	pthread_mutex_lock(&map->refresh_mu);
	snprintf(err, errlen, "%s%s", prefix, map->lasterr);
	pthread_mutex_unlock(&map->refresh_mu);
}

/* Value of the metadata line name in text, copied into out; 0 or -1. */
static int
meta_value(const char *text, const char *name, char *out, size_t outsize)
{
	size_t		 nl = strlen(name), vl;
	const char	*p = text, *end;

	while (*p) {
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 &&
		    p[nl] == '\t') {
			vl = (size_t)(end - p) - nl - 1;
			if (vl >= outsize)
				return -1;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -1;
}

/* The 8 bytes at p as a big-endian number. */
static inline uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Number of ranges in chunk v, with its header checked (room for the
 * range ends, the record offsets and *ncust customer offsets); -1 if bad.
 */
static int
chunk_count(const MDB_val *v, size_t alen, unsigned *ncust)
{
	uint16_t n, nc;

	if (v->mv_size < IPMAP_CHUNK_HDR)
		return -1;
	memcpy(&n, v->mv_data, 2);
	memcpy(&nc, (const unsigned char *)v->mv_data + 2, 2);
	if (n == 0 || (v->mv_size - IPMAP_CHUNK_HDR) / (alen + 4) < n ||
	    (v->mv_size - IPMAP_CHUNK_HDR - (size_t)n * (alen + 4)) / 4 < nc)
		return -1;
	*ncust = nc;
	return n;
}

/*
 * The customers of chunk v (n ranges of alen-byte addresses, ncust
 * customers, as chunk_count() found) into t.
 */
static void
chunk_custs(const MDB_val *v, size_t alen, int n, unsigned ncust,
    struct ipmap_custtab *t)
{
	t->p = v->mv_data;
	t->len = v->mv_size;
	t->offs = IPMAP_CHUNK_HDR + (size_t)n * (alen + 4);
	t->n = ncust;
}

/* Record i of chunk v (n ranges); NULL if it is out of bounds. */
static const unsigned char *
chunk_record(const MDB_val *v, size_t alen, int n, int i)
{
	uint32_t off;

	memcpy(&off, (const unsigned char *)v->mv_data + IPMAP_CHUNK_HDR +
	    (size_t)n * alen + 4 * (size_t)i, 4);
	if (off > v->mv_size || v->mv_size - off < alen + 1)
		return NULL;
	return (const unsigned char *)v->mv_data + off;
}

/* The 4 bytes at p as a big-endian number. */
static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Non-zero if address a comes before address b (both alen bytes): the
 * order of memcmp(), compared as big-endian numbers, which is cheaper.
 */
static inline int
addr_below(const uint8_t *a, const uint8_t *b, size_t alen)
{
	uint64_t ah, bh;

	if (alen == 4)
		return be32(a) < be32(b);
	ah = be64(a);
	bh = be64(b);
	return ah < bh || (ah == bh && be64(a + 8) < be64(b + 8));
}

/*
 * The record of the first range in chunk v (n ranges, as chunk_count()
 * found) that ends at or after addr (alen bytes); NULL if the chunk is
 * malformed.
 */
static const unsigned char *
chunk_find(const MDB_val *v, size_t alen, int n, const uint8_t *addr)
{
	const unsigned char *ends = (const unsigned char *)v->mv_data +
	    IPMAP_CHUNK_HDR;
	int		 lo, hi, mid;

	lo = 0;
	hi = n - 1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (addr_below(ends + (size_t)mid * alen, addr, alen))
			lo = mid + 1;
		else
			hi = mid;
	}
	return chunk_record(v, alen, n, lo);
}

/*
 * Ask for chunk v (its count, range ends, offsets, range records and
 * customer records) to be fetched into the cache at once, rather than
 * one line after the other as the binary search, the range record and
 * the customer record reach them: the chunk is a kilobyte or so in one
 * place, a lookup's one random access to the map.
 */
static inline void
chunk_prefetch(const MDB_val *v, size_t alen)
{
	const char	*p = v->mv_data;
	size_t		 len, o;

	len = IPMAP_CHUNK_HDR + IPMAP_CHUNK_MAX * (alen + 4) +
	    IPMAP_CHUNK_BYTES;
	if (len > v->mv_size)
		len = v->mv_size;
	for (o = 0; o < len; o += 64)
		__builtin_prefetch(p + o);
}

/* Free what chunkidx_build allocated. */
static void
chunkidx_free(struct chunkidx *ix)
{
	free(ix->data);
	free(ix->size);
	free(ix->last4);
	free(ix->dir4);
	free(ix->last6);
	memset(ix, 0, sizeof(*ix));
}

/* Allocate the arrays of ix for n chunks of alen-byte addresses; 0 or -1. */
static int
chunkidx_alloc(struct chunkidx *ix, size_t n, size_t alen)
{
	size_t	 m = n ? n : 1;

	ix->data = calloc(m, sizeof(*ix->data));
	ix->size = calloc(m, sizeof(*ix->size));
	if (alen == 4) {
		ix->last4 = calloc(m, sizeof(*ix->last4));
		ix->dir4 = calloc(DIR4_SIZE, sizeof(*ix->dir4));
		if (ix->last4 == NULL || ix->dir4 == NULL)
			return -1;
	} else if ((ix->last6 = calloc(m, 2 * sizeof(*ix->last6))) == NULL)
		return -1;
	return ix->data && ix->size ? 0 : -1;
}

/*
 * Note chunk v with key k as chunk i of ix (alen-byte addresses): its
 * key must be the last address of its last range and above the key of
 * chunk i - 1.  Returns 0, or -1 if the chunk is malformed.
 */
static int
chunkidx_add(struct chunkidx *ix, size_t i, size_t alen, const MDB_val *k,
    const MDB_val *v)
{
	const unsigned char *last;
	uint32_t	 k4;
	uint64_t	 hi, lo;
	unsigned	 nc;
	int		 n;

	if ((n = chunk_count(v, alen, &nc)) == -1 || v->mv_size > UINT32_MAX ||
	    k->mv_size != alen)
		return -1;
	last = (const unsigned char *)v->mv_data + IPMAP_CHUNK_HDR +
	    (size_t)(n - 1) * alen;
	if (alen == 4) {
		memcpy(&k4, k->mv_data, 4);
		if (k4 != ipmap_v4key(last) || (i > 0 && k4 <= ix->last4[i - 1]))
			return -1;
		ix->last4[i] = k4;
	} else {
		if (memcmp(k->mv_data, last, 16) != 0)
			return -1;
		hi = be64(last);
		lo = be64(last + 8);
		if (i > 0 && (hi < ix->last6[2 * i - 2] ||
		    (hi == ix->last6[2 * i - 2] && lo <= ix->last6[2 * i - 1])))
			return -1;
		ix->last6[2 * i] = hi;
		ix->last6[2 * i + 1] = lo;
	}
	ix->data[i] = v->mv_data;
	ix->size[i] = (uint32_t)v->mv_size;
	return 0;
}

/*
 * Walk the chunks of dbi in txn (alen-byte addresses) and index them in
 * ix.  Returns 0, or an LMDB error (MDB_CORRUPTED for a malformed chunk,
 * ENOMEM).
 */
static int
chunkidx_build(MDB_txn *txn, MDB_dbi dbi, size_t alen, struct chunkidx *ix)
{
	MDB_stat	 st;
	MDB_cursor	*cur;
	MDB_val		 k, v;
	size_t		 i = 0, j;
	uint64_t	 h;
	int		 rc;

	memset(ix, 0, sizeof(*ix));
	if ((rc = mdb_stat(txn, dbi, &st)) != 0)
		return rc;
	if (chunkidx_alloc(ix, st.ms_entries, alen) == -1)
		return ENOMEM;
	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (i == st.ms_entries || chunkidx_add(ix, i, alen, &k,
		    &v) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		i++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return rc;
	if (i != st.ms_entries)
		return MDB_CORRUPTED;
	ix->n = i;
	if (alen == 4)
		for (h = 0, j = 0; h < DIR4_SIZE; h++) {
			while (j < ix->n && ix->last4[j] < h << 16)
				j++;
			ix->dir4[h] = (uint32_t)j;
		}
	return 0;
}

/*
 * The chunk of g that may hold ip: the first whose last address is not
 * below it.  Returns 0, or -1 if ip is past the last range.
 */
static int
chunk_locate(const struct gen *g, const struct ipaddr *ip, MDB_val *v)
{
	const struct chunkidx *ix;
	const uint64_t	*l;
	uint64_t	 ah, al;
	uint32_t	 a;
	size_t		 lo, hi, mid;

	if (ip->family == IPADDR_V4) {
		ix = &g->v4;
		a = ipmap_v4key(ip->a);
		/* The answer lies in [dir4[a / 2^16], dir4[a / 2^16 + 1]]. */
		lo = ix->dir4[a >> 16];
		hi = ix->dir4[(a >> 16) + 1];
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (ix->last4[mid] < a)
				lo = mid + 1;
			else
				hi = mid;
		}
	} else {
		ix = &g->v6;
		ah = be64(ip->a);
		al = be64(ip->a + 8);
		lo = 0;
		hi = ix->n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			l = ix->last6 + 2 * mid;
			if (l[0] < ah || (l[0] == ah && l[1] < al))
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	if (lo >= ix->n)
		return -1;
	v->mv_data = (void *)(uintptr_t)ix->data[lo];
	v->mv_size = ix->size[lo];
	return 0;
}

/* Drop a reference to g, closing it with the last one; under mu. */
static void
gen_unref(struct gen *g)
{
	if (g == NULL || --g->refs > 0)
		return;
	chunkidx_free(&g->v4);
	chunkidx_free(&g->v6);
	if (g->txn)
		mdb_txn_abort(g->txn);
	mdb_env_close(g->env);
	free(g->meta);
	free(g);
}

/*
 * Non-zero if the file of env (st) holds every page its meta page says
 * it has: a copy cut short would make a read past its end a SIGBUS.
 */
static int
whole_file(MDB_env *env, const struct stat *st)
{
	MDB_envinfo	 ei;
	MDB_stat	 ms;

	if (mdb_env_info(env, &ei) != 0 || mdb_env_stat(env, &ms) != 0)
		return 0;
	return (uint64_t)st->st_size >= ((uint64_t)ei.me_last_pgno + 1) *
	    ms.ms_psize;
}

/* Open generation file name of map; NULL with map->lasterr set. */
static struct gen *
gen_open(ipmap_t *map, const char *name)
{
	struct gen	*g;
	MDB_txn		*txn = NULL;
	MDB_val		 k, v;
	struct stat	 st;
	char		 path[PATH_MAX], tmp[64];
	int		 rc;

	if (snprintf(path, sizeof(path), "%s/%s", map->dir, name) >=
	    (int)sizeof(path) || strlen(name) >= sizeof(g->name)) {
		set_err(map, "%s: name too long", map->dir);
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		set_err(map, "out of memory");
		return NULL;
	}
	memcpy(g->name, name, strlen(name) + 1);
	if (stat(path, &st) == -1) {
		set_err(map, "%s: %s", path, strerror(errno));
		free(g);
		return NULL;
	}
	g->dev = st.st_dev;
	g->ino = st.st_ino;
	if ((rc = mdb_env_create(&g->env)) != 0)
		goto fail;
	if ((rc = mdb_env_set_maxdbs(g->env, 2)) != 0 ||
	    (rc = mdb_env_open(g->env, path, MDB_RDONLY | MDB_NOSUBDIR |
	    MDB_NOLOCK | MDB_NOTLS, 0)) != 0)
		goto fail;
	if (!whole_file(g->env, &st)) {
		set_err(map, "%s: cut short (%lld bytes)", path,
		    (long long)st.st_size);
		goto fail_quiet;
	}
	if ((rc = mdb_txn_begin(g->env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &g->dbi)) != 0)
		goto fail;
	k.mv_data = (void *)(uintptr_t)IPMAP_KEY_META;
	k.mv_size = IPMAP_KEY_META_LEN;
	if ((rc = mdb_get(txn, g->dbi, &k, &v)) != 0)
		goto fail;
	if ((g->meta = malloc(v.mv_size + 1)) == NULL) {
		rc = ENOMEM;
		goto fail;
	}
	memcpy(g->meta, v.mv_data, v.mv_size);
	g->meta[v.mv_size] = '\0';
	if (meta_value(g->meta, "version", tmp, sizeof(tmp)) == -1 ||
	    atoi(tmp) != IPMAP_FORMAT_VERSION) {
		set_err(map, "%s: not a map of format version %d: build it "
		    "again with abuse-map load", path, IPMAP_FORMAT_VERSION);
		goto fail_quiet;
	}
	if ((rc = mdb_dbi_open(txn, IPMAP_DB_V4, MDB_INTEGERKEY,
	    &g->dbi4)) != 0 ||
	    (rc = mdb_dbi_open(txn, IPMAP_DB_V6, 0, &g->dbi6)) != 0)
		goto fail;
	/* Commit, not abort: that keeps the database handles open. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		goto fail;
	if (
	    meta_value(g->meta, "serial", tmp, sizeof(tmp)) == -1 ||
	    (g->serial = strtoull(tmp, NULL, 10)) == 0 ||
	    meta_value(g->meta, "built", tmp, sizeof(tmp)) == -1 ||
	    time_parse_rfc3339(tmp, strlen(tmp), &g->built) == -1 ||
	    meta_value(g->meta, "source_sha256", g->hash,
	    sizeof(g->hash)) == -1) {
		rc = MDB_INVALID;
		goto fail;
	}
	/* The transaction that lookups read through, and the index. */
	if ((rc = mdb_txn_begin(g->env, NULL, MDB_RDONLY, &g->txn)) != 0 ||
	    (rc = chunkidx_build(g->txn, g->dbi4, 4, &g->v4)) != 0 ||
	    (rc = chunkidx_build(g->txn, g->dbi6, 16, &g->v6)) != 0)
		goto fail;
	g->refs = 1;
	return g;
fail:
	set_err(map, "%s: %s", path, mdb_strerror(rc));
fail_quiet:
	if (txn)
		mdb_txn_abort(txn);
	chunkidx_free(&g->v4);
	chunkidx_free(&g->v6);
	if (g->txn)
		mdb_txn_abort(g->txn);
	if (g->env)
		mdb_env_close(g->env);
	free(g->meta);
	free(g);
	return NULL;
}

/* Map the generation hint file if it is there; under refresh_mu. */
static void
hint_map(ipmap_t *map)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	void		*p;
	int		 fd;

	if (snprintf(path, sizeof(path), "%s/%s", map->dir,
	    IPMAP_GENERATION) >= (int)sizeof(path))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(uint64_t)) {
		p = mmap(NULL, sizeof(uint64_t), PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			__atomic_store_n(&map->hint, (const uint64_t *)p,
			    __ATOMIC_RELEASE);
	}
	close(fd);
}

/*
 * Look at `current` and take a new generation if there is one; under
 * refresh_mu.  The new generation is opened without mu, so that other
 * threads go on answering from the old one meanwhile.
 */
static void
refresh_locked(ipmap_t *map, int64_t now)
{
	struct gen	*g, *old = map->cur;
	struct stat	 st;
	char		 path[PATH_MAX], name[64];
	ssize_t		 n;

	__atomic_store_n(&map->next_check, now + RECHECK_MS, __ATOMIC_RELAXED);
	if (map->hint == NULL)
		hint_map(map);
	if (map->hint)
		__atomic_store_n(&map->hint_seen, __atomic_load_n(map->hint,
		    __ATOMIC_ACQUIRE), __ATOMIC_RELAXED);
	if (snprintf(path, sizeof(path), "%s/%s", map->dir, IPMAP_CURRENT) >=
	    (int)sizeof(path))
		return;
	if ((n = readlink(path, name, sizeof(name) - 1)) <= 0) {
		set_err(map, "%s: %s", path,
		    n == 0 ? "empty link" : strerror(errno));
		return;
	}
	name[n] = '\0';
	/*
	 * The same name is the same generation only if it is the same file:
	 * a map directory deleted and built again starts its serials, and so
	 * its file names, afresh.
	 */
	if (old && strcmp(old->name, name) == 0 && stat(path, &st) == 0 &&
	    st.st_dev == old->dev && st.st_ino == old->ino)
		return;
	/* A generation that failed is tried again only now and then. */
	if (strcmp(map->failed, name) == 0 && now < map->retry_failed)
		return;
	if ((g = gen_open(map, name)) == NULL) {
		memcpy(map->failed, name, (size_t)n + 1);
		map->retry_failed = now + RETRY_MS;
		return;
	}
	map->failed[0] = '\0';
	pthread_mutex_lock(&map->mu);
	__atomic_store_n(&map->cur, g, __ATOMIC_RELEASE);
	gen_unref(old);
	pthread_mutex_unlock(&map->mu);
}

/*
 * Refresh if the hint moved or the recheck time has come; while there is
 * no map in service, at every lookup (those answer IPMAP_ERROR anyway).
 * With a map in service a thread does not wait for another that is
 * already refreshing: it goes on with the map it has.
 */
static void
maybe_refresh(ipmap_t *map)
{
	int64_t		 now = now_ms();
	const uint64_t	*hint;
	uint64_t	 h;

	if (map->fixed)
		return;
	if (__atomic_load_n(&map->cur, __ATOMIC_ACQUIRE) == NULL) {
		pthread_mutex_lock(&map->refresh_mu);
		refresh_locked(map, now);
		pthread_mutex_unlock(&map->refresh_mu);
		return;
	}
	if ((hint = __atomic_load_n(&map->hint, __ATOMIC_ACQUIRE)) != NULL) {
		h = __atomic_load_n(hint, __ATOMIC_ACQUIRE);
		if (h != __atomic_load_n(&map->hint_seen, __ATOMIC_RELAXED))
			goto refresh;
	}
	if (now < __atomic_load_n(&map->next_check, __ATOMIC_RELAXED))
		return;
refresh:
	if (pthread_mutex_trylock(&map->refresh_mu) != 0)
		return;
	refresh_locked(map, now);
	pthread_mutex_unlock(&map->refresh_mu);
}

/* Let go of the generation a thread uses; under mu. */
static void
tstate_release(struct tstate *ts)
{
	gen_unref(ts->gen);
	ts->gen = NULL;
}

/* Thread exit: release the thread's state. */
static void
tstate_destroy(void *p)
{
	struct tstate	*ts = p;
	ipmap_t		*map = ts->map;

	pthread_mutex_lock(&map->mu);
	tstate_release(ts);
	if (ts->prev)
		ts->prev->next = ts->next;
	else
		map->threads = ts->next;
	if (ts->next)
		ts->next->prev = ts->prev;
	pthread_mutex_unlock(&map->mu);
	free(ts);
}

/*
 * The calling thread's state, moved to the generation in service unless
 * it is pinned.  NULL when there is no map or on a resource error.
 */
static struct tstate *
tstate_get(ipmap_t *map)
{
	struct tstate	*ts;
	struct gen	*g;

	if ((ts = pthread_getspecific(map->key)) == NULL) {
		if ((ts = calloc(1, sizeof(*ts))) == NULL)
			return NULL;
		ts->map = map;
		if (pthread_setspecific(map->key, ts) != 0) {
			free(ts);
			return NULL;
		}
		pthread_mutex_lock(&map->mu);
		ts->next = map->threads;
		if (ts->next)
			ts->next->prev = ts;
		map->threads = ts;
		pthread_mutex_unlock(&map->mu);
	}
	g = __atomic_load_n(&map->cur, __ATOMIC_ACQUIRE);
	if (ts->gen != NULL && (ts->pinned || g == ts->gen))
		return ts;
	pthread_mutex_lock(&map->mu);
	tstate_release(ts);
	if ((g = map->cur) != NULL) {
		g->refs++;
		ts->gen = g;
	}
	pthread_mutex_unlock(&map->mu);
	return ts->gen ? ts : NULL;
}

/* A new handle on dir with no generation; NULL with err set. */
static ipmap_t *
map_new(const char *dir, char *err, size_t errlen)
{
	ipmap_t	*map;

	if ((map = calloc(1, sizeof(*map))) == NULL) {
		if (err)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (snprintf(map->dir, sizeof(map->dir), "%s", dir) >=
	    (int)sizeof(map->dir) || pthread_key_create(&map->key,
	    tstate_destroy) != 0) {
		if (err)
			snprintf(err, errlen, "%s: cannot open", dir);
		free(map);
		return NULL;
	}
	pthread_mutex_init(&map->mu, NULL);
	pthread_mutex_init(&map->refresh_mu, NULL);
	return map;
}

/* Open the map in dir. */
ipmap_t *
ipmap_open(const char *dir, char *err, size_t errlen)
{
	ipmap_t	*map;

	if ((map = map_new(dir, err, errlen)) == NULL)
		return NULL;
	pthread_mutex_lock(&map->refresh_mu);
	refresh_locked(map, now_ms());
	if (map->cur == NULL && err != NULL)
		snprintf(err, errlen, "%s", map->lasterr);
	else if (err != NULL && errlen > 0)
		err[0] = '\0';
	pthread_mutex_unlock(&map->refresh_mu);
	return map;
}

/* Open the generation file name in dir, and only that one. */
ipmap_t *
ipmap_open_file(const char *dir, const char *name, char *err, size_t errlen)
{
	ipmap_t	*map;

	if ((map = map_new(dir, err, errlen)) == NULL)
		return NULL;
	map->fixed = 1;
	if ((map->cur = gen_open(map, name)) == NULL) {
		if (err)
			snprintf(err, errlen, "%s", map->lasterr);
		ipmap_close(map);
		return NULL;
	}
	return map;
}

/* Close the map and free the handle. */
void
ipmap_close(ipmap_t *map)
{
	struct tstate	*ts, *next;

	if (map == NULL)
		return;
	pthread_key_delete(map->key);
	pthread_mutex_lock(&map->mu);
	for (ts = map->threads; ts != NULL; ts = next) {
		next = ts->next;
		tstate_release(ts);
		free(ts);
	}
	gen_unref(map->cur);
	map->cur = NULL;
	pthread_mutex_unlock(&map->mu);
	if (map->hint)
		munmap((void *)(uintptr_t)map->hint, sizeof(uint64_t));
	pthread_mutex_destroy(&map->mu);
	pthread_mutex_destroy(&map->refresh_mu);
	free(map);
}

/*
 * Copy the customer record an entry names with cid into res; 0, or -1 if
 * it is missing or bad.
 */
static int
get_customer(const struct ipmap_custtab *t, uint32_t cid,
    struct ipmap_result *res)
{
	const char	*c, *a;
	size_t		 clen, alen;

	if (ipmap_cust_find(t, cid, &c, &clen, &a, &alen) == -1 ||
	    clen >= sizeof(res->customer) || alen >= sizeof(res->address))
		return -1;
	memcpy(res->customer, c, clen + 1);
	memcpy(res->address, a, alen + 1);
	return 0;
}

/* Network of addr (alen bytes) for length plen into out. */
static void
mask_prefix(const uint8_t *addr, size_t alen, int plen, uint8_t *out)
{
	size_t	 i;

	for (i = 0; i < alen; i++) {
		int keep = plen - (int)i * 8;

		out[i] = keep >= 8 ? addr[i] : keep <= 0 ? 0 :
		    (uint8_t)(addr[i] & (0xff00 >> keep));
	}
}

/*
 * The range record of g that holds ip (alen bytes of address) into *pp,
 * the end of its chunk into *endp, and the customers its entries name
 * into *custs.  Returns
 * IPMAP_FOUND, IPMAP_NOTFOUND if no range holds ip, or IPMAP_ERROR.
 */
static inline int
range_locate(const struct gen *g, const struct ipaddr *ip, size_t alen,
    const unsigned char **pp, const unsigned char **endp,
    struct ipmap_custtab *custs)
{
	const unsigned char *p;
	MDB_val		 v;
	unsigned	 ncust;
	int		 n;

	if (chunk_locate(g, ip, &v) == -1)
		return IPMAP_NOTFOUND;	/* past the last range */
	chunk_prefetch(&v, alen);
	if ((n = chunk_count(&v, alen, &ncust)) == -1 ||
	    (p = chunk_find(&v, alen, n, ip->a)) == NULL)
		return IPMAP_ERROR;
	chunk_custs(&v, alen, n, ncust, custs);
	if (addr_below(ip->a, p, alen))
		return IPMAP_NOTFOUND;	/* in a gap between ranges */
	*pp = p;
	*endp = (const unsigned char *)v.mv_data + v.mv_size;
	return IPMAP_FOUND;
}

/* Non-zero if entry e counts for port (IPMAP_NO_PORT: any entry does). */
static inline int
ent_port_ok(const struct ipmap_ent *e, int port)
{
	return port == IPMAP_NO_PORT || e->port_lo == -1 ||
	    (port >= e->port_lo && port <= e->port_hi);
}

/*
 * The answer of range record p (its chunk ends at end; customers in
 * custs) for ip at time when and port, as ipmap_lookup(); serial is
 * that of the generation.
 */
static inline int
range_answer(const unsigned char *p, const unsigned char *end,
    const struct ipmap_custtab *custs, const struct ipaddr *ip, size_t alen,
    int64_t when, int port, uint64_t serial, struct ipmap_result *res)
{
	struct ipmap_ent e, hit;
	size_t		 i, nent;
	unsigned	 nchain, c;
	uint16_t	 n16;
	int		 found, plen;

	memset(&hit, 0, sizeof(hit));
	nchain = p[alen];
	p += alen + 1;
	for (c = 0; c < nchain; c++) {
		if (end - p < IPMAP_CHAIN_HDR)
			return IPMAP_ERROR;
		plen = p[0];
		memcpy(&n16, p + 1, 2);
		nent = n16;
		p += IPMAP_CHAIN_HDR;
		found = 0;
		for (i = 0; i < nent; i++) {
			if ((p = ipmap_ent_get(p, end, &e)) == NULL)
				return IPMAP_ERROR;
			if (!ipmap_ent_valid_at(&e, when) ||
			    !ent_port_ok(&e, port))
				continue;
			if (!found) {
				hit = e;
				found = 1;
			} else if (e.cid != hit.cid) {
				res->serial = serial;
				return IPMAP_AMBIGUOUS;
			}
		}
		if (!found)
			continue;
		if (get_customer(custs, hit.cid, res) == -1)
			return IPMAP_ERROR;
		res->prefix.family = ip->family;
		memset(res->prefix.a, 0, sizeof(res->prefix.a));
		mask_prefix(ip->a, alen, plen, res->prefix.a);
		res->plen = plen;
		res->valid_from = hit.from;
		res->valid_until = hit.until;
		res->port_lo = hit.port_lo;
		res->port_hi = hit.port_hi;
		res->serial = serial;
		return IPMAP_FOUND;
	}
	return IPMAP_NOTFOUND;
}

/* Look up ip at time when and port. */
int
ipmap_lookup(ipmap_t *map, const struct ipaddr *ip, int64_t when, int port,
    struct ipmap_result *res)
{
	struct tstate	*ts;
	struct ipmap_custtab custs;
	const unsigned char *p, *end;
	size_t		 alen;
	int		 rc;

	if (ip->family != IPADDR_V4 && ip->family != IPADDR_V6)
		return IPMAP_ERROR;
	maybe_refresh(map);
	if ((ts = tstate_get(map)) == NULL)
		return IPMAP_ERROR;
	alen = ip->family == IPADDR_V4 ? 4 : 16;
	if ((rc = range_locate(ts->gen, ip, alen, &p, &end, &custs)) !=
	    IPMAP_FOUND)
		return rc;
	return range_answer(p, end, &custs, ip, alen, when, port,
	    ts->gen->serial, res);
}

/*
 * The first instant after `after` at which an entry of range record p
 * (chunk end at end) that counts for port starts or stops being valid,
 * into *next.  Returns 1, 0 if there is none, -1 if the record is cut
 * short.
 */
static int
range_next_boundary(const unsigned char *p, const unsigned char *end,
    size_t alen, int64_t after, int port, int64_t *next)
{
	struct ipmap_ent e;
	size_t		 i, nent;
	unsigned	 nchain, c;
	uint16_t	 n16;
	int		 have = 0;

	nchain = p[alen];
	p += alen + 1;
	for (c = 0; c < nchain; c++) {
		if (end - p < IPMAP_CHAIN_HDR)
			return -1;
		memcpy(&n16, p + 1, 2);
		nent = n16;
		p += IPMAP_CHAIN_HDR;
		for (i = 0; i < nent; i++) {
			if ((p = ipmap_ent_get(p, end, &e)) == NULL)
				return -1;
			if (!ent_port_ok(&e, port))
				continue;
			/* IPMAP_OPEN_END is INT64_MIN: never after */
			if (e.from > after && (!have || e.from < *next)) {
				*next = e.from;
				have = 1;
			}
			if (e.until > after && (!have || e.until < *next)) {
				*next = e.until;
				have = 1;
			}
		}
	}
	return have;
}

/* Add the answer r, found at some instant, to the holders in out. */
static void
holders_add(struct ipmap_holders *out, const struct ipmap_result *r)
{
	size_t	 i;

	for (i = 0; i < out->n; i++)
		if (strcmp(out->holder[i].customer, r->customer) == 0) {
			out->holder[i] = *r;	/* the latest seen */
			return;
		}
	if (out->n < IPMAP_HOLDERS_MAX)
		out->holder[out->n++] = *r;
	else
		out->more = 1;
}

/* Every holder of ip over [t0, t1]. */
int
ipmap_lookup_span(ipmap_t *map, const struct ipaddr *ip, int64_t t0,
    int64_t t1, int port, struct ipmap_holders *out)
{
	struct tstate	*ts;
	struct ipmap_result r;
	struct ipmap_custtab custs;
	const unsigned char *p, *end;
	size_t		 alen;
	int64_t		 t, next = 0;
	int		 rc, more;

	out->n = 0;
	out->more = out->gap = out->ambiguous = 0;
	out->serial = 0;
	if ((ip->family != IPADDR_V4 && ip->family != IPADDR_V6) || t0 > t1)
		return IPMAP_ERROR;
	maybe_refresh(map);
	if ((ts = tstate_get(map)) == NULL)
		return IPMAP_ERROR;
	out->serial = ts->gen->serial;
	alen = ip->family == IPADDR_V4 ? 4 : 16;
	rc = range_locate(ts->gen, ip, alen, &p, &end, &custs);
	if (rc == IPMAP_NOTFOUND)
		out->gap = 1;
	if (rc != IPMAP_FOUND)
		return rc;
	/* The answer changes only where an entry starts or stops. */
	for (t = t0;; t = next) {
		switch (range_answer(p, end, &custs, ip, alen, t, port,
		    out->serial, &r)) {
		case IPMAP_FOUND:
			holders_add(out, &r);
			break;
		case IPMAP_NOTFOUND:
			out->gap = 1;
			break;
		case IPMAP_AMBIGUOUS:
			out->ambiguous = 1;
			break;
		default:
			return IPMAP_ERROR;
		}
		if ((more = range_next_boundary(p, end, alen, t, port,
		    &next)) == -1)
			return IPMAP_ERROR;
		if (!more || next > t1)
			break;
	}
	if (out->ambiguous)
		return IPMAP_AMBIGUOUS;
	return out->n > 0 ? IPMAP_FOUND : IPMAP_NOTFOUND;
}

/* The next instant after `after` at which ip's answer may change. */
int
ipmap_next_change(ipmap_t *map, const struct ipaddr *ip, int64_t after,
    int port, int64_t *next)
{
	struct tstate	*ts;
	struct ipmap_custtab custs;
	const unsigned char *p, *end;
	size_t		 alen;
	int		 rc;

	if (ip->family != IPADDR_V4 && ip->family != IPADDR_V6)
		return -1;
	maybe_refresh(map);
	if ((ts = tstate_get(map)) == NULL)
		return -1;
	alen = ip->family == IPADDR_V4 ? 4 : 16;
	rc = range_locate(ts->gen, ip, alen, &p, &end, &custs);
	if (rc == IPMAP_NOTFOUND)
		return 0;
	if (rc != IPMAP_FOUND)
		return -1;
	return range_next_boundary(p, end, alen, after, port, next);
}

/* Keep the calling thread on the generation in service now. */
uint64_t
ipmap_pin(ipmap_t *map)
{
	struct tstate	*ts;

	maybe_refresh(map);
	if ((ts = tstate_get(map)) == NULL)
		return 0;
	ts->pinned = 1;
	return ts->gen->serial;
}

/* Let the calling thread move to newer generations again. */
void
ipmap_unpin(ipmap_t *map)
{
	struct tstate	*ts;

	if ((ts = pthread_getspecific(map->key)) != NULL)
		ts->pinned = 0;
}

/* Serial of the generation in service. */
uint64_t
ipmap_serial(ipmap_t *map)
{
	uint64_t s;

	maybe_refresh(map);
	pthread_mutex_lock(&map->mu);
	s = map->cur ? map->cur->serial : 0;
	pthread_mutex_unlock(&map->mu);
	return s;
}

/* Build time and source hash of the generation in service. */
int
ipmap_info(ipmap_t *map, int64_t *built, char *hash, size_t hashlen)
{
	int	 rc = -1;

	maybe_refresh(map);
	pthread_mutex_lock(&map->mu);
	if (map->cur) {
		if (built)
			*built = map->cur->built;
		if (hash && hashlen > 0)
			snprintf(hash, hashlen, "%s", map->cur->hash);
		rc = 0;
	}
	pthread_mutex_unlock(&map->mu);
	return rc;
}

/* Take a reference to the generation in service; NULL with err set. */
static struct gen *
gen_take(ipmap_t *map, char *err, size_t errlen)
{
	struct gen *g;

	maybe_refresh(map);
	pthread_mutex_lock(&map->mu);
	if ((g = map->cur) != NULL)
		g->refs++;
	pthread_mutex_unlock(&map->mu);
	if (g == NULL)
		get_err(map, "no map: ", err, errlen);
	return g;
}

/* Give back a reference from gen_take(). */
static void
gen_give(ipmap_t *map, struct gen *g)
{
	pthread_mutex_lock(&map->mu);
	gen_unref(g);
	pthread_mutex_unlock(&map->mu);
}

/* Write one CSV field, quoted when it must be. */
static void
csv_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* The metadata line name of the map in service, copied into out. */
int
ipmap_meta(ipmap_t *map, const char *name, char *out, size_t outsize)
{
	struct gen	*g;
	int		 rc;

	if ((g = gen_take(map, NULL, 0)) == NULL)
		return -1;
	rc = meta_value(g->meta, name, out, outsize) == 0;
	gen_give(map, g);
	return rc;
}

/* Write one entry as a CSV row of the source format. */
static int
dump_entry(void *arg, const struct ipmap_walk_ent *w)
{
	FILE	*fp = arg;
	char	 a[IPADDR_STRLEN], t[32];

	if (ipaddr_format(&w->net, a, sizeof(a)) == -1)
		return -1;
	fprintf(fp, "%s/%d,%s,", a, w->plen, w->customer);
	csv_field(fp, w->address);
	fputc(',', fp);
	if (w->from != INT64_MIN && time_format_rfc3339(w->from, t,
	    sizeof(t)) == 0)
		fputs(t, fp);
	fputc(',', fp);
	if (w->until != INT64_MIN && time_format_rfc3339(w->until, t,
	    sizeof(t)) == 0)
		fputs(t, fp);
	fputc(',', fp);
	if (w->port_lo != -1) {
		if (w->port_lo == w->port_hi)
			fprintf(fp, "%d", w->port_lo);
		else
			fprintf(fp, "%d-%d", w->port_lo, w->port_hi);
	}
	fputc('\n', fp);
	return 0;
}

/* Hand the nent entries of one prefix at p to fn. */
static int
walk_prefix(ipmap_walk_fn fn, void *arg, const struct ipmap_custtab *custs,
    const struct ipaddr *net, int plen, const unsigned char *p,
    const unsigned char *end, size_t nent, char *err, size_t errlen)
{
	struct ipmap_walk_ent w;
	struct ipmap_ent e;
	size_t		 i, clen, alen;

	w.net = *net;
	w.plen = plen;
	for (i = 0; i < nent; i++) {
		if ((p = ipmap_ent_get(p, end, &e)) == NULL) {
			snprintf(err, errlen, "malformed entry");
			return -1;
		}
		if (ipmap_cust_find(custs, e.cid, &w.customer, &clen,
		    &w.address, &alen) == -1 || clen >= IPMAP_CUSTOMER_MAX ||
		    alen >= IPMAP_ADDRESS_MAX) {
			snprintf(err, errlen, "customer record %" PRIu32
			    " missing", e.cid);
			return -1;
		}
		w.from = e.from;
		w.until = e.until;
		w.port_lo = e.port_lo;
		w.port_hi = e.port_hi;
		if (fn(arg, &w) == -1) {
			snprintf(err, errlen, "%s", errno == ENOMEM ?
			    "out of memory" : "stopped");
			return -1;
		}
	}
	return 0;
}

/*
 * Walk the chain of range record rec (chunk end at end) and hand each
 * prefix that starts at the record to walk_prefix(), least specific
 * first.  Returns 0, 1 if the record is malformed, or -1 with err.
 */
static int
walk_record(ipmap_walk_fn fn, void *arg, const struct ipmap_custtab *custs,
    const unsigned char *rec, const unsigned char *end, int family,
    char *err, size_t errlen)
{
	struct ipaddr	 net;
	struct ipmap_ent e;
	const unsigned char *p, *chain[130];
	size_t		 alen = family == IPADDR_V4 ? 4 : 16, nents[130], i;
	unsigned	 nchain, c;
	uint16_t	 n16;
	int		 plens[130];

	if ((nchain = rec[alen]) > 129)
		return 1;
	for (c = 0, p = rec + alen + 1; c < nchain; c++) {
		if (end - p < IPMAP_CHAIN_HDR)
			return 1;
		plens[c] = p[0];
		memcpy(&n16, p + 1, 2);
		nents[c] = n16;
		chain[c] = p + IPMAP_CHAIN_HDR;
		p += IPMAP_CHAIN_HDR;
		for (i = 0; i < nents[c]; i++)
			if ((p = ipmap_ent_get(p, end, &e)) == NULL)
				return 1;
	}
	memset(&net, 0, sizeof(net));
	net.family = (uint8_t)family;
	for (c = nchain; c-- > 0;) {
		mask_prefix(rec, alen, plens[c], net.a);
		if (memcmp(net.a, rec, alen) != 0)
			continue;	/* not its start */
		if (walk_prefix(fn, arg, custs, &net, plens[c], chain[c],
		    end, nents[c], err, errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Walk the ranges of one family (chunks in dbi): each prefix once, where
 * its first range starts.  Returns 0, or -1 with err.
 */
static int
walk_family(ipmap_walk_fn fn, void *arg, MDB_txn *txn, MDB_dbi dbi,
    int family, char *err, size_t errlen)
{
	MDB_cursor	*cur;
	MDB_val		 k, v;
	struct ipmap_custtab custs;
	const unsigned char *end, *rec;
	size_t		 alen = family == IPADDR_V4 ? 4 : 16;
	unsigned	 ncust;
	int		 rc, n, r, st;

	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0) {
		snprintf(err, errlen, "%s", mdb_strerror(rc));
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != alen ||
		    (n = chunk_count(&v, alen, &ncust)) == -1)
			goto bad;
		chunk_custs(&v, alen, n, ncust, &custs);
		end = (const unsigned char *)v.mv_data + v.mv_size;
		for (r = 0; r < n; r++) {
			if ((rec = chunk_record(&v, alen, n, r)) == NULL)
				goto bad;
			st = walk_record(fn, arg, &custs, rec, end, family, err,
			    errlen);
			if (st == 1)
				goto bad;
			if (st == -1) {
				mdb_cursor_close(cur);
				return -1;
			}
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		snprintf(err, errlen, "%s", mdb_strerror(rc));
		return -1;
	}
	return 0;
bad:
	mdb_cursor_close(cur);
	snprintf(err, errlen, "malformed range chunk");
	return -1;
}

/* Hand every entry of the map in service to fn. */
int
ipmap_walk(ipmap_t *map, ipmap_walk_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct gen	*g;
	MDB_txn		*txn = NULL;
	int		 rc, ret = -1;

	if ((g = gen_take(map, err, errlen)) == NULL)
		return -1;
	if ((rc = mdb_txn_begin(g->env, NULL, MDB_RDONLY, &txn)) != 0) {
		snprintf(err, errlen, "%s: %s", g->name, mdb_strerror(rc));
		goto out;
	}
	if (walk_family(fn, arg, txn, g->dbi4, IPADDR_V4, err, errlen) == -1 ||
	    walk_family(fn, arg, txn, g->dbi6, IPADDR_V6, err, errlen) == -1)
		goto out;
	ret = 0;
out:
	if (txn)
		mdb_txn_abort(txn);
	gen_give(map, g);
	return ret;
}

/* Write the map back as CSV. */
int
ipmap_dump(ipmap_t *map, FILE *fp, char *err, size_t errlen)
{
	struct gen	*g;

	if ((g = gen_take(map, err, errlen)) == NULL)
		return -1;
	gen_give(map, g);
	fputs("prefix,customer,address,valid_from,valid_until,ports\n", fp);
	if (ipmap_walk(map, dump_entry, fp, err, errlen) == -1)
		return -1;
	if (fflush(fp) == EOF || ferror(fp)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Write the statistics of the map. */
int
ipmap_stat(ipmap_t *map, FILE *fp, char *err, size_t errlen)
{
	struct gen	*g;
	int		 ret = 0;

	if ((g = gen_take(map, err, errlen)) == NULL)
		return -1;
	fprintf(fp, "directory\t%s\nfile\t%s\n", map->dir, g->name);
	fputs(g->meta, fp);
	if (fflush(fp) == EOF || ferror(fp)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		ret = -1;
	}
	gen_give(map, g);
	return ret;
}
