/*
 * stats.c - counters kept as labelled series; see stats.h.
 *
 * A series is a metric and its label text (`rule="x",action="route"`);
 * series are few (rules x reasons), so they sit in an array searched in
 * order, under one mutex.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "complaint.h"
#include "stats.h"

enum metric {
	M_MESSAGES,
	M_RULE_HITS,
	M_RULE_DECISIONS,
	M_ERRORS,
	M_RELOADS,
	M_NMETRICS
};

static const struct {
	const char	*name;
	const char	*help;
} metrics[M_NMETRICS] = {
	{ "abuse_milter_messages_total",
	  "Complaints decided, by action and reason." },
	{ "abuse_milter_rule_hits_total",
	  "Complaints in which the rule found an address." },
	{ "abuse_milter_rule_decisions_total",
	  "Complaints decided by the rule, by action and reason." },
	{ "abuse_milter_errors_total",
	  "Internal errors; the message went on unchanged." },
	{ "abuse_milter_reloads_total",
	  "Configuration and rules reloads, by result." },
};

struct series {
	int		 metric;
	char		*labels;
	uint64_t	 value;
};

struct stats {
	pthread_mutex_t	 lock;
	struct series	*s;
	size_t		 n, size;
	int64_t		 start;
	uint64_t	 map_serial;
};

/* Make the counters. */
stats_t *
stats_new(int64_t now)
{
	stats_t	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	if (pthread_mutex_init(&st->lock, NULL) != 0) {
		free(st);
		return NULL;
	}
	st->start = now;
	return st;
}

/* Add n to a series, creating it; caller holds the lock. */
static void
series_add(stats_t *st, int metric, const char *labels, uint64_t n)
{
	struct series	*ns;
	size_t		 i;
	char		*l;

	for (i = 0; i < st->n; i++)
		if (st->s[i].metric == metric &&
		    strcmp(st->s[i].labels, labels) == 0) {
			st->s[i].value += n;
			return;
		}
	if (st->n == st->size) {
		if ((ns = reallocarray(st->s, st->size ? st->size * 2 : 32,
		    sizeof(*ns))) == NULL)
			return;
		st->s = ns;
		st->size = st->size ? st->size * 2 : 32;
	}
	if ((l = strdup(labels)) == NULL)
		return;
	st->s[st->n].metric = metric;
	st->s[st->n].labels = l;
	st->s[st->n].value = n;
	st->n++;
}

/* Append name="value" to b, escaped for the text format. */
static int
label(buf_t *b, const char *name, const char *value)
{
	const char *p;

	if (b->len > 0 && buf_putc(b, ',') == -1)
		return -1;
	if (buf_printf(b, "%s=\"", name) == -1)
		return -1;
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"') {
			if (buf_putc(b, '\\') == -1 || buf_putc(b, *p) == -1)
				return -1;
		} else if (*p == '\n') {
			if (buf_puts(b, "\\n") == -1)
				return -1;
		} else if (buf_putc(b, *p) == -1)
			return -1;
	}
	return buf_putc(b, '"');
}

/* Count one decision. */
void
stats_decision(stats_t *st, const struct decision *d)
{
	const char	*action = d->action == ROUTE_ROUTE ? "route" : "keep";
	const char	*reason = d->reason != NULL ? d->reason : "unknown";
	const char	*rule = d->rule[0] != '\0' ? d->rule : "none";
	buf_t		 b;
	size_t		 i, j;

	buf_init(&b, 1024);
	pthread_mutex_lock(&st->lock);
	if (label(&b, "action", action) == 0 &&
	    label(&b, "reason", reason) == 0)
		series_add(st, M_MESSAGES, b.data, 1);
	buf_reset(&b);
	if (label(&b, "rule", rule) == 0 && label(&b, "action", action) == 0 &&
	    label(&b, "reason", reason) == 0)
		series_add(st, M_RULE_DECISIONS, b.data, 1);
	for (i = 0; i < d->ncand; i++) {
		if (d->cand[i].rule == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (d->cand[j].rule != NULL &&
			    strcmp(d->cand[j].rule, d->cand[i].rule) == 0)
				break;
		if (j < i)
			continue;	/* counted once per complaint */
		buf_reset(&b);
		if (label(&b, "rule", d->cand[i].rule) == 0)
			series_add(st, M_RULE_HITS, b.data, 1);
	}
	if (d->map_serial != 0)
		st->map_serial = d->map_serial;
	pthread_mutex_unlock(&st->lock);
	buf_free(&b);
}

/* Count one internal error. */
void
stats_error(stats_t *st, const char *kind)
{
	buf_t	 b;

	buf_init(&b, 256);
	if (label(&b, "kind", kind) == 0) {
		pthread_mutex_lock(&st->lock);
		series_add(st, M_ERRORS, b.data, 1);
		pthread_mutex_unlock(&st->lock);
	}
	buf_free(&b);
}

/* Count one reload. */
void
stats_reload(stats_t *st, int ok)
{
	pthread_mutex_lock(&st->lock);
	series_add(st, M_RELOADS, ok ? "result=\"ok\"" : "result=\"error\"",
	    1);
	pthread_mutex_unlock(&st->lock);
}

/* Set the map serial. */
void
stats_map_serial(stats_t *st, uint64_t serial)
{
	pthread_mutex_lock(&st->lock);
	st->map_serial = serial;
	pthread_mutex_unlock(&st->lock);
}

/* Order series by metric, then labels. */
static int
series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;

	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return strcmp(x->labels, y->labels);
}

/* Write the counters in the text format. */
int
stats_print(stats_t *st, FILE *fp)
{
	size_t	 i;
	int	 m;

	pthread_mutex_lock(&st->lock);
	qsort(st->s, st->n, sizeof(*st->s), series_cmp);
	for (m = 0; m < M_NMETRICS; m++) {
		fprintf(fp, "# HELP %s %s\n# TYPE %s counter\n",
		    metrics[m].name, metrics[m].help, metrics[m].name);
		for (i = 0; i < st->n; i++)
			if (st->s[i].metric == m)
				fprintf(fp, "%s{%s} %llu\n", metrics[m].name,
				    st->s[i].labels,
				    (unsigned long long)st->s[i].value);
	}
	fprintf(fp, "# HELP abuse_milter_map_serial Serial of the map "
	    "last used.\n# TYPE abuse_milter_map_serial gauge\n"
	    "abuse_milter_map_serial %llu\n",
	    (unsigned long long)st->map_serial);
	fprintf(fp, "# HELP abuse_milter_start_time_seconds Start of the "
	    "process, seconds since the epoch.\n"
	    "# TYPE abuse_milter_start_time_seconds gauge\n"
	    "abuse_milter_start_time_seconds %lld\n", (long long)st->start);
	pthread_mutex_unlock(&st->lock);
	return ferror(fp) ? -1 : 0;
}

/* Replace the file at path with the counters. */
int
stats_write(stats_t *st, const char *path, int umask)
{
	buf_t	 tmp;
	FILE	*fp;
	int	 fd, saved;

	buf_init(&tmp, 4096);
	if (buf_printf(&tmp, "%s.XXXXXX", path) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp.data)) == -1) {
		saved = errno;
		buf_free(&tmp);
		errno = saved;
		return -1;
	}
	(void)fchmod(fd, (mode_t)(0666 & ~umask));
	if ((fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (stats_print(st, fp) == -1 || fflush(fp) == EOF) {
		saved = errno != 0 ? errno : EIO;
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) == EOF) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp.data, path) == -1) {
		saved = errno;
		goto fail;
	}
	buf_free(&tmp);
	return 0;
fail:
	(void)unlink(tmp.data);
	buf_free(&tmp);
	errno = saved;
	return -1;
}

/* Free the counters. */
void
stats_free(stats_t *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->s[i].labels);
	free(st->s);
	pthread_mutex_destroy(&st->lock);
	free(st);
}
