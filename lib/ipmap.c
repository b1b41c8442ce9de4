/*
 * ipmap.c - the IP map reader; see ipmap.h, and ipmap_int.h for the
 * layout of a generation.
 *
 * A handle keeps the generation in service (struct gen, reference
 * counted under a mutex) and, per thread, a long-lived read transaction
 * and cursor on it (struct tstate, found through a pthread key).  Since a
 * generation file is never written once it is in service, it is opened
 * MDB_RDONLY|MDB_NOLOCK and a read transaction may stay open for as long
 * as the thread uses that generation: a lookup is one cursor MDB_SET_RANGE
 * to the chunk of ranges that may hold the address, a binary search in
 * the chunk, and on a hit an index into the customer table found once per
 * transaction; no allocation and no lock.
 *
 * New generations are noticed through the `generation` hint file, mapped
 * read-only and compared at each lookup (a memory load), and in any case
 * by reading the `current` link at most once a second (at every lookup
 * while there is no map in service).  A thread moves to the new generation
 * at its next lookup; the old one is closed when its last thread has
 * moved.  A generation that cannot be opened is not taken: the old one
 * stays in service.
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

/* One generation of the map, open. */
struct gen {
	MDB_env		*env;
	MDB_dbi		 dbi;		/* main: metadata, customers */
	MDB_dbi		 dbi4, dbi6;	/* chunks of ranges per family */
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
	struct gen	*gen;
	MDB_txn		*txn;
	MDB_cursor	*cur4, *cur6;
	struct ipmap_custtab custs;	/* valid while txn is open */
	int		 pinned;	/* stay on gen until ipmap_unpin() */
	struct tstate	*prev, *next;
};

struct ipmap {
	char		 dir[PATH_MAX];
	pthread_mutex_t	 mu;
	struct gen	*cur;		/* atomic; changed under mu */
	pthread_key_t	 key;
	struct tstate	*threads;	/* under mu */
	const uint64_t	*hint;		/* mapped `generation`, or NULL */
	uint64_t	 hint_seen;	/* atomic */
	int64_t		 next_check;	/* atomic, monotonic ms */
	char		 lasterr[256];	/* under mu */
	char		 failed[64];	/* generation that would not open */
	int64_t		 retry_failed;	/* when to try it again */
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

/* Remember why the map cannot be used (cut if too long); under mu. */
static void __attribute__((format(printf, 2, 3)))
set_err(ipmap_t *map, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vsnprintf(map->lasterr, sizeof(map->lasterr), fmt, ap) < 0)
		map->lasterr[0] = '\0';
	va_end(ap);
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

/* Drop a reference to g, closing it with the last one; under mu. */
static void
gen_unref(struct gen *g)
{
	if (g == NULL || --g->refs > 0)
		return;
	mdb_env_close(g->env);
	free(g->meta);
	free(g);
}

/* Find the customer table of txn; 0, or an LMDB error. */
static int
custtab_load(MDB_txn *txn, MDB_dbi dbi, struct ipmap_custtab *t)
{
	unsigned char	 key = IPMAP_KEY_CUST;
	MDB_val		 k, v;
	int		 rc;

	memset(t, 0, sizeof(*t));
	k.mv_data = &key;
	k.mv_size = 1;
	if ((rc = mdb_get(txn, dbi, &k, &v)) != 0)
		return rc;
	if (v.mv_size < 8)
		return MDB_CORRUPTED;
	memcpy(&t->n, v.mv_data, 4);
	if ((v.mv_size - 4) / 4 <= t->n)
		return MDB_CORRUPTED;
	t->p = v.mv_data;
	t->len = v.mv_size;
	return 0;
}

/* Open generation file name of map; NULL with map->lasterr set. */
static struct gen *
gen_open(ipmap_t *map, const char *name)
{
	struct gen	*g;
	struct ipmap_custtab custs;
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
	    MDB_NOLOCK | MDB_NOTLS, 0)) != 0 ||
	    (rc = mdb_txn_begin(g->env, NULL, MDB_RDONLY, &txn)) != 0 ||
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
		set_err(map, "%s: not a map of format version %d", path,
		    IPMAP_FORMAT_VERSION);
		goto fail_quiet;
	}
	if ((rc = custtab_load(txn, g->dbi, &custs)) != 0 ||
	    (rc = mdb_dbi_open(txn, IPMAP_DB_V4, MDB_INTEGERKEY,
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
	g->refs = 1;
	return g;
fail:
	set_err(map, "%s: %s", path, mdb_strerror(rc));
fail_quiet:
	if (txn)
		mdb_txn_abort(txn);
	if (g->env)
		mdb_env_close(g->env);
	free(g->meta);
	free(g);
	return NULL;
}

/* Map the generation hint file if it is there; under mu. */
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

/* Look at `current` and take a new generation if there is one; under mu. */
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
	__atomic_store_n(&map->cur, g, __ATOMIC_RELEASE);
	gen_unref(old);
}

/*
 * Refresh if the hint moved or the recheck time has come; while there is
 * no map in service, at every lookup (those answer IPMAP_ERROR anyway).
 */
static void
maybe_refresh(ipmap_t *map)
{
	int64_t		 now = now_ms();
	const uint64_t	*hint;
	uint64_t	 h;

	if (__atomic_load_n(&map->cur, __ATOMIC_ACQUIRE) == NULL)
		goto refresh;
	if ((hint = __atomic_load_n(&map->hint, __ATOMIC_ACQUIRE)) != NULL) {
		h = __atomic_load_n(hint, __ATOMIC_ACQUIRE);
		if (h != __atomic_load_n(&map->hint_seen, __ATOMIC_RELAXED))
			goto refresh;
	}
	if (now < __atomic_load_n(&map->next_check, __ATOMIC_RELAXED))
		return;
refresh:
	pthread_mutex_lock(&map->mu);
	refresh_locked(map, now);
	pthread_mutex_unlock(&map->mu);
}

/* Let go of the generation a thread uses; under mu. */
static void
tstate_release(struct tstate *ts)
{
	if (ts->cur4)
		mdb_cursor_close(ts->cur4);
	if (ts->cur6)
		mdb_cursor_close(ts->cur6);
	if (ts->txn)
		mdb_txn_abort(ts->txn);
	ts->cur4 = ts->cur6 = NULL;
	ts->txn = NULL;
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
 * The calling thread's state, moved to the generation in service.
 * NULL when there is no map or on a resource error.
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
	if (ts->cur6 != NULL && (ts->pinned || (g != NULL && g == ts->gen)))
		return ts;
	pthread_mutex_lock(&map->mu);
	tstate_release(ts);
	if ((g = map->cur) != NULL) {
		g->refs++;
		ts->gen = g;
		if (mdb_txn_begin(g->env, NULL, MDB_RDONLY, &ts->txn) != 0 ||
		    custtab_load(ts->txn, g->dbi, &ts->custs) != 0 ||
		    mdb_cursor_open(ts->txn, g->dbi4, &ts->cur4) != 0 ||
		    mdb_cursor_open(ts->txn, g->dbi6, &ts->cur6) != 0)
			tstate_release(ts);
	}
	pthread_mutex_unlock(&map->mu);
	return ts->cur6 ? ts : NULL;
}

/* Open the map in dir. */
ipmap_t *
ipmap_open(const char *dir, char *err, size_t errlen)
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
	pthread_mutex_lock(&map->mu);
	refresh_locked(map, now_ms());
	if (map->cur == NULL && err != NULL)
		snprintf(err, errlen, "%s", map->lasterr);
	else if (err != NULL && errlen > 0)
		err[0] = '\0';
	pthread_mutex_unlock(&map->mu);
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
	free(map);
}

/* Copy customer record cid into res; 0, or -1 if it is missing/bad. */
static int
get_customer(const struct ipmap_custtab *t, uint32_t cid,
    struct ipmap_result *res)
{
	const char	*c, *a;
	size_t		 clen, alen;

	if (ipmap_cust_get(t, cid, &c, &clen, &a, &alen) == -1 ||
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

/* Number of ranges in chunk v, with its header checked; -1 if bad. */
static int
chunk_count(const MDB_val *v, size_t alen)
{
	uint16_t n;

	if (v->mv_size < IPMAP_CHUNK_HDR)
		return -1;
	memcpy(&n, v->mv_data, 2);
	if (n == 0 || (v->mv_size - IPMAP_CHUNK_HDR) / (alen + 4) < n)
		return -1;
	return n;
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

/*
 * The record of the first range in chunk v that ends at or after addr
 * (alen bytes); NULL if the chunk is malformed.
 */
static const unsigned char *
chunk_find(const MDB_val *v, size_t alen, const uint8_t *addr)
{
	const unsigned char *ends = (const unsigned char *)v->mv_data +
	    IPMAP_CHUNK_HDR;
	int	 n, lo, hi, mid;

	if ((n = chunk_count(v, alen)) == -1)
		return NULL;
	lo = 0;
	hi = n - 1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (memcmp(ends + (size_t)mid * alen, addr, alen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return chunk_record(v, alen, n, lo);
}

/* Look up ip at time when and port. */
int
ipmap_lookup(ipmap_t *map, const struct ipaddr *ip, int64_t when, int port,
    struct ipmap_result *res)
{
	struct tstate	*ts;
	struct ipmap_ent e, hit;
	const unsigned char *p, *end;
	MDB_val		 k, v;
	uint32_t	 k4;
	size_t		 alen, i, nent;
	unsigned	 nchain, c;
	uint16_t	 n16;
	int		 rc, found, plen;

	if (ip->family != IPADDR_V4 && ip->family != IPADDR_V6)
		return IPMAP_ERROR;
	memset(&hit, 0, sizeof(hit));
	maybe_refresh(map);
	if ((ts = tstate_get(map)) == NULL)
		return IPMAP_ERROR;
	if (ip->family == IPADDR_V4) {
		alen = 4;
		k4 = ipmap_v4key(ip->a);
		k.mv_data = &k4;
		k.mv_size = sizeof(k4);
		rc = mdb_cursor_get(ts->cur4, &k, &v, MDB_SET_RANGE);
	} else {
		alen = 16;
		k.mv_data = (void *)(uintptr_t)ip->a;
		k.mv_size = 16;
		rc = mdb_cursor_get(ts->cur6, &k, &v, MDB_SET_RANGE);
	}
	if (rc == MDB_NOTFOUND)
		return IPMAP_NOTFOUND;	/* past the last range */
	if (rc != 0)
		return IPMAP_ERROR;
	end = (const unsigned char *)v.mv_data + v.mv_size;
	if ((p = chunk_find(&v, alen, ip->a)) == NULL)
		return IPMAP_ERROR;
	if (memcmp(ip->a, p, alen) < 0)
		return IPMAP_NOTFOUND;	/* in a gap between ranges */
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
			if (!ipmap_ent_valid_at(&e, when))
				continue;
			if (port != IPMAP_NO_PORT && e.port_lo != -1 &&
			    (port < e.port_lo || port > e.port_hi))
				continue;
			if (!found) {
				hit = e;
				found = 1;
			} else if (e.cid != hit.cid) {
				res->serial = ts->gen->serial;
				return IPMAP_AMBIGUOUS;
			}
		}
		if (!found)
			continue;
		if (get_customer(&ts->custs, hit.cid, res) == -1)
			return IPMAP_ERROR;
		res->prefix.family = ip->family;
		memset(res->prefix.a, 0, sizeof(res->prefix.a));
		mask_prefix(ip->a, alen, plen, res->prefix.a);
		res->plen = plen;
		res->valid_from = hit.from;
		res->valid_until = hit.until;
		res->port_lo = hit.port_lo;
		res->port_hi = hit.port_hi;
		res->serial = ts->gen->serial;
		return IPMAP_FOUND;
	}
	return IPMAP_NOTFOUND;
}

/* Serial of the generation in service. */
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
	else if (err)
		snprintf(err, errlen, "no map: %s", map->lasterr);
	pthread_mutex_unlock(&map->mu);
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

/* Write the entries of one prefix as CSV rows. */
static int
dump_prefix(FILE *fp, const struct ipmap_custtab *custs,
    const struct ipaddr *net, int plen, const unsigned char *p,
    const unsigned char *end, size_t nent, char *err, size_t errlen)
{
	struct ipmap_result r;
	struct ipmap_ent e;
	char		 a[IPADDR_STRLEN], t[32];
	size_t		 i;

	if (ipaddr_format(net, a, sizeof(a)) == -1)
		return -1;
	for (i = 0; i < nent; i++) {
		if ((p = ipmap_ent_get(p, end, &e)) == NULL) {
			snprintf(err, errlen, "malformed entry");
			return -1;
		}
		if (get_customer(custs, e.cid, &r) == -1) {
			snprintf(err, errlen, "customer record %" PRIu32
			    " missing", e.cid);
			return -1;
		}
		fprintf(fp, "%s/%d,%s,", a, plen, r.customer);
		csv_field(fp, r.address);
		fputc(',', fp);
		if (e.from != INT64_MIN && time_format_rfc3339(e.from, t,
		    sizeof(t)) == 0)
			fputs(t, fp);
		fputc(',', fp);
		if (e.until != INT64_MIN && time_format_rfc3339(e.until, t,
		    sizeof(t)) == 0)
			fputs(t, fp);
		fputc(',', fp);
		if (e.port_lo != -1) {
			if (e.port_lo == e.port_hi)
				fprintf(fp, "%d", e.port_lo);
			else
				fprintf(fp, "%d-%d", e.port_lo, e.port_hi);
		}
		fputc('\n', fp);
	}
	return 0;
}

/*
 * Write the ranges of one family (chunks in dbi) as CSV rows: each
 * prefix once, where its first range starts.  Returns 0, or -1 with err.
 */
static int
dump_family(FILE *fp, MDB_txn *txn, MDB_dbi dbi, int family,
    const struct ipmap_custtab *custs, char *err, size_t errlen)
{
	MDB_cursor	*cur;
	MDB_val		 k, v;
	struct ipaddr	 net;
	struct ipmap_ent e;
	const unsigned char *p, *end, *rec, *chain[130];
	size_t		 alen = family == IPADDR_V4 ? 4 : 16, nents[130], i;
	unsigned	 nchain, c;
	uint16_t	 n16;
	int		 rc, n, r, plens[130];

	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0) {
		snprintf(err, errlen, "%s", mdb_strerror(rc));
		return -1;
	}
	memset(&net, 0, sizeof(net));
	net.family = (uint8_t)family;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != (family == IPADDR_V4 ? 4 : 16) ||
		    (n = chunk_count(&v, alen)) == -1)
			goto bad;
		end = (const unsigned char *)v.mv_data + v.mv_size;
		for (r = 0; r < n; r++) {
			if ((rec = chunk_record(&v, alen, n, r)) == NULL)
				goto bad;
			if ((nchain = rec[alen]) > 129)
				goto bad;
			/* Collect the chain, then write it least specific
			 * first. */
			for (c = 0, p = rec + alen + 1; c < nchain; c++) {
				if (end - p < IPMAP_CHAIN_HDR)
					goto bad;
				plens[c] = p[0];
				memcpy(&n16, p + 1, 2);
				nents[c] = n16;
				chain[c] = p + IPMAP_CHAIN_HDR;
				p += IPMAP_CHAIN_HDR;
				for (i = 0; i < nents[c]; i++)
					if ((p = ipmap_ent_get(p, end, &e)) ==
					    NULL)
						goto bad;
			}
			for (c = nchain; c-- > 0;) {
				mask_prefix(rec, alen, plens[c], net.a);
				if (memcmp(net.a, rec, alen) != 0)
					continue;	/* not its start */
				if (dump_prefix(fp, custs, &net, plens[c],
				    chain[c], end, nents[c], err,
				    errlen) == -1) {
					mdb_cursor_close(cur);
					return -1;
				}
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

/* Write the map back as CSV. */
int
ipmap_dump(ipmap_t *map, FILE *fp, char *err, size_t errlen)
{
	struct gen	*g;
	struct ipmap_custtab custs;
	MDB_txn		*txn = NULL;
	int		 rc, ret = -1;

	if ((g = gen_take(map, err, errlen)) == NULL)
		return -1;
	if ((rc = mdb_txn_begin(g->env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = custtab_load(txn, g->dbi, &custs)) != 0) {
		snprintf(err, errlen, "%s: %s", g->name, mdb_strerror(rc));
		goto out;
	}
	fputs("prefix,customer,address,valid_from,valid_until,ports\n", fp);
	if (dump_family(fp, txn, g->dbi4, IPADDR_V4, &custs, err,
	    errlen) == -1 ||
	    dump_family(fp, txn, g->dbi6, IPADDR_V6, &custs, err,
	    errlen) == -1)
		goto out;
	if (fflush(fp) == EOF || ferror(fp)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (txn)
		mdb_txn_abort(txn);
	gen_give(map, g);
	return ret;
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
