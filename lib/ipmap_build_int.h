/*
 * ipmap_build_int.h - what the parts of the map builder share: the rows
 * and customers of a build (ipmap_build.c reads and writes them,
 * ipmap_history.c merges a build with the map in service) and the map
 * directory's files (ipmap_build.c, ipmap_install.c).  Not installed.
 *
 * A build holds every row as a struct build_entry naming its (customer,
 * address) record by index into cust[]; the records' text is in carena.
 * Errors go through build_error(), which keeps them with their line for
 * the report (line 0: the file as a whole, or the map in service).
 */
#ifndef ABUSE_IPMAP_BUILD_INT_H
#define ABUSE_IPMAP_BUILD_INT_H

#include <pthread.h>
#include <stdint.h>

#include "buf.h"
#include "ipmap_build.h"
#include "sha256.h"

/* One row of the source. */
struct build_entry {
	uint8_t		 a[16];		/* network, as ipaddr.a */
	int64_t		 from, until;	/* INT64_MIN when open */
	uint32_t	 cid;		/* customer record */
	uint32_t	 line;
	uint16_t	 plo, phi;
	uint8_t		 fam, plen, ports;
	uint8_t		 hist;		/* BENT_*, for a history load */
};

#define BENT_OLD	0x01	/* from the map in service (line 0); until
				 * ipmap_history.c interns it, cid is its
				 * index there, not a customer record */
#define BENT_DEAD	0x02	/* dropped by the history merge */
#define BENT_MATCHED	0x04	/* a row that continues an old entry */

/* One collected error. */
struct build_err {
	uint32_t	 line;
	uint32_t	 seq;
	size_t		 off;		/* into the message arena */
};

/* A slot of the customer hash table. */
struct cust_slot {
	uint32_t	 hash;
	uint32_t	 idx;		/* customer index + 1, 0 empty */
};

/* Interned (customer, address) pairs. */
struct cust {
	size_t		 off;		/* "customer\0address\0" in arena */
	uint16_t	 clen, alen;
};

/*
 * The SHA-256 of the source is computed by a second thread, handed the
 * bytes read in big blocks, so that it is woken up seldom.
 */
#define HASH_SLOTS	2
#define HASH_BLOCK	(1 << 20)

struct hasher {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct sha256	*hash;
	unsigned char	*buf;		/* HASH_SLOTS blocks */
	size_t		 len[HASH_SLOTS];
	size_t		 fill;		/* bytes in the block being filled */
	unsigned	 head, tail;	/* blocks put, blocks hashed */
	int		 done, running;
};

/* A checked row waiting for its customer to be interned. */
#define PEND_SLOTS	16
struct pending {
	struct build_entry	 e;
	size_t		 clen, alen;
	uint32_t	 hash;		/* cust_hash() of the text */
	char		 text[IPMAP_CUSTOMER_MAX + IPMAP_ADDRESS_MAX];
};

struct build {
	const char	*path;		/* for messages: the source, or the
					 * map directory */
	const char	*source;	/* the source as given */
	struct build_entry	*ent;
	size_t		 nent, aent;
	struct cust	*cust;
	size_t		 ncust, acust;
	struct cust_slot	*chash;
	size_t		 chsize;
	char		*carena;
	size_t		 carena_len, carena_size;
	struct build_err	*err;
	size_t		 nerr, aerr;
	size_t		 nerr_total;	/* kept or not */
	buf_t		 emsg;
	int		 max_errors;
	int		 sys_error;	/* not the source's fault */
	uint64_t	 rows;
	uint64_t	 prefixes, ranges, chunks;
	uint64_t	 count4[33], count6[129];
	char		 sha[SHA256_HEXLEN];
	struct sha256	 hash;
	struct hasher	 hasher;
	struct pending	 pend[PEND_SLOTS];
	unsigned	 pend_head, pend_tail;
	uint64_t	 bytes_read, bytes_total, next_report;
	const struct ipmap_build_opts *opts;
	/* a history load (ipmap_history.c) */
	int		 history;	/* the new generation has history */
	int64_t		 as_of;
	int		 keep_days;
	int		 unchanged;	/* the merge changed nothing */
	int		 sorted;	/* ent is in build_sort() order */
	struct ipmap_hist_counts counts;
};

/* Remember an error at line (0: none) with a printf message. */
void	 build_error(struct build *b, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Intern (customer, address); its id, or -1 when out of memory. */
int64_t	 build_intern(struct build *b, const char *c, size_t clen,
	    const char *a, size_t alen);
/* Customer name of record id (NUL-terminated; the address follows). */
const char *build_cust_name(const struct build *b, uint32_t id);
/* Add one entry; 0, or -1 when out of memory. */
int	 build_add(struct build *b, const struct build_entry *e);
/* Sort the entries by prefix, start of validity, ports and line (once:
 * a build already sorted is left as it is; clear b->sorted after a
 * change of order). */
void	 build_sort(struct build *b);
/* The order of build_sort(): <0, 0 or >0. */
int	 build_cmp(const struct build_entry *x, const struct build_entry *y);

/*
 * Merge the rows of b (the export) with the map in service of dir,
 * file oldname, which the caller has locked: see ipmap_history.c.
 * oldname is NULL when there is no map in service.  Returns 0, -1 with
 * errors collected (the export is refused), -2 on a system error
 * (message collected).
 */
int	 ipmap_history_merge(struct build *b, const char *dir,
	    const char *oldname);

/* The map directory (ipmap_build.c). */
uint64_t ipmap_dir_current(const char *dir, char *name, size_t namesize);
uint64_t ipmap_dir_highest(const char *dir);
void	 ipmap_dir_remove_old(const char *dir, uint64_t keep1, uint64_t keep2);
int	 ipmap_dir_hint(const char *dir, uint64_t serial);
int	 ipmap_dir_swap(const char *dir, const char *name);
/* Open and flock dir's lock file; the descriptor, or -1 (errno). */
int	 ipmap_dir_lock(const char *dir);

#endif
