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
 *	MIME_SEG_FWD_HEADERS	the header block of an embedded message
 *				that carries a message or a feedback
 *				report of its own: a forwarded complaint,
 *				whose header block is transport, not
 *				evidence (the decision reads it only to
 *				object to a route, see decide.c)
 *
 * Nesting depth, the number of segments, the bytes decoded, the bytes
 * expanded from archives, the members read from one archive and the
 * header fields read are all capped, so a hostile message cannot make
 * the reader run away.  What passes a cap is dropped (never an error)
 * and counted per cap (mime_dropped()), so that the decision knows the
 * complaint was not read whole.  The complaint's own top-level header
 * fields are not segments: they are transport, addressed only by name
 * (see rules.h).
 *
 * Forwarded complaints: the messages embedded in a complaint are the
 * reported ones, unless one of them carries a message (message/rfc822,
 * the rfc822-headers family) or a message/feedback-report part of its
 * own.  Such a message is read as a complaint forwarded as an
 * attachment, and the messages inside it as the reported ones: its
 * header block becomes MIME_SEG_FWD_HEADERS (its Received chain is the
 * complaint's way to the forwarder, not the offender's), and each
 * segment says by "parent" which message it was found in, so that the
 * Received chain of a reported message is walked with the domain of
 * the complaint that carried it.  Report parts are read at the top
 * level only.
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
	MIME_SEG_EMB_TEXT,
	MIME_SEG_FWD_HEADERS
};

/* The caps of the reader, each counted apart (mime_dropped()). */
enum mime_cap {
	MIME_CAP_DEPTH = 0,	/* an entity nested past max_depth */
	MIME_CAP_SEGS,		/* a segment past max_segs */
	MIME_CAP_DECODED,	/* text past max_decoded */
	MIME_CAP_EXPANDED,	/* archive bytes past max_expanded */
	MIME_CAP_RATIO,		/* a member cut at max_ratio */
	MIME_CAP_MEMBERS,	/* members past MIME_MEMBERS_MAX */
	MIME_CAP_FIELDS,	/* fields past MIME_HDR_FIELDS_MAX, or cut
				   at MIME_FIELD_MAX bytes */
	MIME_CAP_CHARSET,	/* a part whose charset is unknown or whose
				   text is not valid in it */
	MIME_CAP_COUNT
};

/* Members read per archive, fields per header block, bytes per field. */
#define MIME_MEMBERS_MAX	64
#define MIME_HDR_FIELDS_MAX	2000
#define MIME_FIELD_MAX		(1024 * 1024 + 4096)

#define MIME_CTYPE_MAX	80
#define MIME_NAME_MAX	128

struct mime_seg {
	int	 region;		/* enum mime_region */
	char	 ctype[MIME_CTYPE_MAX];	/* lowercase type/subtype */
	char	 name[MIME_NAME_MAX];	/* file name, "" if none */
	int	 embedded;		/* message levels above (0: complaint) */
	int	 msgno;			/* which embedded message (0: none) */
	int	 parent;		/* the message msgno was found in
					   (0: the complaint itself) */
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

/*
 * How many times cap (enum mime_cap) dropped or cut content of the last
 * message: a part, a segment, a field, an archive member, the tail of a
 * decoded text.  0 for a cap out of range.
 */
size_t	 mime_dropped(const mime_t *m, int cap);
/* The sum of mime_dropped() over every cap: 0 when the message was read
 * whole. */
size_t	 mime_truncations(const mime_t *m);
/* The name of cap ("depth", "segments", "decoded", "expanded", "ratio",
 * "members", "fields", "charset"; static), NULL for a cap out of range. */
const char *mime_cap_name(int cap);

/*
 * Helpers shared with the rest of the reader.
 */

/* Decode base64 (lenient: skips what is not in the alphabet) from s into
 * a new malloc'd buffer of at most cap bytes; *outlen gets its length.
 * *cut (when cut is not NULL) is set to 1 when the text was longer than
 * cap and its tail was dropped, else to 0.  Returns NULL only when out
 * of memory. */
char	*mime_decode_b64(const char *s, size_t len, size_t cap,
	    size_t *outlen, int *cut);
/* Decode quoted-printable likewise (soft breaks, =XX; anything broken is
 * kept as it is). */
char	*mime_decode_qp(const char *s, size_t len, size_t cap,
	    size_t *outlen, int *cut);

/* What mime_to_utf8() did, in *how. */
#define MIME_UTF8_CONVERTED	0x01	/* converted from another charset */
#define MIME_UTF8_CUT		0x02	/* longer than cap: tail dropped */
#define MIME_UTF8_BAD		0x04	/* charset unknown, or a sequence not
					   valid in it (replaced by U+FFFD) */

/*
 * Turn a part's text (s, len) into UTF-8, in a new malloc'd buffer of
 * at most cap bytes (NUL-terminated; *outlen gets its length).  The
 * charset is found in this order: a byte order mark (UTF-8, UTF-16LE/BE,
 * UTF-32LE/BE; the mark is dropped), the NUL pattern of UTF-16 text
 * without a mark, then charset (the Content-Type parameter, NULL or ""
 * if none).  Text with no charset, or declared US-ASCII or UTF-8, is
 * copied as it is.  A charset iconv does not know leaves the text as it
 * is, and sets MIME_UTF8_BAD unless the text is plain 7-bit ASCII (it
 * then reads the same in any such charset).  *how gets MIME_UTF8_* flags.
 * Returns NULL only when out of memory.
 */
char	*mime_to_utf8(const char *charset, const char *s, size_t len,
	    size_t cap, size_t *outlen, int *how);

/*
 * Decode the RFC 2047 encoded words of a header field value (s, len)
 * into UTF-8, in a new malloc'd buffer of at most cap bytes (NUL-
 * terminated; *outlen gets its length, *cut (when not NULL) 1 when the
 * tail was dropped at cap).  B and Q words in any charset iconv knows
 * are decoded; the blanks between two adjacent encoded words are
 * dropped (RFC 2047 section 6.2); a word that is broken (bad syntax,
 * unknown charset or encoding) is left as it is.  Control characters
 * that decoding brings in (CR, LF, NUL...) become spaces, so a decoded
 * value is still one line.  Returns NULL only when out of memory.
 */
char	*mime_decode_2047(const char *s, size_t len, size_t cap,
	    size_t *outlen, int *cut);

/*
 * Split a header block (LF line ends, ends at the first empty line or at
 * len) into unfolded fields; calls fn(arg, name, namelen, value,
 * valuelen) for each, at most max fields.  The value has the line breaks
 * of folding removed and leading blanks trimmed.  *bodyoff gets the
 * offset of the body (after the empty line), or len.  fn returns 0 to go
 * on or -1 to stop.  A leading mbox "From " line is skipped.  Returns
 * the number of fields dropped by the caps: fields past max, and fields
 * whose value was cut at MIME_FIELD_MAX bytes (the fields after fn
 * stopped the walk are not counted); 0 when every field was given whole.
 */
typedef int (*mime_field_fn)(void *arg, const char *name, size_t nlen,
    const char *value, size_t vlen);
size_t	 mime_split_headers(const char *s, size_t len, size_t max,
	    mime_field_fn fn, void *arg, size_t *bodyoff);

#endif
