/*
 * log.h - the one logging module of abuse-milter.
 *
 * Lines go to syslog (daemon) or to stderr (tools, tests, foreground).
 * log_warn() appends strerror(errno) like OpenBSD's warn(); log_warnx()
 * does not.  Messages below the configured level are dropped.  Every
 * function is safe to call from many threads at once.
 *
 * Untrusted text (header values, addresses, anything from a complaint)
 * must pass str_sanitize() (str.h) before it reaches a log line or a
 * header.
 */
#ifndef ABUSE_LOG_H
#define ABUSE_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_NOTICE = 2,
	LOG_LVL_INFO = 3,
	LOG_LVL_DEBUG = 4
};

/*
 * Send lines to syslog with ident and facility (a LOG_* facility from
 * <syslog.h>) when use_syslog is non-zero, else to stderr prefixed with
 * ident.  May be called again to change the destination.
 */
void	log_init(const char *ident, int use_syslog, int facility);
/* Drop lines less important than level. */
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse a level name (error, warning, notice, info, debug); -1 if unknown. */
int	log_level_parse(const char *name);
/* Parse a syslog facility name (daemon, mail, local0..local7); -1 if unknown. */
int	log_facility_parse(const char *name);

void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_vlog(enum log_level level, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));


#endif
