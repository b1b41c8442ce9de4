/*
 * ratelimit.c - per-customer fixed windows in a bounded open-addressing
 * table; see ratelimit.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define RL_KEY_MAX	64	/* with the NUL */
#define RL_PROBES	32	/* slots looked at per key */

struct rl_entry {
	char	 key[RL_KEY_MAX];	/* "" when never used */
	int64_t	 start;			/* window opened */
	unsigned count;			/* complaints counted in it */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	unsigned	 n;
	int64_t		 period;
	size_t		 mask;		/* slots - 1 */
	struct rl_entry	*slot;
};

/* FNV-1a hash of a key. */
static uint64_t
rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Create a limiter. */
ratelimit_t *
ratelimit_new(unsigned n, int64_t period, size_t maxkeys)
{
	ratelimit_t	*rl;
	size_t		 size = 64;

	while (size < maxkeys && size < ((size_t)1 << 24))
		size <<= 1;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	if ((rl->slot = calloc(size, sizeof(*rl->slot))) == NULL) {
		free(rl);
		return NULL;
	}
	if (pthread_mutex_init(&rl->lock, NULL) != 0) {
		free(rl->slot);
		free(rl);
		return NULL;
	}
	rl->mask = size - 1;
	rl->n = n;
	rl->period = period > 0 ? period : 1;
	return rl;
}

/* Change the limit. */
void
ratelimit_set(ratelimit_t *rl, unsigned n, int64_t period)
{
	pthread_mutex_lock(&rl->lock);
	rl->n = n;
	rl->period = period > 0 ? period : 1;
	pthread_mutex_unlock(&rl->lock);
}

/* Find the entry of key, or the slot to give it; never NULL. */
static struct rl_entry *
rl_find(ratelimit_t *rl, const char *key, int64_t now, int *fresh)
{
	struct rl_entry	*e, *spare = NULL, *oldest = NULL;
	size_t		 i, h = (size_t)rl_hash(key);

	*fresh = 1;
	for (i = 0; i < RL_PROBES; i++) {
		e = &rl->slot[(h + i) & rl->mask];
		if (e->key[0] == '\0')
			return spare != NULL ? spare : e;
		if (strcmp(e->key, key) == 0) {
			*fresh = 0;
			return e;
		}
		if (spare == NULL && now - e->start >= rl->period)
			spare = e;
		if (oldest == NULL || e->start < oldest->start)
			oldest = e;
	}
	return spare != NULL ? spare : oldest;
}

/* Count one complaint for key. */
int
ratelimit_hit(ratelimit_t *rl, const char *key, int64_t now)
{
	struct rl_entry	*e;
	char		 k[RL_KEY_MAX];
	int		 fresh, allowed;
	size_t		 len;

	len = strlen(key);
	if (len >= RL_KEY_MAX)
		len = RL_KEY_MAX - 1;
	memcpy(k, key, len);
	k[len] = '\0';
	pthread_mutex_lock(&rl->lock);
	if (rl->n == 0) {
		pthread_mutex_unlock(&rl->lock);
		return 1;
	}
	e = rl_find(rl, k, now, &fresh);
	if (fresh) {
		memcpy(e->key, k, len + 1);
		e->start = now;
		e->count = 0;
	} else if (now - e->start >= rl->period || now < e->start) {
		e->start = now;
		e->count = 0;
	}
	allowed = e->count < rl->n;
	if (allowed)
		e->count++;
	pthread_mutex_unlock(&rl->lock);
	return allowed;
}

/* Free the limiter. */
void
ratelimit_free(ratelimit_t *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slot);
	free(rl);
}
