/*
 * csv.h - an RFC 4180 CSV record reader for the map source.
 *
 * Fields are separated by commas; a field may be quoted with '"', a
 * quote inside a quoted field is doubled, and a quoted field may span
 * lines.  Records end with LF or CRLF.  Lines whose first byte is '#'
 * and blank lines are skipped.  Text must be UTF-8 without NUL bytes.
 * Every byte read is also passed to an optional tap (for hashing).
 *
 *	csv_t *c = csv_open(fp, tap, arg);
 *	while ((r = csv_read(c, &rec)) == 1)
 *		... rec.nfields, rec.field[i], rec.len[i], rec.line ...
 *	if (r == -1) ... csv_error(c) at line csv_errline(c)
 *	csv_close(c);
 */
#ifndef ABUSE_CSV_H
#define ABUSE_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELDS	32
#define CSV_MAX_RECORD	65536	/* bytes in one record */

struct csv_record {
	size_t		 nfields;
	const char	*field[CSV_MAX_FIELDS];	/* NUL-terminated */
	size_t		 len[CSV_MAX_FIELDS];
	unsigned long	 line;	/* line the record starts on */
};

typedef struct csv csv_t;

/* Receives every byte read from the file, in order. */
typedef void (*csv_tap_fn)(void *arg, const void *p, size_t len);

/* Read from fp (not closed by csv_close); NULL if out of memory. */
csv_t	*csv_open(FILE *fp, csv_tap_fn tap, void *arg);
void	 csv_close(csv_t *c);

/*
 * Read the next record into rec; its strings stay valid until the next
 * call.  Returns 1 with a record, 0 at the end of the file, or -1 on a
 * malformed record: csv_error() says why and csv_errline() where.  After
 * -1 reading may continue with the next line (the bad record is skipped),
 * except after an I/O error (csv_fatal() is non-zero).
 */
int	 csv_read(csv_t *c, struct csv_record *rec);
const char *csv_error(const csv_t *c);
unsigned long csv_errline(const csv_t *c);
int	 csv_fatal(const csv_t *c);

#endif
