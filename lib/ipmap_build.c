/*
 * ipmap_build.c - build an IP map generation from the CSV source and put
 * it in service; see ipmap_build.h and, for the layout, ipmap_int.h.
 *
 * A load runs in three steps.  Read: every row is parsed and checked,
 * customers are interned, errors are collected with their line numbers.
 * Check: the rows are sorted by prefix and the entries of each prefix
 * compared for conflicts.  Write: only if there was no error, the nested
 * prefixes of each family are swept into disjoint ranges that are packed,
 * with the records of the customers they name, into chunks appended, in
 * key order, to a fresh LMDB file, which is synced; then the `current`
 * symlink is renamed over and the generation hint rewritten.  A map
 * that fills up (MDB_MAP_FULL) is rewritten from memory with twice the
 * size.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
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
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "csv.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "ipmap_build_int.h"
#include "ipmap_int.h"
#include "log.h"
#include "sha256.h"
#include "str.h"
#include "timeparse.h"

#define TXN_BATCH	256	/* records per write transaction */

enum col { COL_PREFIX, COL_CUSTOMER, COL_ADDRESS, COL_FROM, COL_UNTIL,
	COL_PORTS, COL_MAX };
static const char *const col_names[COL_MAX] = {
	"prefix", "customer", "address", "valid_from", "valid_until", "ports"
};

/* Remember an error at line (0: none) with a printf message. */
void
build_error(struct build *b, unsigned long line, const char *fmt, ...)
{
	struct build_err	*ne;
	va_list		 ap;
	size_t		 off = b->emsg.len;

	b->nerr_total++;
	if (b->nerr >= (size_t)b->max_errors * 10 + 1000)
		return;			/* counted, not kept */
	if (b->nerr == b->aerr) {
		size_t n = b->aerr ? b->aerr * 2 : 64;

		if ((ne = realloc(b->err, n * sizeof(*ne))) == NULL)
			return;
		b->err = ne;
		b->aerr = n;
	}
	if (line > 0 ? buf_printf(&b->emsg, "%s:%lu: ", b->path, line) :
	    buf_printf(&b->emsg, "%s: ", b->path))
		return;
	va_start(ap, fmt);
	if (buf_vprintf(&b->emsg, fmt, ap) == -1 || buf_putc(&b->emsg, 0)) {
		va_end(ap);
		buf_truncate(&b->emsg, off);
		return;
	}
	va_end(ap);
	b->err[b->nerr].line = (uint32_t)line;
	b->err[b->nerr].seq = (uint32_t)b->nerr;
	b->err[b->nerr].off = off;
	b->nerr++;
}

/* Order errors by line, then as found. */
static int
berr_cmp(const void *x, const void *y)
{
	const struct build_err *p = x, *q = y;

	if (p->line != q->line)
		return p->line < q->line ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Copy the collected errors to out, sorted and up to the limit. */
static void
berrors_out(struct build *b, buf_t *out)
{
	size_t	 i, n;

	qsort(b->err, b->nerr, sizeof(*b->err), berr_cmp);
	n = b->nerr < (size_t)b->max_errors ? b->nerr : (size_t)b->max_errors;
	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s\n", b->emsg.data + b->err[i].off))
			return;
	if (b->nerr_total > n)
		buf_printf(out, "%s: %zu more errors not shown\n", b->path,
		    b->nerr_total - n);
}

/* A copy of untrusted field text fit to quote in a message. */
static const char *
shown(const char *s, size_t len, char *out, size_t outsize)
{
	return str_sanitize(s, len, out, outsize);
}

/* Mix len bytes of s into h, eight at a time. */
static uint64_t
hash_bytes(const char *s, size_t len, uint64_t h)
{
	uint64_t w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	return h;
}

/*
 * Zeroed memory for a hash table of size bytes; big tables get huge pages
 * where the system gives them, as they are probed at random.
 */
static void *
table_alloc(size_t size)
{
	void	*p;

	if (size < ((size_t)2 << 20))
		return calloc(1, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

/* Free a table from table_alloc() of size bytes. */
static void
table_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	if (size < ((size_t)2 << 20))
		free(p);
	else
		munmap(p, size);
}

/* Hash of (customer, address) for the intern table. */
static uint32_t
cust_hash(const char *c, size_t clen, const char *a, size_t alen)
{
	uint64_t h = (uint64_t)clen << 32 | alen;

	h = hash_bytes(a, alen, hash_bytes(c, clen, h));
	h ^= h >> 33;			/* the high bits into the index */
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return (uint32_t)h;
}

/*
 * Intern (customer, address), whose cust_hash() is h; its id, or -1 when
 * out of memory.
 */
static int64_t
cust_intern(struct build *b, const char *c, size_t clen, const char *a,
    size_t alen, uint32_t h)
{
	struct cust_slot	*nh, *sl;
	size_t		 i, k, need;
	struct cust	*cu;

	if (b->ncust * 2 >= b->chsize) {
		size_t n = b->chsize ? b->chsize * 2 : 1024;

		if ((nh = table_alloc(n * sizeof(*nh))) == NULL)
			return -1;
		for (i = 0; i < b->chsize; i++) {
			if (b->chash[i].idx == 0)
				continue;
			for (k = b->chash[i].hash & (n - 1); nh[k].idx != 0;
			    k = (k + 1) & (n - 1))
				;
			nh[k] = b->chash[i];
		}
		table_free(b->chash, b->chsize * sizeof(*nh));
		b->chash = nh;
		b->chsize = n;
	}
	for (k = h & (b->chsize - 1); (sl = &b->chash[k])->idx != 0;
	    k = (k + 1) & (b->chsize - 1)) {
		if (sl->hash != h)
			continue;
		cu = &b->cust[sl->idx - 1];
		if (cu->clen == clen && cu->alen == alen &&
		    memcmp(b->carena + cu->off, c, clen) == 0 &&
		    memcmp(b->carena + cu->off + clen + 1, a, alen) == 0)
			return sl->idx - 1;
	}
	if (b->ncust == b->acust) {
		size_t n = b->acust ? b->acust * 2 : 1024;

		if ((cu = realloc(b->cust, n * sizeof(*cu))) == NULL)
			return -1;
		b->cust = cu;
		b->acust = n;
	}
	need = clen + alen + 2;
	if (b->carena_len + need > b->carena_size) {
		size_t	 n = b->carena_size ? b->carena_size * 2 : 65536;
		char	*p;

		while (n < b->carena_len + need)
			n *= 2;
		if ((p = realloc(b->carena, n)) == NULL)
			return -1;
		b->carena = p;
		b->carena_size = n;
	}
	cu = &b->cust[b->ncust];
	cu->off = b->carena_len;
	cu->clen = (uint16_t)clen;
	cu->alen = (uint16_t)alen;
	memcpy(b->carena + b->carena_len, c, clen);
	b->carena[b->carena_len + clen] = '\0';
	memcpy(b->carena + b->carena_len + clen + 1, a, alen);
	b->carena[b->carena_len + clen + 1 + alen] = '\0';
	b->carena_len += need;
	sl->hash = h;
	sl->idx = (uint32_t)b->ncust + 1;
	return (int64_t)b->ncust++;
}

/* Customer name of record id. */
const char *
build_cust_name(const struct build *b, uint32_t id)
{
	return b->carena + b->cust[id].off;
}

/* Intern (customer, address) for a caller outside the reader. */
int64_t
build_intern(struct build *b, const char *c, size_t clen, const char *a,
    size_t alen)
{
	return cust_intern(b, c, clen, a, alen, cust_hash(c, clen, a, alen));
}

/* Non-zero for an ASCII letter or digit (c | 0x20 folds case). */
static int
is_letdig(int c)
{
	return ((unsigned)c - '0' < 10) | (((unsigned)c | 0x20) - 'a' < 26);
}

/* Parse a port range "lo-hi" or a port; 0 or -1. */
static int
parse_ports(const char *s, size_t len, uint16_t *lo, uint16_t *hi)
{
	size_t	 i = 0;
	long	 v[2];
	int	 k;

	for (k = 0; k < 2; k++) {
		size_t start = i;

		v[k] = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 6)
			v[k] = v[k] * 10 + (s[i++] - '0');
		if (i == start || v[k] > 65535 ||
		    (s[start] == '0' && i - start > 1))
			return -1;
		if (k == 0) {
			if (i == len) {
				v[1] = v[0];
				break;
			}
			if (s[i++] != '-')
				return -1;
		}
	}
	if (i != len || v[0] > v[1])
		return -1;
	*lo = (uint16_t)v[0];
	*hi = (uint16_t)v[1];
	return 0;
}

/* Add one entry; 0, or -1 when out of memory. */
int
build_add(struct build *b, const struct build_entry *e)
{
	struct build_entry	*ne;

	if (b->nent == b->aent) {
		size_t n = b->aent ? b->aent + b->aent / 2 : 65536;

		if ((ne = realloc(b->ent, n * sizeof(*ne))) == NULL)
			return -1;
		b->ent = ne;
		b->aent = n;
	}
	b->ent[b->nent++] = *e;
	b->sorted = 0;
	return 0;
}

/*
 * Rows wait a little in a ring before their customer is interned, so
 * that the random access to the intern table, started with a prefetch
 * when the row comes in, has finished when it is needed.
 */

/* Intern the oldest pending row and store it; 0, or -1 on ENOMEM. */
static int
pend_pop(struct build *b)
{
	struct pending	*pd = &b->pend[b->pend_tail % PEND_SLOTS];
	int64_t		 cid;

	cid = cust_intern(b, pd->text, pd->clen, pd->text + pd->clen + 1,
	    pd->alen, pd->hash);
	b->pend_tail++;
	if (cid == -1)
		return -1;
	pd->e.cid = (uint32_t)cid;
	return build_add(b, &pd->e);
}

/* Queue a checked row with its customer and address. */
static int
pend_push(struct build *b, const struct build_entry *e, const char *c,
    size_t clen,
    const char *a, size_t alen)
{
	struct pending	*pd;

	if (b->pend_head - b->pend_tail == PEND_SLOTS && pend_pop(b) == -1)
		return -1;
	pd = &b->pend[b->pend_head++ % PEND_SLOTS];
	pd->e = *e;
	pd->clen = clen;
	pd->alen = alen;
	memcpy(pd->text, c, clen);
	pd->text[clen] = '\0';
	memcpy(pd->text + clen + 1, a, alen);
	pd->hash = cust_hash(c, clen, a, alen);
	/* Here, not in a helper: GCC drops a call to a function that
	 * does nothing but prefetch, as it has no side effect. */
	if (b->chsize > 0)
		__builtin_prefetch(&b->chash[pd->hash & (b->chsize - 1)]);
	return 0;
}

/* Store every pending row; 0, or -1 on ENOMEM. */
static int
pend_drain(struct build *b)
{
	while (b->pend_tail != b->pend_head)
		if (pend_pop(b) == -1)
			return -1;
	return 0;
}

/* Check and queue one data row; errors are collected, -1 only on ENOMEM. */
static int
read_row(struct build *b, const struct csv_record *r, const int *col,
    size_t ncols)
{
	struct build_entry	 e;
	struct ipaddr	 net;
	const char	*why, *f;
	char		 tmp[128];
	size_t		 len;
	int		 plen, bad = 0;

	if (r->nfields != ncols) {
		build_error(b, r->line, "%zu fields, the header has %zu",
		    r->nfields, ncols);
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.line = (uint32_t)r->line;
	e.from = e.until = INT64_MIN;

	f = r->field[col[COL_PREFIX]];
	len = r->len[col[COL_PREFIX]];
	if (ipaddr_parse_prefix(f, len, &net, &plen, &why) == -1) {
		build_error(b, r->line, "prefix \"%s\": %s",
		    shown(f, len, tmp, sizeof(tmp)), why);
		bad = 1;
	} else {
		memcpy(e.a, net.a, 16);
		e.fam = net.family;
		e.plen = (uint8_t)plen;
	}

	f = r->field[col[COL_CUSTOMER]];
	len = r->len[col[COL_CUSTOMER]];
	if (len == 0 || len >= IPMAP_CUSTOMER_MAX) {
		build_error(b, r->line, "customer \"%s\": %s",
		    shown(f, len, tmp, sizeof(tmp)), len == 0 ? "empty" :
		    "longer than 63 characters");
		bad = 1;
	} else {
		size_t i;

		for (i = 0; i < len; i++)
			if (!is_letdig((unsigned char)f[i]) &&
			    f[i] != '.' && f[i] != '_' && f[i] != '-')
				break;
		if (i < len) {
			build_error(b, r->line,
			    "customer \"%s\": only letters, "
			    "digits, '.', '_' and '-' are allowed",
			    shown(f, len, tmp, sizeof(tmp)));
			bad = 1;
		}
	}

	f = r->field[col[COL_ADDRESS]];
	len = r->len[col[COL_ADDRESS]];
	if ((why = addr_check(f, len)) != NULL) {
		build_error(b, r->line, "address \"%s\" is not a mailbox: %s",
		    shown(f, len, tmp, sizeof(tmp)), why);
		bad = 1;
	}

	if (col[COL_FROM] >= 0 && r->len[col[COL_FROM]] > 0) {
		f = r->field[col[COL_FROM]];
		len = r->len[col[COL_FROM]];
		if (time_parse_rfc3339(f, len, &e.from) == -1) {
			build_error(b, r->line,
			    "valid_from \"%s\": not an RFC 3339 "
			    "timestamp", shown(f, len, tmp, sizeof(tmp)));
			bad = 1;
		}
	}
	if (col[COL_UNTIL] >= 0 && r->len[col[COL_UNTIL]] > 0) {
		f = r->field[col[COL_UNTIL]];
		len = r->len[col[COL_UNTIL]];
		if (time_parse_rfc3339(f, len, &e.until) == -1) {
			build_error(b, r->line,
			    "valid_until \"%s\": not an RFC 3339 "
			    "timestamp", shown(f, len, tmp, sizeof(tmp)));
			bad = 1;
		}
	}
	if (!bad && e.from != INT64_MIN && e.until != INT64_MIN &&
	    e.from >= e.until) {
		build_error(b, r->line, "valid_from is not before valid_until");
		bad = 1;
	}
	if (col[COL_PORTS] >= 0 && r->len[col[COL_PORTS]] > 0) {
		f = r->field[col[COL_PORTS]];
		len = r->len[col[COL_PORTS]];
		if (parse_ports(f, len, &e.plo, &e.phi) == -1) {
			build_error(b, r->line, "ports \"%s\": not a port or a "
			    "range lo-hi of ports 0-65535",
			    shown(f, len, tmp, sizeof(tmp)));
			bad = 1;
		} else
			e.ports = 1;
	}
	if (bad)
		return 0;
	return pend_push(b, &e, r->field[col[COL_CUSTOMER]],
	    r->len[col[COL_CUSTOMER]], r->field[col[COL_ADDRESS]],
	    r->len[col[COL_ADDRESS]]);
}

/* Map the header row to columns; 0, or -1 (errors collected). */
static int
read_header(struct build *b, const struct csv_record *r, int *col)
{
	size_t	 i, k, len;
	const char *f;
	char	 tmp[128];
	int	 bad = 0;

	for (k = 0; k < COL_MAX; k++)
		col[k] = -1;
	for (i = 0; i < r->nfields; i++) {
		f = r->field[i];
		len = r->len[i];
		if (i == 0 && len >= 3 && memcmp(f, "\xef\xbb\xbf", 3) == 0) {
			f += 3;		/* a byte order mark */
			len -= 3;
		}
		for (k = 0; k < COL_MAX; k++)
			if (strlen(col_names[k]) == len &&
			    memcmp(col_names[k], f, len) == 0)
				break;
		if (k == COL_MAX) {
			build_error(b, r->line,
			    "unknown column \"%s\" (the columns "
			    "are prefix, customer, address, valid_from, "
			    "valid_until, ports)",
			    shown(f, len, tmp, sizeof(tmp)));
			bad = 1;
		} else if (col[k] != -1) {
			build_error(b, r->line, "column \"%s\" named twice",
			    col_names[k]);
			bad = 1;
		} else
			col[k] = (int)i;
	}
	for (k = 0; k <= COL_ADDRESS; k++) {
		if (col[k] == -1) {
			build_error(b, r->line,
			    "the header has no \"%s\" column",
			    col_names[k]);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* The hashing thread: hash blocks as they come. */
static void *
hasher_main(void *arg)
{
	struct hasher	*hs = arg;
	unsigned	 slot;

	pthread_mutex_lock(&hs->mu);
	for (;;) {
		while (hs->tail == hs->head && !hs->done)
			pthread_cond_wait(&hs->cv, &hs->mu);
		if (hs->tail == hs->head)
			break;
		slot = hs->tail % HASH_SLOTS;
		pthread_mutex_unlock(&hs->mu);
		sha256_update(hs->hash, hs->buf + (size_t)slot * HASH_BLOCK,
		    hs->len[slot]);
		pthread_mutex_lock(&hs->mu);
		hs->tail++;
		pthread_cond_broadcast(&hs->cv);
	}
	pthread_mutex_unlock(&hs->mu);
	return NULL;
}

/* Start the hashing thread; if it cannot run, hashing is done inline. */
static void
hasher_start(struct hasher *hs, struct sha256 *hash)
{
	memset(hs, 0, sizeof(*hs));
	hs->hash = hash;
	if ((hs->buf = malloc((size_t)HASH_SLOTS * HASH_BLOCK)) == NULL)
		return;
	pthread_mutex_init(&hs->mu, NULL);
	pthread_cond_init(&hs->cv, NULL);
	if (pthread_create(&hs->thread, NULL, hasher_main, hs) != 0) {
		pthread_mutex_destroy(&hs->mu);
		pthread_cond_destroy(&hs->cv);
		free(hs->buf);
		hs->buf = NULL;
		return;
	}
	hs->running = 1;
}

/* Hand the block being filled to the thread. */
static void
hasher_hand(struct hasher *hs)
{
	hs->len[hs->head % HASH_SLOTS] = hs->fill;
	hs->fill = 0;
	pthread_mutex_lock(&hs->mu);
	hs->head++;
	pthread_cond_broadcast(&hs->cv);
	pthread_mutex_unlock(&hs->mu);
}

/* Hand len bytes of p to the hash. */
static void
hasher_put(struct hasher *hs, const void *vp, size_t len)
{
	const unsigned char *p = vp;
	size_t		 n;
	unsigned	 slot;

	if (!hs->running) {
		sha256_update(hs->hash, p, len);
		return;
	}
	while (len > 0) {
		if (hs->fill == 0) {
			/* Wait for a block the thread is done with. */
			pthread_mutex_lock(&hs->mu);
			while (hs->head - hs->tail == HASH_SLOTS)
				pthread_cond_wait(&hs->cv, &hs->mu);
			pthread_mutex_unlock(&hs->mu);
		}
		slot = hs->head % HASH_SLOTS;
		n = HASH_BLOCK - hs->fill;
		if (n > len)
			n = len;
		memcpy(hs->buf + (size_t)slot * HASH_BLOCK + hs->fill, p, n);
		hs->fill += n;
		p += n;
		len -= n;
		if (hs->fill == HASH_BLOCK)
			hasher_hand(hs);
	}
}

/* Wait until every byte is hashed and stop the thread. */
static void
hasher_finish(struct hasher *hs)
{
	if (!hs->running)
		return;
	if (hs->fill > 0)
		hasher_hand(hs);
	pthread_mutex_lock(&hs->mu);
	hs->done = 1;
	pthread_cond_broadcast(&hs->cv);
	pthread_mutex_unlock(&hs->mu);
	pthread_join(hs->thread, NULL);
	pthread_mutex_destroy(&hs->mu);
	pthread_cond_destroy(&hs->cv);
	free(hs->buf);
	hs->running = 0;
}

/* Hash and count every byte read; report progress. */
static void
read_tap(void *arg, const void *p, size_t len)
{
	struct build *b = arg;

	hasher_put(&b->hasher, p, len);
	b->bytes_read += len;
	if (b->opts->progress && b->bytes_read >= b->next_report) {
		b->opts->progress(b->opts->progress_arg, IPMAP_PHASE_READ,
		    b->bytes_read, b->bytes_total);
		b->next_report = b->bytes_read + (1 << 20);
	}
}

/* Read the whole source; 0, or -1 (errors collected). */
static int
read_source(struct build *b)
{
	struct csv_record r;
	struct stat	 st;
	FILE		*fp;
	csv_t		*c;
	int		 col[COL_MAX], rc, have_header = 0, header_ok = 0;
	size_t		 ncols = 0;

	if ((fp = fopen(b->path, "r")) == NULL) {
		build_error(b, 0, "%s", strerror(errno));
		b->sys_error = 1;
		return -1;
	}
	if (fstat(fileno(fp), &st) == 0)
		b->bytes_total = (uint64_t)st.st_size;
	sha256_init(&b->hash);
	hasher_start(&b->hasher, &b->hash);
	if ((c = csv_open(fp, read_tap, b)) == NULL) {
		hasher_finish(&b->hasher);
		fclose(fp);
		build_error(b, 0, "out of memory");
		b->sys_error = 1;
		return -1;
	}
	while ((rc = csv_read(c, &r)) != 0) {
		if (rc == -1) {
			if (csv_fatal(c)) {
				build_error(b, 0,
				    "read error: %s", csv_error(c));
				b->sys_error = 1;
				break;
			}
			build_error(b, csv_errline(c), "%s", csv_error(c));
			if (!have_header)
				break;
			continue;
		}
		if (!have_header) {
			have_header = 1;
			if (read_header(b, &r, col) == -1)
				break;
			header_ok = 1;
			ncols = r.nfields;
			continue;
		}
		b->rows++;
		if (read_row(b, &r, col, ncols) == -1) {
			build_error(b, r.line, "out of memory");
			b->sys_error = 1;
			break;
		}
	}
	if (!b->sys_error && pend_drain(b) == -1) {
		build_error(b, 0, "out of memory");
		b->sys_error = 1;
	}
	csv_close(c);
	fclose(fp);
	hasher_finish(&b->hasher);
	sha256_hex(&b->hash, b->sha);
	if (!have_header && b->nerr_total == 0)
		build_error(b, 0,
		    "no header row (prefix,customer,address,...)");
	else if (header_ok && b->rows == 0 && b->nerr_total == 0 &&
	    !b->opts->allow_empty)
		build_error(b, 0, "no rows: refusing to load an empty map "
		    "(use --allow-empty)");
	return b->nerr_total ? -1 : 0;
}

/* The big-endian 64-bit number at p. */
static inline uint64_t
be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Order entries by family, network, length, validity, ports, line. */
static inline int
build_entry_cmp(const struct build_entry *x, const struct build_entry *y)
{
	uint64_t xa, ya;

	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	if ((xa = be64(x->a)) != (ya = be64(y->a)))
		return xa < ya ? -1 : 1;
	if ((xa = be64(x->a + 8)) != (ya = be64(y->a + 8)))
		return xa < ya ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->plo != y->plo)
		return x->plo < y->plo ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/* Sort n entries in place (quicksort, insertion sort for short runs). */
static void
build_entry_sort(struct build_entry *v, size_t n)
{
	struct build_entry	 t, pivot;
	size_t		 i, j, m;

	while (n > 16) {
		m = n / 2;
		/* Median of three to the middle. */
		if (build_entry_cmp(&v[m], &v[0]) < 0) {
			t = v[m]; v[m] = v[0]; v[0] = t;
		}
		if (build_entry_cmp(&v[n - 1], &v[m]) < 0) {
			t = v[m]; v[m] = v[n - 1]; v[n - 1] = t;
			if (build_entry_cmp(&v[m], &v[0]) < 0) {
				t = v[m]; v[m] = v[0]; v[0] = t;
			}
		}
		pivot = v[m];
		i = 0;
		j = n - 1;
		for (;;) {
			while (build_entry_cmp(&v[i], &pivot) < 0)
				i++;
			while (build_entry_cmp(&pivot, &v[j]) < 0)
				j--;
			if (i >= j)
				break;
			t = v[i]; v[i] = v[j]; v[j] = t;
			i++;
			j--;
		}
		/* Recurse into the smaller part, loop on the larger. */
		if (j + 1 < n - j - 1) {
			build_entry_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			build_entry_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && build_entry_cmp(&t, &v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * The radix sort below orders entries by the digits of (family, network,
 * length), which is the order of build_entry_cmp() on those fields: first the
 * family and the first byte of the network together (9 bits), then the
 * other 15 bytes of the network, then the length.
 */
#define RADIX_KEYLEN	17	/* digits */
#define RADIX_MIN	32	/* shorter runs are sorted by comparison */

/* Digit d of the radix key of e. */
static inline unsigned
bent_digit(const struct build_entry *e, unsigned d)
{
	if (d == 0)
		return (e->fam == IPADDR_V6) << 8 | e->a[0];
	return d < 16 ? e->a[d] : e->plen;
}

/*
 * Sort n entries in place in build_entry_cmp() order, the key digits before d
 * being the same in all of them: most significant digit first, each
 * digit distributed in place (American flag sort), so that no second
 * array is needed; short runs, and runs that agree on the whole key, go
 * to build_entry_sort().
 */
static void
bent_radix(struct build_entry *v, size_t n, unsigned d)
{
	size_t		 next[512], end[512], i, pos;
	struct build_entry	 t;
	unsigned	 k, bk, nb;

	for (; n > RADIX_MIN && d < RADIX_KEYLEN; d++) {
		nb = d == 0 ? 512 : 256;
		memset(end, 0, nb * sizeof(end[0]));
		for (i = 0; i < n; i++)
			end[bent_digit(&v[i], d)]++;
		if (end[bent_digit(&v[0], d)] == n)
			continue;	/* one bucket: the next digit */
		for (pos = 0, bk = 0; bk < nb; bk++) {
			next[bk] = pos;
			pos += end[bk];
			end[bk] = pos;
		}
		/*
		 * Each element is moved once, straight to its bucket, where
		 * it displaces the element to move next.  That element is
		 * fetched ahead, when the one before it is placed: the moves
		 * depend on each other and would otherwise wait for memory.
		 */
		for (bk = 0; bk < nb; bk++) {
			while (next[bk] < end[bk]) {
				t = v[next[bk]];
				while ((k = bent_digit(&t, d)) != bk) {
					struct build_entry u = v[next[k]];

					v[next[k]++] = t;
					t = u;
					if (next[k] < end[k]) {
						const char *np = (const char *)
						    &v[next[k]];

						__builtin_prefetch(np);
						__builtin_prefetch(np +
						    sizeof(*v) - 1);
					}
				}
				v[next[bk]++] = t;
			}
		}
		for (pos = 0, bk = 0; bk < nb; pos = end[bk++])
			if (end[bk] - pos > 1)
				bent_radix(v + pos, end[bk] - pos, d + 1);
		return;
	}
	build_entry_sort(v, n);
}

/* Non-zero if x and y are the same prefix. */
static int
same_prefix(const struct build_entry *x, const struct build_entry *y)
{
	return x->fam == y->fam && x->plen == y->plen &&
	    memcmp(x->a, y->a, 16) == 0;
}

/* Non-zero if the validity and ports of x and y overlap. */
static int
overlaps(const struct build_entry *x, const struct build_entry *y)
{
	int64_t	 xu = x->until == INT64_MIN ? INT64_MAX : x->until;
	int64_t	 yu = y->until == INT64_MIN ? INT64_MAX : y->until;

	if (!(x->from < yu && y->from < xu))
		return 0;
	if (!x->ports || !y->ports)
		return 1;
	return x->plo <= y->phi && y->plo <= x->phi;
}

/* Prefix of e as text. */
static const char *
prefix_text(const struct build_entry *e, char *out, size_t size)
{
	struct ipaddr	 ip;
	char		 a[IPADDR_STRLEN];

	ip.family = e->fam;
	memcpy(ip.a, e->a, 16);
	if (ipaddr_format(&ip, a, sizeof(a)) == -1 ||
	    snprintf(out, size, "%s/%d", a, e->plen) >= (int)size)
		return "?";
	return out;
}

/* Sort the entries of b, unless they are sorted already. */
void
build_sort(struct build *b)
{
	if (!b->sorted)
		bent_radix(b->ent, b->nent, 0);
	b->sorted = 1;
}

/* Order x and y as build_sort() does: <0, 0 or >0. */
int
build_cmp(const struct build_entry *x, const struct build_entry *y)
{
	return build_entry_cmp(x, y);
}

/* Report entry late conflicting with early (line 0: the map in service). */
static void
conflict(struct build *b, const struct build_entry *late,
    const struct build_entry *early)
{
	char	 p[64];

	if (early->line == 0)
		build_error(b, late->line, "prefix %s: overlaps an entry of "
		    "the map in service (customer %s) in time and ports with "
		    "a different customer or address",
		    prefix_text(late, p, sizeof(p)),
		    build_cust_name(b, early->cid));
	else
		build_error(b, late->line, "prefix %s: overlaps line %" PRIu32
		    " (customer %s) in time and ports with a different "
		    "customer or address", prefix_text(late, p, sizeof(p)),
		    early->line, build_cust_name(b, early->cid));
}

/*
 * Sort, drop exact duplicates, find conflicting entries of a prefix and
 * count prefixes.  Returns 0, or -1 (errors collected).
 */
static int
check_entries(struct build *b)
{
	size_t	 i, j, k, o, start;
	char	 p[64];

	build_sort(b);
	for (i = 0, o = 0; i < b->nent; i++) {
		struct build_entry *e = &b->ent[i];

		if (o > 0 && same_prefix(e, &b->ent[o - 1]) &&
		    e->from == b->ent[o - 1].from &&
		    e->until == b->ent[o - 1].until &&
		    e->ports == b->ent[o - 1].ports &&
		    e->plo == b->ent[o - 1].plo &&
		    e->phi == b->ent[o - 1].phi &&
		    e->cid == b->ent[o - 1].cid)
			continue;	/* an exact duplicate row */
		b->ent[o++] = *e;
	}
	b->nent = o;
	for (start = 0; start < b->nent; start = k) {
		for (k = start + 1; k < b->nent &&
		    same_prefix(&b->ent[k], &b->ent[start]); k++)
			;
		b->prefixes++;
		if (k - start > UINT16_MAX) {
			build_error(b, b->ent[start].line,
			    "prefix %s: more than "
			    "%u rows", prefix_text(&b->ent[start], p,
			    sizeof(p)), (unsigned)UINT16_MAX);
			continue;
		}
		if (b->ent[start].fam == IPADDR_V4)
			b->count4[b->ent[start].plen]++;
		else
			b->count6[b->ent[start].plen]++;
		for (i = start; i < k; i++) {
			for (j = i + 1; j < k; j++) {
				const struct build_entry *x = &b->ent[i];
				const struct build_entry *y = &b->ent[j];
				const struct build_entry *late =
				    x->line > y->line ?
				    x : y, *early = late == x ? y : x;

				if (x->cid == y->cid || !overlaps(x, y))
					continue;
				conflict(b, late, early);
			}
		}
	}
	return b->nerr_total ? -1 : 0;
}

/* A growable byte array of the writer. */
struct bytes {
	unsigned char	*p;
	size_t		 len, size;
};

/* A customer's place in the chunk being filled. */
struct cslot {
	uint32_t	 chunk;		/* b->chunks + 1 when it was placed */
	uint32_t	 idx;		/* its index in that chunk */
};

/* Writes into a fresh LMDB file, with transaction batching. */
struct writer {
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;		/* main: metadata, customers */
	MDB_dbi		 dbi4, dbi6;	/* the chunks of each family */
	/* the chunk being filled (see ipmap_int.h) */
	uint8_t		 cfam;
	size_t		 cn;		/* ranges in it */
	uint8_t		 cends[IPMAP_CHUNK_MAX][16];
	uint32_t	 coffs[IPMAP_CHUNK_MAX];
	struct bytes	 crecs;		/* their records */
	uint32_t	*ccust;		/* its customers, by global index */
	size_t		 nccust, accust;
	size_t		 ccbytes;	/* their records and offsets */
	struct cslot	*cslot;		/* by global index */
	struct bytes	 chains;	/* the chains of the open prefixes */
	size_t		 puts;
	int		 grown;		/* times the map was made bigger */
	uint64_t	 done, total;
	struct build	*b;
};

/* Room for need more bytes at the end of x; where, or NULL (ENOMEM). */
static unsigned char *
bytes_room(struct bytes *x, size_t need)
{
	unsigned char	*np;
	size_t		 n;

	if (need <= x->size - x->len)
		return x->p + x->len;
	if (need > SIZE_MAX / 4 - x->len)
		return NULL;
	for (n = x->size ? x->size : 4096; n - x->len < need; n *= 2)
		;
	if ((np = realloc(x->p, n)) == NULL)
		return NULL;
	x->p = np;
	x->size = n;
	return np + x->len;
}

/*
 * Between transactions: when the map is three quarters full, double its
 * size, so that MDB_MAP_FULL does not happen in the first place.
 */
static int
grow_if_needed(struct writer *w)
{
	MDB_envinfo	 ei;
	MDB_stat	 st;
	int		 rc;

	if ((rc = mdb_env_info(w->env, &ei)) != 0 ||
	    (rc = mdb_env_stat(w->env, &st)) != 0)
		return rc;
	if ((ei.me_last_pgno + 1) * (size_t)st.ms_psize <
	    ei.me_mapsize / 4 * 3)
		return 0;
	if (ei.me_mapsize > SIZE_MAX / 2)
		return MDB_MAP_FULL;
	if ((rc = mdb_env_set_mapsize(w->env, ei.me_mapsize * 2)) != 0)
		return rc;
	w->grown++;
	return 0;
}

/* Count a put; after TXN_BATCH of them, commit and begin anew. */
static int
writer_count_put(struct writer *w)
{
	int	 rc;

	if (++w->puts < TXN_BATCH)
		return 0;
	if ((rc = mdb_txn_commit(w->txn)) != 0) {
		w->txn = NULL;
		return rc;
	}
	w->txn = NULL;
	w->puts = 0;
	if ((rc = grow_if_needed(w)) != 0)
		return rc;
	if ((rc = mdb_txn_begin(w->env, NULL, 0, &w->txn)) != 0) {
		w->txn = NULL;
		return rc;
	}
	return 0;
}

/* Put one record into dbi (append order unless flags say otherwise). */
static int
writer_put(struct writer *w, MDB_dbi dbi, const void *k, size_t klen,
    const void *v, size_t vlen, unsigned flags)
{
	MDB_val	 key, val;
	int	 rc;

	key.mv_data = (void *)(uintptr_t)k;
	key.mv_size = klen;
	val.mv_data = (void *)(uintptr_t)v;
	val.mv_size = vlen;
	if ((rc = mdb_put(w->txn, dbi, &key, &val, flags)) != 0)
		return rc;
	return writer_count_put(w);
}

/* The big-endian 32-bit number at p. */
static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Compare addresses x and y of alen (4 or 16) bytes, as memcmp(). */
static inline int
addr_cmp(const uint8_t *x, const uint8_t *y, size_t alen)
{
	uint64_t xv, yv;

	if (alen == 4) {
		xv = be32(x);
		yv = be32(y);
	} else if ((xv = be64(x)) == (yv = be64(y))) {
		xv = be64(x + 8);
		yv = be64(y + 8);
	}
	return xv < yv ? -1 : xv > yv;
}

/* Last address of the prefix (a, plen) of alen bytes into out. */
static void
prefix_last(const uint8_t *a, int plen, size_t alen, uint8_t *out)
{
	size_t	 i;

	for (i = 0; i < alen; i++) {
		int keep = plen - (int)i * 8;

		if (keep >= 8)
			out[i] = a[i];
		else if (keep <= 0)
			out[i] = 0xff;
		else
			out[i] = (uint8_t)(a[i] | (0xff >> keep));
	}
}

/* a += 1 over alen bytes; returns the carry out (wrapped to zero). */
static int
addr_inc(uint8_t *a, size_t alen)
{
	size_t	 i;

	for (i = alen; i-- > 0;)
		if (++a[i] != 0)
			return 0;
	return 1;
}

/* a -= 1 over alen bytes. */
static void
addr_dec(uint8_t *a, size_t alen)
{
	size_t	 i;

	for (i = alen; i-- > 0;)
		if (a[i]-- != 0)
			return;
}

/*
 * A prefix open during the sweep.  Its chain (the part of a range record
 * it adds, see ipmap_int.h) is encoded once, when it opens, and copied
 * into each range it covers.
 */
struct open_prefix {
	size_t		 off, len;	/* its chain in w->chains */
	uint8_t		 last[16];
};

/*
 * Encode the chain of the prefix whose entries are b->ent[first] and the
 * n - 1 after it at the end of w->chains, and note where in op.
 */
static int
chain_open(struct writer *w, size_t first, size_t n, struct open_prefix *op)
{
	const struct build_entry *be = &w->b->ent[first];
	struct ipmap_ent e;
	unsigned char	*p, *q;
	uint16_t	 nent = (uint16_t)n;
	size_t		 i;

	if (n > UINT16_MAX)
		return EOVERFLOW;
	if ((p = bytes_room(&w->chains, IPMAP_CHAIN_HDR +
	    n * IPMAP_ENT_MAX)) == NULL)
		return ENOMEM;
	q = p;
	*q++ = be->plen;
	memcpy(q, &nent, 2);
	q += 2;
	for (i = 0; i < n; i++, be++) {
		e.from = be->from;
		e.until = be->until;
		e.port_lo = be->ports ? be->plo : -1;
		e.port_hi = be->ports ? be->phi : -1;
		/* the global index: chain_put() makes it the chunk's */
		e.cid = be->cid;
		q += ipmap_ent_put(q, &e);
	}
	op->off = w->chains.len;
	op->len = (size_t)(q - p);
	w->chains.len += op->len;
	return 0;
}

/*
 * The index in the chunk being filled of customer g (a global index),
 * into *idx; g joins the chunk's list if it is not in it yet.  0, or
 * EOVERFLOW when the list is full, ENOMEM.
 */
static int
chunk_cust(struct writer *w, uint32_t g, uint32_t *idx)
{
	struct cslot	*cs = &w->cslot[g];
	const struct cust *cu = &w->b->cust[g];
	uint32_t	 stamp = (uint32_t)w->b->chunks + 1;
	uint32_t	*np;
	size_t		 n;

	if (cs->chunk == stamp) {
		*idx = cs->idx;
		return 0;
	}
	if (w->nccust == UINT16_MAX)
		return EOVERFLOW;
	if (w->nccust == w->accust) {
		n = w->accust ? w->accust * 2 : 64;
		if ((np = realloc(w->ccust, n * sizeof(*np))) == NULL)
			return ENOMEM;
		w->ccust = np;
		w->accust = n;
	}
	/* chunk_flush() copies the record: fetch it meanwhile */
	__builtin_prefetch(w->b->carena + cu->off);
	cs->chunk = stamp;
	cs->idx = (uint32_t)w->nccust;
	w->ccust[w->nccust++] = g;
	w->ccbytes += 4 + (size_t)cu->clen + cu->alen + 2;
	*idx = cs->idx;
	return 0;
}

/*
 * Copy the chain at c (len bytes, as chain_open() encoded it) into the
 * chunk being filled, *at bytes past the end of its records, with each
 * entry naming its customer by its index in the chunk; *at moves past
 * it.  0, or EOVERFLOW, ENOMEM.
 */
static int
chain_put(struct writer *w, const unsigned char *c, size_t len, size_t *at)
{
	const unsigned char *end = c + len;
	struct ipmap_ent e;
	unsigned char	*p, *q;
	uint16_t	 nent;
	size_t		 i;
	int		 rc;

	memcpy(&nent, c + 1, 2);
	if ((p = bytes_room(&w->crecs, *at + IPMAP_CHAIN_HDR +
	    (size_t)nent * IPMAP_ENT_MAX)) == NULL)
		return ENOMEM;
	p += *at;
	memcpy(p, c, IPMAP_CHAIN_HDR);
	q = p + IPMAP_CHAIN_HDR;
	c += IPMAP_CHAIN_HDR;
	for (i = 0; i < nent; i++) {
		if ((c = ipmap_ent_get(c, end, &e)) == NULL)
			return EINVAL;		/* not as chain_open() wrote */
		if ((rc = chunk_cust(w, e.cid, &e.cid)) != 0)
			return rc;
		q += ipmap_ent_put(q, &e);
	}
	*at += (size_t)(q - p);
	return 0;
}

/*
 * Put the record of the range starting at start (alen bytes) covered by
 * the depth prefixes of stack after the records of the chunk being
 * filled, without counting it in yet; its length into *len.  0, or
 * EOVERFLOW, ENOMEM.
 */
static int
range_put(struct writer *w, const uint8_t *start, size_t alen,
    const struct open_prefix *stack, int depth, size_t *len)
{
	unsigned char	*p;
	size_t		 at = alen + 1;
	int		 k, rc;

	if ((p = bytes_room(&w->crecs, at)) == NULL)
		return ENOMEM;
	memcpy(p, start, alen);
	p[alen] = (uint8_t)depth;
	for (k = depth - 1; k >= 0; k--)
		if ((rc = chain_put(w, w->chains.p + stack[k].off,
		    stack[k].len, &at)) != 0)
			return rc;
	*len = at;
	return 0;
}

/*
 * Write the customer offsets of the chunk being filled at p, and its
 * customer records at r, which is first bytes from the start of the value.
 */
static void
chunk_custs_out(struct writer *w, unsigned char *p, unsigned char *r,
    uint32_t first)
{
	const struct cust *cu;
	size_t		 i, len;
	uint32_t	 off = first;

	for (i = 0; i < w->nccust; i++, p += 4) {
		cu = &w->b->cust[w->ccust[i]];
		len = (size_t)cu->clen + cu->alen + 2;
		memcpy(p, &off, 4);
		memcpy(r, w->b->carena + cu->off, len);
		r += len;
		off += (uint32_t)len;
	}
}

/* Write the chunk being filled, if it has ranges, in place in the map. */
static int
chunk_flush(struct writer *w)
{
	size_t		 alen = w->cfam == IPADDR_V4 ? 4 : 16, i, hdr;
	uint16_t	 n = (uint16_t)w->cn, nc = (uint16_t)w->nccust;
	uint32_t	 off, k4;
	unsigned char	*p;
	MDB_val		 key, val;
	int		 rc;

	if (w->cn == 0)
		return 0;
	hdr = IPMAP_CHUNK_HDR + w->cn * (alen + 4) + 4 * w->nccust;
	if (hdr + w->crecs.len + w->ccbytes > UINT32_MAX)
		return EOVERFLOW;
	if (w->cfam == IPADDR_V4) {
		k4 = ipmap_v4key(w->cends[n - 1]);
		key.mv_data = &k4;
		key.mv_size = sizeof(k4);
	} else {
		key.mv_data = w->cends[n - 1];
		key.mv_size = 16;
	}
	val.mv_data = NULL;
	val.mv_size = hdr + w->crecs.len + w->ccbytes - 4 * w->nccust;
	if ((rc = mdb_put(w->txn, w->cfam == IPADDR_V4 ? w->dbi4 : w->dbi6,
	    &key, &val, MDB_APPEND | MDB_RESERVE)) != 0)
		return rc;
	p = val.mv_data;
	memcpy(p, &n, 2);
	memcpy(p + 2, &nc, 2);
	p += IPMAP_CHUNK_HDR;
	for (i = 0; i < w->cn; i++, p += alen)
		memcpy(p, w->cends[i], alen);
	for (i = 0; i < w->cn; i++, p += 4) {
		off = (uint32_t)(hdr + w->coffs[i]);
		memcpy(p, &off, 4);
	}
	memcpy(p + 4 * w->nccust, w->crecs.p, w->crecs.len);
	chunk_custs_out(w, p, p + 4 * w->nccust + w->crecs.len,
	    (uint32_t)(hdr + w->crecs.len));
	w->cn = 0;
	w->crecs.len = 0;
	w->nccust = 0;
	w->ccbytes = 0;
	w->b->chunks++;
	return writer_count_put(w);
}

/*
 * Add one range [start, end] covered by the open prefixes to the chunk;
 * into the next one if its record and the customers it adds would make
 * the chunk too big.
 */
static int
emit_range(struct writer *w, uint8_t fam, const uint8_t *start,
    const uint8_t *end, const struct open_prefix *stack, int depth)
{
	size_t		 alen = fam == IPADDR_V4 ? 4 : 16, rlen, ncc, ccb;
	int		 rc;

	if (w->cn > 0 && (w->cfam != fam || w->cn == IPMAP_CHUNK_MAX))
		if ((rc = chunk_flush(w)) != 0)
			return rc;
	for (;;) {
		ncc = w->nccust;
		ccb = w->ccbytes;
		rc = range_put(w, start, alen, stack, depth, &rlen);
		if (rc == 0 && (w->cn == 0 || w->crecs.len + rlen +
		    w->ccbytes <= IPMAP_CHUNK_BYTES))
			break;
		if ((rc != 0 && rc != EOVERFLOW) || w->cn == 0)
			return rc;
		/* Too big: the range goes into the next chunk, and so do
		 * the customers it added (the flush makes their slots
		 * stale). */
		w->nccust = ncc;
		w->ccbytes = ccb;
		if ((rc = chunk_flush(w)) != 0)
			return rc;
	}
	if (rlen > UINT32_MAX / 2 || w->crecs.len > UINT32_MAX / 2)
		return EOVERFLOW;
	w->cfam = fam;
	memcpy(w->cends[w->cn], end, alen);
	w->coffs[w->cn] = (uint32_t)w->crecs.len;
	w->crecs.len += rlen;
	w->cn++;
	w->b->ranges++;
	if ((++w->done & 0xffff) == 0 && w->b->opts->progress)
		w->b->opts->progress(w->b->opts->progress_arg,
		    IPMAP_PHASE_WRITE, w->done < w->total ? w->done : w->total,
		    w->total);
	return 0;
}

#define SWEEP_AHEAD	16	/* entries */

/*
 * Sweep the sorted entries of one family, [first, last), into disjoint
 * ranges.  Prefixes are sorted by network then length, so each one is
 * either inside the prefix on top of the stack or after it.
 */
static int
sweep_family(struct writer *w, size_t first, size_t last)
{
	struct build		*b = w->b;
	struct open_prefix	 stack[130];
	uint8_t			 pos[16], end[16], fam;
	size_t			 i, k, alen;
	int			 depth = 0, rc, wrapped = 0;

	if (first == last)
		return 0;
	fam = b->ent[first].fam;
	alen = fam == IPADDR_V4 ? 4 : 16;
	memset(pos, 0, sizeof(pos));
	w->chains.len = 0;
	for (i = first;; i = k) {
		const struct build_entry *e = i < last ? &b->ent[i] : NULL;

		/* The place and record of a customer further on, looked up
		 * at random by chunk_cust(): fetch them ahead. */
		if (i + SWEEP_AHEAD < last) {
			__builtin_prefetch(&w->cslot[b->ent[i +
			    SWEEP_AHEAD].cid]);
			__builtin_prefetch(&b->cust[b->ent[i +
			    SWEEP_AHEAD].cid]);
		}
		/* Close the open prefixes that end before this one. */
		while (depth > 0 && (e == NULL ||
		    addr_cmp(stack[depth - 1].last, e->a, alen) < 0)) {
			if (!wrapped && addr_cmp(pos, stack[depth - 1].last,
			    alen) <= 0) {
				if ((rc = emit_range(w, fam, pos,
				    stack[depth - 1].last, stack, depth)) != 0)
					return rc;
				memcpy(pos, stack[depth - 1].last, alen);
				wrapped = addr_inc(pos, alen);
			}
			depth--;
			w->chains.len = stack[depth].off;
		}
		if (e == NULL)
			break;
		/* The part of the enclosing prefix before this one. */
		if (depth > 0 && addr_cmp(pos, e->a, alen) < 0) {
			memcpy(end, e->a, alen);
			addr_dec(end, alen);
			if ((rc = emit_range(w, fam, pos, end, stack,
			    depth)) != 0)
				return rc;
		}
		memcpy(pos, e->a, alen);
		wrapped = 0;
		for (k = i + 1; k < last && same_prefix(&b->ent[k], e); k++)
			;
		if ((rc = chain_open(w, i, k - i, &stack[depth])) != 0)
			return rc;
		prefix_last(e->a, e->plen, alen, stack[depth].last);
		depth++;
	}
	return chunk_flush(w);
}

/* Compose the metadata record. */
static int
meta_text(struct build *b, buf_t *m, uint64_t serial, int64_t built)
{
	char	 t[32];
	int	 i;

	if (time_format_rfc3339(built, t, sizeof(t)) == -1)
		return -1;
	if (buf_printf(m, "version\t%d\nserial\t%" PRIu64 "\nbuilt\t%s\n"
	    "source_sha256\t%s\nrows\t%" PRIu64 "\nentries\t%zu\n"
	    "prefixes\t%" PRIu64 "\ncustomers\t%zu\nranges\t%" PRIu64 "\n"
	    "chunks\t%" PRIu64 "\n",
	    IPMAP_FORMAT_VERSION, serial, t, b->sha, b->rows, b->nent,
	    b->prefixes, b->ncust, b->ranges, b->chunks))
		return -1;
	if (b->history && (time_format_rfc3339(b->as_of, t, sizeof(t)) == -1 ||
	    buf_printf(m, "history\t1\nas_of\t%s\nkeep_days\t%d\n", t,
	    b->keep_days)))
		return -1;
	for (i = 0; i <= 32; i++)
		if (b->count4[i] && buf_printf(m, "ipv4/%d\t%" PRIu64 "\n", i,
		    b->count4[i]))
			return -1;
	for (i = 0; i <= 128; i++)
		if (b->count6[i] && buf_printf(m, "ipv6/%d\t%" PRIu64 "\n", i,
		    b->count6[i]))
			return -1;
	return 0;
}

/* Write a whole generation to file; 0, or an errno / LMDB code. */
static int
write_generation(struct build *b, const char *file, size_t mapsize,
    uint64_t serial, int64_t built, int *grown, size_t *final_size)
{
	struct writer	 w;
	buf_t		 meta;
	size_t		 split;
	int		 rc;

	memset(&w, 0, sizeof(w));
	w.b = b;
	w.total = b->nent + b->nent / 2 + 1;	/* ranges, about */
	buf_init(&meta, 1 << 16);
	unlink(file);
	if ((rc = mdb_env_create(&w.env)) != 0)
		goto out;
	if ((rc = mdb_env_set_mapsize(w.env, mapsize)) != 0 ||
	    (rc = mdb_env_set_maxdbs(w.env, 2)) != 0 ||
	    (rc = mdb_env_open(w.env, file, MDB_NOSUBDIR | MDB_NOLOCK |
	    MDB_NOSYNC | MDB_NOMETASYNC, 0644)) != 0 ||
	    (rc = mdb_txn_begin(w.env, NULL, 0, &w.txn)) != 0 ||
	    (rc = mdb_dbi_open(w.txn, NULL, 0, &w.dbi)) != 0 ||
	    (rc = mdb_dbi_open(w.txn, IPMAP_DB_V4, MDB_CREATE |
	    MDB_INTEGERKEY, &w.dbi4)) != 0 ||
	    (rc = mdb_dbi_open(w.txn, IPMAP_DB_V6, MDB_CREATE,
	    &w.dbi6)) != 0)
		goto out;
	/* Each chunk has its customers' records (see ipmap_int.h). */
	if ((w.cslot = table_alloc((b->ncust + 1) *
	    sizeof(*w.cslot))) == NULL) {
		rc = ENOMEM;
		goto out;
	}
	for (split = 0; split < b->nent && b->ent[split].fam == IPADDR_V4;
	    split++)
		;
	b->ranges = 0;
	b->chunks = 0;
	if ((rc = sweep_family(&w, 0, split)) != 0 ||
	    (rc = sweep_family(&w, split, b->nent)) != 0)
		goto out;
	if (meta_text(b, &meta, serial, built) == -1) {
		rc = ENOMEM;
		goto out;
	}
	if ((rc = writer_put(&w, w.dbi, IPMAP_KEY_META, IPMAP_KEY_META_LEN,
	    meta.data, meta.len, 0)) != 0)
		goto out;
	rc = mdb_txn_commit(w.txn);
	w.txn = NULL;
	if (rc == 0)
		rc = mdb_env_sync(w.env, 1);
	if (rc == 0) {
		MDB_envinfo ei;

		*grown += w.grown;
		if (mdb_env_info(w.env, &ei) == 0)
			*final_size = ei.me_mapsize;
	}
	if (rc == 0 && b->opts->progress)
		b->opts->progress(b->opts->progress_arg, IPMAP_PHASE_WRITE,
		    w.done, w.done);
out:
	if (w.txn)
		mdb_txn_abort(w.txn);
	if (w.env)
		mdb_env_close(w.env);
	buf_free(&meta);
	free(w.crecs.p);
	free(w.chains.p);
	free(w.ccust);
	table_free(w.cslot, (b->ncust + 1) * sizeof(*w.cslot));
	if (rc != 0)
		unlink(file);
	return rc;
}

/* Parse "map.<serial>.mdb"; the serial, or 0. */
uint64_t
ipmap_file_serial(const char *name)
{
	size_t		 pl = strlen(IPMAP_FILE_PREFIX);
	size_t		 sl = strlen(IPMAP_FILE_SUFFIX), len = strlen(name);
	uint64_t	 v = 0;
	size_t		 i;

	if (len <= pl + sl || strncmp(name, IPMAP_FILE_PREFIX, pl) != 0 ||
	    strcmp(name + len - sl, IPMAP_FILE_SUFFIX) != 0 ||
	    name[pl] == '0' || len - pl - sl > 19)
		return 0;
	for (i = pl; i < len - sl; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	return v;
}

/* Serial of the generation `current` points at, 0 if none. */
uint64_t
ipmap_dir_current(const char *dir, char *name, size_t namesize)
{
	char	 path[PATH_MAX];
	ssize_t	 n;

	name[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, IPMAP_CURRENT) >=
	    (int)sizeof(path))
		return 0;
	if ((n = readlink(path, name, namesize - 1)) <= 0)
		return 0;
	name[n] = '\0';
	return ipmap_file_serial(name);
}

/* Highest serial of any generation file in dir. */
uint64_t
ipmap_dir_highest(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	uint64_t	 s, max = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if ((s = ipmap_file_serial(de->d_name)) > max)
			max = s;
	closedir(d);
	return max;
}

/* Remove the generations other than keep1 and keep2. */
void
ipmap_dir_remove_old(const char *dir, uint64_t keep1, uint64_t keep2)
{
	DIR		*d;
	struct dirent	*de;
	uint64_t	 s;
	char		 path[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		s = ipmap_file_serial(de->d_name);
		if (s == 0 || s == keep1 || s == keep2)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}

/* Write serial into the generation hint file, in place. */
int
ipmap_dir_hint(const char *dir, uint64_t serial)
{
	char	 path[PATH_MAX];
	int	 fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, IPMAP_GENERATION) >=
	    (int)sizeof(path))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (pwrite(fd, &serial, sizeof(serial), 0) != (ssize_t)sizeof(serial))
		rc = -1;
	close(fd);
	return rc;
}

/* Put generation file name in service: symlink, rename, fsync dir. */
int
ipmap_dir_swap(const char *dir, const char *name)
{
	char	 tmp[PATH_MAX], cur[PATH_MAX];
	int	 fd;

	if (snprintf(tmp, sizeof(tmp), "%s/%s.new", dir, IPMAP_CURRENT) >=
	    (int)sizeof(tmp) ||
	    snprintf(cur, sizeof(cur), "%s/%s", dir, IPMAP_CURRENT) >=
	    (int)sizeof(cur)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(tmp);
	if (symlink(name, tmp) == -1)
		return -1;
	if (rename(tmp, cur) == -1) {
		unlink(tmp);
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

/* Open and lock dir's lock file; the descriptor, or -1. */
int
ipmap_dir_lock(const char *dir)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, IPMAP_LOCKFILE) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Free everything a build holds. */
static void
build_free(struct build *b)
{
	free(b->ent);
	free(b->cust);
	table_free(b->chash, b->chsize * sizeof(*b->chash));
	free(b->carena);
	free(b->err);
	buf_free(&b->emsg);
}

/*
 * Whether the load into dir (old: the serial in service, named oldname)
 * builds history: as opts say, or as the map in service says (one that
 * cannot be read has nothing to keep: the load replaces it).  0 or 1.
 */
static int
wants_history(struct build *b, const char *dir, uint64_t old,
    const char *oldname)
{
	char	 v[8];
	ipmap_t	*map;
	int	 rc;

	if (b->opts->history != IPMAP_HIST_AUTO || old == 0)
		return b->opts->history == IPMAP_HIST_ON;
	if ((map = ipmap_open_file(dir, oldname, NULL, 0)) == NULL)
		return 0;
	rc = ipmap_meta(map, "history", v, sizeof(v)) == 1 &&
	    strcmp(v, "1") == 0;
	ipmap_close(map);
	return rc;
}

/*
 * Under the lock: merge with the map in service when the load builds
 * history, then check the entries.  0, or the return of a failed load.
 */
static int
prepare(struct build *b, const char *dir, uint64_t old, const char *oldname)
{
	int	 h;

	b->path = b->source;
	if (wants_history(b, dir, old, oldname)) {
		b->history = 1;
		b->as_of = b->opts->as_of ? b->opts->as_of :
		    (int64_t)time(NULL);
		b->keep_days = b->opts->keep_days > 0 ? b->opts->keep_days :
		    IPMAP_KEEP_DAYS;
		if ((h = ipmap_history_merge(b, dir,
		    old == 0 ? NULL : oldname)) != 0)
			return h;
	}
	/* Customers are all interned: their hash table is no longer used. */
	table_free(b->chash, b->chsize * sizeof(*b->chash));
	b->chash = NULL;
	b->chsize = 0;
	if (check_entries(b) == -1)
		return -1;
	b->path = dir;
	return 0;
}

/*
 * Write generation serial into dir and put it in service (the previous
 * one, old, is kept).  0, or -2 with the error collected.
 */
static int
publish(struct build *b, const char *dir, uint64_t serial, uint64_t old,
    int *regrown, size_t *final_size)
{
	char	 file[PATH_MAX], name[64];
	size_t	 mapsize;
	int	 rc;

	if (snprintf(name, sizeof(name), "%s%" PRIu64 "%s", IPMAP_FILE_PREFIX,
	    serial, IPMAP_FILE_SUFFIX) >= (int)sizeof(name) ||
	    snprintf(file, sizeof(file), "%s/%s", dir, name) >=
	    (int)sizeof(file)) {
		build_error(b, 0, "path too long");
		return -2;
	}
	/* A first guess (a customer's record is copied into each chunk
	 * that names it); the map grows as it fills (grow_if_needed), and
	 * is written again bigger if it fills up all the same. */
	mapsize = b->opts->mapsize ? b->opts->mapsize : ((size_t)32 << 20) +
	    b->nent * 48 + b->carena_len * 4 + b->ncust * 8;
	*final_size = mapsize;
	for (;;) {
		rc = write_generation(b, file, mapsize, serial,
		    (int64_t)time(NULL), regrown, final_size);
		if (rc != MDB_MAP_FULL)
			break;
		if (mapsize > SIZE_MAX / 2) {
			rc = ENOMEM;
			break;
		}
		mapsize *= 2;
		(*regrown)++;
	}
	if (rc != 0) {
		build_error(b, 0,
		    "cannot write %s: %s", file, mdb_strerror(rc));
		return -2;
	}
	if (ipmap_dir_swap(dir, name) == -1) {
		build_error(b, 0, "cannot put %s in service: %s", name,
		    strerror(errno));
		unlink(file);
		return -2;
	}
	if (ipmap_dir_hint(dir, serial) == -1)
		log_warn("%s: cannot update %s", dir, IPMAP_GENERATION);
	ipmap_dir_remove_old(dir, serial, old);
	return 0;
}

/* Fill in res from b. */
static void
result_out(const struct build *b, struct ipmap_build_result *res,
    uint64_t serial, size_t final_size, int regrown)
{
	if (res == NULL)
		return;
	memset(res, 0, sizeof(*res));
	res->serial = serial;
	res->rows = b->rows;
	res->prefixes = b->prefixes;
	res->ranges = b->ranges;
	res->mapsize = final_size;
	res->regrown = regrown;
	res->history = b->history;
	res->unchanged = b->unchanged;
	res->hist = b->counts;
}

/* Build the map from path and put it in service. */
int
ipmap_build_file(const char *dir, const char *path,
    const struct ipmap_build_opts *opts, buf_t *errs,
    struct ipmap_build_result *res)
{
	static const struct ipmap_build_opts defaults;
	struct build	 b;
	char		 oldname[PATH_MAX];
	uint64_t	 serial, old;
	size_t		 final_size = 0;
	int		 lockfd = -1, ret = -2, regrown = 0;

	memset(&b, 0, sizeof(b));
	b.path = b.source = path;
	b.opts = opts ? opts : &defaults;
	b.max_errors = b.opts->max_errors > 0 ? b.opts->max_errors :
	    IPMAP_MAX_ERRORS;
	buf_init(&b.emsg, (size_t)64 << 20);

	if (read_source(&b) == -1) {
		berrors_out(&b, errs);
		ret = b.sys_error ? -2 : -1;
		goto out;
	}
	b.path = dir;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		build_error(&b, 0, "cannot create: %s", strerror(errno));
		goto fail;
	}
	if ((lockfd = ipmap_dir_lock(dir)) == -1) {
		build_error(&b, 0, "cannot lock %s/%s: %s", dir,
		    IPMAP_LOCKFILE, strerror(errno));
		goto fail;
	}
	old = ipmap_dir_current(dir, oldname, sizeof(oldname));
	if ((ret = prepare(&b, dir, old, oldname)) != 0)
		goto fail;
	ret = -2;
	serial = ipmap_dir_highest(dir);
	serial = (old > serial ? old : serial) + 1;
	if (b.unchanged)
		serial = old;
	else if (publish(&b, dir, serial, old, &regrown, &final_size) != 0)
		goto fail;
	result_out(&b, res, serial, final_size, regrown);
	ret = 0;
	goto out;
fail:
	berrors_out(&b, errs);
out:
	if (lockfd != -1)
		close(lockfd);
	build_free(&b);
	return ret;
}
