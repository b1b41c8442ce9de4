/*
 * spf.c - the SPF check over libspf2; see spf.h.
 *
 * libspf2 calls abort() from its default error handler and prints
 * warnings on stderr; both handlers are replaced to go through log.h.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "log.h"
#include "spf.h"
#include "str.h"

#define SPF_ADDR_MAX	320	/* longest sender kept (RFC 5321 path) */

struct spf {
	SPF_server_t	 *server;
	SPF_dns_server_t *zone;		/* non-NULL for a zone checker */
};

static pthread_once_t spf_once = PTHREAD_ONCE_INIT;

static const char *res_names[] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror",
	"permerror"
};

/* libspf2 error handler: an internal assertion failed. */
static void __attribute__((noreturn))
spf_log_error(const char *file, int line, const char *msg)
{
	char	 safe[512];

	log_error("libspf2: %s:%d: %s", file != NULL ? file : "?", line,
	    str_sanitize(msg ? msg : "", msg ? strlen(msg) : 0, safe,
	    sizeof(safe)));
	abort();
}

/*
 * libspf2 warning, info and debug handler.  Its messages quote DNS
 * records, which the sender's domain writes: sanitized like any other
 * untrusted text.
 */
static void
spf_log_debug(const char *file, int line, const char *msg)
{
	char	 safe[512];

	log_debug("libspf2: %s", str_sanitize(msg ? msg : "",
	    msg ? strlen(msg) : 0, safe, sizeof(safe)));
}

/* Route libspf2's messages to our log, once. */
static void
spf_handlers(void)
{
	SPF_error_handler = spf_log_error;
	SPF_warning_handler = spf_log_debug;
	SPF_info_handler = spf_log_debug;
	SPF_debug_handler = spf_log_debug;
}

/* Make a checker over the resolver with a cache. */
spf_t *
spf_new(int timeout)
{
	spf_t	*s;
	char	 opts[64];

	pthread_once(&spf_once, spf_handlers);
	if (timeout < 1)
		timeout = 1;
	if (getenv("RES_OPTIONS") == NULL &&
	    snprintf(opts, sizeof(opts), "timeout:%d attempts:1",
	    timeout) < (int)sizeof(opts))
		(void)setenv("RES_OPTIONS", opts, 0);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->server = SPF_server_new(SPF_DNS_CACHE, 0)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

/* Make a checker over an in-memory zone. */
spf_t *
spf_new_zone(void)
{
	spf_t	*s;

	pthread_once(&spf_once, spf_handlers);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->zone = SPF_dns_zone_new(NULL, "zone", 0)) == NULL) {
		free(s);
		return NULL;
	}
	if ((s->server = SPF_server_new_dns(s->zone, 0)) == NULL) {
		SPF_dns_free(s->zone);
		free(s);
		return NULL;
	}
	return s;
}

/* Add a record to a zone checker. */
int
spf_zone_add(spf_t *s, const char *name, const char *type, const char *data)
{
	static const struct {
		const char	*name;
		ns_type		 type;
	} types[] = {
		{ "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "MX", ns_t_mx },
		{ "TXT", ns_t_txt }, { "PTR", ns_t_ptr },
	};
	size_t	 i;

	if (s == NULL || s->zone == NULL || name == NULL || type == NULL)
		return -1;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(type, types[i].name) == 0)
			break;
	if (i == sizeof(types) / sizeof(types[0]))
		return -1;
	if (data == NULL)
		return SPF_dns_zone_add_str(s->zone, name, types[i].type,
		    TRY_AGAIN, NULL) == SPF_E_SUCCESS ? 0 : -1;
	return SPF_dns_zone_add_str(s->zone, name, types[i].type,
	    NETDB_SUCCESS, data) == SPF_E_SUCCESS ? 0 : -1;
}

/* Map a libspf2 result to ours. */
static int
spf_map(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL:
		return SPF_RES_NEUTRAL;
	case SPF_RESULT_PASS:
		return SPF_RES_PASS;
	case SPF_RESULT_FAIL:
		return SPF_RES_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SPF_RES_SOFTFAIL;
	case SPF_RESULT_NONE:
		return SPF_RES_NONE;
	case SPF_RESULT_TEMPERROR:
		return SPF_RES_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return SPF_RES_PERMERROR;
	default:
		return SPF_RES_TEMPERROR;
	}
}

/* Strip <> and white space from an envelope sender into out. */
static int
spf_sender(const char *in, char *out, size_t outsize)
{
	size_t	 len;

	while (*in == ' ' || *in == '\t')
		in++;
	if (*in == '<')
		in++;
	len = strcspn(in, "> \t");
	if (len >= outsize)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

/* Run one MAIL FROM query for sender (may be "" for postmaster@helo). */
static int
spf_query(spf_t *s, const char *client_addr, const char *helo,
    const char *sender)
{
	SPF_request_t	*req;
	SPF_response_t	*resp = NULL;
	struct in_addr	 a4;
	struct in6_addr	 a6;
	SPF_errcode_t	 err;
	int		 res;

	if ((req = SPF_request_new(s->server)) == NULL)
		return SPF_RES_TEMPERROR;
	if (inet_pton(AF_INET, client_addr, &a4) == 1)
		SPF_request_set_ipv4(req, a4);
	else if (inet_pton(AF_INET6, client_addr, &a6) == 1 &&
	    IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
		SPF_request_set_ipv4(req, a4);
	} else if (inet_pton(AF_INET6, client_addr, &a6) == 1)
		SPF_request_set_ipv6(req, a6);
	else {
		SPF_request_free(req);
		return SPF_RES_NONE;
	}
	if (helo != NULL && *helo != '\0' &&
	    SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS) {
		SPF_request_free(req);
		return SPF_RES_NONE;
	}
	if (SPF_request_set_env_from(req, sender) != 0) {
		SPF_request_free(req);
		return SPF_RES_NONE;
	}
	err = SPF_request_query_mailfrom(req, &resp);
	if (resp == NULL)
		res = SPF_RES_TEMPERROR;
	else if (SPF_response_result(resp) != SPF_RESULT_INVALID)
		res = spf_map(SPF_response_result(resp));
	else if (err == SPF_E_NO_MEMORY || err == SPF_E_DNS_ERROR ||
	    err == SPF_E_INTERNAL_ERROR)
		res = SPF_RES_TEMPERROR;
	else		/* a record that does not compile */
		res = SPF_RES_PERMERROR;
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	return res;
}

/* Check a message's sender and HELO. */
int
spf_check(spf_t *s, const char *client_addr, const char *helo,
    const char *mail_from)
{
	char	 sender[SPF_ADDR_MAX];
	int	 res = SPF_RES_NONE, hres = SPF_RES_NONE;
	int	 have_helo = helo != NULL && *helo != '\0' && *helo != '[';

	if (s == NULL || client_addr == NULL || *client_addr == '\0')
		return SPF_RES_NONE;
	if (mail_from == NULL || spf_sender(mail_from, sender,
	    sizeof(sender)) == -1)
		sender[0] = '\0';
	if (sender[0] != '\0' && strchr(sender, '@') != NULL)
		res = spf_query(s, client_addr, have_helo ? helo : NULL,
		    sender);
	else if (have_helo)
		res = spf_query(s, client_addr, helo, helo);
	if (have_helo && res != SPF_RES_FAIL && strchr(sender, '@') != NULL)
		hres = spf_query(s, client_addr, helo, helo);
	if (hres == SPF_RES_FAIL)
		res = SPF_RES_FAIL;
	return res;
}

/* Name of a result. */
const char *
spf_res_name(int res)
{
	if (res < 0 || res > SPF_RES_PERMERROR)
		return "none";
	return res_names[res];
}

/* Free a checker. */
void
spf_free(spf_t *s)
{
	if (s == NULL)
		return;
	SPF_server_free(s->server);
	if (s->zone != NULL)
		SPF_dns_free(s->zone);
	free(s);
}
