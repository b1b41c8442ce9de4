/*
 * kind.c - what kind of message the desk received; see kind.h.
 *
 * Each kind is a list of signals, tried in order: the structure the MIME
 * reader found, the envelope sender, the header fields, the subject's
 * first words, phrases of the text of the top-level parts.  The phrases
 * are the fixed texts that MTAs, autoresponders and challenge-response
 * systems write; they are compared without regard to case, in at most
 * KIND_TEXT_MAX bytes of each part.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "kind.h"

#define KIND_TEXT_MAX	(16 * 1024)	/* bytes of a part searched */

/* The first words of the Subject of a non-delivery report. */
static const char *const bounce_subjects[] = {
	"undelivered mail returned to sender",	/* Postfix */
	"undeliverable:",			/* Exchange, Outlook */
	"undeliverable mail",
	"undeliverable message",
	"undelivered mail",
	"returned mail:",			/* Sendmail */
	"mail delivery failed",			/* Exim */
	"failure notice",			/* qmail, Yahoo */
	"delivery status notification",		/* Gmail, Exchange, SES */
	"delivery notification: delivery has failed",	/* Messaging Server */
	"delivery failure",			/* Domino, X2 */
	"delivery report",			/* PowerMTA */
	"delivery status",
	"mail delivery status",
	"notice: mail delivery status",		/* Courier */
	"non-delivery",
	"nondeliverable",
	"mail system error - returned mail",
	"message delivery failure",
	"delivery has failed",
	"postmaster notify:",
	"warning: could not send message",
	"delayed mail",
	"message you sent blocked",		/* Barracuda */
	"**message you sent blocked",
	"mail could not be delivered",
	"returned mail",
	"unzustellbar:",			/* Exchange, German */
	"non remis :",				/* Exchange, French */
	"no se puede entregar:",		/* Exchange, Spanish */
	"onbestelbaar:",			/* Exchange, Dutch */
};

/* Texts MTAs write in the human-readable part of a bounce. */
static const char *const bounce_texts[] = {
	"this is the mail system at host",	/* Postfix */
	"i'm sorry to have to inform you that your message could not",
	"the original message was received at",	/* Sendmail */
	"----- transcript of session follows -----",
	"this message was created automatically by mail delivery software",
	"a message that you sent could not be delivered to one or more",
	"hi. this is the qmail-send program",	/* qmail */
	"i'm afraid i wasn't able to deliver your message",
	"delivery has failed to these recipients or groups",	/* Exchange */
	"your message wasn't delivered",
	"your message couldn't be delivered",
	"your message did not reach some or all of the intended recipients",
	"delivery to the following recipient failed permanently",	/* Gmail */
	"delivery to the following recipients failed",
	"message not delivered",
	"an error occurred while trying to deliver the mail to the following",
	"the following message to <",
	"could not be delivered to one or more recipients",
	"your message could not be delivered",
	"this is an automatically generated delivery status notification",
	"delivery to the following recipients has been delayed",
	"sorry, we were unable to deliver your message",
	"unable to deliver your message to the following",
	"permanent fatal errors",
	"the following addresses had permanent fatal errors",
	"message could not be delivered",
	"undeliverable message returned",
};

/* Challenge-response systems asking the sender to prove itself. */
static const char *const challenge_texts[] = {
	"please confirm your message",
	"please confirm your e-mail",
	"please confirm your email",
	"confirm that you are a human",
	"confirm you are a human",
	"verify that you are a real person",
	"verify that you are a human",
	"i am protecting myself from receiving junk mail",
	"i'm protecting myself from receiving junk mail",
	"your message is awaiting verification",
	"is awaiting your verification",
	"sender verification required",
	"this is an automated challenge",
	"challenge-response",
	"to have your message delivered, please",
	"please click the link below to confirm",
};

/* The first words of the Subject of an automatic answer. */
static const char *const autoreply_subjects[] = {
	"out of office", "out of the office", "automatic reply",
	"auto-reply", "autoreply", "auto reply", "auto:", "[auto-reply]",
	"automatische antwort", "abwesenheitsnotiz", "abwesend",
	"réponse automatique", "reponse automatique", "absence",
	"respuesta automática", "respuesta automatica", "fuera de la oficina",
	"automatisch antwoord", "afwezig", "risposta automatica",
	"autosvar", "vacation", "away from", "i am out of", "i'm out of",
	"read:", "read receipt", "return receipt", "gelesen:", "lu :",
	"we have received your", "we've received your", "thank you for contacting",
	"thank you for your e-mail", "thank you for your email",
	"thank you for your message", "request received", "ticket received",
	"your request has been received", "your ticket has been",
};

/* Texts of ticket systems and vacation programs. */
static const char *const autoreply_texts[] = {
	"this is an automatic reply",
	"this is an automated reply",
	"this is an automated response",
	"this is an automatic response",
	"this is an auto-reply",
	"this message was automatically generated in response",
	"i am currently out of the office",
	"i am out of the office",
	"i'm out of the office",
	"your request has been received",
	"a ticket has been created",
	"your ticket number is",
	"do not reply to this automated",
};

/* Reply prefixes of the Subject, in the languages of mail clients. */
static const char *const reply_prefixes[] = {
	"re:", "re :", "aw:", "sv:", "vs:", "antw:", "antwort:", "r:",
	"rif:", "odp:", "ynt:", "res:", "réf.:", "ref:", "re[", "re(",
	"回复:", "回复：", "答复:", "答复：", "wg:",
};

/* Lines that say a message quotes another: a reply's attribution. */
static const char *const quote_texts[] = {
	"-----original message-----",
	"----- original message -----",
	"wrote:\n",
	"schrieb:\n",
	"a écrit :\n",
	"escribió:\n",
	"heeft geschreven:\n",
	"from: ",	/* Outlook's quoted header block, with "sent:" */
};

/* What a complaint says of itself, in the languages of abuse mail (and
 * not a phishing lure: "unauthorized login" is a lure's word too). */
static const char *const complaint_words[] = {
	"abuse", "spam", "complaint", "unsolicited", "infring", "copyright",
	"dmca", "malware", "botnet", "ddos", "denial of service", "brute",
	"intrusion", "honeypot", "honey pot", "spamtrap", "blocklist",
	"blacklist", "fail2ban", "phishing site", "phishing attack",
	"misbruik", "klacht", "missbrauch", "beschwerde", "plainte", "abus",
	"queja", "denuncia", "abuso", "vulnerab", "open resolver",
	"open proxy", "open relay", "amplification", "drone", "c&c",
	"command and control", "misconfigur", "sinkhole", "csirt", "cert-",
	"infringement", "notice of claimed", "junk", "stop them",
	"stop this", "please stop",
};

/* Words of bulk mail and of phishing lures. */
static const char *const spam_texts[] = {
	"unsubscribe", "click here", "opt out", "opt-out",
	"verify your account", "confirm your account", "update your account",
	"verify your identity", "update your payment", "view in browser",
	"view this email in your browser", "limited time offer",
	"you have won", "you've won", "congratulations", "claim your",
	"dear customer", "dear user", "dear valued",
};

/* Case-insensitive search for needle in s (len bytes). */
static int
has_ci(const char *s, size_t len, const char *needle)
{
	size_t	 n = strlen(needle), i;

	if (n == 0 || n > len)
		return 0;
	for (i = 0; i + n <= len; i++)
		if (tolower((unsigned char)s[i]) ==
		    tolower((unsigned char)needle[0]) &&
		    strncasecmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

/* The phrase lists searched in text, each a bit of what scan() finds. */
enum {
	T_BOUNCE = 1, T_CHALLENGE = 2, T_AUTOREPLY = 4, T_QUOTE = 8,
	T_COMPLAINT = 16, T_SPAM = 32
};

#define LIST(l, bit)	{ l, sizeof(l) / sizeof(l[0]), bit }

static const struct {
	const char *const *list;
	size_t		 n;
	unsigned	 bit;
} text_lists[] = {
	LIST(bounce_texts, T_BOUNCE), LIST(challenge_texts, T_CHALLENGE),
	LIST(autoreply_texts, T_AUTOREPLY), LIST(quote_texts, T_QUOTE),
	LIST(complaint_words, T_COMPLAINT), LIST(spam_texts, T_SPAM),
};

#define PHRASES_MAX	256

/* Every phrase, ordered by its first byte: those beginning with byte c
 * are phrase[first[c]] to phrase[first[c + 1] - 1]. */
static struct phrase {
	const char	*p;
	size_t		 len;
	unsigned	 bit;
} phrase[PHRASES_MAX];
static size_t first[257];
static pthread_once_t phrase_once = PTHREAD_ONCE_INIT;

/* Build the phrase index (once, for every thread). */
static void
phrase_index(void)
{
	size_t	 count[256] = { 0 }, at[256], i, k, n = 0;
	int	 c;

	for (i = 0; i < sizeof(text_lists) / sizeof(text_lists[0]); i++)
		for (k = 0; k < text_lists[i].n; k++)
			count[(unsigned char)text_lists[i].list[k][0]]++;
	for (c = 0; c < 256; c++) {
		first[c] = n;
		at[c] = n;
		n += count[c];
	}
	first[256] = n;
	for (i = 0; i < sizeof(text_lists) / sizeof(text_lists[0]); i++)
		for (k = 0; k < text_lists[i].n; k++) {
			c = (unsigned char)text_lists[i].list[k][0];
			if (at[c] >= PHRASES_MAX)
				continue;
			phrase[at[c]].p = text_lists[i].list[k];
			phrase[at[c]].len = strlen(text_lists[i].list[k]);
			phrase[at[c]++].bit = text_lists[i].bit;
		}
}

/*
 * The lists (T_* bits) one of whose phrases lowercased text lc (len
 * bytes) holds, in one pass over it; it stops once every bit of want is
 * found.
 */
static unsigned
scan(const char *lc, size_t len, unsigned want)
{
	const struct phrase *ph;
	size_t	 i, k;
	unsigned found = 0;

	(void)pthread_once(&phrase_once, phrase_index);
	for (i = 0; i < len && (found & want) != want; i++)
		for (k = first[(unsigned char)lc[i]];
		    k < first[(unsigned char)lc[i] + 1]; k++) {
			ph = &phrase[k];
			if (!(found & ph->bit) && ph->len <= len - i &&
			    memcmp(lc + i, ph->p, ph->len) == 0)
				found |= ph->bit;
		}
	return found;
}

/* Lowercase at most KIND_TEXT_MAX bytes of s into lc; returns the length. */
static size_t
lower(const char *s, size_t len, char *lc)
{
	size_t	 i;

	if (len > KIND_TEXT_MAX)
		len = KIND_TEXT_MAX;
	for (i = 0; i < len; i++)
		lc[i] = (char)tolower((unsigned char)s[i]);
	return len;
}

/* The prefixes mail clients put before a forwarded message's Subject
 * ("VS:" is a Finnish reply, not a forward). */
static const char *const forward_prefixes[] = {
	"fwd:", "fw:", "wg:", "tr:", "rv:", "enc:", "i:", "vb:", "[fwd:",
	"fwd :", "fw :",
};

#define SUBJECT_KEY_MAX	256

/*
 * The key of a Subject that its first words are compared on, into key
 * (SUBJECT_KEY_MAX bytes): its start lowercased, without the blanks and
 * forward prefixes before it.  NULL gives "".
 */
static void
subject_key(const char *subject, char *key)
{
	char	 lc[SUBJECT_KEY_MAX];
	size_t	 i, k, n, off = 0;

	key[0] = '\0';
	if (subject == NULL)
		return;
	for (n = 0; subject[n] != '\0' && n + 1 < sizeof(lc); n++)
		lc[n] = (char)tolower((unsigned char)subject[n]);
	lc[n] = '\0';
	for (k = 0; k < 8; k++) {
		while (lc[off] == ' ' || lc[off] == '\t')
			off++;
		for (i = 0; i < sizeof(forward_prefixes) /
		    sizeof(forward_prefixes[0]); i++)
			if (strncmp(lc + off, forward_prefixes[i],
			    strlen(forward_prefixes[i])) == 0)
				break;
		if (i == sizeof(forward_prefixes) / sizeof(forward_prefixes[0]))
			break;
		off += strlen(forward_prefixes[i]);
	}
	memcpy(key, lc + off, n - off + 1);
}

/* Does subject key (see subject_key) begin with one of the n phrases of
 * list (all lowercase)? */
static int
starts_any(const char *key, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (key[0] == list[i][0] &&
		    strncmp(key, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

#define STARTS_ANY(s, list)	starts_any(s, list, \
	sizeof(list) / sizeof(list[0]))

/* First value of header field name, NULL if absent. */
static const char *
field(const struct mime_field *hdr, size_t nhdr, const char *name)
{
	size_t	 i;

	for (i = 0; i < nhdr; i++)
		if (strcasecmp(hdr[i].name, name) == 0)
			return hdr[i].value;
	return NULL;
}

/* Is path the null reverse-path ("", "<>", blanks around)? */
static int
null_path(const char *path)
{
	if (path == NULL)
		return 0;
	while (*path == ' ' || *path == '\t')
		path++;
	if (*path == '<') {
		path++;
		while (*path == ' ' || *path == '\t')
			path++;
		if (*path != '>')
			return 0;
		path++;
	}
	while (*path == ' ' || *path == '\t')
		path++;
	return *path == '\0';
}

/* Is the From: value a mail system's own address (MAILER-DAEMON, or the
 * display names MTAs give it)? */
static int
daemon_from(const char *from)
{
	if (from == NULL)
		return 0;
	return has_ci(from, strlen(from), "mailer-daemon") ||
	    has_ci(from, strlen(from), "mail delivery subsystem") ||
	    has_ci(from, strlen(from), "mail delivery system") ||
	    has_ci(from, strlen(from), "<>");
}

/* The facts about the structure and the text of a message. */
struct facts {
	int	 dsn_part;	/* a delivery-status part at the top */
	int	 report;	/* a feedback report at the top */
	int	 carrying;	/* it carries a message or its headers */
	int	 attached;	/* it has an attachment */
	int	 quoted;	/* its text has "> " lines */
	int	 bounce_text, challenge_text, autoreply_text, quote_text;
	int	 complaint_word, spam_text;
	const char *carried;	/* a carried message is no complaint:
				   the signal, or NULL */
	int	 carried_kind;
	char	 subject[SUBJECT_KEY_MAX];	/* the Subject's key */
};

/* The value of field name in a header block (one field a line) into out
 * (size bytes; "" if absent). */
static void
block_field(const char *s, size_t len, const char *name, char *out,
    size_t size)
{
	const char	*p, *e, *end = s + len;
	size_t		 n = strlen(name), vl;

	out[0] = '\0';
	for (p = s; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if ((size_t)(e - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			vl = (size_t)(e - p) < size - 1 ? (size_t)(e - p) :
			    size - 1;
			memcpy(out, p, vl);
			out[vl] = '\0';
			return;
		}
	}
}

/*
 * Is a message the complaint carries (attached, or forwarded inline)
 * a bounce or an automatic answer, by its own header block or text?
 */
static void
carried_kind(const struct mime_seg *s, struct facts *f, char *lc)
{
	char	 from[256], subj[512], ct[256], as[128], key[SUBJECT_KEY_MAX];
	size_t	 len;
	unsigned found;

	if (f->carried_kind != KIND_COMPLAINT)
		return;
	if (s->region == MIME_SEG_EMB_TEXT) {
		len = lower(s->data, s->len, lc);
		found = scan(lc, len, T_BOUNCE | T_AUTOREPLY);
		if (found & T_BOUNCE) {
			f->carried_kind = KIND_BOUNCE;
			f->carried = "carried non-delivery text";
		} else if (found & T_AUTOREPLY) {
			f->carried_kind = KIND_AUTOREPLY;
			f->carried = "carried automatic-answer text";
		}
		return;
	}
	block_field(s->data, s->len, "From", from, sizeof(from));
	block_field(s->data, s->len, "Subject", subj, sizeof(subj));
	block_field(s->data, s->len, "Content-Type", ct, sizeof(ct));
	block_field(s->data, s->len, "Auto-Submitted", as, sizeof(as));
	subject_key(subj, key);
	if ((has_ci(ct, strlen(ct), "multipart/report") &&
	    has_ci(ct, strlen(ct), "delivery-status")) ||
	    STARTS_ANY(key, bounce_subjects) || daemon_from(from)) {
		f->carried_kind = KIND_BOUNCE;
		f->carried = "carried bounce";
	} else if (has_ci(as, strlen(as), "auto-replied") ||
	    STARTS_ANY(key, autoreply_subjects)) {
		f->carried_kind = KIND_AUTOREPLY;
		f->carried = "carried automatic answer";
	}
}

/* Read the structure and the top-level text of m into f. */
static void
gather(const mime_t *m, const char *subject, struct facts *f)
{
	const struct mime_seg *s;
	char	 lc[KIND_TEXT_MAX];
	size_t	 i, len;
	unsigned found;

	memset(f, 0, sizeof(*f));
	subject_key(subject, f->subject);
	if (subject != NULL) {
		found = scan(lc, lower(subject, strlen(subject), lc),
		    T_COMPLAINT | T_SPAM);
		f->complaint_word = (found & T_COMPLAINT) != 0;
		f->spam_text = (found & T_SPAM) != 0;
	}
	for (i = 0; i < mime_count(m); i++) {
		s = mime_seg(m, i);
		if (s->embedded > 0 || s->region == MIME_SEG_EMB_HEADERS ||
		    s->region == MIME_SEG_FWD_HEADERS) {
			f->carrying = 1;
			if (s->embedded <= 1)
				carried_kind(s, f, lc);
			continue;
		}
		if (strcmp(s->ctype, "message/delivery-status") == 0 ||
		    strcmp(s->ctype, "message/global-delivery-status") == 0) {
			f->dsn_part = 1;
			continue;
		}
		if (s->region == MIME_SEG_REPORT) {
			f->report = 1;
			continue;
		}
		if (s->region == MIME_SEG_ATTACH)
			f->attached = 1;
		if (s->region != MIME_SEG_TEXT)
			continue;
		len = lower(s->data, s->len, lc);
		found = scan(lc, len, T_BOUNCE | T_CHALLENGE | T_AUTOREPLY |
		    T_QUOTE | T_COMPLAINT | T_SPAM);
		f->bounce_text |= (found & T_BOUNCE) != 0;
		f->challenge_text |= (found & T_CHALLENGE) != 0;
		f->autoreply_text |= (found & T_AUTOREPLY) != 0;
		f->quote_text |= (found & T_QUOTE) != 0;
		f->complaint_word |= (found & T_COMPLAINT) != 0;
		f->spam_text |= (found & T_SPAM) != 0;
		f->quoted |= (len > 2 && lc[0] == '>') ||
		    memmem(lc, len, "\n>", 2) != NULL;
	}
}

/* Is it a bounce?  Returns the signal, or NULL. */
static const char *
is_bounce(const struct mime_field *hdr, size_t nhdr, const char *mail_from,
    const struct facts *f)
{
	const char	*ct = field(hdr, nhdr, "Content-Type");

	if (ct != NULL && has_ci(ct, strlen(ct), "multipart/report") &&
	    has_ci(ct, strlen(ct), "delivery-status"))
		return "multipart/report delivery-status";
	if (f->dsn_part)
		return "delivery-status part";
	if (STARTS_ANY(f->subject, bounce_subjects))
		return "non-delivery subject";
	if (f->bounce_text)
		return "non-delivery text";
	if (f->challenge_text || field(hdr, nhdr, "X-Boxbe-Challenge") ||
	    field(hdr, nhdr, "X-Spam-Arrest-Challenge"))
		return "challenge-response";
	/*
	 * A feedback report names its offender on purpose: the sender
	 * signals alone do not outweigh it (a report may come from a
	 * null reverse-path to avoid loops).
	 */
	if (f->report)
		return NULL;
	/*
	 * A bounce forwarded to the desk, attached or inline, carries the
	 * returned message: the same loop, one step removed.  (A complaint
	 * about backscatter stays at the desk with it.)
	 */
	if (f->carried_kind == KIND_BOUNCE)
		return f->carried;
	if (null_path(mail_from))
		return "null reverse-path";
	if (null_path(field(hdr, nhdr, "Return-Path")))
		return "null Return-Path";
	if (daemon_from(field(hdr, nhdr, "From")))
		return "MAILER-DAEMON sender";
	return NULL;
}

/* Is it an automatic answer?  Returns the signal, or NULL. */
static const char *
is_autoreply(const struct mime_field *hdr, size_t nhdr, const struct facts *f)
{
	const char	*v;

	if ((v = field(hdr, nhdr, "Auto-Submitted")) != NULL &&
	    has_ci(v, strlen(v), "auto-replied"))
		return "Auto-Submitted: auto-replied";
	if (field(hdr, nhdr, "X-Autoreply") != NULL ||
	    field(hdr, nhdr, "X-Autorespond") != NULL ||
	    field(hdr, nhdr, "X-Autoresponder") != NULL ||
	    field(hdr, nhdr, "X-Vacation") != NULL)
		return "autoresponder header";
	if ((v = field(hdr, nhdr, "Precedence")) != NULL &&
	    has_ci(v, strlen(v), "auto_reply"))
		return "Precedence: auto_reply";
	if ((v = field(hdr, nhdr, "Content-Type")) != NULL &&
	    has_ci(v, strlen(v), "disposition-notification"))
		return "read receipt";
	if (f->report)
		return NULL;
	if (f->carried_kind == KIND_AUTOREPLY)
		return f->carried;
	if (STARTS_ANY(f->subject, autoreply_subjects))
		return "automatic-answer subject";
	if (f->autoreply_text)
		return "automatic-answer text";
	return NULL;
}

/* Is it a person's reply to a thread?  Returns the signal, or NULL. */
static const char *
is_reply(const struct mime_field *hdr, size_t nhdr, const struct facts *f)
{
	int		 thread;

	if (!STARTS_ANY(f->subject, reply_prefixes))
		return NULL;
	thread = field(hdr, nhdr, "In-Reply-To") != NULL ||
	    field(hdr, nhdr, "References") != NULL;
	if (thread)
		return "reply to a thread";
	if (f->quoted || f->quote_text || f->carrying)
		return "reply quoting a message";
	return NULL;
}

/* Is it the spam itself?  Returns the signal, or NULL. */
static const char *
is_raw_spam(const struct mime_field *hdr, size_t nhdr, const struct facts *f)
{
	const char	*v;

	/* a report, an attachment or a carried message make a complaint */
	if (f->report || f->carrying || f->attached)
		return NULL;
	if (field(hdr, nhdr, "List-Unsubscribe") != NULL ||
	    field(hdr, nhdr, "List-Id") != NULL)
		return "mailing-list headers";
	if ((v = field(hdr, nhdr, "Precedence")) != NULL &&
	    (has_ci(v, strlen(v), "bulk") || has_ci(v, strlen(v), "list")))
		return "Precedence: bulk";
	/*
	 * A person's complaint may be a line of plain words; only the
	 * wording of bulk mail and lures, with none of a complaint's,
	 * makes raw spam.
	 */
	if (f->complaint_word || !f->spam_text)
		return NULL;
	return "bulk-mail wording and no report";
}

/* Classify a message; see kind.h. */
void
kind_classify(const struct mime_field *hdr, size_t nhdr, const mime_t *m,
    const char *mail_from, struct kind_result *out)
{
	struct facts	 f;
	const char	*why;

	gather(m, field(hdr, nhdr, "Subject"), &f);
	out->kind = KIND_COMPLAINT;
	out->why = "";
	if ((why = is_bounce(hdr, nhdr, mail_from, &f)) != NULL)
		out->kind = KIND_BOUNCE;
	else if ((why = is_autoreply(hdr, nhdr, &f)) != NULL)
		out->kind = KIND_AUTOREPLY;
	else if ((why = is_reply(hdr, nhdr, &f)) != NULL)
		out->kind = KIND_REPLY;
	else if ((why = is_raw_spam(hdr, nhdr, &f)) != NULL)
		out->kind = KIND_RAW_SPAM;
	if (why != NULL)
		out->why = why;
}

/* Name of a kind; see kind.h. */
const char *
kind_name(int kind)
{
	static const char *const names[KIND_COUNT] = {
		"complaint", "bounce", "auto-reply", "reply", "raw-spam"
	};

	return kind >= 0 && kind < KIND_COUNT ? names[kind] : NULL;
}
