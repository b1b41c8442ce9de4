/*
 * runas.h - the user and group abuse-milter becomes (UserID user[:group]).
 *
 * The group named after the colon becomes the process's group ID; the
 * user's own groups (its login group and every group that lists it) stay
 * its supplementary groups.  So with "UserID abuse-milter:postfix" the
 * socket is created for the group postfix and the map, readable by the
 * group abuse-milter, stays readable.
 */
#ifndef RUNAS_H
#define RUNAS_H

#include <sys/types.h>

struct runas {
	char	 name[256];	/* the user's name, for initgroups */
	uid_t	 uid;
	gid_t	 gid;		/* the group after the colon, else login_gid */
	gid_t	 login_gid;	/* the user's login group (passwd) */
};

/* Look up "user[:group]"; 0, or -1 with a message on stderr. */
int	 runas_lookup(const char *spec, struct runas *ra);

/*
 * Become ra for good: initgroups(name, login_gid), then the group and the
 * user IDs, then check that root cannot come back.  0, or -1: *what
 * names the call that failed and errno says why (0 when root could be
 * taken back).
 */
int	 runas_become(const struct runas *ra, const char **what);

#endif
