/*
 * addrcpt_fail.c - a fault for the milter's route: preloaded into
 * abuse-milter (LD_PRELOAD), it makes every smfi_addrcpt() fail, as when
 * the MTA's connection breaks at that moment.  A route must then keep the
 * complaint at the desk and remove no recipient: the customer is added
 * before any desk recipient is removed.
 */
#include <libmilter/mfapi.h>

int
smfi_addrcpt(SMFICTX *ctx, char *rcpt)
{
	(void)ctx;
	(void)rcpt;
	return MI_FAILURE;
}
