/*
 * runas.c - the user and group abuse-milter becomes; see runas.h.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runas.h"

int
runas_lookup(const char *spec, struct runas *ra)
{
	struct passwd	*pw;
	struct group	*gr;
	const char	*colon = strchr(spec, ':');
	size_t		 len = colon ? (size_t)(colon - spec) : strlen(spec);

	if (len == 0 || len >= sizeof(ra->name)) {
		fprintf(stderr, "abuse-milter: bad user \"%s\"\n", spec);
		return -1;
	}
	memcpy(ra->name, spec, len);
	ra->name[len] = '\0';
	if ((pw = getpwnam(ra->name)) == NULL) {
		fprintf(stderr, "abuse-milter: no user \"%s\"\n", ra->name);
		return -1;
	}
	ra->uid = pw->pw_uid;
	ra->gid = ra->login_gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon + 1)) == NULL) {
			fprintf(stderr, "abuse-milter: no group \"%s\"\n",
			    colon + 1);
			return -1;
		}
		ra->gid = gr->gr_gid;
	}
	return 0;
}

int
runas_become(const struct runas *ra, const char **what)
{
	if (getuid() == 0 && initgroups(ra->name, ra->login_gid) == -1) {
		*what = "initgroups";
		return -1;
	}
	if (setgid(ra->gid) == -1 || setegid(ra->gid) == -1) {
		*what = "setgid";
		return -1;
	}
	if (setuid(ra->uid) == -1 || seteuid(ra->uid) == -1) {
		*what = "setuid";
		return -1;
	}
	if (ra->uid != 0 && (getuid() == 0 || geteuid() == 0 ||
	    setuid(0) == 0)) {
		*what = "root privileges could be taken back";
		errno = 0;
		return -1;
	}
	return 0;
}
