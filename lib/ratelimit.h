/*
 * ratelimit.h - at most N routed complaints per customer per PERIOD.
 *
 * One ratelimit_t is shared by every thread of the milter; each call
 * takes its mutex.  The window of a customer opens with the first
 * complaint counted for it and lasts PERIOD seconds; within it at most
 * N complaints are allowed, then none until the window closes.
 *
 * Memory is bounded: the table holds at most the number of customers
 * given to ratelimit_new().  An entry whose window has closed is reused;
 * when every nearby entry is still in use, the one whose window opened
 * first is forgotten (that customer starts a new window), so a flood of
 * distinct customers can neither grow the table nor block a complaint.
 */
#ifndef ABUSE_RATELIMIT_H
#define ABUSE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit_t;

/*
 * A limiter of n complaints per period seconds (n = 0: no limit) for at
 * most maxkeys customers at once (rounded up to a power of two, at least
 * 64).  Returns NULL when out of memory.
 */
ratelimit_t *ratelimit_new(unsigned n, int64_t period, size_t maxkeys);

/* Change the limit, keeping the counters (a reload). */
void	 ratelimit_set(ratelimit_t *rl, unsigned n, int64_t period);

/*
 * Count one complaint for customer key at time now (seconds).  Returns
 * 1 when it is within the limit (and counts it), 0 when the limit is
 * reached (not counted).  Keys are compared exactly, case included;
 * keys longer than 63 bytes are cut.
 */
int	 ratelimit_hit(ratelimit_t *rl, const char *key, int64_t now);

/* Free the limiter; NULL is fine. */
void	 ratelimit_free(ratelimit_t *rl);

#endif
