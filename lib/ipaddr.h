/*
 * ipaddr.h - IPv4/IPv6 address parsing and formatting.
 *
 * One address type for the whole program.  IPv4 addresses, and IPv4-mapped
 * IPv6 addresses (::ffff:192.0.2.1), are always held as IPv4.  Parsing is
 * strict: a dotted quad has exactly four decimal octets 0..255 without
 * leading zeros (never octal), IPv6 zone IDs ("%eth0") are refused, and
 * nothing may follow the address.  With IPADDR_DEFANGED the defanged
 * forms seen in abuse reports ("192.0.2[.]1", "192[.]0[.]2[.]1",
 * "192.0.2(.)1", "2001:db8[:]1") are read as well.
 */
#ifndef ABUSE_IPADDR_H
#define ABUSE_IPADDR_H

#include <stddef.h>
#include <stdint.h>

#define IPADDR_V4	4
#define IPADDR_V6	6

/* Longest text ipaddr_format() writes, with the NUL. */
#define IPADDR_STRLEN	46

struct ipaddr {
	uint8_t	family;		/* IPADDR_V4 or IPADDR_V6 */
	uint8_t	a[16];		/* network order; IPv4 in a[0..3], rest 0 */
};

#define IPADDR_DEFANGED	0x01	/* accept [.] (.) [:] separators */

/*
 * Parse len bytes of s (no NUL needed) as one address.  Returns 0 and
 * fills out, or -1 when the text is not exactly one valid address.
 */
int	ipaddr_parse(const char *s, size_t len, int flags, struct ipaddr *out);

/*
 * Write ip as text into out (size bytes, IPADDR_STRLEN is enough):
 * dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as "::").
 * Returns the length written, or -1 if size is too small.
 */
int	ipaddr_format(const struct ipaddr *ip, char *out, size_t size);

/* Compare two addresses (IPv4 sorts before IPv6); <0, 0, >0. */
int	ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y);

/* Width of the family in bits: 32 or 128. */
int	ipaddr_bits(const struct ipaddr *ip);

/* Non-zero for addresses no customer can hold: loopback, unspecified,
 * multicast, broadcast (255.255.255.255), link-local. */
int	ipaddr_is_reserved(const struct ipaddr *ip);

/*
 * Parse a CIDR prefix "addr/len" or a bare address (full length).
 * Returns 0, or -1 with a static message in *why (host bits set,
 * length out of range, bad address).
 */
int	ipaddr_parse_prefix(const char *s, size_t len, struct ipaddr *net,
	    int *plen, const char **why);

/* The port of len digits at s (1 to 65535; s may be NULL), or -1. */
int	ipaddr_port(const char *s, size_t len);

/*
 * Read an address-like token the way a person reads it, for a place that
 * holds an address (a labelled field, a table's IP column): blanks,
 * quotes, brackets and a trailing '.', ',' or ';' around it are dropped;
 * the defanged forms are read; "192.0.2.1:8080" and "[2001:db8::1]:8080"
 * give the port; "192.0.2.0/24" gives the prefix length (the address
 * must be the network's); a zero-padded dotted quad ("010.001.002.003")
 * is decimal.  *port is -1 and *plen the family's width when absent.
 * Returns 1 and fills the outputs; 0 when the token does not look like
 * an address at all (fewer than three dots, and not bracketed, nor a
 * prefix, nor with "::" or three colons: "10:50:41" is a time); -1 when it
 * looks like one but cannot be read (an octet over 255, a bad prefix):
 * the caller must not drop it silently.
 */
int	ipaddr_parse_token(const char *s, size_t len, struct ipaddr *out,
	    int *port, int *plen);

#endif
