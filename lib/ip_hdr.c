/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 and IPv6 header writers (ip_hdr.h). */
#include <string.h>

#include "checksum.h"
#include "ip_hdr.h"

void ip4_hdr_write(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		   uint32_t src, uint32_t dst)
{
	h[0] = 0x45;
	h[1] = tos;
	wr16(h + 2, totlen);
	wr16(h + 4, id);
	wr16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, 0);
	st32(h + 12, src);
	st32(h + 16, dst);
	wr16(h + 10, csum_ipv4_header(h, 20));
}

void ip6_hdr_write(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim, const uint8_t src[16],
		   const uint8_t dst[16])
{
	/* RFC 7915 4.1: flow label 0. */
	h[0] = (uint8_t)(0x60 | (tclass >> 4));
	h[1] = (uint8_t)(tclass << 4);
	h[2] = 0;
	h[3] = 0;
	wr16(h + 4, paylen);
	h[6] = nexthdr;
	h[7] = hlim;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}
