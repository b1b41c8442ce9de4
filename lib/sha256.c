/*
 * sha256.c - SHA-256 as specified in FIPS 180-4; see sha256.h.
 *
 * On x86 CPUs with the SHA extensions (SHA-NI) the compression function
 * runs on them, about seven times as fast as the portable C below, which
 * is used everywhere else.  sha256_init() asks the CPU (CPUID) which.
 */
#include "config.h"

#include <string.h>

#include "sha256.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define SHA256_X86	1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

#ifdef SHA256_X86
/* Non-zero if the CPU has the SHA extensions and SSSE3 and SSE4.1. */
static int
sha256_cpu_has_sha(void)
{
	unsigned	 a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) ||
	    !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & (1u << 29)) != 0;	/* CPUID.7.0:EBX.SHA */
}

/*
 * Run the compression function over n 64-byte blocks at p with the SHA
 * instructions.  The state is kept as the two halves ABEF and CDGH that
 * SHA256RNDS2 works on; each step of the loop does four rounds and
 * extends the message schedule (SHA256MSG1/MSG2) four words ahead.
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void
sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i	 bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
			    0x0405060700010203ULL);
	__m128i		 s0, s1, t, abef, cdgh, m[4];
	int		 g;

	t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	t = _mm_shuffle_epi32(t, 0xb1);			/* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1b);		/* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);			/* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xf0);		/* CDGH */
	for (; n > 0; n--, p += 64) {
		abef = s0;
		cdgh = s1;
		for (g = 0; g < 4; g++)
			m[g] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(const void *)(p + 16 * g)), bswap);
#if defined(__clang__) || __GNUC__ >= 8
#pragma GCC unroll 16
#endif
		for (g = 0; g < 16; g++) {
			t = _mm_add_epi32(m[g & 3], _mm_loadu_si128(
			    (const __m128i *)(const void *)&K[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, t);
			if (g >= 3 && g <= 14) {
				m[(g + 1) & 3] = _mm_sha256msg2_epu32(
				    _mm_add_epi32(m[(g + 1) & 3],
				    _mm_alignr_epi8(m[g & 3], m[(g + 3) & 3],
				    4)), m[g & 3]);
			}
			t = _mm_shuffle_epi32(t, 0x0e);
			s0 = _mm_sha256rnds2_epu32(s0, s1, t);
			if (g >= 1 && g <= 12)
				m[(g + 3) & 3] = _mm_sha256msg1_epu32(
				    m[(g + 3) & 3], m[g & 3]);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);		/* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);		/* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xf0);		/* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);			/* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&h[0], s0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}
#else
/* Without x86 SHA extensions to use. */
static int
sha256_cpu_has_sha(void)
{
	return 0;
}
#endif

/* Start a new hash. */
void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->h, iv, sizeof(iv));
	s->total = 0;
	s->fill = 0;
	s->hw = sha256_cpu_has_sha();
}

/* Run the compression function over one 64-byte block. */
static void
sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t	 w[64], a, b, c, d, e, f, g, h, t1, t2;
	int		 i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
		    (w[i - 2] >> 10)) + w[i - 7] + (ROR(w[i - 15], 7) ^
		    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

/* Run the compression function over n 64-byte blocks at p. */
static void
sha256_blocks(struct sha256 *s, const uint8_t *p, size_t n)
{
#ifdef SHA256_X86
	if (s->hw) {
		sha256_blocks_ni(s->h, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		sha256_block(s, p);
}

/* Hash len more bytes. */
void
sha256_update(struct sha256 *s, const void *vp, size_t len)
{
	const uint8_t	*p = vp;
	size_t		 n;

	s->total += len;
	if (s->fill > 0) {
		n = 64 - s->fill < len ? 64 - s->fill : len;
		memcpy(s->block + s->fill, p, n);
		s->fill += n;
		p += n;
		len -= n;
		if (s->fill < 64)
			return;
		sha256_blocks(s, s->block, 1);
		s->fill = 0;
	}
	sha256_blocks(s, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(s->block, p, len);
	s->fill = len;
}

/* Pad, finish and write the digest. */
void
sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	uint64_t	 bits = s->total * 8;
	int		 i;

	s->block[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->block + s->fill, 0, 64 - s->fill);
		sha256_blocks(s, s->block, 1);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, 56 - s->fill);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_blocks(s, s->block, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

/* Finish and write the digest in hex. */
void
sha256_hex(struct sha256 *s, char hex[SHA256_HEXLEN])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t		 d[SHA256_LEN];
	int		 i;

	sha256_final(s, d);
	for (i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[64] = '\0';
}
