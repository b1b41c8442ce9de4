/*
 * callbacks.c - the libmilter callbacks: thin glue from the SMTP
 * transaction to lib/.
 *
 * Per connection: the negotiated flags, the client address and HELO
 * name.  Per message: the snapshot in service when the message began,
 * the envelope sender, every RCPT TO that is an abuse desk mailbox
 * (exactly as received, for smfi_delrcpt), and the complaint.  Nothing
 * is collected for a message that has no abuse desk recipient.
 *
 * Only the end of message needs a reply; every other step is negotiated
 * as "no reply" (SMFIP_NR_*) or not sent at all, so a message costs one
 * round trip.  Over TCP every step sent gets its reply (milter.h says
 * why), and a message for no abuse desk recipient is accepted at DATA,
 * so that it costs no more steps.  Without SPF the connect, HELO and
 * MAIL steps are not sent:
 * a message then begins at its first RCPT TO, and the envelope sender is
 * the {mail_addr} macro, which the MTA sends with the MAIL macros even
 * when it skips the step.  No callback ever rejects, tempfails or
 * discards: on any internal error the message goes on unchanged to its
 * recipients and a line is logged.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "addr.h"
#include "buf.h"
#include "complaint.h"
#include "ipaddr.h"
#include "kind.h"
#include "log.h"
#include "milter.h"
#include "policy.h"
#include "snapshot.h"
#include "stats.h"
#include "str.h"
#include "timeparse.h"

#define MAX_ABUSE_RCPTS	64	/* abuse desk recipients remembered */
#define HELO_MAX	256
#define PATH_MAX_LEN	1024	/* longest envelope address kept */

/* The actions and protocol steps asked of the MTA. */
#define WANT_ACTIONS	(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | \
			 SMFIF_DELRCPT | SMFIF_CHGFROM)
#define NR_STEPS	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | \
			 SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_BODY | \
			 SMFIP_NR_EOH | SMFIP_NR_DATA | SMFIP_NR_UNKN)
#define WANT_STEPS	(NR_STEPS | SMFIP_NOEOH | SMFIP_NODATA | \
			 SMFIP_NOUNKNOWN)

struct msgctx {
	snapshot_t	*snap;		/* NULL: no message */
	char		*mail_from;	/* as received */
	char		*abuse[MAX_ABUSE_RCPTS];	/* as received */
	size_t		 nabuse;
	complaint_t	*c;
	char		*returned;	/* came for the return path: its
					   customer tag ("" untagged) */
	int		 forged;	/* X-Abuse-Route headers that came */
	int		 failed;	/* an internal error: change nothing */
	int64_t		 arrival;
};

struct connctx {
	unsigned long	 actions;	/* negotiated SMFIF_* */
	unsigned long	 steps;		/* negotiated SMFIP_* */
	char		 client[IPADDR_STRLEN];	/* "" if unknown */
	char		*helo;
	struct msgctx	 msg;
};

struct milter_state milter_state;

/* libmilter takes these as char *. */
static char	 hdr_name[] = MILTER_HEADER;
static char	 sym_client[] = "{client_addr}";
static char	 sym_qid[] = "i";
static char	 sym_mail[] = "{mail_addr}";
static char	 milter_name[] = "abuse-milter";

/* The connection context, made on first use; NULL when out of memory. */
static struct connctx *
conn_get(SMFICTX *ctx)
{
	struct connctx	*cc;

	if ((cc = smfi_getpriv(ctx)) != NULL)
		return cc;
	if ((cc = calloc(1, sizeof(*cc))) == NULL) {
		log_warnx("out of memory: connection passes unchanged");
		return NULL;
	}
	cc->actions = WANT_ACTIONS;
	if (smfi_setpriv(ctx, cc) != MI_SUCCESS) {
		free(cc);
		return NULL;
	}
	return cc;
}

/* The reply for a step whose no-reply flag is nr. */
static sfsistat
reply(const struct connctx *cc, unsigned long nr)
{
	return cc != NULL && (cc->steps & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* Forget the message in progress. */
static void
msg_reset(struct msgctx *m)
{
	size_t	 i;

	snapshot_release(m->snap);
	free(m->mail_from);
	free(m->returned);
	for (i = 0; i < m->nabuse; i++)
		free(m->abuse[i]);
	complaint_free(m->c);
	memset(m, 0, sizeof(*m));
}

/* Keep a normalised copy of the client address. */
static void
set_client(struct connctx *cc, const char *text)
{
	struct ipaddr	 ip;

	cc->client[0] = '\0';
	if (text == NULL)
		return;
	if (*text == '[')
		text++;
	if (ipaddr_parse(text, strcspn(text, "]"), 0, &ip) == 0)
		(void)ipaddr_format(&ip, cc->client, sizeof(cc->client));
}

/* DATA and end of headers, sent over TCP only: nothing to do but reply. */
static sfsistat
cb_data(SMFICTX *ctx)
{
	struct connctx	*cc = conn_get(ctx);

	/* answered (over TCP): mail for no abuse desk needs nothing more */
	if (cc != NULL && !(cc->steps & SMFIP_NR_DATA) &&
	    cc->msg.nabuse == 0) {
		msg_reset(&cc->msg);
		return SMFIS_ACCEPT;
	}
	return reply(cc, SMFIP_NR_DATA);
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	return reply(conn_get(ctx), SMFIP_NR_EOH);
}

/* Negotiate: ask only for what is used, and no reply where possible. */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct connctx	*cc;
	snapshot_t	*s;

	*pf2 = *pf3 = 0;
	if ((cc = conn_get(ctx)) == NULL) {
		*pf0 = 0;
		*pf1 = f1 & (SMFIP_NOEOH | SMFIP_NODATA | SMFIP_NOUNKNOWN);
		return SMFIS_CONTINUE;
	}
	cc->actions = f0 & WANT_ACTIONS;
	if ((f0 & (SMFIF_ADDRCPT | SMFIF_DELRCPT)) !=
	    (SMFIF_ADDRCPT | SMFIF_DELRCPT))
		log_warnx("the MTA does not allow changing recipients: "
		    "complaints stay at the abuse desk");
	cc->steps = f1 & WANT_STEPS;
	if (milter_state.tcp)
		cc->steps &= ~(unsigned long)(NR_STEPS | SMFIP_NODATA |
		    SMFIP_NOEOH);
	/*
	 * The client address, the HELO name and the MAIL FROM argument serve
	 * SPF alone: without it, the MTA need not send the connect, HELO and
	 * MAIL steps at all (the sender comes as the {mail_addr} macro).
	 * Not over TCP: the MTA still sends the macros of a skipped step,
	 * alone, and they would wait for the delayed ACK like a step
	 * without a reply.
	 */
	if ((s = snapshot_acquire()) != NULL) {
		if (s->conf->spf_policy == SPF_POLICY_OFF && !milter_state.tcp)
			cc->steps |= f1 & (SMFIP_NOCONNECT | SMFIP_NOHELO |
			    SMFIP_NOMAIL);
		snapshot_release(s);
	}
	*pf0 = cc->actions;
	if (f0 & SMFIF_SETSYMLIST) {
		*pf0 |= SMFIF_SETSYMLIST;
		(void)smfi_setsymlist(ctx, SMFIM_CONNECT, sym_client);
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM, sym_mail);
		(void)smfi_setsymlist(ctx, SMFIM_ENVRCPT, sym_qid);
		(void)smfi_setsymlist(ctx, SMFIM_EOM, sym_qid);
	}
	*pf1 = cc->steps;
	return SMFIS_CONTINUE;
}

/* Connection: remember the client address (for SPF). */
static sfsistat
cb_connect(SMFICTX *ctx, char *host, struct sockaddr *sa)
{
	struct connctx	*cc;
	char		 text[INET6_ADDRSTRLEN];
	const void	*a = NULL;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	if (sa != NULL && sa->sa_family == AF_INET)
		a = &((struct sockaddr_in *)(void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((struct sockaddr_in6 *)(void *)sa)->sin6_addr;
	if (a != NULL && inet_ntop(sa->sa_family, a, text, sizeof(text)))
		set_client(cc, text);
	else
		set_client(cc, smfi_getsymval(ctx, sym_client));
	return reply(cc, SMFIP_NR_CONN);
}

/* HELO/EHLO: remember the name (for SPF). */
static sfsistat
cb_helo(SMFICTX *ctx, char *name)
{
	struct connctx	*cc;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	free(cc->helo);
	cc->helo = name != NULL ? strndup(name, HELO_MAX) : NULL;
	return reply(cc, SMFIP_NR_HELO);
}

/* Begin a message under the snapshot in service. */
static void
msg_begin(struct msgctx *m)
{
	msg_reset(m);
	m->snap = snapshot_acquire();
	m->arrival = (int64_t)time(NULL);
}

/* MAIL FROM: a new message. */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct connctx	*cc;
	struct msgctx	*m;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	m = &cc->msg;
	msg_begin(m);
	if (argv != NULL && argv[0] != NULL &&
	    (m->mail_from = strndup(argv[0], PATH_MAX_LEN)) == NULL)
		m->failed = 1;
	if (cc->client[0] == '\0')
		set_client(cc, smfi_getsymval(ctx, sym_client));
	return reply(cc, SMFIP_NR_MAIL);
}

/*
 * Is rcpt a desk recipient: one of AbuseRecipients, or the return path
 * (its customer tag then kept in m->returned)?  1 yes, 0 no, -1 when out
 * of memory.
 */
static int
desk_rcpt(struct msgctx *m, const char *rcpt)
{
	char	 tag[IPMAP_CUSTOMER_MAX];

	/* the return path first: abuse+C1001@ is also a form of abuse@ */
	if (!policy_return_rcpt(m->snap->conf, rcpt, tag, sizeof(tag)))
		return policy_is_abuse_rcpt(m->snap->conf, rcpt);
	if (m->returned == NULL && (m->returned = strdup(tag)) == NULL)
		return -1;
	return 1;
}

/* RCPT TO: remember each desk recipient exactly as received. */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connctx	*cc;
	struct msgctx	*m;
	char		*r;
	int		 desk;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	m = &cc->msg;
	if (m->snap == NULL && (cc->steps & SMFIP_NOMAIL))
		msg_begin(m);	/* the first recipient of a message */
	if (m->snap == NULL || argv == NULL || argv[0] == NULL ||
	    (desk = desk_rcpt(m, argv[0])) == 0)
		return reply(cc, SMFIP_NR_RCPT);
	if (desk == -1)
		m->failed = 1;
	if (m->nabuse == MAX_ABUSE_RCPTS || strlen(argv[0]) > PATH_MAX_LEN ||
	    (r = strdup(argv[0])) == NULL) {
		log_warnx("too many or too long abuse recipients: "
		    "message stays at the abuse desk");
		m->failed = 1;
		return reply(cc, SMFIP_NR_RCPT);
	}
	m->abuse[m->nabuse++] = r;
	return reply(cc, SMFIP_NR_RCPT);
}

/* A header: count forged X-Abuse-Route, give the rest to the complaint. */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct connctx	*cc;
	struct msgctx	*m;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	m = &cc->msg;
	if (m->nabuse == 0 || name == NULL || value == NULL)
		return reply(cc, SMFIP_NR_HDR);
	if (strcasecmp(name, MILTER_HEADER) == 0) {
		m->forged++;	/* removed on every path, failures included */
		return reply(cc, SMFIP_NR_HDR);
	}
	if (m->failed)
		return reply(cc, SMFIP_NR_HDR);
	if (m->c == NULL &&
	    (m->c = complaint_new(m->snap->conf->max_scan_bytes)) == NULL)
		m->failed = 1;
	else if (complaint_header(m->c, name, value) == -1)
		m->failed = 1;
	return reply(cc, SMFIP_NR_HDR);
}

/* A body chunk: give it to the complaint. */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct connctx	*cc;
	struct msgctx	*m;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	m = &cc->msg;
	if (m->nabuse == 0 || m->failed)
		return reply(cc, SMFIP_NR_BODY);
	if (m->c == NULL &&
	    (m->c = complaint_new(m->snap->conf->max_scan_bytes)) == NULL)
		m->failed = 1;
	else if (complaint_body(m->c, chunk, len) == -1)
		m->failed = 1;
	return reply(cc, SMFIP_NR_BODY);
}

/* Add one recipient, a mailbox as the map or KeepCopy writes it; 0 or
 * -1.  It goes as one path, "<mailbox>", quotes and all. */
static int
add_rcpt(SMFICTX *ctx, const char *mailbox)
{
	char	 path[ADDR_MAX + 2];

	if (addr_path(mailbox, path, sizeof(path)) == -1)
		return -1;
	return smfi_addrcpt(ctx, path) == MI_SUCCESS ? 0 : -1;
}

/*
 * Remove one desk recipient, as it came in RCPT TO; Postfix matches it
 * against the recipient as smtpd stored it, which has no source route, so
 * a path with one is removed in that form too.
 */
static void
del_rcpt(SMFICTX *ctx, const char *qid, char *rcpt)
{
	char	 bare[PATH_MAX_LEN + 2];
	int	 rc = smfi_delrcpt(ctx, rcpt);

	if (addr_strip_route(rcpt, bare, sizeof(bare)) == 1 &&
	    smfi_delrcpt(ctx, bare) != MI_SUCCESS)
		rc = MI_FAILURE;
	if (rc != MI_SUCCESS) {
		log_warnx("%s: cannot remove an abuse desk recipient", qid);
		stats_error(milter_state.stats, "delrcpt");
	}
}

/*
 * Give a routed complaint the desk's return path (ReturnPath), so that a
 * rejection or a bounce comes back to the desk.  A failure changes
 * nothing else: the complaint goes on with the reporter's sender.
 */
static void
do_return_path(SMFICTX *ctx, struct connctx *cc, const char *qid,
    const struct decision *d)
{
	char	 path[IPMAP_ADDRESS_MAX + IPMAP_CUSTOMER_MAX + 4];

	switch (policy_return_path(cc->msg.snap->conf, d->customer, path,
	    sizeof(path))) {
	case 0:
		return;		/* ReturnPath none */
	case 1:
		if (!(cc->actions & SMFIF_CHGFROM))
			log_warnx("%s: the MTA does not allow changing the "
			    "sender: routed with the reporter's", qid);
		else if (smfi_chgfrom(ctx, path, NULL) == MI_SUCCESS)
			return;
		else
			log_warnx("%s: cannot change the sender: routed with "
			    "the reporter's", qid);
		break;
	default:
		log_warnx("%s: return path too long: routed with the "
		    "reporter's sender", qid);
		break;
	}
	stats_error(milter_state.stats, "chgfrom");
}

/*
 * Carry out a route: customer first, then the return path, then the
 * deletions, then KeepCopy.  Turns d into a keep when the customer
 * cannot be added; nothing after that can leave the complaint without a
 * recipient or stop it.
 */
static void
do_route(SMFICTX *ctx, struct connctx *cc, const char *qid,
    struct decision *d)
{
	struct msgctx	*m = &cc->msg;
	const char	*copy = m->snap->conf->keep_copy;
	size_t		 i;

	if ((cc->actions & (SMFIF_ADDRCPT | SMFIF_DELRCPT)) !=
	    (SMFIF_ADDRCPT | SMFIF_DELRCPT)) {
		decision_keep(d, "internal-error");
		return;
	}
	if (add_rcpt(ctx, d->to) == -1) {
		log_warnx("%s: cannot add recipient: message stays at the "
		    "abuse desk", qid);
		stats_error(milter_state.stats, "addrcpt");
		decision_keep(d, "internal-error");
		return;
	}
	do_return_path(ctx, cc, qid, d);
	for (i = 0; i < m->nabuse; i++)
		del_rcpt(ctx, qid, m->abuse[i]);
	if (copy != NULL && add_rcpt(ctx, copy) == -1) {
		log_warnx("%s: cannot add the KeepCopy recipient", qid);
		stats_error(milter_state.stats, "addrcpt");
	}
}

/* Append "; name=value" with value sanitized. */
static void
hdr_field(buf_t *b, const char *name, const char *value)
{
	char	 safe[256];

	if (value == NULL || *value == '\0')
		return;
	str_sanitize(value, strlen(value), safe, sizeof(safe));
	(void)buf_printf(b, "; %s=%s", name, safe);
}

/* The envelope sender mail_from as "<address>" ("<>": null) in out. */
static const char *
envelope_from(const char *mail_from, char *out, size_t size)
{
	char	 bare[PATH_MAX_LEN + 1];

	if (addr_internal(mail_from, bare, sizeof(bare)) == -1 ||
	    snprintf(out, size, "<%s>", bare) >= (int)size)
		return "<>";
	return out;
}

/* Remove the X-Abuse-Route headers that came, add ours. */
static void
do_headers(SMFICTX *ctx, struct connctx *cc, const char *qid,
    const struct decision *d)
{
	struct msgctx	*m = &cc->msg;
	char		 ip[IPADDR_STRLEN], serial[24], from[PATH_MAX_LEN + 2];
	buf_t		 b;
	int		 i;

	if (cc->actions & SMFIF_CHGHDRS)
		for (i = m->forged; i >= 1; i--)
			if (smfi_chgheader(ctx, hdr_name, i, NULL) !=
			    MI_SUCCESS) {
				log_warnx("%s: cannot remove an arriving %s "
				    "header", qid, MILTER_HEADER);
				stats_error(milter_state.stats, "header");
			}
	if (!(cc->actions & SMFIF_ADDHDRS))
		return;
	buf_init(&b, 1024);
	(void)buf_puts(&b, d->action == ROUTE_ROUTE ? "route" : "keep");
	hdr_field(&b, "reason", d->reason);
	if (d->has_ip && ipaddr_format(&d->ip, ip, sizeof(ip)) != -1)
		hdr_field(&b, "ip", ip);
	hdr_field(&b, "customer", d->customer);
	hdr_field(&b, "rule", d->rule);
	if (d->action == ROUTE_ROUTE)	/* the reporter stays reachable */
		hdr_field(&b, "envelope-from", envelope_from(m->mail_from,
		    from, sizeof(from)));
	if (d->map_serial != 0 && snprintf(serial, sizeof(serial), "%llu",
	    (unsigned long long)d->map_serial) < (int)sizeof(serial))
		hdr_field(&b, "serial", serial);
	if (smfi_addheader(ctx, hdr_name, b.data) != MI_SUCCESS) {
		log_warnx("%s: cannot add the %s header", qid, MILTER_HEADER);
		stats_error(milter_state.stats, "header");
	}
	buf_free(&b);
}

/* The one log line of a decided message. */
static void
log_decision(const char *qid, const struct decision *d, int spf)
{
	char	 ip[IPADDR_STRLEN] = "-", when[32] = "-", port[16] = "-";
	char	 cust[IPMAP_CUSTOMER_MAX], to[IPMAP_ADDRESS_MAX], rule[64];
	char	 dropped[128], ret[IPMAP_CUSTOMER_MAX];

	if (d->has_ip) {
		(void)ipaddr_format(&d->ip, ip, sizeof(ip));
		if (time_format_rfc3339(d->time, when, sizeof(when)) == -1)
			snprintf(when, sizeof(when), "-");
		if (d->port >= 0)
			snprintf(port, sizeof(port), "%d", d->port);
	}
	str_sanitize(d->customer, strlen(d->customer), cust, sizeof(cust));
	str_sanitize(d->to, strlen(d->to), to, sizeof(to));
	str_sanitize(d->rule, strlen(d->rule), rule, sizeof(rule));
	str_sanitize(d->returned, strlen(d->returned), ret, sizeof(ret));
	(void)decision_dropped_text(d, dropped, sizeof(dropped));
	log_notice("%s: action=%s reason=%s rule=%s ip=%s port=%s time=%s "
	    "customer=%s to=%s%s%s serial=%llu spf=%s dropped=%s kind=%s "
	    "returned=%s",
	    qid,
	    d->action == ROUTE_ROUTE ? "route" : "keep", d->reason,
	    rule[0] ? rule : "-", ip, port, when, cust[0] ? cust : "-",
	    d->action == ROUTE_ROUTE ? "<" : "",
	    d->action == ROUTE_ROUTE ? to : "-",
	    d->action == ROUTE_ROUTE ? ">" : "",
	    (unsigned long long)d->map_serial,
	    spf == POLICY_SPF_UNCHECKED ? "-" : spf_res_name(spf), dropped,
	    kind_name(d->kind), ret[0] ? ret : "-");
}

/* End of message: decide, act, log. */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct connctx	*cc;
	struct msgctx	*m;
	struct decision	 d;
	struct policy	 pol;
	struct policy_msg pm;
	const char	*v;
	char		 qid[64];
	int		 spf;

	if ((cc = conn_get(ctx)) == NULL)
		return SMFIS_CONTINUE;
	m = &cc->msg;
	if (m->snap == NULL || m->nabuse == 0)
		goto done;
	v = smfi_getsymval(ctx, sym_qid);
	str_sanitize(v != NULL ? v : "NOQUEUE", strlen(v != NULL ? v :
	    "NOQUEUE"), qid, sizeof(qid));
	if (!m->failed && m->c == NULL &&
	    (m->c = complaint_new(m->snap->conf->max_scan_bytes)) == NULL)
		m->failed = 1;
	if (m->mail_from == NULL && (cc->steps & SMFIP_NOMAIL) &&
	    (v = smfi_getsymval(ctx, sym_mail)) != NULL &&
	    (m->mail_from = strndup(v, PATH_MAX_LEN)) == NULL)
		m->failed = 1;
	if (!m->failed && complaint_envelope(m->c, m->mail_from) == -1)
		m->failed = 1;
	memset(&d, 0, sizeof(d));
	if (m->failed) {
		log_warnx("%s: internal error: message stays at the abuse desk",
		    qid);
		stats_error(milter_state.stats, "internal");
		decision_keep(&d, "internal-error");
		do_headers(ctx, cc, qid, &d);
		log_decision(qid, &d, POLICY_SPF_UNCHECKED);
		stats_decision(milter_state.stats, &d);
		decision_clear(&d);
		goto done;
	}
	route_decide(m->snap->rules, m->snap->map, m->c, m->arrival, &d);
	pol.conf = m->snap->conf;
	pol.ratelimit = milter_state.ratelimit;
	pol.spf = milter_state.spf;
	pm.returned = m->returned;
	pm.mail_from = m->mail_from;
	pm.helo = cc->helo;
	pm.client_addr = cc->client[0] != '\0' ? cc->client : NULL;
	pm.now = (int64_t)time(NULL);
	policy_apply(&pol, m->c, &pm, &d, &spf);
	if (d.action == ROUTE_ROUTE)
		do_route(ctx, cc, qid, &d);
	do_headers(ctx, cc, qid, &d);
	log_decision(qid, &d, spf);
	stats_decision(milter_state.stats, &d);
	decision_clear(&d);
done:
	msg_reset(m);
	return SMFIS_CONTINUE;
}

/* The message was aborted. */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct connctx	*cc;

	if ((cc = smfi_getpriv(ctx)) != NULL)
		msg_reset(&cc->msg);
	return SMFIS_CONTINUE;
}

/* The connection closed: free everything. */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct connctx	*cc;

	if ((cc = smfi_getpriv(ctx)) == NULL)
		return SMFIS_CONTINUE;
	msg_reset(&cc->msg);
	free(cc->helo);
	free(cc);
	(void)smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc milter_desc = {
	.xxfi_name = milter_name,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = WANT_ACTIONS,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = NULL,
	.xxfi_data = cb_data,
	.xxfi_negotiate = cb_negotiate,
};
