/*
 * kind.h - what kind of message the desk received, before any evidence
 * is read.
 *
 * Only a complaint is read for evidence.  A message of another kind is
 * kept at the desk whatever addresses it names, each kind with its own
 * keep reason:
 *
 *	bounce		a delivery status notification or non-delivery
 *			report (multipart/report; report-type=delivery-status,
 *			a message/delivery-status part, a null reverse-path,
 *			a MAILER-DAEMON sender, the texts of the common MTAs),
 *			or a challenge-response "please confirm" message.
 *			A bounce that carries the returned message must not
 *			be routed on that message's Received chain: the worst
 *			case is the bounce of the desk's own forward, which
 *			would go straight back to the mailbox that bounced it.
 *	auto-reply	an automatic answer (RFC 3834 Auto-Submitted:
 *			auto-replied, vacation and ticket acknowledgements,
 *			read receipts).
 *	reply		a person answering a thread ("Re:" and the thread
 *			headers or a quotation): a customer answering the
 *			desk, a reporter following up.
 *	raw-spam	the spam itself, sent or redirected to the desk,
 *			with no report, attachment or quoted message around
 *			it: its transport headers are no evidence, and the
 *			addresses and web sites in its text are the spammer's
 *			words.
 *
 * The classification reads only the complaint's own header fields, the
 * structure the MIME reader found and the text of its top-level parts
 * (never the text of a message it carries: a complaint about a bounce or
 * about a spam is still a complaint).  Every signal can only keep a
 * message, never route one, so a sender who fakes a signal only keeps
 * its own message at the desk.
 */
#ifndef ABUSE_KIND_H
#define ABUSE_KIND_H

#include <stddef.h>

#include "mime.h"

enum msg_kind {
	KIND_COMPLAINT = 0,
	KIND_BOUNCE,
	KIND_AUTOREPLY,
	KIND_REPLY,
	KIND_RAW_SPAM,
	KIND_COUNT
};

struct kind_result {
	int		 kind;		/* enum msg_kind */
	const char	*why;		/* the signal that decided (static),
					   "" for a complaint */
};

/*
 * Classify a message: hdr (nhdr) are its top-level header fields, m its
 * read MIME structure, mail_from its envelope sender as received (NULL
 * when unknown; "" or "<>" is the null reverse-path).  Never fails.
 */
void	 kind_classify(const struct mime_field *hdr, size_t nhdr,
	    const mime_t *m, const char *mail_from, struct kind_result *out);

/* The name of a kind ("complaint", "bounce", "auto-reply", "reply",
 * "raw-spam"; static), NULL out of range.  It is also the keep reason of
 * every kind but complaint. */
const char *kind_name(int kind);

#endif
