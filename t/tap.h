/*
 * tap.h - a tiny TAP producer for the C unit tests.
 *
 * Each test program includes this header once, calls tap_plan() (or
 * tap_skip_all() when it cannot run), then ok()/is_int()/is_str(), and
 * returns tap_done() from main.  The automake TAP driver reads stdout.
 *
 *	tap_plan(3);
 *	ok(x == 1, "x is one");
 *	is_int(f(), 2, "f returns two");
 *	is_str(g(), "abc", "g names abc");
 *	return tap_done();
 */
#ifndef ABUSE_TAP_H
#define ABUSE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned, tap_run, tap_failed;

/* Announce n tests (0: a late plan written by tap_done). */
static void __attribute__((unused))
tap_plan(int n)
{
	tap_planned = n;
	if (n > 0)
		printf("1..%d\n", n);
	fflush(stdout);
}

/* Skip the whole program: prints the SKIP plan and exits 77. */
static void __attribute__((noreturn, unused))
tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	fflush(stdout);
	exit(77);
}

/* Report one test; returns cond. */
static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

/* Print a diagnostic line. */
static void __attribute__((format(printf, 1, 2), unused))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("  got %lld, want %lld", g_, w_);			\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL || w_ == NULL) ? g_ == w_ :		\
	    strcmp(g_, w_) == 0;					\
	if (!ok(same_, __VA_ARGS__))					\
		diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
} while (0)

/* Finish: write a late plan if none was given; exit status for main. */
static int __attribute__((unused))
tap_done(void)
{
	if (tap_planned == 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		printf("# planned %d tests, ran %d\n", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed || (tap_planned && tap_planned != tap_run);
}

#endif
