/*
 * test_ratelimit.c - the per-customer rate limit: windows, separate
 * customers, changing the limit, bounded memory, and many threads.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ratelimit.h"
#include "tap.h"

struct worker {
	ratelimit_t	*rl;
	int		 allowed;
};

/* Hit customer "shared" 1000 times at time 100. */
static void *
worker(void *arg)
{
	struct worker	*w = arg;
	int		 i;

	for (i = 0; i < 1000; i++)
		w->allowed += ratelimit_hit(w->rl, "shared", 100);
	return NULL;
}

int
main(void)
{
	ratelimit_t	*rl;
	struct worker	 w[8];
	pthread_t	 tid[8];
	char		 key[32];
	int		 i, n, total;

	tap_plan(0);
	(void)tap_skip_all;
	rl = ratelimit_new(3, 60, 100);
	n = 0;
	for (i = 0; i < 5; i++)
		n += ratelimit_hit(rl, "C1", 1000);
	is_int(n, 3, "3/60s: three of five complaints at once pass");
	is_int(ratelimit_hit(rl, "C2", 1000), 1,
	    "another customer has its own count");
	is_int(ratelimit_hit(rl, "C1", 1059), 0,
	    "still limited 59 s after the window opened");
	is_int(ratelimit_hit(rl, "C1", 1060), 1,
	    "a new window opens after the period");
	is_int(ratelimit_hit(rl, "c1", 1000), 1,
	    "customer keys are compared exactly");
	ratelimit_set(rl, 0, 60);
	n = 0;
	for (i = 0; i < 50; i++)
		n += ratelimit_hit(rl, "C1", 1061);
	is_int(n, 50, "a limit of 0 lets everything through");
	ratelimit_set(rl, 4, 60);
	n = 0;
	for (i = 0; i < 10; i++)
		n += ratelimit_hit(rl, "C1", 1061);
	is_int(n, 3, "a changed limit keeps the counters (3 more of 4)");
	ratelimit_free(rl);

	/* Bounded memory: far more customers than slots. */
	rl = ratelimit_new(1, 3600, 64);
	total = 0;
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "K%d", i);
		total += ratelimit_hit(rl, key, 5000);
	}
	is_int(total, 10000, "10000 distinct customers in 64 slots: each "
	    "first complaint passes");
	is_int(ratelimit_hit(rl, "K9999", 5000), 0,
	    "a recent customer is still remembered");
	ratelimit_free(rl);

	/* Shared by threads: exactly N pass in total. */
	rl = ratelimit_new(250, 3600, 64);
	for (i = 0; i < 8; i++) {
		w[i].rl = rl;
		w[i].allowed = 0;
		pthread_create(&tid[i], NULL, worker, &w[i]);
	}
	total = 0;
	for (i = 0; i < 8; i++) {
		pthread_join(tid[i], NULL);
		total += w[i].allowed;
	}
	is_int(total, 250, "8 threads x 1000 complaints: exactly 250 pass");
	ratelimit_free(rl);

	rl = ratelimit_new(2, 60, 64);
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	{
		char long_a[100], long_b[100];

		memset(long_a, 'a', 99);
		long_a[99] = '\0';
		memcpy(long_b, long_a, 100);
		long_b[98] = 'b';
		n = ratelimit_hit(rl, long_a, 1) + ratelimit_hit(rl, long_b, 1) +
		    ratelimit_hit(rl, long_a, 1);
		is_int(n, 2, "keys past 63 bytes are cut, consistently");
	}
	ratelimit_free(rl);
	return tap_done();
}
