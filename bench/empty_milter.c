/*
 * empty_milter.c - a milter that reads every message and decides nothing.
 *
 * The benchmark's baseline: what any content milter costs Postfix before
 * it does any work of its own.  It receives the recipients, the headers
 * and the body of every message, counts them, and lets the message pass
 * unchanged.
 *
 *	empty_milter [-n] [-v] [-r ADDRESS] -p SOCKET
 *
 * By default it negotiates the leanest protocol that still delivers
 * headers and body (milter protocol 6): no connect, HELO, MAIL, DATA or
 * unknown-command events, and no replies to RCPT, header, end-of-header
 * and body events, so Postfix streams them without waiting.  With -n
 * (naive) it asks for every event and answers each one, as a milter
 * written without xxfi_negotiate does.  With -r it decides nothing
 * either, but makes at the end of every message the changes abuse-milter
 * makes to a routed complaint: it adds ADDRESS as a recipient, removes
 * every recipient exactly as received, and adds an X-Abuse-Route header
 * of the same size; the benchmark compares abuse-milter with it to tell
 * the cost of its logic from the cost of the changes themselves (which
 * falls mostly on Postfix's cleanup).  With -v it prints the negotiated
 * flags.  On SIGTERM or SIGINT it stops and prints its counters to
 * stderr: messages, header fields and body bytes seen.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#ifndef SMFIP_NR_HDR
#define SMFIP_NR_HDR	SMFIP_NOHREPL
#endif

static char	milter_name[] = "empty_milter";
static int	naive;
static int	verbose;
static char	*route_to;	/* -r: "<ADDRESS>" */
static char	route_hdr[] = "X-Abuse-Route";
static char	route_val[] = "route; reason=route; ip=192.0.2.25; "
		    "customer=C1234567; rule=arf-source-ip; serial=1";

#define ROUTE_RCPTS	8	/* recipients remembered per message */

/* -r: the recipients of the message in progress, as received. */
struct rcpts {
	char	*r[ROUTE_RCPTS];
	int	 n;
};
static atomic_ulong n_msgs;
static atomic_ulong n_rcpts;
static atomic_ulong n_hdrs;
static atomic_ulong n_body;

/* Lean mode: a reply is not wanted for this event. */
static sfsistat
no_reply(void)
{
	return naive ? SMFIS_CONTINUE : SMFIS_NOREPLY;
}

/* Choose the protocol steps: skip what is not needed, reply to nothing
 * but the end of the message. */
static sfsistat
em_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want;

	if (naive)
		return SMFIS_ALL_OPTS;
	want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL |
	    SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_RCPT | SMFIP_NR_HDR |
	    SMFIP_NR_EOH | SMFIP_NR_BODY;
	*pf0 = route_to ? f0 & (SMFIF_ADDRCPT | SMFIF_DELRCPT |
	    SMFIF_ADDHDRS) : 0;
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	if (verbose)
		fprintf(stderr, "empty_milter: offered actions %#lx steps %#lx,"
		    " taking steps %#lx\n", f0, f1, *pf1);
	return SMFIS_CONTINUE;
}

/* Naive mode only: each SMTP stage. */
static sfsistat
em_connect(SMFICTX *ctx, char *host, struct sockaddr *sa)
{
	return SMFIS_CONTINUE;
}

static sfsistat
em_helo(SMFICTX *ctx, char *helo)
{
	return SMFIS_CONTINUE;
}

static sfsistat
em_envfrom(SMFICTX *ctx, char **argv)
{
	return SMFIS_CONTINUE;
}

/* Count a recipient. */
static sfsistat
em_envrcpt(SMFICTX *ctx, char **argv)
{
	struct rcpts	*rc;

	atomic_fetch_add(&n_rcpts, 1);
	if (route_to == NULL || argv[0] == NULL)
		return no_reply();
	if ((rc = smfi_getpriv(ctx)) == NULL) {
		if ((rc = calloc(1, sizeof(*rc))) == NULL)
			return no_reply();
		(void)smfi_setpriv(ctx, rc);
	}
	if (rc->n < ROUTE_RCPTS && (rc->r[rc->n] = strdup(argv[0])) != NULL)
		rc->n++;
	return no_reply();
}

/* -r: forget the recipients of the message in progress. */
static void
rcpts_clear(SMFICTX *ctx)
{
	struct rcpts	*rc;

	if ((rc = smfi_getpriv(ctx)) == NULL)
		return;
	while (rc->n > 0)
		free(rc->r[--rc->n]);
}

/* Count a header field. */
static sfsistat
em_header(SMFICTX *ctx, char *name, char *value)
{
	atomic_fetch_add(&n_hdrs, 1);
	return no_reply();
}

/* End of the header. */
static sfsistat
em_eoh(SMFICTX *ctx)
{
	return no_reply();
}

/* Count body bytes. */
static sfsistat
em_body(SMFICTX *ctx, unsigned char *p, size_t len)
{
	atomic_fetch_add(&n_body, len);
	return no_reply();
}

/* End of the message: let it pass, unchanged or (-r) rerouted. */
static sfsistat
em_eom(SMFICTX *ctx)
{
	struct rcpts	*rc;
	int		 i;

	atomic_fetch_add(&n_msgs, 1);
	if (route_to == NULL)
		return SMFIS_ACCEPT;
	if ((rc = smfi_getpriv(ctx)) != NULL && rc->n > 0 &&
	    smfi_addrcpt(ctx, route_to) == MI_SUCCESS) {
		for (i = 0; i < rc->n; i++)
			(void)smfi_delrcpt(ctx, rc->r[i]);
	}
	(void)smfi_addheader(ctx, route_hdr, route_val);
	rcpts_clear(ctx);
	return SMFIS_CONTINUE;
}

/* Naive mode, and -r: abort and close. */
static sfsistat
em_abort(SMFICTX *ctx)
{
	rcpts_clear(ctx);
	return SMFIS_CONTINUE;
}

static sfsistat
em_close(SMFICTX *ctx)
{
	rcpts_clear(ctx);
	free(smfi_getpriv(ctx));
	(void)smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/* Print the usage line and exit. */
static void
usage(void)
{
	fprintf(stderr, "usage: empty_milter [-n] [-v] [-r ADDRESS] -p SOCKET\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct smfiDesc desc;
	const char *sock = NULL;
	int ch, rc;

	while ((ch = getopt(argc, argv, "np:r:v")) != -1) {
		switch (ch) {
		case 'n':
			naive = 1;
			break;
		case 'r':
			if ((route_to = malloc(strlen(optarg) + 3)) == NULL)
				return 1;
			snprintf(route_to, strlen(optarg) + 3, "<%s>", optarg);
			break;
		case 'p':
			sock = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();

	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = milter_name;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = route_to ? SMFIF_ADDRCPT | SMFIF_DELRCPT |
	    SMFIF_ADDHDRS : 0;
	desc.xxfi_envrcpt = em_envrcpt;
	desc.xxfi_header = em_header;
	desc.xxfi_eoh = em_eoh;
	desc.xxfi_body = em_body;
	desc.xxfi_eom = em_eom;
	desc.xxfi_negotiate = em_negotiate;
	if (naive) {
		desc.xxfi_connect = em_connect;
		desc.xxfi_helo = em_helo;
		desc.xxfi_envfrom = em_envfrom;
	}
	if (naive || route_to) {
		desc.xxfi_abort = em_abort;
		desc.xxfi_close = em_close;
	}

	if (strncmp(sock, "local:", 6) == 0 || strncmp(sock, "unix:", 5) == 0 ||
	    sock[0] == '/') {
		const char *path = strchr(sock, ':') ? strchr(sock, ':') + 1 :
		    sock;

		if (unlink(path) == -1 && errno != ENOENT) {
			fprintf(stderr, "empty_milter: unlink %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_setbacklog(256) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE) {
		fprintf(stderr, "empty_milter: cannot set up %s\n", sock);
		return 1;
	}
	if (smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "empty_milter: cannot listen on %s\n", sock);
		return 1;
	}
	rc = smfi_main();
	fprintf(stderr, "empty_milter: messages=%lu rcpts=%lu headers=%lu "
	    "body_bytes=%lu\n", atomic_load(&n_msgs), atomic_load(&n_rcpts),
	    atomic_load(&n_hdrs), atomic_load(&n_body));
	return rc == MI_SUCCESS ? 0 : 1;
}
