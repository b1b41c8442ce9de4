/*
 * log.c - logging to syslog or stderr, and the sanitizer; see log.h.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

static const char	*log_ident = "abuse-milter";
static int		 log_syslog;
static volatile int	 log_level = LOG_LVL_NOTICE;

static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "mail", LOG_MAIL }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

static const char *level_names[] = {
	"error", "warning", "notice", "info", "debug"
};

/* Choose where lines go. */
void
log_init(const char *ident, int use_syslog, int facility)
{
	log_ident = ident;
	if (log_syslog)
		closelog();
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

/* Set the least important level still logged. */
void
log_set_level(enum log_level level)
{
	log_level = (int)level;
}

/* Return the current level. */
enum log_level
log_get_level(void)
{
	return (enum log_level)log_level;
}

/* Parse a level name. */
int
log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "warn") == 0)
		return LOG_LVL_WARN;
	return -1;
}

/* Parse a syslog facility name. */
int
log_facility_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

/* Log one line at level. */
void
log_vlog(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = {
		LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG
	};
	char	 line[2048];

	if ((int)level > log_level)
		return;
	/* Truncation of an over-long line is acceptable here: it is cut,
	 * never overflowed, and marked. */
	if (vsnprintf(line, sizeof(line), fmt, ap) >= (int)sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	if (log_syslog)
		syslog(prio[level], "%s", line);
	else {
		flockfile(stderr);
		fprintf(stderr, "%s: %s%s\n", log_ident,
		    level <= LOG_LVL_WARN ? (level == LOG_LVL_ERROR ?
		    "error: " : "warning: ") : "", line);
		funlockfile(stderr);
	}
}

#define LOG_FN(fn, lvl)					\
void							\
fn(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_vlog(lvl, fmt, ap);				\
	va_end(ap);					\
}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warnx, LOG_LVL_WARN)
LOG_FN(log_notice, LOG_LVL_NOTICE)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

/* Log a warning with strerror(errno) appended. */
void
log_warn(const char *fmt, ...)
{
	char	 msg[1536];
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	va_end(ap);
	log_warnx("%s: %s", msg, strerror(saved));
	errno = saved;
}
