/*
 * test_kind.c - what kind of message the desk received (kind.h): each
 * class of bounce, automatic answer, reply and raw spam is kept apart
 * from complaints, in its common forms, and a complaint that carries or
 * quotes one of them is still a complaint.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "mime.h"
#include "tap.h"

#define MAXF	64

struct fields {
	struct mime_field f[MAXF];
	char	 store[MAXF][2][512];
	size_t	 n;
};

/* Keep one header field. */
static int
field_cb(void *arg, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct fields *fs = arg;

	if (fs->n == MAXF || nlen >= 512 || vlen >= 512)
		return 0;
	memcpy(fs->store[fs->n][0], name, nlen);
	fs->store[fs->n][0][nlen] = '\0';
	memcpy(fs->store[fs->n][1], value, vlen);
	fs->store[fs->n][1][vlen] = '\0';
	fs->f[fs->n].name = fs->store[fs->n][0];
	fs->f[fs->n].value = fs->store[fs->n][1];
	fs->n++;
	return 0;
}

/* The kind of raw message msg sent from mail_from. */
static struct kind_result
classify(const char *msg, const char *mail_from)
{
	static struct fields fs;
	struct kind_result r;
	mime_t	*m = mime_new(NULL);
	size_t	 off;

	memset(&fs, 0, sizeof(fs));
	(void)mime_split_headers(msg, strlen(msg), MAXF, field_cb, &fs, &off);
	(void)mime_parse(m, fs.f, fs.n, msg + off, strlen(msg) - off);
	kind_classify(fs.f, fs.n, m, mail_from, &r);
	mime_free(m);
	return r;
}

struct kcase {
	const char	*name;
	const char	*from;		/* envelope sender, NULL unknown */
	const char	*msg;
	int		 kind;
};

#define ARF_PARTS \
	"--b\nContent-Type: text/plain\n\nThis is an abuse report.\n" \
	"--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n" \
	"Source-IP: 192.0.2.10\n--b\nContent-Type: message/rfc822\n\n" \
	"Received: from a (a [192.0.2.10]) by mx.isp.example\nSubject: buy\n" \
	"\nbuy now\n--b--\n"

#define A_COMPLAINT \
	"From: fbl@isp.example\nSubject: abuse report\n" \
	"Content-Type: multipart/report; report-type=feedback-report; " \
	"boundary=b\n\n" ARF_PARTS

static const struct kcase cases[] = {
	/* bounces */
	{ "a Postfix DSN carrying a complaint is a bounce", "<>",
	  "From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)\n"
	  "Subject: Undelivered Mail Returned to Sender\n"
	  "Content-Type: multipart/report; report-type=delivery-status; "
	  "boundary=d\n\n--d\nContent-Type: text/plain\n\nThis is the mail "
	  "system at host mx.customer.example.\n--d\nContent-Type: "
	  "message/delivery-status\n\nReporting-MTA: dns; mx\n\nFinal-Recipient: "
	  "rfc822; abuse@customer.example\nAction: failed\nStatus: 5.1.1\n"
	  "--d\nContent-Type: message/rfc822\n\n" A_COMPLAINT "--d--\n",
	  KIND_BOUNCE },
	{ "a delivery-status part in multipart/mixed is a bounce", NULL,
	  "From: postmaster@mx.example\nSubject: report\nContent-Type: "
	  "multipart/mixed; boundary=d\n\n--d\nContent-Type: text/plain\n\n"
	  "see below, abuse\n--d\nContent-Type: message/delivery-status\n\n"
	  "Action: failed\n--d--\n", KIND_BOUNCE },
	{ "an Exim bounce in plain text is a bounce", NULL,
	  "From: Mail Delivery System <Mailer-Daemon@mx.example>\n"
	  "Subject: Mail delivery failed: returning message to sender\n\n"
	  "This message was created automatically by mail delivery software."
	  "\n\nA message that you sent could not be delivered to one or more "
	  "of its recipients. abuse report follows\n\nSource-IP: 192.0.2.1\n",
	  KIND_BOUNCE },
	{ "a qmail failure notice is a bounce", NULL,
	  "From: MAILER-DAEMON@mx.example\nSubject: failure notice\n\n"
	  "Hi. This is the qmail-send program at mx.example.\n", KIND_BOUNCE },
	{ "an Exchange NDR is a bounce", NULL,
	  "From: postmaster@corp.example\nSubject: Undeliverable: abuse "
	  "report 192.0.2.1\n\nDelivery has failed to these recipients or "
	  "groups:\nabuse@customer.example\n", KIND_BOUNCE },
	{ "a German Exchange NDR is a bounce", NULL,
	  "From: postmaster@corp.example\nSubject: Unzustellbar: abuse "
	  "report\n\nabuse 192.0.2.1\n", KIND_BOUNCE },
	{ "a Gmail DSN is a bounce", NULL,
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	  "Subject: Delivery Status Notification (Failure)\n\n"
	  "Delivery to the following recipient failed permanently:\n", KIND_BOUNCE },
	{ "a bounce text under a plain subject is a bounce", NULL,
	  "From: someone@mx.example\nSubject: abuse report\n\n"
	  "This is the mail system at host mx.example.\n\nI'm sorry to have "
	  "to inform you that your message could not be delivered\n",
	  KIND_BOUNCE },
	{ "a null envelope sender makes a bounce", "<>",
	  "From: someone@isp.example\nSubject: abuse report\n\n"
	  "spam from 192.0.2.1\n", KIND_BOUNCE },
	{ "an empty envelope sender makes a bounce", "",
	  "From: someone@isp.example\nSubject: abuse report\n\n"
	  "spam from 192.0.2.1\n", KIND_BOUNCE },
	{ "a null Return-Path makes a bounce", NULL,
	  "Return-Path: <>\nFrom: someone@isp.example\nSubject: abuse "
	  "report\n\nspam from 192.0.2.1\n", KIND_BOUNCE },
	{ "a MAILER-DAEMON From makes a bounce", NULL,
	  "From: MAILER-DAEMON <MAILER-DAEMON@mx.example>\nSubject: abuse\n\n"
	  "spam from 192.0.2.1\n", KIND_BOUNCE },
	{ "a challenge-response request is a bounce", NULL,
	  "From: verify@cr.example\nSubject: Please confirm your message\n\n"
	  "I am protecting myself from receiving junk mail. To have your "
	  "message delivered, please click the link below to confirm.\n",
	  KIND_BOUNCE },
	{ "a null sender does not outweigh a feedback report", "<>",
	  A_COMPLAINT, KIND_COMPLAINT },
	/* automatic answers */
	{ "Auto-Submitted: auto-replied is an auto-reply", NULL,
	  "From: noc@customer.example\nAuto-Submitted: auto-replied\n"
	  "Subject: abuse report\n\nspam 192.0.2.1\n", KIND_AUTOREPLY },
	{ "an Outlook automatic reply is an auto-reply", NULL,
	  "From: noc@customer.example\nSubject: Automatic reply: abuse "
	  "report\n\nI am out of the office.\n", KIND_AUTOREPLY },
	{ "an out-of-office subject is an auto-reply", NULL,
	  "From: noc@customer.example\nSubject: Out of Office: abuse\n\nx\n",
	  KIND_AUTOREPLY },
	{ "a German absence notice is an auto-reply", NULL,
	  "From: noc@customer.example\nSubject: Abwesenheitsnotiz: "
	  "Missbrauch\n\nabuse\n", KIND_AUTOREPLY },
	{ "X-Autoreply is an auto-reply", NULL,
	  "From: noc@customer.example\nX-Autoreply: yes\nSubject: abuse\n\n"
	  "abuse 192.0.2.1\n", KIND_AUTOREPLY },
	{ "a ticket acknowledgement is an auto-reply", NULL,
	  "From: support@customer.example\nSubject: We have received your "
	  "request [#4711]\n\nabuse report 192.0.2.1 quoted\n", KIND_AUTOREPLY },
	{ "a read receipt is an auto-reply", NULL,
	  "From: noc@customer.example\nSubject: Read: abuse\nContent-Type: "
	  "multipart/report; report-type=disposition-notification; "
	  "boundary=r\n\n--r\nContent-Type: text/plain\n\nread\n--r--\n",
	  KIND_AUTOREPLY },
	/* replies */
	{ "a customer's reply quoting the complaint is a reply", NULL,
	  "From: noc@customer.example\nSubject: Re: abuse report\n"
	  "In-Reply-To: <1@desk.example>\n\nWe fixed it.\n\n"
	  "> Source-IP: 192.0.2.10\n", KIND_REPLY },
	{ "an AW: reply with References is a reply", NULL,
	  "From: noc@customer.example\nSubject: AW: Missbrauch 192.0.2.1\n"
	  "References: <1@desk.example>\n\nErledigt.\n", KIND_REPLY },
	{ "an RE: reply with an Outlook quotation is a reply", NULL,
	  "From: noc@customer.example\nSubject: RE: spam from 192.0.2.1\n\n"
	  "done\n\n-----Original Message-----\nFrom: abuse@desk.example\n"
	  "Offending IP: 192.0.2.1\n", KIND_REPLY },
	{ "a Finnish VS: reply with References is a reply", NULL,
	  "From: noc@customer.example\nSubject: VS: abuse report\n"
	  "References: <1@desk.example>\n\nKorjattu.\n", KIND_REPLY },
	{ "a reply prefix alone does not make a reply", NULL,
	  "From: user@isp.example\nSubject: Re: spam from your network\n\n"
	  "Offending IP: 192.0.2.1 sends spam\n", KIND_COMPLAINT },
	/* raw spam */
	{ "bulk mail with List-Unsubscribe is raw spam", NULL,
	  "From: deals@shop.example\nList-Unsubscribe: <mailto:u@shop.example>"
	  "\nSubject: Big sale\n\nVisit http://192.0.2.9/sale now, report "
	  "abuse to nobody\n", KIND_RAW_SPAM },
	{ "a phishing lure naming an IP is raw spam", NULL,
	  "From: security@bank.example\nSubject: Unauthorized login attempt\n"
	  "\nWe detected an unauthorized login attempt from IP address "
	  "192.0.2.7. Click here to verify your account.\n", KIND_RAW_SPAM },
	{ "bulk wording and no complaint wording is raw spam", NULL,
	  "From: a@b.example\nSubject: cheap watches\n\nLimited time offer: "
	  "buy at http://192.0.2.9/ today\n", KIND_RAW_SPAM },
	{ "a person's plain words with no abuse vocabulary are a complaint",
	  NULL, "From: someone@reporter.example\nSubject: Your network\n\n"
	  "Somebody on your network keeps sending us mail we never asked "
	  "for.\n", KIND_COMPLAINT },
	/* complaints */
	{ "a person's plain-text complaint is a complaint", NULL,
	  "From: user@isp.example\nSubject: spam from your network\n\n"
	  "Your customer at 192.0.2.1 keeps sending me spam.\n", KIND_COMPLAINT },
	{ "an SSH log complaint is a complaint", NULL,
	  "From: admin@victim.example\nSubject: brute force attack\n\n"
	  "sshd[1]: Failed password for root from 192.0.2.1 port 4711\n",
	  KIND_COMPLAINT },
	{ "an ARF report is a complaint", NULL, A_COMPLAINT, KIND_COMPLAINT },
	{ "a complaint carrying a bounce (backscatter) stays at the desk", NULL,
	  "From: user@isp.example\nSubject: backscatter abuse from your "
	  "server\nContent-Type: multipart/mixed; boundary=o\n\n--o\n"
	  "Content-Type: text/plain\n\nyour server sends me this\n--o\n"
	  "Content-Type: message/rfc822\n\nFrom: MAILER-DAEMON@mx.example\n"
	  "Subject: Undelivered Mail Returned to Sender\nReceived: from a "
	  "(a [192.0.2.1]) by mx.isp.example\n\nThis is the mail system at "
	  "host mx.example.\n--o--\n", KIND_BOUNCE },
	{ "a complaint carrying a bulk spam is a complaint", NULL,
	  "From: user@isp.example\nSubject: Fwd: Big sale\nContent-Type: "
	  "multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\n"
	  "please stop this\n--o\nContent-Type: message/rfc822\n\n"
	  "From: deals@shop.example\nList-Unsubscribe: <mailto:u@x>\n"
	  "Received: from a (a [192.0.2.1]) by mx.isp.example\n\nsale, click "
	  "here, unsubscribe\n--o--\n", KIND_COMPLAINT },
	{ "a bounce forwarded inline is a bounce", NULL,
	  "From: user@isp.example\nSubject: Fwd: Undelivered Mail Returned to "
	  "Sender\n\nplease look at this abuse\n\n---------- Forwarded message "
	  "---------\nFrom: MAILER-DAEMON@mx.example\n\nThis is the mail system "
	  "at host mx.example.\n", KIND_BOUNCE },
	{ "a bounce's text forwarded inline under another subject is a bounce",
	  NULL, "From: user@isp.example\nSubject: look at this abuse\n\nsee "
	  "below\n\nBegin forwarded message:\n\nHi. This is the qmail-send "
	  "program at mx.example.\n", KIND_BOUNCE },
	{ "an automatic answer forwarded as an attachment is an auto-reply",
	  NULL, "From: user@isp.example\nSubject: abuse report\nContent-Type: "
	  "multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\n"
	  "spam\n--o\nContent-Type: message/rfc822\n\nFrom: noc@c.example\n"
	  "Auto-Submitted: auto-replied\nSubject: Re: spam\n\naway\n--o--\n",
	  KIND_AUTOREPLY },
	{ "a feedback report with Precedence: bulk is a complaint", NULL,
	  "From: fbl@isp.example\nPrecedence: bulk\nSubject: report\n"
	  "Content-Type: multipart/report; report-type=feedback-report; "
	  "boundary=b\n\n" ARF_PARTS, KIND_COMPLAINT },
};

int
main(void)
{
	struct kind_result r;
	size_t	 i;

	tap_plan(0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = classify(cases[i].msg, cases[i].from);
		ok(r.kind == cases[i].kind, "%s", cases[i].name);
		if (r.kind != cases[i].kind)
			diag("got %s (%s)", kind_name(r.kind), r.why);
		else if (r.kind != KIND_COMPLAINT && r.why[0] == '\0')
			ok(0, "%s: a signal is named", cases[i].name);
	}
	is_str(kind_name(KIND_BOUNCE), "bounce", "the name of a bounce");
	ok(kind_name(KIND_COUNT) == NULL && kind_name(-1) == NULL,
	    "no name out of range");
	return tap_done();
}
