/*
 * test_conf.c - the configuration parser: defaults, each value type,
 * "FILE:LINE: message" errors, and that the manual page and the sample
 * file name every key (and that the sample loads).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tap.h"

/* Write text to a new temporary file; returns its path (static). */
static const char *
write_tmp(const char *text)
{
	static char	 path[64];
	int		 fd;
	FILE		*fp;

	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		perror("mkstemp");
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Load text as a configuration file; err receives the messages. */
static struct conf *
load_text(const char *text, char *err, size_t errlen, char *path,
    size_t pathlen)
{
	const char	*p = write_tmp(text);
	struct conf	*cf;

	snprintf(path, pathlen, "%s", p);
	cf = conf_load(p, err, errlen);
	unlink(p);
	return cf;
}

/* Read a whole file into memory (NULL if unreadable). */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*s;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if ((s = calloc(1, (size_t)n + 1)) == NULL ||
	    fread(s, 1, (size_t)n, fp) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(fp);
	return s;
}

static void
test_defaults(void)
{
	struct conf *cf = conf_defaults();

	ok(cf != NULL, "defaults load");
	is_str(cf->socket, "local:/var/spool/postfix/abuse-milter/abuse-milter.sock",
	    "default Socket");
	ok(cf->user_id == NULL && cf->keep_copy == NULL &&
	    cf->pid_file == NULL && cf->stats_file == NULL,
	    "UserID, KeepCopy, PidFile, StatsFile default to none");
	is_int(cf->umask, 07, "default UMask 007");
	is_int(cf->syslog, 1, "default Syslog yes");
	is_int(cf->spf_policy, SPF_POLICY_ROUTE_UNLESS_FAIL,
	    "default SPFPolicy route-unless-fail");
	is_int(cf->rate_limit, 100, "default RateLimit N");
	is_int(cf->rate_period, 3600, "default RateLimit period");
	is_int(cf->max_scan_bytes, 4 * 1024 * 1024, "default MaxScanBytes 4M");
	is_int(cf->abuse_recipients.n, 0, "no AbuseRecipients by default");
	ok(cf->auto_submitted_route.n == 2 &&
	    strcmp(cf->auto_submitted_route.v[0], "no") == 0 &&
	    strcmp(cf->auto_submitted_route.v[1], "auto-generated") == 0,
	    "default AutoSubmittedRoute no, auto-generated");
	is_int(cf->log_level, LOG_LVL_NOTICE, "default LogLevel notice");
	conf_free(cf);
}

/* The keys of the keep list and the return path. */
static void
test_desk_keys(void)
{
	static const struct {
		const char	*key, *value;
		int		 good;
	} t[] = {
		{ "KeepSenders", "police.example, Legal@Firm.Example", 1 },
		{ "KeepSenders", "<legal@firm.example>", 0 },
		{ "KeepSenders", "localhost", 0 },
		{ "KeepSenders", "a..example", 0 },
		{ "ReturnPath", "desk", 1 },
		{ "ReturnPath", "none", 1 },
		{ "ReturnPath", "abuse-return@provider.example", 1 },
		{ "ReturnPath", "abuse-return", 0 },
		{ "RecipientDelimiter", "+", 1 },
		{ "RecipientDelimiter", "none", 1 },
		{ "RecipientDelimiter", "+-", 1 },
		{ "RecipientDelimiter", "+.", 0 },
		{ "RecipientDelimiter", "@", 0 },
		{ "LocalRulesFile", "/etc/abuse-milter/local.rules", 1 },
		{ "LocalRulesFile", "local.rules", 0 },
	};
	struct conf	*cf = conf_defaults();
	char		 why[256];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok((conf_set(cf, t[i].key, t[i].value, why, sizeof(why)) ==
		    0) == t[i].good, "%s %s is %s", t[i].key, t[i].value,
		    t[i].good ? "taken" : "refused");
	ok(cf->keep_senders.n == 2 &&
	    strcmp(cf->keep_senders.v[1], "legal@firm.example") == 0,
	    "KeepSenders are lowercased");
	(void)conf_set(cf, "ReturnPath", "desk", why, sizeof(why));
	ok(conf_return_path(cf) == NULL,
	    "ReturnPath desk without AbuseRecipients is none");
	(void)conf_set(cf, "AbuseRecipients", "abuse@p.example, sec@p.example",
	    why, sizeof(why));
	ok(conf_return_path(cf) != NULL &&
	    strcmp(conf_return_path(cf), "abuse@p.example") == 0,
	    "ReturnPath desk is the first AbuseRecipients address");
	(void)conf_set(cf, "ReturnPath", "none", why, sizeof(why));
	ok(conf_return_path(cf) == NULL, "ReturnPath none keeps the sender");
	conf_free(cf);
	cf = conf_defaults();
	ok(cf->return_path != NULL && strcmp(cf->return_path, "desk") == 0 &&
	    cf->recipient_delimiter != NULL &&
	    strcmp(cf->recipient_delimiter, "+") == 0 &&
	    cf->local_rules_file == NULL && cf->keep_senders.n == 0,
	    "defaults: ReturnPath desk, delimiter +, no local rules or "
	    "KeepSenders");
	conf_free(cf);
}

static void
test_rates(void)
{
	static const struct {
		const char	*text;
		int		 ok;
		unsigned	 n;
		long long	 period;
	} t[] = {
		{ "20/1h", 1, 20, 3600 },
		{ "20/h", 1, 20, 3600 },
		{ "5/3600", 1, 5, 3600 },
		{ "100/30m", 1, 100, 1800 },
		{ "7/2d", 1, 7, 172800 },
		{ "3/10s", 1, 3, 10 },
		{ "none", 1, 0, 0 },
		{ "0", 1, 0, 0 },
		{ "abc", 0, 0, 0 },
		{ "0/1h", 0, 0, 0 },
		{ "10/", 0, 0, 0 },
		{ "/1h", 0, 0, 0 },
		{ "10/1x", 0, 0, 0 },
		{ "10/0s", 0, 0, 0 },
		{ "10/400d", 0, 0, 0 },
		{ "-1/1h", 0, 0, 0 },
		{ "10/1h ", 0, 0, 0 },
	};
	size_t		 i;
	unsigned	 n;
	int64_t		 period;
	int		 r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = 99;
		period = 99;
		r = conf_parse_rate(t[i].text, &n, &period);
		if (t[i].ok)
			ok(r == 0 && n == t[i].n && period == t[i].period,
			    "RateLimit \"%s\" is %u per %lld s", t[i].text,
			    t[i].n, t[i].period);
		else
			ok(r == -1, "RateLimit \"%s\" is refused", t[i].text);
	}
}

static void
test_sockets(void)
{
	static const char *good[] = {
		"inet:8895@127.0.0.1", "inet:8895", "inet6:8895@::1",
		"local:/run/abuse-milter/sock", "unix:/tmp/x", "/tmp/x.sock",
		"INET:25@localhost",
	};
	static const char *bad[] = {
		"inet:@127.0.0.1", "inet:0@127.0.0.1", "inet:70000@h",
		"inet:8895@", "local:relative/path", "tcp:25", "",
		"inet:88x5@h",
	};
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(conf_check_socket(good[i], &why) == 0,
		    "Socket \"%s\" accepted", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(conf_check_socket(bad[i], &why) == -1,
		    "Socket \"%s\" refused", bad[i]);
}

static void
test_file(void)
{
	struct conf	*cf;
	char		 err[2048], path[64], want[256];

	cf = load_text(
	    "# a comment\n"
	    "\n"
	    "Socket local:/run/am.sock\n"
	    "  UserID   abuse-milter:postfix  \n"
	    "UMask 027\n"
	    "PidFile /run/am.pid\n"
	    "Syslog no\n"
	    "SyslogFacility local3\n"
	    "AbuseRecipients abuse@provider.test, Abuse-Desk@Provider.TEST\n"
	    "MapDirectory /var/lib/am/map\n"
	    "RulesFile /etc/am.rules\n"
	    "KeepCopy archive@provider.test # a copy of each routed one\n"
	    "SPFPolicy require-pass\n"
	    "SPFTimeout 3\n"
	    "RateLimit 20/1h\n"
	    "MaxScanBytes 512k\n"
	    "StatsFile /var/lib/node/am.prom\n"
	    "StatsInterval 30\n"
	    "logLEVEL debug\n"
	    "AutoSubmittedRoute No,Auto-Generated auto-notified\n",
	    err, sizeof(err), path, sizeof(path));
	if (!ok(cf != NULL, "a file with every key loads"))
		diag("%s", err);
	if (cf == NULL)
		return;
	is_str(cf->socket, "local:/run/am.sock", "Socket read");
	is_str(cf->user_id, "abuse-milter:postfix", "UserID trimmed");
	is_int(cf->umask, 027, "UMask octal");
	is_str(cf->pid_file, "/run/am.pid", "PidFile read");
	is_int(cf->syslog, 0, "Syslog no");
	is_int(cf->syslog_facility, log_facility_parse("local3"),
	    "SyslogFacility local3");
	ok(cf->abuse_recipients.n == 2 &&
	    strcmp(cf->abuse_recipients.v[1], "Abuse-Desk@Provider.TEST") == 0,
	    "AbuseRecipients: two, case kept");
	is_str(cf->keep_copy, "archive@provider.test",
	    "KeepCopy without its trailing comment");
	is_int(cf->spf_policy, SPF_POLICY_REQUIRE_PASS, "SPFPolicy");
	is_int(cf->spf_timeout, 3, "SPFTimeout");
	ok(cf->rate_limit == 20 && cf->rate_period == 3600, "RateLimit");
	is_int(cf->max_scan_bytes, 512 * 1024, "MaxScanBytes 512k");
	is_int(cf->stats_interval, 30, "StatsInterval");
	is_int(cf->log_level, LOG_LVL_DEBUG, "key names are case-insensitive");
	ok(cf->auto_submitted_route.n == 3 &&
	    strcmp(cf->auto_submitted_route.v[1], "auto-generated") == 0,
	    "AutoSubmittedRoute lowercased, commas and spaces");
	conf_free(cf);

	cf = load_text("Socket inet:1@localhost\nFoo bar\n", err, sizeof(err),
	    path, sizeof(path));
	snprintf(want, sizeof(want), "%s:2: unknown key \"Foo\"\n", path);
	ok(cf == NULL, "an unknown key is an error");
	is_str(err, want, "unknown key message names file and line");

	cf = load_text("SPFPolicy sometimes\nRateLimit lots\n"
	    "UMask 999\nSyslog maybe\nKeepCopy not-an-address\n",
	    err, sizeof(err), path, sizeof(path));
	ok(cf == NULL, "bad values are errors");
	snprintf(want, sizeof(want), "%s:1: SPFPolicy: \"sometimes\"", path);
	ok(strstr(err, want) != NULL, "bad SPFPolicy named with its line");
	snprintf(want, sizeof(want), "%s:5: KeepCopy: bad address", path);
	ok(strstr(err, want) != NULL, "every bad line is reported (line 5)");

	cf = load_text("LogLevel info\nLogLevel debug\n", err, sizeof(err),
	    path, sizeof(path));
	snprintf(want, sizeof(want), "%s:2: LogLevel given twice\n", path);
	ok(cf == NULL, "a key given twice is an error");
	is_str(err, want, "duplicate message");

	cf = load_text("MapDirectory relative/dir\n", err, sizeof(err),
	    path, sizeof(path));
	ok(cf == NULL && strstr(err, "not an absolute path") != NULL,
	    "relative paths are refused");

	cf = load_text("AbuseRecipients abuse@provider.test <x@y>\n", err,
	    sizeof(err), path, sizeof(path));
	ok(cf == NULL && strstr(err, "bad address") != NULL,
	    "a bad address in AbuseRecipients is refused");

	cf = conf_load("/nonexistent/abuse-milter.conf", err, sizeof(err));
	ok(cf == NULL && strncmp(err, "/nonexistent/abuse-milter.conf: ",
	    32) == 0, "a missing file is named");
}

static void
test_set(void)
{
	struct conf	*cf = conf_defaults();
	char		 why[256];

	ok(conf_set(cf, "socket", "inet:9999@127.0.0.1", why,
	    sizeof(why)) == 0 && strcmp(cf->socket, "inet:9999@127.0.0.1") == 0,
	    "conf_set overrides Socket (as -p does)");
	ok(conf_set(cf, "UserID", "none", why, sizeof(why)) == 0 &&
	    cf->user_id == NULL, "UserID none");
	ok(conf_set(cf, "Nope", "x", why, sizeof(why)) == -1 &&
	    strcmp(why, "unknown key \"Nope\"") == 0, "conf_set unknown key");
	conf_free(cf);
}

/* Does sample (a configuration file's text) name every key, set or
 * commented out? */
static int
sample_has_keys(const char *sample, const char *which)
{
	char	 pat[128];
	size_t	 i;
	int	 all = 1;

	for (i = 0; i < conf_nkeys(); i++) {
		snprintf(pat, sizeof(pat), "\n%s ", conf_key_name(i));
		if (strstr(sample, pat) != NULL)
			continue;
		snprintf(pat, sizeof(pat), "\n#%s ", conf_key_name(i));
		if (strstr(sample, pat) == NULL) {
			diag("%s is not in %s", conf_key_name(i), which);
			all = 0;
		}
	}
	return all;
}

/* Every key is in the manual page and the samples; the sample loads. */
static void
test_docs(void)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], deb[1024], err[2048], *man, *sample, *dsample;
	char		 pat[128];
	struct conf	*cf;
	size_t		 i;
	int		 all_man = 1;

	if (top == NULL)
		top = ".";
	snprintf(path, sizeof(path), "%s/docs/abuse-milter.conf.5", top);
	man = slurp(path);
	snprintf(path, sizeof(path), "%s/contrib/abuse-milter.conf", top);
	sample = slurp(path);
	ok(man != NULL && sample != NULL, "manual page and sample found");
	for (i = 0; man != NULL && i < conf_nkeys(); i++) {
		snprintf(pat, sizeof(pat), ".It Cm %s ", conf_key_name(i));
		if (strstr(man, pat) == NULL) {
			diag("%s is not in abuse-milter.conf(5)",
			    conf_key_name(i));
			all_man = 0;
		}
	}
	ok(all_man, "every key is documented in abuse-milter.conf(5)");
	ok(sample != NULL && sample_has_keys(sample, "the sample"),
	    "every key is in contrib/abuse-milter.conf");
	snprintf(deb, sizeof(deb), "%s/debian/abuse-milter.conf", top);
	dsample = slurp(deb);
	ok(dsample != NULL && sample_has_keys(dsample, "the package's"),
	    "every key is in debian/abuse-milter.conf");
	free(dsample);
	cf = conf_load(path, err, sizeof(err));
	if (!ok(cf != NULL, "the sample configuration loads"))
		diag("%s", err);
	conf_free(cf);
	free(man);
	free(sample);
}

int
main(void)
{
	tap_plan(0);
	(void)tap_skip_all;
	test_defaults();
	test_desk_keys();
	test_rates();
	test_sockets();
	test_file();
	test_set();
	test_docs();
	return tap_done();
}
