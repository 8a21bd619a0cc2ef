/* SPDX-License-Identifier: BSD-3-Clause */
#include "checksum.h"

#include <string.h>

uint32_t csum_partial(const void *buf, size_t len, uint32_t init)
{
	const uint8_t *p = buf;
	uint64_t sum = init;

	/* Sum 16-bit big-endian words; 64-bit accumulator, folded at the end. */
	while (len >= 8) {
		sum += ((uint32_t)p[0] << 8 | p[1]) + ((uint32_t)p[2] << 8 | p[3]) +
		       ((uint32_t)p[4] << 8 | p[5]) + ((uint32_t)p[6] << 8 | p[7]);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 32)
		sum = (sum & 0xffffffff) + (sum >> 32);
	return (uint32_t)sum;
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
	uint32_t sum = csum_partial(h, 10, 0);

	sum = csum_partial(h + 12, ihl_bytes - 12, sum);
	return csum_fold(sum);
}
