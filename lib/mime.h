/*
 * mime.h - read a complaint's MIME structure into regions the rules
 * can address.
 *
 * The reader takes the complaint's top-level header fields and its body
 * (line ends already normalised to LF) and produces a flat list of
 * segments, each a piece of decoded text tagged with its region:
 *
 *	MIME_SEG_REPORT		a message/feedback-report part (ARF fields)
 *	MIME_SEG_TEXT		an inline text part of the complaint
 *	MIME_SEG_ATTACH		an attachment (or a member of a zip/gzip one)
 *	MIME_SEG_EMB_HEADERS	the header block of an embedded message
 *				(message/rfc822, text/rfc822-headers and the
 *				misspellings seen in the wild), one unfolded
 *				field per line
 *	MIME_SEG_EMB_TEXT	a text part inside an embedded message
 *
 * Nesting depth, the number of segments, the bytes decoded and the bytes
 * expanded from archives are all capped; what passes a cap is dropped
 * silently (never an error), so a hostile message cannot make the
 * reader run away.  The complaint's own top-level header fields are not
 * segments: they are transport, addressed only by name (see rules.h).
 *
 * Usage:
 *	mime_t *m = mime_new(&limits);
 *	mime_parse(m, hdrs, nhdrs, body, bodylen);
 *	for (i = 0; i < mime_count(m); i++) use(mime_seg(m, i));
 *	mime_free(m);
 */
#ifndef ABUSE_MIME_H
#define ABUSE_MIME_H

#include <stddef.h>

enum mime_region {
	MIME_SEG_REPORT = 1,
	MIME_SEG_TEXT,
	MIME_SEG_ATTACH,
	MIME_SEG_EMB_HEADERS,
	MIME_SEG_EMB_TEXT
};

#define MIME_CTYPE_MAX	80
#define MIME_NAME_MAX	128

struct mime_seg {
	int	 region;		/* enum mime_region */
	char	 ctype[MIME_CTYPE_MAX];	/* lowercase type/subtype */
	char	 name[MIME_NAME_MAX];	/* file name, "" if none */
	int	 embedded;		/* message levels above (0: complaint) */
	int	 msgno;			/* which embedded message (0: none) */
	char	*data;			/* decoded text, NUL-terminated */
	size_t	 len;
};

/* One header field as given to the reader (name without the colon). */
struct mime_field {
	const char *name;
	const char *value;
};

struct mime_limits {
	size_t	 max_depth;		/* nesting of multiparts/messages */
	size_t	 max_segs;		/* segments kept */
	size_t	 max_decoded;		/* bytes of all segments together */
	size_t	 max_expanded;		/* bytes taken out of archives */
	size_t	 max_ratio;		/* expanded/compressed per member */
};

/* The defaults: depth 20, 512 segments, 8 MiB decoded, 8 MiB expanded,
 * ratio 200. */
void	 mime_default_limits(struct mime_limits *lim);

typedef struct mime mime_t;

/* A new reader with the given limits (NULL: the defaults); NULL: ENOMEM. */
mime_t	*mime_new(const struct mime_limits *lim);
/* Free the reader and every segment; NULL is fine. */
void	 mime_free(mime_t *m);

/*
 * Read a message given as its top-level header fields (hdr, nhdr) and
 * its body (LF line ends).  Replaces what an earlier call produced.
 * Returns 0, or -1 when out of memory (segments read so far are kept).
 */
int	 mime_parse(mime_t *m, const struct mime_field *hdr, size_t nhdr,
	    const char *body, size_t len);

/* Number of segments, and segment i (valid until the next mime_parse or
 * mime_free). */
size_t	 mime_count(const mime_t *m);
const struct mime_seg *mime_seg(const mime_t *m, size_t i);

/* Number of caps that cut the last message short (for counters). */
size_t	 mime_truncations(const mime_t *m);

/*
 * Helpers shared with the rest of the reader.
 */

/* Decode base64 (lenient: skips what is not in the alphabet) from s into
 * a new malloc'd buffer of at most cap bytes; *outlen gets its length.
 * Returns NULL only when out of memory. */
char	*mime_decode_b64(const char *s, size_t len, size_t cap,
	    size_t *outlen);
/* Decode quoted-printable likewise (soft breaks, =XX; anything broken is
 * kept as it is). */
char	*mime_decode_qp(const char *s, size_t len, size_t cap,
	    size_t *outlen);

/*
 * Split a header block (LF line ends, ends at the first empty line or at
 * len) into unfolded fields; calls fn(arg, name, namelen, value,
 * valuelen) for each, at most max fields.  The value has the line breaks
 * of folding removed and leading blanks trimmed.  *bodyoff gets the
 * offset of the body (after the empty line), or len.  fn returns 0 to go
 * on or -1 to stop.  A leading mbox "From " line is skipped.
 */
typedef int (*mime_field_fn)(void *arg, const char *name, size_t nlen,
    const char *value, size_t vlen);
void	 mime_split_headers(const char *s, size_t len, size_t max,
	    mime_field_fn fn, void *arg, size_t *bodyoff);

#endif
