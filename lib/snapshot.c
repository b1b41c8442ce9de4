/*
 * snapshot.c - reference-counted snapshots and the one in service; see
 * snapshot.h.  Every reference count changes under one mutex.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ipmap.h"
#include "received.h"
#include "rules.h"
#include "rules_int.h"
#include "snapshot.h"

/* A map handle shared by the snapshots that use the same directory. */
struct maphold {
	ipmap_t	*map;
	char	*dir;
	int	 refs;
};

static pthread_mutex_t	 snap_lock = PTHREAD_MUTEX_INITIALIZER;
static snapshot_t	*snap_current;
static uint64_t		 snap_generation;

/* Drop a map hold; caller holds snap_lock. Returns the hold to free. */
static struct maphold *
maphold_put(struct maphold *mh)
{
	if (mh == NULL || --mh->refs > 0)
		return NULL;
	return mh;
}

/* Free a map hold no one uses. */
static void
maphold_free(struct maphold *mh)
{
	if (mh == NULL)
		return;
	ipmap_close(mh->map);
	free(mh->dir);
	free(mh);
}

/* Free a snapshot whose last reference is gone. */
static void
snapshot_free(snapshot_t *s, struct maphold *mh)
{
	rules_free(s->rules);
	conf_free(s->conf);
	maphold_free(mh);
	free(s);
}

/* Give s a map: prev's when the directory is the same, else a new one. */
int
snapshot_open_map(snapshot_t *s, const snapshot_t *prev, char *err,
    size_t errlen)
{
	struct maphold	*mh;
	char		 why[512];

	if (prev != NULL && prev->mh != NULL &&
	    strcmp(prev->mh->dir, s->conf->map_directory) == 0) {
		pthread_mutex_lock(&snap_lock);
		prev->mh->refs++;
		pthread_mutex_unlock(&snap_lock);
		s->mh = prev->mh;
		s->map = s->mh->map;
		return 0;
	}
	if (s->mh != NULL)
		return 0;
	if ((mh = calloc(1, sizeof(*mh))) == NULL ||
	    (mh->dir = strdup(s->conf->map_directory)) == NULL) {
		free(mh);
		snprintf(err, errlen, "%s: out of memory\n",
		    s->conf->map_directory);
		return -1;
	}
	why[0] = '\0';
	if ((mh->map = ipmap_open(mh->dir, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s\n", mh->dir,
		    why[0] != '\0' ? why : "out of memory");
		free(mh->dir);
		free(mh);
		return -1;
	}
	mh->refs = 1;
	s->mh = mh;
	s->map = mh->map;
	return 0;
}

/*
 * The provider's own domains are those of its abuse desk mailboxes: the
 * Received walk must not take a host name under them for the reporter's
 * word (see rules_add_own_domain()).
 */
static void
own_domains(snapshot_t *s)
{
	const char	*a, *at;
	char		 d[RULES_DOM_MAX];
	size_t		 i, len;

	for (i = 0; i < s->conf->abuse_recipients.n; i++) {
		a = s->conf->abuse_recipients.v[i];
		if ((at = strrchr(a, '@')) == NULL)
			continue;
		len = strcspn(at + 1, ">");
		received_domain(at + 1, len, d, sizeof(d));
		(void)rules_add_own_domain(s->rules, d);
	}
	rules_set_max_incident_age(s->rules,
	    (int64_t)s->conf->max_incident_age * 86400);
}

/* Hand the KeepSenders to the rules; -1 with a message in err. */
static int
keep_senders(snapshot_t *s, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < s->conf->keep_senders.n; i++)
		if (rules_add_keep_sender(s->rules,
		    s->conf->keep_senders.v[i]) == -1) {
			snprintf(err, errlen, "%s: KeepSenders: too many, or "
			    "out of memory\n", s->conf->path);
			return -1;
		}
	return 0;
}

/* Load a snapshot. */
snapshot_t *
snapshot_load(const char *conf_path, const char *const *set,
    const snapshot_t *prev, int open_map, char *err, size_t errlen)
{
	snapshot_t	*s;
	char		 why[512];

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory\n");
		return NULL;
	}
	if ((s->conf = conf_load(conf_path, err, errlen)) == NULL)
		goto fail;
	for (; set != NULL && set[0] != NULL && set[1] != NULL; set += 2)
		if (conf_set(s->conf, set[0], set[1], why, sizeof(why)) == -1) {
			snprintf(err, errlen, "command line: %s\n", why);
			goto fail;
		}
	if ((s->rules = rules_load_local(s->conf->rules_file,
	    s->conf->local_rules_file, err, errlen)) == NULL) {
		if (err != NULL && errlen > 0 && err[0] == '\0')
			snprintf(err, errlen, "%s: cannot load rules\n",
			    s->conf->rules_file);
		goto fail;
	}
	own_domains(s);
	if (keep_senders(s, err, errlen) == -1)
		goto fail;
	if (open_map && snapshot_open_map(s, prev, err, errlen) == -1)
		goto fail;
	s->refs = 1;
	pthread_mutex_lock(&snap_lock);
	s->generation = ++snap_generation;
	pthread_mutex_unlock(&snap_lock);
	return s;
fail:
	snapshot_free(s, NULL);
	return NULL;
}

/* Put s in service. */
void
snapshot_publish(snapshot_t *s)
{
	snapshot_t	*old;

	pthread_mutex_lock(&snap_lock);
	old = snap_current;
	snap_current = s;
	pthread_mutex_unlock(&snap_lock);
	snapshot_release(old);
}

/* A reference to the snapshot in service. */
snapshot_t *
snapshot_acquire(void)
{
	snapshot_t	*s;

	pthread_mutex_lock(&snap_lock);
	if ((s = snap_current) != NULL)
		s->refs++;
	pthread_mutex_unlock(&snap_lock);
	return s;
}

/* Drop one reference. */
void
snapshot_release(snapshot_t *s)
{
	struct maphold	*mh = NULL;
	int		 last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&snap_lock);
	last = --s->refs == 0;
	if (last)
		mh = maphold_put(s->mh);
	pthread_mutex_unlock(&snap_lock);
	if (last)
		snapshot_free(s, mh);
}

/* Take the snapshot out of service. */
void
snapshot_shutdown(void)
{
	snapshot_t	*old;

	pthread_mutex_lock(&snap_lock);
	old = snap_current;
	snap_current = NULL;
	pthread_mutex_unlock(&snap_lock);
	snapshot_release(old);
}
