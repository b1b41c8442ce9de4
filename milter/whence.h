/*
 * whence.h - where abuse-milter finds its files, and whether the user it
 * runs as can read them.
 *
 * The configuration file is -c CONFIG, else SYSCONFDIR/abuse-milter.conf;
 * a binary run from its build tree (not installed yet) whose default
 * file does not exist uses the build tree's configuration instead
 * (milter/build.conf: the tree's rules and a map of samples/map.csv).
 * The daemon reads its files as root at start and as UserID on a reload:
 * -n checks the second case ahead, and a reload that fails says plainly
 * which file the user could not read.
 */
#ifndef ABUSE_WHENCE_H
#define ABUSE_WHENCE_H

#include <sys/types.h>
#include <stdio.h>

#include "conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
/* The configuration file read when -c is not given. */
#define WHENCE_DEFAULT_CONF	SYSCONFDIR "/abuse-milter.conf"

/*
 * The configuration file to read when -c is not given: SYSCONFDIR's,
 * or the build tree's when the former is missing and this binary is the
 * one in the build tree.  *from_tree is set to 1 in the latter case.
 * The string is static.
 */
const char *whence_default_conf(int *from_tree);

/*
 * After the configuration or rules could not be loaded for -t or -n:
 * print to fp which configuration file was read (given with -c or the
 * default) and how to point abuse-milter at another one.
 */
void	 whence_explain(FILE *fp, const char *conf_path, int given);

/*
 * -n: check, in a child process that has become ra (runas_become), that the configuration file, the rules file and the map can be
 * read and the StatsFile written.  Prints one warning line per problem on
 * stderr.  Returns the number of problems, or -1 when the check could not
 * run.  Only meaningful when called as root.
 */
struct runas;
int	 whence_check_user(const struct conf *cf, const struct runas *ra);

/*
 * After a failed reload, running as the daemon's user: log one line,
 * "cannot read FILE as user U: permission denied; the old configuration
 * stays", for each of the configuration file and the rules file in
 * service that this user may not read.  Returns the number of lines.
 */
int	 whence_reload_denied(const char *conf_path, const char *rules_file);

#endif
