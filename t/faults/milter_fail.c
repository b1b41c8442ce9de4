/*
 * milter_fail.c - faults for the milter's route, preloaded into
 * abuse-milter (LD_PRELOAD).  MILTER_FAIL names the libmilter calls that
 * fail, as when the MTA's connection breaks at that moment:
 *	addrcpt		smfi_addrcpt(): the route must keep the complaint
 *			at the desk and remove no recipient;
 *	chgfrom		smfi_chgfrom(): the route goes on with the
 *			reporter's sender.
 * Calls not named go to libmilter.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

/* Non-zero when MILTER_FAIL names call. */
static int
failing(const char *call)
{
	const char	*v = getenv("MILTER_FAIL");

	return v != NULL && strstr(v, call) != NULL;
}

int
smfi_addrcpt(SMFICTX *ctx, char *rcpt)
{
	int	(*real)(SMFICTX *, char *);

	if (failing("addrcpt"))
		return MI_FAILURE;
	*(void **)&real = dlsym(RTLD_NEXT, "smfi_addrcpt");
	return real != NULL ? real(ctx, rcpt) : MI_FAILURE;
}

int
smfi_chgfrom(SMFICTX *ctx, char *mail, char *args)
{
	int	(*real)(SMFICTX *, char *, char *);

	if (failing("chgfrom"))
		return MI_FAILURE;
	*(void **)&real = dlsym(RTLD_NEXT, "smfi_chgfrom");
	return real != NULL ? real(ctx, mail, args) : MI_FAILURE;
}
