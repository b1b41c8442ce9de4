/*
 * fuzz_timeparse.c - fuzz target for the complaint date reader.
 *
 * The input is read by time_parse_span() against a few arrival times
 * (ordinary, just after New Year, at the ends of the years the reader
 * allows and at the ends of int64_t) and by time_parse_date().  A span
 * must have lo <= hi and lie within years 0..10000; it may be no wider
 * than two readings a year apart with the whole day and the zone slack;
 * an inferred year must put lo at or before the arrival time.  Whatever
 * time_parse_date() reads, time_parse_span() must read too, with the
 * instant inside the span.  Nothing may overflow or read past the input
 * (the parser takes a length and needs no NUL).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "timeparse.h"

#define YEAR1		(-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define YEAR10000	253402300800LL	/* 10000-01-01T00:00:00Z */
#define WIDEST		((367LL * 86400) + 28 * 3600)

static const int64_t refs[] = {
	1583416931,		/* 2020-03-05T14:02:11Z */
	1609461000,		/* 2021-01-01T00:30:00Z */
	YEAR1,
	YEAR10000 - 1,
	INT64_MIN,
	INT64_MAX,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Check one span read with arrival time ref. */
static void
check_span(int64_t lo, int64_t hi)
{
	if (lo > hi)
		fuzz_fail("span with lo > hi");
	if (lo < YEAR1 - 86400 || hi > YEAR10000 + 86400)
		fuzz_fail("span outside years 1..9999 and the zone slack");
	if (hi - lo > WIDEST)
		fuzz_fail("span wider than two readings a year apart");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	int64_t		 lo[sizeof(refs) / sizeof(refs[0])];
	int64_t		 hi[sizeof(refs) / sizeof(refs[0])], t;
	int		 ok[sizeof(refs) / sizeof(refs[0])];
	size_t		 k, n = sizeof(refs) / sizeof(refs[0]);
	int		 same = 1;

	for (k = 0; k < n; k++) {
		lo[k] = hi[k] = 12345;
		ok[k] = time_parse_span(s, size, refs[k], &lo[k], &hi[k]) == 0;
		if (ok[k])
			check_span(lo[k], hi[k]);
		if (ok[k] != ok[0] || lo[k] != lo[0] || hi[k] != hi[0])
			same = 0;
	}
	/* When the arrival time matters, the year came from it. */
	for (k = 0; !same && k < n; k++) {
		if (ok[k] && lo[k] > refs[k])
			fuzz_fail("inferred year puts the time after arrival");
	}
	if (time_parse_date(s, size, &t) == 0) {
		if (!same || !ok[0])
			fuzz_fail("time_parse_date reads what span does not");
		if (t < lo[0] || t > hi[0])
			fuzz_fail("time_parse_date outside the span");
	}
	return 0;
}
