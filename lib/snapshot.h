/*
 * snapshot.h - configuration, rules and map in service, as one immutable
 * object that is swapped whole on a reload.
 *
 * Each message takes a reference to the snapshot in service when it
 * starts and keeps using it to the end, whatever reloads happen
 * meanwhile; the old snapshot is freed when its last message is done.
 * A reload that fails (a bad configuration or rules file) changes
 * nothing: the snapshot in service keeps serving.
 *
 *	snapshot_t *s = snapshot_load(path, snapshot_acquire(), 1, err, len);
 *	if (s != NULL) snapshot_publish(s);	   (a reload)
 *
 *	snapshot_t *s = snapshot_acquire();	   (a message)
 *	... s->conf, s->rules, s->map ...
 *	snapshot_release(s);
 */
#ifndef ABUSE_SNAPSHOT_H
#define ABUSE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ipmap.h"
#include "rules.h"

typedef struct snapshot {
	struct conf	*conf;
	rules_t		*rules;
	ipmap_t		*map;		/* NULL when loaded without a map */
	uint64_t	 generation;	/* 1 for the first, then +1 */
	int		 refs;		/* private */
	struct maphold	*mh;		/* private */
} snapshot_t;

/*
 * Load the configuration file at conf_path, then apply set (NULL, or
 * key, value, key, value, ..., NULL: the command line's overrides), then
 * load the rules file it names; when open_map is set, also open its map
 * directory as snapshot_open_map() does.  Returns a snapshot holding one
 * reference, or NULL with "FILE:LINE: message" lines in err.  prev is
 * not released.
 */
snapshot_t *snapshot_load(const char *conf_path, const char *const *set,
	    const snapshot_t *prev, int open_map, char *err, size_t errlen);

/*
 * Give s (loaded without a map) its map: prev's handle when prev (may be
 * NULL) uses the same MapDirectory, else a new ipmap_open().  A missing
 * map is not an error here (lookups then fail, see ipmap.h).  Returns 0,
 * or -1 with a message in err (out of memory).
 */
int	 snapshot_open_map(snapshot_t *s, const snapshot_t *prev, char *err,
	    size_t errlen);

/* Put s in service; the snapshot it replaces loses the reference the
 * service held.  Takes over the caller's reference to s. */
void	 snapshot_publish(snapshot_t *s);

/* A new reference to the snapshot in service, NULL if none. */
snapshot_t *snapshot_acquire(void);

/* Drop one reference; the last one frees the snapshot.  NULL is fine. */
void	 snapshot_release(snapshot_t *s);

/* Take the snapshot out of service (at exit) and drop its reference. */
void	 snapshot_shutdown(void);

#endif
