/*
 * complaint_int.h - what the decision (decide.c) needs of a complaint's
 * insides.  Not a public interface: everything else uses complaint.h.
 */
#ifndef ABUSE_COMPLAINT_INT_H
#define ABUSE_COMPLAINT_INT_H

#include "complaint.h"
#include "extract.h"

/*
 * Read the complaint's MIME structure (once) and make match data with
 * room for the rules' groups; fill in for extract_evidence().  Returns 0,
 * or -1 when out of memory.
 */
int	 complaint_prepare(complaint_t *c, const rules_t *rules,
	    struct extract_in *in);

#endif
