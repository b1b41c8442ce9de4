/*
 * stats.h - counters for the postmaster, in the Prometheus text format.
 *
 * Counters are kept per decision (action and reason), per rule (the
 * complaints a rule found an address in, and the decisions it made, by
 * action and reason) and per internal error.  One stats_t is shared by
 * all threads (a mutex guards it) and outlives reloads, so a counter
 * never goes backwards while the process runs.  stats_write() replaces
 * the StatsFile atomically (a temporary file in the same directory,
 * then rename), as node_exporter's textfile collector wants.
 *
 *	abuse_milter_messages_total{action="route",reason="route"} 12
 *	abuse_milter_rule_hits_total{rule="arf-source-ip"} 14
 *	abuse_milter_rule_decisions_total{rule="arf-source-ip",action="keep",reason="rate-limit"} 2
 */
#ifndef ABUSE_STATS_H
#define ABUSE_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "complaint.h"

typedef struct stats stats_t;

/* New counters, all zero, started at time now.  NULL: out of memory. */
stats_t	*stats_new(int64_t now);

/* Count one decided complaint: its action and reason, the rules that
 * found a candidate, the deciding rule ("none" when there is none). */
void	 stats_decision(stats_t *st, const struct decision *d);

/* Count one internal error of kind (a short static word such as
 * "addrcpt", "delrcpt", "header", "memory"). */
void	 stats_error(stats_t *st, const char *kind);

/* Count one reload, successful (ok != 0) or not. */
void	 stats_reload(stats_t *st, int ok);

/* Set the serial of the map in service. */
void	 stats_map_serial(stats_t *st, uint64_t serial);

/* Write every counter in the Prometheus text format.  Returns 0 or -1
 * (a write error). */
int	 stats_print(stats_t *st, FILE *fp);

/*
 * Replace the file at path with the counters, atomically, with mode
 * 0666 & ~umask.  Returns 0, or -1 with errno set.
 */
int	 stats_write(stats_t *st, const char *path, int umask);

/* Free the counters; NULL is fine. */
void	 stats_free(stats_t *st);

#endif
