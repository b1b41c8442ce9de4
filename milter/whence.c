/*
 * whence.c - where abuse-milter finds its files, and whether the user it
 * runs as can read them; see whence.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "runas.h"
#include "whence.h"

/* Set by mk/milter.mk: this binary in its build tree, and the build
 * tree's configuration file. */
#ifndef BUILD_PROGRAM
#define BUILD_PROGRAM	""
#endif
#ifndef BUILD_CONF
#define BUILD_CONF	""
#endif

/* 1 when the running program is the one in the build tree. */
static int
in_build_tree(void)
{
	char	 self[PATH_MAX];
	ssize_t	 n;

	if (BUILD_PROGRAM[0] == '\0')
		return 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = '\0';
	return strcmp(self, BUILD_PROGRAM) == 0;
}

const char *
whence_default_conf(int *from_tree)
{
	*from_tree = 0;
	if (access(WHENCE_DEFAULT_CONF, F_OK) == 0 || errno != ENOENT)
		return WHENCE_DEFAULT_CONF;
	if (in_build_tree() && access(BUILD_CONF, R_OK) == 0) {
		*from_tree = 1;
		return BUILD_CONF;
	}
	return WHENCE_DEFAULT_CONF;
}

void
whence_explain(FILE *fp, const char *conf_path, int given)
{
	fprintf(fp, "abuse-milter: looked for the configuration in %s (%s); "
	    "its RulesFile and MapDirectory name the rules and the map\n",
	    conf_path, given ? "given with -c" : "the default");
	fprintf(fp, "abuse-milter: to look elsewhere: -c CONFIG, a file "
	    "that sets RulesFile and MapDirectory");
	if (!given && BUILD_CONF[0] != '\0')
		fprintf(fp, "; from the build tree: -c %s", BUILD_CONF);
	fprintf(fp, "\n");
}

/* In the child: one warning per path this user cannot use as wanted. */
static int
check_one(const char *name, const char *what, const char *path, int mode)
{
	if (path == NULL || path[0] == '\0' || access(path, mode) == 0)
		return 0;
	if (errno == ENOENT && mode != R_OK)
		return 0;
	fprintf(stderr, "%s: %s: user %s cannot %s it after dropping "
	    "privileges (%s): reloads and the daemon will fail\n", path,
	    what, name, mode == R_OK ? "read" : "use", strerror(errno));
	return 1;
}

/* In the child: the StatsFile, or its directory when it does not exist
 * yet, must be writable. */
static int
check_stats(const char *name, const char *path)
{
	char	 dir[PATH_MAX];
	char	*slash;
	int	 n;

	if (path == NULL)
		return 0;
	if (access(path, F_OK) == 0)
		return check_one(name, "StatsFile", path, W_OK);
	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return 0;
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return check_one(name, "StatsFile's directory", dir, W_OK | X_OK);
}

/* In the child: become the user, then check each file. */
static int
child_checks(const struct conf *cf, const struct runas *ra)
{
	const char	*what, *name = ra->name;
	char		 cur[PATH_MAX];
	int		 n, bad = 0;

	if (runas_become(ra, &what) == -1)
		return 100;
	bad += check_one(name, "configuration", cf->path, R_OK);
	bad += check_one(name, "RulesFile", cf->rules_file, R_OK);
	if (cf->local_rules_file != NULL &&
	    access(cf->local_rules_file, F_OK) == 0)
		bad += check_one(name, "LocalRulesFile", cf->local_rules_file,
		    R_OK);
	bad += check_one(name, "MapDirectory", cf->map_directory,
	    R_OK | X_OK);
	n = snprintf(cur, sizeof(cur), "%s/current", cf->map_directory);
	if (n > 0 && (size_t)n < sizeof(cur) && access(cur, F_OK) == 0)
		bad += check_one(name, "map", cur, R_OK);
	bad += check_stats(name, cf->stats_file);
	return bad;
}

int
whence_check_user(const struct conf *cf, const struct runas *ra)
{
	pid_t	 pid;
	int	 status;

	if (getuid() != 0 || ra->uid == 0)
		return 0;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		status = child_checks(cf, ra);
		fflush(stderr);
		_exit(status > 99 ? 100 : status);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 100)
		return -1;
	return WEXITSTATUS(status);
}

/* Log the plain reason when this process may not read path; 1 if so. */
static int
denied(const char *path, const char *user)
{
	if (path == NULL || access(path, R_OK) == 0 || errno != EACCES)
		return 0;
	log_warnx("reload: cannot read %s as user %s: permission denied; "
	    "the old configuration stays", path, user);
	return 1;
}

int
whence_reload_denied(const char *conf_path, const char *rules_file)
{
	struct passwd	*pw;
	char		 user[64];
	int		 n;

	if ((pw = getpwuid(geteuid())) != NULL)
		n = snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		n = snprintf(user, sizeof(user), "%lu",
		    (unsigned long)geteuid());
	if (n < 0 || (size_t)n >= sizeof(user))
		user[0] = '\0';
	n = denied(conf_path, user);
	return n + denied(rules_file, user);
}
