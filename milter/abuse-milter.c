/*
 * abuse-milter.c - the daemon: options, configuration, the socket,
 * daemonising, privileges, signals and reloads; abuse-milter(8).
 *
 *	abuse-milter [-f] [-c CONFIG] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE]
 *	abuse-milter [-c CONFIG] -n		check config, rules and map
 *	abuse-milter [-c CONFIG] -t FILE...	dry run over files
 *	abuse-milter [-c CONFIG] -s		print the counters
 *	abuse-milter -V				version
 *
 * Start-up order: read the configuration and rules (as root, so they may
 * be private), open the socket and the PID file, daemonise, drop to
 * UserID, and only then open the map (LMDB must be opened after fork)
 * and start libmilter.  libmilter runs in a thread of its own; the main
 * thread keeps SIGHUP, SIGUSR1, SIGUSR2, SIGTERM and SIGINT unblocked
 * while every other thread blocks them.  On Linux a signal sent to the
 * process goes to the main thread when it does not block it, so
 * libmilter's own signal thread (which would stop the milter on SIGHUP)
 * does not see them.  The main thread waits on a self-pipe: SIGHUP and
 * SIGUSR1 reload, SIGUSR2 writes the counters, SIGTERM and SIGINT stop.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "complaint.h"
#include "conf.h"
#include "dryrun.h"
#include "ipmap.h"
#include "log.h"
#include "milter.h"
#include "policy.h"
#include "ratelimit.h"
#include "snapshot.h"
#include "spf.h"
#include "stats.h"
#include "timeparse.h"
#include "sockopt.h"
#include "runas.h"
#include "whence.h"

#define RATE_KEYS	65536	/* customers the rate limiter tracks */
#define ERR_MAX		8192

static int		 sigpipe[2] = { -1, -1 };

struct options {
	const char	*conf_path;
	int		 conf_given;	/* -c */
	int		 conf_tree;	/* the build tree's configuration */
	const char	*set[8];	/* key, value overrides, NULL-ended */
	int		 nset;
	int		 foreground;
	int		 check;
	int		 stats;
	char		**files;	/* -t */
	int		 nfiles;
	int		 has_arrival;	/* -a given */
	int64_t		 arrival;	/* -a, with -t */
};

/* Print the usage and exit. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: abuse-milter [-fV] [-c config] [-p socket] "
	    "[-u user[:group]] [-P pidfile]\n"
	    "       abuse-milter [-c config] -n\n"
	    "       abuse-milter [-c config] -s\n"
	    "       abuse-milter [-c config] -t [-a time] file ...\n");
	exit(2);
}

/* Remember a command line override of a configuration key. */
static void
override(struct options *o, const char *key, const char *value)
{
	if (o->nset + 2 >= (int)(sizeof(o->set) / sizeof(o->set[0])))
		usage();
	o->set[o->nset++] = key;
	o->set[o->nset++] = value;
	o->set[o->nset] = NULL;
}

/* Read the command line. */
static void
parse_options(int argc, char **argv, struct options *o)
{
	int	 ch, dryrun = 0;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt(argc, argv, "a:c:fnp:P:stu:V")) != -1) {
		switch (ch) {
		case 'a':
			if (time_parse_arg(optarg, &o->arrival) == -1) {
				fprintf(stderr, "abuse-milter: -a %s: not a "
				    "time\n", optarg);
				usage();
			}
			o->has_arrival = 1;
			break;
		case 'c':
			o->conf_path = optarg;
			o->conf_given = 1;
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'n':
			o->check = 1;
			break;
		case 'p':
			override(o, "Socket", optarg);
			break;
		case 'P':
			override(o, "PidFile", optarg);
			break;
		case 's':
			o->stats = 1;
			break;
		case 't':
			dryrun = 1;
			break;
		case 'u':
			override(o, "UserID", optarg);
			break;
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		default:
			usage();
		}
	}
	if (dryrun) {
		o->files = argv + optind;
		o->nfiles = argc - optind;
		if (o->nfiles < 1)
			usage();
	} else if (optind != argc)
		usage();
	if (o->check + o->stats + dryrun > 1)
		usage();
	if (o->has_arrival && !dryrun)
		usage();
	if (!o->conf_given)
		o->conf_path = whence_default_conf(&o->conf_tree);
}

/* The dry run's policies: those the dry run can know (no SPF, no rate
 * limit); the envelope sender is read from Return-Path:. */
static void
dryrun_policy(void *ctx, const complaint_t *c, struct decision *d)
{
	const struct policy *pol = ctx;
	struct policy_msg pm;

	memset(&pm, 0, sizeof(pm));
	pm.mail_from = complaint_top_header(c, "Return-Path");
	pm.now = (int64_t)time(NULL);
	policy_apply(pol, c, &pm, d, NULL);
}

/* -t: decide each file as the milter would, one JSON line each. */
static int
run_dryrun(snapshot_t *s, struct options *o)
{
	struct policy	 pol;
	char		 err[1024];
	int64_t		 arrival;
	int		 bad;

	if (snapshot_open_map(s, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s", err);
		return 1;
	}
	fprintf(stderr, "abuse-milter: configuration %s, rules %s, map %s "
	    "(-c CONFIG to use others)\n", s->conf->path, s->conf->rules_file,
	    s->conf->map_directory);
	memset(&pol, 0, sizeof(pol));
	pol.conf = s->conf;
	arrival = o->has_arrival ? o->arrival : (int64_t)time(NULL);
	bad = dryrun_files(s->rules, s->map, s->conf->max_scan_bytes,
	    arrival, dryrun_policy, &pol, o->files, o->nfiles,
	    stdout);
	if (fflush(stdout) == EOF)
		return 1;
	return bad > 0 ? 1 : 0;
}

/* -n: the configuration and rules loaded; check the map and the rest. */
static int
run_check(snapshot_t *s)
{
	char		 err[1024], hash[80];
	int64_t		 built;
	int		 rc = 0;

	if (s->conf->abuse_recipients.n == 0) {
		fprintf(stderr, "%s: AbuseRecipients is not set: nothing "
		    "would ever be routed\n", s->conf->path);
		rc = 1;
	}
	if (snapshot_open_map(s, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s", err);
		return 1;
	}
	if (ipmap_info(s->map, &built, hash, sizeof(hash)) == -1) {
		fprintf(stderr, "%s: no map in service (build one with "
		    "abuse-map load)\n", s->conf->map_directory);
		rc = 1;
	} else
		printf("%s: map serial %llu\n", s->conf->map_directory,
		    (unsigned long long)ipmap_serial(s->map));
	printf("%s: %zu rules\n", s->conf->rules_file,
	    rules_count(s->rules));
	printf("%s: %s\n", s->conf->path, rc == 0 ? "ok" : "errors");
	return rc;
}

/* -s: print the counters the daemon last wrote. */
static int
run_stats(snapshot_t *s)
{
	FILE	*fp;
	char	 line[1024];

	if (s->conf->stats_file == NULL) {
		fprintf(stderr, "%s: StatsFile is not set\n", s->conf->path);
		return 1;
	}
	if ((fp = fopen(s->conf->stats_file, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", s->conf->stats_file,
		    strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
		fputs(line, stdout);
	fclose(fp);
	return fflush(stdout) == EOF ? 1 : 0;
}

/* -n, as root with UserID: warn about files UserID could not use. */
static int
run_check_user(const snapshot_t *s)
{
	struct runas	 ra;
	int		 bad;

	if (s->conf->user_id == NULL || getuid() != 0)
		return 0;
	if (runas_lookup(s->conf->user_id, &ra) == -1)
		return 1;
	if ((bad = whence_check_user(s->conf, &ra)) == -1)
		fprintf(stderr, "abuse-milter: cannot check the files as "
		    "user %s\n", ra.name);
	return bad != 0;
}

/* Become UserID for good; 0 or -1. */
static int
drop_privileges(const struct runas *ra)
{
	const char	*what;

	if (runas_become(ra, &what) == 0)
		return 0;
	if (errno != 0)
		log_warn("%s (user %s)", what, ra->name);
	else
		log_warnx("%s (user %s)", what, ra->name);
	return -1;
}

/* The milter socket as libmilter wants it ("unix:" for a bare path). */
static int
milter_socket(const char *spec, char *out, size_t outlen)
{
	int	 n;

	if (*spec == '/')
		n = snprintf(out, outlen, "unix:%s", spec);
	else if (strncasecmp(spec, "local:", 6) == 0)
		n = snprintf(out, outlen, "unix:%s", spec + 6);
	else
		n = snprintf(out, outlen, "%s", spec);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Path of a local socket, NULL for an inet one. */
static const char *
local_path(const char *spec)
{
	if (*spec == '/')
		return spec;
	if (strncasecmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (strncasecmp(spec, "unix:", 5) == 0)
		return spec + 5;
	return NULL;
}

/* Become a daemon: fork, new session, standard files on /dev/null. */
static int
daemonise(int keep_stderr)
{
	pid_t	 pid;
	int	 fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	if (!keep_stderr)
		(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* Signal handler: note the signal, wake the main loop. */
static void
on_signal(int sig)
{
	int	 saved = errno;
	char	 c = (char)sig;

	if (write(sigpipe[1], &c, 1) == -1) {
		/* The pipe is full: the main loop is awake already. */
	}
	errno = saved;
}

/* The signals the main thread handles. */
static void
signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

/* Install the handlers and the self-pipe; 0 or -1. */
static int
signals_setup(void)
{
	struct sigaction sa;
	sigset_t	 set;
	int		 i, sig;

	if (pipe(sigpipe) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		(void)fcntl(sigpipe[i], F_SETFD, FD_CLOEXEC);
		(void)fcntl(sigpipe[i], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	signal_set(&set);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig) == 1 &&
		    sigaction(sig, &sa, NULL) == -1)
			return -1;
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

/* The libmilter thread: serve until smfi_stop(), then wake main. */
static void *
milter_thread(void *arg)
{
	int	*rc = arg;
	char	 c = 0;

	*rc = smfi_main() == MI_SUCCESS ? 0 : 1;
	while (write(sigpipe[1], &c, 1) == -1 && errno == EINTR)
		;
	return NULL;
}

/* Write the counters to StatsFile, if set. */
static void
write_stats(const snapshot_t *s)
{
	if (s->conf->stats_file == NULL)
		return;
	stats_map_serial(milter_state.stats, ipmap_serial(s->map));
	if (stats_write(milter_state.stats, s->conf->stats_file,
	    s->conf->umask) == -1)
		log_warn("%s", s->conf->stats_file);
}

/* Apply the parts of a configuration that may change while running. */
static void
apply_runtime(const struct conf *cf)
{
	log_set_level((enum log_level)cf->log_level);
	ratelimit_set(milter_state.ratelimit, cf->rate_limit,
	    cf->rate_period);
}

/* SIGHUP/SIGUSR1: load a new snapshot; keep the old one on error. */
static void
reload(const struct options *o)
{
	snapshot_t	*old, *s;
	char		*err;
	char		*line, *next;

	if ((err = malloc(ERR_MAX)) == NULL) {
		log_warnx("reload: out of memory");
		return;
	}
	if ((old = snapshot_acquire()) == NULL) {
		free(err);
		return;
	}
	s = snapshot_load(o->conf_path, o->set, old, 1, err, ERR_MAX);
	if (s == NULL) {
		for (line = err; line != NULL && *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			log_warnx("reload: %s", line);
		}
		/* the plain reason, or the plain outcome */
		if (whence_reload_denied(o->conf_path,
		    old->conf->rules_file) == 0)
			log_warnx("reload failed: the previous configuration "
			    "and rules stay in service");
		stats_reload(milter_state.stats, 0);
	} else {
		if (strcmp(s->conf->socket, old->conf->socket) != 0 ||
		    (s->conf->user_id == NULL) != (old->conf->user_id == NULL) ||
		    (s->conf->user_id != NULL &&
		    strcmp(s->conf->user_id, old->conf->user_id) != 0))
			log_warnx("reload: Socket and UserID changes take "
			    "effect at the next start");
		apply_runtime(s->conf);
		log_notice("reloaded %s: %zu rules, generation %llu",
		    o->conf_path, rules_count(s->rules),
		    (unsigned long long)s->generation);
		snapshot_publish(s);
		stats_reload(milter_state.stats, 1);
	}
	snapshot_release(old);
	free(err);
}

/* The main loop: wait for signals, write the counters periodically. */
static void
main_loop(const struct options *o)
{
	struct pollfd	 pfd;
	snapshot_t	*s;
	time_t		 last = time(NULL), now;
	char		 buf[64];
	ssize_t		 n, i;
	int		 interval, stop = 0;

	pfd.fd = sigpipe[0];
	pfd.events = POLLIN;
	while (!stop) {
		s = snapshot_acquire();
		interval = s->conf->stats_interval;
		now = time(NULL);
		if (now - last >= interval) {
			write_stats(s);
			last = now;
		}
		snapshot_release(s);
		if (poll(&pfd, 1, (int)(interval - (now - last)) * 1000) < 1)
			continue;
		while ((n = read(sigpipe[0], buf, sizeof(buf))) > 0)
			for (i = 0; i < n; i++) {
				switch (buf[i]) {
				case SIGHUP:
				case SIGUSR1:
					reload(o);
					break;
				case SIGUSR2:
					s = snapshot_acquire();
					write_stats(s);
					snapshot_release(s);
					break;
				case SIGTERM:
				case SIGINT:
					log_notice("stopping on signal %d",
					    buf[i]);
					(void)smfi_stop();
					break;
				default:	/* smfi_main returned */
					stop = 1;
					break;
				}
			}
	}
}

/* Open the PID file as root, before dropping privileges; -1 if none. */
static int
pidfile_open(const char *path)
{
	int	 fd;

	if (path == NULL)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		fprintf(stderr, "abuse-milter: %s: %s\n", path,
		    strerror(errno));
	return fd;
}

/* Run as the daemon; returns the exit status. */
static int
run_daemon(snapshot_t *s, const struct options *o)
{
	const struct conf *cf = s->conf;
	pthread_t	 tid;
	sigset_t	 set, old;
	struct runas	 ra;
	char		 conn[1024], err[1024], pid[32];
	const char	*path;
	int		 pidfd, rc = 1, n;
	char		*pid_file = NULL;

	if (cf->abuse_recipients.n == 0) {
		fprintf(stderr, "%s: AbuseRecipients is not set\n", cf->path);
		return 1;
	}
	if (cf->user_id != NULL &&
	    runas_lookup(cf->user_id, &ra) == -1)
		return 1;
	if (cf->user_id == NULL && (getuid() == 0 || geteuid() == 0)) {
		fprintf(stderr, "abuse-milter: refusing to run as root: set "
		    "UserID or use -u\n");
		return 1;
	}
	if (cf->user_id != NULL && getuid() != 0 && getuid() != ra.uid) {
		fprintf(stderr, "abuse-milter: only root can become %s\n",
		    cf->user_id);
		return 1;
	}
	if (milter_socket(cf->socket, conn, sizeof(conn)) == -1 ||
	    smfi_register(milter_desc) == MI_FAILURE ||
	    smfi_setconn(conn) == MI_FAILURE) {
		fprintf(stderr, "abuse-milter: cannot use socket %s\n",
		    cf->socket);
		return 1;
	}
	(void)umask((mode_t)cf->umask);
	if (smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "abuse-milter: cannot open socket %s\n",
		    cf->socket);
		return 1;
	}
	milter_state.tcp = local_path(cf->socket) == NULL;
	if (milter_state.tcp && sockopt_listener_nodelay() == -1)
		fprintf(stderr, "abuse-milter: TCP_NODELAY on %s: %s\n",
		    cf->socket, strerror(errno));
	if ((path = local_path(cf->socket)) != NULL && cf->user_id != NULL &&
	    getuid() == 0 && chown(path, ra.uid, ra.gid) == -1)
		fprintf(stderr, "abuse-milter: chown %s: %s\n", path,
		    strerror(errno));
	pidfd = pidfile_open(cf->pid_file);
	if (cf->pid_file != NULL && (pidfd == -1 ||
	    (pid_file = strdup(cf->pid_file)) == NULL))
		return 1;
	if (!o->foreground && daemonise(!cf->syslog) == -1) {
		fprintf(stderr, "abuse-milter: cannot daemonise: %s\n",
		    strerror(errno));
		return 1;
	}
	if (pidfd != -1) {
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (n < 0 || (size_t)n >= sizeof(pid) ||
		    write(pidfd, pid, (size_t)n) != n)
			fprintf(stderr, "abuse-milter: cannot write %s\n",
			    cf->pid_file);
		close(pidfd);
	}
	log_init("abuse-milter", cf->syslog, cf->syslog_facility);
	log_set_level((enum log_level)cf->log_level);
	if (cf->user_id != NULL && drop_privileges(&ra) == -1)
		goto out;
	if (getuid() == 0 || geteuid() == 0) {
		log_error("refusing to run as root");
		goto out;
	}
	if (snapshot_open_map(s, NULL, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	if (ipmap_serial(s->map) == 0)
		log_warnx("%s: no map in service yet: complaints stay at the "
		    "abuse desk until abuse-map load builds one",
		    cf->map_directory);
	milter_state.stats = stats_new((int64_t)time(NULL));
	milter_state.ratelimit = ratelimit_new(cf->rate_limit,
	    cf->rate_period, RATE_KEYS);
	milter_state.spf = spf_new(cf->spf_timeout);
	if (milter_state.stats == NULL || milter_state.ratelimit == NULL ||
	    milter_state.spf == NULL) {
		log_error("out of memory");
		goto out;
	}
	log_notice("starting: socket %s, %zu rules, map serial %llu, %s",
	    cf->socket, rules_count(s->rules),
	    (unsigned long long)ipmap_serial(s->map), PACKAGE_STRING);
	snapshot_publish(s);
	s = NULL;
	cf = NULL;
	if (signals_setup() == -1) {
		log_warn("signals");
		goto out;
	}
	signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	n = pthread_create(&tid, NULL, milter_thread, &rc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (n != 0) {
		log_error("cannot start the milter thread");
		goto out;
	}
	main_loop(o);
	pthread_join(tid, NULL);
	s = snapshot_acquire();
	write_stats(s);
	snapshot_release(s);
	s = NULL;
	log_notice("stopped");
out:
	snapshot_release(s);
	snapshot_shutdown();
	if (pid_file != NULL)
		(void)unlink(pid_file);
	free(pid_file);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options	 o;
	snapshot_t	*s;
	char		*err, *conf_path;
	int		 rc;

	parse_options(argc, argv, &o);
	if (o.conf_tree)
		fprintf(stderr, "abuse-milter: no %s: using the build tree's "
		    "configuration %s\n", WHENCE_DEFAULT_CONF, o.conf_path);
	log_init("abuse-milter", 0, LOG_MAIL);
	if ((err = malloc(ERR_MAX)) == NULL) {
		fprintf(stderr, "abuse-milter: out of memory\n");
		return 1;
	}
	s = snapshot_load(o.conf_path, o.set, NULL, 0, err, ERR_MAX);
	if (s == NULL) {
		fprintf(stderr, "%s", err);
		whence_explain(stderr, o.conf_path, o.conf_given);
		free(err);
		return 1;
	}
	free(err);
	if (o.check) {
		rc = run_check(s);
		if (run_check_user(s) != 0)
			rc = 1;
	} else if (o.stats)
		rc = run_stats(s);
	else if (o.nfiles > 0)
		rc = run_dryrun(s, &o);
	else {
		log_set_level((enum log_level)s->conf->log_level);
		/* Keep the path absolute across chdir("/"). */
		conf_path = o.conf_path[0] == '/' ? NULL :
		    realpath(o.conf_path, NULL);
		if (conf_path != NULL)
			o.conf_path = conf_path;
		rc = run_daemon(s, &o);
		free(conf_path);
		stats_free(milter_state.stats);
		ratelimit_free(milter_state.ratelimit);
		spf_free(milter_state.spf);
		return rc;
	}
	snapshot_release(s);
	return rc;
}
