/*
 * milter.h - what the libmilter callbacks (callbacks.c) share with the
 * daemon's main program (abuse-milter.c).
 *
 * The callbacks only map libmilter's events to lib/: they collect the
 * envelope and the complaint, call route_decide() and policy_apply() at
 * the end of the message, and turn the decision into recipient and
 * header changes.  Everything they need beyond the message comes from
 * the snapshot in service (snapshot.h) and from milter_state.
 */
#ifndef ABUSE_MILTER_H
#define ABUSE_MILTER_H

#include <libmilter/mfapi.h>

#include "ratelimit.h"
#include "spf.h"
#include "stats.h"

/* Shared by every connection; set up before smfi_main() runs. */
struct milter_state {
	stats_t		*stats;		/* counters */
	ratelimit_t	*ratelimit;	/* RateLimit */
	spf_t		*spf;		/* SPF checker */
	/*
	 * The socket is TCP: every step the MTA sends gets a reply.  A step
	 * without one leaves the MTA's write unacknowledged until the delayed
	 * ACK (40 ms on Linux), and the MTA's Nagle algorithm holds its next
	 * small write until then; a reply carries the ACK at once.
	 */
	int		 tcp;
};

extern struct milter_state milter_state;

/* The callback table handed to smfi_register(). */
extern struct smfiDesc milter_desc;

/* Name of the header the milter adds (and removes when it arrives). */
#define MILTER_HEADER	"X-Abuse-Route"

#endif
