/* SPDX-License-Identifier: BSD-3-Clause */
/* Internet checksum (RFC 1071) and its incremental update (RFC 1624): checksum.h. */
#include "checksum.h"

#include <string.h>

/* a + b with the carry added back (one's complement addition of 64-bit words). */
static inline uint64_t add_carry64(uint64_t a, uint64_t b)
{
	uint64_t s = a + b;

	return s + (s < b);
}

uint32_t csum_partial(const void *buf, size_t len, uint32_t init)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;

	/*
	 * RFC 1071 2 (B): the one's complement sum does not depend on byte order, so sum
	 * machine words as they lie in memory (8 bytes at a time, carries added back)
	 * and turn the folded 16-bit result into network order once, at the end.
	 */
	while (len >= 32) {
		uint64_t v[4];
		memcpy(v, p, 32);
		sum = add_carry64(sum, v[0]);
		sum = add_carry64(sum, v[1]);
		sum = add_carry64(sum, v[2]);
		sum = add_carry64(sum, v[3]);
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		sum = add_carry64(sum, v);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		sum = add_carry64(sum, v);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		sum = add_carry64(sum, v);
		p += 2;
		len -= 2;
	}
	if (len) { /* RFC 1071 4.1: the odd byte is the high half of a zero-padded word */
		uint8_t last[2] = { p[0], 0 };
		uint16_t v;
		memcpy(&v, last, 2);
		sum = add_carry64(sum, v);
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	uint16_t s16 = (uint16_t)sum;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s16 = __builtin_bswap16(s16);
#endif
	/* init is a 32-bit partial sum: add it with its end-around carry */
	uint64_t r = (uint64_t)init + s16;
	return (uint32_t)((r & 0xffffffffu) + (r >> 32));
}

static uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Checksums here are handled as host-order numbers of big-endian words. */
uint16_t csum_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

uint32_t csum_pseudo4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint32_t len)
{
	uint8_t b[12];

	memcpy(b, &src_be, 4);
	memcpy(b + 4, &dst_be, 4);
	b[8] = 0;
	b[9] = proto;
	b[10] = (uint8_t)(len >> 8);
	b[11] = (uint8_t)len;
	return csum_partial(b, sizeof(b), 0);
}

uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t nexthdr, uint32_t len)
{
	uint32_t sum = fold16(csum_partial(src, 16, 0));

	sum += fold16(csum_partial(dst, 16, 0));
	return sum + (len >> 16) + (len & 0xffff) + nexthdr;
}

uint16_t csum_replace(uint16_t check, uint32_t old_sum, uint32_t new_sum)
{
	/* RFC 1624 eqn. 3, with sums folded to 16 bits first. */
	uint32_t s = (uint16_t)~check;

	s += (uint16_t)~fold16(old_sum);
	s += fold16(new_sum);
	return (uint16_t)~fold16(s);
}

uint16_t csum_ipv4_header(const void *hdr, unsigned ihl_bytes)
{
	const uint8_t *h = hdr;

	if (ihl_bytes == 20) { /* no options: five 32-bit words, the checksum field masked out */
		uint32_t w[5];
		memcpy(w, h, 20);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w[2] &= 0x0000ffffu; /* bytes 10-11 are the high half of the third word in memory order */
#else
		w[2] &= 0xffff0000u;
#endif
		uint64_t s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
		s = (s & 0xffffffffu) + (s >> 32);
		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		uint16_t s16 = (uint16_t)s;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		s16 = __builtin_bswap16(s16);
#endif
		return (uint16_t)~s16;
	}
	uint32_t sum = csum_partial(h, 10, 0);

	sum = csum_partial(h + 12, ihl_bytes - 12, sum);
	return csum_fold(sum);
}

bool csum_l4_finish(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	unsigned off = proto == 6 ? 16 : 6;
	uint32_t s = csum_partial(l4, l4len, 0);

	if (csum_fold(s + fold16(pseudo)) == 0)
		return false; /* complete already */
	/* the field holds the pseudo-header sum: the segment's sum is the whole sum */
	uint16_t c = csum_fold(s);
	if (proto == 17 && c == 0)
		c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return true;
}
