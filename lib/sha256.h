/*
 * sha256.h - SHA-256 (FIPS 180-4), used to fingerprint the map source.
 *
 *	struct sha256 h;
 *	sha256_init(&h);
 *	sha256_update(&h, data, len);	   (any number of times)
 *	sha256_hex(&h, hex);		   (hex: SHA256_HEXLEN bytes)
 */
#ifndef ABUSE_SHA256_H
#define ABUSE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEXLEN	65	/* 64 hex digits and the NUL */

struct sha256 {
	uint32_t	 h[8];
	uint64_t	 total;		/* bytes hashed */
	uint8_t		 block[64];
	size_t		 fill;		/* bytes waiting in block */
	int		 hw;		/* non-zero: the CPU's SHA instructions
					   are used (sha256_init sets it where
					   there are; a test may clear it) */
};

/* Start a new hash. */
void	sha256_init(struct sha256 *s);
/* Hash len more bytes of p. */
void	sha256_update(struct sha256 *s, const void *p, size_t len);
/* Finish: the 32-byte digest into out; s must be re-initialised to reuse. */
void	sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* Finish: the digest as lowercase hex with a NUL into hex. */
void	sha256_hex(struct sha256 *s, char hex[SHA256_HEXLEN]);

#endif
